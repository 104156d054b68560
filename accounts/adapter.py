import unicodedata

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .codes import normalize_code
from .mail import mail_render, outbox_write
from .models import OutgoingEmail


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up through allauth: seekers register with their 求職番号 at /seekers/register/,
    and staff create organisation members in admin."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The login failed with an email typed. Members and staff sign in with their email, seekers
        # never do, so the message speaks to both; it is the same whether or not any account has
        # that address (templates/account/login.html adds the way to 「ユーザIDを忘れた方」).
        "email_password_mismatch": gettext_lazy(
            "メールアドレスまたはパスワードが正しくありません。"
            "求職者の方は、メールアドレスではなく、利用登録のメールでお知らせしたユーザID(英数字8文字)でログインします。"
        ),
        "username_password_mismatch": gettext_lazy("ユーザIDまたはパスワードが正しくありません。"),
    }

    def is_open_for_signup(self, request):
        return False

    def get_login_stages(self):
        # settings.LOGIN_STAGES_FIRST (the seeker's 認証キー) before allauth's own stages (MFA).
        return [*settings.LOGIN_STAGES_FIRST, *super().get_login_stages()]

    def pre_login(self, request, user, **kwargs):
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        refusal = login_refusal(user)
        if refusal:
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(request, refusal)
            return redirect("account_login")
        return None

    def _get_login_attempts_cache_key(self, request, **credentials):
        # The per-account key of the login_failed limit, as the backend resolves the login: a ユーザID
        # typed in full width, lower case or with hyphens is one account (accounts.codes), and must
        # not get five more tries per spelling. allauth calls this hook for the count and for
        # clearing it after a password reset.
        email = credentials.get("email")
        if email:
            return "email:" + unicodedata.normalize("NFKC", email).strip().lower()
        return "user:" + normalize_code(credentials.get("username", ""))

    def pre_authenticate(self, request, **credentials):
        """A login refused by the login_failed limit answers 429 with the site's page (templates/429.html),
        like allauth's other limits, instead of a form error with 200."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError as error:
            if error.code == "too_many_login_attempts":
                raise ImmediateHttpResponse(respond_429(request)) from error
            raise

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="",
                    message=None):
        # allauth's "logged in as …" would repeat what the page already shows (ユーザID in the header).
        if message_template == "account/messages/logged_in.txt":
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def get_login_redirect_url(self, request):
        # Each role's first page is named in settings (LOGIN_REDIRECTS): accounts sits below the apps
        # whose pages they are.
        user = request.user
        role = "staff" if user.is_staff else user.role
        return reverse(settings.LOGIN_REDIRECTS.get(role, "home"))

    def format_email_subject(self, subject):
        """Subjects start with the site's name, as the site's own mails do (【求職情報提供サイト】…),
        never allauth's "[host] ": a government service's mail must not look like phishing."""
        return _("【求職情報提供サイト】") + subject

    def send_mail(self, template_prefix, email, context):
        """allauth's mails (password reissue) go through the outbox and Celery like every other mail.
        Those that carry a link are wiped once sent; the others are its notices. Login and password
        reset by code are off (allauth's defaults): turning them on needs their kinds here."""
        from dataclasses import replace

        from allauth.core.context import request as current_request
        from django.contrib.sites.shortcuts import get_current_site

        kinds = {
            "account/email/password_reset_key": OutgoingEmail.Kind.PASSWORD_RESET_KEY,
            "account/email/email_confirmation": OutgoingEmail.Kind.EMAIL_CONFIRMATION,
            "account/email/email_confirmation_signup": OutgoingEmail.Kind.EMAIL_CONFIRMATION,
        }
        request = current_request
        # requested_at: when the reissue was asked for, which the mail states (in Japan time).
        context = {"request": request, "email": email, "current_site": get_current_site(request),
                   "requested_at": timezone.now(), **context}
        mail = mail_render(to=email, kind=kinds.get(template_prefix, OutgoingEmail.Kind.ACCOUNT_NOTICE),
                           template=f"{template_prefix}_message", context=context,
                           subject_template=f"{template_prefix}_subject.txt")
        outbox_write([replace(mail, subject=self.format_email_subject(mail.subject))])


def login_refusal(user) -> str:
    """Why this user may not log in now, or "": a revoked or withdrawn organisation's member
    (Organization.status),
    read through the user's own rows, since accounts sits below the apps that define them. A stopped
    seeker signs in: their site is read-only (SPEC rule 9, SeekerAccount.read_only), and the services
    refuse whatever would send or change something."""
    today = timezone.localdate()
    if user.role == "member":
        membership = getattr(user, "membership", None)
        organization = membership.organization if membership is not None else None
        status = organization.status(today) if organization is not None else None
        if organization is None or status == organization.Status.REVOKED:
            return _("この利用団体はサービスの利用を解除されているため、ログインできません。")
        if status == organization.Status.WITHDRAWN:
            return _("この利用団体はサービスの利用を終了したため、ログインできません。")
    return ""
