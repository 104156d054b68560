from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .terms import CURRENT_TERMS_VERSION

# --- Reference codes (loaded from organizations/data/*.csv by a data migration) ---------------------


class Prefecture(models.Model):
    """都道府県, JIS X 0401. `bit` is the prefecture's place in the region bit sets (code - 1)."""

    code = models.CharField(_("都道府県コード"), max_length=2, primary_key=True)
    name = models.CharField(_("都道府県名"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("都道府県")
        verbose_name_plural = _("都道府県")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def bit(self) -> int:
        return int(self.code) - 1

    @property
    def labour_bureau_name(self) -> str:
        """The prefecture's 都道府県労働局 (one per prefecture, 47): 東京労働局, 北海道労働局, 大阪労働局."""
        name = self.name if self.name == "北海道" else self.name[:-1]
        return f"{name}労働局"


class Municipality(models.Model):
    """市区町村, 全国地方公共団体コード (JIS X 0402, 6 digits with the check digit), from
    organizations/data/municipalities.csv. Shown as code and name (the leaflet's 住所コード)."""

    code = models.CharField(_("全国地方公共団体コード"), max_length=6, primary_key=True)
    prefecture = models.ForeignKey(
        Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT, related_name="municipalities"
    )
    name = models.CharField(_("市区町村名"), max_length=20)
    kana = models.CharField(_("市区町村名(カナ)"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("市区町村")
        verbose_name_plural = _("市区町村")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{6}$"), name="municipality_code_6_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class _GroupedCode(models.Model):
    """A two-level classification: major groups (major is NULL, with a bit position for the bit
    sets) and their medium groups."""

    code = models.CharField(_("コード"), max_length=4, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    major = models.ForeignKey(
        "self", verbose_name=_("大分類"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    bit = models.PositiveSmallIntegerField(_("ビット位置"), null=True, blank=True, unique=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def major_bit(self) -> int:
        return self.bit if self.major_id is None else self.major.bit


class OccupationGroup(_GroupedCode):
    """厚生労働省編職業分類 (2022 revision), 大分類 and 中分類."""

    class Meta(_GroupedCode.Meta):
        verbose_name = _("職業分類")
        verbose_name_plural = _("職業分類")
        constraints = [
            models.CheckConstraint(
                condition=Q(major__isnull=True, bit__isnull=False) | Q(major__isnull=False, bit__isnull=True),
                name="occupation_major_has_bit",
            )
        ]


class IndustryGroup(_GroupedCode):
    """日本標準産業分類, 大分類 (A–T) and 中分類."""

    class Meta(_GroupedCode.Meta):
        verbose_name = _("産業分類")
        verbose_name_plural = _("産業分類")
        constraints = [
            models.CheckConstraint(
                condition=Q(major__isnull=True, bit__isnull=False) | Q(major__isnull=False, bit__isnull=True),
                name="industry_major_has_bit",
            )
        ]


class Qualification(models.Model):
    code = models.CharField(_("免許・資格コード"), max_length=8, primary_key=True)
    name = models.CharField(_("免許・資格名"), max_length=100, unique=True)
    category = models.CharField(_("区分"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("免許・資格")
        verbose_name_plural = _("免許・資格")
        ordering = ["code"]

    def __str__(self) -> str:
        # The leaflet's ㉓ 免許・資格コード: code and name together.
        return f"{self.code} {self.name}"


def bits_of(codes) -> int:
    """The bit set of an iterable of bit positions."""
    value = 0
    for bit in codes:
        value |= 1 << bit
    return value


# The kinds a seeker may choose among in the receive conditions (SPEC rule 7), as bit positions.
KIND_CHOICES_FOR_CONDITIONS = [
    ("agency", ""),
    ("local_gov", ""),
    ("local_gov", "nurse_center"),
    ("local_gov", "welfare_center"),
    ("local_gov", "childcare_center"),
    ("local_gov", "other"),
]


def kind_bit(kind: str, sub_kind: str) -> int:
    key = (kind, sub_kind if kind == "local_gov" else "")
    return 1 << KIND_CHOICES_FOR_CONDITIONS.index(key) if key in KIND_CHOICES_FOR_CONDITIONS else 0


# --- 利用団体 ---------------------------------------------------------------------------------------


class OrganizationStatus(models.TextChoices):
    """Whether an organisation may use the service on a given day (SPEC rules 10 and 20)."""

    ACTIVE = "active", _("承諾済み(利用可)")
    PENDING = "pending", _("未承諾")
    TERMS_PENDING = "terms_pending", _("利用規約への同意待ち")
    EXPIRED = "expired", _("承諾の有効期限切れ")
    SUSPENDED = "suspended", _("利用停止中")
    WITHDRAWN = "withdrawn", _("利用終了(団体からの申出)")
    REVOKED = "revoked", _("利用解除")


# The organisation's status, computed in one place: the instance form (_status_of, behind
# Organization.status) and the queryset form (_status_conditions, behind OrganizationQuerySet) side
# by side, the same tests in the same order; organizations/tests/test_status.py checks that they
# agree over every combination. The order is the precedence: revoked, withdrawn, never approved,
# approval lapsed (approval_until before today), suspended today, the terms in force not accepted.


def _status_of(organization: "Organization", today: date) -> OrganizationStatus:
    if organization.revoked_at is not None:
        return OrganizationStatus.REVOKED
    if organization.withdrawn_at is not None:
        return OrganizationStatus.WITHDRAWN
    if organization.approved_on is None:
        return OrganizationStatus.PENDING
    if organization.approval_until is not None and organization.approval_until < today:
        return OrganizationStatus.EXPIRED
    if (organization.suspended_from is not None and organization.suspended_until is not None
            and organization.suspended_from <= today <= organization.suspended_until):
        return OrganizationStatus.SUSPENDED
    if organization.terms_version < CURRENT_TERMS_VERSION:
        return OrganizationStatus.TERMS_PENDING
    return OrganizationStatus.ACTIVE


def _status_conditions(today: date) -> list[tuple[OrganizationStatus, Q]]:
    """The first condition that holds names the status; an organisation that meets none is active."""
    return [
        (OrganizationStatus.REVOKED, Q(revoked_at__isnull=False)),
        (OrganizationStatus.WITHDRAWN, Q(withdrawn_at__isnull=False)),
        (OrganizationStatus.PENDING, Q(approved_on__isnull=True)),
        (OrganizationStatus.EXPIRED, Q(approval_until__lt=today)),
        (OrganizationStatus.SUSPENDED, Q(suspended_from__lte=today, suspended_until__gte=today)),
        (OrganizationStatus.TERMS_PENDING, Q(terms_version__lt=CURRENT_TERMS_VERSION)),
    ]


def _status_q(status: str, today: date) -> Q:
    earlier = Q()
    for candidate, condition in _status_conditions(today):
        if candidate == status:
            return condition & ~earlier if earlier else condition
        earlier |= condition
    if status != OrganizationStatus.ACTIVE:
        raise ValueError(status)
    return ~earlier


class OrganizationQuerySet(models.QuerySet):
    def with_status(self, today: date) -> "OrganizationQuerySet":
        """Each row annotated with `status_today`, the value Organization.status(today) gives it."""
        return self.annotate(status_today=Case(
            *(When(condition, then=Value(status.value)) for status, condition in _status_conditions(today)),
            default=Value(OrganizationStatus.ACTIVE.value),
            output_field=models.CharField(),
        ))

    def in_status(self, status: str, today: date) -> "OrganizationQuerySet":
        """The organisations whose status(today) is `status`, as a plain filter (no annotation)."""
        return self.filter(_status_q(status, today))

    def active(self, today: date) -> "OrganizationQuerySet":
        return self.in_status(OrganizationStatus.ACTIVE, today)


class Organization(models.Model):
    Status = OrganizationStatus

    class Kind(models.TextChoices):
        AGENCY = "agency", _("民間職業紹介事業者等")
        LOCAL_GOV = "local_gov", _("地方自治体等")

    class SubKind(models.TextChoices):
        NONE = "", _("(なし)")
        NURSE_CENTER = "nurse_center", _("都道府県ナースセンター")
        WELFARE_CENTER = "welfare_center", _("福祉人材センター")
        CHILDCARE_CENTER = "childcare_center", _("保育士・保育所支援センター")
        # Not the prefecture or municipality itself (no 細分) nor one of the three centres above.
        OTHER = "other", _("その他の地方自治体等の機関")

    name = models.CharField(_("団体名"), max_length=200)
    kind = models.CharField(_("種別"), max_length=12, choices=Kind.choices)
    sub_kind = models.CharField(_("細分"), max_length=20, choices=SubKind.choices, blank=True, default="")
    permit_number = models.CharField(
        _("許可・届出番号"), max_length=40, blank=True, help_text=_("例: 13-ユ-123456")
    )
    privacy_mark = models.BooleanField(_("プライバシーマーク取得"), default=False)
    approved_on = models.DateField(_("労働局承諾日"), null=True, blank=True)
    # SPEC rule 23: the 都道府県労働局 that approves and sanctions this organisation (a prefecture;
    # its bureau is Prefecture.labour_bureau_name). Approval needs it (services.organization_approve).
    bureau = models.ForeignKey(
        Prefecture, verbose_name=_("管轄労働局"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("承諾・是正要請・利用停止・利用解除を行う都道府県労働局"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承諾した職員"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # The approval's last day (JST): from the next day the status is EXPIRED. organization_approve sets
    # it (APPROVAL_VALIDITY_YEARS); staff change it through organization_approval_until_set. NULL on
    # an approved organisation means no end (rows made before approvals had one; every approval
    # through the service has one). approval_reminder_sent_for: the approval_until the reminder mail
    # went out for, so it goes once per end date (organizations.services.approval_reminders_send).
    approval_until = models.DateField(_("承諾の有効期限"), null=True, blank=True)
    approval_reminder_sent_for = models.DateField(null=True, blank=True, editable=False)

    # The 利用規約(利用団体用) version its administrator accepted (organizations.terms), with who and
    # when; written only by organization_terms_accept.
    terms_version = models.PositiveSmallIntegerField(_("同意した利用規約の版"), default=0, editable=False)
    terms_accepted_at = models.DateTimeField(_("利用規約への同意日時"), null=True, blank=True, editable=False)
    terms_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("利用規約に同意した管理者"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    # The organisation left the service (its administrator's 利用の終了): permanent, like 利用解除.
    withdrawn_at = models.DateTimeField(_("利用終了日時"), null=True, blank=True, editable=False)

    # What the organisation handles; the bit sets mirror the M2M rows (major groups only) so that
    # a seeker's receive conditions are one cheap expression per row. Kept in step by
    # organizations.services.organization_set_handled.
    regions = models.ManyToManyField(Prefecture, verbose_name=_("取扱地域"), blank=True)
    industries = models.ManyToManyField(
        IndustryGroup, verbose_name=_("取扱業種(産業大分類)"), blank=True, limit_choices_to={"major": None}
    )
    occupations = models.ManyToManyField(
        OccupationGroup, verbose_name=_("取扱職種(職業大分類)"), blank=True, limit_choices_to={"major": None}
    )
    kind_bits = models.BigIntegerField(default=0, editable=False)
    region_bits = models.BigIntegerField(default=0, editable=False)
    industry_bits = models.BigIntegerField(default=0, editable=False)
    occupation_bits = models.BigIntegerField(default=0, editable=False)

    # SPEC rule 12: the mandatory disclosures of the first guidance message (GUIDANCE_DISCLOSURES).
    track_record = models.TextField(_("職業紹介の実績"), blank=True)
    job_openings = models.TextField(_("取り扱っている求人"), blank=True)
    fees = models.TextField(_("職業紹介に関する手数料"), blank=True)
    privacy_officer = models.CharField(_("個人情報管理責任者"), max_length=200, blank=True)
    complaints_officer = models.CharField(_("苦情処理責任者"), max_length=200, blank=True)
    # STEP 6: how a seeker applies to this organisation off the site.
    contact_procedure = models.TextField(_("求職申込みの手続き(連絡方法)"), blank=True)

    # Sanction state, written only by compliance services (SPEC rule 20).
    suspended_from = models.DateField(_("利用停止開始日"), null=True, blank=True)
    suspended_until = models.DateField(_("利用停止終了日"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("利用解除日時"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    # The one list of SPEC rule 12's disclosures, and what approval requires besides (the STEP 6
    # procedure). The approval constraint in Meta spells the same fields for the database.
    GUIDANCE_DISCLOSURES = ("track_record", "job_openings", "fees", "privacy_officer", "complaints_officer")
    APPROVAL_FIELDS = (*GUIDANCE_DISCLOSURES, "contact_procedure")
    # What a first guidance message keeps of the record as it was when sent (SPEC rule 12): the
    # disclosures and who the organisation is (organizations.services.disclosures_snapshot).
    DISCLOSURE_SNAPSHOT = (*GUIDANCE_DISCLOSURES, "name", "permit_number", "privacy_mark")

    class Meta:
        verbose_name = _("利用団体")
        verbose_name_plural = _("利用団体")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="local_gov") | Q(sub_kind=""), name="org_sub_kind_only_for_local_gov"
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True)
                | (
                    ~Q(track_record="")
                    & ~Q(job_openings="")
                    & ~Q(fees="")
                    & ~Q(privacy_officer="")
                    & ~Q(complaints_officer="")
                    & ~Q(contact_procedure="")
                ),
                name="org_approved_has_disclosures",
            ),
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True) | Q(kind="local_gov") | ~Q(permit_number=""),
                name="org_approved_agency_has_permit",
            ),
            models.CheckConstraint(
                condition=Q(suspended_from__isnull=True, suspended_until__isnull=True)
                | Q(suspended_from__isnull=False, suspended_until__isnull=False,
                    suspended_from__lte=F("suspended_until")),
                name="org_suspension_period_valid",
            ),
            models.CheckConstraint(
                condition=Q(approval_until__isnull=True)
                | Q(approved_on__isnull=False, approval_until__gte=F("approved_on")),
                name="org_approval_until_after_approval",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def status(self, today: date | None = None) -> OrganizationStatus:
        """May this organisation use the service on this day (JST, default today): approved, its
        approval not lapsed, neither revoked, withdrawn nor suspended, and the 利用規約 in force
        accepted by its administrator (SPEC rules 10, 20; issue 14). The one function that decides
        whether an organisation may act; the queryset form is
        Organization.objects.with_status(today) / .in_status(status, today) / .active(today)."""
        return _status_of(self, today or timezone.localdate())

    @property
    def kind_bit(self) -> int:
        return kind_bit(self.kind, self.sub_kind)


class Member(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("管理者")
        MEMBER = "member", _("担当者")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("ユーザー"), on_delete=models.CASCADE, related_name="membership"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("利用団体"), on_delete=models.CASCADE, related_name="members"
    )
    role = models.CharField(_("権限"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    display_name = models.CharField(_("担当者名"), max_length=100, blank=True)
    # Set by organizations.services.member_remove. The row stays so that the organisation (and staff)
    # still read what the person did (organizations.selectors.member_audit_events); the user can no
    # longer sign in (is_active False), so nothing else needs to ask.
    removed_at = models.DateTimeField(_("削除日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("メンバー")
        verbose_name_plural = _("メンバー")

    def __str__(self) -> str:
        return f"{self.organization} / {self.display_name or self.user.email}"


# --- Hello Work offices and the staff's place in them (SPEC rule 23) --------------------------------


class Office(models.Model):
    """A Hello Work office (公共職業安定所). Its code is the first five digits of the 求職番号 of the
    applications it takes; its 労働局 is its prefecture's. Loaded from organizations/data/offices.csv."""

    code = models.CharField(_("安定所コード"), max_length=5, primary_key=True,
                            help_text=_("求職番号の先頭5桁"))
    name = models.CharField(_("名称"), max_length=100)
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("労働局(都道府県)"), on_delete=models.PROTECT,
                                   related_name="offices")
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("ハローワーク(公共職業安定所)")
        verbose_name_plural = _("ハローワーク(公共職業安定所)")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{5}$"), name="office_code_five_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StaffPost(models.Model):
    """Where a staff member works, which decides the rows they reach (organizations.jurisdiction):
    an office, a 労働局 (a prefecture), or the whole country."""

    class Level(models.TextChoices):
        OFFICE = "office", _("ハローワーク職員")
        BUREAU = "bureau", _("労働局職員")
        NATIONAL = "national", _("全国の管理者")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("職員"), on_delete=models.CASCADE,
                                related_name="staff_post")
    level = models.CharField(_("所属の種類"), max_length=10, choices=Level.choices)
    office = models.ForeignKey(Office, verbose_name=_("所属ハローワーク"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="staff_posts")
    bureau = models.ForeignKey(Prefecture, verbose_name=_("所属労働局"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("職員の所属")
        verbose_name_plural = _("職員の所属")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="office", office__isnull=False, bureau__isnull=True)
                | Q(level="bureau", office__isnull=True, bureau__isnull=False)
                | Q(level="national", office__isnull=True, bureau__isnull=True),
                name="staff_post_level_matches_place",
            ),
        ]

    def __str__(self) -> str:
        place = self.office or (self.bureau.labour_bureau_name if self.bureau else _("全国"))
        return f"{self.get_level_display()}: {place}"
