"""The seekers' own pages under /seekers/: 利用登録 (STEP 1), the 認証キー (STEP 2), the review before
publication, home, the profile as organisations see it, the receive conditions, blocks and the stop."""

from datetime import datetime, timedelta
from email.utils import parseaddr

from allauth.account.internal.decorators import login_stage_required
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.dates import format_clock, format_moment
from config.converters import parse_id

from . import selectors, services, throttles
from .access import seeker_required
from .forms import (
    AuthKeyForm,
    ConditionsForm,
    OrganizationNameForm,
    ProfileReviewForm,
    RegistrationForm,
    StopForm,
    UserIdReminderForm,
)
from .models import Profile, profile_prefetches
from .presenters import profile_rows
from .search.reidentification import reidentification_check
from .search.visibility import organizations_seeing
from .stages import AuthKeyStage

# Lazy: a module-level string must be translated per request, not once at import. One message for
# every refusal (unknown number, wrong birth date, not eligible, another email than the one given to
# Hello Work, the number or the address locked after repeated failures): nothing is revealed.
REFUSAL = gettext_lazy(
    "入力された内容では利用登録できません。"
    "求職番号・生年月日・メールアドレスをご確認ください。ハローワークにメールアドレスを届け出た方は、"
    "そのアドレスを入力してください。求職申込みがお済みでない方、求職情報提供サービスの利用を希望しない旨を"
    "お伝えいただいた方、求職申込みの有効期限が過ぎた方、すでに利用登録された方は登録できません。"
    "入力の誤りが続いた場合は、安全のため、この画面からの利用登録をしばらく受け付けません。"
    "その場合やご不明な点は、求職申込みをしたハローワークにお問い合わせください。"
)


@require_http_methods(["GET", "POST"])
def register(request):
    """利用登録 (STEP 1). Every refusal gives the same message and status (no enumeration)."""
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.seeker_register(
                kyushoku_number=data["kyushoku_number"], birth_date=data["birth_date"], email=data["email"],
                password=data["password1"], terms_version=settings.TERMS_VERSION,
                client_address=throttles.client_address(request),
            )
        except services.NotEligible:
            form.add_error(None, REFUSAL)
        else:
            request.session["registered_email"] = registration.email
            request.session["registered_key_expires_at"] = registration.key_expires_at.isoformat()
            return redirect("seekers_seekers:register_done")
    return render(request, "seekers/register.html", {"form": form, "terms_version": settings.TERMS_VERSION})


def register_done(request):
    """Where the mail went, until when its 認証キー works, and what to do when no mail arrives."""
    expires_at = request.session.pop("registered_key_expires_at", "")
    return render(request, "seekers/register_done.html", {
        "email": request.session.pop("registered_email", ""),
        "key_expires_at": datetime.fromisoformat(expires_at) if expires_at else None,
        "key_minutes": int(settings.AUTH_KEY_LIFETIME.total_seconds() // 60),
        **_sender(),
    })


def _sender() -> dict:
    """The address and domain the site's mail comes from, for the advice on 迷惑メール filters."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return {"sender": address, "sender_domain": address.rpartition("@")[2]}


# Over the limit the page says so (429): the limit counts every request, matched or not, so saying
# so tells nothing about any account.
USER_ID_REMINDER_LIMITED = gettext_lazy(
    "ユーザIDのお知らせの申込みが続いたため、しばらく受け付けられません。1時間ほどたってから、もう一度お試しください。"
    "お急ぎの場合は、求職申込みをしたハローワークにお問い合わせください。"
)


@require_http_methods(["GET", "POST"])
def forgot_user_id(request):
    """ユーザIDを忘れた方: 求職番号, 生年月日 and the registered email; the ユーザID goes to that email.
    The page answers the same whatever was typed (no enumeration)."""
    form = UserIdReminderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_id_remind(
                kyushoku_number=data["kyushoku_number"], birth_date=data["birth_date"], email=data["email"],
                client_address=throttles.client_address(request),
            )
        except services.UserIdReminderLimited:
            form.add_error(None, USER_ID_REMINDER_LIMITED)
            return render(request, "seekers/forgot_user_id.html", {"form": form}, status=429)
        return render(request, "seekers/forgot_user_id_done.html", _sender())
    return render(request, "seekers/forgot_user_id.html", {"form": form})


def _auth_key_message(error: services.AuthKeyError) -> str:
    if error.code == "wrong":
        return _("認証キーが正しくありません。あと%(n)d回入力できます。") % {"n": error.remaining}
    if error.code == "locked":
        return _(
            "認証キーの入力誤りが%(n)d回に達したため、この認証キーは使えなくなりました。"
            "「認証キーを再発行する」から新しい認証キーを受け取ってください。"
        ) % {"n": settings.AUTH_KEY_MAX_TRIES}
    if error.code == "expired":
        return _(
            "認証キーの有効期限(発行から30分)が過ぎました。"
            "「認証キーを再発行する」から新しい認証キーを受け取ってください。"
        )
    return _("有効な認証キーがありません。「認証キーを再発行する」から新しい認証キーを受け取ってください。")


def _reissue_limited_message(retry_at) -> str:
    # Rounded up to the minute, so "from 14:06" is never a few seconds too early.
    at = timezone.localtime(retry_at)
    if at.second or at.microsecond:
        at = at.replace(second=0, microsecond=0) + timedelta(minutes=1)
    when = format_clock(at) if at.date() == timezone.localdate() else format_moment(at)
    return _(
        "認証キーの再発行は1時間に%(n)d回までです。次に再発行できるのは%(when)s以降です。"
        "届いている最新のメールの認証キーをお使いいただくか、時間をおいてからもう一度お試しください。"
    ) % {"n": settings.AUTH_KEY_REISSUES_PER_HOUR, "when": when}


@login_stage_required(stage=AuthKeyStage.key, redirect_urlname="account_login")
@require_http_methods(["GET", "POST"])
def auth_key(request):
    """認証キー入力 (STEP 2), the second step of the first login."""
    stage = request._login_stage
    account = stage.login.user.seeker_account
    if request.method == "POST" and "reissue" in request.POST:
        try:
            services.auth_key_reissue(account=account)
        except services.AuthKeyReissueLimited as limited:
            messages.error(request, _reissue_limited_message(limited.retry_at))
        else:
            messages.success(
                request,
                _("新しい認証キーを登録メールアドレスに送信しました。以前の認証キーは使えません。30分以内に入力してください。"),
            )
        return redirect("seekers_seekers:auth_key")
    form = AuthKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.auth_key_verify(account=account, key=form.cleaned_data["auth_key"])
        except services.AuthKeyError as error:
            form.add_error("auth_key", _auth_key_message(error))
        else:
            messages.success(request, _("初回ログインが完了しました。"))
            return stage.exit()
    return render(request, "seekers/auth_key.html", {
        "form": form, "user_id": account.user.username, "reissues_per_hour": settings.AUTH_KEY_REISSUES_PER_HOUR,
    })


@seeker_required
def home(request):
    account = request.seeker_account
    return render(request, "seekers/home.html", {
        "account": account, "reachability": account.reachability(timezone.localdate()),
    })


@seeker_required
@require_http_methods(["GET"])
def stop(request):
    """アカウント利用停止 (Q4), the first step: what a stop does and how it is undone (at Hello Work),
    said before anything can be confirmed (SPEC rule 9); once stopped, since when."""
    return render(request, "seekers/stop.html", {"account": request.seeker_account})


@seeker_required
@require_http_methods(["GET", "POST"])
def stop_confirm(request):
    """The stop's second step: the consequences again, the confirmation box and the password."""
    account = request.seeker_account
    if account.stopped_at is not None:
        return redirect("seekers_seekers:stop")
    form = StopForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.seeker_stop(actor=request.user, account=account)
        messages.success(request, _("求職情報の提供を停止しました。利用団体からは求職情報が見えなくなりました。"))
        return redirect("seekers_seekers:stop")
    return render(request, "seekers/stop_confirm.html", {"form": form, "account": account})


def terms(request):
    return render(request, "seekers/terms.html", {"terms_version": settings.TERMS_VERSION})


def _own_profile(account):
    return (
        Profile.objects.select_related("desired_prefecture", "application")
        .prefetch_related(*profile_prefetches())
        .get(pk=account.application_id)
    )


@seeker_required
def profile(request):
    """My profile exactly as organisations see it, with who can see it and who looked."""
    account = request.seeker_account
    own = _own_profile(account)
    return render(request, "seekers/profile.html", {
        "account": account,
        "profile": own,
        "rows": profile_rows(own, for_organization=False),
        "withheld": services.withheld_explained(own),
        "reidentification": reidentification_check(own),
        "organizations_count": organizations_seeing(account).count(),
        "views": selectors.views_of(own),
    })


ALREADY_CONFIRMED = gettext_lazy("公開前の確認は済んでいます。利用団体に表示される内容は、この画面で確認できます。")


@seeker_required(before_review=True)
@require_http_methods(["GET", "POST"])
def profile_review(request):
    """公開前の確認 (SPEC rule 15): after the 認証キー, the profile exactly as organisations will see
    it (the same rows and include as their profile page, withheld fields as withheld) with what the
    PII guard found; provision starts when the seeker ticks the box and confirms. Once confirmed,
    the page (and any POST to it) sends them to their profile page."""
    account = request.seeker_account
    if account.profile_confirmed_at is not None:
        messages.info(request, ALREADY_CONFIRMED)
        return redirect("seekers_seekers:profile")
    # Bound on every POST, also one without the box (it says the box is needed).
    form = ProfileReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not services.profile_review_confirm(actor=request.user, account=account):
            messages.info(request, ALREADY_CONFIRMED)
            return redirect("seekers_seekers:profile")
        messages.success(request, _(
            "求職情報の提供を始めました。提供先区分とメッセージ受信条件に合う利用団体が、確認した内容を閲覧できます。"
        ))
        return redirect("seekers_seekers:home")
    own = _own_profile(account)
    return render(request, "seekers/profile_review.html", {
        "account": account,
        "profile": own,
        "rows": profile_rows(own, for_organization=True),
        "withheld": services.withheld_explained(own),
        "reidentification": reidentification_check(own),
        "form": form,
    })


@seeker_required
@require_http_methods(["GET", "POST"])
def conditions(request):
    """メッセージ受信条件設定 (Q1)."""
    account = request.seeker_account
    own = Profile.objects.get(pk=account.application_id)
    # Bound on POST even when every box is unticked (that clears the conditions).
    form = ConditionsForm(request.POST if request.method == "POST" else None, profile=own)
    if request.method == "POST" and form.is_valid():
        try:
            services.conditions_set(
                actor=request.user, account=account, kinds=form.bits("kinds"), regions=form.bits("regions"),
                industries=form.bits("industries"), occupations=form.bits("occupations"),
                privacy_mark=form.cleaned_data["privacy_mark"],
            )
        except services.SeekerReadOnly as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("メッセージ受信条件を保存しました。条件に合わない利用団体には求職情報が公開されません。"))
            return redirect("seekers_seekers:conditions")
    return render(request, "seekers/conditions.html", {
        "form": form, "organizations_count": organizations_seeing(account).count(),
    })


@seeker_required
@require_http_methods(["GET", "POST"])
def blocks(request):
    """ブロック設定: the blocked organisations with 解除, and the search by name that blocks an
    organisation in advance, before it ever writes (SPEC rule 8). Whether either is offered is
    block_check / unblock_check, which the services refuse with."""
    account = request.seeker_account
    if request.method == "POST":
        organization_id = parse_id(request.POST.get("unblock")) or 0
        try:
            if services.block_remove(actor=request.user, account=account, organization_id=organization_id):
                messages.success(request, _("ブロックを解除しました。"))
        except services.BlockRefused as refused:
            messages.error(request, refused.message)
        return redirect("seekers_seekers:blocks")
    today = timezone.localdate()
    blocked = list(selectors.blocks_of(account))
    changes = services.unblock_check(account, today=today)
    form = OrganizationNameForm(request.GET if "name" in request.GET else None)
    found = []
    if changes == services.BlockCheck.ALLOWED and form.is_valid():
        blocked_ids = {block.organization_id for block in blocked}
        found = [
            (organization, services.block_check(account, organization, blocked=organization.pk in blocked_ids,
                                                today=today))
            for organization in selectors.organizations_to_block(form.cleaned_data["name"], today=today)
        ]
    limit = selectors.ORGANIZATION_SEARCH_LIMIT
    return render(request, "seekers/blocks.html", {
        "blocks": blocked, "changes": changes, "form": form, "found": found[:limit], "more": len(found) > limit,
        "limit": limit,
    })


@seeker_required
@require_http_methods(["GET", "POST"])
def block_organization(request, organization_id):
    """ブロックの確認 for an organisation chosen by name on ブロック設定 or from メッセージ一覧: what a block
    does and that it is undone on ブロック設定, before it is done; only this page's POST blocks. An id
    that names no blockable organisation (never approved, revoked, unknown) gets one answer, a 404
    with block_check's reason, so the page tells nothing about organisations the seeker cannot see."""
    account = request.seeker_account
    today = timezone.localdate()
    organization = selectors.organizations_blockable(today).filter(pk=organization_id).first()
    back = _local_next(request)
    if request.method == "POST":
        try:
            block = services.block_add(actor=request.user, account=account, organization_id=organization_id)
        except services.BlockRefused as refused:
            check = refused.check
        else:
            messages.success(request, _("%(name)s をブロックしました。この団体はあなたの求職情報を閲覧できず、メッセージも送れません。")
                             % {"name": block.organization.name})
            return redirect(back or "seekers_seekers:blocks")
    else:
        blocked = organization is not None and selectors.is_blocked(account=account, organization_id=organization.pk)
        check = services.block_check(account, organization, blocked=blocked, today=today)
    return render(request, "seekers/block_organization.html", {
        "organization": organization if check != services.BlockCheck.UNAVAILABLE else None, "check": check,
        "back": back,
    }, status=404 if check == services.BlockCheck.UNAVAILABLE else 200)


def _local_next(request) -> str:
    """Where the seeker came from (メッセージ一覧 links here with ?next=), when it is a path of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
