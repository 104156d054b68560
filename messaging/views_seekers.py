"""The seekers' side of messaging: /seekers/messages/ (メッセージ一覧) and one message with its thread."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.db_router import replica_reads
from seekers import selectors as seeker_selectors
from seekers import services as seeker_services
from seekers.access import seeker_required

from . import selectors, services
from .access import SeekerWrite, get_message_for, seeker_may_write
from .forms import DeclineForm, SeekerReplyForm

PAGE_SIZE = 20


@seeker_required
@replica_reads
def inbox(request):
    """メッセージ一覧 with the leaflet's columns, and ブロック per organisation the page lists (the
    leaflet: the list is where a seeker blocks). Queries: the count with the header's unread count
    (one statement), and the page (with the organisation, whether it is blocked and the seeker's
    application)."""
    account = request.seeker_account
    total, unread = selectors.seeker_inbox_counts(account)
    paginator = Paginator(selectors.SeekerInboxPages(account), PAGE_SIZE)
    paginator.count = total  # counted above; Paginator would count again
    page = paginator.get_page(request.GET.get("page"))
    first_number = paginator.count - (page.number - 1) * PAGE_SIZE
    rows = [(first_number - index, message) for index, message in enumerate(page.object_list)]
    return render(request, "messaging/seeker_inbox.html", {
        "page": page, "rows": rows, "senders": _senders(page.object_list), "seeker_unread_count": unread,
    })


def _senders(messages_on_page) -> list[tuple]:
    """Each organisation of the page once, in the page's order, with what block_check says of it."""
    today = timezone.localdate()
    senders = {}
    for message in messages_on_page:
        if message.organization_id not in senders:
            senders[message.organization_id] = (message.organization, seeker_services.block_check(
                message.account, message.organization, blocked=message.sender_blocked, today=today))
    return list(senders.values())


@seeker_required
@require_http_methods(["GET", "POST"])
def detail(request, message_id):
    """One message and its thread; opening it marks it 読了. Replies (問い合わせ / 求職申込み希望) are
    sent from here; 辞退 and ブロック link to their confirmation pages."""
    account = request.seeker_account
    message = get_message_for(account, message_id)
    conversation = message.conversation
    form = SeekerReplyForm(request.POST or None)
    pii_findings = []
    if request.method == "POST":
        # 辞退 and ブロック cannot be undone from here, so they are done only from the pages that
        # say what they do; an old form or a hand-made POST lands on those pages and does nothing.
        action = request.POST.get("action", "reply")
        if action in CONFIRMED_ACTIONS:
            return redirect(CONFIRMED_ACTIONS[action], message_id=message.pk)
        if form.is_valid():
            data = form.cleaned_data
            sent, pii_findings = _send_or_show_refusal(form, lambda: services.seeker_reply(
                actor=request.user, account=account, conversation=conversation, kind=data["kind"],
                subject=data["subject"], body=data["body"], confirm_pii=data["confirm_pii"]))
            if sent:
                messages.success(request, _("返信を送信しました。"))
                return redirect("messaging_seekers:detail", message_id=message.pk)
    conversation.refresh_from_db(fields=["declined_at", "apply_requested_at"])
    # 読了 is what the seeker is shown: the messages of this page's thread, not one that arrives
    # while it is rendered (SPEC rule 14); those that were unread say so once, on this page.
    thread = list(selectors.thread(conversation))
    unread_ids = services.seeker_mark_read(account=account, messages=thread)
    today = timezone.localdate()
    # The reply form and 辞退 are offered exactly when the service would accept them (the same
    # predicate); ブロック from any thread, whatever its state, when block_add would accept it.
    write = seeker_may_write(account, conversation, today=today)
    blocked = seeker_selectors.is_blocked(account=account, organization_id=conversation.organization_id)
    block_check = seeker_services.block_check(account, conversation.organization, blocked=blocked, today=today)
    return render(request, "messaging/seeker_detail.html", {
        "message": message, "conversation": conversation, "thread": thread, "unread_ids": unread_ids,
        "form": form, "pii_findings": pii_findings, "blocked": blocked, "write": write,
        "can_reply": write == SeekerWrite.ALLOWED,
        "can_block": block_check == seeker_services.BlockCheck.ALLOWED,
    })


def _send_or_show_refusal(form, send) -> tuple[bool, list]:
    """Run one of the seeker's sends; a refusal goes onto the form (the PII one beside its checkbox,
    with the findings shown above the text). Returns (sent, findings)."""
    try:
        send()
    except services.PiiUnconfirmed as refused:
        form.add_error("confirm_pii", refused.message)
        return False, refused.findings
    except services.SendRefused as refused:
        form.add_error(None, refused.message)
        return False, []
    return True, []


CONFIRMED_ACTIONS = {"decline": "messaging_seekers:decline", "block": "messaging_seekers:block"}


@seeker_required
@require_http_methods(["GET", "POST"])
def decline(request, message_id):
    """辞退の確認: the text that will be sent (editable, prefilled) and what 辞退 does, before it is
    done. Only this page's POST declines."""
    account = request.seeker_account
    message = get_message_for(account, message_id)
    conversation = message.conversation
    form = DeclineForm(request.POST or None,
                       initial={"subject": services.DECLINE_SUBJECT, "body": services.DECLINE_BODY})
    pii_findings = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sent, pii_findings = _send_or_show_refusal(form, lambda: services.seeker_decline(
            actor=request.user, account=account, conversation=conversation, subject=data["subject"],
            body=data["body"], confirm_pii=data["confirm_pii"]))
        if sent:
            messages.success(request, _("辞退を送信しました。このやりとりは終了しました。"))
            return redirect("messaging_seekers:detail", message_id=message.pk)
    return render(request, "messaging/seeker_decline.html", {
        "message": message, "conversation": conversation, "form": form, "pii_findings": pii_findings,
        "write": seeker_may_write(account, conversation),
    })


@seeker_required
@require_http_methods(["GET", "POST"])
def block(request, message_id):
    """ブロックの確認 from a thread: what a block does (and that ブロック設定 undoes it), before it is
    done. Whether it is offered is seekers.services.block_check, which block_add refuses with."""
    account = request.seeker_account
    message = get_message_for(account, message_id)
    organization = message.conversation.organization
    if request.method == "POST":
        try:
            seeker_services.block_add(actor=request.user, account=account, organization_id=organization.pk)
        except seeker_services.BlockRefused as refused:
            check = refused.check
        else:
            messages.success(request, _("この利用団体をブロックしました。この団体はあなたの求職情報を閲覧できず、メッセージも送れません。"))
            return redirect("messaging_seekers:detail", message_id=message.pk)
    else:
        blocked = seeker_selectors.is_blocked(account=account, organization_id=organization.pk)
        check = seeker_services.block_check(account, organization, blocked=blocked)
    return render(request, "messaging/seeker_block.html", {
        "message": message, "organization": organization, "check": check,
        "may_block": check == seeker_services.BlockCheck.ALLOWED,
        "blocked": check == seeker_services.BlockCheck.ALREADY_BLOCKED,
    })
