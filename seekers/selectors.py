"""The seeker's own reads: whom they blocked and who looked at their profile. What organisations see
(SPEC rule 10) and the members' search live in seekers.search."""

from django.db.models import QuerySet

from . import pii
from .models import ApplicantIdentity, Block, Profile, ProfileView, SeekerAccount


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


def is_blocked(*, account: SeekerAccount, organization_id: int) -> bool:
    return Block.objects.filter(account=account, organization_id=organization_id).exists()


def views_of(profile: Profile, limit: int = 50) -> QuerySet[ProfileView]:
    return ProfileView.objects.filter(profile=profile).select_related("organization")[:limit]
