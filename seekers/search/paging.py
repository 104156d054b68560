"""The members' search page (/orgs/seekers/): newest first, keyset paging behind an opaque signed
cursor both ways (次の20件 and 前へ) with the page number, and a result count on every page, capped at
COUNT_CAP (「N件」 exactly up to it, 「1,000件以上」 beyond)."""

import re
from dataclasses import dataclass

from django.core import signing
from django.db.models import Q, QuerySet, Subquery

from organizations.models import Organization
from seekers.models import Profile

from .facets import filter_profiles
from .narrow import narrow_listing
from .visibility import profiles_visible_to


@dataclass(frozen=True)
class SearchPage:
    rows: list
    next_cursor: str
    # The 前へ link's cursor; "" on page 2 (the link is the first page itself) and on page 1.
    previous_cursor: str
    number: int
    count: int
    count_capped: bool
    size: int = 20  # rows a full page holds (the search form's 表示件数)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def first_shown(self) -> int:
        """The position of the page's first row among the results (1-based)."""
        return (self.number - 1) * self.size + 1

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.rows) - 1


COUNT_CAP = 1000
PAGE_SIZE = 20
# The 表示件数 a member may choose; the largest is GUIDANCE_BATCH_MAX, so 「このページの全員」 can fill a batch.
PAGE_SIZES = (20, 50, 100)
MAX_PAGE_NUMBER = 999_999


# --- the paging cursor -------------------------------------------------------------------------------
# A link carries the direction, the number of the page it leads to and the public id of the row it
# continues from (already on the page it came from), signed for this organisation, and nothing else:
# no time (published_at is the moment of the seeker's first login, and the link lands in the
# browser's history). The page finds that row's place in the keyset itself. Anything that does not
# verify is the first page.
CURSOR_MAX_LENGTH = 200
POSITION = re.compile(r"(?P<direction>[np])(?P<number>[1-9][0-9]{0,5})\.(?P<public_id>[0-9a-f]{16})")


@dataclass(frozen=True)
class _Position:
    forward: bool  # n: the rows after public_id (older); p: the rows before it (newer)
    number: int
    public_id: str


def _cursor_signer(organization: Organization) -> signing.Signer:
    return signing.Signer(salt=f"seekers.search.cursor:{organization.pk}")


def _cursor(organization: Organization, *, forward: bool, number: int, profile: Profile) -> str:
    return _cursor_signer(organization).sign(f"{'n' if forward else 'p'}{number}.{profile.public_id}")


def _cursor_position(cursor: str, organization: Organization) -> _Position | None:
    """Where a cursor leads, or None for a missing, malformed or forged one."""
    if not cursor or len(cursor) > CURSOR_MAX_LENGTH:
        return None
    try:
        value = _cursor_signer(organization).unsign(cursor)
    except signing.BadSignature:
        return None
    match = POSITION.fullmatch(value)
    if not match or int(match["number"]) < 2:
        return None
    return _Position(match["direction"] == "n", int(match["number"]), match["public_id"])


def _capped_count(queryset: QuerySet) -> int:
    """min(matches, COUNT_CAP + 1): one more than the cap tells "more than the cap"."""
    return queryset[: COUNT_CAP + 1].count()


def _rows(queryset: QuerySet, position: _Position | None, size: int, listing: QuerySet | None = None) -> tuple[list, bool]:
    """The page's rows newest first, and whether there are more beyond them in its direction. With
    the narrow listing (seekers.search.narrow) the keyset walks its rows and the page reads the
    profiles they name, in the same query."""
    page = queryset if listing is None else listing
    if position is None:
        return _page(page, ("-published_at", "-public_id"), size, listing is not None)
    # The anchor row's published_at is looked up in the same query (a scalar subquery on the
    # unique public_id), so the cursor needs no time in it.
    anchor = Subquery(Profile.objects.filter(public_id=position.public_id).values("published_at")[:1])
    if position.forward:
        page = page.filter(
            Q(published_at__lt=anchor) | Q(published_at=anchor, public_id__lt=position.public_id)
        )
        return _page(page, ("-published_at", "-public_id"), size, listing is not None)
    page = page.filter(Q(published_at__gt=anchor) | Q(published_at=anchor, public_id__gt=position.public_id))
    rows, more = _page(page, ("published_at", "public_id"), size, listing is not None)
    return rows[::-1], more


def _page(page: QuerySet, order: tuple[str, str], size: int, narrow: bool) -> tuple[list, bool]:
    if narrow:
        ids = page.order_by(*order).values("profile_id")[: size + 1]
        page = Profile.objects.filter(pk__in=ids)
    rows = list(page.select_related("desired_prefecture").order_by(*order)[: size + 1])
    return rows[:size], len(rows) > size


def search_profiles(organization: Organization, filters: dict, cursor: str = "", size: int = PAGE_SIZE) -> SearchPage:
    """The members' search: filters on published fields only, newest first, keyset paging on
    (published_at, public_id) both ways. Every page counts the results, capped at COUNT_CAP. A cursor
    that does not verify gives the first page; a 前へ that finds no full page before it (profiles
    came or went since) gives the first page too, so page 1 is always the newest 20."""
    listing = narrow_listing(organization, filters)
    # The profile table's form of the search, read only when the narrow listing does not serve it.
    queryset = filter_profiles(profiles_visible_to(organization), filters) if listing is None else None
    position = _cursor_position(cursor, organization)
    size = size if size in PAGE_SIZES else PAGE_SIZE
    rows, more = _rows(queryset, position, size, listing)
    if position is not None and not position.forward and not more:
        position = None  # nothing before these: the first page proper
        rows, more = _rows(queryset, None, size, listing)
    if position is not None and position.forward and not rows:
        position = None  # the anchor's page emptied: start again
        rows, more = _rows(queryset, None, size, listing)
    number = position.number if position else 1
    count = _capped_count(queryset if listing is None else listing)
    older = more if position is None or position.forward else True
    next_cursor = ""
    if rows and older and number < MAX_PAGE_NUMBER:
        next_cursor = _cursor(organization, forward=True, number=number + 1, profile=rows[-1])
    previous_cursor = ""
    if number > 2:
        previous_cursor = _cursor(organization, forward=False, number=number - 1, profile=rows[0])
    return SearchPage(
        rows=rows,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        number=number,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        size=size,
    )
