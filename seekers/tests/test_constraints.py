"""Each rule about one row's own fields is a database constraint (STYLE.md), so a row written around the
forms and services (a shell, a bulk update, a bug) is refused by the database itself."""

from datetime import date, timedelta

import pytest
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from organizations.models import Prefecture
from seekers.models import ApplicantIdentity, AuthKey, JobApplication, Profile, SeekerAccount
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory, SeekerUserFactory

pytestmark = pytest.mark.django_db


def application_fields(**overrides):
    fields = {
        "kyushoku_number": "13010-12345678",
        "applied_on": date(2026, 11, 26),
        "valid_until": date(2027, 1, 31),
        "opt_in": JobApplication.OptIn.YES,
        "provision": JobApplication.Provision.BOTH,
    }
    fields.update(overrides)
    return fields


def refused(callable_, *args, **kwargs):
    """True when the database refuses the write; the savepoint keeps the test's transaction usable."""
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


# --- JobApplication -------------------------------------------------------------------------------


def test_a_valid_application_saves():
    JobApplication.objects.create(**application_fields())

    stored = JobApplication.objects.get()
    assert stored.kyushoku_number == "13010-12345678"
    assert stored.valid_until == date(2027, 1, 31)


@pytest.mark.parametrize(
    "number",
    [
        "1234-5",
        "1301012345678",
        "13010-1234567",
        "13010－12345678",
        "１３０１０-１２３４５６７８",
        "13010_12345678",
        "",
    ],
)
def test_application_number_format_is_checked_on_create(number):
    with pytest.raises(IntegrityError), transaction.atomic():
        JobApplication.objects.create(**application_fields(kyushoku_number=number))

    assert not JobApplication.objects.exists()


def test_application_number_with_a_trailing_newline_is_refused():
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        JobApplication.objects.create(**application_fields(kyushoku_number="13010-12345678\n"))


def test_application_number_format_is_checked_on_update():
    application = JobApplicationFactory(kyushoku_number="13010-12345678")

    with pytest.raises(IntegrityError), transaction.atomic():
        JobApplication.objects.filter(pk=application.pk).update(kyushoku_number="1234-5")

    application.refresh_from_db()
    assert application.kyushoku_number == "13010-12345678"


def test_application_number_is_unique():
    JobApplication.objects.create(**application_fields())

    with pytest.raises(IntegrityError), transaction.atomic():
        JobApplication.objects.create(**application_fields(applied_on=date(2026, 10, 1)))

    assert JobApplication.objects.count() == 1


def test_application_number_update_to_an_existing_number_is_refused():
    JobApplicationFactory(kyushoku_number="13010-00000001")
    other = JobApplicationFactory(kyushoku_number="13010-00000002")

    assert refused(JobApplication.objects.filter(pk=other.pk).update, kyushoku_number="13010-00000001")


def test_valid_until_before_applied_on_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        JobApplication.objects.create(
            **application_fields(applied_on=date(2026, 11, 26), valid_until=date(2026, 11, 25))
        )

    assert not JobApplication.objects.exists()


def test_valid_until_moved_before_applied_on_by_update_is_refused():
    application = JobApplicationFactory(applied_on=date(2026, 11, 26), valid_until=date(2027, 1, 31))

    assert refused(JobApplication.objects.filter(pk=application.pk).update, valid_until=date(2026, 1, 31))
    application.refresh_from_db()
    assert application.valid_until == date(2027, 1, 31)


def test_valid_until_on_the_day_of_application_is_allowed():
    JobApplication.objects.create(**application_fields(applied_on=date(2026, 11, 26), valid_until=date(2026, 11, 26)))

    assert JobApplication.objects.get().valid_until == date(2026, 11, 26)


@pytest.mark.parametrize("provision", [0, 5, 9])
def test_provision_outside_1_to_4_is_refused(provision):
    assert refused(JobApplication.objects.create, **application_fields(provision=provision))
    assert not JobApplication.objects.exists()


@pytest.mark.parametrize("provision", [1, 2, 3, 4])
def test_provision_1_to_4_saves(provision):
    JobApplication.objects.create(**application_fields(provision=provision))

    assert JobApplication.objects.get().provision == provision


def test_provision_update_to_5_is_refused():
    application = JobApplicationFactory()

    assert refused(JobApplication.objects.filter(pk=application.pk).update, provision=5)


@pytest.mark.parametrize("opt_in", ["maybe", "", "YES"])
def test_opt_in_outside_the_choices_is_refused(opt_in):
    assert refused(JobApplication.objects.create, **application_fields(opt_in=opt_in))
    assert not JobApplication.objects.exists()


@pytest.mark.parametrize("opt_in", ["yes", "no", "unknown"])
def test_opt_in_choices_save(opt_in):
    JobApplication.objects.create(**application_fields(opt_in=opt_in))

    assert JobApplication.objects.get().opt_in == opt_in


# --- ApplicantIdentity ----------------------------------------------------------------------------


def identity_fields(application, **overrides):
    fields = {
        "application": application,
        "name": "山田 太郎",
        "name_kana": "ヤマダ タロウ",
        "birth_date": date(1990, 4, 1),
        "address": "東京都千代田区霞が関1-2-2",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def bare_application():
    """An application without identity or profile, as staff's form would save it first."""
    return JobApplicationFactory(identity=None, profile=None)


def test_a_valid_identity_saves(bare_application):
    ApplicantIdentity.objects.create(**identity_fields(bare_application))

    assert JobApplication.objects.get().identity.name == "山田 太郎"


def test_birth_date_in_1800_is_refused(bare_application):
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicantIdentity.objects.create(**identity_fields(bare_application, birth_date=date(1800, 1, 1)))

    assert not ApplicantIdentity.objects.exists()


def test_birth_date_on_1900_01_01_is_allowed(bare_application):
    ApplicantIdentity.objects.create(**identity_fields(bare_application, birth_date=date(1900, 1, 1)))

    assert ApplicantIdentity.objects.get().birth_date == date(1900, 1, 1)


def test_birth_date_update_to_1899_is_refused(bare_application):
    ApplicantIdentity.objects.create(**identity_fields(bare_application))

    assert refused(ApplicantIdentity.objects.update, birth_date=date(1899, 12, 31))
    assert ApplicantIdentity.objects.get().birth_date == date(1990, 4, 1)


def test_empty_name_is_refused(bare_application):
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicantIdentity.objects.create(**identity_fields(bare_application, name=""))

    assert not ApplicantIdentity.objects.exists()


def test_name_update_to_empty_is_refused(bare_application):
    ApplicantIdentity.objects.create(**identity_fields(bare_application))

    assert refused(ApplicantIdentity.objects.update, name="")
    assert ApplicantIdentity.objects.get().name == "山田 太郎"


def test_one_identity_per_application(bare_application):
    ApplicantIdentity.objects.create(**identity_fields(bare_application))

    assert refused(ApplicantIdentity.objects.create, **identity_fields(bare_application, name="別人"))


# --- Profile --------------------------------------------------------------------------------------


def profile_fields(application, **overrides):
    fields = {
        "application": application,
        "desired_job": "介護職員",
        "desired_prefecture": Prefecture.objects.get(code="13"),
    }
    fields.update(overrides)
    return fields


def test_a_valid_profile_saves(bare_application):
    Profile.objects.create(
        **profile_fields(bare_application, desired_monthly_income=10_000_000, commute_limit_minutes=600)
    )

    profile = Profile.objects.get()
    assert profile.desired_prefecture.name == "東京都"
    assert len(profile.public_id) == 16


def test_monthly_income_over_ten_million_is_refused(bare_application):
    assert refused(Profile.objects.create, **profile_fields(bare_application, desired_monthly_income=10_000_001))
    assert not Profile.objects.exists()


def test_commute_limit_over_ten_hours_is_refused(bare_application):
    assert refused(Profile.objects.create, **profile_fields(bare_application, commute_limit_minutes=601))
    assert not Profile.objects.exists()


def test_public_id_is_unique(bare_application):
    Profile.objects.create(**profile_fields(bare_application, public_id="0123456789abcdef"))
    other = JobApplicationFactory(identity=None, profile=None)

    assert refused(Profile.objects.create, **profile_fields(other, public_id="0123456789abcdef"))


# --- SeekerAccount and AuthKey --------------------------------------------------------------------


def test_one_account_per_application():
    account = SeekerAccountFactory()

    assert refused(
        SeekerAccount.objects.create,
        user=SeekerUserFactory(),
        application=account.application,
        terms_version="2026-11",
        terms_agreed_at=timezone.now(),
    )
    assert SeekerAccount.objects.count() == 1


def test_auth_key_must_expire_after_issue():
    account = SeekerAccountFactory()
    now = timezone.now()

    assert refused(AuthKey.objects.create, account=account, key_hash="x", issued_at=now, expires_at=now)
    assert refused(
        AuthKey.objects.create, account=account, key_hash="x", issued_at=now, expires_at=now - timedelta(minutes=1)
    )
    AuthKey.objects.create(account=account, key_hash="x", issued_at=now, expires_at=now + timedelta(minutes=30))
    assert AuthKey.objects.count() == 1
