"""Guidance to many (issue 16): a batch is counted against the daily cap whole before anything is sent
(SPEC rule 17), each seeker gets their own conversation and message with the disclosures from the
record and one notice (rules 12, 13), a seeker who stopped being visible is skipped (rule 10), and
the task can be run again after a crash without losing or doubling a message."""

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import AuditEvent, OutgoingEmail
from messaging import services, tasks
from messaging.models import Conversation, DailyGuidanceCount, GuidanceBatch, GuidanceBatchItem, Message
from messaging.tests.batch_helpers import BODY, SUBJECT, accept, states
from messaging.tests.factories import disclosures_of
from messaging.tests.helpers import guide, public_id
from organizations.models import Organization
from seekers import services as seeker_services
from seekers.tests.factories import SeekerAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(db):
    return [SeekerAccountFactory() for _ in range(3)]


def sent_today(organization) -> int:
    row = DailyGuidanceCount.objects.filter(organization=organization, day=timezone.localdate()).first()
    return row.count if row else 0


def test_each_seeker_gets_their_own_first_guidance_with_the_records_disclosures_and_one_notice(
    agency, agency_member, accounts, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = accept(agency_member, agency, accounts)

    assert set(states(batch).values()) == {"sent"}
    assert GuidanceBatch.objects.get(pk=batch.pk).finished_at is not None
    for account in accounts:
        [message] = Message.objects.filter(account=account)
        assert (message.organization, message.subject, message.body) == (agency, SUBJECT, BODY)
        assert message.disclosures == disclosures_of(agency)
        assert message.sender_user == agency_member
    assert Conversation.objects.filter(organization=agency).count() == 3
    notices = OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.FIRST_GUIDANCE)
    assert sorted(notices.values_list("to", flat=True)) == sorted(a.user.email for a in accounts)
    assert sent_today(agency) == 3
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.MESSAGE_GUIDANCE_BATCH).count() == 1
    assert AuditEvent.objects.filter(verb=AuditEvent.Verb.MESSAGE_GUIDANCE).count() == 3


def test_a_seeker_already_contacted_gets_a_later_message_without_disclosures_or_notice(
    agency, agency_member, accounts, django_capture_on_commit_callbacks
):
    guide(agency_member, accounts[0])
    OutgoingEmail.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        accept(agency_member, agency, accounts)

    later = Message.objects.filter(account=accounts[0]).order_by("id").last()
    assert later.disclosures == {}
    assert Message.objects.filter(account=accounts[0]).count() == 2
    assert OutgoingEmail.objects.filter(to=accounts[0].user.email).count() == 0
    assert OutgoingEmail.objects.count() == 2  # the two first contacts
    assert sent_today(agency) == 4


def test_a_batch_that_does_not_fit_in_what_is_left_today_is_refused_whole(agency, agency_member, accounts):
    DailyGuidanceCount.objects.create(organization=agency, day=timezone.localdate(),
                                      count=settings.GUIDANCE_DAILY_LIMIT - 2)

    with pytest.raises(services.SendRefused) as refused:
        accept(agency_member, agency, accounts)

    assert refused.value.code == "daily_cap"
    assert "あと2件" in refused.value.message and "3件" in refused.value.message
    assert not GuidanceBatch.objects.exists()
    assert not Message.objects.exists()
    assert sent_today(agency) == settings.GUIDANCE_DAILY_LIMIT - 2


def test_a_batch_that_fills_the_cap_exactly_is_accepted(agency, agency_member, accounts,
                                                       django_capture_on_commit_callbacks):
    DailyGuidanceCount.objects.create(organization=agency, day=timezone.localdate(),
                                      count=settings.GUIDANCE_DAILY_LIMIT - 3)

    with django_capture_on_commit_callbacks(execute=True):
        accept(agency_member, agency, accounts)

    assert Message.objects.count() == 3
    assert services.guidance_remaining(agency) == 0
    with pytest.raises(services.SendRefused):
        guide(agency_member, SeekerAccountFactory())


def test_more_seekers_than_a_batch_may_hold_are_refused(agency, agency_member, settings):
    settings.GUIDANCE_BATCH_MAX = 2
    with pytest.raises(services.SendRefused) as refused:
        accept(agency_member, agency, ["0" * 16, "1" * 16, "2" * 16])
    assert refused.value.code == "too_many"
    assert not GuidanceBatch.objects.exists()


def test_a_hand_made_id_the_organisation_cannot_see_is_skipped_never_counted_never_sent(
    agency, agency_member, accounts, django_capture_on_commit_callbacks
):
    blocker = SeekerAccountFactory()
    seeker_services.block_add(actor=blocker.user, account=blocker, organization_id=agency.pk)
    nobody = "f" * 16

    with django_capture_on_commit_callbacks(execute=True):
        batch = accept(agency_member, agency, [*accounts, blocker, nobody])

    found = states(batch)
    assert found[public_id(blocker)] == found[nobody] == "skipped"
    reasons = set(GuidanceBatchItem.objects.filter(state="skipped").values_list("skip_reason", flat=True))
    assert reasons == {GuidanceBatchItem.Skip.NOT_VISIBLE}  # one reason: the two are not told apart
    assert not Message.objects.filter(account=blocker).exists()
    assert sent_today(agency) == 3


def test_a_seeker_who_stops_between_acceptance_and_sending_is_skipped_and_frees_the_place(
    agency, agency_member, accounts
):
    batch = accept(agency_member, agency, accounts)  # not yet sent: the commit callbacks did not run
    assert sent_today(agency) == 3
    seeker_services.seeker_stop(actor=accounts[1].user, account=accounts[1])

    tasks.guidance_batch_run(batch.pk)

    assert states(batch) == {public_id(accounts[0]): "sent", public_id(accounts[1]): "skipped",
                             public_id(accounts[2]): "sent"}
    assert not Message.objects.filter(account=accounts[1]).exists()
    assert sent_today(agency) == 2


def test_a_suspension_after_acceptance_stops_what_is_left(agency, agency_member, accounts, today):
    batch = accept(agency_member, agency, accounts)
    Organization.objects.filter(pk=agency.pk).update(suspended_from=today, suspended_until=today)

    tasks.guidance_batch_run(batch.pk)

    assert set(states(batch).values()) == {"skipped"}
    assert not Message.objects.exists()
    assert sent_today(agency) == 0


def test_a_first_contact_needs_the_records_disclosures_before_anything_is_accepted(agency, agency_member, accounts):
    # The approval constraint keeps the fields non-empty; whitespace is what can slip onto the record.
    Organization.objects.filter(pk=agency.pk).update(fees="  \n ")

    with pytest.raises(services.SendRefused) as refused:
        accept(agency_member, agency, accounts)

    assert refused.value.code == "disclosures"
    assert "職業紹介に関する手数料" in refused.value.message
    assert not GuidanceBatch.objects.exists()
    assert sent_today(agency) == 0


def test_a_crash_part_way_leaves_sent_items_sent_and_a_rerun_sends_the_rest_once(
    agency, agency_member, monkeypatch
):
    accounts = [SeekerAccountFactory() for _ in range(5)]
    batch = accept(agency_member, agency, accounts)
    real = services._guidance_deliver
    calls = {"n": 0}

    def dies_on_the_third(**kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")  # not a SendRefused: nothing catches it
        return real(**kwargs)

    monkeypatch.setattr(services, "_guidance_deliver", dies_on_the_third)
    with pytest.raises(SystemExit):
        tasks.guidance_batch_run(batch.pk)

    assert list(states(batch).values()).count("sent") == 2
    assert Message.objects.count() == 2
    assert GuidanceBatch.objects.get(pk=batch.pk).finished_at is None

    monkeypatch.setattr(services, "_guidance_deliver", real)
    assert tasks.guidance_batch_run(batch.pk) == 3
    assert tasks.guidance_batch_run(batch.pk) == 0  # a second rerun sends nobody again

    for account in accounts:
        assert Message.objects.filter(account=account).count() == 1
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.FIRST_GUIDANCE).count() == 5
    assert sent_today(agency) == 5
    assert GuidanceBatch.objects.get(pk=batch.pk).finished_at is not None


def test_the_sweep_queues_a_stalled_batch_again(agency, agency_member, accounts, frozen_clock):
    batch = accept(agency_member, agency, accounts)  # its task never ran (broker down)
    assert tasks.guidance_batches_resume() == 0  # too recent: its task may still be on its way

    frozen_clock.shift(tasks.STALLED.total_seconds() + 60)
    assert tasks.guidance_batches_resume() == 1

    assert set(states(batch).values()) == {"sent"}
    assert tasks.guidance_batches_resume() == 0  # finished


def test_a_record_emptied_after_acceptance_skips_the_first_contacts_and_sends_the_others(
    agency, agency_member, accounts
):
    guide(agency_member, accounts[0])
    batch = accept(agency_member, agency, accounts)
    Organization.objects.filter(pk=agency.pk).update(fees="  \n ")

    tasks.guidance_batch_run(batch.pk)

    assert states(batch) == {public_id(accounts[0]): "sent", public_id(accounts[1]): "skipped",
                             public_id(accounts[2]): "skipped"}
    assert set(GuidanceBatchItem.objects.filter(state="skipped").values_list("skip_reason", flat=True)) == {
        GuidanceBatchItem.Skip.DISCLOSURES
    }
    assert not Conversation.objects.filter(account__in=accounts[1:]).exists()  # rolled back with the send
    assert sent_today(agency) == 2
