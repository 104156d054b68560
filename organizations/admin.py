from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.service_admin import ServiceAdminMixin, ServiceModelForm, StaffInputMixin

from . import services
from .admin_reach import reach_of
from .models import (
    IndustryGroup,
    Member,
    OccupationGroup,
    Office,
    Organization,
    Prefecture,
    Qualification,
    StaffPost,
)


class MemberInline(StaffInputMixin, admin.StackedInline):
    """Stacked: each field with its own label (a tabular row's inputs have only the column headers).
    Read-only: members are invited, given a role and removed on the member's own admin page, through
    the services the organisation's administrator uses (organizations.services.member_*)."""

    model = Member
    extra = 0
    fields = ("user", "display_name", "role", "removed_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ApprovalFilter(admin.SimpleListFilter):
    """The organisation's status today (Organization.status), one choice per status."""

    title = _("承諾・利用状態")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return Organization.Status.choices

    def queryset(self, request, queryset):
        from django.utils import timezone

        if self.value() in Organization.Status.values:
            return queryset.in_status(self.value(), timezone.localdate())
        return queryset


class OrganizationAdminForm(ServiceModelForm):
    """The shape of what staff type; approval and its disclosures are organizations.services'
    (organization_approve), which the admin shows at the fields."""

    service_decides = ("approved_on",)

    class Meta:
        model = Organization
        fields = "__all__"  # noqa: DJ007 - the admin narrows the fields with its fieldsets

    def clean(self):
        data = super().clean()
        if data.get("sub_kind") and data.get("kind") != Organization.Kind.LOCAL_GOV:
            self.add_error("sub_kind", _("細分は地方自治体等のみ選べます。"))
        return data


@admin.register(Organization)
class OrganizationAdmin(StaffInputMixin, ServiceAdminMixin, admin.ModelAdmin):
    reach = ("organizations", "bureau")
    form = OrganizationAdminForm
    list_display = ("name", "kind", "sub_kind", "permit_number", "privacy_mark", "bureau", "approved_on",
                    "approval_until", "suspended_until", "revoked_at")
    list_filter = ("kind", "sub_kind", ApprovalFilter, "privacy_mark", "bureau")
    search_fields = ("name", "permit_number")
    filter_horizontal = ("regions", "industries", "occupations")
    # Sanction state is written only through the compliance screens.
    readonly_fields = ("approved_by", "suspended_from", "suspended_until", "revoked_at", "terms_version",
                       "terms_accepted_at", "terms_accepted_by", "withdrawn_at")
    inlines = [MemberInline]
    actions = ["approve"]
    fieldsets = (
        (_("団体"), {"fields": ("name", "kind", "sub_kind", "permit_number", "privacy_mark")}),
        (_("労働局の承諾"), {"fields": ("bureau", "approved_on", "approved_by", "approval_until")}),
        (_("利用規約・利用の終了"), {"fields": ("terms_version", "terms_accepted_at", "terms_accepted_by",
                                      "withdrawn_at")}),
        (_("取り扱う地域・業種・職種"), {"fields": ("regions", "industries", "occupations")}),
        (
            _("最初の案内メッセージの必須記載事項"),
            {"fields": ("track_record", "job_openings", "fees", "privacy_officer", "complaints_officer")},
        ),
        (_("求職申込みの手続き(STEP 6)"), {"fields": ("contact_procedure",)}),
        # compliance's admin adds the link to the organisation's violations and sanctions here.
        (_("利用停止・利用解除(監督機能で設定)"), {"fields": ("suspended_from", "suspended_until", "revoked_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Approval happens once, through organizations.services.organization_approve; who approved
        # and when is then part of the record.
        # The approval's last day is set by the approval (APPROVAL_VALIDITY_YEARS); staff change it
        # afterwards (organization_approval_until_set).
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "approved_on") if obj is not None and obj.approved_on else (*readonly, "approval_until")

    def save_model(self, request, obj, form, change):
        """Nothing is written here: save_related hands the record, what it handles and the approval
        (typing 労働局承諾日 approves) to the one service that writes them together."""

    def save_related(self, request, form, formsets, change):
        data = form.cleaned_data
        services.organization_save(
            actor=request.user, organization=form.instance, regions=data.get("regions", ()),
            industries=data.get("industries", ()), occupations=data.get("occupations", ()),
            approve_on=data.get("approved_on") if "approved_on" in form.changed_data else None,
        )
        if "approval_until" in form.changed_data:
            if data.get("approval_until") is None:
                raise ValidationError({"approval_until": _("承諾の有効期限を入力してください。")})
            services.organization_approval_until_set(actor=request.user, organization=form.instance,
                                                     approval_until=data["approval_until"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("選択した利用団体を承諾する"))
    def approve(self, request, queryset):
        done = 0
        for org in queryset.filter(approved_on__isnull=True):
            try:
                services.organization_approve(actor=request.user, organization=org)
                done += 1
            except ValidationError as refusal:
                message = (_("%(name)s は管轄労働局が未選択のため承諾できません。")
                           if set(refusal.message_dict) == {"bureau"}
                           else _("%(name)s は必須記載事項が未入力のため承諾できません。"))
                self.message_user(request, message % {"name": org.name}, messages.ERROR)
            except PermissionDenied as refusal:
                self.message_user(request, f"{org.name}: {refusal}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)d 団体を承諾しました。") % {"n": done}, messages.SUCCESS)


class MemberInviteForm(forms.ModelForm):
    """The shape of an invitation; whether the address is free is organizations.services.member_invite's
    (shown at the field by ServiceAdminMixin)."""

    email = forms.EmailField(label=_("メールアドレス(ログインに使います)"))

    class Meta:
        model = Member
        fields = ("organization", "display_name", "role")


@admin.register(Member)
class MemberAdmin(StaffInputMixin, ServiceAdminMixin, admin.ModelAdmin):
    """Adding a member sends them a link to set their password (no self-registration). A role change
    and a removal go through the services the organisation's administrator uses
    (organizations.services.member_role_change, member_remove), so the last-administrator rule and
    the end of the sessions hold here too; a refusal is shown at the field or as a message."""
    reach = ("organizations", "organization__bureau")

    list_display = ("display_name", "user", "organization", "role", "removed_at")
    list_filter = ("role", ("removed_at", admin.EmptyFieldListFilter), "organization__kind")
    search_fields = ("display_name", "user__email", "organization__name")
    raw_id_fields = ("user",)
    autocomplete_fields = ("organization",)
    list_select_related = ("user", "organization")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = MemberInviteForm
            kwargs["fields"] = ("organization", "email", "display_name", "role")
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("organization", "email", "display_name", "role")
        return ("user", "organization", "display_name", "role", "removed_at")

    def get_readonly_fields(self, request, obj=None):
        # A member never moves to another organisation: the organisation's audit page reads its
        # members' events through the membership.
        return ("user", "organization", "removed_at") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            if "role" in form.changed_data:
                services.member_role_change(actor=request.user, member=obj, role=form.cleaned_data["role"])
            if "display_name" in form.changed_data:
                obj.save(update_fields=["display_name"])
            return
        member = services.member_invite(
            actor=request.user, organization=form.cleaned_data["organization"], email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"], role=form.cleaned_data["role"],
        )
        obj.pk, obj.user = member.pk, member.user

    def delete_view(self, request, object_id, extra_context=None):
        extra_context = {**(extra_context or {}), "title": _("メンバーの削除(ログアウトされ、以後ログインできなくなります)")}
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as refused:
            self.message_user(request, " ".join(refused.messages), messages.ERROR)
            return redirect("admin:organizations_member_change", object_id)

    def delete_model(self, request, obj):
        """Removal, not deletion: the row stays (organizations.services.member_remove)."""
        services.member_remove(actor=request.user, member=obj)

    def delete_queryset(self, request, queryset):
        for member in queryset:
            try:
                services.member_remove(actor=request.user, member=member)
            except ValidationError as refused:
                self.message_user(request, f"{member}: {' '.join(refused.messages)}", messages.ERROR)


@admin.register(Prefecture)
class PrefectureAdmin(StaffInputMixin, admin.ModelAdmin):
    reach = ("reference", None)
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(OccupationGroup, IndustryGroup)
class GroupedCodeAdmin(StaffInputMixin, admin.ModelAdmin):
    reach = ("reference", None)
    list_display = ("code", "name", "major")
    list_select_related = ("major",)
    list_filter = (("major", admin.EmptyFieldListFilter),)
    search_fields = ("code", "name")


@admin.register(Qualification)
class QualificationAdmin(StaffInputMixin, admin.ModelAdmin):
    reach = ("reference", None)
    list_display = ("code", "name", "category")
    list_filter = ("category",)
    search_fields = ("code", "name")


@admin.register(Office)
class OfficeAdmin(StaffInputMixin, admin.ModelAdmin):
    """The offices table (organizations/data/offices.csv): every staff member reads it; national
    administrators add an office from the official list (SPEC rule 23)."""

    reach = ("reference", None)
    list_display = ("code", "name", "prefecture", "phone")
    list_select_related = ("prefecture",)
    list_filter = ("prefecture",)
    search_fields = ("code", "name")

    def has_add_permission(self, request):
        return reach_of(request).national and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return reach_of(request).national and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return reach_of(request).national and super().has_delete_permission(request, obj)


@admin.register(StaffPost)
class StaffPostAdmin(StaffInputMixin, admin.ModelAdmin):
    """Where each staff member works, and so what they reach (organizations.jurisdiction). National
    administrators only: the default of organizations.admin_reach for an admin without reach."""

    list_display = ("user", "level", "office", "bureau")
    list_select_related = ("user", "office", "bureau")
    list_filter = ("level", "bureau")
    search_fields = ("user__email", "office__name")
    raw_id_fields = ("user",)
