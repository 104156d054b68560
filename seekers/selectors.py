"""Reads with access control. `profiles_visible_to` is SPEC rule 10, the one visibility rule: every
organisation screen (search, profile, messaging, exports) goes through it."""

import re
from dataclasses import dataclass

from django.core import signing
from django.db import OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from organizations.models import Organization

from .facets import occupation_facet
from .models import Block, JobApplication, Profile, ProfileView, SeekerAccount
from .pii import normalize

P = JobApplication.Provision


def provisions_admitting(kind: str) -> list[int]:
    """提供先区分 (SPEC rule 6): which choices admit an organisation of this kind (④ admits none)."""
    if kind == Organization.Kind.AGENCY:
        return [P.BOTH, P.AGENCY_ONLY]
    if kind == Organization.Kind.LOCAL_GOV:
        return [P.BOTH, P.LOCAL_GOV_ONLY]
    return []


def profiles_visible_to(organization: Organization) -> QuerySet[Profile]:
    """SPEC rule 10. The organisation clause is its status today, read from the object given: the
    one member_required read for this request (request.organization), so a page reads the row once.
    The profile clauses are one expression per row: account started and not stopped, opt-in, today
    (JST) within validity, 提供先区分, the receive conditions as bit-set matches, and no block (NOT
    EXISTS on a unique index)."""
    org = organization
    today = timezone.localdate()
    if org.status(today) != Organization.Status.ACTIVE:
        return Profile.objects.none()
    queryset = (
        Profile.objects.filter(
            # listed_until carries "opted in, published, started, not stopped" and the 有効期限
            # (profile_sync_listing); compared with today's JST date it ends at midnight by itself.
            listed_until__gte=today,
            listed_provision__in=provisions_admitting(org.kind),
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
            ~Exists(Block.objects.filter(account__application_id=OuterRef("pk"), organization_id=org.pk)),
        )
    )
    if not org.privacy_mark:
        queryset = queryset.filter(cond_privacy_mark=False)
    return queryset


def profiles_awaiting_pii_review(queryset: QuerySet[Profile] | None = None) -> QuerySet[Profile]:
    """Profiles with free text the PII guard withholds from organisations until staff review it
    (SPEC rule 15): staff's review list and the admin index's count."""
    return (Profile.objects.all() if queryset is None else queryset).exclude(withheld={})


def profile_visible_to(organization: Organization, public_id: str) -> Profile | None:
    """The single-profile form of the same rule."""
    return (
        profiles_visible_to(organization)
        .select_related("desired_prefecture")
        .prefetch_related("planned_occupations", "planned_industries", "wide_area_prefectures", "qualifications")
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
    )
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


def blocks_of(account: SeekerAccount) -> QuerySet[Block]:
    return Block.objects.filter(account=account).select_related("organization").order_by("-created_at")


def is_blocked(*, account: SeekerAccount, organization_id: int) -> bool:
    return Block.objects.filter(account=account, organization_id=organization_id).exists()


def views_of(profile: Profile, limit: int = 50) -> QuerySet[ProfileView]:
    return ProfileView.objects.filter(profile=profile).select_related("organization")[:limit]


@dataclass(frozen=True)
class SearchPage:
    rows: list
    next_cursor: str
    count: int | None
    count_capped: bool
    counted: bool
    # The first page tried to count and the count ran out of its time budget.
    count_omitted: bool


COUNT_CAP = 1000
PAGE_SIZE = 20
# The result count is information, the page is the point: on PostgreSQL the count gets this many
# milliseconds and is left out ("件数は省略") when it needs more, so a search that must read many
# rows to count them cannot hold up the page (bench_search).
COUNT_BUDGET_MS = 40


# --- the paging cursor -------------------------------------------------------------------------------
# The 次の20件 link carries the last row's public id (already on the page it came from) signed for
# this organisation, and nothing else: no time (published_at is the moment of the seeker's first
# login, and the link lands in the browser's history). The next page finds that row's place in the
# keyset itself. Anything that does not verify is the first page.
CURSOR_MAX_LENGTH = 200
PUBLIC_ID = re.compile(r"[0-9a-f]{16}")


def _cursor_signer(organization: Organization) -> signing.Signer:
    return signing.Signer(salt=f"seekers.search.cursor:{organization.pk}")


def _cursor_after(profile: Profile, organization: Organization) -> str:
    return _cursor_signer(organization).sign(profile.public_id)


def _cursor_position(cursor: str, organization: Organization) -> str | None:
    """The public id a cursor continues after, or None for a missing, malformed or forged one."""
    if not cursor or len(cursor) > CURSOR_MAX_LENGTH:
        return None
    try:
        public_id = _cursor_signer(organization).unsign(cursor)
    except signing.BadSignature:
        return None
    return public_id if PUBLIC_ID.fullmatch(public_id) else None


class _UndoTimeout(Exception):
    pass


def _capped_count(queryset: QuerySet) -> int | None:
    """min(matches, COUNT_CAP + 1), or None when the budget ran out (PostgreSQL only).

    SET LOCAL would last to the end of an enclosing transaction, so the block is always rolled back
    (to its savepoint, or as its own transaction): that undoes the timeout and nothing else, since
    the block only reads."""
    if connection.vendor != "postgresql":
        return queryset[: COUNT_CAP + 1].count()
    counted = None
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s", [COUNT_BUDGET_MS])
            counted = queryset[: COUNT_CAP + 1].count()
            raise _UndoTimeout
    except _UndoTimeout:
        return counted
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", "") == "57014":  # query_canceled: over budget
            return None
        raise


def search_profiles(organization: Organization, filters: dict, cursor: str = "") -> SearchPage:
    """The members' search: filters on published fields only, newest first, keyset paging on
    (published_at, public_id). The first page also counts the results, capped at COUNT_CAP and
    time-boxed (COUNT_BUDGET_MS); later pages do not count again. A cursor that does not verify
    gives the first page."""
    queryset = profiles_visible_to(organization)
    queryset = _apply_filters(queryset, filters)
    after = _cursor_position(cursor, organization)
    count = None if after else _capped_count(queryset)
    page = queryset.select_related("desired_prefecture").order_by("-published_at", "-public_id")
    if after:
        # The anchor row's published_at is looked up in the same query (a scalar subquery on the
        # unique public_id), so the cursor needs no time in it.
        anchor = Subquery(Profile.objects.filter(public_id=after).values("published_at")[:1])
        page = page.filter(Q(published_at__lt=anchor) | Q(published_at=anchor, public_id__lt=after))
    rows = list(page[: PAGE_SIZE + 1])
    next_cursor = ""
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_cursor = _cursor_after(rows[-1], organization)
    return SearchPage(
        rows=rows, next_cursor=next_cursor, count=None if count is None else min(count, COUNT_CAP),
        count_capped=count is not None and count > COUNT_CAP, counted=not after and count is not None,
        count_omitted=not after and count is None,
    )


def _apply_filters(queryset: QuerySet[Profile], f: dict) -> QuerySet[Profile]:
    """Narrow value filters (prefecture, occupation, qualification, 海外勤務, U/I ターン: a few percent
    of profiles each) are facet tokens, one full-text match served on PostgreSQL by a GIN index.
    Broad ones (a fifth or more: 就業形態, 正社員希望, 派遣・請負・転居) are plain column tests, cheap on
    a scan, where intersecting their huge posting lists in the GIN index would cost more
    (measured with bench_search). The income range and the keyword are checked on what remains."""
    tokens = []
    if f.get("occupation"):
        tokens.append(occupation_facet(f["occupation"]))
    if f.get("prefecture"):
        tokens.append(f"pf{f['prefecture'].pk}")
    if f.get("employment_type"):
        queryset = queryset.filter(employment_type=f["employment_type"])
    if f.get("wants_regular"):
        queryset = queryset.filter(wants_regular=f["wants_regular"])
    for flag in ("dispatch_ok", "contract_ok", "relocation_ok"):
        if f.get(flag):
            queryset = queryset.filter(**{flag: True})
    if f.get("qualification"):
        tokens.append(f"q{f['qualification'].pk}")
    if f.get("overseas_ok"):
        tokens.append("overseas")
    if f.get("u_i_turn"):
        tokens.append(f"turn{f['u_i_turn']}")
    if tokens:
        queryset = queryset.filter(facets__has_facets=tokens)
    if f.get("income_min") is not None:
        queryset = queryset.filter(desired_monthly_income__gte=f["income_min"])
    if f.get("income_max") is not None:
        queryset = queryset.filter(desired_monthly_income__lte=f["income_max"])
    if f.get("keyword"):
        for word in normalize(f["keyword"]).lower().split()[:5]:
            queryset = queryset.filter(search_text__contains=word)
    return queryset
