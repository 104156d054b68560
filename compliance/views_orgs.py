"""The organisations' side of compliance: /orgs/deletion-requests/, the 削除・廃棄 requests to answer;
/orgs/standing/, its 是正要請 (with their due dates and the answer form) and suspensions (with their
periods); /orgs/withdraw/, where its administrator ends its use of the service."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.service_admin import show_refusal
from organizations.access import member_required
from organizations.models import Member, Organization

from . import selectors, services
from .forms import CorrectionAnswerForm, DeletionAnswerForm, WithdrawForm
from .models import CorrectionRequest, DeletionRequest


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


def _standing_page(request, form=None, form_for=None):
    organization = request.organization
    return {
        "organization": organization, "status": request.organization_status,
        "corrections": selectors.org_corrections(organization),
        "suspensions": selectors.org_suspensions(organization, timezone.localdate()),
        "form": form or CorrectionAnswerForm(), "form_for": form_for,
        "is_admin": request.member.role == Member.Role.ADMIN, "today": timezone.localdate(),
    }


@member_required(standing=True)
def standing(request):
    """是正要請・利用停止: the 是正要請 addressed to the organisation (an open one with its due date and
    the answer form) and its suspensions with their periods; open while it is suspended."""
    return render(request, "compliance/org_standing.html", _standing_page(request))


@member_required(standing=True)
@require_POST
def correction_answer(request, correction_id):
    """The organisation answers a 是正要請 in text; another organisation's request is a 404."""
    form = CorrectionAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.correction_request_org_answer(actor=request.user, organization=request.organization,
                                                   correction_id=correction_id, answer=form.cleaned_data["answer"])
        except CorrectionRequest.DoesNotExist as exc:
            raise Http404 from exc
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("是正要請に回答しました。労働局・ハローワークの職員が確認します。"))
            return redirect("compliance_orgs:standing")
    elif not CorrectionRequest.objects.filter(pk=correction_id, organization=request.organization).exists():
        raise Http404
    return render(request, "compliance/org_standing.html", _standing_page(request, form, correction_id))


@member_required(standing=True)
@require_http_methods(["GET", "POST"])
def withdraw(request):
    """利用の終了: the administrator first reads what it does (no member can sign in again, the
    search and messages end, the disposal duty for every seeker the organisation saw), then confirms;
    compliance.services.organization_withdraw does it. Other members: 403."""
    member = request.member
    if member.role != Member.Role.ADMIN:
        raise PermissionDenied
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = services.organization_withdraw(actor=request.user, member=member,
                                                      reason=form.cleaned_data["reason"])
        logout(request)
        return render(request, "compliance/org_withdrawn.html", {"organization": organization})
    return render(request, "compliance/org_withdraw.html", {
        "organization": request.organization, "form": form,
        "seekers_seen": selectors.accounts_seen_by(request.organization).count(),
        "deletion_days": settings.DELETION_ANSWER_DAYS,
    })
