"""Conversations between one organisation and one seeker, opened only by the organisation
(SPEC rule 11), and the messages in them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from seekers.models import SeekerAccount


class Conversation(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("利用団体"), on_delete=models.CASCADE, related_name="conversations"
    )
    account = models.ForeignKey(
        SeekerAccount, verbose_name=_("求職者"), on_delete=models.CASCADE, related_name="conversations"
    )
    created_at = models.DateTimeField(_("開始日時"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("最終メッセージ日時"))
    # The seeker has replied and the organisation has not opened the thread since.
    org_unread = models.BooleanField(_("未読の返信あり"), default=False)
    apply_requested_at = models.DateTimeField(_("求職申込み希望の日時"), null=True, blank=True)
    declined_at = models.DateTimeField(_("辞退の日時"), null=True, blank=True)
    # Set when a 削除・廃棄 request is answered (compliance): the organisation can no longer open it.
    org_access_ended_at = models.DateTimeField(_("利用団体の閲覧終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("やりとり")
        verbose_name_plural = _("やりとり")
        constraints = [
            # One conversation per organisation and seeker; also what makes the first-contact
            # email notice exactly-once (SPEC rule 13): only the insert that wins sends it.
            models.UniqueConstraint(fields=["organization", "account"], name="conversation_unique_pair"),
        ]
        indexes = [
            # Only the conversations the organisation may still open (compliance's nightly sweep
            # sets org_access_ended_at on the others), so the inbox never walks its expired past.
            models.Index(fields=["organization", "-org_unread", "-last_message_at"], name="conv_org_inbox_idx",
                         condition=models.Q(org_access_ended_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ⇄ {self.account}"


class Message(models.Model):
    class Sender(models.TextChoices):
        ORGANIZATION = "org", _("利用団体")
        SEEKER = "seeker", _("求職者")

    class Kind(models.TextChoices):
        GUIDANCE = "guidance", _("案内")
        ANSWER = "answer", _("回答")
        PROCEDURE = "procedure", _("求職申込みの手続き")
        QUESTION = "question", _("問い合わせ")
        APPLY = "apply", _("求職申込み希望")
        DECLINE = "decline", _("辞退")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    # Copies of the conversation's two ends, so each side's list is one index range scan.
    account = models.ForeignKey(SeekerAccount, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    sender = models.CharField(_("送信元"), max_length=6, choices=Sender.choices)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("件名"), max_length=100)
    body = models.TextField(_("本文"), max_length=10_000)
    # SPEC rule 12: the disclosures as sent with the first guidance (a later edit of the
    # organisation's record does not change what the seeker received).
    disclosures = models.JSONField(_("必須記載事項"), default=dict, blank=True)
    created_at = models.DateTimeField(_("送信日時"), auto_now_add=True)
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("メッセージ")
        verbose_name_plural = _("メッセージ")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="msg_thread_idx"),
            models.Index(
                fields=["account", "-created_at", "-id"], condition=Q(sender="org"), name="msg_seeker_inbox_idx"
            ),
            models.Index(
                fields=["account"], condition=Q(sender="org", read_at__isnull=True), name="msg_seeker_unread_idx"
            ),
            models.Index(fields=["organization", "created_at"], name="msg_org_sent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sender="org", kind__in=["guidance", "answer", "procedure"])
                | Q(sender="seeker", kind__in=["question", "apply", "decline"]),
                name="message_kind_matches_sender",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class DailyGuidanceCount(models.Model):
    """Guidance messages sent per organisation per JST day (SPEC rule 17). The conditional
    increment `count < limit` on this row is what makes the cap exact under concurrent sends."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("案内メッセージ送信数")
        verbose_name_plural = _("案内メッセージ送信数")
        constraints = [models.UniqueConstraint(fields=["organization", "day"], name="daily_guidance_unique")]

    def __str__(self) -> str:
        return f"{self.organization} {self.day} {self.count}"


class GuidanceTemplate(models.Model):
    """A named subject and body an organisation's members reuse on the guidance form (issue 16). The
    disclosures of a first guidance (SPEC rule 12) are never part of it: guidance_send always takes
    them from the organisation's record."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("利用団体"), on_delete=models.CASCADE, related_name="guidance_templates"
    )
    name = models.CharField(_("テンプレート名"), max_length=50)
    subject = models.CharField(_("件名"), max_length=100)
    body = models.TextField(_("本文"))
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("案内メッセージのテンプレート")
        verbose_name_plural = _("案内メッセージのテンプレート")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="guidance_template_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class GuidanceBatch(models.Model):
    """One guidance written once and sent to many seekers (issue 16). Its sends were counted against the
    daily cap (SPEC rule 17) on `day` when it was accepted, all at once; each item is sent on its own
    by the background task (messaging.tasks.guidance_batch_run)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("利用団体"), on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("送信したメンバー"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    subject = models.CharField(_("件名"), max_length=100)
    body = models.TextField(_("本文"), max_length=10_000)
    # The JST day whose cap the batch's sends were counted on (a batch that finishes after midnight
    # still counts on the day it was accepted).
    day = models.DateField(_("送信数を数える日"))
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("案内メッセージの一括送信")
        verbose_name_plural = _("案内メッセージの一括送信")
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="guidance_batch_org_idx"),
            # The sweep's scan: only batches with items still to send.
            models.Index(fields=["created_at"], name="guidance_batch_open_idx",
                         condition=Q(finished_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.subject}"


class GuidanceBatchItem(models.Model):
    """One seeker of a batch. The item's state changes in the same transaction as its message is
    written, so a worker that dies mid-batch leaves each item either sent (its message written) or
    still pending; the unique pairs make a second run send nobody twice. No foreign key to the
    message: the retention purge deletes messages set-based, and a link would make every purge load
    them to clear it (the message is the organisation's only one in that conversation at that time)."""

    class State(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENT = "sent", _("送信済み")
        SKIPPED = "skipped", _("送信せず")

    class Skip(models.TextChoices):
        # One reason for every seeker the organisation may not message now (not visible, blocked,
        # declined, an id that names no one): what the page says must not tell them apart.
        NOT_VISIBLE = "not_visible", _("現在この求職者には送信できません")
        DISCLOSURES = "disclosures", _("団体の記載事項に未記入の項目があるため送信できません")

    batch = models.ForeignKey(GuidanceBatch, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    # The profile's public id as it was ticked: all the progress page names a seeker by.
    public_id = models.CharField(_("公開ID"), max_length=16)
    # None when the id named no profile the organisation could see when the batch was accepted.
    account = models.ForeignKey(SeekerAccount, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("状態"), max_length=8, choices=State.choices, default=State.PENDING)
    skip_reason = models.CharField(_("送信しなかった理由"), max_length=12, choices=Skip.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("一括送信の宛先")
        verbose_name_plural = _("一括送信の宛先")
        ordering = ["batch", "position"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "public_id"], name="guidance_batch_item_unique_id"),
            models.UniqueConstraint(fields=["batch", "account"], name="guidance_batch_item_unique_seeker"),
            models.UniqueConstraint(fields=["batch", "position"], name="guidance_batch_item_unique_position"),
            models.CheckConstraint(
                condition=Q(state="pending", skip_reason="") | Q(state="sent", skip_reason="")
                | Q(state="skipped") & ~Q(skip_reason=""),
                name="guidance_batch_item_reason_iff_skipped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.public_id} {self.state}"
