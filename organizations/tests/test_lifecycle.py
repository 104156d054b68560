"""The organisation's lifecycle (issue 14): the versioned 利用規約 its administrator accepts, the end of
its approval with the reminder mail before it, and the statuses both add to Organization.status (the
one function that decides whether an organisation may act), in both its forms."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.adapter import login_refusal
from accounts.models import AuditEvent, OutgoingEmail
from conftest import jst
from organizations import services
from organizations.models import Member, Organization
from organizations.tasks import approval_reminders
from organizations.terms import CURRENT_TERMS_VERSION
from organizations.tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

S = Organization.Status
DAY = date(2026, 11, 26)


def fresh(org: Organization) -> Organization:
    return Organization.objects.get(pk=org.pk)


def both_forms(org: Organization, today: date) -> tuple[str, str, list[str]]:
    annotated = Organization.objects.with_status(today).get(pk=org.pk).status_today
    filtered = [s for s in S.values if Organization.objects.in_status(s, today).filter(pk=org.pk).exists()]
    return org.status(today), annotated, filtered


@pytest.mark.parametrize(
    ("traits", "expected"),
    [
        ({}, S.ACTIVE),
        ({"terms_pending": True}, S.TERMS_PENDING),
        ({"approval_until": DAY}, S.ACTIVE),  # the approval's last day
        ({"approval_until": DAY - timedelta(days=1)}, S.EXPIRED),  # lapsed today
        ({"approval_until": DAY - timedelta(days=1), "terms_pending": True}, S.EXPIRED),
        ({"approval_until": DAY - timedelta(days=1), "suspended": True}, S.EXPIRED),
        ({"suspended": True, "terms_pending": True}, S.SUSPENDED),
        ({"withdrawn": True}, S.WITHDRAWN),
        ({"withdrawn": True, "revoked": True}, S.REVOKED),
        ({"withdrawn": True, "suspended": True}, S.WITHDRAWN),
        ({"unapproved": True, "terms_pending": True}, S.PENDING),
    ],
)
def test_each_lifecycle_state_has_one_status_in_both_forms(traits, expected):
    org = OrganizationFactory(**traits)

    status, annotated, filtered = both_forms(org, DAY)

    assert (status, annotated, filtered) == (expected, expected, [expected])
    assert Organization.objects.active(DAY).filter(pk=org.pk).exists() == (expected == S.ACTIVE)


def test_an_approval_lapses_at_midnight_japan_time(time_machine):
    org = OrganizationFactory(approval_until=DAY)
    time_machine.move_to(jst(DAY, 23, 59, 59), tick=False)
    assert org.status() == S.ACTIVE

    time_machine.move_to(jst(DAY + timedelta(days=1)), tick=False)  # 00:00 JST = 15:00 UTC the day before
    assert datetime.now(UTC).date() == DAY
    assert org.status() == S.EXPIRED
    assert not Organization.objects.active(DAY + timedelta(days=1)).filter(pk=org.pk).exists()


# --- approval and its end ----------------------------------------------------------------------------


@pytest.mark.parametrize(("approved", "last_day"), [
    (date(2026, 4, 1), date(2029, 3, 31)),
    (date(2028, 2, 29), date(2031, 2, 27)),  # no 29 February in 2031: from the 28th
    (date(2026, 11, 26), date(2029, 11, 25)),
])
def test_an_approval_lasts_the_settings_years(approved, last_day):
    assert services.approval_end(approved) == last_day


def test_approval_sets_its_end_from_the_setting(settings, staff, today):
    settings.APPROVAL_VALIDITY_YEARS = 5
    org = OrganizationFactory(unapproved=True)

    services.organization_approve(actor=staff, organization=org, approved_on=today)

    assert fresh(org).approval_until == services.approval_end(today)
    assert fresh(org).approval_until.year == today.year + 5


def test_staff_change_the_end_audited(staff):
    org = OrganizationFactory()
    before = org.approval_until

    services.organization_approval_until_set(actor=staff, organization=org, approval_until=date(2030, 3, 31))

    assert fresh(org).approval_until == date(2030, 3, 31)
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.ORGANIZATION_APPROVAL_UNTIL)
    assert event.data == {"before": str(before), "after": "2030-03-31"}


def test_the_end_cannot_precede_the_approval(staff):
    org = OrganizationFactory()

    with pytest.raises(ValidationError) as refused:
        services.organization_approval_until_set(actor=staff, organization=org, approval_until=date(2026, 3, 31))

    assert "approval_until" in refused.value.message_dict
    assert fresh(org).approval_until == org.approval_until


def admin_of(org):
    return MemberFactory(organization=org, role=Member.Role.ADMIN)


def test_the_reminder_goes_once_to_the_administrators_before_the_end(settings, django_capture_on_commit_callbacks):
    settings.APPROVAL_REMINDER_DAYS = 30
    org = OrganizationFactory(approval_until=DAY + timedelta(days=30))
    admins = [admin_of(org), admin_of(org)]
    MemberFactory(organization=org)  # not an administrator: no mail
    later = OrganizationFactory(approval_until=DAY + timedelta(days=31))
    admin_of(later)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_reminders_send(today=DAY) == 1
        assert services.approval_reminders_send(today=DAY) == 0  # once
        assert services.approval_reminders_send(today=DAY + timedelta(days=1)) == 1  # the other one's turn

    rows = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.APPROVAL_REMINDER)
    assert sorted(rows.values_list("to", flat=True)) == sorted([a.user.email for a in admins]
                                                               + [later.members.get().user.email])
    to_org = [m for m in mail.outbox if m.to == [admins[0].user.email]]
    assert len(to_org) == 1
    assert "2026年12月26日" in to_org[0].body and org.name in to_org[0].body


def test_a_changed_end_is_reminded_of_again(staff, settings):
    settings.APPROVAL_REMINDER_DAYS = 30
    org = OrganizationFactory(approval_until=DAY + timedelta(days=10))
    admin_of(org)
    assert services.approval_reminders_send(today=DAY) == 1

    services.organization_approval_until_set(actor=staff, organization=org, approval_until=DAY + timedelta(days=20))

    assert services.approval_reminders_send(today=DAY) == 1
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.APPROVAL_REMINDER).count() == 2


def test_no_reminder_for_an_ended_withdrawn_or_revoked_approval(settings):
    settings.APPROVAL_REMINDER_DAYS = 30
    for traits in ({"approval_until": DAY - timedelta(days=1)}, {"withdrawn": True}, {"revoked": True}):
        admin_of(OrganizationFactory(approval_until=traits.pop("approval_until", DAY + timedelta(days=5)),
                                     **traits))

    assert services.approval_reminders_send(today=DAY) == 0
    assert not OutgoingEmail.objects.exists()


def test_the_beat_task_sends_the_reminders(time_machine, settings):
    """The task beat runs daily (CELERY_BEAT_SCHEDULE) reads today in Japan."""
    settings.APPROVAL_REMINDER_DAYS = 60
    assert settings.CELERY_BEAT_SCHEDULE["approval-reminders"]["task"] == "organizations.tasks.approval_reminders"
    time_machine.move_to(jst(DAY, 8), tick=False)
    org = OrganizationFactory(approval_until=DAY + timedelta(days=60))
    admin_of(org)

    assert approval_reminders.delay().get() == 1
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.ORGANIZATION_APPROVAL_REMINDER)
    assert event.data == {"approval_until": str(DAY + timedelta(days=60)), "recipients": 1}


# --- the terms ---------------------------------------------------------------------------------------


def test_the_administrator_accepts_the_terms_in_force(agency_admin):
    org = agency_admin.membership.organization
    Organization.objects.filter(pk=org.pk).update(terms_version=0)
    assert fresh(org).status() == S.TERMS_PENDING

    services.organization_terms_accept(actor=agency_admin, member=agency_admin.membership,
                                       version=CURRENT_TERMS_VERSION)

    org = fresh(org)
    assert (org.status(), org.terms_version, org.terms_accepted_by) == (S.ACTIVE, CURRENT_TERMS_VERSION, agency_admin)
    event = AuditEvent.objects.get(verb=AuditEvent.Verb.ORGANIZATION_TERMS_ACCEPT)
    assert (event.actor, event.data) == (agency_admin, {"version": CURRENT_TERMS_VERSION, "before": 0})


def test_a_member_who_is_not_the_administrator_cannot_accept(agency_member):
    Organization.objects.filter(pk=agency_member.membership.organization_id).update(terms_version=0)

    with pytest.raises(PermissionDenied):
        services.organization_terms_accept(actor=agency_member, member=agency_member.membership,
                                           version=CURRENT_TERMS_VERSION)

    assert fresh(agency_member.membership.organization).status() == S.TERMS_PENDING
    assert not AuditEvent.objects.filter(verb=AuditEvent.Verb.ORGANIZATION_TERMS_ACCEPT).exists()


def test_another_version_than_the_one_in_force_is_refused(agency_admin):
    Organization.objects.filter(pk=agency_admin.membership.organization_id).update(terms_version=0)

    with pytest.raises(ValidationError, match="改定"):
        services.organization_terms_accept(actor=agency_admin, member=agency_admin.membership,
                                           version=CURRENT_TERMS_VERSION + 1)

    assert fresh(agency_admin.membership.organization).terms_version == 0


def test_a_withdrawn_organisations_member_is_refused_at_login():
    member = MemberFactory(organization=OrganizationFactory(withdrawn=True)).user

    assert login_refusal(member) == "この利用団体はサービスの利用を終了したため、ログインできません。"


@pytest.mark.parametrize("traits", [{"terms_pending": True}, {"expired": True}])
def test_a_terms_pending_or_lapsed_organisations_member_signs_in(traits):
    """They sign in; the organisation's pages then say what is missing."""
    member = MemberFactory(organization=OrganizationFactory(**traits)).user

    assert login_refusal(member) == ""
