"""Staff screens for compliance: the admin index's counts of work waiting, the complaint queue with
the conversation beside it, violations with their evidence (CSV and printable), sanctions through
services, the organisation's history, and the monthly usage report."""

import functools
from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit
from accounts.models import AuditEvent
from accounts.service_admin import (
    IdentityReadsAudited,
    ServiceAdminMixin,
    ServiceModelForm,
    StaffInputMixin,
    shown_as,
)
from messaging.admin import thread_html
from organizations.admin import OrganizationAdmin as OrganizationBaseAdmin
from organizations.admin_reach import reach_of
from organizations.models import Organization
from organizations.selectors import disclosure_changes
from seekers.models import Profile

from . import selectors, services
from .models import (
    Complaint,
    CorrectionRequest,
    DataCorrectionRequest,
    DeletionRequest,
    Revocation,
    Suspension,
    Violation,
)
from .my_data import correctable_field_label

# --- The admin index: what staff have to do ------------------------------------------------------


def staff_work(request) -> list[dict]:
    """The index's counts, each linked to the changelist filtered to exactly its rows; only those of
    lists the user may open."""
    today = timezone.localdate()
    counts = selectors.staff_work_counts(today, scope=lambda model: admin.site.get_model_admin(model).get_queryset(request))
    items = [
        (Complaint, "complaints_open", _("未対応の苦情"), _("受付・調査中の苦情申出"), "work=open"),
        (DeletionRequest, "deletion_requests_overdue", _("期限を過ぎた削除・廃棄の回答"),
         _("回答期限を過ぎても利用団体が回答していない依頼"), "state=overdue"),
        (Profile, "profiles_pii_review", _("PII確認待ち"), _("個人情報の疑いで利用団体に非公開にしている項目がある求職情報"),
         "withheld=yes"),
        (Organization, "organizations_pending", _("承諾待ちの利用団体"), _("労働局の承諾がまだの利用団体"),
         f"state={Organization.Status.PENDING}"),
        (CorrectionRequest, "corrections_due_soon", _("回答期限の近い是正要請"),
         _("回答がなく、回答期限まで%(days)d日以内か期限を過ぎた是正要請") % {"days": selectors.CORRECTION_DUE_SOON_DAYS},
         "state=due_soon"),
    ]
    work = []
    for model, key, label, hint, query in items:
        model_admin = admin.site.get_model_admin(model)
        if model_admin.has_view_permission(request):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            work.append({"label": label, "hint": hint, "count": counts[key], "url": f"{url}?{query}"})
    return work


def _index_with_work(index):
    @functools.wraps(index)
    def view(request, extra_context=None):
        context = {"staff_work": staff_work(request)}
        if admin.site.get_model_admin(Violation).has_view_permission(request):
            context["usage_report_url"] = reverse("admin:compliance_usage_report")
        return index(request, extra_context={**context, **(extra_context or {})})
    return view


# templates/admin/index.html shows them above the list of models.
admin.site.index = _index_with_work(admin.site.index)


# --- Complaints (SPEC rule 21) ---------------------------------------------------------------------


class ComplaintWorkFilter(admin.SimpleListFilter):
    title = _("対応")
    parameter_name = "work"

    def lookups(self, request, model_admin):
        return [("open", _("未対応(受付・調査中)"))]

    def queryset(self, request, queryset):
        return selectors.complaints_open(queryset) if self.value() == "open" else queryset


@admin.register(Complaint)
class ComplaintAdmin(IdentityReadsAudited, StaffInputMixin, admin.ModelAdmin):
    reach = ("offices", "office_code")
    list_display = ("created_at", "organization", "complainant", "status")
    list_select_related = ("organization", "account__application")
    list_filter = (ComplaintWorkFilter, "status")
    search_fields = ("organization__name", "body", "=account__application__kyushoku_number")
    fields = ("organization", "complainant", "conversation_thread", "body", "status", "staff_note", "created_at")
    readonly_fields = ("organization", "complainant", "conversation_thread", "body", "created_at")
    actions = ["mark_investigating", "mark_done"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a complaint is evidence

    @admin.display(description=_("申出をした求職者(求職番号)"), ordering="account__application__kyushoku_number")
    def complainant(self, obj):
        return obj.account.application.kyushoku_number

    @admin.display(description=_("やりとり(閲覧のみ)"))
    def conversation_thread(self, obj):
        return thread_html(obj.conversation)

    # The list and the page show who complained (求職番号): reads of identity, recorded.
    identity_list_audited = True

    def identity_target(self, obj):
        return obj.account.application

    def identity_read_data(self, obj) -> dict:
        return {"complaint": obj.pk}

    def save_model(self, request, obj, form, change):
        services.complaint_set_status(actor=request.user, complaint=obj, status=obj.status, note=obj.staff_note)

    @admin.action(description=_("状況を「調査中」にする"))
    def mark_investigating(self, request, queryset):
        for complaint in queryset:
            services.complaint_set_status(actor=request.user, complaint=complaint, status=Complaint.Status.INVESTIGATING)

    @admin.action(description=_("状況を「対応済み」にする"))
    def mark_done(self, request, queryset):
        for complaint in queryset:
            services.complaint_set_status(actor=request.user, complaint=complaint, status=Complaint.Status.DONE)


class OverdueFilter(admin.SimpleListFilter):
    title = _("回答状況")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("overdue", _("期限超過(違反の候補)")), ("open", _("未回答")), ("answered", _("回答済み"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return selectors.deletion_requests_overdue(timezone.localdate(), queryset)
        if self.value() == "open":
            return queryset.filter(answered_at__isnull=True)
        if self.value() == "answered":
            return queryset.filter(answered_at__isnull=False)
        return queryset


class RevokedOrganizationFilter(admin.SimpleListFilter):
    """Per revoked organisation: the seekers whose data it held and its answers (利用解除's disposal)."""

    title = _("利用解除された利用団体")
    parameter_name = "organization"

    def lookups(self, request, model_admin):
        revoked = Organization.objects.filter(revoked_at__isnull=False).order_by("name")
        return [(str(org.pk), org.name) for org in revoked]

    def queryset(self, request, queryset):
        return queryset.filter(organization_id=self.value()) if (self.value() or "").isdigit() else queryset


class DeletionAnswerAdminForm(ServiceModelForm):
    service_decides = ("disposed_on", "answer_note")


@admin.register(DeletionRequest)
class DeletionRequestAdmin(StaffInputMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Every 削除・廃棄 request and, after 利用解除, the organisation's disposal duty per seeker it saw
    (origin): filtered by organisation and 未回答, the outstanding list with its deadlines. A revoked
    organisation's members cannot sign in, so staff with the 労働局 監督 permission record the
    answer it sent by other means (services.deletion_answer_record); other answers are the
    organisation's own, read-only here."""
    reach = ("applications", "account__application__kyushoku_number")

    form = DeletionAnswerAdminForm
    list_display = ("organization", "account", "origin", "requested_at", "due_on", "answered_at", "disposed_on",
                    "overdue_flagged_at")
    list_select_related = ("organization", "account__user")
    list_filter = (OverdueFilter, "origin", RevokedOrganizationFilter)
    search_fields = ("=id", "organization__name")
    answered_by_staff = shown_as("answered_by", _("回答を記録した人"))
    fields = tuple("answered_by_staff" if f.name == "answered_by" else f.name
                   for f in DeletionRequest._meta.fields if f.name != "id")
    readonly_fields = fields
    ANSWER_FIELDS = ("disposed_on", "answer_note")

    def has_add_permission(self, request):
        return False

    def _staff_may_record(self, request, obj) -> bool:
        return (obj is not None and obj.answered_at is None and request.user.has_perm(services.SANCTION_PERMISSION)
                and obj.organization.status(timezone.localdate()) == Organization.Status.REVOKED)

    def has_change_permission(self, request, obj=None):
        return self._staff_may_record(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if self._staff_may_record(request, obj):
            return tuple(f for f in self.fields if f not in self.ANSWER_FIELDS)
        return self.fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        _copy_into(obj, services.deletion_answer_record(
            actor=request.user, request=obj, disposed_on=data["disposed_on"], note=data["answer_note"] or ""))


class DataCorrectionForm(ServiceModelForm):
    service_decides = ("answer_reason",)


@admin.register(DataCorrectionRequest)
class DataCorrectionRequestAdmin(IdentityReadsAudited, StaffInputMixin, ServiceAdminMixin, admin.ModelAdmin):
    """訂正等の請求: staff correct the field in the application's own admin (its link is on the page;
    that save is seekers.services.application_save, audited), then set 訂正済み here; or 訂正せず
    with the reason the seeker reads. compliance.services.data_correction_answer decides."""
    reach = ("applications", "account__application__kyushoku_number")

    form = DataCorrectionForm
    list_display = ("created_at", "applicant", "field_label", "status")
    list_select_related = ("account__application",)
    list_filter = ("status",)
    search_fields = ("=account__application__kyushoku_number",)
    fields = ("applicant", "application_link", "field_label", "requested_value", "reason", "created_at",
              "status", "answer_reason", "answered_at")
    readonly_fields = ("applicant", "application_link", "field_label", "requested_value", "reason", "created_at",
                       "answered_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the seeker's request and its answer are a record

    @admin.display(description=_("請求した求職者(求職番号)"), ordering="account__application__kyushoku_number")
    def applicant(self, obj):
        return obj.account.application.kyushoku_number

    @admin.display(description=_("訂正を求める項目"))
    def field_label(self, obj):
        return correctable_field_label(obj.field)

    @admin.display(description=_("求職申込(ここで訂正して保存)"))
    def application_link(self, obj):
        url = reverse("admin:seekers_jobapplication_change", args=[obj.account.application_id])
        return format_html('<a href="{}">{}</a>', url, _("求職申込を開いて訂正する"))

    # The list and the page show the 求職番号 and what the seeker asked (may be identity): reads, recorded.
    identity_list_audited = True

    def identity_target(self, obj):
        return obj.account.application

    def identity_read_data(self, obj) -> dict:
        return {"data_correction": obj.pk}

    def save_model(self, request, obj, form, change):
        _copy_into(obj, services.data_correction_answer(
            actor=request.user, correction=obj, status=obj.status, answer_reason=obj.answer_reason))


class SanctionForm(ServiceModelForm):
    """The shape of what staff type; the sanction's rules are the services' (compliance.services),
    which the admin shows at the fields."""

    service_decides = ("ends_on",)


class SanctionAdmin(StaffInputMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Sanctions are created through services, which check the 労働局 監督 permission."""
    reach = ("organizations", "organization__bureau")

    form = SanctionForm
    list_select_related = ("organization",)
    autocomplete_fields = ("violation",)
    organization_name = shown_as("organization", _("利用団体"), ordering="organization__name")

    def has_add_permission(self, request):
        return request.user.has_perm(services.SANCTION_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        _copy_into(obj, self.create_through_service(request, form.cleaned_data))


def _copy_into(obj, saved) -> None:
    """What the service stored, onto the admin's instance (the admin's history and redirect read it)."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))


class CorrectionStateFilter(admin.SimpleListFilter):
    title = _("回答状況")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("due_soon", _("回答期限が近い・過ぎた(未回答)")), ("open", _("未回答")), ("answered", _("回答済み"))]

    def queryset(self, request, queryset):
        if self.value() == "due_soon":
            return selectors.correction_requests_due_soon(timezone.localdate(), queryset)
        if self.value() == "open":
            return queryset.filter(answered_on__isnull=True)
        if self.value() == "answered":
            return queryset.filter(answered_on__isnull=False)
        return queryset


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(SanctionAdmin):
    list_display = ("organization_name", "issued_on", "due_on", "answered_on")
    list_filter = (CorrectionStateFilter,)
    fields = ("violation", "due_on", "content")

    def has_change_permission(self, request, obj=None):
        return obj is not None and request.user.has_perm(services.SANCTION_PERMISSION)

    def get_fields(self, request, obj=None):
        return ("violation", "due_on", "content", "answer", "answered_on") if obj else self.fields

    def get_readonly_fields(self, request, obj=None):
        return ("violation", "due_on", "content") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:  # recording the organisation's answer
            data = form.cleaned_data
            _copy_into(obj, services.correction_request_answer(
                actor=request.user, correction=obj, answer=data["answer"], answered_on=data["answered_on"]))
            return
        super().save_model(request, obj, form, change)

    def create_through_service(self, request, data):
        return services.correction_request_issue(actor=request.user, violation=data["violation"],
                                                 due_on=data["due_on"], content=data["content"])


class SuspensionChangeForm(SanctionForm):
    """Ending a suspension early or correcting its period (SPEC rule 20): the new dates, or 今日で終了
    (the last day becomes yesterday), with the reason the audit event keeps. The rules are
    compliance.services.suspension_change / suspension_end_early."""

    end_now = forms.BooleanField(
        label=_("早期終了する(終了日を昨日にして、今すぐ利用を再開させる)"), required=False)
    change_reason = forms.CharField(label=_("変更の理由"), widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text=_("監査記録に残ります。"))

    class Meta:
        model = Suspension
        fields = ("starts_on", "ends_on")


@admin.register(Suspension)
class SuspensionAdmin(SanctionAdmin):
    list_display = ("organization_name", "starts_on", "ends_on", "ended_processed_at")
    fields = ("violation", "starts_on", "ends_on", "reason")

    def has_change_permission(self, request, obj=None):
        """Staff with the 労働局 監督 permission end a suspension early or correct its period."""
        return obj is not None and request.user.has_perm(services.SANCTION_PERMISSION)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            kwargs["form"] = SuspensionChangeForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is not None:
            return ("violation", "reason", "starts_on", "ends_on", "end_now", "change_reason")
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return ("violation", "reason") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        data, stored = form.cleaned_data, Suspension.objects.get(pk=obj.pk)
        try:
            if data["end_now"]:
                saved = services.suspension_end_early(actor=request.user, suspension=stored,
                                                      reason=data["change_reason"])
            else:
                saved = services.suspension_change(actor=request.user, suspension=stored,
                                                   starts_on=data["starts_on"], ends_on=data["ends_on"],
                                                   reason=data["change_reason"])
        except ValidationError as refusal:
            errors = refusal.error_dict if hasattr(refusal, "error_dict") else {None: refusal.error_list}
            raise ValidationError({("change_reason" if key == "reason" else key) or "__all__": value
                                   for key, value in errors.items()}) from refusal
        _copy_into(obj, saved)

    def create_through_service(self, request, data):
        return services.organization_suspend(actor=request.user, violation=data["violation"],
                                             starts_on=data["starts_on"], ends_on=data["ends_on"],
                                             reason=data["reason"])


@admin.register(Revocation)
class RevocationAdmin(SanctionAdmin):
    list_display = ("organization_name", "created_at", "disposal_outstanding")
    fields = ("violation", "reason")

    @admin.display(description=_("廃棄の未回答"))
    def disposal_outstanding(self, obj):
        """The revoked organisation's unanswered deletion requests and disposal duties, linked to the
        list of them (seeker, deadline, answer)."""
        count = selectors.deletion_duties_of(obj.organization).count()
        url = reverse("admin:compliance_deletionrequest_changelist")
        return format_html('<a href="{}?organization={}&amp;state=open">{}</a>', url,
                           obj.organization_id, _("%(n)d 件") % {"n": count})

    def create_through_service(self, request, data):
        return services.organization_revoke(actor=request.user, violation=data["violation"], reason=data["reason"])


@admin.register(Violation)
class ViolationAdmin(StaffInputMixin, ServiceAdminMixin, admin.ModelAdmin):
    reach = ("organizations", "organization__bureau")
    list_display = ("occurred_on", "organization", "category", "confirmed", "repeat_hint", "evidence_links")
    list_select_related = ("organization",)
    list_filter = ("category", "confirmed")
    search_fields = ("=id", "organization__name", "description")
    # Looked up by name (the organisation's, the conversation's ends, the complaint's date) instead of
    # typed as numeric IDs; each list's own admin has the search the lookup uses.
    autocomplete_fields = ("organization", "complaints", "conversations", "deletion_request")
    readonly_fields = ("recorded_by", "repeat_hint")

    def save_model(self, request, obj, form, change):
        """Nothing is written here: save_related hands the record and its evidence to the one service
        that writes them together."""

    def save_related(self, request, form, formsets, change):
        data, obj = form.cleaned_data, form.instance
        violation = services.violation_record(
            actor=request.user, violation=obj if change else None, organization=data["organization"],
            category=data["category"], occurred_on=data["occurred_on"], description=data["description"],
            confirmed=data["confirmed"], complaints=data["complaints"], conversations=data["conversations"],
            deletion_request=data["deletion_request"],
        )
        _copy_into(obj, violation)

    def get_changelist_instance(self, request):
        """The repeat hint for the whole page from one query of the organisations' confirmed
        violations, instead of one query per row."""
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)
        others = Violation.objects.filter(organization_id__in={v.organization_id for v in rows}, confirmed=True)
        for violation, repeated in zip(rows, services.repeats_within_12_months(rows, others), strict=True):
            violation.repeated = repeated
        return changelist

    @admin.display(description=_("再度の違反"))
    def repeat_hint(self, obj):
        repeated = getattr(obj, "repeated", None)
        if repeated is None:
            repeated = bool(obj.pk) and services.repeated_within_12_months(obj)
        if repeated:
            return _("12か月以内に確認済みの違反が他にもあります(利用解除の検討)")
        return "—"

    @admin.display(description=_("証拠"))
    def evidence_links(self, obj):
        return format_html(
            '<a href="{}">{}</a> / <a href="{}">{}</a> / <a href="{}">{}</a>',
            reverse("admin:compliance_violation_evidence_csv", args=[obj.pk]), _("CSV"),
            reverse("admin:compliance_violation_evidence_print", args=[obj.pk]), _("印刷用"),
            reverse("admin:compliance_organization_history", args=[obj.organization_id]), _("団体の履歴"),
        )

    def get_urls(self):
        own = [
            path("<int:pk>/evidence.csv", self.admin_site.admin_view(self.evidence_csv),
                 name="compliance_violation_evidence_csv"),
            path("<int:pk>/evidence/", self.admin_site.admin_view(self.evidence_print),
                 name="compliance_violation_evidence_print"),
            path("history/<int:org_id>/", self.admin_site.admin_view(self.history),
                 name="compliance_organization_history"),
            path("report/", self.admin_site.admin_view(self.report), name="compliance_usage_report"),
        ]
        return own + super().get_urls()

    def _evidence(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        violation = get_object_or_404(self.get_queryset(request), pk=pk)  # SPEC rule 23: in reach only
        conversations = list(violation.conversations.all()) + [c.conversation for c in violation.complaints.all()]
        audit(actor=request.user, verb=AuditEvent.Verb.EVIDENCE_EXPORT, target=violation)
        return violation, selectors.evidence_rows(conversations)

    def evidence_csv(self, request, pk):
        violation, rows = self._evidence(request, pk)
        response = HttpResponse(selectors.to_csv(selectors.EVIDENCE_HEADER, rows), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="evidence-{violation.pk}.csv"'
        return response

    def evidence_print(self, request, pk):
        violation, rows = self._evidence(request, pk)
        return TemplateResponse(request, "admin/compliance/evidence.html", {
            **self.admin_site.each_context(request), "violation": violation, "rows": rows,
            "header": selectors.EVIDENCE_HEADER, "title": _("証拠資料(やりとりの記録)"),
        })

    def history(self, request, org_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        organization = get_object_or_404(Organization.objects.filter(reach_of(request).organizations()), pk=org_id)
        violations = list(Violation.objects.filter(organization=organization).order_by("-occurred_on"))
        return TemplateResponse(request, "admin/compliance/history.html", {
            **self.admin_site.each_context(request), "organization": organization,
            "violations": list(zip(violations, services.repeats_within_12_months(violations), strict=True)),
            "corrections": CorrectionRequest.objects.filter(organization=organization).order_by("-issued_on"),
            "suspensions": Suspension.objects.filter(organization=organization).order_by("-starts_on"),
            "revocations": Revocation.objects.filter(organization=organization),
            "complaints": Complaint.objects.filter(organization=organization).order_by("-created_at"),
            "disclosure_changes": disclosure_changes(organization),
            "title": _("違反・措置の履歴"),
        })

    def report(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            year, month = (int(x) for x in request.GET.get("month", "").split("-"))
            first = date(year, month, 1)
        except (ValueError, OverflowError):  # a year past the C long: OverflowError
            first = timezone.localdate().replace(day=1)
        rows = selectors.usage_report(first)
        if request.GET.get("format") == "csv":
            header = [_("利用団体")] + [label for _key, label in selectors.REPORT_COLUMNS]
            data = [[r["organization"].name] + [r[key] for key, _label in selectors.REPORT_COLUMNS] for r in rows]
            response = HttpResponse(selectors.to_csv(header, data), content_type="text/csv")
            response["Content-Disposition"] = f'attachment; filename="usage-{first:%Y-%m}.csv"'
            return response
        return TemplateResponse(request, "admin/compliance/report.html", {
            **self.admin_site.each_context(request), "month": first, "columns": selectors.REPORT_COLUMNS,
            "rows": [(r["organization"], [r[key] for key, _label in selectors.REPORT_COLUMNS]) for r in rows],
            "title": _("利用状況の報告"),
        })


def _with_field(fieldsets, *, beside: str, name: str):
    """The fieldsets with `name` added to the one that holds `beside`."""
    return tuple(
        (title, {**options, "fields": (*options["fields"], name)}) if beside in options["fields"] else (title, options)
        for title, options in fieldsets
    )


# The organisation's page links to its violations and sanctions, which are this app's: the link is
# added here, so organizations never names compliance (the one-way arrows, tests/test_architecture.py).
admin.site.unregister(Organization)


@admin.register(Organization)
class OrganizationAdmin(OrganizationBaseAdmin):
    readonly_fields = (*OrganizationBaseAdmin.readonly_fields, "history_link")
    fieldsets = _with_field(OrganizationBaseAdmin.fieldsets, beside="revoked_at", name="history_link")

    @admin.display(description=_("違反・措置の履歴"))
    def history_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("admin:compliance_organization_history", args=[obj.pk]),
                           _("違反・措置の履歴を見る"))
