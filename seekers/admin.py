from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.service_admin import IdentityReadsAudited, ServiceAdminMixin, StaffInputMixin, shown_as

from . import selectors, services
from .forms_admin import (
    ApplicantIdentityAdminForm,
    ApplicationSheetAdminForm,
    JobApplicationAdminForm,
    ProfileAdminForm,
)
from .models import (
    ApplicantIdentity,
    ApplicationSheet,
    AuthKey,
    Block,
    JobApplication,
    Profile,
    ProfileView,
    RegistrationGuard,
    SeekerAccount,
)
from .search.reidentification import reidentification_check

LIST1 = _("求職申込書の情報(公開対象) (1) ③④⑩⑪⑬〜㉓")
LIST2 = _("求職公開申込書の情報(公開対象) (2) ⑨〜⑬")
LIST2_SHARED = _("求職公開申込書 (2) ①〜⑧ (公開する値。空欄は求職申込書と同じ)")


class IdentityInline(StaffInputMixin, admin.StackedInline):
    model = ApplicantIdentity
    form = ApplicantIdentityAdminForm
    can_delete = False
    min_num = 1
    max_num = 1
    verbose_name = _("求職申込書: 本人情報(非公開)")
    verbose_name_plural = verbose_name
    fields = (("name", "name_kana"), ("birth_date", "gender"), ("postal_code", "address"), ("phone", "email"))


class ApplicationSheetInline(StaffInputMixin, admin.StackedInline):
    """The 求職申込書's own values of the items the 求職公開申込書 repeats: staff only, never published."""

    model = ApplicationSheet
    form = ApplicationSheetAdminForm
    can_delete = False
    min_num = 1
    max_num = 1
    verbose_name = _("求職申込書: 希望条件 (1) ①②⑤〜⑨⑫ (非公開。公開する値は求職公開申込書の欄)")
    verbose_name_plural = verbose_name
    fields = (
        "desired_job", "desired_hours", ("dispatch_ok", "contract_ok"), ("desired_holidays", "two_day_weekend"),
        ("desired_prefecture", "desired_municipality"), "desired_location", ("commute_method", "commute_limit_minutes"),
        ("desired_monthly_income", "desired_hourly_wage"),
    )


class ProfileInline(StaffInputMixin, admin.StackedInline):
    model = Profile
    form = ProfileAdminForm
    can_delete = False
    min_num = 1
    max_num = 1
    verbose_name = _("公開される求職情報")
    verbose_name_plural = verbose_name
    filter_horizontal = ("planned_occupations", "planned_industries", "wide_area_prefectures", "qualifications")
    readonly_fields = ("public_id", "published_at", "reidentification")
    fieldsets = (
        (
            LIST1,
            {
                "fields": (
                    ("employment_type", "wants_regular"),
                    ("relocation_ok", "car_commute"),
                    "other_conditions",
                    "education",
                    "has_driving_license",
                    "licenses_skills",
                    "main_experience",
                    "last_monthly_income",
                    "planned_occupations",
                    "planned_industries",
                    "wide_area_prefectures",
                    "wide_area_municipalities",
                    "u_i_turn",
                    "qualifications",
                )
            },
        ),
        (
            LIST2_SHARED,
            {
                "fields": (
                    "desired_job",
                    "desired_hours",
                    ("place1_prefecture", "place1_municipality"),
                    ("place2_prefecture", "place2_municipality"),
                    ("place3_prefecture", "place3_municipality"),
                    "desired_location",
                    ("commute_method", "commute_limit_minutes"),
                    ("desired_monthly_income", "desired_hourly_wage"),
                    ("desired_holidays", "two_day_weekend"),
                    ("dispatch_ok", "contract_ok"),
                )
            },
        ),
        (LIST2, {"fields": ("overseas_ok", "expertise", "appeal_points", "appeal_experience", "special_notes")}),
        (_("公開ID"), {"fields": ("public_id", "published_at")}),
        (_("特定されるおそれ"), {"fields": ("reidentification",)}),
    )

    @admin.display(description=_("公開項目の組み合わせ"))
    def reidentification(self, obj):
        """The seeker's re-identification warning as they see it (seekers.search.reidentification),
        or that enough others share the combination."""
        if obj is None or obj.pk is None:
            return "—"
        check = reidentification_check(obj)
        if not check.at_risk:
            return _("%(k)d 人以上のほかの求職者と同じ組み合わせです。") % {"k": check.k}
        return render_to_string("seekers/includes/reidentification_warning.html", {"check": check})


class ValidityFilter(admin.SimpleListFilter):
    title = _("有効期限")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [("valid", _("有効期間内")), ("expired", _("期限切れ"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "valid":
            return queryset.filter(valid_until__gte=today)
        if self.value() == "expired":
            return queryset.filter(valid_until__lt=today)
        return queryset


@admin.register(JobApplication)
class JobApplicationAdmin(IdentityReadsAudited, StaffInputMixin, ServiceAdminMixin, admin.ModelAdmin):
    reach = ("applications", "kyushoku_number")
    form = JobApplicationAdminForm
    inlines = [IdentityInline, ApplicationSheetInline, ProfileInline]
    list_display = ("kyushoku_number", "identity_name", "applied_on", "valid_until", "opt_in", "provision",
                    "has_account")
    list_filter = (ValidityFilter, "opt_in", "provision")
    search_fields = ("kyushoku_number", "identity__name", "identity__name_kana")
    list_select_related = ("identity", "account")
    date_hierarchy = "applied_on"
    actions = ["extend_one_month"]
    fieldsets = (
        (_("求職申込書"), {"fields": ("kyushoku_number", "applied_on", "valid_until")}),
        (_("求職情報提供サービス"), {"fields": ("opt_in", "provision")}),
    )

    @admin.display(description=_("氏名"), ordering="identity__name")
    def identity_name(self, obj):
        identity = getattr(obj, "identity", None)
        return identity.name if identity else "—"

    @admin.display(description=_("利用登録"), boolean=True)
    def has_account(self, obj):
        return hasattr(obj, "account")

    # The list shows 氏名 and is searched by it, the page the whole identity: every staff read of a
    # seeker's identity is recorded (staff are accountable too).
    identity_list_audited = True

    def identity_target(self, obj):
        return obj

    def save_model(self, request, obj, form, change):
        """Nothing is written here: save_related hands the application with its identity and profile
        to the one service that writes them together."""

    def save_related(self, request, form, formsets, change):
        identity_form = _inline_form(formsets, ApplicantIdentity)
        profile_form = _inline_form(formsets, Profile)
        sheet_form = _inline_form(formsets, ApplicationSheet)
        services.application_save(
            actor=request.user, application=form.instance, identity=identity_form.instance,
            profile=profile_form.instance, sheet=sheet_form.instance, places=profile_form.places,
            profile_relations={name: profile_form.cleaned_data.get(name, ()) for name in services.PROFILE_RELATIONS},
        )
        # What the PII guard withheld from this save's text, for the message after the save.
        request.withheld_on_save = profile_form.instance
        for formset in formsets:  # what the admin's own history (LogEntry) reads
            inline = formset.forms[0]
            formset.new_objects = [] if change else [inline.instance]
            changed = change and inline.has_changed()
            formset.changed_objects = [(inline.instance, inline.changed_data)] if changed else []
            formset.deleted_objects = []

    def response_add(self, request, obj, post_url_continue=None):
        self._tell_withheld(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._tell_withheld(request)
        return super().response_change(request, obj)

    def _tell_withheld(self, request):
        """After the save: which fields the PII guard withholds from organisations and why (SPEC rule
        15), and where staff review them. The admin's own "追加しました" says nothing of it."""
        profile = getattr(request, "withheld_on_save", None)
        if profile is None or not profile.withheld:
            return
        self.message_user(request, format_html(
            '{} {} <a href="{}">{}</a>',
            _("個人情報と思われる記載があるため、次の項目は利用団体に公開していません: %(fields)s。")
            % {"fields": withheld_summary(profile)},
            _("記載を直して保存し直すか、確認の上で公開してください。"),
            reverse("admin:seekers_profile_change", args=[profile.pk]), _("非公開の項目を確認する"),
        ), messages.WARNING)

    @admin.action(description=_("選択した求職申込の有効期限を1か月延長する"))
    def extend_one_month(self, request, queryset):
        count = services.application_extend(actor=request.user, application_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(n)d 件の有効期限を延長しました。") % {"n": count}, messages.SUCCESS)


def _inline_form(formsets, model):
    [formset] = [formset for formset in formsets if formset.model is model]
    return formset.forms[0]


def withheld_summary(profile: Profile) -> str:
    """Each withheld field by its name, with why: 経験した主な仕事(電話番号)、アピールポイント(氏名・住所(番地))."""
    return "、".join(f"{item['field']}({'・'.join(item['reasons'])})" for item in services.withheld_explained(profile))


class WithheldFilter(admin.SimpleListFilter):
    title = _("非公開項目(個人情報の疑い)")
    parameter_name = "withheld"

    def lookups(self, request, model_admin):
        return [("yes", _("確認待ちあり"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return selectors.profiles_awaiting_pii_review(queryset)
        return queryset


@admin.register(Profile)
class ProfileReviewAdmin(StaffInputMixin, admin.ModelAdmin):
    """Staff review of fields the PII guard withheld: redact the text in the application form, or
    release it as it is with the action here."""
    reach = ("applications", "application__kyushoku_number")

    list_display = ("public_id", "application_link", "withheld_fields", "published_at")
    list_select_related = ("application",)
    list_filter = (WithheldFilter,)
    search_fields = ("public_id", "application__kyushoku_number")
    fields = ("public_id", "application_link", "withheld_fields") + Profile.FREE_TEXT_FIELDS
    readonly_fields = fields
    actions = ["release_withheld"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("求職申込(求職番号)"), ordering="application__kyushoku_number")
    def application_link(self, obj):
        # Redacting the text is done in the application's form, where the text was entered.
        return format_html('<a href="{}">{}</a>', reverse("admin:seekers_jobapplication_change", args=[obj.pk]),
                           obj.application.kyushoku_number)

    @admin.display(description=_("非公開の項目(理由)"))
    def withheld_fields(self, obj):
        return withheld_summary(obj) or "—"

    @admin.action(description=_("確認済みとして、非公開の項目をそのまま公開する"))
    def release_withheld(self, request, queryset):
        count = 0
        for profile in queryset.exclude(withheld={}):
            for field in list(profile.withheld):
                services.profile_release_field(actor=request.user, profile=profile, field=field)
                count += 1
        self.message_user(request, _("%(n)d 項目を公開しました。") % {"n": count}, messages.SUCCESS)


@admin.register(SeekerAccount)
class SeekerAccountAdmin(StaffInputMixin, admin.ModelAdmin):
    reach = ("applications", "application__kyushoku_number")
    list_display = ("login_id", "application", "registered_at", "first_login_at", "profile_confirmed_at", "stopped_at")
    list_select_related = ("user", "application")
    login_id = shown_as("user", _("ユーザID"), ordering="user__username")
    field_labels = {"user": _("ユーザID")}
    list_filter = (("stopped_at", admin.EmptyFieldListFilter), ("first_login_at", admin.EmptyFieldListFilter),
                   ("profile_confirmed_at", admin.EmptyFieldListFilter))
    search_fields = ("user__username", "application__kyushoku_number")
    raw_id_fields = ("user", "application")
    readonly_fields = ("terms_version", "terms_agreed_at", "registered_at", "first_login_at", "profile_confirmed_at",
                       "stopped_at")
    actions = ["resume"]

    @admin.action(description=_("選択したアカウントの利用停止を解除する(本人の申出による)"))
    def resume(self, request, queryset):
        for account in queryset.filter(stopped_at__isnull=False):
            services.seeker_resume(actor=request.user, account=account)
        self.message_user(request, _("利用停止を解除しました。"), messages.SUCCESS)


@admin.register(Block)
class BlockAdmin(StaffInputMixin, admin.ModelAdmin):
    reach = ("applications", "account__application__kyushoku_number")
    list_display = ("seeker", "organization", "created_at")
    list_select_related = ("account__user", "organization")
    raw_id_fields = ("account", "organization")
    seeker = shown_as("account", _("求職者(ユーザID)"), ordering="account__user__username")
    field_labels = {"account": _("求職者(ユーザID)")}


@admin.register(ProfileView)
class ProfileViewAdmin(StaffInputMixin, admin.ModelAdmin):
    reach = ("applications", "profile__application__kyushoku_number")
    list_display = ("viewed_at", "organization", "member", "profile_shown")
    list_select_related = ("organization", "member", "profile")
    list_filter = ("organization",)
    raw_id_fields = ("profile", "organization", "member")
    date_hierarchy = "viewed_at"
    profile_shown = shown_as("profile", _("公開求職情報"))
    fields = ("viewed_at", "organization", "member", "profile_shown")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuthKey)
class AuthKeyAdmin(StaffInputMixin, admin.ModelAdmin):
    reach = ("applications", "account__application__kyushoku_number")
    list_display = ("seeker", "issued", "expires", "used", "revoked", "tries")
    list_select_related = ("account__user",)
    seeker = shown_as("account", _("求職者(ユーザID)"), ordering="account__user__username")
    issued = shown_as("issued_at", _("発行日時"))
    expires = shown_as("expires_at", _("有効期限"))
    used = shown_as("used_at", _("使用日時"))
    revoked = shown_as("revoked_at", _("無効にした日時"))
    tries = shown_as("failed_tries", _("失敗回数"))
    # The key's hash is not shown: it is of no use to staff.
    fields = ("seeker", "issued", "expires", "used", "revoked", "tries")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RegistrationLockFilter(admin.SimpleListFilter):
    title = _("ロック")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("ロック中")), ("no", _("ロックなし"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(locked_until__gt=now)
        if self.value() == "no":
            return queryset.exclude(locked_until__gt=now)
        return queryset


@admin.register(RegistrationGuard)
class RegistrationGuardAdmin(StaffInputMixin, admin.ModelAdmin):
    """The 求職番号 whose self-service 利用登録 was refused, and the locks repeated refusals set. When the
    seeker asks at the office, staff check who they are and lift the lock with the action; each
    refusal, lock and lift is also in the audit log (seeker.register_refused / _locked / _unlock)."""
    reach = ("applications", "kyushoku_number")

    list_display = ("kyushoku_number", "failures", "last_failure_at", "locked_until", "is_locked_now")
    list_filter = (RegistrationLockFilter,)
    search_fields = ("kyushoku_number",)
    fields = ("kyushoku_number", "failures", "window_started_at", "last_failure_at", "locked_until")
    readonly_fields = fields
    actions = ["clear_lock"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("ロック中"), boolean=True)
    def is_locked_now(self, obj):
        return obj.is_locked(timezone.now())

    @admin.action(description=_("選択した求職番号のロックを解除し、失敗回数を0に戻す(本人確認の上で)"),
                  permissions=["change"])
    def clear_lock(self, request, queryset):
        count = services.registration_locks_clear(actor=request.user, guard_ids=queryset.values_list("pk", flat=True))
        self.message_user(request, _("%(n)d 件のロックを解除しました。") % {"n": count}, messages.SUCCESS)
