"""State changes of applications and seeker accounts (SPEC rules 1–5 and 9). Each service is one
transaction that writes an audit event; mail goes through the outbox and is queued on commit."""

import hashlib
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, OuterRef, Q, Subquery, When
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.audit import audit
from accounts.mail import email_queue, enqueue_on_commit
from accounts.models import OutgoingEmail
from organizations.models import bits_of

from . import pii
from .facets import profile_facets
from .keys import AUTH_KEY_LENGTH, USER_ID_LENGTH, auth_key_matches, hash_auth_key, random_code
from .models import AuthKey, Block, JobApplication, Profile, ProfileView, SeekerAccount
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
        application_reopen_period(application_ids=[a.pk for a in applications])
        profile_sync_listing(application_ids=[a.pk for a in applications])
    return len(applications)


def application_reopen_period(*, application_ids) -> int:
    """An extension that reaches past today reopens an ended period, so its new end is marked and
    notified again by the nightly job."""
    return JobApplication.objects.filter(
        pk__in=list(application_ids), valid_until__gte=timezone.localdate(), period_ended_at__isnull=False
    ).update(period_ended_at=None)


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
                .select_for_update(of=("self",))
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
            template="seekers/email/registered",
            context={"user_id": account.user.username, "auth_key": key.plain, "expires_at": key.expires_at,
                     "site_url": settings.SITE_URL, "reissued": True},
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
            profile_publish(actor=account.user, account=account)
    if error is not None:
        raise error
    account.first_login_at = account.first_login_at or timezone.now()


def seeker_stop(*, actor, account: SeekerAccount) -> SeekerAccount:
    """アカウント利用停止 (SPEC rule 9, Q4): provision stops at once."""
    with transaction.atomic():
        updated = SeekerAccount.objects.filter(pk=account.pk, stopped_at__isnull=True).update(stopped_at=timezone.now())
        if updated:
            profile_sync_listing(application_ids=[account.application_id])
            audit(actor=actor, verb="seeker.stop", target=account)
    account.refresh_from_db()
    return account


def seeker_resume(*, actor, account: SeekerAccount) -> SeekerAccount:
    """Staff undo a stop at the seeker's request."""
    with transaction.atomic():
        updated = SeekerAccount.objects.filter(pk=account.pk, stopped_at__isnull=False).update(stopped_at=None)
        if updated:
            profile_sync_listing(application_ids=[account.application_id])
            audit(actor=actor, verb="seeker.resume", target=account)
    account.refresh_from_db()
    return account


# --- The published profile (SPEC rules 7, 8, 15) ----------------------------------------------------


def profile_sync_listing(*, application_ids) -> int:
    """Copy the application/account half of the visibility rule onto the profiles (set-based, one
    UPDATE): listed_until = 有効期限 while the seeker is reachable (SeekerAccount.objects.reachable:
    started, not stopped, period not ended), opted in and published; else NULL. The search compares
    listed_until with its own today, so a period still ends at midnight without a sync."""
    application = JobApplication.objects.filter(pk=OuterRef("pk"))
    reachable = SeekerAccount.objects.reachable(timezone.localdate()).filter(application_id=OuterRef("pk"))
    return Profile.objects.filter(pk__in=list(application_ids)).update(
        listed_provision=Subquery(application.values("provision")[:1]),
        listed_until=Case(
            When(
                Q(published_at__isnull=False)
                & Exists(reachable)
                & Exists(application.filter(opt_in=JobApplication.OptIn.YES)),
                then=Subquery(application.values("valid_until")[:1]),
            ),
            default=None,
        ),
    )


def profile_screen(*, actor, profile: Profile) -> Profile:
    """Run the PII guard over the free-text fields: a flagged field is withheld from organisations
    until staff release it (unless staff already released this very text). Rebuilds the keyword
    search text from the released fields only, and the search facets."""
    texts = {name: getattr(profile, name) or "" for name in Profile.FREE_TEXT_FIELDS}
    flagged = pii.screen(texts)
    withheld = {
        name: kinds for name, kinds in flagged.items() if profile.pii_reviewed.get(name) != _text_hash(texts[name])
    }
    search_text = " ".join(pii.normalize(t).lower() for n, t in texts.items() if t and n not in withheld)
    facets = profile_facets(profile)
    with transaction.atomic():
        Profile.objects.filter(pk=profile.pk).update(withheld=withheld, search_text=search_text, facets=facets)
        if withheld != profile.withheld:
            audit(actor=actor, verb="profile.screen", target=profile, withheld=withheld)
    profile.withheld, profile.search_text, profile.facets = withheld, search_text, facets
    return profile


def withheld_explained(profile: Profile) -> list[dict]:
    """For the seeker: which fields are withheld from organisations, and why."""
    return [
        {"field": Profile._meta.get_field(name).verbose_name, "reasons": [str(pii.LABELS[k]) for k in kinds]}
        for name, kinds in profile.withheld.items()
    ]


def profile_release_field(*, actor, profile: Profile, field: str) -> Profile:
    """Staff reviewed a withheld field and release its current text as it is."""
    if field not in Profile.FREE_TEXT_FIELDS:
        raise ValueError(field)
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(pk=profile.pk)
        profile.pii_reviewed = {**profile.pii_reviewed, field: _text_hash(getattr(profile, field) or "")}
        profile.save(update_fields=["pii_reviewed"])
        audit(actor=actor, verb="profile.release_field", target=profile, field=field)
        return profile_screen(actor=actor, profile=profile)


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def profile_publish(*, actor, account: SeekerAccount) -> None:
    """At the end of the first login the profile starts being provided (screened first)."""
    profile = account.application.profile
    with transaction.atomic():
        Profile.objects.filter(pk=profile.pk, published_at__isnull=True).update(published_at=timezone.now())
        profile_sync_listing(application_ids=[profile.pk])
        profile_screen(actor=actor, profile=profile)


def conditions_set(*, actor, account: SeekerAccount, kinds: list[int], regions: list[int], industries: list[int],
                   occupations: list[int], privacy_mark: bool) -> Profile:
    """メッセージ受信条件設定 (Q1): the bit positions chosen; an empty choice means no restriction."""
    values = {
        "cond_kind_bits": bits_of(kinds),
        "cond_region_bits": bits_of(regions),
        "cond_industry_bits": bits_of(industries),
        "cond_occupation_bits": bits_of(occupations),
        "cond_privacy_mark": privacy_mark,
    }
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(pk=account.application_id)
        before = {k: getattr(profile, k) for k in values}
        for key, value in values.items():
            setattr(profile, key, value)
        profile.save(update_fields=list(values))
        audit(actor=actor, verb="seeker.conditions_set", target=account, before=before, after=values)
    return profile


def block_add(*, actor, account: SeekerAccount, organization) -> Block:
    """ブロック (SPEC rule 8). The unique constraint makes a double click harmless."""
    with transaction.atomic():
        block, created = Block.objects.get_or_create(account=account, organization=organization)
        if created:
            audit(actor=actor, verb="seeker.block", target=account, organization=organization.pk)
    return block


def block_remove(*, actor, account: SeekerAccount, organization_id: int) -> bool:
    with transaction.atomic():
        deleted, _ = Block.objects.filter(account=account, organization_id=organization_id).delete()
        if deleted:
            audit(actor=actor, verb="seeker.unblock", target=account, organization=organization_id)
    return bool(deleted)


def profile_view_record(*, member, organization, profile: Profile) -> ProfileView:
    """Every profile view by a member is recorded; the seeker sees who looked and when."""
    return ProfileView.objects.create(profile=profile, organization=organization, member=member)


def application_provision_change(*, actor, application: JobApplication, provision: int) -> JobApplication:
    """提供先区分 is changed by staff only, on the seeker's request (SPEC rule 6)."""
    with transaction.atomic():
        application = JobApplication.objects.select_for_update().get(pk=application.pk)
        before = application.provision
        if before != provision:
            application.provision = provision
            application.save(update_fields=["provision", "updated_at"])
            profile_sync_listing(application_ids=[application.pk])
            audit(actor=actor, verb="application.provision_change", target=application, before=before,
                  after=provision)
    return application


def periods_end(*, today: date | None = None) -> int:
    """Nightly (JST): mark the applications whose validity ended and send each registered seeker a
    short notice. Set-based and idempotent: the conditional update claims the rows (period_ended_at
    IS NULL), and only the claimed rows get a notice. Visibility itself already follows the date."""
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        due = JobApplication.objects.filter(valid_until__lt=today, period_ended_at__isnull=True)
        ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True))
        if not ids:
            return 0
        JobApplication.objects.filter(pk__in=ids, period_ended_at__isnull=True).update(period_ended_at=now)
        recipients = list(
            SeekerAccount.objects.filter(application_id__in=ids, stopped_at__isnull=True)
            .select_related("user")
            .values_list("user__email", "user__username")
        )
        subject = " ".join(render_to_string("seekers/email/period_end_subject.txt", {}).split())
        mails = OutgoingEmail.objects.bulk_create(
            OutgoingEmail(
                to=email,
                subject=subject,
                body=render_to_string("seekers/email/period_end.txt", {"user_id": user_id,
                                                                       "site_url": settings.SITE_URL}),
                kind="period_end",
            )
            for email, user_id in recipients
        )
        audit(actor=None, verb="application.periods_end", count=len(ids))
        for mail in mails:
            enqueue_on_commit(mail.pk)
    return len(ids)
