"""The seeker's own reads: whom they blocked and who looked at their profile. What organisations see
(SPEC rule 10) and the members' search live in seekers.search."""

from datetime import date

from django.db.models import QuerySet, Subquery
from django.db.models.functions import Substr

from organizations.jurisdiction import office_for_number
from organizations.models import Office, Organization

from . import pii
from .models import ApplicantIdentity, Block, JobApplication, Profile, ProfileView, SeekerAccount

# The organisations a seeker may block (SPEC rule 8): those that use the service or will again (a
# suspended one comes back when its period ends, a lapsed or terms-pending one when renewed or
# accepted). Not one still awaiting approval, whose name the
# seeker has no business learning, nor a revoked or withdrawn one, which never comes back. The instance form is
# in seekers.services.block_check; organizations_blockable below is its queryset form.
BLOCKABLE_STATUSES = (Organization.Status.ACTIVE, Organization.Status.SUSPENDED, Organization.Status.EXPIRED,
                      Organization.Status.TERMS_PENDING)

# At most this many organisations are listed for one name typed on ブロック設定.
ORGANIZATION_SEARCH_LIMIT = 20


def profiles_awaiting_pii_review(queryset: QuerySet[Profile] | None = None) -> QuerySet[Profile]:
    """Profiles with free text the PII guard withholds from organisations until staff review it
    (SPEC rule 15): staff's review list and the admin index's count."""
    return (Profile.objects.all() if queryset is None else queryset).exclude(withheld={})


def identity_needles(application_id: int) -> pii.Needles | None:
    """The PII guard's comparison with this seeker's own registered identity and 求職番号 (SPEC
    rule 15), in one query; None when no identity is recorded."""
    identity = ApplicantIdentity.objects.select_related("application").filter(pk=application_id).first()
    if identity is None:
        return None
    return pii.needles_for(identity, identity.application.kyushoku_number)


def blocks_of(account: SeekerAccount) -> QuerySet[Block]:
    return Block.objects.filter(account=account).select_related("organization").order_by("-created_at")


def organizations_blockable(today: date) -> QuerySet[Organization]:
    """The organisations block_check lets a seeker block on this day (its organisation clause)."""
    return Organization.objects.with_status(today).filter(status_today__in=BLOCKABLE_STATUSES)


def organizations_to_block(name: str, *, today: date, limit: int = ORGANIZATION_SEARCH_LIMIT) -> list[Organization]:
    """ブロック設定's search (doda's 企業ブロック): the blockable organisations whose name contains what
    the seeker typed, by name, at most limit + 1 of them (the one more says there are more)."""
    name = " ".join(name.split())
    if not name:
        return []
    return list(organizations_blockable(today).filter(name__icontains=name).order_by("name", "id")[: limit + 1])


def is_blocked(*, account: SeekerAccount, organization_id: int) -> bool:
    return Block.objects.filter(account=account, organization_id=organization_id).exists()


def views_of(profile: Profile, limit: int = 50) -> QuerySet[ProfileView]:
    return ProfileView.objects.filter(profile=profile).select_related("organization")[:limit]


def office_of(account: SeekerAccount) -> Office | None:
    """The seeker's Hello Work office (SPEC rule 23: the first five digits of the 求職番号), in one
    query: from the loaded application, or matched in the database against it."""
    if "application" in account._state.fields_cache:
        return office_for_number(account.application.kyushoku_number)
    number = JobApplication.objects.filter(pk=account.application_id).values("kyushoku_number")[:1]
    return Office.objects.select_related("prefecture").filter(
        code=Subquery(number.annotate(code=Substr("kyushoku_number", 1, 5)).values("code"))
    ).first()
