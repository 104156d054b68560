import secrets
from datetime import date

from allauth.account.forms import default_token_generator  # the generator allauth's reset view checks
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit
from accounts.mail import email_queue
from accounts.models import AuditEvent, OutgoingEmail

from .models import Member, Organization, bits_of

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


def organization_approve(*, actor, organization: Organization, approved_on: date | None = None) -> Organization:
    """労働局 approval, on approved_on (by default today): the only way an organisation becomes
    approved. Refused while a mandatory disclosure is empty (the database refuses it too). The row
    is locked (select_for_update) and its disclosures checked again there, so an edit that empties
    one at the same moment cannot slip past; approving twice keeps the first approval."""
    approved_on = approved_on or timezone.localdate()
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("労働局承諾日に未来の日付は入力できません。")})
    errors = disclosure_errors(organization)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        errors = disclosure_errors(org)
        if errors:
            raise ValidationError(errors)
        if org.approved_on is None:
            org.approved_on = approved_on
            org.approved_by = actor
            org.save(update_fields=["approved_on", "approved_by", "updated_at"])
            audit(actor=actor, verb=AuditEvent.Verb.ORGANIZATION_APPROVE, target=org,
                  approved_on=str(org.approved_on))
    organization.approved_on, organization.approved_by = org.approved_on, org.approved_by
    return org


# Written by other services only: approval (organization_approve), the bit sets
# (organization_refresh_bits) and the sanction state (organization_set_sanction_state).
_NOT_SAVED_BY_STAFF = {"approved_on", "approved_by", "suspended_from", "suspended_until", "revoked_at",
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
    with transaction.atomic():
        stored = None
        if organization.pk is not None:
            stored = Organization.objects.select_for_update().filter(pk=organization.pk).first()
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
            changed = [name for name in STAFF_FIELDS if name != "updated_at"
                       and getattr(stored, name) != getattr(organization, name)]
            organization.save(update_fields=STAFF_FIELDS)
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
    """Staff add a member (no self-registration). The member sets a password from an emailed link,
    which expires with PASSWORD_RESET_TIMEOUT (1 hour); after that, パスワード再発行 sends a new one."""
    user_model = get_user_model()
    with transaction.atomic():
        user = user_model(username=_member_username(email), email=email, role=user_model.Role.MEMBER)
        user.set_unusable_password()
        user.save()
        member = Member.objects.create(user=user, organization=organization, display_name=display_name, role=role)
        link = settings.SITE_URL + reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        )
        audit(actor=actor, verb=AuditEvent.Verb.MEMBER_INVITE, target=member, email=email)
        email_queue(
            to=email,
            template="organizations/email/invite",
            context={"organization": organization.name, "link": link, "site_url": settings.SITE_URL},
            kind=OutgoingEmail.Kind.MEMBER_INVITE,
        )
    return member


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
