"""The organisations' side of messaging: the guidance form (/orgs/seekers/<public_id>/guide/), guidance
to many seekers ticked in the search results (/orgs/guidance/…), the inbox (/orgs/messages/) and one
conversation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.db_router import replica_reads
from organizations.access import member_required
from organizations.services import disclosures_snapshot, guidance_disclosures_refusal
from seekers.access import get_profile_for

from . import selectors, services
from .access import get_batch_for, get_conversation_for, get_guidance_template_for
from .forms import GuidanceBatchForm, GuidanceForm, GuidanceTemplateForm, OrgReplyForm
from .models import Message

# Far past any inbox's last page; a larger number is garbage, not a page (see inbox).
PAGE_MAX = 1_000_000


@member_required
@require_http_methods(["GET", "POST"])
def guide(request, public_id):
    """案内メッセージを送る: from a visible profile only (SPEC rule 10)."""
    organization = request.organization
    profile = get_profile_for(organization, public_id, rows=False)  # the form names it only
    existing = selectors.org_conversation_with(organization, profile.application.account.pk)
    first = existing is None
    # ?template=<id> fills the form from one of the organisation's templates (404 for another's).
    chosen = get_guidance_template_for(organization, request.GET["template"]) if request.GET.get("template") else None
    form = GuidanceForm(request.POST or None, templates=selectors.guidance_templates(organization), template=chosen)
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
    # What is left of today's cap is in every organisation page's header (context processor).
    return render(request, "messaging/org_inbox.html", {
        "rows": rows, "has_next": has_next, "number": number, "apply_only": apply_only,
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


# --- guidance templates (issue 16): every member of the organisation uses and keeps them -------------


@member_required
def templates(request):
    return render(request, "messaging/org_templates.html", {
        "templates": selectors.guidance_templates(request.organization),
        "limit": services.GUIDANCE_TEMPLATES_PER_ORGANIZATION,
    })


@member_required
@require_http_methods(["GET", "POST"])
def template_new(request):
    form = GuidanceTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.guidance_template_create(actor=request.user, organization=request.organization, **form.cleaned_data)
        except services.TemplateRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("テンプレートを作成しました。"))
            return redirect("messaging_orgs:templates")
    return render(request, "messaging/org_template_form.html", {"form": form, "creating": True})


@member_required
@require_http_methods(["GET", "POST"])
def template_edit(request, template_id):
    template = get_guidance_template_for(request.organization, template_id)
    form = GuidanceTemplateForm(request.POST or None, initial={
        "name": template.name, "subject": template.subject, "body": template.body,
    })
    if request.method == "POST" and form.is_valid():
        try:
            services.guidance_template_update(actor=request.user, template=template, **form.cleaned_data)
        except services.TemplateRefused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("テンプレートを変更しました。"))
            return redirect("messaging_orgs:templates")
    return render(request, "messaging/org_template_form.html", {"form": form, "template": template, "creating": False})


@member_required
@require_http_methods(["GET", "POST"])
def template_delete(request, template_id):
    """The page says what will go; the POST deletes it."""
    template = get_guidance_template_for(request.organization, template_id)
    if request.method == "POST":
        services.guidance_template_delete(actor=request.user, template=template)
        messages.success(request, _("テンプレート「%(name)s」を削除しました。") % {"name": template.name})
        return redirect("messaging_orgs:templates")
    return render(request, "messaging/org_template_delete.html", {"template": template})


@member_required
@require_http_methods(["GET", "POST"])
def batch_new(request):
    """One guidance to the seekers ticked in the search results (GET from the results: `public_id`
    for the ticked ones, or `scope=page` with every `page_id` of the page). Whether the
    organisation sees them is decided when it is sent; this page only repeats the ids it was given."""
    organization = request.organization
    templates = selectors.guidance_templates(organization)
    if request.method == "POST":
        form = GuidanceBatchForm(request.POST, templates=templates)
        if form.is_valid():
            try:
                batch = services.guidance_batch_create(
                    actor=request.user, organization=organization, public_ids=form.cleaned_data["public_id"],
                    subject=form.cleaned_data["subject"], body=form.cleaned_data["body"],
                )
            except services.SendRefused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("案内メッセージの送信を受け付けました。送信の進み具合はこのページで確認できます。"))
                return redirect("messaging_orgs:batch_detail", batch_id=batch.pk)
    else:
        key = "page_id" if request.GET.get("scope") == "page" else "public_id"
        # ?template=<id> fills subject and body as on the one-seeker form (404 for another organisation's).
        chosen = get_guidance_template_for(organization, request.GET["template"]) if request.GET.get("template") else None
        form = GuidanceBatchForm(initial={"public_id": form_ids(request.GET.getlist(key))}, templates=templates,
                                 template=chosen)
    ids = form_ids(form["public_id"].value())
    return render(request, "messaging/org_batch_new.html", {
        "form": form, "ids": ids, "ids_problem": _ids_problem(form, ids),
        "on_record": disclosures_snapshot(organization),
        "refusal": guidance_disclosures_refusal(organization),
    })


def form_ids(value) -> list[str]:
    return GuidanceBatchForm.base_fields["public_id"].to_python(value)


def _ids_problem(form, ids) -> str:
    """What is wrong with the ticked ids, said before the member writes anything."""
    try:
        form.fields["public_id"].validate(ids)
    except ValidationError as error:
        return error.messages[0]
    return ""


@member_required
def batch_list(request):
    """The organisation's batches, newest first, with their progress."""
    return render(request, "messaging/org_batch_list.html", {
        "batches": list(selectors.org_batches(request.organization)[:50]),
    })


@member_required
def batch_detail(request, batch_id):
    """A batch's progress: 送信済み / 送信せず / 送信待ち, the skipped ids and why. Reads the rows each
    time, so a reload (and the page's own refresh while sending) shows where it is."""
    batch = get_batch_for(request.organization, batch_id)
    return render(request, "messaging/org_batch_detail.html", {
        "batch": batch, "progress": selectors.batch_progress(batch),
    })
