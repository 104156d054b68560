from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """One table for the three kinds of people. Seekers sign in with their issued ユーザID (username),
    members of organisations and staff with their email."""

    class Role(models.TextChoices):
        SEEKER = "seeker", _("求職者")
        MEMBER = "member", _("利用団体メンバー")
        STAFF = "staff", _("職員")

    role = models.CharField(_("種別"), max_length=10, choices=Role.choices, default=Role.STAFF)

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")
        constraints = [
            # Only Hello Work / 労働局 staff may ever reach the admin.
            models.CheckConstraint(
                condition=Q(role="staff") | Q(is_staff=False, is_superuser=False),
                name="user_only_staff_role_is_staff",
            ),
            models.UniqueConstraint(
                models.functions.Lower("email"),
                condition=~Q(role="seeker") & ~Q(email=""),
                name="user_member_staff_email_unique",
            ),
        ]


class AuditEvent(models.Model):
    """Every state change made by a service, and every staff read of identity fields. Append-only."""

    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("実行者"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(_("実行者(記録時)"), max_length=200, blank=True)
    verb = models.CharField(_("操作"), max_length=80, db_index=True)
    target_type = models.CharField(_("対象の種類"), max_length=80, blank=True)
    target_id = models.CharField(_("対象ID"), max_length=64, blank=True)
    target_label = models.CharField(_("対象"), max_length=200, blank=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("監査記録")
        verbose_name_plural = _("監査記録")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_label}"


class OutgoingEmail(models.Model):
    """The outbox: mail is written in the same transaction as the change that causes it, then sent by
    Celery. If the broker is down at commit time, the row waits and the periodic sweep sends it."""

    class Kind(models.TextChoices):
        AUTH_KEY = "auth_key", _("ユーザIDと認証キー")
        PASSWORD_RESET_KEY = "password_reset_key", _("パスワード再発行")
        MEMBER_INVITE = "member_invite", _("利用団体メンバー登録(パスワードの設定)")
        EMAIL_CONFIRMATION = "email_confirmation", _("メールアドレスの確認")
        ACCOUNT_NOTICE = "account_notice", _("アカウントに関するお知らせ")
        FIRST_GUIDANCE = "first_guidance", _("最初の案内メッセージの通知")
        PERIOD_END = "period_end", _("利用期間終了のお知らせ")

    # Mails that carry a secret (認証キー, a password or confirmation link): their text is wiped once
    # sent, so the outbox never keeps a usable copy.
    WIPED_AFTER_SENDING = frozenset({Kind.AUTH_KEY, Kind.PASSWORD_RESET_KEY, Kind.MEMBER_INVITE,
                                     Kind.EMAIL_CONFIRMATION})

    created_at = models.DateTimeField(auto_now_add=True)
    to = models.EmailField(_("宛先"))
    subject = models.CharField(_("件名"), max_length=200)
    body = models.TextField(_("本文"))
    html_body = models.TextField(_("HTML本文"), blank=True)
    kind = models.CharField(_("種類"), max_length=50, choices=Kind.choices, db_index=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("送信メール")
        verbose_name_plural = _("送信メール")
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outbox_pending_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"
