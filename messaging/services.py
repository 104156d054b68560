"""Messaging (SPEC rules 11–17). Every send goes through the visibility rule; each service is one
transaction with an audit event; the first-contact notice is queued on commit through the outbox."""

from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit
from accounts.mail import email_queue, publish_once
from accounts.models import AuditEvent, OutgoingEmail
from organizations.models import Organization
from organizations.services import disclosures_snapshot, guidance_disclosures_refusal
from seekers import pii
from seekers.models import SeekerAccount
from seekers.search.visibility import profile_visible_to, profiles_visible_to
from seekers.selectors import identity_needles

from .access import OrgAccess, SeekerWrite, org_access, seeker_may_write
from .models import (
    Conversation,
    DailyGuidanceCount,
    GuidanceBatch,
    GuidanceBatchItem,
    GuidanceTemplate,
    Message,
)

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
    """What is left of today's cap, for the pages (SPEC rule 17 is decided by guidance_quota_take)."""
    row = DailyGuidanceCount.objects.filter(organization=organization, day=timezone.localdate()).first()
    return guidance_remaining_after(row.count if row else 0)


def guidance_remaining_after(count: int) -> int:
    return max(settings.GUIDANCE_DAILY_LIMIT - count, 0)


def guidance_quota_take(*, organization: Organization, day, n: int) -> bool:
    """SPEC rule 17, decided here and nowhere else: count `n` more guidance messages on the
    organisation's row for `day`, or none at all when that would pass GUIDANCE_DAILY_LIMIT. A single
    send takes 1, a batch takes all its seekers at once (guidance_batch_create), so a batch is
    accepted whole or refused whole.

    The race is closed by the conditional UPDATE (`count <= limit - n`) on the one row per
    organisation and day: it takes that row's lock, and a concurrent taker waits for it and has the
    condition checked again on the committed count (PostgreSQL's READ COMMITTED re-check), so two
    batches accepted at the same moment never pass the limit together."""
    if n <= 0:
        return True
    DailyGuidanceCount.objects.get_or_create(organization=organization, day=day)
    return DailyGuidanceCount.objects.filter(
        organization=organization, day=day, count__lte=settings.GUIDANCE_DAILY_LIMIT - n
    ).update(count=F("count") + n) == 1


def _quota_give_back(*, organization: Organization, day, n: int) -> None:
    """A batch's seeker that was counted and then not sent to (no longer visible) frees its place."""
    DailyGuidanceCount.objects.filter(organization=organization, day=day, count__gte=n).update(count=F("count") - n)


def _refused_daily_cap(remaining: int | None = None, wanted: int = 1) -> SendRefused:
    if remaining is not None and wanted > 1:
        return SendRefused(
            "daily_cap",
            _("本日はあと%(remaining)s件しか送信できないため、選んだ%(wanted)s件には送信できません"
              "(1日%(n)s件まで)。何も送信していません。宛先を減らすか、明日以降に送信してください。")
            % {"remaining": f"{remaining:,}", "wanted": f"{wanted:,}", "n": f"{settings.GUIDANCE_DAILY_LIMIT:,}"},
        )
    return SendRefused(
        "daily_cap",
        _("本日の案内メッセージの送信上限(%(n)s件)に達しました。明日以降に送信してください。")
        % {"n": f"{settings.GUIDANCE_DAILY_LIMIT:,}"},
    )


def guidance_send(*, actor, organization: Organization, public_id: str, subject: str, body: str) -> Message:
    """案内メッセージ. The first one to a seeker opens the conversation, carries the disclosures and
    sends the seeker one email notice. The disclosures are the organisation's record, read in this
    transaction, never the sender's (SPEC rule 12): the message keeps a snapshot of them with 名称,
    許可・届出番号 and プライバシーマーク (organizations.services.disclosures_snapshot), so a later edit of
    the record does not change what the seeker received. A record with a disclosure empty refuses
    the first message, naming what to fill in (guidance_disclosures_refusal).

    Races closed in the database: the daily cap is guidance_quota_take's conditional increment on
    the organisation's row for today; the conversation is a unique (organization, account) pair, so
    of two first messages sent at once only one insert wins, and only the winner sends the notice.
    A batch (guidance_batch_item_send) writes each of its messages through the same
    _guidance_deliver, its cap taken when the batch was accepted."""
    _check_body(body)
    now = timezone.now()
    today = timezone.localdate()  # once: a send that crosses midnight counts on one day only
    with transaction.atomic():
        profile = profile_visible_to(organization, public_id)
        if profile is None:
            raise _refused_not_visible()
        if not guidance_quota_take(organization=organization, day=today, n=1):
            raise _refused_daily_cap()
        return _guidance_deliver(actor=actor, organization=organization, profile=profile, subject=subject,
                                 body=body, now=now, today=today)


def _guidance_deliver(*, actor, organization: Organization, profile, subject: str, body: str, now,
                      today) -> Message:
    """The message itself, once the profile was found visible and the cap counted it: SPEC rules
    12 and 13 (see guidance_send). Runs in the caller's transaction; a SendRefused it raises must
    roll back what it wrote (the caller's atomic block or savepoint)."""
    account = SeekerAccount.objects.select_related("user", "application").get(application_id=profile.pk)
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


# --- guidance to many (issue 16) ------------------------------------------------------------------


def guidance_batch_create(*, actor, organization: Organization, public_ids: list[str], subject: str,
                          body: str) -> GuidanceBatch:
    """One guidance to up to GUIDANCE_BATCH_MAX seekers ticked in the search results. The batch is
    counted against today's cap whole, before anything is sent (guidance_quota_take with the number
    of seekers the organisation sees now): refused whole when it does not fit, so a member never
    finds half a batch sent. An id the organisation cannot see now (stopped, blocked, excluded, or
    one that names no one: a hand-made POST) becomes a skipped item, never counted and never sent,
    and the page says no more about it than about any other it could not send to.

    The messages are written by the background task (messaging.tasks.guidance_batch_run, queued on
    commit with one short attempt; the sweep guidance_batches_resume re-queues what that left), each
    through guidance_batch_item_send, which re-checks visibility at its moment (SPEC rule 10)."""
    ids = list(dict.fromkeys(public_ids))  # the order ticked, each once
    if not ids:
        raise SendRefused("empty", _("送信先の求職者を選んでください。"))
    if len(ids) > settings.GUIDANCE_BATCH_MAX:
        raise SendRefused("too_many", _("一度に送信できるのは%(n)s人までです(選んだ人数: %(count)s人)。")
                          % {"n": f"{settings.GUIDANCE_BATCH_MAX:,}", "count": f"{len(ids):,}"})
    _check_body(body)
    today = timezone.localdate()
    with transaction.atomic():
        visible = dict(
            profiles_visible_to(organization).filter(public_id__in=ids).values_list("public_id", "application__account")
        )
        if visible:
            contacted = Conversation.objects.filter(organization=organization, account_id__in=visible.values())
            if contacted.count() < len(visible):
                # Someone is a first contact: the record must carry the disclosures (SPEC rule 12).
                refusal = guidance_disclosures_refusal(Organization.objects.get(pk=organization.pk))
                if refusal:
                    raise SendRefused("disclosures", refusal)
        if not guidance_quota_take(organization=organization, day=today, n=len(visible)):
            raise _refused_daily_cap(remaining=guidance_remaining(organization), wanted=len(visible))
        batch = GuidanceBatch.objects.create(organization=organization, created_by=actor,
                                             subject=clean_subject(subject), body=body, day=today)
        GuidanceBatchItem.objects.bulk_create(
            GuidanceBatchItem(batch=batch, position=position, public_id=public_id, account_id=visible[public_id])
            if public_id in visible else
            GuidanceBatchItem(batch=batch, position=position, public_id=public_id[:16],
                              state=GuidanceBatchItem.State.SKIPPED, skip_reason=GuidanceBatchItem.Skip.NOT_VISIBLE)
            for position, public_id in enumerate(ids)
        )
        audit(actor=actor, verb=AuditEvent.Verb.MESSAGE_GUIDANCE_BATCH, target=batch, organization=organization.pk,
              seekers=len(visible), skipped=len(ids) - len(visible))
        transaction.on_commit(partial(_batch_publish, [batch.pk]))
    return batch


def _batch_publish(batch_ids: list[int]) -> None:
    from .tasks import guidance_batch_run

    publish_once(guidance_batch_run, batch_ids, label="guidance batch",
                 left_to="guidance_batches_resume will queue it")


def guidance_batch_send(*, batch_id: int) -> int:
    """Send every item of the batch still pending, one transaction each, in the order ticked;
    then mark the batch finished. Safe to run again, or twice at once: an item is sent only by
    the run that locks it while it is still pending. Returns how many it sent."""
    pending = GuidanceBatchItem.objects.filter(batch_id=batch_id, state=GuidanceBatchItem.State.PENDING)
    sent = 0
    for item_id in list(pending.order_by("position").values_list("pk", flat=True)):
        sent += guidance_batch_item_send(item_id=item_id)
    still_pending = GuidanceBatchItem.objects.filter(batch_id=OuterRef("pk"), state=GuidanceBatchItem.State.PENDING)
    GuidanceBatch.objects.filter(pk=batch_id, finished_at__isnull=True).exclude(Exists(still_pending)).update(
        finished_at=timezone.now()
    )
    return sent


def guidance_batch_item_send(*, item_id: int) -> bool:
    """One seeker of a batch: the message (through _guidance_deliver, as guidance_send writes it)
    and the item's new state commit together, so a crash leaves the item pending and unsent, or
    sent with its message. The item's row lock (SELECT … FOR UPDATE, re-checked as still pending
    once granted) is what keeps two runs of the same batch from both sending it.

    The cap was counted when the batch was accepted; a seeker no longer visible now (SPEC rule 10:
    stopped, blocked, conditions changed, the organisation suspended) is skipped and frees its
    place on the batch's day."""
    with transaction.atomic():
        item = (
            GuidanceBatchItem.objects.select_for_update(of=("self",))
            .select_related("batch", "batch__created_by")
            .filter(pk=item_id, state=GuidanceBatchItem.State.PENDING)
            .first()
        )
        if item is None:
            return False
        batch = item.batch
        # Fresh: a suspension since the batch was accepted stops what is left of it (rule 20).
        organization = Organization.objects.get(pk=batch.organization_id)
        profile = profile_visible_to(organization, item.public_id)
        reason = ""
        if profile is None:
            reason = GuidanceBatchItem.Skip.NOT_VISIBLE
        else:
            try:
                with transaction.atomic():
                    _guidance_deliver(actor=batch.created_by, organization=organization, profile=profile,
                                      subject=batch.subject, body=batch.body, now=timezone.now(),
                                      today=timezone.localdate())
            except SendRefused as refused:
                reason = (GuidanceBatchItem.Skip.DISCLOSURES if refused.code == "disclosures"
                          else GuidanceBatchItem.Skip.NOT_VISIBLE)
        if reason:
            item.state, item.skip_reason = GuidanceBatchItem.State.SKIPPED, reason
            item.save(update_fields=["state", "skip_reason", "updated_at"])
            _quota_give_back(organization=organization, day=batch.day, n=1)
            return False
        item.state = GuidanceBatchItem.State.SENT
        item.save(update_fields=["state", "updated_at"])
        return True
