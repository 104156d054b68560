"""Messaging services (SPEC rules 8, 10–17; leaflet STEP 2–6): guidance with its disclosures, the
first-contact notice, the daily cap, the seeker's replies, 辞退 and the organisations' answers."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import OutgoingEmail
from conftest import jst
from messaging import services
from messaging.access import OrgAccess, org_access
from messaging.models import Conversation, DailyGuidanceCount, Message
from messaging.services import SendRefused
from messaging.tests.factories import DISCLOSURES, ConversationFactory, disclosures_of
from messaging.tests.helpers import public_id
from organizations import services as services_orgs
from organizations.models import Organization
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers import services as seeker_services
from seekers.models import JobApplication
from seekers.search.visibility import profile_visible_to

pytestmark = pytest.mark.django_db

LIMIT = 1000
CAP_MESSAGE = "本日の案内メッセージの送信上限(1,000件)に達しました。明日以降に送信してください。"
SUBJECT = "介護職の求人のご案内"
BODY = "首都圏の特別養護老人ホームの介護職員の求人をご紹介できます。"


def guide(user, account, *, subject=SUBJECT, body=BODY) -> Message:
    """guidance_send as the member's organisation (the disclosures come from its record)."""
    organization = Organization.objects.get(pk=user.membership.organization_id)
    return services.guidance_send(
        actor=user,
        organization=organization,
        public_id=account.application.profile.public_id,
        subject=subject,
        body=body,
    )


def first_notices():
    return OutgoingEmail.objects.filter(kind="first_guidance")


def sent_today(organization) -> int:
    row = DailyGuidanceCount.objects.filter(organization=organization, day=timezone.localdate()).first()
    return row.count if row else 0


def set_sent_today(organization, count: int) -> None:
    DailyGuidanceCount.objects.update_or_create(
        organization=organization, day=timezone.localdate(), defaults={"count": count}
    )


@pytest.fixture
def conversation(agency_member, account):
    return guide(agency_member, account).conversation


# --- guidance_send: the first message (SPEC rule 12, leaflet STEP 2) -----------------------------------


def test_the_limit_is_the_real_services_thousand_a_day():
    assert settings.GUIDANCE_DAILY_LIMIT == LIMIT


def test_first_guidance_keeps_the_record_as_it_was_when_sent(agency, agency_member, account):
    as_sent = disclosures_of(agency)

    message = guide(agency_member, account)

    # A later edit of the organisation's record does not change what the seeker received.
    services_orgs.organization_disclosures_update(actor=agency_member, organization=agency, values={
        "track_record": "2026年度 紹介就職件数 0件", "fees": "求職者から手数料 10万円をいただきます。",
        "privacy_officer": "新しい責任者", "complaints_officer": "別の責任者", "job_openings": "なし",
    })
    Organization.objects.filter(pk=agency.pk).update(name="改称後の名称", permit_number="13-ユ-999999",
                                                     privacy_mark=False)
    message = Message.objects.get(pk=message.pk)
    assert message.disclosures == as_sent
    assert set(message.disclosures) == {*DISCLOSURES, "name", "permit_number", "privacy_mark"}
    assert (message.disclosures["name"], message.disclosures["privacy_mark"]) == (as_sent["name"], True)
    assert message.disclosures["fees"] == "求職者からの手数料はいただきません(求人者から徴収)。"
    assert (message.sender, message.kind, message.subject, message.body) == ("org", "guidance", SUBJECT, BODY)
    assert message.account == account
    assert message.organization == agency
    assert message.read_at is None


def test_first_guidance_reads_the_record_when_sent_not_the_callers_copy(agency, agency_member, account):
    """The organisation object the page loaded may be older than the record: the send reads it again."""
    stale = Organization.objects.get(pk=agency.pk)
    services_orgs.organization_disclosures_update(actor=agency_member, organization=agency,
                                                  values={"fees": "紹介手数料は求人者からのみいただきます。"})

    message = services.guidance_send(actor=agency_member, organization=stale, public_id=public_id(account),
                                     subject=SUBJECT, body=BODY)

    assert Message.objects.get(pk=message.pk).disclosures["fees"] == "紹介手数料は求人者からのみいただきます。"


def test_guidance_send_takes_no_disclosures_from_its_caller(agency, agency_member, account):
    with pytest.raises(TypeError):
        services.guidance_send(actor=agency_member, organization=agency, public_id=public_id(account),
                               subject=SUBJECT, body=BODY, disclosures={"fees": "無料"})

    assert not Message.objects.exists()


def test_first_guidance_opens_one_conversation(agency, agency_member, account):
    message = guide(agency_member, account)

    conversation = Conversation.objects.get()
    assert message.conversation == conversation
    assert (conversation.organization, conversation.account) == (agency, account)
    assert conversation.declined_at is None and conversation.apply_requested_at is None
    assert conversation.org_unread is False


def test_first_guidance_queues_one_notice_without_the_message_content(
    agency, agency_member, account, django_capture_on_commit_callbacks, mailoutbox
):
    secret = {name: getattr(agency, name) for name in DISCLOSURES}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        guide(agency_member, account, subject="極秘の件名 X-17", body="極秘の本文 Y-42")

    # Written to the outbox in the same transaction; nothing leaves before the commit.
    notice = first_notices().get()
    assert mailoutbox == []
    assert len(callbacks) == 1
    assert notice.to == account.user.email
    for text in (notice.subject, notice.body, notice.html_body):
        assert "極秘の件名" not in text
        assert "極秘の本文" not in text
        for value in secret.values():
            assert value not in text
    assert f"{settings.SITE_URL}/seekers/messages/" in notice.body
    assert f'href="{settings.SITE_URL}/seekers/messages/"' in notice.html_body

    # On commit the Celery task (eager in tests) sends it.
    callbacks[0]()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [account.user.email]
    assert "案内メッセージが届きました" in mail.subject
    assert agency.name in mail.body
    assert f"{settings.SITE_URL}/seekers/messages/" in mail.body
    assert "極秘の本文" not in mail.body and "極秘の件名" not in mail.subject
    assert first_notices().get().sent_at is not None


def test_second_guidance_sends_no_mail_and_needs_no_disclosures(agency, agency_member, account):
    first = guide(agency_member, account)
    colleague = MemberFactory(organization=agency).user

    second = guide(colleague, account, subject="追加のご案内", body="新着の求人があります。")

    assert second.conversation == first.conversation
    assert Conversation.objects.count() == 1
    assert Message.objects.filter(conversation=first.conversation).count() == 2
    assert second.disclosures == {}
    assert first_notices().count() == 1
    assert Conversation.objects.get().last_message_at >= second.created_at - timedelta(seconds=1)


def test_a_second_organisations_first_guidance_sends_its_own_notice(agency_member, account):
    guide(agency_member, account)
    other = MemberFactory(organization=OrganizationFactory()).user

    guide(other, account)

    assert Conversation.objects.filter(account=account).count() == 2
    assert first_notices().count() == 2
    assert set(first_notices().values_list("to", flat=True)) == {account.user.email}


@pytest.mark.parametrize("blank", ["   ", "\r\n\t"], ids=["spaces", "whitespace"])
@pytest.mark.parametrize("field", DISCLOSURES)
def test_first_guidance_from_an_incomplete_record_is_refused(agency, agency_member, account, field, blank):
    # The approval constraint keeps the fields non-empty; whitespace is what can slip onto the record.
    Organization.objects.filter(pk=agency.pk).update(**{field: blank})
    label = Organization._meta.get_field(field).verbose_name

    with pytest.raises(SendRefused) as refused:
        guide(agency_member, account)

    assert refused.value.code == "disclosures"
    assert refused.value.message == (
        f"団体の必須記載事項(「{label}」)が登録されていないため、最初の案内メッセージを送信できません。"
        "団体の管理者が「団体の記載事項」のページで入力してください。"
    )
    # Nothing stored, no notice, and the refused attempt does not use up the day's cap.
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()
    assert not first_notices().exists()
    assert sent_today(agency) == 0
    assert services.guidance_remaining(agency) == LIMIT


def test_the_refusal_names_every_missing_disclosure(agency, agency_member, account):
    Organization.objects.filter(pk=agency.pk).update(fees=" ", complaints_officer=" ")

    with pytest.raises(SendRefused) as refused:
        guide(agency_member, account)

    assert "(「職業紹介に関する手数料」、「苦情処理責任者」)" in refused.value.message


def test_a_later_guidance_needs_nothing_from_an_incomplete_record(agency, agency_member, account):
    first = guide(agency_member, account)
    Organization.objects.filter(pk=agency.pk).update(fees=" ")

    second = guide(agency_member, account, subject="追加のご案内")

    assert second.conversation == first.conversation and second.disclosures == {}


# --- guidance_send goes through the visibility rule (SPEC rules 6–10) -----------------------------------


def _block(account, org):
    seeker_services.block_add(actor=account.user, account=account, organization_id=org.pk)


def _stop(account, org):
    seeker_services.seeker_stop(actor=account.user, account=account)


def _period_ended(account, org):
    # As staff editing the application in the admin would (the admin re-syncs the listing).
    today = timezone.localdate()
    JobApplication.objects.filter(pk=account.application_id).update(
        applied_on=today - timedelta(days=90), valid_until=today - timedelta(days=1)
    )
    seeker_services.profile_sync_listing(application_ids=[account.application_id])


def _org_suspended(account, org):
    today = timezone.localdate()
    Organization.objects.filter(pk=org.pk).update(suspended_from=today, suspended_until=today + timedelta(days=30))


def _org_revoked(account, org):
    Organization.objects.filter(pk=org.pk).update(revoked_at=timezone.now())


def _excluded_by_conditions(account, org):
    # The seeker accepts only organisations with a プライバシーマーク; this one has none.
    Organization.objects.filter(pk=org.pk).update(privacy_mark=False)
    seeker_services.conditions_set(
        actor=account.user, account=account, kinds=[], regions=[], industries=[], occupations=[], privacy_mark=True
    )


def _provision_none(account, org):
    seeker_services.application_provision_change(
        actor=None, application=account.application, provision=JobApplication.Provision.NONE
    )


def _provision_local_gov_only(account, org):
    seeker_services.application_provision_change(
        actor=None, application=account.application, provision=JobApplication.Provision.LOCAL_GOV_ONLY
    )


NOT_VISIBLE = [
    _block, _stop, _period_ended, _org_suspended, _org_revoked, _excluded_by_conditions, _provision_none,
    _provision_local_gov_only,
]


@pytest.mark.parametrize("make_invisible", NOT_VISIBLE, ids=lambda f: f.__name__.strip("_"))
def test_first_guidance_to_a_profile_the_organisation_cannot_see_is_refused(
    agency, agency_member, account, make_invisible
):
    make_invisible(account, agency)

    with pytest.raises(SendRefused) as refused:
        guide(agency_member, account)

    assert refused.value.code == "not_visible"
    assert refused.value.message == "この求職者には現在メッセージを送信できません。"
    assert not Message.objects.exists()
    assert not first_notices().exists()
    assert sent_today(agency) == 0


@pytest.mark.parametrize("make_invisible", NOT_VISIBLE, ids=lambda f: f.__name__.strip("_"))
def test_later_guidance_after_the_profile_became_invisible_is_refused(
    agency, agency_member, account, conversation, make_invisible
):
    make_invisible(account, agency)

    with pytest.raises(SendRefused) as refused:
        guide(agency_member, account)

    assert refused.value.code == "not_visible"
    assert Message.objects.filter(conversation=conversation).count() == 1
    assert sent_today(agency) == 1


def test_the_seeker_unblocking_lets_the_organisation_write_again(agency, agency_member, account, conversation):
    _block(account, agency)
    with pytest.raises(SendRefused):
        guide(agency_member, account)

    seeker_services.block_remove(actor=account.user, account=account, organization_id=agency.pk)

    guide(agency_member, account)
    assert Message.objects.filter(conversation=conversation).count() == 2
    assert first_notices().count() == 1  # still the one first notice


def test_a_municipality_reaches_a_local_gov_only_seeker_and_an_agency_does_not(
    agency_member, municipality_member, account
):
    _provision_local_gov_only(account, None)

    guide(municipality_member, account)
    with pytest.raises(SendRefused):
        guide(agency_member, account)

    assert Conversation.objects.get().organization == municipality_member.membership.organization


# --- bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ご案内\r\nBcc: attacker@example.com", "ご案内 Bcc: attacker@example.com"),
        ("ご案内\rX-Header: 1", "ご案内 X-Header: 1"),
        ("ご案内\n\n\n続き", "ご案内 続き"),
    ],
    ids=["crlf", "cr", "lf"],
)
def test_line_breaks_in_a_guidance_subject_are_removed(agency_member, account, typed, stored):
    message = guide(agency_member, account, subject=typed)

    assert Message.objects.get(pk=message.pk).subject == stored


def test_line_breaks_in_a_reply_subject_are_removed(account, conversation):
    reply = services.seeker_reply(
        actor=account.user, account=account, conversation=conversation, kind="question",
        subject="質問\r\nBcc: attacker@example.com", body="勤務地はどこですか。",
        confirm_pii=True,  # the address is flagged; the seeker sent it anyway
    )

    assert Message.objects.get(pk=reply.pk).subject == "質問 Bcc: attacker@example.com"


def test_markup_is_stored_as_typed(agency_member, account):
    # Stored as it came and escaped when shown (test_views checks the pages).
    message = guide(agency_member, account, subject="<script>alert(1)</script>", body="<b>太字</b>")

    assert Message.objects.get(pk=message.pk).subject == "<script>alert(1)</script>"


# --- the daily cap (SPEC rule 17) -------------------------------------------------------------------------


def test_the_cap_lets_the_thousandth_through_and_refuses_the_next(agency, agency_member, account, other_seeker):
    set_sent_today(agency, LIMIT - 1)
    assert services.guidance_remaining(agency) == 1

    guide(agency_member, account)

    assert services.guidance_remaining(agency) == 0
    with pytest.raises(SendRefused) as refused:
        guide(agency_member, other_seeker.seeker_account)
    assert refused.value.code == "daily_cap"
    assert refused.value.message == CAP_MESSAGE
    assert not Conversation.objects.filter(account=other_seeker.seeker_account).exists()
    assert Message.objects.count() == 1
    assert first_notices().count() == 1
    assert sent_today(agency) == LIMIT


def test_the_cap_counts_later_guidance_in_an_existing_conversation_too(agency, agency_member, account, conversation):
    set_sent_today(agency, LIMIT)

    with pytest.raises(SendRefused) as refused:
        guide(agency_member, account)

    assert refused.value.code == "daily_cap"
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_the_cap_is_per_organisation(agency, agency_member, municipality_member, account):
    set_sent_today(agency, LIMIT)

    guide(municipality_member, account)

    assert services.guidance_remaining(municipality_member.membership.organization) == LIMIT - 1
    assert services.guidance_remaining(agency) == 0


def test_answers_in_a_conversation_do_not_count_towards_the_cap(agency, agency_member, account, conversation):
    set_sent_today(agency, LIMIT)

    services.org_reply(actor=agency_member, organization=agency, conversation=conversation, kind="answer",
                       subject="回答", body="勤務地は新宿です。")

    assert Message.objects.filter(conversation=conversation, kind="answer").count() == 1
    assert sent_today(agency) == LIMIT


def test_the_cap_resets_at_midnight_japan_time(agency, agency_member, account, other_seeker):
    today = timezone.localdate()
    set_sent_today(agency, LIMIT)

    # 23:59 JST is still the same day (14:59 UTC).
    with time_machine.travel(jst(today, 23, 59), tick=False):
        assert services.guidance_remaining(agency) == 0
        with pytest.raises(SendRefused) as refused:
            guide(agency_member, account)
        assert refused.value.code == "daily_cap"

    # 00:00 JST the next day is a new day, though UTC (15:00) has not reached midnight.
    with time_machine.travel(jst(today + timedelta(days=1), 0, 0), tick=False):
        assert services.guidance_remaining(agency) == LIMIT
        guide(agency_member, account)
        guide(agency_member, other_seeker.seeker_account)
        assert services.guidance_remaining(agency) == LIMIT - 2

    assert DailyGuidanceCount.objects.get(organization=agency, day=today).count == LIMIT
    assert DailyGuidanceCount.objects.get(organization=agency, day=today + timedelta(days=1)).count == 2


def test_guidance_remaining_counts_down_per_send(agency, agency_member, account, other_seeker):
    assert services.guidance_remaining(agency) == LIMIT

    guide(agency_member, account)
    guide(agency_member, account)
    guide(agency_member, other_seeker.seeker_account)

    assert services.guidance_remaining(agency) == LIMIT - 3


# --- seeker_reply (STEP 3, STEP 5; SPEC rules 11, 15, 16) ---------------------------------------------------


def reply(account, conversation, kind="question", **kwargs) -> Message:
    return services.seeker_reply(
        actor=account.user, account=account, conversation=conversation, kind=kind,
        subject=kwargs.get("subject", "質問があります"), body=kwargs.get("body", "夜勤はありますか。"),
    )


def test_a_question_marks_the_conversation_unread_for_the_organisation(account, conversation):
    message = reply(account, conversation)

    conversation.refresh_from_db()
    assert (message.sender, message.kind, message.organization) == ("seeker", "question", conversation.organization)
    assert message.sender_user == account.user
    assert conversation.org_unread is True
    assert conversation.apply_requested_at is None
    assert conversation.last_message_at == message.created_at
    assert first_notices().count() == 1  # replies send no mail


def test_asking_to_apply_records_the_request_once(account, conversation):
    first = reply(account, conversation, kind="apply", subject="求職申込みを希望します")
    reply(account, conversation, kind="question")
    reply(account, conversation, kind="apply")

    conversation.refresh_from_db()
    assert conversation.apply_requested_at == first.created_at
    assert conversation.org_unread is True


def test_a_seeker_cannot_write_into_another_seekers_conversation(other_seeker, conversation):
    intruder = other_seeker.seeker_account

    with pytest.raises(Conversation.DoesNotExist):
        reply(intruder, conversation)

    assert not Message.objects.filter(sender="seeker").exists()
    conversation.refresh_from_db()
    assert conversation.org_unread is False


@pytest.mark.parametrize("kind", ["decline", "guidance", "answer", "procedure", ""])
def test_a_reply_of_another_kind_is_refused(account, conversation, kind):
    with pytest.raises(SendRefused) as refused:
        reply(account, conversation, kind=kind)

    assert refused.value.code == "kind"
    assert not Message.objects.filter(sender="seeker").exists()


def _declined(account, conversation):
    services.seeker_decline(actor=account.user, account=account, conversation=conversation)


def _blocked(account, conversation):
    _block(account, conversation.organization)


def _stopped(account, conversation):
    _stop(account, conversation.organization)


def _suspended(account, conversation):
    _org_suspended(account, conversation.organization)


def _revoked(account, conversation):
    _org_revoked(account, conversation.organization)


@pytest.mark.parametrize(
    ("close", "code"),
    [(_declined, "declined"), (_blocked, "blocked"), (_stopped, "stopped"), (_suspended, "inactive"),
     (_revoked, "inactive")],
    ids=["declined", "blocked", "stopped", "org-suspended", "org-revoked"],
)
def test_a_seeker_cannot_reply_after_the_conversation_closed(account, conversation, close, code):
    close(account, conversation)
    before = Message.objects.count()

    with pytest.raises(SendRefused) as refused:
        reply(account, conversation, kind="apply")

    assert refused.value.code == code
    assert refused.value.message
    assert Message.objects.count() == before
    conversation.refresh_from_db()
    assert conversation.apply_requested_at is None


def test_a_seeker_cannot_reply_after_the_usage_period_ended(account, conversation):
    _period_ended(account, conversation.organization)

    with pytest.raises(SendRefused):
        reply(account, conversation, kind="apply")

    assert not Message.objects.filter(sender="seeker").exists()


def test_one_conversation_per_organisation_and_seeker_is_a_database_rule(agency, account, conversation):
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(organization=agency, account=account, last_message_at=timezone.now())

    assert Conversation.objects.count() == 1


# --- seeker_decline (辞退) -----------------------------------------------------------------------------------


def test_declining_closes_the_conversation_for_the_organisation(agency, agency_member, account, conversation):
    decline = services.seeker_decline(actor=account.user, account=account, conversation=conversation)

    conversation.refresh_from_db()
    assert (decline.sender, decline.kind) == ("seeker", "decline")
    assert conversation.declined_at is not None
    assert conversation.org_unread is True  # the organisation sees the 辞退
    assert org_access(agency, conversation) == OrgAccess.CLOSED
    with pytest.raises(SendRefused) as refused:
        services.org_reply(actor=agency_member, organization=agency, conversation=conversation, kind="answer",
                           subject="ご検討ください", body="もう一度ご検討いただけませんか。")
    assert refused.value.code == "closed"
    with pytest.raises(SendRefused):
        guide(agency_member, account)
    assert list(Message.objects.filter(conversation=conversation).values_list("kind", flat=True)) == [
        "guidance", "decline",
    ]
    # Declining is not blocking: the organisation still sees the profile.
    assert profile_visible_to(agency, account.application.profile.public_id) is not None
    assert not account.blocks.exists()


def test_a_decline_sends_the_fixed_text_unless_the_seeker_wrote_another(account, conversation, other_seeker):
    default = services.seeker_decline(actor=account.user, account=account, conversation=conversation)

    assert (default.subject, default.body) == ("辞退します", "ご案内ありがとうございました。今回は辞退させていただきます。")

    other = other_seeker.seeker_account
    own = services.seeker_decline(
        actor=other_seeker, account=other, conversation=ConversationFactory(account=other),
        subject="今回は\r\n見送ります", body="別の職種を探すことにしました。",
    )
    assert (own.subject, own.body) == ("今回は 見送ります", "別の職種を探すことにしました。")


def test_a_decline_text_is_checked_as_a_reply_is(account, conversation):
    with pytest.raises(services.PiiUnconfirmed) as flagged:
        services.seeker_decline(actor=account.user, account=account, conversation=conversation,
                                body="今後は 090-1234-5678 にご連絡ください。")
    with pytest.raises(SendRefused) as too_long:
        services.seeker_decline(actor=account.user, account=account, conversation=conversation,
                                body="あ" * (settings.MESSAGE_BODY_MAX + 1))

    assert "電話番号" in [finding.label for finding in flagged.value.findings]
    assert too_long.value.code == "too_long"
    conversation.refresh_from_db()
    assert conversation.declined_at is None
    assert not Message.objects.filter(kind="decline").exists()

    services.seeker_decline(actor=account.user, account=account, conversation=conversation,
                            body="今後は 090-1234-5678 にご連絡ください。", confirm_pii=True)
    assert Message.objects.get(kind="decline").body == "今後は 090-1234-5678 にご連絡ください。"


def test_a_seeker_cannot_decline_another_seekers_conversation(other_seeker, conversation):
    with pytest.raises(Conversation.DoesNotExist):
        services.seeker_decline(actor=other_seeker, account=other_seeker.seeker_account, conversation=conversation)

    conversation.refresh_from_db()
    assert conversation.declined_at is None


def test_declining_twice_is_refused(account, conversation):
    _declined(account, conversation)

    with pytest.raises(SendRefused) as refused:
        _declined(account, conversation)

    assert refused.value.code == "declined"
    assert Message.objects.filter(kind="decline").count() == 1


# --- org_reply ----------------------------------------------------------------------------------------------


def answer(member, conversation, kind="answer", body="勤務地は新宿です。") -> Message:
    organization = Organization.objects.get(pk=member.membership.organization_id)
    return services.org_reply(actor=member, organization=organization, conversation=conversation, kind=kind,
                              subject="ご質問への回答", body=body)


def test_the_organisation_answers_a_question(agency_member, account, conversation):
    reply(account, conversation)

    message = answer(agency_member, conversation)

    assert (message.sender, message.kind, message.account) == ("org", "answer", account)
    assert message.disclosures == {}
    assert first_notices().count() == 1  # later messages send no mail


def test_the_procedure_is_sent_only_after_the_seeker_asked_to_apply(agency, agency_member, account, conversation):
    with pytest.raises(SendRefused) as refused:
        answer(agency_member, conversation, kind="procedure", body=agency.contact_procedure)
    assert refused.value.code == "procedure"
    assert not Message.objects.filter(kind="procedure").exists()

    reply(account, conversation, kind="apply")
    message = answer(agency_member, conversation, kind="procedure", body=agency.contact_procedure)

    assert message.kind == "procedure"
    assert message.body == agency.contact_procedure


@pytest.mark.parametrize("kind", ["guidance", "question", "apply", "decline", ""])
def test_an_organisation_message_of_another_kind_is_refused(agency_member, conversation, kind):
    with pytest.raises(SendRefused) as refused:
        answer(agency_member, conversation, kind=kind)

    assert refused.value.code == "kind"


def test_an_organisation_cannot_write_into_another_organisations_conversation(conversation):
    stranger = MemberFactory(organization=OrganizationFactory()).user

    with pytest.raises(Conversation.DoesNotExist):
        answer(stranger, conversation)

    assert Message.objects.filter(conversation=conversation).count() == 1


@pytest.mark.parametrize("make_invisible", NOT_VISIBLE, ids=lambda f: f.__name__.strip("_"))
def test_the_organisation_cannot_answer_once_the_profile_is_invisible_to_it(
    agency, agency_member, account, conversation, make_invisible
):
    reply(account, conversation)
    make_invisible(account, agency)

    with pytest.raises(SendRefused) as refused:
        answer(agency_member, conversation)

    assert refused.value.code == "closed"
    assert refused.value.message == "このやりとりは終了しています。メッセージは送信できません。"
    assert not Message.objects.filter(kind="answer").exists()
    fresh = Organization.objects.get(pk=agency.pk)  # as member_required reads it for the request
    assert org_access(fresh, Conversation.objects.get(pk=conversation.pk)) in (OrgAccess.WITHDRAWN, OrgAccess.GONE)


def test_a_conversation_is_open_for_the_organisation_while_nothing_closed_it(agency, conversation):
    assert org_access(agency, conversation) == OrgAccess.OPEN


# --- reading -----------------------------------------------------------------------------------------------


def test_the_seeker_opening_a_thread_marks_the_organisations_messages_shown_read(
    agency_member, account, conversation, other_seeker
):
    guide(agency_member, account)
    own = reply(account, conversation)
    elsewhere = guide(agency_member, other_seeker.seeker_account)
    shown = list(Message.objects.filter(conversation=conversation))

    marked = services.seeker_mark_read(account=account, messages=shown)

    assert marked == {m.pk for m in shown if m.sender == "org"}
    assert len(marked) == 2
    assert not Message.objects.filter(conversation=conversation, sender="org", read_at__isnull=True).exists()
    assert Message.objects.get(pk=own.pk).read_at is None  # the seeker's own reply is the organisation's to read
    assert Message.objects.get(pk=elsewhere.pk).read_at is None
    again = list(Message.objects.filter(conversation=conversation))
    assert services.seeker_mark_read(account=account, messages=again) == set()


def test_a_message_that_arrives_while_the_thread_is_read_stays_unread(agency_member, account, conversation):
    """SPEC rule 14 per message: only what the seeker was shown becomes 読了."""
    shown = list(Message.objects.filter(conversation=conversation))
    late = guide(agency_member, account, subject="後から届いた案内")

    services.seeker_mark_read(account=account, messages=shown)

    assert Message.objects.get(pk=late.pk).read_at is None
    assert all(m.read_at for m in Message.objects.filter(pk__in=[m.pk for m in shown]))


def test_another_seeker_cannot_mark_a_thread_read(other_seeker, conversation):
    shown = list(Message.objects.filter(conversation=conversation))

    assert services.seeker_mark_read(account=other_seeker.seeker_account, messages=shown) == set()

    assert Message.objects.get(conversation=conversation).read_at is None


def test_the_organisation_opening_a_thread_clears_its_unread_flag(agency, account, conversation):
    question = reply(account, conversation)

    services.org_mark_read(organization=agency, conversation=conversation)

    conversation.refresh_from_db()
    assert conversation.org_unread is False
    assert Message.objects.get(pk=question.pk).read_at is not None
    # Its own guidance stays unread until the seeker opens it.
    assert Message.objects.get(conversation=conversation, kind="guidance").read_at is None


def test_another_organisation_cannot_mark_a_thread_read(account, conversation):
    question = reply(account, conversation)

    services.org_mark_read(organization=OrganizationFactory(), conversation=conversation)

    conversation.refresh_from_db()
    assert conversation.org_unread is True
    assert Message.objects.get(pk=question.pk).read_at is None


# --- the reply's PII check lives in the service (SPEC rule 15) --------------------------------------------------


def test_a_reply_that_looks_identifying_is_refused_until_the_seeker_confirms(account, guidance):
    body = "お電話ください。090-1234-5678 です。"

    with pytest.raises(services.PiiUnconfirmed) as refused:
        reply(account, guidance.conversation, body=body)

    assert refused.value.findings
    assert not Message.objects.filter(sender=Message.Sender.SEEKER).exists()

    sent = services.seeker_reply(actor=account.user, account=account, conversation=guidance.conversation,
                                 kind="question", subject="質問", body=body, confirm_pii=True)
    assert sent.body == body


def test_a_plain_reply_needs_no_confirmation(account, guidance):
    sent = reply(account, guidance.conversation, body="夜勤はありますか。")

    assert sent.sender == Message.Sender.SEEKER
