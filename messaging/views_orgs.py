"""The organisations' side of messaging: the guidance form (/orgs/seekers/<public_id>/guide/), the inbox
(/orgs/messages/) and one conversation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.db_router import replica_reads
from organizations.access import member_required
from organizations.services import disclosures_snapshot, guidance_disclosures_refusal
from seekers.access import get_profile_for

from . import selectors, services
from .access import get_conversation_for
from .forms import GuidanceForm, OrgReplyForm
from .models import Message

# Far past any inbox's last page; a larger number is garbage, not a page (see inbox).
PAGE_MAX = 1_000_000


@member_required
@require_http_methods(["GET", "POST"])
def guide(request, public_id):
    """案内メッセージを送る: from a visible profile only (SPEC rule 10)."""
    organization = request.organization
    profile = get_profile_for(organization, public_id)
    existing = selectors.org_conversation_with(organization, profile.application.account.pk)
    first = existing is None
    form = GuidanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.guidance_send(
                actor=request.user, organization=organization, public_id=public_id,
                subject=form.cleaned_data["subject"], body=form.cleaned_data["body"],
            )
        except services.SendRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("案内メッセージを送信しました。"))
            return redirect("messaging_orgs:detail", conversation_id=message.conversation_id)
    return render(request, "messaging/org_guide.html", {
        "form": form, "profile": profile, "first": first, "existing": existing,
        "remaining": services.guidance_remaining(organization),
        # The record as the first message will carry it, read-only (SPEC rule 12).
        "on_record": disclosures_snapshot(organization) if first else None,
        "refusal": guidance_disclosures_refusal(organization) if first else "",
    })


@member_required
@replica_reads
def inbox(request):
    """Conversations, unread replies first; ?filter=apply shows those with 求職申込み希望."""
    apply_only = request.GET.get("filter") == "apply"
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    if not 1 <= number <= PAGE_MAX:  # past it the row offset would overflow the database's bigint
        number = 1
    rows, has_next = selectors.org_inbox_page(request.organization, page=number, apply_only=apply_only)
    return render(request, "messaging/org_inbox.html", {
        "rows": rows, "has_next": has_next, "number": number, "apply_only": apply_only,
        "remaining": services.guidance_remaining(request.organization),
    })


@member_required
@require_http_methods(["GET", "POST"])
def detail(request, conversation_id):
    """One conversation. While the profile is visible the thread is shown (with the reply form
    unless the seeker declined); once it is withdrawn from the organisation (a block, receive
    conditions) the page says only that the conversation ended (SPEC rule 8)."""
    organization = request.organization
    conversation = get_conversation_for(organization, conversation_id)
    readable = conversation.org_access.shows_content
    initial = {"kind": Message.Kind.ANSWER}
    procedure_sent = readable and conversation.apply_requested_at is not None and selectors.thread(
        conversation
    ).filter(kind=Message.Kind.PROCEDURE, created_at__gte=conversation.apply_requested_at).exists()
    if readable and conversation.apply_requested_at and not procedure_sent:
        initial = {"kind": Message.Kind.PROCEDURE, "subject": _("求職申込みの手続きについて"),
                   "body": organization.contact_procedure}
    form = OrgReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_reply(actor=request.user, organization=organization, conversation=conversation,
                               kind=form.cleaned_data["kind"], subject=form.cleaned_data["subject"],
                               body=form.cleaned_data["body"])
        except services.SendRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("メッセージを送信しました。"))
            return redirect("messaging_orgs:detail", conversation_id=conversation.pk)
    if readable:
        services.org_mark_read(organization=organization, conversation=conversation)
    return render(request, "messaging/org_detail.html", {
        "conversation": conversation, "access": conversation.org_access,
        "thread": list(selectors.thread(conversation)) if readable else [], "form": form,
        "procedure_sent": procedure_sent,
    })
