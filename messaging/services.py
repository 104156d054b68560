"""Messaging (SPEC rules 11–17). Every send goes through the visibility rule; each service is one
transaction with an audit event; the first-contact notice is queued on commit through the outbox."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit
from accounts.mail import email_queue
from accounts.models import AuditEvent, OutgoingEmail
from organizations.models import Organization
from organizations.services import disclosures_snapshot, guidance_disclosures_refusal
from seekers import pii
from seekers.models import SeekerAccount
from seekers.search.visibility import profile_visible_to
from seekers.selectors import identity_needles

from .access import OrgAccess, SeekerWrite, org_access, seeker_may_write
from .models import Conversation, DailyGuidanceCount, GuidanceTemplate, Message

# 辞退's text as the seeker first sees it on the confirmation page, and as sent when left unchanged.
DECLINE_SUBJECT = gettext_lazy("辞退します")
DECLINE_BODY = gettext_lazy("ご案内ありがとうございました。今回は辞退させていただきます。")

# The audit verb of each reply kind.
REPLY_VERBS = {
    Message.Kind.ANSWER: AuditEvent.Verb.MESSAGE_ANSWER,
    Message.Kind.PROCEDURE: AuditEvent.Verb.MESSAGE_PROCEDURE,
    Message.Kind.QUESTION: AuditEvent.Verb.MESSAGE_QUESTION,
    Message.Kind.APPLY: AuditEvent.Verb.MESSAGE_APPLY,
}


class SendRefused(Exception):
    """A send that the rules refuse; `message` is shown to the user as it is."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


class PiiUnconfirmed(SendRefused):
    """A reply that looks like it carries identifying data (SPEC rule 15), sent without the seeker
    confirming it; `findings` are the guard's, shown beside the text."""

    def __init__(self, findings: list):
        super().__init__("pii", _("個人を特定できる情報の可能性があります。内容を確認し、このまま送信する場合はチェックを入れてください。"))
        self.findings = findings


def _refused_not_visible() -> SendRefused:
    return SendRefused("not_visible", _("この求職者には現在メッセージを送信できません。"))


def clean_subject(subject: str) -> str:
    """No header injection and no stray control characters: line breaks become spaces."""
    return " ".join((subject or "").replace("\r", " ").replace("\n", " ").split())[:100]


def guidance_remaining(organization: Organization) -> int:
    row = DailyGuidanceCount.objects.filter(organization=organization, day=timezone.localdate()).first()
    return max(settings.GUIDANCE_DAILY_LIMIT - (row.count if row else 0), 0)


def guidance_send(*, actor, organization: Organization, public_id: str, subject: str, body: str) -> Message:
    """案内メッセージ. The first one to a seeker opens the conversation, carries the disclosures and
    sends the seeker one email notice. The disclosures are the organisation's record, read in this
    transaction, never the sender's (SPEC rule 12): the message keeps a snapshot of them with 名称,
    許可・届出番号 and プライバシーマーク (organizations.services.disclosures_snapshot), so a later edit of
    the record does not change what the seeker received. A record with a disclosure empty refuses
    the first message, naming what to fill in (guidance_disclosures_refusal).

    Races closed in the database: the daily cap is a conditional increment (`count < limit`) on the
    organisation's row for today; the conversation is a unique (organization, account) pair, so of
    two first messages sent at once only one insert wins, and only the winner sends the notice."""
    _check_body(body)
    now = timezone.now()
    today = timezone.localdate()  # once: a send that crosses midnight counts on one day only
    with transaction.atomic():
        profile = profile_visible_to(organization, public_id)
        if profile is None:
            raise _refused_not_visible()
        account = SeekerAccount.objects.select_related("user", "application").get(application_id=profile.pk)
        DailyGuidanceCount.objects.get_or_create(organization=organization, day=today)
        counted = DailyGuidanceCount.objects.filter(
            organization=organization, day=today, count__lt=settings.GUIDANCE_DAILY_LIMIT
        ).update(count=F("count") + 1)
        if counted != 1:
            raise SendRefused(
                "daily_cap",
                _("本日の案内メッセージの送信上限(%(n)s件)に達しました。明日以降に送信してください。")
                % {"n": f"{settings.GUIDANCE_DAILY_LIMIT:,}"},
            )
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(organization=organization, account=account,
                                                           last_message_at=now)
            first = True
        except IntegrityError:
            conversation = Conversation.objects.select_for_update().get(organization=organization, account=account)
            first = False
        conversation.account = account
        if org_access(organization, conversation, today=today) != OrgAccess.OPEN:
            raise _refused_not_visible()
        disclosures = {}
        if first:
            # Read again here: what is on record when the message is sent, not when the page opened.
            record = Organization.objects.get(pk=organization.pk)
            refusal = guidance_disclosures_refusal(record)
            if refusal:
                raise SendRefused("disclosures", refusal)
            disclosures = disclosures_snapshot(record)
        message = Message.objects.create(
            conversation=conversation, account=account, organization=organization, sender=Message.Sender.ORGANIZATION,
            sender_user=actor, kind=Message.Kind.GUIDANCE, subject=clean_subject(subject), body=body,
            disclosures=disclosures,
        )
        if not first:
            Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
        audit(actor=actor, verb=AuditEvent.Verb.MESSAGE_GUIDANCE, target=message, organization=organization.pk,
              first=first)
        if first:
            email_queue(
                to=account.user.email,
                template="messaging/email/first_guidance",
                context={"organization": organization.name, "site_url": settings.SITE_URL},
                kind=OutgoingEmail.Kind.FIRST_GUIDANCE,
            )
    return message


def _check_body(body: str) -> None:
    if len(body or "") > settings.MESSAGE_BODY_MAX:
        raise SendRefused("too_long", _("本文は%(n)s文字以内にしてください。") % {"n": f"{settings.MESSAGE_BODY_MAX:,}"})


def org_reply(*, actor, organization: Organization, conversation: Conversation, kind: str, subject: str,
              body: str) -> Message:
    """An answer in a conversation the seeker has not closed; `procedure` answers a 求職申込み希望
    with the organisation's STEP 6 procedure."""
    if kind not in (Message.Kind.ANSWER, Message.Kind.PROCEDURE):
        raise SendRefused("kind", _("送信する種類を選んでください。"))
    _check_body(body)
    with transaction.atomic():
        # The conversation and its account are locked (as a seeker's stop locks the account), so a
        # stop cannot slip in between this check and the insert.
        conversation = (
            Conversation.objects.select_for_update(of=("self", "account"))
            .select_related("account__application")
            .get(pk=conversation.pk, organization=organization)
        )
        if org_access(organization, conversation) != OrgAccess.OPEN:
            raise SendRefused("closed", _("このやりとりは終了しています。メッセージは送信できません。"))
        if kind == Message.Kind.PROCEDURE and conversation.apply_requested_at is None:
            raise SendRefused("procedure", _("求職申込みの手続きは、求職申込み希望を受けてから送信できます。"))
        message = Message.objects.create(
            conversation=conversation, account=conversation.account, organization=organization,
            sender=Message.Sender.ORGANIZATION, sender_user=actor, kind=kind, subject=clean_subject(subject), body=body,
        )
        Conversation.objects.filter(pk=conversation.pk).update(last_message_at=message.created_at)
        audit(actor=actor, verb=REPLY_VERBS[kind], target=message)
    return message


def seeker_reply(*, actor, account: SeekerAccount, conversation: Conversation, kind: str, subject: str,
                 body: str, confirm_pii: bool = False) -> Message:
    """STEP 3 / STEP 5: the seeker answers only inside a conversation an organisation opened
    (SPEC rule 11); there is no way to write to an organisation first. A reply the PII guard flags is
    sent only once the seeker confirmed it (SPEC rule 15): PiiUnconfirmed otherwise, with findings
    (patterns, and the seeker's own registered identity: 氏名, 電話番号, 生年月日...)."""
    if kind not in (Message.Kind.QUESTION, Message.Kind.APPLY):
        raise SendRefused("kind", _("返信の種類を選んでください。"))
    _check_body(body)
    findings = pii.detect(f"{subject}\n{body}", identity=identity_needles(account.application_id))
    if findings and not confirm_pii:
        raise PiiUnconfirmed(findings)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().select_related("organization").get(
            pk=conversation.pk, account=account
        )
        _refuse_unless_seeker_may_write(account, conversation)
        message = Message.objects.create(
            conversation=conversation, account=account, organization=conversation.organization,
            sender=Message.Sender.SEEKER, sender_user=actor, kind=kind, subject=clean_subject(subject), body=body,
        )
        changes = {"last_message_at": message.created_at, "org_unread": True}
        if kind == Message.Kind.APPLY and conversation.apply_requested_at is None:
            changes["apply_requested_at"] = message.created_at
        Conversation.objects.filter(pk=conversation.pk).update(**changes)
        audit(actor=actor, verb=REPLY_VERBS[kind], target=message)
    return message


def seeker_decline(*, actor, account: SeekerAccount, conversation: Conversation, subject: str = DECLINE_SUBJECT,
                   body: str = DECLINE_BODY, confirm_pii: bool = False) -> Message:
    """辞退: the seeker's last message, after which the conversation is closed for the organisation
    for good. The text is the seeker's to edit, so it is checked as a reply is (length, and the PII
    guard of SPEC rule 15)."""
    subject, body = str(subject), str(body)
    _check_body(body)
    findings = pii.detect(f"{subject}\n{body}", identity=identity_needles(account.application_id))
    if findings and not confirm_pii:
        raise PiiUnconfirmed(findings)
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().select_related("organization").get(
            pk=conversation.pk, account=account
        )
        _refuse_unless_seeker_may_write(account, conversation)
        now = timezone.now()
        message = Message.objects.create(
            conversation=conversation, account=account, organization=conversation.organization,
            sender=Message.Sender.SEEKER, sender_user=actor, kind=Message.Kind.DECLINE,
            subject=clean_subject(subject), body=body,
        )
        Conversation.objects.filter(pk=conversation.pk).update(declined_at=now, last_message_at=now, org_unread=True)
        audit(actor=actor, verb=AuditEvent.Verb.MESSAGE_DECLINE, target=message)
    return message


def _refuse_unless_seeker_may_write(account: SeekerAccount, conversation: Conversation) -> None:
    account = SeekerAccount.objects.select_related("application").get(pk=account.pk)  # fresh, not the caller's
    reason = seeker_may_write(account, conversation)
    if reason != SeekerWrite.ALLOWED:
        raise SendRefused(reason.value, str(reason.label))


def seeker_mark_read(*, account: SeekerAccount, messages) -> set[int]:
    """Opening a message marks it 読了 (SPEC rule 14): the organisation's messages among those the
    seeker is shown, and no other, so one that arrives in the same thread while the page is read stays
    未読 in メッセージ一覧. Returns the ids of those that were unread. One UPDATE, through the
    primary key; the rows it takes leave msg_seeker_unread_idx."""
    ids = {
        m.pk for m in messages
        if m.account_id == account.pk and m.sender == Message.Sender.ORGANIZATION and m.read_at is None
    }
    if not ids:
        return set()
    Message.objects.filter(
        pk__in=ids, account=account, sender=Message.Sender.ORGANIZATION, read_at__isnull=True
    ).update(read_at=timezone.now())
    return ids


def org_mark_read(*, organization: Organization, conversation: Conversation) -> None:
    with transaction.atomic():
        Message.objects.filter(
            conversation=conversation, organization=organization, sender=Message.Sender.SEEKER, read_at__isnull=True
        ).update(read_at=timezone.now())
        Conversation.objects.filter(pk=conversation.pk, organization=organization, org_unread=True).update(
            org_unread=False
        )


# --- guidance templates (issue 16) ---------------------------------------------------------------------

# Enough for every routine of an organisation, few enough for one select on the guidance form.
GUIDANCE_TEMPLATES_PER_ORGANIZATION = 100


class TemplateRefused(Exception):
    """A template the rules refuse; `field` is the form field the message belongs beside (None: the form)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _check_template_body(body: str) -> None:
    if len(body or "") > settings.MESSAGE_BODY_MAX:
        raise TemplateRefused("body", _("本文は%(n)s文字以内にしてください。") % {"n": f"{settings.MESSAGE_BODY_MAX:,}"})


def _duplicate_template_name() -> TemplateRefused:
    return TemplateRefused("name", _("同じ名前のテンプレートがすでにあります。別の名前にしてください。"))


def guidance_template_create(*, actor, organization: Organization, name: str, subject: str,
                             body: str) -> GuidanceTemplate:
    """A named subject and body for the organisation's guidance (never the disclosures: guidance_send
    takes those from the record). At most GUIDANCE_TEMPLATES_PER_ORGANIZATION: the organisation's row
    is locked (select_for_update) so two creates cannot both pass the count; a name is unique in the
    organisation (constraint)."""
    _check_template_body(body)
    name = " ".join(name.split())
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        if GuidanceTemplate.objects.filter(organization=organization).count() >= GUIDANCE_TEMPLATES_PER_ORGANIZATION:
            raise TemplateRefused(None, _("テンプレートは%(n)s件まで作成できます。不要なテンプレートを削除してください。")
                                  % {"n": GUIDANCE_TEMPLATES_PER_ORGANIZATION})
        if GuidanceTemplate.objects.filter(organization=organization, name=name).exists():
            raise _duplicate_template_name()
        try:
            with transaction.atomic():
                template = GuidanceTemplate.objects.create(organization=organization, name=name,
                                                           subject=clean_subject(subject), body=body)
        except IntegrityError:
            raise _duplicate_template_name() from None
        audit(actor=actor, verb=AuditEvent.Verb.GUIDANCE_TEMPLATE_CREATE, target=template, name=name)
    return template


def guidance_template_update(*, actor, template: GuidanceTemplate, name: str, subject: str,
                             body: str) -> GuidanceTemplate:
    _check_template_body(body)
    name = " ".join(name.split())
    with transaction.atomic():
        if GuidanceTemplate.objects.filter(organization_id=template.organization_id, name=name).exclude(
            pk=template.pk
        ).exists():
            raise _duplicate_template_name()
        before = {"name": template.name, "subject": template.subject, "body": template.body}
        template.name, template.subject, template.body = name, clean_subject(subject), body
        try:
            with transaction.atomic():
                template.save(update_fields=["name", "subject", "body", "updated_at"])
        except IntegrityError:
            raise _duplicate_template_name() from None
        after = {"name": template.name, "subject": template.subject, "body": template.body}
        audit(actor=actor, verb=AuditEvent.Verb.GUIDANCE_TEMPLATE_UPDATE, target=template,
              before={k: v for k, v in before.items() if after[k] != v},
              after={k: v for k, v in after.items() if before[k] != v})
    return template


def guidance_template_delete(*, actor, template: GuidanceTemplate) -> None:
    """Messages already sent from it keep their text (a template is copied into the form, never linked)."""
    with transaction.atomic():
        audit(actor=actor, verb=AuditEvent.Verb.GUIDANCE_TEMPLATE_DELETE, target=template, name=template.name)
        template.delete()
