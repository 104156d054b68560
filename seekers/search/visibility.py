"""SPEC rule 10, the one visibility rule, from both sides: which profiles an organisation sees now
(`profiles_visible_to`, and its single-profile form) and which organisations see a seeker's profile
now (`organizations_seeing`). The organisation's search, its profile page, the guidance it sends
and its conversations all go through `profiles_visible_to`."""

from django.db.models import F, Q, QuerySet
from django.db.models.lookups import In
from django.utils import timezone

from organizations.models import Organization
from seekers.models import Block, Disposal, JobApplication, Profile, SeekerAccount

P = JobApplication.Provision


def provisions_admitting(kind: str) -> list[int]:
    """提供先区分 (SPEC rule 6): which choices admit an organisation of this kind (④ admits none)."""
    if kind == Organization.Kind.AGENCY:
        return [P.BOTH, P.AGENCY_ONLY]
    if kind == Organization.Kind.LOCAL_GOV:
        return [P.BOTH, P.LOCAL_GOV_ONLY]
    return []


class _OneOf(In):
    """`column IN (a, b)`, on PostgreSQL as `column = ANY(%s)` with the values as one array: a search's
    statement is prepared (config.querymemo), and the generic plan PostgreSQL settles on builds IN's
    ARRAY[$1, $2] again for every row it tests (about 5% of a keyword search's walk, perf on bench_search)."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _placeholders, values = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(values))


def profiles_visible_to(organization: Organization) -> QuerySet[Profile]:
    """SPEC rule 10. The organisation clause is its status today, read from the object given: the
    one member_required read for this request (request.organization), so a page reads the row once.
    The profile clauses are one expression per row: account started and not stopped, opt-in, today
    (JST) within validity, 提供先区分, the receive conditions as bit-set matches, no block and no
    answered 削除・廃棄 request (Disposal) (each NOT IN the organisation's own list)."""
    return visible_rows(Profile.objects.all(), organization, profile="pk")


def visible_rows(queryset: QuerySet, organization: Organization, *, profile: str) -> QuerySet:
    """The same rule on a queryset of Profile or of its narrow copy (seekers.ListingFacet, the same
    column names; `profile` names the profile's key there, for the NOT EXISTS)."""
    org = organization
    today = timezone.localdate()
    if org.status(today) != Organization.Status.ACTIVE:
        return queryset.none()
    queryset = (
        queryset.filter(
            # listed_until carries "opted in, published, started, not stopped" and the 有効期限
            # (seekers.search.listing); compared with today's JST date it ends at midnight by itself.
            _OneOf(F("listed_provision"), provisions_admitting(org.kind)),
            listed_until__gte=today,
        )
        .alias(
            kind_match=F("cond_kind_bits").bitand(org.kind_bits),
            region_match=F("cond_region_bits").bitand(org.region_bits),
            industry_match=F("cond_industry_bits").bitand(org.industry_bits),
            occupation_match=F("cond_occupation_bits").bitand(org.occupation_bits),
        )
        .filter(
            Q(cond_kind_bits=0) | ~Q(kind_match=0),
            Q(cond_region_bits=0) | ~Q(region_match=0),
            Q(cond_industry_bits=0) | ~Q(industry_match=0),
            Q(cond_occupation_bits=0) | ~Q(occupation_match=0),
            # NOT IN over the organisation's few blocks and answered requests: PostgreSQL hashes each
            # list once per statement ("hashed SubPlan"), where NOT EXISTS probed two indexes per
            # candidate row (~11 µs a row, 11 ms of a count of 1,001: bench_search EXPLAIN).
            ~Q(**{f"{profile}__in": Block.objects.filter(organization_id=org.pk).values("account__application_id")}),
            ~Q(**{f"{profile}__in": Disposal.objects.filter(organization_id=org.pk).values("account__application_id")}),
        )
    )
    if not org.privacy_mark:
        queryset = queryset.filter(cond_privacy_mark=False)
    return queryset


def profile_visible_to(organization: Organization, public_id: str) -> Profile | None:
    """The single-profile form of the same rule."""
    return (
        profiles_visible_to(organization)
        .select_related("desired_prefecture")
        .filter(public_id=public_id)
        .first()
    )


def organizations_seeing(account: SeekerAccount) -> QuerySet[Organization]:
    """The same rule from the seeker's side: the approved organisations that can see this profile
    now (for the receive-conditions screen). Tests check it agrees with profiles_visible_to."""
    profile = Profile.objects.get(pk=account.application_id)
    if profile.listed_until is None or profile.listed_until < timezone.localdate():
        return Organization.objects.none()
    kinds = [k for k in Organization.Kind.values if profile.listed_provision in provisions_admitting(k)]
    queryset = Organization.objects.active(timezone.localdate()).filter(kind__in=kinds).exclude(
        pk__in=Block.objects.filter(account=account).values("organization_id")
    ).exclude(pk__in=Disposal.objects.filter(account=account).values("organization_id"))
    for field, bits in (
        ("kind_bits", profile.cond_kind_bits),
        ("region_bits", profile.cond_region_bits),
        ("industry_bits", profile.cond_industry_bits),
        ("occupation_bits", profile.cond_occupation_bits),
    ):
        if bits:
            queryset = queryset.alias(**{f"{field}_m": F(field).bitand(bits)}).exclude(**{f"{field}_m": 0})
    if profile.cond_privacy_mark:
        queryset = queryset.filter(privacy_mark=True)
    return queryset
