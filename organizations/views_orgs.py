"""The organisation's own record as its members see it: 団体の記載事項 (/orgs/organization/), the
disclosures every first guidance message carries (SPEC rule 12). Every member sees them; the
organisation's administrators change them. The administrators also manage the members
(/orgs/organization/members/…: invite, change a role, remove, read their audit), and accept the 利用規約
(/orgs/organization/terms/)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.service_admin import show_refusal

from . import selectors, services
from .access import get_member_for, may_edit_disclosures, may_manage_members, member_required
from .forms import DisclosuresForm, MemberInviteForm, MemberRoleForm, TermsAcceptForm
from .models import Member, Organization
from .terms import CURRENT_TERMS_VERSION, TERMS_VERSIONS, terms_template


@member_required
@require_http_methods(["GET", "POST"])
def disclosures(request):
    organization = request.organization
    editable = may_edit_disclosures(request.member)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    form = DisclosuresForm(request.POST or None, instance=organization) if editable else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.organization_disclosures_update(actor=request.user, organization=organization,
                                                     values=form.cleaned_data)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("団体の記載事項を変更しました。これから送る最初の案内メッセージに記載されます。"))
            return redirect("organizations_orgs:disclosures")
    return render(request, "organizations/org_disclosures.html", {
        "organization": organization, "form": form, "editable": editable,
        "snapshot": services.disclosures_snapshot(organization),
        "labels": {name: Organization._meta.get_field(name).verbose_name for name in Organization.APPROVAL_FIELDS},
    })


# --- メンバー管理: the administrator's pages (issue 16) ------------------------------------------------

AUDIT_PAGE_SIZE = 50


def _manager(request):
    """The administrator's pages are refused (403) to the organisation's other members."""
    if not may_manage_members(request.member):
        raise PermissionDenied
    return request.member


@member_required
@require_http_methods(["GET", "POST"])
def members(request):
    """The organisation's members, with links to change a role or remove one, and the invitation form
    (the same service staff use in admin). Queries after member_required: the member list."""
    actor = _manager(request)
    form = MemberInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.member_invite(actor=request.user, organization=request.organization, **form.cleaned_data)
        except ValidationError as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("%(email)s に招待のメールを送りました。リンクからパスワードを設定すると"
                                        "ログインできます(リンクの有効期限は1時間です)。") % {"email": invited.user.email})
            return redirect("organizations_orgs:members")
    return render(request, "organizations/members.html", {
        "members": selectors.organization_members(request.organization), "form": form, "me": actor,
    })


@member_required
@require_http_methods(["GET", "POST"])
def member_role(request, member_id):
    """Change a member's role between 管理者 and 担当者: the page says what the change does and asks
    first; the last administrator's refusal is shown before anything is asked."""
    actor = _manager(request)
    member = get_member_for(actor, member_id)
    target = Member.Role.MEMBER if member.role == Member.Role.ADMIN else Member.Role.ADMIN
    form = MemberRoleForm(request.POST or None, initial={"role": target})
    refusal = services.last_administrator_refusal(member, new_role=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_role_change(actor=request.user, member=member, role=form.cleaned_data["role"])
        except ValidationError as refused:
            refusal = " ".join(refused.messages)
        else:
            messages.success(request, _("%(name)s の権限を「%(role)s」に変更しました。") % {
                "name": _member_name(member), "role": member.get_role_display()})
            if member.pk == actor.pk and member.role != Member.Role.ADMIN:
                return redirect("organizations_orgs:disclosures")
            return redirect("organizations_orgs:members")
    return render(request, "organizations/member_role.html", {
        "member": member, "target": target, "target_label": Member.Role(target).label, "form": form,
        "refusal": refusal, "is_me": member.pk == actor.pk,
    })


@member_required
@require_http_methods(["GET", "POST"])
def member_remove(request, member_id):
    """Remove a member: the page says what removal does (sessions end at once, the records stay, the
    address cannot be invited again) and asks first."""
    actor = _manager(request)
    member = get_member_for(actor, member_id)
    refusal = services.last_administrator_refusal(member, new_role=None)
    if request.method == "POST":
        try:
            services.member_remove(actor=request.user, member=member)
        except ValidationError as refused:
            refusal = " ".join(refused.messages)
        else:
            if member.pk == actor.pk:
                logout(request)
                return redirect("account_login")
            messages.success(request, _("%(name)s を団体のメンバーから削除しました。ログイン中の画面もログアウトされました。")
                             % {"name": _member_name(member)})
            return redirect("organizations_orgs:members")
    return render(request, "organizations/member_remove.html", {
        "member": member, "refusal": refusal, "is_me": member.pk == actor.pk,
    })


@member_required
def member_audit(request):
    """What the organisation's members did, newest first, a page at a time. Queries after
    member_required: the count and the page (with each actor's name and email)."""
    _manager(request)
    paginator = Paginator(selectors.member_audit_events(request.organization), AUDIT_PAGE_SIZE)
    return render(request, "organizations/member_audit.html", {"page": paginator.get_page(request.GET.get("page"))})


def _member_name(member: Member) -> str:
    return member.display_name or member.user.email


@member_required(standing=True)
@require_http_methods(["GET", "POST"])
def terms(request):
    """利用規約(利用団体用): every member reads the version in force; the administrator accepts it
    (organization_terms_accept), and until then every other organisation page sends here. The POST
    carries the version shown, so terms changed while the page was open are not accepted unread."""
    organization, member = request.organization, request.member
    may_accept = services.may_accept_terms(member)
    accepted = organization.terms_version >= CURRENT_TERMS_VERSION
    if request.method == "POST" and not may_accept:
        raise PermissionDenied
    form = None
    if may_accept and not accepted:
        form = TermsAcceptForm(request.POST or None, initial={"version": CURRENT_TERMS_VERSION})
        if request.method == "POST" and form.is_valid():
            try:
                services.organization_terms_accept(actor=request.user, member=member,
                                                   version=form.cleaned_data["version"])
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, _("利用規約に同意しました。サービスを利用できます。"))
                return redirect(settings.LOGIN_REDIRECTS["member"])  # the member's first page
    return render(request, "organizations/org_terms.html", {
        "organization": organization, "may_accept": may_accept, "form": form, "accepted": accepted,
        "version": CURRENT_TERMS_VERSION, "effective_on": TERMS_VERSIONS[CURRENT_TERMS_VERSION],
        "terms_template": terms_template(),
    })
