"""The nightly compliance job (SPEC rule 22; Celery beat "nightly-compliance", 00:15 JST): the end of
suspensions, overdue deletion answers and evidence retention, at their date edges and with a query
budget that does not grow with the number of rows."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import AuditEvent
from compliance import services
from compliance.models import DeletionRequest, Suspension
from compliance.tasks import nightly_compliance
from compliance.tests.factories import DeletionRequestFactory, ViolationFactory
from conftest import jst
from messaging.models import Conversation, Message
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.models import Organization
from organizations.tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

BEFORE_THE_NIGHT = jst(date(2026, 11, 26), 10)
# 00:15 JST on 27 November, when beat runs the job: still 26 November in UTC.
THE_NIGHT = jst(date(2026, 11, 27), 0, 15)
YESTERDAY, TODAY = date(2026, 11, 26), date(2026, 11, 27)


@pytest.fixture(autouse=True)
def day_before(time_machine):
    time_machine.move_to(BEFORE_THE_NIGHT, tick=False)


def suspended(supervisor, *, ends_on: date) -> Organization:
    organization = OrganizationFactory()
    services.organization_suspend(actor=supervisor,
                                  violation=ViolationFactory(organization=organization, confirmed=True),
                                  starts_on=date(2026, 11, 20), ends_on=ends_on, reason="広告の送信")
    return organization


def ended_conversation(*, ago: timedelta) -> Conversation:
    """A conversation (two messages, an answered deletion request) whose organisation lost access
    `ago` before now."""
    conversation = ConversationFactory()
    MessageFactory(conversation=conversation)
    MessageFactory(conversation=conversation, reply=True)
    DeletionRequestFactory(conversation=conversation, answered=True)
    Conversation.objects.filter(pk=conversation.pk).update(org_access_ended_at=timezone.now() - ago)
    return conversation


def test_the_job_is_scheduled_after_midnight_japan_time():
    entry = settings.CELERY_BEAT_SCHEDULE["nightly-compliance"]

    assert entry["task"] == "compliance.tasks.nightly_compliance"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {15})
    assert settings.CELERY_TIMEZONE == "Asia/Tokyo"


def test_the_job_returns_its_three_counts_at_the_date_edges(time_machine, supervisor):
    over = suspended(supervisor, ends_on=YESTERDAY)
    last_day = suspended(supervisor, ends_on=TODAY)
    overdue = DeletionRequestFactory(due_on=YESTERDAY)
    due_today = DeletionRequestFactory(due_on=TODAY)
    retention = timedelta(days=settings.EVIDENCE_RETENTION_DAYS)
    time_machine.move_to(THE_NIGHT, tick=False)
    past = ended_conversation(ago=retention + timedelta(minutes=1))
    inside = ended_conversation(ago=retention - timedelta(minutes=1))

    result = nightly_compliance.delay().get()

    assert result == {"suspensions_ended": 1, "access_ended": 0, "deletion_overdue": 1, "retention_purged": 1}
    assert Organization.objects.get(pk=over.pk).suspended_until is None
    assert Organization.objects.get(pk=last_day.pk).suspended_until == TODAY
    assert Organization.objects.get(pk=last_day.pk).status() != Organization.Status.ACTIVE
    assert DeletionRequest.objects.get(pk=overdue.pk).overdue_flagged_at == timezone.now()
    assert DeletionRequest.objects.get(pk=due_today.pk).overdue_flagged_at is None
    assert not Conversation.objects.filter(pk=past.pk).exists()
    assert Conversation.objects.filter(pk=inside.pk).exists()
    assert nightly_compliance() == {"suspensions_ended": 0, "access_ended": 0, "deletion_overdue": 0,
                                    "retention_purged": 0}


def test_the_next_night_picks_up_what_was_on_its_last_day(time_machine, supervisor):
    last_day = suspended(supervisor, ends_on=TODAY)
    due_today = DeletionRequestFactory(due_on=TODAY)
    time_machine.move_to(THE_NIGHT, tick=False)
    assert nightly_compliance()["suspensions_ended"] == 0

    time_machine.move_to(THE_NIGHT + timedelta(days=1), tick=False)

    assert nightly_compliance() == {"suspensions_ended": 1, "access_ended": 0, "deletion_overdue": 1,
                                    "retention_purged": 0}
    assert Organization.objects.get(pk=last_day.pk).status() == Organization.Status.ACTIVE
    assert DeletionRequest.objects.get(pk=due_today.pk).overdue_flagged_at is not None


def world(n: int) -> None:
    """n unanswered requests past their deadline and n conversations past retention (each with two
    messages and an answered deletion request), plus one of each that must be left alone."""
    for _ in range(n):
        DeletionRequestFactory(due_on=date(2026, 11, 20))
    DeletionRequestFactory(due_on=TODAY)
    for _ in range(n):
        ended_conversation(ago=timedelta(days=settings.EVIDENCE_RETENTION_DAYS + 30))
    ended_conversation(ago=timedelta(days=30))


# nightly_compliance with no suspension due, as 21 queries whatever the number of rows:
#   suspensions_end: 1 SAVEPOINT, 2 SELECT … FOR UPDATE the due suspensions (none; the UPDATE of an empty
#     pk list is not sent), 3 RELEASE;
#   access_end_sweep: +1 SAVEPOINT, +2 one UPDATE of every conversation of a stopped or expired seeker
#     (none here), +3 RELEASE;
#   deletion_overdue_flag: 4 SAVEPOINT, 5 one UPDATE of every overdue request, 6 INSERT its audit event,
#     7 RELEASE;
#   retention_purge: 8 SAVEPOINT, 9 SELECT the ids past retention that are nobody's evidence;
#     DeletionRequest delete: 10 SELECT the requests (Violation.deletion_request is SET_NULL, so the
#     collector needs them), 11 UPDATE violations SET deletion_request NULL, 12 DELETE the requests;
#     13 DELETE their messages; Conversation delete: 14 SELECT the conversations, 15–16 SELECT the
#     PROTECT relations (deletion requests, complaints), 17 DELETE messages (cascade), 18 DELETE the
#     violation links (m2m), 19 DELETE the conversations; 20 INSERT the audit event, 21 RELEASE.
NIGHTLY_QUERIES = 24


@pytest.mark.parametrize("n", [2, 10])
def test_the_job_is_set_based(time_machine, django_assert_num_queries, n):
    world(n)
    time_machine.move_to(THE_NIGHT, tick=False)

    with django_assert_num_queries(NIGHTLY_QUERIES):
        result = nightly_compliance()

    assert result["deletion_overdue"] == n and result["retention_purged"] == n and result["suspensions_ended"] == 0
    assert DeletionRequest.objects.filter(overdue_flagged_at__isnull=False).count() == n
    assert Conversation.objects.count() == n + 2  # the requests' own conversations and the recent one
    assert Message.objects.count() == 2  # only the recent conversation's
    assert list(AuditEvent.objects.filter(verb__in=["deletion.overdue_flag", "retention.purge"])
                .order_by("id").values_list("verb", "data")) == [
        ("deletion.overdue_flag", {"count": n}), ("retention.purge", {"count": n}),
    ]


@pytest.mark.parametrize("n", [2, 10])
def test_many_suspensions_end_in_one_night(time_machine, supervisor, n):
    """suspensions_end calls organization_set_sanction_state once per organisation (a loop over rows),
    so only its results are asserted here, not a constant query count."""
    organizations = [suspended(supervisor, ends_on=YESTERDAY) for _ in range(n)]
    time_machine.move_to(THE_NIGHT, tick=False)

    result = nightly_compliance()

    assert result["suspensions_ended"] == n
    assert Suspension.objects.filter(ended_processed_at__isnull=True).count() == 0
    assert all(Organization.objects.get(pk=o.pk).suspended_from is None for o in organizations)
    assert AuditEvent.objects.get(verb="sanction.suspensions_end").data == {"count": n}
    assert AuditEvent.objects.filter(verb="organization.sanction_state", actor=None).count() == n


def test_the_access_sweep_closes_stopped_and_expired_conversations_only(time_machine):
    from messaging.selectors import org_inbox
    from messaging.tests.factories import ConversationFactory
    from seekers.models import JobApplication, SeekerAccount

    time_machine.move_to(THE_NIGHT, tick=False)
    open_one, stopped, expired = (ConversationFactory() for _ in range(3))
    SeekerAccount.objects.filter(pk=stopped.account_id).update(stopped_at=timezone.now())
    JobApplication.objects.filter(pk=expired.account.application_id).update(
        applied_on=TODAY - timedelta(days=90), valid_until=TODAY - timedelta(days=1)
    )

    assert nightly_compliance()["access_ended"] == 2
    closed = set(Conversation.objects.filter(org_access_ended_at__isnull=False).values_list("pk", flat=True))
    assert closed == {stopped.pk, expired.pk}
    assert list(org_inbox(open_one.organization)) == [open_one]
    assert nightly_compliance()["access_ended"] == 0  # idempotent
