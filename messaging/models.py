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
