"""State changes of applications and seeker accounts (SPEC rules 1–5 and 9). Each service is one
transaction that writes an audit event; mail goes through the outbox and is queued on commit."""

import hashlib
import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit
from accounts.mail import email_queue, mail_render, outbox_write
from accounts.models import AuditEvent, OutgoingEmail
from organizations.jurisdiction import staff_reach
from organizations.models import Member, Organization, bits_of

from . import pii, selectors, throttles
from .keys import AUTH_KEY_LENGTH, USER_ID_LENGTH, auth_key_matches, hash_auth_key, random_code
from .models import (
    PROFILE_RELATIONS,
    ApplicantIdentity,
    ApplicationSheet,
    AuthKey,
    Block,
    DesiredPlace,
    Disposal,
    JobApplication,
    Profile,
    ProfileView,
    Reachability,
    RegistrationGuard,
    RegistrationRefusal,
    SavedSearch,
    SeekerAccount,
)
from .search.facets import profile_facets
from .search.listing import profile_sync_listing
from .search.paging import COUNT_CAP
from .search.reidentification import reidentification_keys
from .search.saved import SAVED_SEARCHES_PER_MEMBER, new_profiles, saved_search_filters
from .selectors import BLOCKABLE_STATUSES
from .validity import add_one_month_end, end_of_month_after_next

User = get_user_model()
logger = logging.getLogger(__name__)


class NotEligible(Exception):
    """Registration refused. Deliberately carries no reason: the screen says the same thing whatever
    failed, so nobody can probe other people's 求職番号 (SPEC rule 1)."""


class AuthKeyError(Exception):
    def __init__(self, code: str, remaining: int = 0):
        super().__init__(code)
        self.code = code  # "wrong", "expired", "locked", "none"
        self.remaining = remaining


class SeekerReadOnly(PermissionDenied):
    """A stopped seeker's site is read-only (SPEC rule 9, SeekerAccount.read_only): the change was
    refused and nothing was stored. A PermissionDenied, so a hand-made POST that reaches a service
    unhandled is a 403."""

    def __init__(self):
        super().__init__(_("アカウント利用停止中のため、この操作はできません。閲覧はこれまでどおりできます。"
                           "再開を希望する場合は、求職申込みをしたハローワークにご相談ください。"))


def refuse_if_read_only(account: SeekerAccount) -> None:
    """Raise SeekerReadOnly if the account is stopped, read from the database under a row lock
    (select_for_update, callers in a transaction): seeker_stop's conditional update of the same
    row waits for the caller's change or runs first and is seen here."""
    current = SeekerAccount.objects.select_for_update().only("pk", "stopped_at").get(pk=account.pk)
    if current.read_only:
        raise SeekerReadOnly


APPLICATION_FIELDS = ("kyushoku_number", "applied_on", "valid_until", "opt_in", "provision")
IDENTITY_FIELDS = ("name", "name_kana", "birth_date", "gender", "postal_code", "address", "phone", "email")
SHEET_FIELDS = [field.name for field in ApplicationSheet._meta.concrete_fields if not field.primary_key]
# What staff enter on a profile: the leaflet's lists (1) and (2). The other columns belong to other
# services (publication, receive conditions, the PII guard, the listing copy).
PROFILE_STAFF_FIELDS = [
    field.name for field in Profile._meta.concrete_fields
    if field.editable and not field.primary_key and field.name != "published_at" and field.name != "withheld"
    and not field.name.startswith("cond_")
]


def application_validity(*, applied_on: date, valid_until: date | None) -> date:
    """The 有効期限 of an application (SPEC rule 5): as given, or by default the end of the month after
    next from 求職申込日 (the leaflet's 翌々月の末日). Raises ValidationError at the field."""
    errors = {}
    if applied_on > timezone.localdate():
        errors["applied_on"] = _("求職申込日に未来の日付は入力できません。")
    if valid_until is not None and valid_until < applied_on:
        errors["valid_until"] = _("有効期限は求職申込日より後の日付にしてください。")
    if errors:
        raise ValidationError(errors)
    return valid_until or end_of_month_after_next(applied_on)


def application_save(*, actor, application: JobApplication, identity: ApplicantIdentity, profile: Profile,
                     profile_relations: dict[str, Iterable] | None = None, sheet: ApplicationSheet | None = None,
                     places: list | None = None) -> JobApplication:
    """Staff enter or change a 求職申込 with its identity and published profile (the admin's form), in
    one transaction with its audit event:
    - an empty 有効期限 becomes the default one (application_validity, SPEC rule 5);
    - a 提供先区分 change goes through application_provision_change (SPEC rule 6);
    - a validity moved past today reopens an ended period (application_reopen_period);
    - the profile's listing follows the application (profile_sync_listing), and its free text is
      screened again (profile_screen, SPEC rule 15): staff may have typed identifying data;
    - with a `sheet` (the 求職申込書's own values of list (1) ①②⑤–⑨⑫), every blank published value
      of list (2) ①–⑧ is taken from it (profile_fill_from_sheet), and `places` (up to three
      (prefecture, municipality) pairs; none = the sheet's 希望勤務地) replace the profile's
      DesiredPlace rows, the first one's prefecture becoming Profile.desired_prefecture.
    The instances carry the values to store; only what staff enter is written (PROFILE_STAFF_FIELDS),
    never the columns other services own (publication, receive conditions, the PII guard's state,
    the end of the period). The stored application and profile rows are locked (select_for_update)
    while they are compared and replaced, so the audit's `before` and the 提供先区分 change are read
    from the rows this save replaces, and a seeker's concurrent conditions_set is not overwritten.
    Raises ValidationError at the field; then nothing is written."""
    if actor is not None and getattr(actor, "is_staff", False) \
            and not staff_reach(actor).includes_number(application.kyushoku_number):
        # SPEC rule 23: an office enters (and renumbers to) its own offices' 求職番号 only.
        raise ValidationError({"kyushoku_number": _("この求職番号は、あなたの所属するハローワーク(管轄)のものではありません。")})
    application.valid_until = application_validity(applied_on=application.applied_on,
                                                   valid_until=application.valid_until)
    relations = {name: list(values) for name, values in (profile_relations or {}).items()}
    if set(relations) - set(PROFILE_RELATIONS):
        raise ValueError(sorted(set(relations) - set(PROFILE_RELATIONS)))
    if sheet is not None:
        profile_fill_from_sheet(profile, sheet)
        if not places:
            places = [(sheet.desired_prefecture, sheet.desired_municipality)]
    if places:
        if len(places) > DesiredPlace.MAX:
            raise ValidationError(_("希望勤務地は3か所までです。"))
        profile.desired_prefecture = places[0][0]
    with transaction.atomic():
        stored = None
        if application.pk is not None:
            stored = JobApplication.objects.select_for_update().filter(pk=application.pk).first()
        if stored is None:
            application.save()
        else:
            changed = {name: getattr(stored, name) for name in APPLICATION_FIELDS
                       if getattr(stored, name) != getattr(application, name)}
            stored_identity = ApplicantIdentity.objects.filter(pk=application.pk).first()
            stored_profile = Profile.objects.select_for_update().filter(pk=application.pk).first()
            identity_changed = _changed(stored_identity, identity, IDENTITY_FIELDS)
            profile_changed = _changed(stored_profile, profile, PROFILE_STAFF_FIELDS, relations)
            if "provision" in changed:
                application_provision_change(actor=actor, application=stored, provision=application.provision)
            application.save(update_fields=[*APPLICATION_FIELDS, "updated_at"])
        identity.application = application
        identity.save()
        profile.application = application
        if stored is None or stored_profile is None:
            profile.save()
        else:
            profile.save(update_fields=PROFILE_STAFF_FIELDS)
        for name, values in relations.items():
            getattr(profile, name).set(values)
        sheet_changed = []
        if sheet is not None:
            stored_sheet = ApplicationSheet.objects.filter(pk=application.pk).first()
            sheet_changed = _changed(stored_sheet, sheet, SHEET_FIELDS) if stored_sheet is not None else []
            sheet.application = application
            sheet.save()
        places_changed = places is not None and _places_set(profile, places)
        application_reopen_period(application_ids=[application.pk])
        profile_sync_listing(application_ids=[application.pk])
        profile.refresh_from_db()
        profile_screen(actor=actor, profile=profile)
        if stored is None:
            audit(actor=actor, verb=AuditEvent.Verb.APPLICATION_CREATE, target=application)
        else:
            # The identity's field names only: its values are what the audit trail must not copy.
            audit(actor=actor, verb=AuditEvent.Verb.APPLICATION_UPDATE, target=application, changed=sorted(changed),
                  before={name: str(value) for name, value in changed.items()},
                  identity_changed=identity_changed, **({"sheet_changed": sheet_changed} if sheet else {}),
                  profile_changed=sorted({*profile_changed, *(["places"] if places_changed else [])}))
    return application


def profile_fill_from_sheet(profile: Profile, sheet: ApplicationSheet) -> None:
    """The 求職公開申込書 prefilled from the 求職申込書: each published value of list (2) ①–⑧ left
    blank (None or "") takes the 求職申込書's value; one that was entered stays, even if it differs."""
    for name in ApplicationSheet.PUBLISHED_AS:
        if getattr(profile, name) in (None, ""):
            setattr(profile, name, getattr(sheet, name))


def _places_set(profile: Profile, places: list) -> bool:
    """Replace the profile's 希望勤務地 rows with `places`, in order; True if they changed. Called
    inside application_save's transaction, with the profile row locked."""
    wanted = [(getattr(p, "pk", p), getattr(m, "pk", m)) for p, m in places]
    stored = list(profile.places.order_by("position").values_list("prefecture_id", "municipality_id"))
    if stored == wanted:
        return False
    profile.places.all().delete()
    DesiredPlace.objects.bulk_create([
        DesiredPlace(profile=profile, position=n, prefecture_id=p, municipality_id=m)
        for n, (p, m) in enumerate(wanted, start=1)
    ])
    return True


def _changed(stored, instance, fields, relations=None) -> list[str]:
    """The names of the fields (and many-to-many relations) whose values differ from the stored row."""
    if stored is None:
        return sorted([*fields, *(relations or ())])
    meta = type(stored)._meta
    changed = [name for name in fields
               if getattr(stored, meta.get_field(name).attname) != getattr(instance, meta.get_field(name).attname)]
    for name, values in (relations or {}).items():
        if set(getattr(stored, name).values_list("pk", flat=True)) != {getattr(v, "pk", v) for v in values}:
            changed.append(name)
    return sorted(changed)


def application_extend(*, actor, application_ids) -> int:
    """Staff's one-month extension of validity (SPEC rule 5): the end of the following month."""
    with transaction.atomic():
        applications = list(
            JobApplication.objects.select_for_update().filter(pk__in=list(application_ids)).only("pk", "valid_until")
        )
        for application in applications:
            before = application.valid_until
            application.valid_until = add_one_month_end(before)
            audit(actor=actor, verb=AuditEvent.Verb.APPLICATION_EXTEND, target=application, before=str(before),
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


# The actor of what an anonymous visitor's request causes (a refused 利用登録), in the audit log.
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Registration:
    account: SeekerAccount
    user_id: str
    email: str
    key_expires_at: datetime


def seeker_register(*, kyushoku_number: str, birth_date: date, email: str, password: str,
                    terms_version: str, client_address: str = "") -> Registration:
    """利用登録 (STEP 1): create the account with a new ユーザID, issue a 認証キー and mail both.

    Against guessing the birth date: every refused attempt counts against the typed number (its
    RegistrationGuard row; REGISTRATION_FAILURES_PER_DAY lock it for REGISTRATION_LOCK_HOURS) and
    against the client address (seekers.throttles, in the shared cache). When staff recorded the
    applicant's email, the typed address must be that one (NFKC, case-insensitive) and the key goes
    only there. Every refusal, whatever its reason, raises the same NotEligible after the count and
    its audit event are committed.

    The guard row is locked first (select_for_update), so parallel attempts for one number are
    counted one after another; then the application row, and SeekerAccount.application is
    one-to-one, so two simultaneous registrations for one application cannot both succeed."""
    now = timezone.now()
    taken = throttles.registration_address_take(client_address)
    if taken > settings.REGISTRATION_FAILURES_PER_ADDRESS_PER_HOUR:
        # Audited once per window (the attempt that crosses the limit): an address past it could
        # otherwise grow the append-only audit log at line speed and bury the real lock events.
        if taken == settings.REGISTRATION_FAILURES_PER_ADDRESS_PER_HOUR + 1:
            with transaction.atomic():
                audit(actor=ANONYMOUS, verb=AuditEvent.Verb.SEEKER_REGISTER_REFUSED,
                      kyushoku_number=kyushoku_number,
                      reason=RegistrationRefusal.ADDRESS_LIMIT, address=client_address)
        else:
            logger.info("Registration refused for an address past its hourly limit (%s attempts).", taken)
        raise NotEligible
    try:
        with transaction.atomic():
            guard = _registration_guard(kyushoku_number, now=now)
            application, refusal = _registration_check(guard, birth_date=birth_date, email=email, now=now)
            if refusal is not None:
                _registration_refused(guard, refusal, address=client_address, now=now)
                registration = None
            else:
                registration = _register(application, email=email, password=password,
                                         terms_version=terms_version, now=now)
    except IntegrityError as exc:  # the other registration of the same application won
        raise NotEligible from exc
    if registration is None:
        raise NotEligible
    throttles.registration_address_give_back(client_address)
    return registration


def _registration_guard(kyushoku_number: str, *, now) -> RegistrationGuard:
    """The number's guard row, locked; a lock that has run out is lifted and the count starts again."""
    guard, _ = RegistrationGuard.objects.select_for_update().get_or_create(kyushoku_number=kyushoku_number)
    if guard.locked_until is not None and now >= guard.locked_until:
        guard.failures, guard.window_started_at, guard.locked_until = 0, None, None
        guard.save(update_fields=["failures", "window_started_at", "locked_until"])
    return guard


def _registration_check(guard: RegistrationGuard, *, birth_date: date, email: str, now):
    """(application, None) when this attempt may register, else (None, the reason)."""
    if guard.is_locked(now):
        return None, RegistrationRefusal.LOCKED
    application = (
        JobApplication.objects.select_for_update(of=("self",))
        .select_related("identity")
        .filter(kyushoku_number=guard.kyushoku_number)
        .first()
    )
    if application is None:
        return None, RegistrationRefusal.UNKNOWN_NUMBER
    identity = getattr(application, "identity", None)
    if identity is None or identity.birth_date != birth_date:
        return None, RegistrationRefusal.WRONG_BIRTH_DATE
    if not eligible_applications(today=timezone.localdate(now)).filter(pk=application.pk).exists():
        return None, RegistrationRefusal.NOT_ELIGIBLE
    if identity.email and not same_email(identity.email, email):
        return None, RegistrationRefusal.EMAIL_MISMATCH
    return application, None


def same_email(recorded: str, typed: str) -> bool:
    """The address staff recorded and the one typed, compared as people type them: full-width or
    upper-case input is the same address."""
    def fold(value: str) -> str:
        return unicodedata.normalize("NFKC", value or "").strip().casefold()

    return fold(recorded) == fold(typed)


def _registration_refused(guard: RegistrationGuard, refusal: str, *, address: str, now) -> None:
    """Count the refusal against the number (unless it is already locked) and record it; the
    count reaching REGISTRATION_FAILURES_PER_DAY within a day locks the number."""
    audit(actor=ANONYMOUS, verb=AuditEvent.Verb.SEEKER_REGISTER_REFUSED, target=guard,
          kyushoku_number=guard.kyushoku_number,
          reason=refusal, address=address)
    if refusal == RegistrationRefusal.LOCKED:
        return
    if guard.window_started_at is None or now >= guard.window_started_at + timedelta(days=1):
        guard.failures, guard.window_started_at = 0, now
    guard.failures += 1
    guard.last_failure_at = now
    if guard.failures >= settings.REGISTRATION_FAILURES_PER_DAY:
        guard.locked_until = now + timedelta(hours=settings.REGISTRATION_LOCK_HOURS)
        audit(actor=ANONYMOUS, verb=AuditEvent.Verb.SEEKER_REGISTER_LOCKED, target=guard,
              kyushoku_number=guard.kyushoku_number,
              failures=guard.failures, locked_until=guard.locked_until.isoformat(), address=address)
    guard.save(update_fields=["failures", "window_started_at", "last_failure_at", "locked_until"])


def _register(application: JobApplication, *, email: str, password: str, terms_version: str,
              now) -> Registration:
    # The key goes only to the address staff recorded, when there is one (it matched the typed one).
    email = application.identity.email or email
    user = User(username=_new_user_id(), email=email, role=User.Role.SEEKER)
    user.set_password(password)
    user.save()
    account = SeekerAccount.objects.create(
        user=user, application=application, terms_version=terms_version, terms_agreed_at=now
    )
    key = _issue_key(account)
    audit(actor=user, verb=AuditEvent.Verb.SEEKER_REGISTER, target=account, terms_version=terms_version)
    email_queue(
        to=email,
        template="seekers/email/registered",
        context={"user_id": user.username, "auth_key": key.plain, "expires_at": key.expires_at,
                 "site_url": settings.SITE_URL},
        kind=OutgoingEmail.Kind.AUTH_KEY,
    )
    return Registration(account=account, user_id=user.username, email=email, key_expires_at=key.expires_at)


def registration_locks_clear(*, actor, guard_ids) -> int:
    """Staff lift the 利用登録 lock of numbers (after checking the person at the office); the count
    starts again. The refusals stay in the audit log."""
    with transaction.atomic():
        guards = list(
            RegistrationGuard.objects.select_for_update()
            .filter(pk__in=list(guard_ids))
            .filter(Q(locked_until__isnull=False) | Q(failures__gt=0))
        )
        for guard in guards:
            audit(actor=actor, verb=AuditEvent.Verb.SEEKER_REGISTER_UNLOCK, target=guard,
                  kyushoku_number=guard.kyushoku_number,
                  failures=guard.failures,
                  locked_until=guard.locked_until.isoformat() if guard.locked_until else None)
        RegistrationGuard.objects.filter(pk__in=[g.pk for g in guards]).update(
            failures=0, window_started_at=None, locked_until=None
        )
    return len(guards)


class UserIdReminderLimited(Exception):
    """USER_ID_REMINDERS_PER_HOUR for the 求職番号, or USER_ID_REMINDERS_PER_ADDRESS_PER_HOUR for the
    client address, reached (seekers.throttles)."""


def user_id_remind(*, kyushoku_number: str, birth_date: date, email: str, client_address: str = "") -> None:
    """ユーザIDを忘れた方: when the 求職番号 is a registered account's, the 生年月日 is the applicant's
    and the email is the account's registered one (NFKC, case-insensitive), its ユーザID is mailed
    to that registered address; otherwise nothing is sent. Either way the same path runs (the
    allowance taken, one read, one audit event) and nothing is returned, so the screen cannot
    answer differently: only the owner of the registered mailbox learns the result.

    Raises UserIdReminderLimited, after recording it, when the number's or the address's hourly
    allowance is used up; every request counts, so the limit is the same for a number that has an
    account and one that has none."""
    if not throttles.user_id_reminder_take(address=client_address, kyushoku_number=kyushoku_number):
        with transaction.atomic():
            audit(actor=ANONYMOUS, verb=AuditEvent.Verb.SEEKER_USER_ID_REMIND_LIMITED, kyushoku_number=kyushoku_number,
                  address=client_address)
        raise UserIdReminderLimited
    with transaction.atomic():
        account = (
            SeekerAccount.objects.select_related("user", "application__identity")
            .filter(application__kyushoku_number=kyushoku_number, user__is_active=True)
            .first()
        )
        identity = getattr(account.application, "identity", None) if account is not None else None
        matched = (
            identity is not None and identity.birth_date == birth_date and same_email(account.user.email, email)
        )
        audit(actor=ANONYMOUS, verb=AuditEvent.Verb.SEEKER_USER_ID_REMIND, target=account if matched else None,
              kyushoku_number=kyushoku_number, sent=matched, address=client_address)
        if matched:
            email_queue(
                to=account.user.email,
                template="seekers/email/user_id_reminder",
                context={"user_id": account.user.username, "requested_at": timezone.now(),
                         "site_url": settings.SITE_URL},
                kind=OutgoingEmail.Kind.USER_ID_REMINDER,
            )


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


REISSUE_WINDOW = timedelta(hours=1)


class AuthKeyReissueLimited(Exception):
    """AUTH_KEY_REISSUES_PER_HOUR reached; another may be asked for from retry_at."""

    def __init__(self, retry_at):
        super().__init__(retry_at)
        self.retry_at = retry_at


def auth_key_reissue(*, account: SeekerAccount) -> None:
    """A new 認証キー by email; the old one stops working at once. At most AUTH_KEY_REISSUES_PER_HOUR
    in any hour (each one mails): counted from the account's key rows, the registration's own key
    left out, under the account row's lock (select_for_update), so parallel requests cannot each
    see room for one more. Raises AuthKeyReissueLimited after committing its audit event."""
    limit = settings.AUTH_KEY_REISSUES_PER_HOUR
    retry_at = None
    with transaction.atomic():
        account = SeekerAccount.objects.select_for_update().select_related("user").get(pk=account.pk)
        if account.first_login_at is not None:
            return
        now = timezone.now()
        first_key = AuthKey.objects.filter(account=account).order_by("issued_at", "pk").values("pk")[:1]
        recent = list(
            AuthKey.objects.filter(account=account, issued_at__gt=now - REISSUE_WINDOW)
            .exclude(pk__in=first_key)
            .order_by("-issued_at")
            .values_list("issued_at", flat=True)[:limit]
        )
        if len(recent) >= limit:
            retry_at = recent[-1] + REISSUE_WINDOW
            audit(actor=account.user, verb=AuditEvent.Verb.SEEKER_AUTH_KEY_REISSUE_REFUSED, target=account,
                  retry_at=retry_at.isoformat())
        else:
            key = _issue_key(account)
            audit(actor=account.user, verb=AuditEvent.Verb.SEEKER_AUTH_KEY_REISSUE, target=account)
            email_queue(
                to=account.user.email,
                template="seekers/email/registered",
                context={"user_id": account.user.username, "auth_key": key.plain, "expires_at": key.expires_at,
                         "site_url": settings.SITE_URL, "reissued": True},
                kind=OutgoingEmail.Kind.AUTH_KEY,
            )
    if retry_at is not None:
        raise AuthKeyReissueLimited(retry_at)


def auth_key_verify(*, account: SeekerAccount, key: str) -> None:
    """The first login's second step (SPEC rule 3). Valid while now < issued + 30 minutes, once, with
    at most AUTH_KEY_MAX_TRIES wrong tries. The key row is locked (select_for_update) and consumed
    by a conditional update whose row count is checked, so of two simultaneous right answers only
    one completes the login. The profile is not published here: the seeker reviews it next
    (profile_review_confirm). Raises AuthKeyError after committing the try count."""
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
            audit(actor=account.user, verb=AuditEvent.Verb.SEEKER_AUTH_KEY_WRONG, target=account,
                  tries=live.failed_tries)
        elif AuthKey.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now) != 1:
            error = AuthKeyError("none")
        else:
            SeekerAccount.objects.filter(pk=account.pk, first_login_at__isnull=True).update(first_login_at=now)
            audit(actor=account.user, verb=AuditEvent.Verb.SEEKER_FIRST_LOGIN, target=account)
            # Not published yet (SPEC rule 15): the seeker reviews the profile first and publication
            # starts at profile_review_confirm. Screened now, so the review shows the guard's findings
            # over the text as it stands.
            profile_screen(actor=account.user, profile=Profile.objects.get(pk=account.application_id))
    if error is not None:
        raise error
    account.first_login_at = account.first_login_at or timezone.now()


def seeker_stop(*, actor, account: SeekerAccount) -> SeekerAccount:
    """アカウント利用停止 (SPEC rule 9, Q4): provision stops at once."""
    with transaction.atomic():
        updated = SeekerAccount.objects.filter(pk=account.pk, stopped_at__isnull=True).update(stopped_at=timezone.now())
        if updated:
            profile_sync_listing(application_ids=[account.application_id])
            audit(actor=actor, verb=AuditEvent.Verb.SEEKER_STOP, target=account)
    account.refresh_from_db()
    return account


def seeker_resume(*, actor, account: SeekerAccount) -> SeekerAccount:
    """Staff undo a stop at the seeker's request."""
    with transaction.atomic():
        updated = SeekerAccount.objects.filter(pk=account.pk, stopped_at__isnull=False).update(stopped_at=None)
        if updated:
            profile_sync_listing(application_ids=[account.application_id])
            audit(actor=actor, verb=AuditEvent.Verb.SEEKER_RESUME, target=account)
    account.refresh_from_db()
    return account


# --- The published profile (SPEC rules 7, 8, 15) ----------------------------------------------------


def profile_screen(*, actor, profile: Profile) -> Profile:
    """Run the PII guard over the free-text fields, patterns and the seeker's own registered
    identity: a flagged field is withheld from organisations until staff release it (unless staff
    already released this very text). Only the finding kinds are kept (and audited), never the text
    matched. Rebuilds the keyword search text from the released fields only, the search facets, and
    the re-identification keys (seekers.search.reidentification)."""
    texts = {name: getattr(profile, name) or "" for name in Profile.FREE_TEXT_FIELDS}
    flagged = pii.screen(texts, identity=selectors.identity_needles(profile.pk))
    withheld = {
        name: kinds for name, kinds in flagged.items() if profile.pii_reviewed.get(name) != _text_hash(texts[name])
    }
    search_text = " ".join(pii.normalize(t).lower() for n, t in texts.items() if t and n not in withheld)
    facets = profile_facets(profile)
    reid_keys = reidentification_keys(profile, withheld)
    with transaction.atomic():
        Profile.objects.filter(pk=profile.pk).update(withheld=withheld, search_text=search_text, facets=facets,
                                                     **reid_keys)
        if withheld != profile.withheld:
            audit(actor=actor, verb=AuditEvent.Verb.PROFILE_SCREEN, target=profile, withheld=withheld)
    profile.withheld, profile.search_text, profile.facets = withheld, search_text, facets
    for column, key in reid_keys.items():
        setattr(profile, column, key)
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
        audit(actor=actor, verb=AuditEvent.Verb.PROFILE_RELEASE_FIELD, target=profile, field=field)
        return profile_screen(actor=actor, profile=profile)


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def profile_publish(*, actor, account: SeekerAccount) -> None:
    """The profile starts being provided (screened first). Called by profile_review_confirm, once
    the seeker has confirmed the review; the first publication's time stays."""
    profile = Profile.objects.get(pk=account.application_id)  # the stored text, not a cached copy
    with transaction.atomic():
        Profile.objects.filter(pk=profile.pk, published_at__isnull=True).update(published_at=timezone.now())
        profile_sync_listing(application_ids=[profile.pk])
        profile_screen(actor=actor, profile=profile)


class ReviewNotOpen(Exception):
    """The account has no first login yet: there is nothing to review (the 認証キー comes first)."""


def profile_review_confirm(*, actor, account: SeekerAccount) -> bool:
    """公開前の確認 (SPEC rule 15, the leaflet's check that the profile holds nothing identifying):
    the seeker has seen the profile as organisations will see it and confirms; only then does
    provision start (profile_publish, and reachability's NOT_CONFIRMED ends). The time is recorded
    on the account with an audit event.

    Once only: the conditional update (profile_confirmed_at IS NULL) whose row count is checked
    claims the confirmation, so a second confirmation (a double click, a hand-made POST after it)
    writes nothing and returns False; True when this call confirmed. Raises ReviewNotOpen before
    the first login."""
    with transaction.atomic():
        now = timezone.now()
        claimed = SeekerAccount.objects.filter(
            pk=account.pk, first_login_at__isnull=False, profile_confirmed_at__isnull=True
        ).update(profile_confirmed_at=now)
        if not claimed:
            if not SeekerAccount.objects.filter(pk=account.pk, first_login_at__isnull=False).exists():
                raise ReviewNotOpen
            return False
        account.profile_confirmed_at = now
        audit(actor=actor, verb=AuditEvent.Verb.SEEKER_PROFILE_CONFIRM, target=account)
        profile_publish(actor=actor, account=account)
    return True


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
        refuse_if_read_only(account)
        profile = Profile.objects.select_for_update().get(pk=account.application_id)
        before = {k: getattr(profile, k) for k in values}
        for key, value in values.items():
            setattr(profile, key, value)
        profile.save(update_fields=list(values))
        audit(actor=actor, verb=AuditEvent.Verb.SEEKER_CONDITIONS_SET, target=account, before=before, after=values)
    return profile


class BlockCheck(models.TextChoices):
    """May the seeker block (or unblock) an organisation now, and if not, why. The label is what the
    seeker is told."""

    ALLOWED = "allowed", gettext_lazy("ブロックできます。")
    STOPPED = "stopped", gettext_lazy("アカウント利用停止中のため、ブロックの設定・解除はできません。")
    NOT_STARTED = "not_started", gettext_lazy("初回ログインの後に設定できます。")
    ALREADY_BLOCKED = "blocked", gettext_lazy("この利用団体はすでにブロックしています。")
    UNAVAILABLE = "unavailable", gettext_lazy(
        "指定された利用団体はブロックできません。ブロックできるのは、労働局の承諾を受けてこのサービスを利用している利用団体です。"
        "ブロック設定の画面で団体名を検索し、表示された利用団体から選んでください。"
    )


class BlockRefused(Exception):
    """A block or unblock the rule refuses; `check.label` is shown to the seeker as it is."""

    def __init__(self, check: BlockCheck):
        super().__init__(check.value)
        self.check = check
        self.message = str(check.label)


def _block_account_check(account: SeekerAccount, today: date) -> BlockCheck:
    # A stopped seeker keeps a read-only site (SPEC rule 9): no block is set or lifted. After the
    # period ends a block still counts, should staff extend the period.
    if account.read_only:
        return BlockCheck.STOPPED
    if account.reachability(today) == Reachability.NOT_STARTED:
        return BlockCheck.NOT_STARTED
    return BlockCheck.ALLOWED


def block_check(account: SeekerAccount, organization: Organization | None, *, blocked: bool,
                today: date | None = None) -> BlockCheck:
    """Who may block whom (SPEC rule 8), the rule block_add refuses with and the pages ask before
    they offer ブロック (the message list, a thread, ブロック設定): the seeker is not stopped, and the
    organisation is one that uses or will again use the service (approved, not revoked; a suspended
    one comes back when its period ends: selectors.BLOCKABLE_STATUSES, whose queryset form is
    selectors.organizations_blockable) and is not blocked already. `organization` is None when the id
    the seeker sent names none. Reads account.application (select_related it)."""
    today = today or timezone.localdate()
    account_check = _block_account_check(account, today)
    if account_check != BlockCheck.ALLOWED:
        return account_check
    if organization is None or organization.status(today) not in BLOCKABLE_STATUSES:
        return BlockCheck.UNAVAILABLE
    if blocked:
        return BlockCheck.ALREADY_BLOCKED
    return BlockCheck.ALLOWED


def unblock_check(account: SeekerAccount, *, today: date | None = None) -> BlockCheck:
    """解除 is refused only to a stopped seeker; it is always allowed otherwise, whatever became of
    the organisation."""
    return _block_account_check(account, today or timezone.localdate())


def block_add(*, actor, account: SeekerAccount, organization_id: int) -> Block:
    """ブロック (SPEC rule 8), refused with block_check's reason (BlockRefused). The account row is
    locked, as a stop locks it, so a stop cannot slip in between the check and the insert; the
    unique constraint (block_unique) makes a second block of the same organisation, a double click
    or two tabs, ALREADY_BLOCKED rather than a second row."""
    today = timezone.localdate()
    with transaction.atomic():
        account = SeekerAccount.objects.select_for_update().select_related("application").get(pk=account.pk)
        organization = Organization.objects.filter(pk=organization_id).first()
        blocked = Block.objects.filter(account=account, organization_id=organization_id).exists()
        check = block_check(account, organization, blocked=blocked, today=today)
        if check != BlockCheck.ALLOWED:
            raise BlockRefused(check)
        block, created = Block.objects.get_or_create(account=account, organization=organization)
        if not created:
            raise BlockRefused(BlockCheck.ALREADY_BLOCKED)
        audit(actor=actor, verb=AuditEvent.Verb.SEEKER_BLOCK, target=account, organization=organization.pk)
    return block


def block_remove(*, actor, account: SeekerAccount, organization_id: int) -> bool:
    """解除: False when there was no such block (another seeker's, or already lifted); BlockRefused
    with unblock_check's reason for a stopped seeker."""
    with transaction.atomic():
        account = SeekerAccount.objects.select_for_update().select_related("application").get(pk=account.pk)
        check = unblock_check(account)
        if check != BlockCheck.ALLOWED:
            raise BlockRefused(check)
        deleted, _ = Block.objects.filter(account=account, organization_id=organization_id).delete()
        if deleted:
            audit(actor=actor, verb=AuditEvent.Verb.SEEKER_UNBLOCK, target=account, organization=organization_id)
    return bool(deleted)


def disposal_record(*, actor, account: SeekerAccount, organization) -> Disposal:
    """The organisation answered that it deleted and disposed of this seeker's information (SPEC
    rule 18): from now on the visibility rule hides the seeker from it (search, profile page,
    guidance), like a block the seeker cannot undo. Called by compliance in its answer's
    transaction; the unique constraint makes a second answer harmless. Allowed after a stop."""
    with transaction.atomic():
        disposal, created = Disposal.objects.get_or_create(account=account, organization=organization)
        if created:
            audit(actor=actor, verb=AuditEvent.Verb.SEEKER_DISPOSAL, target=account, organization=organization.pk)
    return disposal


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
            audit(actor=actor, verb=AuditEvent.Verb.APPLICATION_PROVISION_CHANGE, target=application, before=before,
                  after=provision)
    return application


PERIODS_END_BATCH = 5000
# The notice differs between seekers only by the ユーザID (letters and digits, codes.normalize_code), so
# it is rendered once per run with this marker and the ID put in per recipient.
_USER_ID_MARK = "USERIDMARK0000"


def periods_end(*, today: date | None = None, batch: int = PERIODS_END_BATCH) -> int:
    """Nightly (JST): mark the applications whose validity ended and send each registered seeker a
    short notice. Set-based and idempotent: the conditional update claims the rows (period_ended_at
    IS NULL), and only the claimed rows get a notice. Visibility itself already follows the date.

    In batches of `batch` applications, each its own transaction with its own audit event (count), so
    500,000 ends hold no lock for long, use constant memory, and a crash keeps the batches done
    (the next run takes the rest). devtools' bench_nightly measures it."""
    today = today or timezone.localdate()
    notice = mail_render(to="", kind=OutgoingEmail.Kind.PERIOD_END, template="seekers/email/period_end",
                         context={"user_id": _USER_ID_MARK, "site_url": settings.SITE_URL})
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                JobApplication.objects.filter(valid_until__lt=today, period_ended_at__isnull=True)
                .order_by("pk").select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return total
            JobApplication.objects.filter(pk__in=ids, period_ended_at__isnull=True).update(
                period_ended_at=timezone.now()
            )
            recipients = SeekerAccount.objects.filter(application_id__in=ids, stopped_at__isnull=True).values_list(
                "user__email", "user__username"
            )
            outbox_write(
                replace(notice, to=email, subject=notice.subject.replace(_USER_ID_MARK, user_id),
                        body=notice.body.replace(_USER_ID_MARK, user_id),
                        html_body=notice.html_body.replace(_USER_ID_MARK, user_id))
                for email, user_id in recipients.iterator(chunk_size=batch)
            )
            audit(actor=None, verb=AuditEvent.Verb.APPLICATION_PERIODS_END, count=len(ids))
        total += len(ids)


# --- saved searches (issue 16) -------------------------------------------------------------------------


class SavedSearchRefused(Exception):
    """A saved search the rules refuse; `field` is the form field the message belongs beside (None:
    the whole form)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _refuse_duplicate_name(member: Member, name: str, exclude_pk: int | None = None) -> None:
    if SavedSearch.objects.filter(member=member, name=name).exclude(pk=exclude_pk).exists():
        raise SavedSearchRefused("name", _("同じ名前の検索条件がすでにあります。別の名前にしてください。"))


def saved_search_create(*, actor, member: Member, name: str, query: dict, mail_hour: int | None) -> SavedSearch:
    """Keep the member's current search under a name. At most SAVED_SEARCHES_PER_MEMBER per member: the
    member row is locked (select_for_update) so two saves at once cannot both pass the count; a name is
    the member's once (the unique constraint closes the same race for names)."""
    name = " ".join(name.split())
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()
        if SavedSearch.objects.filter(member=member).count() >= SAVED_SEARCHES_PER_MEMBER:
            raise SavedSearchRefused(None, _("保存できる検索条件は%(n)s件までです。不要な検索条件を削除してから保存してください。")
                                     % {"n": SAVED_SEARCHES_PER_MEMBER})
        _refuse_duplicate_name(member, name)
        try:
            with transaction.atomic():
                saved = SavedSearch.objects.create(member=member, name=name, query=query, mail_hour=mail_hour,
                                                   last_looked_at=timezone.now())
        except IntegrityError:
            raise SavedSearchRefused("name", _("同じ名前の検索条件がすでにあります。別の名前にしてください。")) from None
        audit(actor=actor, verb=AuditEvent.Verb.SAVED_SEARCH_CREATE, target=saved, query=query, mail_hour=mail_hour)
    return saved


def saved_search_update(*, actor, saved: SavedSearch, name: str, mail_hour: int | None) -> SavedSearch:
    """Rename a saved search or change the hour of its daily mail (the conditions stay: a new search is
    saved anew)."""
    name = " ".join(name.split())
    with transaction.atomic():
        _refuse_duplicate_name(saved.member, name, exclude_pk=saved.pk)
        before = {"name": saved.name, "mail_hour": saved.mail_hour}
        saved.name, saved.mail_hour = name, mail_hour
        try:
            with transaction.atomic():
                saved.save(update_fields=["name", "mail_hour"])
        except IntegrityError:
            raise SavedSearchRefused("name", _("同じ名前の検索条件がすでにあります。別の名前にしてください。")) from None
        audit(actor=actor, verb=AuditEvent.Verb.SAVED_SEARCH_UPDATE, target=saved, before=before,
              after={"name": name, "mail_hour": mail_hour})
    return saved


def saved_search_delete(*, actor, saved: SavedSearch) -> None:
    with transaction.atomic():
        audit(actor=actor, verb=AuditEvent.Verb.SAVED_SEARCH_DELETE, target=saved, name=saved.name, query=saved.query)
        saved.delete()


def saved_search_open(*, saved: SavedSearch) -> None:
    """The member opens the saved search: what is new is counted from now on. A read marker, like a
    message's 読了, so no audit event (the search itself is not recorded either)."""
    SavedSearch.objects.filter(pk=saved.pk).update(last_looked_at=timezone.now())


def saved_searches_mail(*, now: datetime | None = None) -> int:
    """Hourly (CELERY_BEAT_SCHEDULE): each saved search whose mail hour (JST) is this hour and that has
    not had its run today tells its member how many new profiles match, with a link to open it, and
    never who (no profile content in the mail). "New" is since the member last looked or the last
    mail, whichever is later, so one arrival is announced once; nothing new, no mail.

    The counts are the search's own (seekers.search.saved.new_profiles: profiles_visible_to and
    filter_profiles), read before the claim. The claim is a conditional update of last_mailed_on
    whose row count is checked, so a second run in the same day (a retried task, two beats) sends
    nothing again. Returns the number of mails written."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    today = local.date()
    due = (
        SavedSearch.objects.filter(mail_hour=local.hour, member__user__is_active=True)
        .filter(Q(last_mailed_on__isnull=True) | Q(last_mailed_on__lt=today))
        .select_related("member__user", "member__organization")
        .order_by("pk")
    )
    mailed = []
    for saved in due:
        since = max(saved.last_looked_at, saved.last_mailed_at or saved.last_looked_at)
        filters = saved_search_filters(saved)
        count = 0
        if filters is not None:
            count = new_profiles(filters, saved.member.organization, since)[: COUNT_CAP + 1].count()
        with transaction.atomic():
            claimed = SavedSearch.objects.filter(pk=saved.pk).filter(
                Q(last_mailed_on__isnull=True) | Q(last_mailed_on__lt=today)
            ).update(last_mailed_on=today, last_mailed_at=now)
            if not claimed or not count:
                continue
            outbox_write([mail_render(
                to=saved.member.user.email, kind=OutgoingEmail.Kind.SAVED_SEARCH_NEW,
                template="seekers/email/saved_search_new",
                context={"name": saved.name, "count": min(count, COUNT_CAP), "capped": count > COUNT_CAP,
                         "since": timezone.localtime(since),
                         "url": settings.SITE_URL + reverse("seekers_orgs:saved_search_open", args=[saved.pk])},
            )])
            audit(actor=None, verb=AuditEvent.Verb.SAVED_SEARCH_MAIL, target=saved, count=count)
            mailed.append(saved.pk)
    return len(mailed)
