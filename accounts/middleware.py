import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_KEY = "_last_activity"


class IdleTimeoutMiddleware:
    """Ends a session left idle longer than its role allows (settings.SESSION_IDLE_SECONDS)."""

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
