"""The seekers' side of messaging: /seekers/messages/ (メッセージ一覧) and one message with its thread."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from seekers import selectors as seeker_selectors
from seekers import services as seeker_services
from seekers.access import seeker_required

from . import selectors, services
from .access import SeekerWrite, get_message_for, seeker_may_write
from .forms import SeekerReplyForm

PAGE_SIZE = 20


@seeker_required
def inbox(request):
    """メッセージ一覧 with the leaflet's columns. Queries: the count and the page (with the
    organisation joined), plus the header's unread count."""
    paginator = Paginator(selectors.seeker_inbox(request.seeker_account), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    first_number = paginator.count - (page.number - 1) * PAGE_SIZE
    rows = [(first_number - index, message) for index, message in enumerate(page.object_list)]
    return render(request, "messaging/seeker_inbox.html", {"page": page, "rows": rows})


@seeker_required
@require_http_methods(["GET", "POST"])
def detail(request, message_id):
    """One message and its thread; opening it marks it 読了. Reply (問い合わせ / 求職申込み希望),
    辞退 and ブロック are offered here."""
    account = request.seeker_account
    message = get_message_for(account, message_id)
    conversation = message.conversation
    form = SeekerReplyForm(request.POST or None)
    pii_findings = []
    if request.method == "POST":
        action = request.POST.get("action", "reply")
        if action == "block":
            seeker_services.block_add(actor=request.user, account=account, organization=conversation.organization)
            messages.success(request, _("この利用団体をブロックしました。この団体はあなたの求職情報を閲覧できず、メッセージも送れません。"))
            return redirect("messaging_seekers:detail", message_id=message.pk)
        try:
            if action == "decline":
                services.seeker_decline(actor=request.user, account=account, conversation=conversation)
                messages.success(request, _("辞退を送信しました。このやりとりは終了しました。"))
                return redirect("messaging_seekers:detail", message_id=message.pk)
            if form.is_valid():
                data = form.cleaned_data
                services.seeker_reply(actor=request.user, account=account, conversation=conversation,
                                      kind=data["kind"], subject=data["subject"], body=data["body"],
                                      confirm_pii=data["confirm_pii"])
                messages.success(request, _("返信を送信しました。"))
                return redirect("messaging_seekers:detail", message_id=message.pk)
        except services.PiiUnconfirmed as refused:
            pii_findings = refused.findings
            form.add_error("confirm_pii", refused.message)
        except services.SendRefused as refused:
            form.add_error(None, refused.message)
    services.seeker_mark_read(account=account, conversation=conversation)
    conversation.refresh_from_db(fields=["declined_at", "apply_requested_at"])
    today = timezone.localdate()
    # The reply form and 辞退 are offered exactly when the service would accept them (the same
    # predicate); ブロック from any thread while the seeker is still reachable.
    write = seeker_may_write(account, conversation, today=today)
    blocked = seeker_selectors.is_blocked(account=account, organization_id=conversation.organization_id)
    return render(request, "messaging/seeker_detail.html", {
        "message": message, "conversation": conversation, "thread": selectors.thread(conversation),
        "form": form, "pii_findings": pii_findings, "blocked": blocked, "write": write,
        "can_reply": write == SeekerWrite.ALLOWED,
        "can_block": not blocked and account.reachability(today) == account.Reachability.REACHABLE,
    })
