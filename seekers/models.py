"""The 求職申込 as entered by staff, kept in three separate tables so no screen can leak one part
through another: the application itself, the applicant's identity (never published), and the
published profile (exactly the leaflet's lists (1) and (2), under its own random public id)."""

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.dates import format_moment
from organizations.models import (
    IndustryGroup,
    Member,
    Municipality,
    OccupationGroup,
    Prefecture,
    Qualification,
)

from .search.reidentification import KEY_COLUMNS as REID_KEY_COLUMNS
from .search.reidentification import LISTED_INDEX_CONDITION as REID_LISTED
from .validity import KYUSHOKU_NUMBER_REGEX, validate_kyushoku_number


class JobApplication(models.Model):
    class OptIn(models.TextChoices):
        YES = "yes", _("希望する")
        NO = "no", _("希望しない")
        UNKNOWN = "unknown", _("未確認")

    class Provision(models.IntegerChoices):
        BOTH = 1, _("① 地方自治体等と民間職業紹介事業者等の両方に提供")
        LOCAL_GOV_ONLY = 2, _("② 地方自治体等のみに提供")
        AGENCY_ONLY = 3, _("③ 民間職業紹介事業者等のみに提供")
        NONE = 4, _("④ どちらにも提供しない")

    kyushoku_number = models.CharField(
        _("求職番号"),
        max_length=14,
        unique=True,
        validators=[validate_kyushoku_number],
        help_text=_("安定所番号5桁-一連番号8桁(例: 13010-12345678)"),
    )
    applied_on = models.DateField(_("求職申込日"))
    valid_until = models.DateField(
        _("有効期限"), help_text=_("空欄なら求職申込日の翌々月の末日になります。延長する場合のみ変更します。")
    )
    opt_in = models.CharField(
        _("求職情報提供サービスの利用希望"), max_length=8, choices=OptIn.choices, default=OptIn.UNKNOWN
    )
    # No default (SPEC rule 6): staff choose one of the four with the seeker; the admin form refuses
    # a blank choice (seekers.forms_admin.JobApplicationAdminForm).
    provision = models.PositiveSmallIntegerField(_("提供先区分"), choices=Provision.choices)
    period_ended_at = models.DateTimeField(_("利用期間終了処理日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("求職申込")
        verbose_name_plural = _("求職申込")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kyushoku_number__regex=KYUSHOKU_NUMBER_REGEX), name="application_number_format"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("applied_on")), name="application_valid_after_applied"
            ),
            models.CheckConstraint(condition=Q(provision__gte=1, provision__lte=4), name="application_provision_1_4"),
            models.CheckConstraint(condition=Q(opt_in__in=["yes", "no", "unknown"]), name="application_opt_in_valid"),
        ]

    def __str__(self) -> str:
        return self.kyushoku_number


class ApplicantIdentity(models.Model):
    """Who the applicant is. Never published; only staff see it (and their reads are audited)."""

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")
        UNANSWERED = "unanswered", _("回答しない")

    application = models.OneToOneField(
        JobApplication, primary_key=True, on_delete=models.CASCADE, related_name="identity"
    )
    name = models.CharField(_("氏名"), max_length=100)
    name_kana = models.CharField(_("フリガナ"), max_length=100)
    birth_date = models.DateField(_("生年月日"))
    gender = models.CharField(_("性別"), max_length=12, choices=Gender.choices, default=Gender.UNANSWERED)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=200)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)

    class Meta:
        verbose_name = _("本人情報")
        verbose_name_plural = _("本人情報")
        constraints = [
            models.CheckConstraint(condition=Q(birth_date__gte="1900-01-01"), name="identity_birth_date_sane"),
            models.CheckConstraint(condition=~Q(name=""), name="identity_name_present"),
        ]

    def __str__(self) -> str:
        return str(_("本人情報"))


def new_public_id() -> str:
    return secrets.token_hex(8)


class Profile(models.Model):
    """The published part, what organisations see and search: the leaflet's list (1) 求職申込書 items
    that only it has (③④⑩⑪⑬–㉓) and the whole list (2) 求職公開申込書 ①–⑬. The items of list (2)
    that repeat list (1) (①–⑧: 希望する仕事, 希望勤務時間, 希望勤務地, 希望収入, 希望休日, 週休二日制,
    派遣・請負の可否) hold the PUBLISHED values here, which the seeker may choose to differ from the
    求職申込書's own values (ApplicationSheet, never shown to organisations); a blank one is taken from
    the 求職申込書 by seekers.services.application_save. 希望勤務地 is up to three DesiredPlace rows;
    desired_prefecture is the first one's prefecture, kept in step by the same service."""

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", _("フルタイム")
        PART_TIME = "part_time", _("パートタイム")
        EITHER = "either", _("どちらでも")

    class Wish(models.TextChoices):
        YES = "yes", _("希望する")
        NO = "no", _("希望しない")
        ANY = "any", _("こだわらない")

    class Turn(models.TextChoices):
        NONE = "", _("希望なし")
        U = "u", _("Uターン希望")
        I = "i", _("Iターン希望")  # noqa: E741

    application = models.OneToOneField(
        JobApplication, primary_key=True, on_delete=models.CASCADE, related_name="profile"
    )
    public_id = models.CharField(_("公開ID"), max_length=16, unique=True, default=new_public_id, editable=False)

    # (1) 求職申込書
    desired_job = models.CharField(_("希望する仕事"), max_length=200)
    desired_hours = models.CharField(_("希望勤務時間"), max_length=200, blank=True)
    employment_type = models.CharField(
        _("希望就業形態"), max_length=10, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    wants_regular = models.CharField(_("正社員希望"), max_length=3, choices=Wish.choices, default=Wish.ANY)
    dispatch_ok = models.BooleanField(_("派遣の可否"), default=False, help_text=_("チェックで「可」"))
    contract_ok = models.BooleanField(_("請負の可否"), default=False, help_text=_("チェックで「可」"))
    desired_holidays = models.CharField(_("希望休日"), max_length=200, blank=True)
    two_day_weekend = models.CharField(
        _("週休二日制の希望"), max_length=3, choices=Wish.choices, default=Wish.ANY
    )
    desired_prefecture = models.ForeignKey(
        Prefecture, verbose_name=_("希望勤務地(都道府県)"), on_delete=models.PROTECT, related_name="+",
        help_text=_("第1希望の都道府県(希望勤務地から自動で設定されます)"),
    )
    desired_location = models.CharField(_("希望勤務地"), max_length=200, blank=True)
    commute_method = models.CharField(_("通勤方法"), max_length=100, blank=True)
    commute_limit_minutes = models.PositiveSmallIntegerField(_("通勤時間の限度(分)"), null=True, blank=True)
    relocation_ok = models.BooleanField(_("転居の可否"), default=False, help_text=_("チェックで「可」"))
    car_commute = models.BooleanField(_("マイカー通勤希望"), default=False)
    desired_monthly_income = models.PositiveIntegerField(_("希望月収(円)"), null=True, blank=True)
    desired_hourly_wage = models.PositiveIntegerField(_("希望時間額(円)"), null=True, blank=True)
    other_conditions = models.TextField(_("条件・その他の希望"), blank=True)
    education = models.TextField(_("学歴・訓練等受講歴"), blank=True)
    has_driving_license = models.BooleanField(_("自動車免許の有無"), default=False)
    licenses_skills = models.TextField(_("免許・資格・特技"), blank=True)
    main_experience = models.TextField(_("経験した主な仕事"), blank=True)
    last_monthly_income = models.PositiveIntegerField(_("退職時(現在)の税込み月収(円)"), null=True, blank=True)
    planned_occupations = models.ManyToManyField(
        OccupationGroup, verbose_name=_("あっせんを予定する職業の職業分類"), blank=True, related_name="+"
    )
    planned_industries = models.ManyToManyField(
        IndustryGroup, verbose_name=_("あっせんを予定する産業の産業分類"), blank=True, related_name="+"
    )
    # ㉑ 広域就業希望地(住所コード): whole prefectures, municipalities, or both.
    wide_area_prefectures = models.ManyToManyField(
        Prefecture, verbose_name=_("広域就業希望地(都道府県の住所コード)"), blank=True, related_name="+"
    )
    wide_area_municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("広域就業希望地(市区町村の住所コード)"), blank=True, related_name="+"
    )
    u_i_turn = models.CharField(_("Uターン・Iターン希望"), max_length=1, choices=Turn.choices, blank=True, default="")
    qualifications = models.ManyToManyField(
        Qualification, verbose_name=_("免許・資格コード"), blank=True, related_name="+"
    )

    # (2) 求職公開申込書, the items not already above
    overseas_ok = models.BooleanField(_("海外勤務の可否"), default=False, help_text=_("チェックで「可」"))
    expertise = models.TextField(_("専門知識・技術・能力の内容"), blank=True)
    appeal_points = models.TextField(_("アピールポイント"), blank=True)
    appeal_experience = models.TextField(_("アピールしたい仕事の経験"), blank=True)
    special_notes = models.TextField(_("その他特記事項"), blank=True)

    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)

    # The application/account half of the visibility rule, copied here so that a search is one
    # table scan with no per-row joins (measured: bench_search). listed_until is the application's
    # 有効期限 while the seeker is reachable (SeekerAccount.reachability), opted in and published, else
    # NULL; listed_provision is its 提供先区分. Written only by seekers.search.listing.profile_sync_listing,
    # which every service that changes those inputs calls in its transaction.
    listed_until = models.DateField(_("公開期限"), null=True, blank=True, editable=False)
    listed_provision = models.PositiveSmallIntegerField(default=4, editable=False)

    # メッセージ受信条件 (SPEC rule 7, Q1): which organisations may see this profile, as bit sets over
    # what organisations handle (0 = no restriction). Matched against Organization.*_bits with one
    # `&` per clause; written only by seekers.services.conditions_set.
    cond_kind_bits = models.BigIntegerField(_("受信する団体の種別"), default=0)
    cond_region_bits = models.BigIntegerField(_("受信条件: 地域"), default=0)
    cond_industry_bits = models.BigIntegerField(_("受信条件: 業種"), default=0)
    cond_occupation_bits = models.BigIntegerField(_("受信条件: 職種"), default=0)
    cond_privacy_mark = models.BooleanField(_("プライバシーマーク取得団体に限る"), default=False)

    # PII guard (SPEC rule 15): free-text fields withheld from organisations until staff review them,
    # {field: [reason, ...]}; pii_reviewed holds {field: hash of the text staff released}.
    withheld = models.JSONField(_("非公開にしている項目"), default=dict, blank=True)
    pii_reviewed = models.JSONField(default=dict, blank=True, editable=False)
    # The released free text, normalised, for the keyword search, and the filterable values as
    # tokens (seekers.search.facets); both rebuilt by seekers.services.profile_screen.
    search_text = models.TextField(blank=True, editable=False)
    facets = models.TextField(blank=True, editable=False)
    # The re-identification warning (seekers.search.reidentification): 64-bit keys of the profile's
    # combination of quasi-identifiers, whole and with each one left out, rebuilt with the facets by
    # seekers.services.profile_screen; counted over the listed profiles through partial indexes.
    reid_key = models.BigIntegerField(null=True, editable=False)
    reid_key_no_prefecture = models.BigIntegerField(null=True, editable=False)
    reid_key_no_occupations = models.BigIntegerField(null=True, editable=False)
    reid_key_no_qualifications = models.BigIntegerField(null=True, editable=False)
    reid_key_no_education = models.BigIntegerField(null=True, editable=False)
    reid_key_no_income = models.BigIntegerField(null=True, editable=False)

    class Meta:
        verbose_name = _("公開求職情報")
        verbose_name_plural = _("公開求職情報")
        # Newest-first keyset paging over listed profiles, plus narrow partial indexes for the
        # search filters that select few rows, so a capped count never walks the whole table.
        indexes = [
            models.Index(F("published_at").desc(), F("public_id").desc(), name="profile_newest_idx",
                         condition=Q(listed_until__isnull=False)),
            models.Index(F("desired_prefecture"), F("published_at").desc(), name="profile_pref_newest_idx",
                         condition=Q(listed_until__isnull=False)),
            models.Index(F("published_at").desc(), name="profile_overseas_idx",
                         condition=Q(listed_until__isnull=False, overseas_ok=True)),
            models.Index(F("published_at").desc(), name="profile_relocation_idx",
                         condition=Q(listed_until__isnull=False, relocation_ok=True)),
            models.Index(F("published_at").desc(), name="profile_contract_idx",
                         condition=Q(listed_until__isnull=False, contract_ok=True)),
            models.Index(F("published_at").desc(), name="profile_ui_turn_idx",
                         condition=Q(listed_until__isnull=False) & ~Q(u_i_turn="")),
            # The re-identification counts: profile_reid<i>_idx for the i-th of reidentification.KEY_COLUMNS.
            # `<key> IS NOT NULL` in the condition: the check's `<key> = value` implies it, a search does
            # not, so a search never reads one of them as a bitmap of every listed profile.
            *(models.Index(fields=[column, "listed_until"], name=f"profile_reid{i}_idx",
                           condition=REID_LISTED & Q(**{f"{column}__isnull": False}))
              for i, column in enumerate(REID_KEY_COLUMNS)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_monthly_income__isnull=True) | Q(desired_monthly_income__lte=10_000_000),
                name="profile_monthly_income_sane",
            ),
            models.CheckConstraint(
                condition=Q(commute_limit_minutes__isnull=True) | Q(commute_limit_minutes__lte=600),
                name="profile_commute_limit_sane",
            ),
        ]

    FREE_TEXT_FIELDS = (
        "desired_job", "desired_hours", "desired_holidays", "desired_location", "commute_method",
        "other_conditions", "education", "licenses_skills", "main_experience", "expertise", "appeal_points",
        "appeal_experience", "special_notes",
    )

    def __str__(self) -> str:
        return f"{_('公開求職情報')} {self.public_id}"


LISTING_COPIED = (  # Profile's columns a ListingFacet row copies
    "published_at", "public_id", "listed_until", "listed_provision", "cond_kind_bits", "cond_region_bits",
    "cond_industry_bits", "cond_occupation_bits", "cond_privacy_mark", "employment_type", "wants_regular",
    "dispatch_ok", "contract_ok", "relocation_ok", "desired_monthly_income",
)


class _ListingCopy(models.Model):
    """The columns of Profile that both narrow listings copy (LISTING_COPIED, in the same order): what
    the search's column filters and the visibility rule read. Written only by their trigger."""

    published_at = models.DateTimeField()
    public_id = models.CharField(max_length=16)
    listed_until = models.DateField()
    listed_provision = models.PositiveSmallIntegerField()
    cond_kind_bits = models.BigIntegerField()
    cond_region_bits = models.BigIntegerField()
    cond_industry_bits = models.BigIntegerField()
    cond_occupation_bits = models.BigIntegerField()
    cond_privacy_mark = models.BooleanField()
    employment_type = models.CharField(max_length=10)
    wants_regular = models.CharField(max_length=3)
    dispatch_ok = models.BooleanField()
    contract_ok = models.BooleanField()
    relocation_ok = models.BooleanField()
    desired_monthly_income = models.PositiveIntegerField(null=True)

    class Meta:
        abstract = True


class ListingFacet(_ListingCopy):
    """The search's narrow listing (issue 15): one row per listed profile (listed_until and published_at
    set) and driving token — its facet tokens of migration 0016's FACET_TOKEN (prefecture, municipality,
    occupation, qualification, 海外, U/I ターン) and one per 派遣・請負・転居 flag set — carrying a copy of
    every column the search's filters and the visibility rule read. Its index (token, newest first)
    holds them all, so a search's page and its capped count walk one token's rows in page order and stop
    at the page's end or the 1,001st match without visiting a heap page (bench_search).

    Written only by the PostgreSQL trigger of migrations seekers 0016–0019 (seekers_listing_facets_sync),
    in the statement that writes the profile, whatever writes it; elsewhere the table stays empty and
    the search reads the profile table (seekers.search.narrow)."""

    pk = models.CompositePrimaryKey("profile", "token")
    profile = models.ForeignKey(Profile, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                related_name="+")
    token = models.CharField(max_length=16)
    # Profile.facets with a space either side, so a token is tested as LIKE '% token %'.
    facets = models.TextField()
    # The text signature of Profile.search_text, 128 bits in two (seekers.search.keywords.text_signature,
    # computed here by migration 0018's seekers_text_sig): a keyword's pieces must all be in it.
    text_sig_lo = models.BigIntegerField()
    text_sig_hi = models.BigIntegerField()
    # Profile.search_text on the rows a keyword search drives on ('all', a prefecture alone) when short
    # enough for the index (migration 0019's INLINE_MAX_BYTES), else NULL: there the keyword's substring
    # test reads it inside the index; elsewhere it reads ListingText.
    search_text = models.TextField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["token", "-published_at", "-public_id"], name="listingfacet_newest_idx",
                include=["profile", *LISTING_COPIED[2:], "facets", "text_sig_lo", "text_sig_hi", "search_text"],
            ),
            # The `all` rows again with only what the visibility rule and a keyword test: the walk of a
            # keyword (or of no filter) reads fewer columns of each row and compares no token
            # (seekers.search.narrow.ALL_TOKEN; the figures in the README, bench_search).
            models.Index(
                fields=["-published_at", "-public_id"], name="listingfacet_all_idx",
                condition=models.Q(token="all"),  # noqa: S106 - a listing token, not a secret
                include=["profile", *LISTING_COPIED[2:9], "text_sig_lo", "text_sig_hi", "search_text"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.token} {self.public_id}"


class ListingText(models.Model):
    """The released text (Profile.search_text) of each listed profile (listed_until and published_at set),
    in a table of nothing else, for the keyword's substring test (issue 15): a search reads it by primary
    key only for the listing rows whose text signature admits the keyword (seekers.search.narrow), and
    its narrow rows cost fewer pages to visit than the profile's. Written only by the trigger of
    migrations seekers 0017/0018, with ListingFacet."""

    profile = models.OneToOneField(Profile, primary_key=True, on_delete=models.DO_NOTHING, db_constraint=False,
                                   related_name="+")
    search_text = models.TextField()

    def __str__(self) -> str:
        return str(self.profile_id)


class ApplicationSheet(models.Model):
    """The 求職申込書's own values of the items that the 求職公開申込書 repeats (list (1) ①②⑤⑥⑦⑧⑨⑫ =
    list (2) ①–⑧), as staff took them down at the application. Never shown to organisations: they
    see the published values on Profile, which start as a copy of these (application_save fills a
    blank published value from here) and may then differ."""

    application = models.OneToOneField(
        JobApplication, primary_key=True, on_delete=models.CASCADE, related_name="sheet"
    )
    desired_job = models.CharField(_("希望する仕事"), max_length=200)
    desired_hours = models.CharField(_("希望勤務時間"), max_length=200, blank=True)
    dispatch_ok = models.BooleanField(_("派遣の可否"), default=False, help_text=_("チェックで「可」"))
    contract_ok = models.BooleanField(_("請負の可否"), default=False, help_text=_("チェックで「可」"))
    desired_holidays = models.CharField(_("希望休日"), max_length=200, blank=True)
    two_day_weekend = models.CharField(
        _("週休二日制の希望"), max_length=3, choices=Profile.Wish.choices, default=Profile.Wish.ANY
    )
    desired_prefecture = models.ForeignKey(
        Prefecture, verbose_name=_("希望勤務地(都道府県)"), on_delete=models.PROTECT, related_name="+"
    )
    desired_municipality = models.ForeignKey(
        Municipality, verbose_name=_("希望勤務地(市区町村)"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True,
    )
    desired_location = models.CharField(_("希望勤務地"), max_length=200, blank=True)
    commute_method = models.CharField(_("通勤方法"), max_length=100, blank=True)
    commute_limit_minutes = models.PositiveSmallIntegerField(_("通勤時間の限度(分)"), null=True, blank=True)
    desired_monthly_income = models.PositiveIntegerField(_("希望月収(円)"), null=True, blank=True)
    desired_hourly_wage = models.PositiveIntegerField(_("希望時間額(円)"), null=True, blank=True)

    # The Profile fields that publish these items, field for field (希望勤務地 aside: DesiredPlace).
    PUBLISHED_AS = ("desired_job", "desired_hours", "dispatch_ok", "contract_ok", "desired_holidays",
                    "two_day_weekend", "desired_location", "commute_method", "commute_limit_minutes",
                    "desired_monthly_income", "desired_hourly_wage")

    class Meta:
        verbose_name = _("求職申込書の希望条件")
        verbose_name_plural = _("求職申込書の希望条件")

    def __str__(self) -> str:
        return str(_("求職申込書の希望条件"))


# The profile's many-to-many items of list (1) (⑲ ⑳ ㉑ ㉓): what staff enter (application_save), what
# the presenters show, and what every reader of a whole profile prefetches (profile_prefetches).
PROFILE_RELATIONS = ("planned_occupations", "planned_industries", "wide_area_prefectures",
                     "wide_area_municipalities", "qualifications")


def profile_prefetches(prefix: str = "") -> list:
    """Everything a profile's rows read, one query each: the many-to-many items (a municipality with
    its prefecture, for the name "東京都千代田区") and the 希望勤務地. `prefix` is the path to the
    profile ("application__profile__") when the query starts elsewhere."""
    return [
        *(prefix + name for name in PROFILE_RELATIONS if name != "wide_area_municipalities"),
        models.Prefetch(prefix + "wide_area_municipalities",
                        queryset=Municipality.objects.select_related("prefecture")),
        places_prefetch(prefix),
    ]


def places_prefetch(prefix: str = ""):
    """The 希望勤務地 with their prefecture and municipality in one query, for prefetch_related: what
    the presenters and the re-identification key read."""
    return models.Prefetch(prefix + "places",
                           queryset=DesiredPlace.objects.select_related("prefecture", "municipality"))


class DesiredPlace(models.Model):
    """One 希望勤務地 of the 求職公開申込書 (list (2) ③): a prefecture and optionally one of its
    municipalities, at most three per profile, in the seeker's order (1 = 第1希望). Written only by
    seekers.services.application_save; the admin form checks the shape with Japanese messages."""

    MAX = 3

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="places")
    position = models.PositiveSmallIntegerField(_("順位"))
    prefecture = models.ForeignKey(Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("市区町村"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("希望勤務地")
        verbose_name_plural = _("希望勤務地")
        ordering = ["profile", "position"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "position"], name="place_position_unique"),
            models.CheckConstraint(condition=Q(position__gte=1, position__lte=3), name="place_position_1_3"),
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self) -> str:
        """The place as organisations see it, with its 住所コード: "13 東京都 / 131016 千代田区"."""
        text = f"{self.prefecture.code} {self.prefecture.name}"
        if self.municipality_id:
            text += f" / {self.municipality.code} {self.municipality.name}"
        return text


class Reachability(models.TextChoices):
    """Whether organisations can reach a seeker on a given day (SPEC rules 5, 9, 10)."""

    REACHABLE = "reachable", _("利用中")
    NOT_STARTED = "not_started", _("初回ログイン前")
    NOT_CONFIRMED = "not_confirmed", _("公開前の確認待ち")
    STOPPED = "stopped", _("利用停止中")
    PERIOD_ENDED = "period_ended", _("利用期間終了")


# The seeker's reachability, computed in one place: registered (an account exists), started (the
# first login), the profile reviewed and confirmed by the seeker (SPEC rule 15), not stopped, and the period (the application's 有効期限) not ended. The instance form
# (_reachability_of, behind SeekerAccount.reachability) and the queryset form (_reachable_q, behind
# SeekerAccount.objects.reachable) side by side; seekers/tests/test_reachability.py checks that they
# agree. Callers: the listing sync, messaging, compliance's sweeps and the login refusal.


def _reachability_of(account: "SeekerAccount", today: date) -> Reachability:
    if account.stopped_at is not None:
        return Reachability.STOPPED
    if account.application.valid_until < today:
        return Reachability.PERIOD_ENDED
    if account.first_login_at is None:
        return Reachability.NOT_STARTED
    if account.profile_confirmed_at is None:
        return Reachability.NOT_CONFIRMED
    return Reachability.REACHABLE


def _reachable_q(today: date, prefix: str = "") -> Q:
    p = prefix
    return Q(**{
        f"{p}stopped_at__isnull": True,
        f"{p}application__valid_until__gte": today,
        f"{p}first_login_at__isnull": False,
        f"{p}profile_confirmed_at__isnull": False,
    })


class SeekerAccountQuerySet(models.QuerySet):
    def reachable(self, today: date) -> "SeekerAccountQuerySet":
        """The accounts whose reachability(today) is REACHABLE."""
        return self.filter(_reachable_q(today))


class SeekerAccount(models.Model):
    """The site account made at 利用登録: one per application (SPEC rule 2)."""

    Reachability = Reachability

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seeker_account")
    application = models.OneToOneField(
        JobApplication, verbose_name=_("求職申込"), on_delete=models.PROTECT, related_name="account"
    )
    terms_version = models.CharField(_("同意した利用規約の版"), max_length=20)
    terms_agreed_at = models.DateTimeField(_("利用規約への同意日時"))
    registered_at = models.DateTimeField(_("利用登録日時"), auto_now_add=True)
    first_login_at = models.DateTimeField(_("初回ログイン日時"), null=True, blank=True)
    # When the seeker confirmed, on the review page after the first login, that the profile as
    # organisations see it holds nothing identifying (SPEC rule 15); provision starts only then.
    # Written only by seekers.services.profile_review_confirm.
    profile_confirmed_at = models.DateTimeField(_("公開前の確認日時"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("利用停止日時"), null=True, blank=True)

    objects = SeekerAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("求職者アカウント")
        verbose_name_plural = _("求職者アカウント")
        constraints = [
            # The review page comes after the 認証キー: no confirmation without a first login.
            models.CheckConstraint(
                condition=Q(profile_confirmed_at__isnull=True) | Q(first_login_at__isnull=False),
                name="account_confirmed_after_first_login",
            ),
        ]

    def __str__(self) -> str:
        return self.user.get_username()

    def reachability(self, today: date) -> Reachability:
        """Can organisations reach this seeker on this day (JST)? The queryset form is
        SeekerAccount.objects.reachable(today)."""
        return _reachability_of(self, today)

    @property
    def read_only(self) -> bool:
        """After アカウント利用停止 (SPEC rule 9) the seeker keeps a read-only site: they sign in and read
        their conversations, deletion requests, complaints and data, and nothing can be sent or
        changed (replies, 求職申込み希望, 辞退, blocks, receive conditions). The one place that says
        so: the services refuse with seekers.services.SeekerReadOnly, and the pages read it."""
        return self.stopped_at is not None

    @staticmethod
    def reachable_q(today: date, *, through: str) -> Q:
        """SeekerAccount.objects.reachable(today) for another model's rows, `through` naming the
        account (e.g. "account" from a conversation): a join rather than an IN subquery, so a list
        page keeps its index plan."""
        return _reachable_q(today, prefix=f"{through}__")


class AuthKey(models.Model):
    """認証キー for the first login (SPEC rule 3): stored hashed, single use, 30 minutes, 5 tries."""

    account = models.ForeignKey(SeekerAccount, on_delete=models.CASCADE, related_name="auth_keys")
    key_hash = models.CharField(max_length=128)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    failed_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("認証キー")
        verbose_name_plural = _("認証キー")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("issued_at")), name="authkey_expires_after_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {format_moment(self.issued_at)}"


class Block(models.Model):
    """A seeker's block of one organisation (SPEC rule 8): it can neither see nor message them."""

    account = models.ForeignKey(SeekerAccount, on_delete=models.CASCADE, related_name="blocks")
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("利用団体"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("ブロックした日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("ブロック")
        verbose_name_plural = _("ブロック")
        constraints = [models.UniqueConstraint(fields=["account", "organization"], name="block_unique")]

    def __str__(self) -> str:
        return f"{self.account} ✕ {self.organization}"


class Disposal(models.Model):
    """An organisation answered a 削除・廃棄 request from this seeker (SPEC rule 18): it no longer sees
    them, like a block but not the seeker's to undo. Written by compliance through
    seekers.services.disposal_record; read by the visibility rule (seekers.search.visibility)."""

    account = models.ForeignKey(SeekerAccount, on_delete=models.CASCADE, related_name="disposals")
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("利用団体"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("削除・廃棄の回答日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("削除・廃棄済みの利用団体")
        verbose_name_plural = _("削除・廃棄済みの利用団体")
        constraints = [models.UniqueConstraint(fields=["account", "organization"], name="disposal_unique")]

    def __str__(self) -> str:
        return f"{self.account} / {self.organization}"


class ProfileView(models.Model):
    """Every view of a profile by an organisation member (who, which organisation, when)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="views")
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("利用団体"), on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("閲覧したメンバー"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    viewed_at = models.DateTimeField(_("閲覧日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("閲覧記録")
        verbose_name_plural = _("閲覧記録")
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["profile", "-viewed_at"], name="profileview_profile_idx")]

    def __str__(self) -> str:
        return f"{self.organization} {format_moment(self.viewed_at)}"


class RegistrationRefusal(models.TextChoices):
    """Why a 利用登録 was refused: recorded for staff in the audit event, never shown to the person
    at the screen, who reads one message whatever the reason (SPEC rule 1)."""

    UNKNOWN_NUMBER = "unknown_number", _("求職番号が見つからない")
    WRONG_BIRTH_DATE = "wrong_birth_date", _("生年月日が一致しない")
    NOT_ELIGIBLE = "not_eligible", _("登録できる求職申込ではない")
    EMAIL_MISMATCH = "email_mismatch", _("ハローワークに届け出たメールアドレスと一致しない")
    LOCKED = "locked", _("求職番号がロック中")
    ADDRESS_LIMIT = "address_limit", _("接続元からの失敗が多すぎる")


class RegistrationGuard(models.Model):
    """Self-service 利用登録 attempts refused for one typed 求職番号, and its lock (the birth date must
    not be guessable: REGISTRATION_FAILURES_PER_DAY refusals within a day lock the number for
    REGISTRATION_LOCK_HOURS).

    A row in the database rather than a cache counter or a count of audit events: a cache flush or a
    restart must not hand out fresh guesses; staff see the count and lift a lock in admin; and the
    check and the count are one row locked with select_for_update, so parallel attempts for one
    number wait for each other instead of all passing the check before any is counted. Counting the
    append-only audit log would mean scanning it by a JSON field on every attempt, and a lock could
    not be lifted without deleting evidence (the refusals stay there as audit events).

    Keyed by the number as typed (after the form's normalisation), whether or not an application has
    it, so an unknown number is handled exactly like a known one."""

    kyushoku_number = models.CharField(_("求職番号"), max_length=14, unique=True)
    failures = models.PositiveSmallIntegerField(_("失敗回数"), default=0)
    window_started_at = models.DateTimeField(_("数え始めた日時"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("最後に失敗した日時"), null=True, blank=True)
    locked_until = models.DateTimeField(_("ロック期限"), null=True, blank=True)

    class Meta:
        verbose_name = _("利用登録の試行制限")
        verbose_name_plural = _("利用登録の試行制限")
        ordering = ["-last_failure_at", "-id"]
        indexes = [
            models.Index(fields=["-locked_until"], name="registration_guard_locked_idx",
                         condition=Q(locked_until__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.kyushoku_number

    def is_locked(self, now) -> bool:
        return self.locked_until is not None and now < self.locked_until


class SavedSearch(models.Model):
    """A member's search kept under a name (issue 16): the search form's own query, read back through
    seekers.forms.SearchForm whenever it is used, so a saved search filters exactly as the search page
    does (seekers.search.saved). "New" is a profile published after the member last opened it; the
    optional daily mail at `mail_hour` (JST) says how many, never who (seekers.services.saved_searches_mail)."""

    member = models.ForeignKey(Member, verbose_name=_("メンバー"), on_delete=models.CASCADE,
                               related_name="saved_searches")
    name = models.CharField(_("名前"), max_length=50)
    # {search form field: value as typed in the query string}, only the fields that were set.
    query = models.JSONField(_("検索条件"), default=dict, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    last_looked_at = models.DateTimeField(_("最後に開いた日時"))
    mail_hour = models.PositiveSmallIntegerField(_("新着のお知らせメールの時刻"), null=True, blank=True,
                                                 help_text=_("日本時間。空欄ならメールは送りません。"))
    # The JST day of the last daily run that handled this row: the claim that makes the mail once a day.
    last_mailed_on = models.DateField(null=True, blank=True, editable=False)
    last_mailed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("保存した検索条件")
        verbose_name_plural = _("保存した検索条件")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "name"], name="saved_search_unique_name"),
            models.CheckConstraint(condition=Q(mail_hour__isnull=True) | Q(mail_hour__lte=23),
                                   name="saved_search_mail_hour_of_day"),
        ]
        indexes = [
            models.Index(fields=["mail_hour"], name="saved_search_mail_hour_idx", condition=Q(mail_hour__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.name
