"""`make run` seeds a demo with `seed_demo`: every kind of login it prints must exist and work."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from devtools.management.commands.seed_demo import (
    DEMO_PASSWORD,
    READY_BIRTH,
    READY_NUMBER,
    SEEKER_ID,
    STAFF_EMAIL,
)
from organizations.models import Member, Organization, bits_of
from seekers.models import JobApplication, Profile, SeekerAccount

pytestmark = pytest.mark.django_db

APPLICATIONS = 20


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", applications=APPLICATIONS, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def output():
    return seed()


def test_creates_a_staff_login(output):
    staff = User.objects.get(email=STAFF_EMAIL)

    assert staff.role == User.Role.STAFF
    assert staff.is_staff
    assert staff.is_active
    assert staff.check_password(DEMO_PASSWORD)


def test_creates_organisations_of_every_kind_and_sub_kind(output):
    kinds = set(Organization.objects.values_list("kind", "sub_kind"))

    assert {
        ("agency", ""),
        ("local_gov", ""),
        ("local_gov", "nurse_center"),
        ("local_gov", "welfare_center"),
        ("local_gov", "childcare_center"),
        ("local_gov", "other"),
    } <= kinds


def test_the_demo_organisations_are_usable(output):
    orgs = list(Organization.objects.prefetch_related("regions", "occupations"))

    assert orgs
    for org in orgs:
        assert org.status() == Organization.Status.ACTIVE, org.name
        assert org.kind == "local_gov" or org.permit_number, org.name
        # The bit sets match the rows, so the receive conditions work on the demo (STYLE.md).
        assert org.regions.exists(), org.name
        assert org.region_bits == bits_of(int(p.code) - 1 for p in org.regions.all()), org.name
        assert org.occupation_bits == bits_of(o.bit for o in org.occupations.all()), org.name
    assert any(org.privacy_mark for org in orgs)
    assert not all(org.privacy_mark for org in orgs)


def test_every_organisation_has_a_member_who_can_log_in(output):
    for org in Organization.objects.all():
        members = list(Member.objects.filter(organization=org).select_related("user"))
        assert members, org.name
        for member in members:
            assert member.user.role == User.Role.MEMBER
            assert not member.user.is_staff
            assert member.user.check_password(DEMO_PASSWORD)
            assert member.user.email in output


def test_creates_applications_spread_over_several_prefectures(output):
    applications = JobApplication.objects.all()

    # The requested ones, the one ready to register and the demo seeker's.
    assert applications.count() == APPLICATIONS + 2
    assert all(re.fullmatch(r"[0-9]{5}-[0-9]{8}", a.kyushoku_number) for a in applications)
    assert Profile.objects.count() == APPLICATIONS + 2
    assert Profile.objects.values("desired_prefecture").distinct().count() >= 5
    offices = {a.kyushoku_number[:5] for a in applications}
    assert len(offices) >= 3
    assert set(applications.values_list("opt_in", flat=True)) >= {"yes"}
    assert all(a.valid_until >= a.applied_on for a in applications)


def test_creates_the_application_ready_to_register(output):
    ready = JobApplication.objects.select_related("identity").get(kyushoku_number=READY_NUMBER)

    # SPEC rule 1: exists, within its 有効期限, marked 希望する, and not yet registered.
    assert ready.opt_in == JobApplication.OptIn.YES
    assert ready.valid_until >= timezone.localdate()
    assert ready.identity.birth_date == READY_BIRTH
    assert not SeekerAccount.objects.filter(application=ready).exists()


def test_creates_a_seeker_who_can_log_in(output):
    user = User.objects.get(username=SEEKER_ID)
    account = SeekerAccount.objects.select_related("application").get(user=user)

    assert user.role == User.Role.SEEKER
    assert not user.is_staff
    assert user.check_password(DEMO_PASSWORD)
    assert account.first_login_at is not None
    assert account.stopped_at is None
    assert account.application.opt_in == JobApplication.OptIn.YES
    assert account.application.valid_until >= timezone.localdate()


def test_prints_the_logins(output):
    assert STAFF_EMAIL in output
    assert DEMO_PASSWORD in output
    assert SEEKER_ID in output
    assert READY_NUMBER in output
    assert f"{READY_BIRTH:%Y-%m-%d}" in output
    assert f"求職申込 {APPLICATIONS + 2} 件" in output


def row_counts() -> dict[str, int]:
    models = (User, Organization, Member, JobApplication, Profile, SeekerAccount)
    return {model.__name__: model.objects.count() for model in models}


def test_running_twice_does_not_duplicate(output):
    before = row_counts()

    again = seed()

    assert row_counts() == before
    assert before["JobApplication"] == APPLICATIONS + 2
    # The second run still prints the logins.
    assert STAFF_EMAIL in again
    assert READY_NUMBER in again


def test_refuses_when_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("seed_demo", applications=APPLICATIONS, stdout=out)

    assert not User.objects.filter(email=STAFF_EMAIL).exists()
    assert not Organization.objects.exists()
    assert not JobApplication.objects.exists()
    assert STAFF_EMAIL not in out.getvalue()


def test_production_settings_do_not_allow_demo_data():
    from config.settings import base

    assert base.DEMO_DATA_ALLOWED is False
