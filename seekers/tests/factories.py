import random

import factory
from django.utils import timezone
from factory.faker import Faker

from accounts.tests.factories import UserFactory
from organizations.models import Prefecture
from seekers.models import ApplicantIdentity, ApplicationSheet, JobApplication, Profile, SeekerAccount
from seekers.validity import end_of_month_after_next


class JobApplicationFactory(factory.django.DjangoModelFactory):
    """An application marked 希望する, applied today, with its identity and published profile."""

    class Meta:
        model = JobApplication
        skip_postgeneration_save = True  # the related identity and profile point here; nothing to save again

    kyushoku_number = factory.Sequence(lambda n: f"13010-{n + 10000000:08d}")
    applied_on = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyAttribute(lambda o: end_of_month_after_next(o.applied_on))
    opt_in = JobApplication.OptIn.YES
    provision = JobApplication.Provision.BOTH

    identity = factory.RelatedFactory("seekers.tests.factories.ApplicantIdentityFactory", "application")
    profile = factory.RelatedFactory("seekers.tests.factories.ProfileFactory", "application")
    sheet = factory.RelatedFactory("seekers.tests.factories.ApplicationSheetFactory", "application")


# 氏名 with its matching フリガナ: the PII guard compares published text with both (SPEC rule 15), so
# they agree as on a real application, and none is a name the tests' sample texts use (山田, 佐藤...).
NAMES = [
    ("森川 颯太", "モリカワ ソウタ"), ("小野寺 美咲", "オノデラ ミサキ"), ("長谷部 悠真", "ハセベ ユウマ"),
    ("久保田 陽菜", "クボタ ヒナ"), ("藤森 葵", "フジモリ アオイ"), ("菅野 結衣", "カンノ ユイ"),
    ("野々村 湊", "ノノムラ ミナト"), ("宇佐美 紬", "ウサミ ツムギ"), ("真壁 芽依", "マカベ メイ"),
    ("鷲尾 律", "ワシオ リツ"), ("柏木 澪", "カシワギ ミオ"), ("東雲 蓮", "シノノメ レン"),
]


class ApplicantIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantIdentity
        exclude = ("pair",)

    application = factory.SubFactory(JobApplicationFactory, identity=None)
    pair = factory.Iterator(NAMES)
    name = factory.LazyAttribute(lambda o: o.pair[0])
    name_kana = factory.LazyAttribute(lambda o: o.pair[1])
    birth_date = Faker("date_of_birth", minimum_age=18, maximum_age=70)
    gender = factory.Iterator([c for c, _ in ApplicantIdentity.Gender.choices])
    postal_code = Faker("zipcode", locale="ja_JP")
    address = Faker("address", locale="ja_JP")
    phone = Faker("phone_number", locale="ja_JP")
    # Blank unless a test says otherwise: a recorded email restricts 利用登録 to that address.
    email = ""


JOBS = ["介護職員", "一般事務", "営業", "プログラマー", "保育士", "看護師", "倉庫作業", "調理補助", "販売員", "経理事務"]


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    application = factory.SubFactory(JobApplicationFactory, profile=None)
    desired_job = factory.LazyFunction(lambda: random.choice(JOBS))
    desired_hours = "9:00〜18:00"
    employment_type = Profile.EmploymentType.FULL_TIME
    wants_regular = Profile.Wish.YES
    desired_holidays = "土日祝"
    two_day_weekend = Profile.Wish.YES
    desired_prefecture = factory.LazyFunction(lambda: Prefecture.objects.get(code=f"{random.randint(1, 47):02d}"))
    desired_location = "市内"
    commute_method = "電車"
    commute_limit_minutes = 60
    desired_monthly_income = factory.LazyFunction(lambda: random.choice([180000, 220000, 250000, 300000]))
    education = "高等学校卒業"
    has_driving_license = True
    main_experience = "小売店での接客・在庫管理 5年"
    appeal_points = "丁寧な対応を心がけています。"


def _from_profile(name, default):
    """The 求職申込書's value as the published profile's (they start equal), or a default."""

    def value(o):
        profile = Profile.objects.filter(pk=o.application.pk).first()
        return getattr(profile, name) if profile is not None else default

    return factory.LazyAttribute(value)


class ApplicationSheetFactory(factory.django.DjangoModelFactory):
    """The 求職申込書's own values of list (1) ①②⑤–⑨⑫, equal to the published ones unless a test
    says otherwise."""

    class Meta:
        model = ApplicationSheet

    application = factory.SubFactory(JobApplicationFactory, sheet=None)
    desired_job = _from_profile("desired_job", "一般事務")
    desired_hours = _from_profile("desired_hours", "")
    dispatch_ok = _from_profile("dispatch_ok", False)
    contract_ok = _from_profile("contract_ok", False)
    desired_holidays = _from_profile("desired_holidays", "")
    two_day_weekend = _from_profile("two_day_weekend", Profile.Wish.ANY)
    desired_prefecture = factory.LazyAttribute(
        lambda o: getattr(Profile.objects.filter(pk=o.application.pk).first(), "desired_prefecture", None)
        or Prefecture.objects.get(code="13"))
    desired_location = _from_profile("desired_location", "")
    commute_method = _from_profile("commute_method", "")
    commute_limit_minutes = _from_profile("commute_limit_minutes", None)
    desired_monthly_income = _from_profile("desired_monthly_income", None)
    desired_hourly_wage = _from_profile("desired_hourly_wage", None)


class SeekerUserFactory(UserFactory):
    role = "seeker"
    username = factory.Sequence(lambda n: f"K{n + 100000:07d}")
    email = factory.Sequence(lambda n: f"seeker{n}@example.jp")


class SeekerAccountFactory(factory.django.DjangoModelFactory):
    """A registered seeker whose first login is done and whose profile review is confirmed."""

    class Meta:
        model = SeekerAccount
        skip_postgeneration_save = True  # the publish hook writes through services

    user = factory.SubFactory(SeekerUserFactory)
    application = factory.SubFactory(JobApplicationFactory)
    terms_version = "2026-11"
    terms_agreed_at = factory.LazyFunction(timezone.now)
    first_login_at = factory.LazyFunction(timezone.now)
    # Reviewed and confirmed at the first login unless a test says otherwise (profile_confirmed_at=None:
    # the seeker is on the review page).
    profile_confirmed_at = factory.LazyAttribute(lambda o: o.first_login_at)

    @factory.post_generation
    def publish(obj, create, extracted, **kwargs):
        """A confirmed account's profile is published, as after a real review (profile_review_confirm)."""
        if create and obj.profile_confirmed_at is not None:
            from seekers.services import profile_publish

            profile_publish(actor=None, account=obj)


