"""State changes of user accounts that staff make (issue: verified email changes).

Nobody changes a login email on the site itself: allauth's /accounts/email/ page is not mounted
(accounts/urls.py puts an explanation in its place), so an address typed by whoever holds a session can never become the login. Staff
change it in admin on the person's request, and the old address is told."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit
from .mail import email_queue
from .models import AuditEvent, OutgoingEmail, User


def user_email_change(*, actor, user: User, email: str) -> User:
    """Change `user`'s email (members and staff log in with it; seekers receive their 認証キー at it).

    The row is locked so two staff saving at once leave one audit trail per change; allauth's own
    address rows are dropped so the old address can no longer sign in or receive a reissue link. A
    notice goes to the old address (queued on commit)."""
    email = User.objects.normalize_email(email.strip())
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        before = locked.email
        if email.lower() == before.lower():
            return locked
        if locked.role != User.Role.SEEKER and (
            User.objects.exclude(pk=locked.pk).exclude(role=User.Role.SEEKER).filter(email__iexact=email).exists()
        ):
            raise ValidationError({"email": _("このメールアドレスは他の利用者が使っています。")})
        locked.email = email
        locked.save(update_fields=["email"])
        EmailAddress.objects.filter(user=locked).delete()
        audit(actor=actor, verb=AuditEvent.Verb.USER_EMAIL_CHANGE, target=locked, before=before, after=email)
        if before:
            email_queue(
                to=before, template="accounts/email/email_changed", kind=OutgoingEmail.Kind.ACCOUNT_NOTICE,
                context={"user": locked, "new_email": email},
            )
    user.email = email
    return locked
