"""The re-identification warning (seekers.search.reidentification): the k-anonymity count of a
profile's published quasi-identifiers over the listed profiles, the fields that make the seeker
stand out, the keys kept up to date by the services, and where the seeker and staff see it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from organizations.models import OccupationGroup, Prefecture, Qualification
from seekers import services
from seekers.models import JobApplication, Profile, SeekerAccount
from seekers.search import reidentification as reid
from seekers.search.reidentification import reidentification_check, reidentification_keys
from seekers.tests.factories import SeekerAccountFactory
from seekers.tests.helpers import profile_of
from tests.pages import page

pytestmark = pytest.mark.django_db

K = 3  # most tests run with a small k (REIDENTIFICATION_K), so few profiles are needed


@pytest.fixture(autouse=True)
def _small_k(settings):
    settings.REIDENTIFICATION_K = K


def values(**changes) -> dict:
    """One combination of quasi-identifiers, with the given ones changed."""
    base = {
        "desired_prefecture": Prefecture.objects.get(code="13"),
        "planned_occupations": list(OccupationGroup.objects.exclude(major=None).order_by("code")[:1]),
        "qualifications": list(Qualification.objects.order_by("code")[:2]),
        "education": "高等学校卒業",
        "last_monthly_income": 260_000,
    }
    return {**base, **changes}


def seeker_like(**qi):
    """A started seeker (listed profile) with these quasi-identifiers; the keys rebuilt as the staff
    admin's save does (profile_screen after the relations)."""
    qi = values(**qi)
    m2m = {name: qi.pop(name) for name in ("planned_occupations", "qualifications")}
    account = SeekerAccountFactory(
        application__applied_on=timezone.localdate() - timedelta(days=20),
        **{f"application__profile__{name}": value for name, value in qi.items()},
    )
    profile = profile_of(account)
    for name, items in m2m.items():
        getattr(profile, name).set(items)
    services.profile_screen(actor=None, profile=profile)
    return account, profile


def crowd(n, **qi):
    return [seeker_like(**qi)[1] for _ in range(n)]


def fresh(profile) -> Profile:
    return Profile.objects.prefetch_related("planned_occupations", "qualifications", "places").get(pk=profile.pk)


# --- the coarse values --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "level"), [
    ("", "none"), ("   ", "none"),
    ("○○大学大学院 工学研究科 修了", "graduate"),
    ("○○大学 経済学部 卒業", "university"),
    ("○○短期大学 卒業", "junior_college"), ("○○高等専門学校 卒業", "junior_college"),
    ("○○専門学校(調理) 卒業", "vocational"), ("職業訓練(介護)受講", "vocational"),
    ("高等学校卒業", "high_school"), ("県立○○高校 卒", "high_school"), ("ｺｳｺｳ", "other"),
    ("中学校卒業", "junior_high"), ("独学", "other"),
])
def test_education_is_keyed_by_its_level_not_its_text(text, level):
    assert reid.education_level(text) == level


@pytest.mark.parametrize(("yen", "band"), [
    (None, "none"), (0, "0"), (49_999, "0"), (50_000, "1"), (249_999, "4"), (250_000, "5"),
    (599_999, "11"), (600_000, "12"), (2_000_000, "12"),
])
def test_income_is_keyed_by_its_50000_yen_band(yen, band):
    assert reid.income_band(yen) == band


def test_the_default_k_is_5(settings):
    from config.settings import base

    assert base.REIDENTIFICATION_K == 5


# --- the count -------------------------------------------------------------------------------------------


def test_k_minus_one_others_warn_and_k_others_do_not_the_seeker_not_counted():
    _account, me = seeker_like()  # listed itself: it is never part of its own count
    crowd(K - 1)

    check = reidentification_check(fresh(me))
    assert (check.count, check.at_risk) == (K - 1, True)

    crowd(1)
    check = reidentification_check(fresh(me))
    assert (check.count, check.at_risk) == (K, False)


def test_the_count_stops_at_k():
    _account, me = seeker_like()
    crowd(K + 2)

    assert reidentification_check(fresh(me)).count == K


def test_a_profile_not_listed_yet_gets_the_same_answer():
    """Before the first login (the review page) the profile is not listed: the count is the same."""
    crowd(K - 1)
    account = SeekerAccountFactory(first_login_at=None, application__profile__education="高等学校卒業")
    profile = profile_of(account)
    for name, items in values().items():
        if name in ("planned_occupations", "qualifications"):
            getattr(profile, name).set(items)
        else:
            setattr(profile, name, items)
    profile.save()
    assert profile.listed_until is None

    assert reidentification_check(fresh(profile)).count == K - 1


def test_only_the_exact_combination_counts():
    _account, me = seeker_like()
    crowd(1)
    crowd(1, desired_prefecture=Prefecture.objects.get(code="27"))
    crowd(1, planned_occupations=[])
    crowd(1, qualifications=list(Qualification.objects.order_by("code")[:1]))
    crowd(1, education="○○大学 卒業")
    crowd(1, last_monthly_income=310_000)
    crowd(1, last_monthly_income=299_999, education="県立高校卒")  # the same band, the same level

    assert reidentification_check(fresh(me)).count == 2


def test_unlisted_profiles_do_not_count(today):
    _account, me = seeker_like()
    stopped, not_opted_in, provided_to_none, ended = (seeker_like()[0] for _ in range(4))
    services.seeker_stop(actor=stopped.user, account=stopped)
    JobApplication.objects.filter(pk=not_opted_in.application_id).update(opt_in=JobApplication.OptIn.NO)
    JobApplication.objects.filter(pk=provided_to_none.application_id).update(provision=JobApplication.Provision.NONE)
    services.profile_sync_listing(application_ids=[not_opted_in.application_id, provided_to_none.application_id])
    # The period ended yesterday; no sync has run yet: the date alone takes it out.
    JobApplication.objects.filter(pk=ended.application_id).update(applied_on=today - timedelta(days=90),
                                                                  valid_until=today - timedelta(days=1))
    Profile.objects.filter(pk=ended.application_id).update(listed_until=today - timedelta(days=1))
    unstarted = SeekerAccountFactory(first_login_at=None)  # never published
    Profile.objects.filter(pk=unstarted.application_id).update(
        **{column: getattr(me, column) for column in reid.KEY_COLUMNS})

    assert reidentification_check(fresh(me)).count == 0
    crowd(1)
    assert reidentification_check(fresh(me)).count == 1


# --- the fields named -------------------------------------------------------------------------------------


def test_the_warning_names_the_fields_whose_generalisation_reaches_k():
    _account, me = seeker_like(desired_prefecture=Prefecture.objects.get(code="47"), last_monthly_income=900_000)
    crowd(K, last_monthly_income=900_000)  # as me but Tokyo: without the prefecture, K share it
    crowd(K, desired_prefecture=Prefecture.objects.get(code="47"))  # as me but another income: without it, K
    crowd(K, last_monthly_income=100_000, education="")  # two fields differ: one generalisation is not enough

    check = reidentification_check(fresh(me))

    assert check.at_risk and check.count == 0
    assert [f.name for f in check.standouts] == ["prefecture", "income"]
    counts = {f.name: f.count_without for f in check.fields}
    assert counts == {"prefecture": K, "occupations": 0, "qualifications": 0, "education": 0, "income": K}


def test_no_single_field_may_be_enough():
    _account, me = seeker_like(education="○○大学大学院 修了")
    crowd(K, education="", last_monthly_income=100_000)

    check = reidentification_check(fresh(me))

    assert check.at_risk and check.standouts == ()


# --- the keys kept up to date --------------------------------------------------------------------------


def test_the_stored_keys_follow_a_change_made_through_the_staff_save():
    account, me = seeker_like()
    application = JobApplication.objects.get(pk=account.application_id)
    identity, profile = application.identity, Profile.objects.get(pk=account.application_id)
    profile.desired_prefecture = Prefecture.objects.get(code="01")
    profile.last_monthly_income = 410_000
    before = profile.reid_key

    services.application_save(actor=StaffFactory(), application=application, identity=identity, profile=profile,
                              profile_relations={"qualifications": list(Qualification.objects.order_by("code")[5:6])})

    stored = fresh(me)
    assert stored.reid_key != before
    assert {column: getattr(stored, column) for column in reid.KEY_COLUMNS} == reidentification_keys(stored)
    # The others now count this profile under its new combination.
    _account, twin = seeker_like(desired_prefecture=Prefecture.objects.get(code="01"), last_monthly_income=420_000,
                                 qualifications=list(Qualification.objects.order_by("code")[5:6]))
    assert reidentification_check(fresh(twin)).count == 1


def test_a_withheld_education_is_not_published_so_it_counts_as_empty():
    _account, me = seeker_like(education="")
    _account, other = seeker_like(education="○○大学 卒業 連絡先 090-1234-5678")  # the PII guard withholds it

    assert "education" in fresh(other).withheld
    assert reidentification_check(fresh(me)).count == 1


def test_every_quasi_identifier_has_its_key_column():
    columns = {field.name for field in Profile._meta.concrete_fields}
    assert set(reid.KEY_COLUMNS) <= columns
    indexed = {index.fields[0] for index in Profile._meta.indexes if index.fields}
    assert set(reid.KEY_COLUMNS) <= indexed


# --- one query -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("others", [0, K + 4])
def test_the_check_is_one_query_whatever_the_crowd(others):
    _account, me = seeker_like()
    crowd(others)
    profile = fresh(me)

    with CaptureQueriesContext(connection) as ctx:
        reidentification_check(profile)

    assert len(ctx.captured_queries) == 1


# --- where it is shown ----------------------------------------------------------------------------------


WARNING = "あなたを特定されるおそれがあります"


def seeker_client_for(client, account):
    client.force_login(account.user)
    return client


def test_the_seeker_sees_the_warning_on_their_profile_page(client):
    account, _me = seeker_like(desired_prefecture=Prefecture.objects.get(code="47"))
    crowd(K)  # Tokyo
    html = page(seeker_client_for(client, account).get(reverse("seekers_seekers:profile")))

    assert WARNING in html
    assert "あなたのほかに 0 人の求職情報としか一致しません" in html
    assert "希望勤務地を近隣の地域まで広げること" in html  # the one field that makes them stand out
    assert "退職時の月収を公開しないこと" not in html


def test_the_seeker_sees_the_warning_on_the_review_before_publication(client):
    """The count ignores whether the seeker is listed yet, so the review page can warn before the
    profile is published."""
    account, _me = seeker_like(desired_prefecture=Prefecture.objects.get(code="47"))
    SeekerAccount.objects.filter(pk=account.pk).update(profile_confirmed_at=None)
    crowd(K)  # Tokyo
    html = page(seeker_client_for(client, account).get(reverse("seekers_seekers:profile_review")))

    assert "公開前の確認" in html
    assert WARNING in html
    assert "希望勤務地を近隣の地域まで広げること" in html


def test_no_warning_among_k_others(client):
    account, _me = seeker_like()
    crowd(K)

    html = page(seeker_client_for(client, account).get(reverse("seekers_seekers:profile")))

    assert WARNING not in html


def test_staff_see_it_on_the_applications_change_page(staff_client):
    account, _me = seeker_like(desired_prefecture=Prefecture.objects.get(code="47"))
    crowd(K)
    url = reverse("admin:seekers_jobapplication_change", args=[account.application_id])

    html = page(staff_client.get(url))
    assert WARNING in html
    assert "希望勤務地を近隣の地域まで広げること" in html

    crowd(K, desired_prefecture=Prefecture.objects.get(code="47"))
    html = page(staff_client.get(url))
    assert WARNING not in html
    assert f"{K} 人以上のほかの求職者と同じ組み合わせです。" in html


# --- PostgreSQL: the index, and the bench's SQL keys ---------------------------------------------------------


@pytest.mark.postgresql
def test_each_count_is_read_through_its_partial_index():
    _account, me = seeker_like()
    crowd(K)
    _keys, sql, params = reid.reidentification_sql(fresh(me), K)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for i in range(len(reid.KEY_COLUMNS)):
        assert f"profile_reid{i}_idx" in plan


@pytest.mark.postgresql
def test_the_bench_fill_computes_the_same_keys_in_sql():
    from devtools import bench

    profiles = [seeker_like()[1], seeker_like(education="○○大学大学院 修了", last_monthly_income=None,
                                              planned_occupations=[], qualifications=[])[1],
                seeker_like(education="ｺｳｺｳ", last_monthly_income=2_000_000)[1]]
    expected = {p.pk: reidentification_keys(fresh(p)) for p in profiles}
    Profile.objects.update(**dict.fromkeys(reid.KEY_COLUMNS))

    bench.fill_reidentification_keys(min(expected), max(expected))

    for pk, keys in expected.items():
        assert {column: getattr(Profile.objects.get(pk=pk), column) for column in reid.KEY_COLUMNS} == keys
