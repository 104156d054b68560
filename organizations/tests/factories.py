import datetime

import factory
from factory.faker import Faker

from accounts.tests.factories import StaffFactory, UserFactory
from organizations.models import Member, Office, Organization, StaffPost
from organizations.services import approval_end, organization_refresh_bits
from organizations.terms import CURRENT_TERMS_VERSION


class OrganizationFactory(factory.django.DjangoModelFactory):
    """An approved 民間職業紹介事業者 with all mandatory disclosures filled in."""

    class Meta:
        model = Organization
        skip_postgeneration_save = True  # the bits hook writes through a queryset update

    name = factory.LazyAttributeSequence(lambda o, n: f"{o.company}{n}")
    kind = Organization.Kind.AGENCY
    sub_kind = ""
    permit_number = factory.Sequence(lambda n: f"13-ユ-{300000 + n}")
    privacy_mark = True
    approved_on = datetime.date(2026, 4, 1)
    approval_until = factory.LazyAttribute(lambda o: approval_end(o.approved_on) if o.approved_on else None)
    terms_version = CURRENT_TERMS_VERSION
    bureau_id = "13"  # 東京労働局: the applications of the seekers factories are 13xxx offices'
    track_record = "2025年度 紹介就職件数 120件(うち介護職 80件)"
    job_openings = "首都圏の介護・福祉職の求人を中心に約300件"
    fees = "求職者からの手数料はいただきません(求人者から徴収)。"
    privacy_officer = "個人情報管理責任者 総務部長 山田太郎"
    complaints_officer = "苦情処理責任者 業務部長 佐藤花子"
    contact_procedure = "当社ウェブサイトの応募フォーム、または電話 03-0000-0000 で面談をご予約ください。"

    @factory.post_generation
    def bits(obj, create, extracted, **kwargs):
        if create:
            organization_refresh_bits(organization=obj)

    class Params:
        company = Faker("company", locale="ja_JP")
        municipality = factory.Trait(
            kind=Organization.Kind.LOCAL_GOV,
            permit_number="",
            privacy_mark=False,
            name=factory.Sequence(lambda n: f"就職支援センター{n}"),
        )
        unapproved = factory.Trait(approved_on=None)
        terms_pending = factory.Trait(terms_version=0)
        expired = factory.Trait(approval_until=datetime.date(2026, 4, 30))  # after approved_on, long past
        withdrawn = factory.Trait(
            withdrawn_at=factory.LazyFunction(lambda: datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)))
        suspended = factory.Trait(
            suspended_from=datetime.date(2000, 1, 1), suspended_until=datetime.date(2099, 12, 31)
        )
        revoked = factory.Trait(revoked_at=factory.LazyFunction(lambda: datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)))


class MemberUserFactory(UserFactory):
    role = "member"
    username = factory.Sequence(lambda n: f"member{n:05d}")
    email = factory.Sequence(lambda n: f"member{n}@org.example.jp")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(MemberUserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Member.Role.MEMBER
    display_name = Faker("name", locale="ja_JP")


class OfficeFactory(factory.django.DjangoModelFactory):
    """A test office (not a row of offices.csv): the factories' 求職番号 start with 13010."""

    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = "13010"
    name = factory.LazyAttribute(lambda o: f"テスト用ハローワーク{o.code}")
    prefecture_id = factory.LazyAttribute(lambda o: o.code[:2])
    address = "東京都千代田区テスト町1-1"
    phone = "03-0000-0000"


def staff_with_post(level: str, *, office: str | None = None, bureau: str | None = None, group: str = "窓口職員"):
    """A staff member (not a superuser) in one of the permission groups, posted to an office, a 労働局
    or the whole country (SPEC rule 23)."""
    from django.contrib.auth.models import Group

    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=group))
    StaffPost.objects.create(user=user, level=level, office=OfficeFactory(code=office) if office else None,
                             bureau_id=bureau)
    return user
