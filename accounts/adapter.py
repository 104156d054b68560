from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .mail import enqueue_on_commit
from .models import OutgoingEmail


class AccountAdapter(DefaultAccountAdapter):
    """Nobody signs up through allauth: seekers register with their 求職番号 at /seekers/register/,
    and staff create organisation members in admin."""

    def is_open_for_signup(self, request):
        return False

    def get_login_stages(self):
        stages = super().get_login_stages()
        # The seeker's 認証キー comes right after the password (before any MFA stage).
        stages.insert(0, "seekers.stages.AuthKeyStage")
        return stages

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

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="",
                    message=None):
        # allauth's "logged in as …" would repeat what the page already shows (ユーザID in the header).
        if message_template == "account/messages/logged_in.txt":
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def get_login_redirect_url(self, request):
        user = request.user
        if user.role == "seeker":
            return "/seekers/"
        if user.role == "member":
            return "/orgs/seekers/"
        if user.is_staff:
            return "/admin/"
        return "/"

    def send_mail(self, template_prefix, email, context):
        """allauth's mails (password reissue) go through the outbox and Celery like every other mail."""
        from allauth.core.context import request as current_request
        from django.contrib.sites.shortcuts import get_current_site

        request = current_request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        with transaction.atomic():
            mail = OutgoingEmail.objects.create(
                to=email, subject=message.subject, body=message.body, html_body=html,
                kind=template_prefix.rsplit("/", 1)[-1],
            )
            enqueue_on_commit(mail.pk)


def login_refusal(user) -> str:
    """Why this user may not log in now, or "": a stopped seeker (SeekerAccount.reachability), a
    revoked organisation's member (Organization.status). Both are read through the user's own rows,
    since accounts sits below the apps that define them."""
    today = timezone.localdate()
    if user.role == "seeker":
        account = getattr(user, "seeker_account", None)
        if account is not None and account.reachability(today) == account.Reachability.STOPPED:
            return _(
                "このアカウントは利用停止されています。再開を希望する場合は、求職申込みをしたハローワークにご相談ください。"
            )
    if user.role == "member":
        membership = getattr(user, "membership", None)
        organization = membership.organization if membership is not None else None
        if organization is None or organization.status(today) == organization.Status.REVOKED:
            return _("この利用団体はサービスの利用を解除されているため、ログインできません。")
    return ""
