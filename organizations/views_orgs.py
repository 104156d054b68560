"""The organisation's own record as its members see it: 団体の記載事項 (/orgs/organization/), the
disclosures every first guidance message carries (SPEC rule 12). Every member sees them; the
organisation's administrators change them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .access import may_edit_disclosures, member_required
from .forms import DisclosuresForm
from .models import Organization


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
