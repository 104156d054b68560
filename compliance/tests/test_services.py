"""Compliance services (SPEC rules 18–21; leaflet 違反行為 and the 是正要請・利用停止・利用解除 paragraph):
deletion requests and their deadline, complaints, violations, sanctions and the permission they need,
the end of suspensions, the 12-month repeat hint and evidence retention. Every service is checked for
the audit event it writes."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from compliance import services
from compliance.models import Complaint, CorrectionRequest, DeletionRequest, Revocation, Suspension, Violation
from compliance.tests.factories import (
    ComplaintFactory,
    DeletionRequestFactory,
    SuspensionFactory,
    ViolationFactory,
)
from conftest import jst
from messaging.models import Conversation, Message
from messaging.selectors import org_conversations
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.models import Organization
from organizations.tests.factories import MemberFactory
from seekers import services as seeker_services

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture(autouse=True)
def now(time_machine):
    """10:00 JST on the SPEC's example day; the clock stands still so times compare exactly."""
    time_machine.move_to(jst(TODAY, 10), tick=False)


@pytest.fixture
def conversation(agency, account):
    conversation = ConversationFactory(organization=agency, account=account)
    MessageFactory(conversation=conversation)
    return conversation


def events(verb: str):
    return AuditEvent.objects.filter(verb=verb)


def the_event(verb: str, target) -> AuditEvent:
    [event] = AuditEvent.objects.filter(verb=verb, target_type=target._meta.label, target_id=str(target.pk))
    return event


def fresh(organization: Organization) -> Organization:
    return Organization.objects.get(pk=organization.pk)


# --- 削除・廃棄の依頼 (SPEC rule 18) ------------------------------------------------------------------


def test_a_deletion_request_is_due_after_the_setting_days(seeker, account, conversation, agency):
    request = services.deletion_request_create(actor=seeker, account=account, organization_id=conversation.organization_id)

    request.refresh_from_db()
    assert request.due_on == TODAY + timedelta(days=14) == date(2026, 12, 10)
    assert request.organization == agency
    assert request.account == account
    assert request.answered_at is None
    event = the_event("deletion.request", request)
    assert event.actor == seeker
    assert event.data == {"due_on": "2026-12-10"}


def test_the_answer_deadline_follows_the_setting(settings, seeker, account, conversation):
    settings.DELETION_ANSWER_DAYS = 7

    request = services.deletion_request_create(actor=seeker, account=account, organization_id=conversation.organization_id)

    assert request.due_on == date(2026, 12, 3)


def test_there_is_one_request_per_seeker_and_organisation(seeker, account, conversation):
    first = services.deletion_request_create(actor=seeker, account=account, organization_id=conversation.organization_id)

    second = services.deletion_request_create(actor=seeker, account=account, organization_id=conversation.organization_id)

    assert second.pk == first.pk
    assert DeletionRequest.objects.count() == 1
    assert events("deletion.request").count() == 1


def test_a_seeker_cannot_ask_an_organisation_that_only_saw_another_seeker(other_seeker, conversation):
    """The organisation messaged `seeker`, not `other_seeker`: refused the same way as an unknown id."""
    with pytest.raises(services.DeletionTargetUnknown):
        services.deletion_request_create(
            actor=other_seeker, account=other_seeker.seeker_account, organization_id=conversation.organization_id
        )
    with pytest.raises(services.DeletionTargetUnknown):
        services.deletion_request_create(actor=other_seeker, account=other_seeker.seeker_account,
                                         organization_id=999_999)

    assert not DeletionRequest.objects.exists()
    assert not events("deletion.request").exists()


def test_the_answer_is_recorded_and_ends_the_organisations_access(agency, agency_member, seeker, account,
                                                                  conversation):
    request = services.deletion_request_create(actor=seeker, account=account, organization_id=conversation.organization_id)
    assert conversation in org_conversations(agency)

    services.deletion_request_answer(actor=agency_member, organization=agency, request_id=request.pk,
                                     disposed_on=TODAY, note="データベースから削除しました。")

    request.refresh_from_db()
    assert request.answered_at == timezone.now()
    assert request.answered_by == agency_member
    assert request.disposed_on == TODAY
    assert request.answer_note == "データベースから削除しました。"
    assert conversation not in org_conversations(agency)
    assert Conversation.objects.get(pk=conversation.pk).org_access_ended_at == timezone.now()
    assert Message.objects.filter(conversation=conversation).exists()  # staff keep it as evidence
    event = the_event("deletion.answer", request)
    assert event.actor == agency_member
    assert event.data == {"disposed_on": "2026-11-26"}


def test_another_organisation_cannot_answer(agency, municipality, municipality_member, seeker, account,
                                            conversation):
    request = services.deletion_request_create(actor=seeker, account=account, organization_id=conversation.organization_id)

    with pytest.raises(DeletionRequest.DoesNotExist):
        services.deletion_request_answer(actor=municipality_member, organization=municipality,
                                         request_id=request.pk, disposed_on=TODAY, note="削除しました。")

    request.refresh_from_db()
    assert request.answered_at is None
    assert conversation in org_conversations(agency)
    assert not events("deletion.answer").exists()


def test_a_disposal_date_in_the_future_is_refused(agency, agency_member, seeker, account, conversation):
    request = services.deletion_request_create(actor=seeker, account=account, organization_id=conversation.organization_id)

    with pytest.raises(ValidationError) as refused:
        services.deletion_request_answer(actor=agency_member, organization=agency, request_id=request.pk,
                                         disposed_on=TODAY + timedelta(days=1), note="削除する予定です。")

    assert refused.value.message_dict == {"disposed_on": ["削除・廃棄した日に未来の日付は入力できません。"]}
    request.refresh_from_db()
    assert request.answered_at is None
    assert conversation in org_conversations(agency)


def test_a_second_answer_does_not_rewrite_the_first(agency, agency_member, seeker, account, conversation):
    request = services.deletion_request_create(actor=seeker, account=account, organization_id=conversation.organization_id)
    services.deletion_request_answer(actor=agency_member, organization=agency, request_id=request.pk,
                                     disposed_on=TODAY - timedelta(days=1), note="初回の回答")

    services.deletion_request_answer(actor=agency_member, organization=agency, request_id=request.pk,
                                     disposed_on=TODAY, note="書き換えの試み")

    request.refresh_from_db()
    assert (request.disposed_on, request.answer_note) == (TODAY - timedelta(days=1), "初回の回答")
    assert events("deletion.answer").count() == 1


def test_overdue_requests_are_flagged_the_night_after_the_deadline(time_machine):
    # 00:15 JST on 27 November is still 26 November in UTC: the deadline is a Japanese date.
    due_today = DeletionRequestFactory(due_on=date(2026, 11, 27))
    due_yesterday = DeletionRequestFactory(due_on=date(2026, 11, 26))
    answered_late = DeletionRequestFactory(due_on=date(2026, 11, 20), answered=True)
    time_machine.move_to(jst(date(2026, 11, 27), 0, 15), tick=False)

    flagged = services.deletion_overdue_flag()

    assert flagged == 1
    assert DeletionRequest.objects.get(pk=due_yesterday.pk).overdue_flagged_at == timezone.now()
    assert DeletionRequest.objects.get(pk=due_today.pk).overdue_flagged_at is None
    assert DeletionRequest.objects.get(pk=answered_late.pk).overdue_flagged_at is None
    [event] = events("deletion.overdue_flag")
    assert event.actor is None
    assert event.data == {"count": 1}


def test_flagging_is_idempotent(time_machine):
    request = DeletionRequestFactory(due_on=date(2026, 11, 25))
    assert services.deletion_overdue_flag() == 1
    first_flag = DeletionRequest.objects.get(pk=request.pk).overdue_flagged_at
    time_machine.move_to(jst(date(2026, 11, 27), 0, 15), tick=False)

    again = services.deletion_overdue_flag()

    assert again == 0
    assert DeletionRequest.objects.get(pk=request.pk).overdue_flagged_at == first_flag
    assert events("deletion.overdue_flag").count() == 1


# --- 苦情申出 (SPEC rule 21) ------------------------------------------------------------------------


def test_a_complaint_is_filed_about_the_conversations_organisation(seeker, account, conversation, agency):
    complaint = services.complaint_file(actor=seeker, account=account, conversation=conversation,
                                        body="派遣登録を強く勧められました。")

    complaint.refresh_from_db()
    assert complaint.organization == agency
    assert complaint.status == Complaint.Status.RECEIVED
    assert complaint.get_status_display() == "受付"
    event = the_event("complaint.file", complaint)
    assert event.actor == seeker


def test_a_complaint_about_another_seekers_conversation_is_refused(other_seeker, conversation):
    with pytest.raises(PermissionDenied):
        services.complaint_file(actor=other_seeker, account=other_seeker.seeker_account,
                                conversation=conversation, body="他人のやりとりです。")

    assert not Complaint.objects.exists()
    assert not events("complaint.file").exists()


def test_staff_move_a_complaint_through_its_statuses(counter):
    complaint = ComplaintFactory()

    services.complaint_set_status(actor=counter, complaint=complaint, status=Complaint.Status.INVESTIGATING,
                                  note="利用団体に事実確認中")
    services.complaint_set_status(actor=counter, complaint=complaint, status=Complaint.Status.DONE)

    complaint.refresh_from_db()
    assert complaint.get_status_display() == "対応済み"
    assert complaint.staff_note == "利用団体に事実確認中"
    changes = AuditEvent.objects.filter(verb="complaint.status", target_id=str(complaint.pk)).order_by("id")
    assert [(e.data["before"], e.data["after"], e.actor) for e in changes] == [
        ("received", "investigating", counter), ("investigating", "done", counter),
    ]


# --- 違反 and the 12-month hint (SPEC rules 19–20) -----------------------------------------------------


def test_a_recorded_violation_is_audited(supervisor, agency):
    violation = services.violation_record(
        actor=supervisor, organization=agency, category=Violation.Category.THIRD_PARTY, occurred_on=TODAY,
        description="求職者の情報を取引先に渡した。", confirmed=True)

    event = the_event("violation.record", violation)
    assert event.actor == supervisor
    assert event.data == {"category": "third_party", "confirmed": True}
    assert violation.law == "職業安定法"


@pytest.mark.parametrize(
    ("other", "repeated"),
    [
        ({"occurred_on": date(2026, 1, 15), "confirmed": True}, True),  # ten months before
        ({"occurred_on": date(2027, 8, 1), "confirmed": True}, True),  # eight months after
        ({"occurred_on": date(2025, 10, 1), "confirmed": True}, False),  # thirteen months before
        ({"occurred_on": date(2026, 6, 1), "confirmed": False}, False),  # not confirmed
        ({"occurred_on": date(2026, 6, 1), "confirmed": True, "other_org": True}, False),  # someone else's
    ],
)
def test_the_repeat_hint(agency, municipality, other, repeated):
    violation = ViolationFactory(organization=agency, occurred_on=date(2026, 11, 1), confirmed=True)
    org = municipality if other.pop("other_org", False) else agency
    ViolationFactory(organization=org, **other)

    assert services.repeated_within_12_months(violation) is repeated


def test_an_unconfirmed_violation_gets_no_repeat_hint(agency):
    ViolationFactory(organization=agency, occurred_on=date(2026, 10, 1), confirmed=True)
    unconfirmed = ViolationFactory(organization=agency, occurred_on=date(2026, 11, 1), confirmed=False)

    assert services.repeated_within_12_months(unconfirmed) is False


def test_exactly_twelve_months_counts_the_same_in_a_leap_year(agency, municipality):
    ViolationFactory(organization=agency, occurred_on=date(2026, 1, 10), confirmed=True)
    ordinary = ViolationFactory(organization=agency, occurred_on=date(2027, 1, 10), confirmed=True)
    ViolationFactory(organization=municipality, occurred_on=date(2027, 3, 1), confirmed=True)
    leap = ViolationFactory(organization=municipality, occurred_on=date(2028, 3, 1), confirmed=True)

    assert services.repeated_within_12_months(ordinary) is True  # 12 months = 365 days here
    assert services.repeated_within_12_months(leap) is True  # 12 months = 366 days (29 Feb 2028)


# --- who may sanction (migration 0002: 窓口職員 and 労働局 監督) -------------------------------------------


def correction(actor, violation):
    return services.correction_request_issue(actor=actor, violation=violation, due_on=TODAY + timedelta(days=14),
                                             content="職業紹介と無関係な広告の送信をやめ、再発防止策を報告してください。")


def suspend(actor, violation, starts_on=TODAY, ends_on=TODAY + timedelta(days=29)):
    return services.organization_suspend(actor=actor, violation=violation, starts_on=starts_on, ends_on=ends_on,
                                         reason="是正要請後も広告の送信を続けたため")


def revoke(actor, violation):
    return services.organization_revoke(actor=actor, violation=violation, reason="利用停止後に再度違反したため")


SANCTIONS = {"correction": correction, "suspend": suspend, "revoke": revoke}


@pytest.mark.parametrize("sanction", SANCTIONS)
def test_counter_staff_cannot_sanction(counter, agency, sanction):
    violation = ViolationFactory(organization=agency, confirmed=True)

    with pytest.raises(PermissionDenied):
        SANCTIONS[sanction](counter, violation)

    org = fresh(agency)
    assert (org.suspended_from, org.suspended_until, org.revoked_at) == (None, None, None)
    assert not CorrectionRequest.objects.exists()
    assert not Suspension.objects.exists()
    assert not Revocation.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="sanction.").exists()
    assert not events("organization.sanction_state").exists()


def test_a_correction_request_is_issued_with_its_due_date(supervisor, agency):
    violation = ViolationFactory(organization=agency, confirmed=True)

    issued = correction(supervisor, violation)

    issued.refresh_from_db()
    assert (issued.organization, issued.issued_on, issued.due_on) == (agency, TODAY, date(2026, 12, 10))
    assert issued.issued_by == supervisor
    event = the_event("sanction.correction_request", issued)
    assert event.actor == supervisor
    assert event.data == {"due_on": "2026-12-10"}
    assert fresh(agency).status() == Organization.Status.ACTIVE  # a correction request alone does not stop the organisation


def test_a_correction_due_before_today_is_a_validation_error(supervisor, agency):
    violation = ViolationFactory(organization=agency, confirmed=True)

    with pytest.raises(ValidationError) as refused:
        services.correction_request_issue(actor=supervisor, violation=violation,
                                          due_on=TODAY - timedelta(days=1), content="是正してください。")

    assert "due_on" in refused.value.message_dict
    assert not CorrectionRequest.objects.exists()


@pytest.mark.parametrize("sanction", ["suspend", "revoke"])
def test_suspension_and_revocation_need_a_confirmed_violation(supervisor, agency, sanction):
    violation = ViolationFactory(organization=agency, confirmed=False)

    with pytest.raises(ValidationError) as refused:
        SANCTIONS[sanction](supervisor, violation)

    assert "違反と確認された事案にのみ行えます" in " ".join(refused.value.messages)
    org = fresh(agency)
    assert (org.suspended_from, org.suspended_until, org.revoked_at) == (None, None, None)
    assert not Suspension.objects.exists()
    assert not Revocation.objects.exists()


def test_a_suspension_is_written_onto_the_organisation_and_audited(supervisor, agency, agency_member):
    violation = ViolationFactory(organization=agency, confirmed=True)

    suspension = suspend(supervisor, violation, starts_on=TODAY, ends_on=date(2026, 12, 25))

    org = fresh(agency)
    assert (org.suspended_from, org.suspended_until) == (TODAY, date(2026, 12, 25))
    assert org.status() != Organization.Status.ACTIVE
    assert (suspension.organization, suspension.created_by) == (agency, supervisor)
    assert the_event("sanction.suspend", suspension).actor == supervisor
    state = the_event("organization.sanction_state", agency)
    assert state.actor == supervisor
    assert state.data["before"]["suspended_from"] == "None"
    assert state.data["after"] == {"suspended_from": "2026-11-26", "suspended_until": "2026-12-25",
                                   "revoked_at": "None"}


def test_a_suspension_that_starts_later_does_not_stop_the_organisation_yet(supervisor, agency):
    violation = ViolationFactory(organization=agency, confirmed=True)

    suspend(supervisor, violation, starts_on=TODAY + timedelta(days=1), ends_on=TODAY + timedelta(days=7))

    assert fresh(agency).status() == Organization.Status.ACTIVE


def test_a_suspension_cannot_end_before_it_starts(supervisor, agency):
    violation = ViolationFactory(organization=agency, confirmed=True)

    with pytest.raises(ValidationError) as refused:
        suspend(supervisor, violation, starts_on=TODAY, ends_on=TODAY - timedelta(days=1))

    assert refused.value.message_dict == {"ends_on": ["終了日は開始日以降にしてください。"]}
    assert not Suspension.objects.exists()
    assert fresh(agency).suspended_from is None


def test_a_later_suspension_does_not_lift_the_one_in_force(supervisor, agency):
    first = ViolationFactory(organization=agency, confirmed=True)
    second = ViolationFactory(organization=agency, confirmed=True)
    suspend(supervisor, first, starts_on=TODAY - timedelta(days=5), ends_on=TODAY + timedelta(days=5))

    suspend(supervisor, second, starts_on=TODAY + timedelta(days=30), ends_on=TODAY + timedelta(days=60))

    assert fresh(agency).status() != Organization.Status.ACTIVE  # still inside the first suspension


def test_a_revocation_is_written_onto_the_organisation_and_audited(supervisor, agency):
    violation = ViolationFactory(organization=agency, confirmed=True)

    revocation = revoke(supervisor, violation)

    org = fresh(agency)
    assert org.revoked_at == timezone.now()
    assert org.status() != Organization.Status.ACTIVE
    assert revocation.created_by == supervisor
    assert the_event("sanction.revoke", revocation).actor == supervisor
    state = the_event("organization.sanction_state", agency)
    assert state.data["after"]["revoked_at"] == str(timezone.now())
    assert state.data["reason"] == "利用停止後に再度違反したため"


def test_revoking_twice_is_a_validation_error(supervisor, agency):
    revoke(supervisor, ViolationFactory(organization=agency, confirmed=True))
    revoked_at = fresh(agency).revoked_at

    with pytest.raises(ValidationError):
        revoke(supervisor, ViolationFactory(organization=agency, confirmed=True))

    assert Revocation.objects.count() == 1
    assert fresh(agency).revoked_at == revoked_at


def test_the_supervisor_group_may_do_all_three(supervisor, agency):
    violation = ViolationFactory(organization=agency, confirmed=True)

    correction(supervisor, violation)
    suspend(supervisor, violation)
    revoke(supervisor, violation)

    assert CorrectionRequest.objects.count() == Suspension.objects.count() == Revocation.objects.count() == 1
    assert [e.verb for e in AuditEvent.objects.filter(verb__startswith="sanction.").order_by("id")] == [
        "sanction.correction_request", "sanction.suspend", "sanction.revoke",
    ]


# --- the end of suspensions (nightly; SPEC rule 20 "it ends by itself") ----------------------------------


def test_suspensions_that_ended_yesterday_are_processed_and_todays_are_not(supervisor, agency, municipality,
                                                                          time_machine):
    ended = suspend(supervisor, ViolationFactory(organization=agency, confirmed=True),
                    starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 26))
    running = suspend(supervisor, ViolationFactory(organization=municipality, confirmed=True),
                      starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 27))
    time_machine.move_to(jst(date(2026, 11, 27), 0, 15), tick=False)

    count = services.suspensions_end()

    assert count == 1
    assert Suspension.objects.get(pk=ended.pk).ended_processed_at == timezone.now()
    assert Suspension.objects.get(pk=running.pk).ended_processed_at is None
    assert (fresh(agency).suspended_from, fresh(agency).suspended_until) == (None, None)
    assert fresh(municipality).suspended_until == date(2026, 11, 27)
    assert fresh(municipality).status() != Organization.Status.ACTIVE
    [cleared] = events("organization.sanction_state").filter(target_id=str(agency.pk), actor=None)
    assert cleared.data["after"]["suspended_until"] == "None"
    [event] = events("sanction.suspensions_end")
    assert event.data == {"count": 1}
    assert services.suspensions_end() == 0
    assert events("sanction.suspensions_end").count() == 1


def test_the_end_of_an_old_suspension_leaves_a_newer_one_in_place(supervisor, agency):
    old = SuspensionFactory(violation=ViolationFactory(organization=agency, confirmed=True),
                            starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 10))
    suspend(supervisor, ViolationFactory(organization=agency, confirmed=True),
            starts_on=date(2026, 11, 20), ends_on=date(2026, 12, 20))

    assert services.suspensions_end() == 1

    assert Suspension.objects.get(pk=old.pk).ended_processed_at is not None
    assert (fresh(agency).suspended_from, fresh(agency).suspended_until) == (date(2026, 11, 20), date(2026, 12, 20))


def test_the_end_of_a_suspension_does_not_undo_a_revocation(supervisor, agency, time_machine):
    violation = ViolationFactory(organization=agency, confirmed=True)
    suspend(supervisor, violation, starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 26))
    revoke(supervisor, violation)
    time_machine.move_to(jst(date(2026, 11, 27), 0, 15), tick=False)

    services.suspensions_end()

    assert fresh(agency).revoked_at is not None
    assert fresh(agency).status() != Organization.Status.ACTIVE


# --- retention (README: staff keep what an organisation can no longer open, then it is deleted) ---------


def ended_conversation(*, ago: timedelta, **kwargs) -> Conversation:
    """A conversation with two messages whose organisation lost access `ago` before now."""
    conversation = ConversationFactory(**kwargs)
    MessageFactory(conversation=conversation)
    MessageFactory(conversation=conversation, reply=True)
    return ended(conversation, ago=ago)


def ended(conversation: Conversation, *, ago: timedelta) -> Conversation:
    Conversation.objects.filter(pk=conversation.pk).update(org_access_ended_at=timezone.now() - ago)
    return conversation


def answered_request(*, ago: timedelta) -> DeletionRequest:
    """A request answered `ago` before now (so the organisation's access ended then)."""
    request = DeletionRequestFactory(answered=True, conversation=ended_conversation(ago=ago))
    ended(request.conversation, ago=ago)
    DeletionRequest.objects.filter(pk=request.pk).update(answered_at=timezone.now() - ago)
    return request


def exists(conversation) -> bool:
    return Conversation.objects.filter(pk=conversation.pk).exists()


def test_retention_deletes_only_past_the_period_and_keeps_evidence():
    days = timedelta(days=settings.EVIDENCE_RETENTION_DAYS)
    second = timedelta(seconds=1)
    past = ended_conversation(ago=days + second)
    inside = ended_conversation(ago=days - second)
    complained = ended_conversation(ago=days * 3)
    ComplaintFactory(conversation=complained)
    in_violation = ended_conversation(ago=days * 3)
    ViolationFactory(organization=in_violation.organization, conversations=[in_violation])
    open_conversation = ConversationFactory()
    answered = answered_request(ago=days * 2)

    purged = services.retention_purge()

    assert purged == 2
    assert not exists(past)
    assert not exists(answered.conversation)
    assert not DeletionRequest.objects.filter(pk=answered.pk).exists()
    assert not Message.objects.filter(conversation_id__in=[past.pk, answered.conversation_id]).exists()
    for kept in (inside, complained, in_violation, open_conversation):
        assert exists(kept)
    assert Message.objects.filter(conversation=inside).count() == 2
    [event] = events("retention.purge")
    assert event.data == {"count": 2}
    assert services.retention_purge() == 0


def test_retention_counts_from_a_stop_and_from_the_end_of_the_period():
    days = settings.EVIDENCE_RETENTION_DAYS
    stopped_long_ago = ConversationFactory()
    stopped_recently = ConversationFactory()
    period_long_over = ConversationFactory()
    period_recently_over = ConversationFactory()
    for conversation, ago in ((stopped_long_ago, days + 30), (stopped_recently, days - 30)):
        seeker_services.seeker_stop(actor=None, account=conversation.account)
        type(conversation.account).objects.filter(pk=conversation.account_id).update(
            stopped_at=timezone.now() - timedelta(days=ago))
    for conversation, ago in ((period_long_over, days + 30), (period_recently_over, days - 30)):
        application = conversation.account.application
        valid_until = TODAY - timedelta(days=ago)
        type(application).objects.filter(pk=application.pk).update(
            applied_on=valid_until - timedelta(days=60), valid_until=valid_until)

    assert services.retention_purge() == 2

    assert not exists(stopped_long_ago)
    assert not exists(period_long_over)
    assert exists(stopped_recently)
    assert exists(period_recently_over)


def test_retention_keeps_a_deletion_request_that_is_evidence_of_a_violation():
    days = timedelta(days=settings.EVIDENCE_RETENTION_DAYS)
    late = answered_request(ago=days * 2)
    violation = ViolationFactory(organization=late.organization, confirmed=True, deletion_request=late,
                                 category=Violation.Category.NO_DELETION_NOTICE)

    services.retention_purge()

    assert exists(late.conversation)
    violation.refresh_from_db()
    assert violation.deletion_request_id == late.pk


def test_a_member_of_the_organisation_cannot_be_the_sanction_actor(agency):
    """Members have none of the staff permissions, whatever their role in the organisation."""
    member = MemberFactory(organization=agency, role="admin").user
    violation = ViolationFactory(organization=agency, confirmed=True)

    with pytest.raises(PermissionDenied):
        suspend(member, violation)

    assert fresh(agency).status() == Organization.Status.ACTIVE
