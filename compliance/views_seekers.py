"""The seekers' side of compliance: /seekers/complaints/ (苦情申出), /seekers/deletion-requests/
(削除・廃棄の依頼) and /seekers/my-data/ (開示, with its JSON download and 訂正等の請求)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from seekers.access import seeker_required

from . import my_data as my_data_selectors
from . import selectors, services
from .forms import ComplaintForm, DataCorrectionForm, DeletionRequestForm
from .models import DeletionRequest


@seeker_required
def complaints(request):
    return render(request, "compliance/complaints.html",
                  {"complaints": selectors.seeker_complaints(request.seeker_account)})


@seeker_required
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    """苦情申出 about one of the seeker's own conversations (another's is not offered, and a forged
    id fails the form's choice check)."""
    account = request.seeker_account
    form = ComplaintForm(request.POST or None, conversations=selectors.seeker_conversations(account))
    if request.method == "POST" and form.is_valid():
        services.complaint_file(actor=request.user, account=account, conversation=form.cleaned_data["conversation"],
                                body=form.cleaned_data["body"])
        messages.success(request, _("苦情申出を受け付けました。ハローワーク職員が確認します。状況はこの画面で確認できます。"))
        return redirect("compliance_seekers:complaints")
    return render(request, "compliance/complaint_new.html", {"form": form})


@seeker_required
@require_http_methods(["GET", "POST"])
def deletion_requests(request):
    """削除・廃棄の依頼: ask any organisation that viewed or messaged the seeker to delete what it
    obtained, also after a stop (SPEC rules 9, 18). The list's buttons lead to the confirmation page
    (deletion_confirm); only its POST makes the request."""
    account = request.seeker_account
    if request.method == "POST":
        form = DeletionRequestForm(request.POST, organizations=selectors.organizations_that_saw(account))
        if not form.is_valid():  # nothing was typed: the ids come from the confirmation page
            raise Http404
        organization = form.cleaned_data["organization"]
        if not form.cleaned_data["confirm"]:
            messages.error(request, _("削除・廃棄の依頼はまだ送っていません。依頼する前に、次の内容をご確認ください。"))
            return redirect("compliance_seekers:deletion_confirm", organization_id=organization.pk)
        try:
            services.deletion_request_create(actor=request.user, account=account, organization_id=organization.pk)
        except services.DeletionTargetUnknown as exc:
            raise Http404 from exc
        messages.success(request, _("削除・廃棄を依頼しました。利用団体は期限までに対処状況を回答します。"))
        return redirect("compliance_seekers:deletion_requests")
    return render(request, "compliance/seeker_deletions.html",
                  {"rows": selectors.seeker_deletion_rows(account)})


@seeker_required
@require_http_methods(["GET"])
def deletion_confirm(request, organization_id):
    """What a 削除・廃棄の依頼 to this organisation does, before it is made (its form posts to
    deletion_requests). An organisation that never saw the seeker is a 404, the same as one that does
    not exist; one already asked goes back to the list."""
    account = request.seeker_account
    organization = get_object_or_404(selectors.organizations_that_saw(account), pk=organization_id)
    if DeletionRequest.objects.filter(account=account, organization=organization).exists():
        messages.info(request, _("%(name)s にはすでに削除・廃棄を依頼しています。") % {"name": organization.name})
        return redirect("compliance_seekers:deletion_requests")
    return render(request, "compliance/seeker_deletion_confirm.html", {
        "organization": organization, "answer_days": settings.DELETION_ANSWER_DAYS,
    })


@seeker_required
@require_http_methods(["GET", "POST"])
def my_data(request):
    """開示: everything the site holds about the signed-in seeker (a stopped seeker too), and the
    訂正等の請求 form (POST). Messages are paged (?page=); the JSON download has everything."""
    account = request.seeker_account
    form = DataCorrectionForm(request.POST or None, fields=my_data_selectors.correctable_fields())
    if request.method == "POST" and form.is_valid():
        services.data_correction_request(actor=request.user, account=account, **form.cleaned_data)
        messages.success(request, _("訂正等の請求を受け付けました。ハローワーク職員が確認し、結果をこの画面でお知らせします。"))
        return redirect("compliance_seekers:my_data")
    context = my_data_selectors.my_data_page(account, page=request.GET.get("page"))
    return render(request, "compliance/my_data.html", context | {"form": form})


@seeker_required
@require_http_methods(["GET"])
def my_data_download(request):
    """The complete export as JSON (schema kyushoku-my-data/1, docs/my-data.md), streamed; audited."""
    account = request.seeker_account
    services.my_data_download(actor=request.user, account=account)
    now = timezone.localtime()
    response = StreamingHttpResponse(my_data_selectors.my_data_json_chunks(account, generated_at=now),
                                     content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data-{now:%Y%m%d}.json"'
    return response
