"""The organisations' side of compliance: /orgs/deletion-requests/, the 削除・廃棄 requests to answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations.access import member_required
from organizations.models import Organization

from . import selectors, services
from .forms import DeletionAnswerForm
from .models import DeletionRequest


def _page(request, form, **extra):
    return {"requests": selectors.org_deletion_requests(request.organization), "form": form,
            "organization": request.organization,
            "suspended": request.organization_status == Organization.Status.SUSPENDED, **extra}


@member_required(open_while_suspended=True)
def deletion_requests(request):
    """The organisation's 削除・廃棄 requests, open during a suspension (the one page that is)."""
    return render(request, "compliance/org_deletions.html", _page(request, DeletionAnswerForm()))


@member_required(open_while_suspended=True)
@require_POST
def deletion_answer(request, request_id):
    """The organisation answers with the status of its handling (done on a date, with a note), also
    while suspended; another organisation's request is a 404."""
    form = DeletionAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.deletion_request_answer(
                actor=request.user, organization=request.organization, request_id=request_id,
                disposed_on=form.cleaned_data["disposed_on"], note=form.cleaned_data["note"],
            )
        except DeletionRequest.DoesNotExist as exc:
            raise Http404 from exc
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("対処状況を回答しました。"))
            return redirect("compliance_orgs:deletion_requests")
    return render(request, "compliance/org_deletions.html", _page(request, form, form_for=request_id), status=200)
