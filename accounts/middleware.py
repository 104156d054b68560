import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

SESSION_KEY = "_last_activity"
# The idle stamp is rewritten only when it is at least this old (seconds).
STAMP_EVERY = 60


class RequestBodyLimitMiddleware:
    """Refuses a request whose declared body is over settings.REQUEST_BODY_MAX_SIZE with a 413 page,
    before anything reads it. Django's own DATA_UPLOAD_MAX_MEMORY_SIZE check covers form fields only:
    the file parts of a multipart body are streamed to memory or disk whatever their size, and the CSRF
    check parses any POST. Only the declared Content-Length counts, because Django reads no more than it
    (a body without one is read as empty)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.REQUEST_BODY_MAX_SIZE:
            return render(request, "413.html", {"limit_mib": settings.REQUEST_BODY_MAX_SIZE // (1024 * 1024)},
                          status=413)
        return self.get_response(request)


class RefuseNulMiddleware:
    """A NUL character in the path answers 404, before any view; in the query string it becomes U+FFFD.
    No URL of the site contains NUL and no link or form puts one in a query, so such a request is a
    crafted one; PostgreSQL refuses NUL in text, so it must never reach a query (the admin's object
    ids and filters, allauth's keys). Replacing it (not dropping it: a value with a NUL is not the value
    without) rather than answering 400 lets each parameter take its usual road (a tampered search
    cursor shows the first page, an admin search finds nothing). Form bodies are
    left to the forms, which refuse NUL next to the field like any other bad value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404
        if "\x00" in request.GET.urlencode() or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", "\ufffd"), [value.replace("\x00", "\ufffd") for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)


class NoStoreWhenSignedInMiddleware:
    """Every page answered to a signed-in user (and the answer that signs one out) is `no-store,
    private`, so neither a shared computer's back button nor a proxy's cache shows it after logout.
    Static files never get here (WhiteNoise answers them first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if signed_in or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private, max-age=0
        return response


class IdleTimeoutMiddleware:
    """Ends a session left idle longer than its role allows (settings.SESSION_IDLE_SECONDS).

    The last-activity stamp is written only when the stored one is at least STAMP_EVERY seconds old,
    so a session row is saved at most once a minute instead of on every request (a savepoint, an
    UPDATE and a release each time). The trade-off: the stored stamp may lag the real last request by
    up to 59 seconds, so a session ends between limit-59 s and limit after its last request; it is
    exact to the minute and never outlives its limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            limit = settings.SESSION_IDLE_SECONDS.get(user.role, 30 * 60)
            now = int(time.time())
            last = request.session.get(SESSION_KEY)
            if last is not None and now - int(last) > limit:
                logout(request)
                messages.info(request, _("一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。"))
                return redirect(f"{settings.LOGIN_URL}?next={request.path}")
            if last is None or now - int(last) >= STAMP_EVERY:
                request.session[SESSION_KEY] = now
        return self.get_response(request)


class RequireMFAMiddleware:
    """With settings.REQUIRE_MFA, members and staff must have set up TOTP before any page other than
    the account screens opens (organisation pages and /admin/ alike)."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_MFA
            and user is not None
            and user.is_authenticated
            and user.role in ("member", "staff")
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(user):
                messages.warning(
                    request, _("この画面を使うには、先に2段階認証(認証アプリ)の設定が必要です。")
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
