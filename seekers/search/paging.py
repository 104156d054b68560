"""The members' search page (/orgs/seekers/): newest first, keyset paging behind an opaque signed
cursor, and a result count that is capped and time-boxed so it cannot hold up the page."""

import re
from dataclasses import dataclass

from django.core import signing
from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet, Subquery

from organizations.models import Organization
from seekers.models import Profile

from .facets import filter_profiles
from .visibility import profiles_visible_to


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
    queryset = filter_profiles(queryset, filters)
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
