"""Compliance (SPEC rules 18–21): deletion requests, complaints, violations with their evidence,
correction requests, suspensions and revocations."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.dates import format_day
from messaging.models import Conversation
from organizations.models import Organization
from seekers.models import SeekerAccount


class DeletionRequest(models.Model):
    """削除・廃棄の求め: the organisation must answer with the status of its handling by due_on. One per
    seeker and organisation that saw them (viewed the profile or messaged them), asked by the seeker
    or, at 利用解除 or when the organisation leaves (利用の終了), made as the organisation's disposal
    duty (origin)."""

    class Origin(models.TextChoices):
        SEEKER = "seeker", _("求職者からの依頼")
        REVOCATION = "revocation", _("利用解除による廃棄義務")
        WITHDRAWAL = "withdrawal", _("利用の終了による廃棄義務")

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("やりとり"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="deletion_requests",
    )
    origin = models.CharField(_("依頼の種類"), max_length=10, choices=Origin.choices, default=Origin.SEEKER)
    account = models.ForeignKey(SeekerAccount, verbose_name=_("求職者"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        Organization, verbose_name=_("利用団体"), on_delete=models.CASCADE, related_name="deletion_requests"
    )
    requested_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    due_on = models.DateField(_("回答期限"))
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disposed_on = models.DateField(_("削除・廃棄した日"), null=True, blank=True)
    answer_note = models.TextField(_("対処状況"), blank=True)
    overdue_flagged_at = models.DateTimeField(_("期限超過の検出日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("削除・廃棄の依頼")
        verbose_name_plural = _("削除・廃棄の依頼")
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | (Q(disposed_on__isnull=False) & ~Q(answer_note="")),
                name="deletion_answer_complete",
            ),
            models.UniqueConstraint(fields=["account", "organization"], name="deletion_request_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} / {format_day(self.requested_at)}"


class Complaint(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("受付")
        INVESTIGATING = "investigating", _("調査中")
        DONE = "done", _("対応済み")

    account = models.ForeignKey(SeekerAccount, verbose_name=_("求職者"), on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        Organization, verbose_name=_("利用団体"), on_delete=models.CASCADE, related_name="complaints"
    )
    # SPEC rule 23: the seeker's office (the first five digits of the 求職番号), set when filed by
    # compliance.services.complaint_file; its staff see the complaint (organizations.jurisdiction).
    office_code = models.CharField(_("受付ハローワーク(安定所コード)"), max_length=5, db_index=True, default="",
                                   editable=False)
    conversation = models.ForeignKey(
        Conversation, verbose_name=_("やりとり"), on_delete=models.PROTECT, related_name="complaints"
    )
    body = models.TextField(_("苦情の内容"), max_length=5000)
    status = models.CharField(_("状況"), max_length=14, choices=Status.choices, default=Status.RECEIVED)
    staff_note = models.TextField(_("職員メモ"), blank=True)
    created_at = models.DateTimeField(_("申出日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("苦情申出")
        verbose_name_plural = _("苦情申出")
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return f"{self.organization} {format_day(self.created_at)}"


class Violation(models.Model):
    class Category(models.TextChoices):
        REFUSED_APPLICATION = "refused_application", _("職業安定法違反: 求職の申込みの受理拒否")
        THIRD_PARTY = "third_party", _("職業安定法違反: 第三者への情報提供")
        ADVERTISING = "advertising", _("利用規約違反: 職業紹介と無関係な広告")
        DISPATCH_PUSH = "dispatch_push", _("利用規約違反: 派遣労働者としての登録の働きかけ")
        PAID_WITHOUT_CONSENT = "paid_without_consent", _("利用規約違反: 事前の説明・承諾なしの有料サービス")
        UNFAIR_ACQUISITION = "unfair_acquisition", _("利用規約違反: 虚偽・不正な手段による個人情報の取得")
        NO_DELETION_NOTICE = "no_deletion_notice", _("利用規約違反: 削除・廃棄の求めへの対処状況の通知なし")

    organization = models.ForeignKey(
        Organization, verbose_name=_("利用団体"), on_delete=models.PROTECT, related_name="violations"
    )
    category = models.CharField(_("違反の区分"), max_length=24, choices=Category.choices)
    occurred_on = models.DateField(_("発生日"))
    description = models.TextField(_("内容"))
    confirmed = models.BooleanField(_("違反と確認"), default=False)
    complaints = models.ManyToManyField(Complaint, verbose_name=_("関連する苦情申出"), blank=True)
    conversations = models.ManyToManyField(Conversation, verbose_name=_("証拠のやりとり"), blank=True)
    deletion_request = models.ForeignKey(
        DeletionRequest, verbose_name=_("関連する削除・廃棄の依頼"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("記録した職員"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("違反")
        verbose_name_plural = _("違反")
        ordering = ["-occurred_on", "-id"]
        permissions = [("sanction", _("是正要請・利用停止・利用解除を行う"))]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_category_display()} ({self.occurred_on})"

    @property
    def law(self) -> str:
        return str(_("職業安定法") if self.category in ("refused_application", "third_party") else _("利用規約"))


class CorrectionRequest(models.Model):
    """是正要請, with the organisation's answer."""

    violation = models.ForeignKey(Violation, verbose_name=_("違反"), on_delete=models.PROTECT,
                                  related_name="corrections")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("要請日"))
    due_on = models.DateField(_("回答期限"))
    content = models.TextField(_("要請の内容"))
    answer = models.TextField(_("利用団体の回答"), blank=True)
    answered_on = models.DateField(_("回答日"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("是正要請")
        verbose_name_plural = _("是正要請")
        constraints = [models.CheckConstraint(condition=Q(due_on__gte=F("issued_on")), name="correction_due_after")]

    def __str__(self) -> str:
        return f"{self.organization} {self.issued_on}"


class Suspension(models.Model):
    """利用停止 for a period; it ends by itself (the visibility rule compares dates)."""

    violation = models.ForeignKey(Violation, verbose_name=_("違反"), on_delete=models.PROTECT,
                                  related_name="suspensions")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(_("開始日"))
    ends_on = models.DateField(_("終了日"))
    reason = models.TextField(_("理由"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_processed_at = models.DateTimeField(_("終了処理日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("利用停止")
        verbose_name_plural = _("利用停止")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="suspension_period")]

    def __str__(self) -> str:
        return f"{self.organization} {self.starts_on}〜{self.ends_on}"


class Revocation(models.Model):
    """利用解除: permanent."""

    violation = models.ForeignKey(Violation, verbose_name=_("違反"), on_delete=models.PROTECT,
                                  related_name="revocations")
    organization = models.OneToOneField(Organization, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("理由"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("利用解除日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("利用解除")
        verbose_name_plural = _("利用解除")

    def __str__(self) -> str:
        return f"{self.organization} {format_day(self.created_at)}"


class DataCorrectionRequest(models.Model):
    """訂正等の請求 (個人情報保護法 第34条): the seeker asks Hello Work to correct one field of what it
    holds about them (the application, the identity or the published profile). Staff correct the
    field through the application's own admin (seekers.services.application_save, audited), then
    mark the request 訂正済み; 訂正せず needs the reason shown to the seeker. Not to be confused with
    CorrectionRequest (是正要請 to an organisation)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("受付")
        IN_PROGRESS = "in_progress", _("対応中")
        CORRECTED = "corrected", _("訂正済み")
        NOT_CORRECTED = "not_corrected", _("訂正せず")

    account = models.ForeignKey(SeekerAccount, verbose_name=_("求職者"), on_delete=models.CASCADE,
                                related_name="+")
    # "<part>.<field>", e.g. "identity.address" (compliance.my_data.correctable_fields).
    field = models.CharField(_("訂正を求める項目"), max_length=80)
    requested_value = models.TextField(_("正しい内容"), max_length=2000)
    reason = models.TextField(_("訂正を求める理由"), max_length=2000)
    status = models.CharField(_("状況"), max_length=14, choices=Status.choices, default=Status.RECEIVED)
    answer_reason = models.TextField(_("訂正しない理由"), blank=True,
                                     help_text=_("「訂正せず」のとき必須。求職者にそのまま表示されます。"))
    created_at = models.DateTimeField(_("請求日時"), auto_now_add=True)
    answered_at = models.DateTimeField(_("対応日時"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("訂正等の請求")
        verbose_name_plural = _("訂正等の請求")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="not_corrected") | ~Q(answer_reason=""),
                                   name="data_correction_refusal_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.field} {format_day(self.created_at)}"
