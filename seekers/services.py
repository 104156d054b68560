"""State changes of applications and seeker accounts (SPEC rules 1–5 and 9). Each service is one
transaction that writes an audit event; mail goes through the outbox and is queued on commit."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit
from accounts.mail import email_queue

from .keys import AUTH_KEY_LENGTH, USER_ID_LENGTH, auth_key_matches, hash_auth_key, random_code
from .models import AuthKey, JobApplication, SeekerAccount
from .validity import add_one_month_end

User = get_user_model()


class NotEligible(Exception):
    """Registration refused. Deliberately carries no reason: the screen says the same thing whatever
    failed, so nobody can probe other people's 求職番号 (SPEC rule 1)."""


class AuthKeyError(Exception):
    def __init__(self, code: str, remaining: int = 0):
        super().__init__(code)
        self.code = code  # "wrong", "expired", "locked", "none"
        self.remaining = remaining


def application_extend(*, actor, application_ids) -> int:
    """Staff's one-month extension of validity (SPEC rule 5): the end of the following month."""
    with transaction.atomic():
        applications = list(
            JobApplication.objects.select_for_update().filter(pk__in=list(application_ids)).only("pk", "valid_until")
        )
        for application in applications:
            before = application.valid_until
            application.valid_until = add_one_month_end(before)
            audit(actor=actor, verb="application.extend", target=application, before=str(before),
                  after=str(application.valid_until))
        JobApplication.objects.bulk_update(applications, ["valid_until"])
    return len(applications)


def eligible_applications(*, today: date):
    """SPEC rule 1: exists, within its validity, marked 希望する, no account yet."""
    return JobApplication.objects.filter(
        opt_in=JobApplication.OptIn.YES, valid_until__gte=today, applied_on__lte=today, account__isnull=True
    )


@dataclass(frozen=True)
class Registration:
    account: SeekerAccount
    user_id: str


def seeker_register(*, kyushoku_number: str, birth_date: date, email: str, password: str,
                    terms_version: str) -> Registration:
    """利用登録 (STEP 1): create the account with a new ユーザID, issue a 認証キー and mail both.

    The application row is locked (select_for_update) and SeekerAccount.application is one-to-one,
    so two simultaneous registrations for one application cannot both succeed."""
    today = timezone.localdate()
    try:
        with transaction.atomic():
            application = (
                eligible_applications(today=today)
                .select_for_update()
                .filter(kyushoku_number=kyushoku_number, identity__birth_date=birth_date)
                .first()
            )
            if application is None:
                raise NotEligible
            user = User(username=_new_user_id(), email=email, role=User.Role.SEEKER)
            user.set_password(password)
            user.save()
            account = SeekerAccount.objects.create(
                user=user, application=application, terms_version=terms_version, terms_agreed_at=timezone.now()
            )
            key = _issue_key(account)
            audit(actor=user, verb="seeker.register", target=account, terms_version=terms_version)
            email_queue(
                to=email,
                template="seekers/email/registered",
                context={"user_id": user.username, "auth_key": key.plain, "expires_at": key.expires_at,
                         "site_url": settings.SITE_URL},
                kind="auth_key",
            )
    except IntegrityError as exc:  # the other registration of the same application won
        raise NotEligible from exc
    return Registration(account=account, user_id=user.username)


def _new_user_id() -> str:
    while True:
        candidate = random_code(USER_ID_LENGTH)
        if not User.objects.filter(username=candidate).exists():
            return candidate


@dataclass(frozen=True)
class IssuedKey:
    plain: str
    expires_at: object


def _issue_key(account: SeekerAccount) -> IssuedKey:
    """Kill every live key of the account, then make a new one (caller holds the transaction)."""
    now = timezone.now()
    AuthKey.objects.filter(account=account, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    plain = random_code(AUTH_KEY_LENGTH)
    key = AuthKey.objects.create(
        account=account, key_hash=hash_auth_key(account.pk, plain), issued_at=now,
        expires_at=now + settings.AUTH_KEY_LIFETIME,
    )
    return IssuedKey(plain=plain, expires_at=key.expires_at)


def auth_key_reissue(*, account: SeekerAccount) -> None:
    """A new 認証キー by email; the old one stops working at once."""
    with transaction.atomic():
        account = SeekerAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
        if account.first_login_at is not None:
            return
        key = _issue_key(account)
        audit(actor=account.user, verb="seeker.auth_key_reissue", target=account)
        email_queue(
            to=account.user.email,
            template="seekers/email/auth_key",
            context={"user_id": account.user.username, "auth_key": key.plain, "expires_at": key.expires_at,
                     "site_url": settings.SITE_URL},
            kind="auth_key",
        )


def auth_key_verify(*, account: SeekerAccount, key: str) -> None:
    """The first login's second step (SPEC rule 3). Valid while now < issued + 30 minutes, once, with
    at most AUTH_KEY_MAX_TRIES wrong tries. The key row is locked (select_for_update) and consumed
    by a conditional update whose row count is checked, so of two simultaneous right answers only
    one completes the login. Raises AuthKeyError after committing the try count."""
    error = None
    with transaction.atomic():
        live = (
            AuthKey.objects.select_for_update()
            .filter(account=account, used_at__isnull=True, revoked_at__isnull=True)
            .order_by("-issued_at")
            .first()
        )
        now = timezone.now()
        if live is None:
            error = AuthKeyError("none")
        elif now >= live.expires_at:
            error = AuthKeyError("expired")
        elif live.failed_tries >= settings.AUTH_KEY_MAX_TRIES:
            error = AuthKeyError("locked")
        elif not auth_key_matches(account.pk, key, live.key_hash):
            live.failed_tries += 1
            live.save(update_fields=["failed_tries"])
            remaining = settings.AUTH_KEY_MAX_TRIES - live.failed_tries
            error = AuthKeyError("wrong" if remaining else "locked", remaining=remaining)
            audit(actor=account.user, verb="seeker.auth_key_wrong", target=account, tries=live.failed_tries)
        elif AuthKey.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now) != 1:
            error = AuthKeyError("none")
        else:
            SeekerAccount.objects.filter(pk=account.pk, first_login_at__isnull=True).update(first_login_at=now)
            audit(actor=account.user, verb="seeker.first_login", target=account)
    if error is not None:
        raise error
    account.first_login_at = account.first_login_at or timezone.now()


def seeker_stop(*, actor, account: SeekerAccount) -> SeekerAccount:
    """アカウント利用停止 (SPEC rule 9, Q4): provision stops at once."""
    with transaction.atomic():
        updated = SeekerAccount.objects.filter(pk=account.pk, stopped_at__isnull=True).update(stopped_at=timezone.now())
        if updated:
            audit(actor=actor, verb="seeker.stop", target=account)
    account.refresh_from_db()
    return account


def seeker_resume(*, actor, account: SeekerAccount) -> SeekerAccount:
    """Staff undo a stop at the seeker's request."""
    with transaction.atomic():
        updated = SeekerAccount.objects.filter(pk=account.pk, stopped_at__isnull=False).update(stopped_at=None)
        if updated:
            audit(actor=actor, verb="seeker.resume", target=account)
    account.refresh_from_db()
    return account
