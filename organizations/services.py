import secrets
from datetime import date, timedelta

from allauth.account.forms import default_token_generator  # the generator allauth's reset view checks
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit
from accounts.mail import email_queue
from accounts.models import AuditEvent, OutgoingEmail

from .jurisdiction import require_governs, staff_reach
from .models import Member, Organization, bits_of
from .terms import CURRENT_TERMS_VERSION

DISCLOSURE_FIELDS = Organization.APPROVAL_FIELDS


def missing_disclosures(organization: Organization) -> list[str]:
    """The SPEC rule 12 disclosures (and the STEP 6 procedure) still empty on the record."""
    return [name for name in DISCLOSURE_FIELDS if not (getattr(organization, name) or "").strip()]


def disclosure_errors(organization: Organization) -> dict[str, str]:
    message = _("労働局の承諾には、この項目(最初の案内メッセージの必須記載事項)の入力が必要です。")
    errors = {name: message for name in missing_disclosures(organization)}
    if organization.kind == Organization.Kind.AGENCY and not organization.permit_number.strip():
        errors["permit_number"] = _("民間職業紹介事業者等の承諾には許可・届出番号が必要です。")
    return errors


# --- SPEC rule 12: the disclosures a first guidance carries come from this record ----------------------


def guidance_disclosures_missing(organization: Organization) -> list[str]:
    """The SPEC rule 12 disclosures a first guidance message cannot be sent without, still empty on
    the record (the STEP 6 procedure is not one of them)."""
    return [name for name in Organization.GUIDANCE_DISCLOSURES if not (getattr(organization, name) or "").strip()]


def guidance_disclosures_refusal(organization: Organization) -> str:
    """Why a first guidance message cannot be sent from this record, naming what to fill in and
    where; "" when the record is complete. The guidance page shows it before a send, and
    messaging.services.guidance_send refuses with it."""
    missing = guidance_disclosures_missing(organization)
    if not missing:
        return ""
    labels = "、".join(f"「{Organization._meta.get_field(name).verbose_name}」" for name in missing)
    return _("団体の必須記載事項(%(fields)s)が登録されていないため、最初の案内メッセージを送信できません。"
             "団体の管理者が「団体の記載事項」のページで入力してください。") % {"fields": labels}


def disclosures_snapshot(organization: Organization) -> dict:
    """What a first guidance message keeps of the record (SPEC rule 12), so that a later edit of the
    record does not change what the seeker received: the disclosures, 名称, 許可・届出番号 and
    プライバシーマーク (Organization.DISCLOSURE_SNAPSHOT)."""
    return {name: getattr(organization, name) for name in Organization.DISCLOSURE_SNAPSHOT}


def organization_disclosures_update(*, actor, organization: Organization, values: dict) -> Organization:
    """Change the disclosures on the organisation's record (the organisation's administrator on its
    記載事項 page, staff in the admin through organization_save): the only writer of those fields on a
    stored record. The audit event keeps each changed field's value before and after, which staff
    read in the organisation's history (the leaflet counts fees differing from the first notice as
    不正な個人情報取得). An approved organisation cannot empty one (refused at the field). The row is
    locked (select_for_update) while it is compared and written, so of two edits at once each
    records the value it replaced. Messages already sent keep their snapshot. Raises
    ValidationError; then nothing is written."""
    unknown = set(values) - set(DISCLOSURE_FIELDS)
    if unknown:
        raise ValueError(f"not a disclosure: {sorted(unknown)}")
    with transaction.atomic():
        stored = Organization.objects.select_for_update().get(pk=organization.pk)
        after = {name: values.get(name, getattr(stored, name)) for name in DISCLOSURE_FIELDS}
        if stored.approved_on is not None:
            message = _("労働局の承諾を受けた団体は、この項目(最初の案内メッセージの必須記載事項)を空にできません。")
            errors = {name: message for name, value in after.items() if not (value or "").strip()}
            if errors:
                raise ValidationError(errors)
        changed = [name for name in DISCLOSURE_FIELDS if getattr(stored, name) != after[name]]
        if changed:
            before = {name: getattr(stored, name) for name in changed}
            for name in changed:
                setattr(stored, name, after[name])
            stored.save(update_fields=[*changed, "updated_at"])
            audit(actor=actor, verb=AuditEvent.Verb.ORGANIZATION_DISCLOSURES_UPDATE, target=stored,
                  before=before, after={name: after[name] for name in changed})
    for name in DISCLOSURE_FIELDS:
        setattr(organization, name, after[name])
    organization.updated_at = stored.updated_at
    return organization


def organization_approve(*, actor, organization: Organization, approved_on: date | None = None) -> Organization:
    """労働局 approval, on approved_on (by default today): the only way an organisation becomes
    approved. Refused while a mandatory disclosure is empty (the database refuses it too). The row
    is locked (select_for_update) and its disclosures checked again there, so an edit that empties
    one at the same moment cannot slip past; approving twice keeps the first approval."""
    approved_on = approved_on or timezone.localdate()
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("労働局承諾日に未来の日付は入力できません。")})
    errors = disclosure_errors(organization)
    if organization.bureau_id is None:
        errors["bureau"] = _("承諾には管轄労働局の選択が必要です。")
    if errors:
        raise ValidationError(errors)
    require_governs(actor, organization)  # SPEC rule 23: only its own 労働局 (or national) approves
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        errors = disclosure_errors(org)
        if errors:
            raise ValidationError(errors)
        if org.approved_on is None:
            org.approved_on = approved_on
            org.approved_by = actor
            org.approval_until = approval_end(approved_on)
            org.save(update_fields=["approved_on", "approved_by", "approval_until", "updated_at"])
            audit(actor=actor, verb=AuditEvent.Verb.ORGANIZATION_APPROVE, target=org,
                  approved_on=str(org.approved_on), approval_until=str(org.approval_until))
    organization.approved_on, organization.approved_by = org.approved_on, org.approved_by
    organization.approval_until = org.approval_until
    return org


def approval_end(approved_on: date) -> date:
    """The last day of an approval given on approved_on: APPROVAL_VALIDITY_YEARS later, the day before
    the same calendar day (approved 2026-04-01 → last day 2029-03-31; 29 February counts from 28)."""
    years = settings.APPROVAL_VALIDITY_YEARS
    try:
        anniversary = approved_on.replace(year=approved_on.year + years)
    except ValueError:
        anniversary = approved_on.replace(year=approved_on.year + years, day=28)
    return anniversary - timedelta(days=1)


def organization_approval_until_set(*, actor, organization: Organization, approval_until: date) -> Organization:
    """Staff change the last day of an organisation's approval (a renewal, a correction). Not before
    the approval day; a new end date may be reminded of again (approval_reminders_send compares the
    date the reminder went out for). The row is locked (select_for_update); audited before/after."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        require_governs(actor, org)  # SPEC rule 23: its own 労働局 (or national) only
        if org.approved_on is None:
            raise ValidationError({"approval_until": _("労働局の承諾を受けていない団体には有効期限を設定できません。")})
        if approval_until < org.approved_on:
            raise ValidationError({"approval_until": _("承諾の有効期限は労働局承諾日以降の日付にしてください。")})
        if org.approval_until != approval_until:
            before = str(org.approval_until)
            org.approval_until = approval_until
            org.save(update_fields=["approval_until", "updated_at"])
            audit(actor=actor, verb=AuditEvent.Verb.ORGANIZATION_APPROVAL_UNTIL, target=org, before=before,
                  after=str(approval_until))
    organization.approval_until = org.approval_until
    return org


def approval_reminders_send(*, today: date | None = None) -> int:
    """Daily (Celery beat, organizations.tasks.approval_reminders): one mail to each administrator of
    every organisation whose approval ends within APPROVAL_REMINDER_DAYS (and has not ended), once
    per end date: approval_reminder_sent_for is set to the end date in the same transaction, by a
    conditional update per organisation whose row count is checked, so two runs at once send once."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.APPROVAL_REMINDER_DAYS)
    sent = 0
    due = (Organization.objects.filter(approval_until__gte=today, approval_until__lte=horizon,
                                       revoked_at__isnull=True, withdrawn_at__isnull=True)
           .exclude(approval_reminder_sent_for=F("approval_until")))
    for org in due.only("pk", "name", "approval_until"):
        with transaction.atomic():
            claimed = (Organization.objects.filter(pk=org.pk, approval_until=org.approval_until)
                       .exclude(approval_reminder_sent_for=org.approval_until)
                       .update(approval_reminder_sent_for=org.approval_until))
            if not claimed:
                continue
            admins = list(Member.objects.filter(organization_id=org.pk, role=Member.Role.ADMIN)
                          .select_related("user").values_list("user__email", flat=True))
            for email in admins:
                email_queue(
                    to=email, template="organizations/email/approval_reminder",
                    context={"organization": org.name, "approval_until": org.approval_until,
                             "site_url": settings.SITE_URL},
                    kind=OutgoingEmail.Kind.APPROVAL_REMINDER,
                )
            audit(actor=None, verb=AuditEvent.Verb.ORGANIZATION_APPROVAL_REMINDER, target=org,
                  approval_until=str(org.approval_until), recipients=len(admins))
            sent += 1
    return sent


# --- 利用規約(利用団体用): the administrator's consent (organizations.terms) --------------------------


def may_accept_terms(member: Member) -> bool:
    """Only an organisation's administrator accepts the terms for it; every member reads them."""
    return member.role == Member.Role.ADMIN


def organization_terms_accept(*, actor, member: Member, version: int) -> Organization:
    """The organisation's administrator accepts the 利用規約 version in force (the page shows it and
    posts its number): until then no member can search or send (Organization.status TERMS_PENDING).
    A version other than the one in force is refused (the page was open while the terms changed).
    The row is locked (select_for_update); accepting twice keeps the first acceptance."""
    if not may_accept_terms(member):
        raise PermissionDenied
    if version != CURRENT_TERMS_VERSION:
        raise ValidationError(_("利用規約が改定されました。改定後の利用規約をお読みのうえ、あらためて同意してください。"))
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=member.organization_id)
        if org.terms_version < version:
            before = org.terms_version
            org.terms_version, org.terms_accepted_at, org.terms_accepted_by = version, timezone.now(), actor
            org.save(update_fields=["terms_version", "terms_accepted_at", "terms_accepted_by", "updated_at"])
            audit(actor=actor, verb=AuditEvent.Verb.ORGANIZATION_TERMS_ACCEPT, target=org, version=version,
                  before=before)
    return org


def organization_set_withdrawn(*, actor, organization: Organization, reason: str = "") -> Organization:
    """Record that the organisation left the service (status WITHDRAWN, permanent). Called by
    compliance.services.organization_withdraw, which opens the disposal duties in the same
    transaction (this app never imports compliance). The row is locked; a second call changes
    nothing and returns the stored row."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if org.withdrawn_at is None and org.revoked_at is None:
            org.withdrawn_at = timezone.now()
            org.save(update_fields=["withdrawn_at", "updated_at"])
            audit(actor=actor, verb=AuditEvent.Verb.ORGANIZATION_WITHDRAW, target=org, reason=reason)
    return org


# Written by other services only: approval (organization_approve), the bit sets
# (organization_refresh_bits) and the sanction state (organization_set_sanction_state).
_NOT_SAVED_BY_STAFF = {"approved_on", "approved_by", "suspended_from", "suspended_until", "revoked_at",
                       "approval_until", "approval_reminder_sent_for", "terms_version", "terms_accepted_at",
                       "terms_accepted_by", "withdrawn_at",
                       "kind_bits", "region_bits", "industry_bits", "occupation_bits", "created_at"}
STAFF_FIELDS = [
    field.name for field in Organization._meta.concrete_fields
    if not field.primary_key and field.name not in _NOT_SAVED_BY_STAFF
]


def organization_save(*, actor, organization: Organization, regions=None, industries=None, occupations=None,
                      approve_on: date | None = None) -> Organization:
    """Staff enter or change a 利用団体 (the admin's form), in one transaction with its audit event: the
    record, what it handles (organization_set_handled keeps the bit sets in step) and, with
    approve_on, the 労働局 approval (organization_approve). The save itself never approves, and never
    writes the sanction state. An approved organisation keeps its mandatory disclosures (SPEC rule
    12): emptying one is refused at the field. The stored row is locked (select_for_update) while it
    is compared and replaced. Raises ValidationError; then nothing is written."""
    reach = staff_reach(actor)
    if not reach.national and organization.bureau_id != reach.bureau_code:
        # SPEC rule 23: a 労働局 enters and changes the organisations under itself only.
        raise ValidationError({"bureau": _("管轄労働局は、あなたの所属する労働局にしてください。")})
    with transaction.atomic():
        stored = None
        if organization.pk is not None:
            stored = Organization.objects.select_for_update().filter(pk=organization.pk).first()
            if stored is not None:
                require_governs(actor, stored)
        organization.approved_on = stored.approved_on if stored else None
        organization.approved_by = stored.approved_by if stored else None
        if organization.approved_on is not None:
            errors = disclosure_errors(organization)
            if errors:
                raise ValidationError(errors)
        if stored is None:
            organization.save()
            changed = []
        else:
            # The disclosures of a stored record change through organization_disclosures_update
            # alone, whose audit event keeps them before and after.
            fields = [name for name in STAFF_FIELDS if name not in DISCLOSURE_FIELDS]
            changed = [name for name in fields if name != "updated_at"
                       and getattr(stored, name) != getattr(organization, name)]
            organization.save(update_fields=fields)
            organization_disclosures_update(
                actor=actor, organization=organization,
                values={name: getattr(organization, name) for name in DISCLOSURE_FIELDS},
            )
        organization_set_handled(actor=actor, organization=organization, regions=regions, industries=industries,
                                 occupations=occupations)
        if stored is None:
            audit(actor=actor, verb=AuditEvent.Verb.ORGANIZATION_CREATE, target=organization)
        elif changed:
            audit(actor=actor, verb=AuditEvent.Verb.ORGANIZATION_UPDATE, target=organization, changed=changed)
        if approve_on is not None:
            organization_approve(actor=actor, organization=organization, approved_on=approve_on)
    return organization


def organization_set_handled(*, actor, organization: Organization, regions=None, industries=None,
                             occupations=None) -> Organization:
    """Set what the organisation handles and keep its bit sets in step with the rows."""
    with transaction.atomic():
        if regions is not None:
            organization.regions.set(regions)
        if industries is not None:
            organization.industries.set(industries)
        if occupations is not None:
            organization.occupations.set(occupations)
        organization_refresh_bits(organization=organization)
        audit(
            actor=actor,
            verb=AuditEvent.Verb.ORGANIZATION_SET_HANDLED,
            target=organization,
            regions=sorted(organization.regions.values_list("code", flat=True)),
            industries=sorted(organization.industries.values_list("code", flat=True)),
            occupations=sorted(organization.occupations.values_list("code", flat=True)),
        )
    return organization


def organization_refresh_bits(*, organization: Organization) -> None:
    region_bits = bits_of(int(code) - 1 for code in organization.regions.values_list("code", flat=True))
    industry_bits = bits_of(organization.industries.filter(major=None).values_list("bit", flat=True))
    occupation_bits = bits_of(organization.occupations.filter(major=None).values_list("bit", flat=True))
    Organization.objects.filter(pk=organization.pk).update(
        kind_bits=organization.kind_bit, region_bits=region_bits, industry_bits=industry_bits,
        occupation_bits=occupation_bits,
    )
    organization.kind_bits = organization.kind_bit
    organization.region_bits, organization.industry_bits = region_bits, industry_bits
    organization.occupation_bits = occupation_bits


def member_invite(*, actor, organization: Organization, email: str, display_name: str = "",
                  role: str = "member"):
    """Add a member to the organisation (no self-registration): staff in admin, or the organisation's
    administrator on its メンバー管理 page (organizations.access.may_manage_members). The member sets
    a password from an emailed link, which expires with PASSWORD_RESET_TIMEOUT (1 hour); after that,
    パスワード再発行 sends a new one.

    An address another member or staff signs in with is refused at the field (the database's
    case-insensitive unique constraint backs it), except a member this organisation removed
    (member_remove): they come back on the same row, so their earlier actions stay in the
    organisation's audit, with a new link to set a password (the old one stays unusable). Another
    organisation's removed member is refused too: a member never moves between organisations."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email.strip())
    role = Member.Role(role)
    existing = user_model.objects.exclude(role=user_model.Role.SEEKER).filter(email__iexact=email).first()
    returning = getattr(existing, "membership", None) if existing is not None else None
    if existing is not None and (returning is None or returning.removed_at is None
                                 or returning.organization_id != organization.pk):
        raise ValidationError({"email": _("このメールアドレスはすでに登録されています。")})
    with transaction.atomic():
        if returning is None:
            user = user_model(username=_member_username(email), email=email, role=user_model.Role.MEMBER)
            user.set_unusable_password()
            user.save()
            member = Member.objects.create(user=user, organization=organization, display_name=display_name,
                                           role=role)
        else:
            member = Member.objects.select_for_update().get(pk=returning.pk)
            if member.removed_at is None:  # invited back by someone else a moment ago
                raise ValidationError({"email": _("このメールアドレスはすでに登録されています。")})
            member.removed_at, member.role = None, role
            member.display_name = display_name or member.display_name
            member.save(update_fields=["removed_at", "role", "display_name"])
            user = member.user
            user.is_active = True
            user.set_unusable_password()
            user.save(update_fields=["is_active", "password"])
        link = settings.SITE_URL + reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        )
        audit(actor=actor, verb=AuditEvent.Verb.MEMBER_INVITE, target=member, email=email, role=role.value,
              **({"returning": True} if returning is not None else {}))
        email_queue(
            to=user.email,
            template="organizations/email/invite",
            context={"organization": organization.name, "link": link, "site_url": settings.SITE_URL},
            kind=OutgoingEmail.Kind.MEMBER_INVITE,
        )
    return member


# --- An organisation keeps at least one administrator (issue 16) ----------------------------------------


def last_administrator_refusal(member: Member, *, new_role: str | None) -> str:
    """Why `member` may not be given `new_role` (None: removed from the organisation), or "" when it
    may: an organisation keeps at least one administrator, so its last current administrator can be
    neither demoted nor removed. The one place this rule is decided: member_role_change and
    member_remove ask it with the organisation row locked, and the confirmation pages ask it first so
    the administrator reads the refusal before being asked to confirm."""
    if member.role != Member.Role.ADMIN or member.removed_at is not None or new_role == Member.Role.ADMIN:
        return ""
    others = (Member.objects.filter(organization_id=member.organization_id, role=Member.Role.ADMIN,
                                    removed_at__isnull=True).exclude(pk=member.pk))
    if others.exists():
        return ""
    if new_role is None:
        return _("団体には管理者が1人以上必要です。この方は最後の管理者のため削除できません。"
                 "先に別のメンバーを管理者にしてください。")
    return _("団体には管理者が1人以上必要です。この方は最後の管理者のため担当者に変更できません。"
             "先に別のメンバーを管理者にしてください。")


def _lock_member(member: Member) -> Member:
    """Lock the organisation row, then the member row, in that order (every member change does the
    same, so two changes never wait on each other crosswise). The organisation row is the lock the
    last-administrator rule relies on: two administrators demoting each other at once both read the
    count of the others only after taking it, so the second sees the first's change and is refused."""
    Organization.objects.select_for_update().only("pk").get(pk=member.organization_id)
    return Member.objects.select_for_update().get(pk=member.pk)


def member_role_change(*, actor, member: Member, role: str) -> Member:
    """Make a member 管理者 or 担当者 (the organisation's administrator, or staff in admin). Refused with
    last_administrator_refusal's message, or when the member was removed. Audited before/after;
    nothing happens when the role is already that one."""
    role = Member.Role(role)
    with transaction.atomic():
        locked = _lock_member(member)
        if locked.removed_at is not None:
            raise ValidationError(_("このメンバーはすでに削除されています。"))
        if locked.role != role:
            refusal = last_administrator_refusal(locked, new_role=role)
            if refusal:
                raise ValidationError({"role": refusal})
            before = locked.role
            locked.role = role
            locked.save(update_fields=["role"])
            audit(actor=actor, verb=AuditEvent.Verb.MEMBER_ROLE_CHANGE, target=locked, before=before, after=role.value)
    member.role = locked.role
    return locked


def member_remove(*, actor, member: Member) -> Member:
    """Remove a member from the organisation (the organisation's administrator, or staff in admin).

    Their sessions end at once, whichever browser holds them, with no session row to find: the user
    is made inactive, so the authentication backend no longer loads them for any session (each is
    anonymous from its next request), and given an unusable password, which changes the hash every
    session carries (get_session_auth_hash), so a backend that admitted inactive users would still
    flush it. The member row stays with removed_at, so what they did stays in the organisation's
    audit page. Refused with last_administrator_refusal's message. Removing twice is a no-op."""
    with transaction.atomic():
        locked = _lock_member(member)
        if locked.removed_at is None:
            refusal = last_administrator_refusal(locked, new_role=None)
            if refusal:
                raise ValidationError(refusal)
            locked.removed_at = timezone.now()
            locked.save(update_fields=["removed_at"])
            user = get_user_model().objects.select_for_update().get(pk=locked.user_id)
            user.is_active = False
            user.set_unusable_password()
            user.save(update_fields=["is_active", "password"])
            audit(actor=actor, verb=AuditEvent.Verb.MEMBER_REMOVE, target=locked, email=user.email,
                  role=locked.role)
    member.removed_at = locked.removed_at
    return locked


def _member_username(email: str) -> str:
    """Members sign in by email; the username is an internal handle that cannot collide with a
    seeker's 8-character ユーザID (it has a prefix and lower-case hex)."""
    return f"m_{secrets.token_hex(6)}"


def organization_set_sanction_state(*, actor, organization: Organization, suspended_from=None,
                                    suspended_until=None, revoked_at=None, reason: str = "") -> Organization:
    """The sanction state kept on the organisation (SPEC rule 20). Called by compliance services so
    that this app never imports compliance."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        before = {"suspended_from": str(org.suspended_from), "suspended_until": str(org.suspended_until),
                  "revoked_at": str(org.revoked_at)}
        org.suspended_from, org.suspended_until = suspended_from, suspended_until
        if revoked_at is not None:
            org.revoked_at = revoked_at
        org.save(update_fields=["suspended_from", "suspended_until", "revoked_at", "updated_at"])
        audit(actor=actor, verb=AuditEvent.Verb.ORGANIZATION_SANCTION_STATE, target=org, before=before, reason=reason,
              after={"suspended_from": str(org.suspended_from), "suspended_until": str(org.suspended_until),
                     "revoked_at": str(org.revoked_at)})
    return org
