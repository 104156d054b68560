"""The organisation's own record as its members see it: 団体の記載事項 (/orgs/organization/), the
disclosures every first guidance message carries (SPEC rule 12). Every member sees them; the
organisation's administrators change them. And the 利用規約 its administrator accepts
(/orgs/organization/terms/)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .access import may_edit_disclosures, member_required
from .forms import DisclosuresForm, TermsAcceptForm
from .models import Organization
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
