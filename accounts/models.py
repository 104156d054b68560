from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .dates import format_moment


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

    class Verb(models.TextChoices):
        """The closed vocabulary of what happened (as Zulip's AuditLogEventType): accounts.audit.audit
        refuses any other value, and the admin's filter shows these labels."""

        # accounts
        USER_EMAIL_CHANGE = "user.email_change", _("メールアドレスの変更")
        # organizations
        ORGANIZATION_CREATE = "organization.create", _("利用団体の登録")
        ORGANIZATION_UPDATE = "organization.update", _("利用団体の変更")
        ORGANIZATION_APPROVE = "organization.approve", _("利用団体の労働局承諾")
        ORGANIZATION_DISCLOSURES_UPDATE = "organization.disclosures_update", _("利用団体の必須記載事項の変更")
        ORGANIZATION_SET_HANDLED = "organization.set_handled", _("取り扱う地域・産業・職業の設定")
        ORGANIZATION_SANCTION_STATE = "organization.sanction_state", _("利用団体の利用停止・利用解除の状態の変更")
        ORGANIZATION_TERMS_ACCEPT = "organization.terms_accept", _("利用団体の利用規約への同意")
        ORGANIZATION_APPROVAL_UNTIL = "organization.approval_until", _("利用団体の承諾の有効期限の変更")
        ORGANIZATION_APPROVAL_REMINDER = "organization.approval_reminder", _("承諾の有効期限のお知らせ(送信)")
        ORGANIZATION_WITHDRAW = "organization.withdraw", _("利用団体の利用の終了(団体からの申出)")
        MEMBER_INVITE = "member.invite", _("利用団体メンバーの登録")
        MEMBER_ROLE_CHANGE = "member.role_change", _("利用団体メンバーの権限の変更")
        MEMBER_REMOVE = "member.remove", _("利用団体メンバーの削除")
        # seekers: the 求職申込 (entered by staff)
        APPLICATION_CREATE = "application.create", _("求職申込の登録")
        APPLICATION_UPDATE = "application.update", _("求職申込の変更")
        APPLICATION_EXTEND = "application.extend", _("利用期間の延長")
        APPLICATION_PROVISION_CHANGE = "application.provision_change", _("提供先区分の変更")
        APPLICATION_PERIODS_END = "application.periods_end", _("利用期間の終了(夜間処理)")
        IDENTITY_LIST = "identity.list", _("求職者の本人情報の一覧表示")
        IDENTITY_VIEW = "identity.view", _("求職者の本人情報の閲覧")
        # seekers: 利用登録, the first login, the account
        SEEKER_REGISTER = "seeker.register", _("利用登録")
        SEEKER_REGISTER_REFUSED = "seeker.register_refused", _("利用登録の拒否")
        SEEKER_REGISTER_LOCKED = "seeker.register_locked", _("利用登録のロック")
        SEEKER_REGISTER_UNLOCK = "seeker.register_unlock", _("利用登録のロック解除")
        SEEKER_USER_ID_REMIND = "seeker.user_id_remind", _("ユーザIDのお知らせの申込み")
        SEEKER_USER_ID_REMIND_LIMITED = "seeker.user_id_remind_limited", _("ユーザIDのお知らせの拒否(回数の上限)")
        SEEKER_AUTH_KEY_REISSUE = "seeker.auth_key_reissue", _("認証キーの再発行")
        SEEKER_AUTH_KEY_REISSUE_REFUSED = "seeker.auth_key_reissue_refused", _("認証キーの再発行の拒否(回数の上限)")
        SEEKER_AUTH_KEY_WRONG = "seeker.auth_key_wrong", _("認証キーの入力誤り")
        SEEKER_FIRST_LOGIN = "seeker.first_login", _("初回ログイン(認証キーの確認)")
        SEEKER_PROFILE_CONFIRM = "seeker.profile_confirm", _("公開前の確認(求職情報の提供開始)")
        SEEKER_STOP = "seeker.stop", _("アカウント利用停止")
        SEEKER_RESUME = "seeker.resume", _("アカウント利用停止の解除")
        SEEKER_CONDITIONS_SET = "seeker.conditions_set", _("メッセージ受信条件の設定")
        SEEKER_BLOCK = "seeker.block", _("利用団体のブロック")
        SEEKER_DISPOSAL = "seeker.disposal", _("削除・廃棄済みの利用団体から求職情報を非公開")
        SEEKER_UNBLOCK = "seeker.unblock", _("利用団体のブロックの解除")
        # seekers: the published profile
        PROFILE_SCREEN = "profile.screen", _("個人を特定できる情報の確認(公開の保留)")
        PROFILE_RELEASE_FIELD = "profile.release_field", _("保留した項目の公開")
        # messaging: one verb for each kind of message
        MESSAGE_GUIDANCE = "message.guidance", _("案内メッセージの送信")
        MESSAGE_GUIDANCE_BATCH = "message.guidance_batch", _("案内メッセージの一括送信の受付")
        MESSAGE_ANSWER = "message.answer", _("回答の送信")
        MESSAGE_PROCEDURE = "message.procedure", _("求職申込みの手続きの送信")
        MESSAGE_QUESTION = "message.question", _("問い合わせの送信")
        MESSAGE_APPLY = "message.apply", _("求職申込み希望の送信")
        MESSAGE_DECLINE = "message.decline", _("辞退")
        # compliance
        DELETION_REQUEST = "deletion.request", _("削除・廃棄の依頼")
        DELETION_ANSWER = "deletion.answer", _("削除・廃棄の依頼への回答")
        DELETION_ANSWER_RECORD = "deletion.answer_record", _("削除・廃棄の回答の記録(職員)")
        DELETION_DISPOSAL_DUTY = "deletion.disposal_duty", _("利用解除による廃棄義務の作成")
        DELETION_OVERDUE_FLAG = "deletion.overdue_flag", _("削除・廃棄の依頼の回答期限超過(夜間処理)")
        COMPLAINT_FILE = "complaint.file", _("苦情の申出")
        COMPLAINT_STATUS = "complaint.status", _("苦情の対応状況の変更")
        MY_DATA_DOWNLOAD = "my_data.download", _("保有個人データの開示(JSONのダウンロード)")
        DATA_CORRECTION_REQUEST = "data_correction.request", _("保有個人データの訂正等の請求")
        DATA_CORRECTION_ANSWER = "data_correction.answer", _("訂正等の請求への対応状況の変更")
        VIOLATION_RECORD = "violation.record", _("違反の記録")
        VIOLATION_UPDATE = "violation.update", _("違反の記録の訂正")
        EVIDENCE_EXPORT = "evidence.export", _("証拠(メッセージ履歴)の出力")
        SANCTION_CORRECTION_REQUEST = "sanction.correction_request", _("是正要請")
        SANCTION_CORRECTION_ANSWER = "sanction.correction_answer", _("是正要請への回答の記録")
        SANCTION_CORRECTION_ORG_ANSWER = "sanction.correction_org_answer", _("是正要請への利用団体の回答")
        SANCTION_SUSPENSION_CHANGE = "sanction.suspension_change", _("利用停止の期間の訂正・早期終了")
        SANCTION_SUSPEND = "sanction.suspend", _("利用団体の利用停止")
        SANCTION_REVOKE = "sanction.revoke", _("利用団体の利用解除")
        SANCTION_SUSPENSIONS_END = "sanction.suspensions_end", _("利用停止期間の終了(夜間処理)")
        RETENTION_ACCESS_END = "retention.access_end", _("利用団体の閲覧の終了(夜間処理)")
        RETENTION_PURGE = "retention.purge", _("保存期間を過ぎたやりとりの削除(夜間処理)")
        # the members' working tools: saved searches (seekers) and guidance templates (messaging)
        SAVED_SEARCH_CREATE = "saved_search.create", _("検索条件の保存")
        SAVED_SEARCH_UPDATE = "saved_search.update", _("保存した検索条件の変更")
        SAVED_SEARCH_DELETE = "saved_search.delete", _("保存した検索条件の削除")
        SAVED_SEARCH_MAIL = "saved_search.mail", _("保存した検索条件の新着のお知らせ(定時処理)")
        GUIDANCE_TEMPLATE_CREATE = "guidance_template.create", _("案内メッセージのテンプレートの作成")
        GUIDANCE_TEMPLATE_UPDATE = "guidance_template.update", _("案内メッセージのテンプレートの変更")
        GUIDANCE_TEMPLATE_DELETE = "guidance_template.delete", _("案内メッセージのテンプレートの削除")

    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("実行者"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(_("実行者(記録時)"), max_length=200, blank=True)
    verb = models.CharField(_("操作"), max_length=80, choices=Verb.choices, db_index=True)
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
        return f"{format_moment(self.created_at)} {self.actor_label} {self.verb} {self.target_label}"


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
        USER_ID_REMINDER = "user_id_reminder", _("ユーザIDのお知らせ")
        SAVED_SEARCH_NEW = "saved_search_new", _("保存した検索条件の新着のお知らせ")
        APPROVAL_REMINDER = "approval_reminder", _("承諾の有効期限のお知らせ")

    # Mails that carry a secret (認証キー, a password or confirmation link): their text is wiped once
    # sent, so the outbox never keeps a usable copy. The ユーザID reminder is kept: a ユーザID is a
    # name, not a credential (it opens nothing without the password, and every page header shows
    # it), and the kept text lets staff answer "which address did it go to, and what did it say".
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
