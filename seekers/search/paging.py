"""The members' search page (/orgs/seekers/): newest first, keyset paging behind an opaque signed
cursor both ways (次の20件 and 前へ) with the page number, and a result count on every page, capped at
COUNT_CAP (「N件」 exactly up to it, 「1,000件以上」 beyond)."""

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import EmptyResultSet
from django.db import router
from django.db.models import BooleanField, Expression, F, QuerySet, Subquery, TextField, Value
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from config import querymemo
from config.querymemo import Param
from organizations.models import Organization, Prefecture
from seekers.models import Profile

from .facets import filter_profiles
from .narrow import NarrowSearch, narrow_rows, narrow_search
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


# --- what other apps show on each row ------------------------------------------------------------
# Columns another app adds to every results row, read in the page's own statement: name → a function
# of the organisation giving an expression over the row's Profile (its primary key is the application's).
# The search cannot ask those apps (the apps' arrows point at it), so they register here from their
# AppConfig.ready(): messaging's 案内済み / 返信あり / 求職申込み希望 marker (messaging.selectors.guidance_marker)
# came in a query of its own after the page's, one round trip more on every results page (bench_pages).
ROW_ANNOTATIONS: dict[str, Callable[[Organization], Expression]] = {}


def annotate_rows(name: str, build: Callable[[Organization], Expression]) -> None:
    """Every results row gets `name`: build(organization)'s value for its profile."""
    ROW_ANNOTATIONS[name] = build


def _row_annotations(organization: Organization) -> dict[str, Expression]:
    return {name: build(organization) for name, build in ROW_ANNOTATIONS.items()}


# --- the paging cursor -------------------------------------------------------------------------------
# A link carries the direction, the number of the page it leads to and the public id of the row it
# continues from (already on the page it came from), and the count the first page found with a digest
# of the filters it was found for, signed for this organisation: no time (published_at is the moment of
# the seeker's first login, and the link lands in the browser's history). The page finds that row's
# place in the keyset itself, and shows the carried count when its own filters have that digest (a
# cursor pasted onto other filters counts afresh): the capped count is most of a keyword search's time
# (bench_search), and the pages after the first show the count of the search as it was run. Anything
# that does not verify is the first page.
CURSOR_MAX_LENGTH = 200
POSITION = re.compile(r"(?P<direction>[np])(?P<number>[1-9][0-9]{0,5})\.(?P<public_id>[0-9a-f]{16})"
                      r"(?:\.(?P<count>[0-9]{1,4})\.(?P<filters>[0-9a-f]{12}))?")


@dataclass(frozen=True)
class _Position:
    forward: bool  # n: the rows after public_id (older); p: the rows before it (newer)
    number: int
    public_id: str
    count: int | None = None  # min(matches, COUNT_CAP + 1) as the first page found it
    filters: str = ""  # _filters_digest of the filters it was found for


def _filters_digest(filters: dict) -> str:
    """The filters a count was found for, as 12 hexadecimal digits (a row stands as its primary key;
    a filter left empty or unticked is no filter, as on the first page, which has no form data)."""
    shown = sorted((name, str(getattr(value, "pk", value))) for name, value in filters.items()
                   if not (value is None or value is False or value in ("", [], ())) and name != "per_page")
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:12]


def _cursor_signer(organization: Organization) -> signing.Signer:
    return signing.Signer(salt=f"seekers.search.cursor:{organization.pk}")


def _cursor(organization: Organization, *, forward: bool, number: int, profile: Profile,
            count: int | None = None, filters: str = "") -> str:
    carried = f".{count}.{filters}" if count is not None else ""
    return _cursor_signer(organization).sign(f"{'n' if forward else 'p'}{number}.{profile.public_id}{carried}")


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
    count = int(match["count"]) if match["count"] is not None and int(match["count"]) <= COUNT_CAP + 1 else None
    filters = match["filters"] if count is not None else ""
    return _Position(match["direction"] == "n", int(match["number"]), match["public_id"], count, filters)


def _capped_count(queryset: QuerySet) -> int:
    """min(matches, COUNT_CAP + 1): one more than the cap tells "more than the cap"."""
    return queryset[: COUNT_CAP + 1].count()


NEWEST, OLDEST = ("-published_at", "-public_id"), ("published_at", "public_id")


class _KeysetBeyond(Expression):
    """(published_at, public_id) < (the anchor's published_at, its public_id), or > for the newer rows: one
    row comparison, which PostgreSQL walks in the listing index's order from the anchor. The same test
    spelled as `published_at < a OR (published_at = a AND public_id < b)` let it plan a bitmap scan of
    every older listing row and a sort for a keyword's page 2 (4 s on 2,000,000 profiles, bench_search)."""

    output_field = BooleanField()

    def __init__(self, op: str, anchor, public_id):
        super().__init__()
        self.op = op
        public_id = public_id if hasattr(public_id, "resolve_expression") else Value(public_id, TextField())
        self.source = [F("published_at"), F("public_id"), anchor, public_id]

    def get_source_expressions(self):
        return self.source

    def set_source_expressions(self, exprs):
        self.source = exprs

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for expression in self.source:
            sql, part_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(part_params)
        return f"({parts[0]}, {parts[1]}) {self.op} ({parts[2]}, {parts[3]})", params


def _page_query(page: QuerySet, forward: bool | None, public_id, size: int, narrow: bool) -> QuerySet:
    """The profiles of one page, size + 1 of them (the last tells whether there are more), newest first
    from the top (forward None), after the row public_id (forward True: older) or before it (False:
    newer, oldest first). The anchor row's published_at is looked up in the same query (a scalar
    subquery on the unique public_id), so the cursor needs no time in it. On the narrow listing
    (seekers.search.narrow) the keyset walks its rows and the page reads the profiles they name, in
    the same query."""
    if forward is not None:
        anchor = Subquery(Profile.objects.filter(public_id=public_id).values("published_at")[:1])
        page = page.filter(_KeysetBeyond("<" if forward else ">", anchor, public_id))
    order = OLDEST if forward is False else NEWEST
    if narrow:
        page = Profile.objects.filter(pk__in=page.order_by(*order).values("profile_id")[: size + 1])
    return page.order_by(*order)[: size + 1]


def _table_rows(organization: Organization, queryset: QuerySet, position: "_Position | None", size: int) -> list:
    """The page read from the profile table (a database other than PostgreSQL)."""
    forward = None if position is None else position.forward
    public_id = None if position is None else position.public_id
    page = _page_query(queryset, forward, public_id, size, narrow=False)
    return list(page.select_related("desired_prefecture").annotate(**_row_annotations(organization)))


# The narrow listing's statements are memoized per organisation row as read, day and the search's shape
# (config.querymemo): building and compiling them cost more than running them (bench_search). The
# page's prefecture comes in the same statement as pref_name (a raw read cannot select_related).
# What a results row shows (seekers.templatetags.search_results, the markers) and its cursor reads: the
# narrow page selects these columns of the profile only (its other 60-odd columns were most of the bytes
# the page fetched and parsed); any other field of a row is read when first used, as a deferred field is.
ROW_FIELDS = ("public_id", "published_at", "desired_job", "withheld", "desired_prefecture", "employment_type",
              "desired_monthly_income")


def _page_statement(organization: Organization, search: NarrowSearch, forward: bool | None, size: int):
    rows = narrow_rows(organization, search, Param)
    page = _page_query(rows, forward, Param("cursor", TextField()), size, narrow=True).only(*ROW_FIELDS)
    try:
        page = page.annotate(pref_name=F("desired_prefecture__name"), **_row_annotations(organization))
        return page.query.sql_with_params()
    except EmptyResultSet:  # the organisation sees nobody today
        return None


def _count_statement(organization: Organization, search: NarrowSearch):
    rows = narrow_rows(organization, search, Param).values("profile_id")[: COUNT_CAP + 1]
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"SELECT COUNT(*) FROM ({sql}) capped", params  # noqa: S608 - compiled by the ORM


def _narrow_rows(organization: Organization, search: NarrowSearch, position: "_Position | None", size: int) -> list:
    forward = None if position is None else position.forward
    key = ("search_page", querymemo.row_key(organization), timezone.localdate(), search.shape, forward, size)
    statement = querymemo.memoized(key, lambda: _page_statement(organization, search, forward, size))
    if statement is None:
        return []
    sql, params = statement
    values = search.values if position is None else search.values | {"cursor": position.public_id}
    with querymemo.cursor(router.db_for_read(Profile)) as cursor:
        cursor.execute(sql, querymemo.fill(params, values))
        return _profiles_of(cursor, cursor.fetchall())


def _first_page_statement(organization: Organization, search: NarrowSearch, size: int):
    """The capped count and the first page in one statement and one walk of the listing: the count's
    walk, in page order, of which the first size + 1 rows are the page's (the page's own walk, its
    planning and its round trip were a sixth of a keyword search's time, bench_search)."""
    hits = narrow_rows(organization, search, Param).order_by(*NEWEST)
    hits = hits.values("profile_id", "published_at", "public_id")[: COUNT_CAP + 1]
    first = RawSQL("SELECT profile_id FROM hits ORDER BY published_at DESC, public_id DESC LIMIT %s", (size + 1,))
    page = Profile.objects.filter(pk__in=first).only(*ROW_FIELDS).order_by(*NEWEST)
    try:
        hits_sql, hits_params = hits.query.sql_with_params()
        page_sql, page_params = page.annotate(pref_name=F("desired_prefecture__name"),
                                              **_row_annotations(organization)).query.sql_with_params()
    except EmptyResultSet:  # the organisation sees nobody today
        return None
    return (f"WITH hits AS MATERIALIZED ({hits_sql}) "  # noqa: S608 - compiled by the ORM
            f"SELECT counted.capped_count, page.* FROM (SELECT COUNT(*) AS capped_count FROM hits) counted "
            f"LEFT JOIN ({page_sql}) page ON true", (*hits_params, *page_params))


def _narrow_first_page(organization: Organization, search: NarrowSearch, size: int) -> tuple[list, int]:
    """The first page's rows (size + 1 at most) and the capped count."""
    key = ("search_first", querymemo.row_key(organization), timezone.localdate(), search.shape, size)
    statement = querymemo.memoized(key, lambda: _first_page_statement(organization, search, size))
    if statement is None:
        return [], 0
    sql, params = statement
    with querymemo.cursor(router.db_for_read(Profile)) as cursor:
        cursor.execute(sql, querymemo.fill(params, search.values))
        fetched = cursor.fetchall()
        return _profiles_of(cursor, fetched), fetched[0][0]


def _profiles_of(cursor, fetched: list) -> list[Profile]:
    """The page's profiles from its fetched rows, each with its prefecture (the statement's pref_name):
    what Profile.objects.raw() builds (the selected columns through their fields' converters, every
    other field deferred), without its per-row machinery (bench_pages). A row without a profile (the
    first page's statement on an empty page) is none. Rows of one prefecture share its instance; the
    other apps' columns (ROW_ANNOTATIONS) are set on each row by name, as annotate() sets them."""
    connection = cursor.db
    by_column = {field.column: field for field in Profile._meta.concrete_fields}
    columns = [column.name for column in cursor.description]
    loaded = [(i, by_column[name]) for i, name in enumerate(columns) if name in by_column]
    converters = [
        (i, field, functions) for i, field in loaded
        if (functions := [*connection.ops.get_db_converters(field.get_col(Profile._meta.db_table)),
                          *field.get_db_converters(connection)])
    ]
    order = {field.attname: n for n, field in enumerate(Profile._meta.concrete_fields)}
    loaded.sort(key=lambda item: order[item[1].attname])  # from_db takes the values in the model's order
    names = [field.attname for _, field in loaded]
    places = [i for i, _ in loaded]
    pref_name = columns.index("pref_name")
    annotations = [(columns.index(name), name) for name in ROW_ANNOTATIONS]
    prefecture = Profile._meta.get_field("desired_prefecture")
    prefectures = {}
    pk = columns.index(Profile._meta.pk.column)
    rows = []
    for values in fetched:
        if values[pk] is None:
            continue
        values = list(values)
        for i, field, functions in converters:
            for convert in functions:
                values[i] = convert(values[i], field, connection)
        row = _loaded_profile(connection.alias, names, [values[i] for i in places])
        code = row.desired_prefecture_id
        if (shown := prefectures.get(code)) is None:
            shown = prefectures[code] = Prefecture.from_db(connection.alias, ("code", "name"), (code, values[pref_name]))
        prefecture.set_cached_value(row, shown)
        for i, name in annotations:
            setattr(row, name, values[i])
        rows.append(row)
    return rows


def _loaded_profile(alias: str, names: list[str], values: list) -> Profile:
    """Profile.from_db(alias, names, values): a profile read from the database with these fields, the
    others deferred. Model.__init__ walks all ~70 fields of a profile for the few read here, a third of
    the search's Python time; with no receiver of Profile's pre_init or post_init (which that walk would
    call) the instance is made as it leaves it: its state, and the read values in its __dict__, where
    Django keeps a field's value and looks for a deferred one."""
    if pre_init.has_listeners(Profile) or post_init.has_listeners(Profile):
        return Profile.from_db(alias, names, values)
    row = Profile.__new__(Profile)
    row._state = ModelState()
    row._state.adding, row._state.db = False, alias
    row.__dict__.update(zip(names, values, strict=True))
    return row


def _narrow_count(organization: Organization, search: NarrowSearch) -> int:
    key = ("search_count", querymemo.row_key(organization), timezone.localdate(), search.shape)
    statement = querymemo.memoized(key, lambda: _count_statement(organization, search))
    if statement is None:
        return 0
    sql, params = statement
    with querymemo.cursor(router.db_for_read(Profile)) as cursor:  # where the page is read
        cursor.execute(sql, querymemo.fill(params, search.values))
        return cursor.fetchone()[0]


def _rows(organization: Organization, search: NarrowSearch | None, queryset: QuerySet | None,
          position: "_Position | None", size: int) -> tuple[list, bool]:
    """The page's rows newest first, and whether there are more beyond them in its direction."""
    if search is None:
        rows = _table_rows(organization, queryset, position, size)
    else:
        rows = _narrow_rows(organization, search, position, size)
    more = len(rows) > size
    rows = rows[:size]
    return (rows[::-1] if position is not None and not position.forward else rows), more


def _first_page(organization: Organization, search: NarrowSearch | None, queryset: QuerySet | None,
                size: int) -> tuple[list, bool, int | None]:
    """The first page's rows, whether there are more, and its capped count when read with them (the
    narrow listing's one statement; None: count it apart)."""
    if search is None:
        return (*_rows(organization, search, queryset, None, size), None)
    rows, count = _narrow_first_page(organization, search, size)
    return rows[:size], len(rows) > size, count


def search_profiles(organization: Organization, filters: dict, cursor: str = "", size: int = PAGE_SIZE) -> SearchPage:
    """The members' search: filters on published fields only, newest first, keyset paging on
    (published_at, public_id) both ways. Every page shows the count of the results, capped at COUNT_CAP:
    the first page counts them, the pages after it show the count their cursor carries from it. A cursor
    that does not verify gives the first page; a 前へ that finds no full page before it (profiles
    came or went since) gives the first page too, so page 1 is always the newest 20."""
    search = narrow_search(filters)
    # The profile table's form of the search, read only when the narrow listing does not serve it.
    queryset = filter_profiles(profiles_visible_to(organization), filters) if search is None else None
    position = _cursor_position(cursor, organization)
    size = size if size in PAGE_SIZES else PAGE_SIZE
    count = None
    if position is None:
        rows, more, count = _first_page(organization, search, queryset, size)
    else:
        rows, more = _rows(organization, search, queryset, position, size)
        if not position.forward and not more or position.forward and not rows:
            # Nothing before these (the first page proper), or the anchor's page emptied: start again.
            position = None
            rows, more, count = _first_page(organization, search, queryset, size)
    number = position.number if position else 1
    digest = _filters_digest(filters)
    if count is None and position is not None and position.count is not None and position.filters == digest:
        count = position.count
    elif count is None:
        count = _capped_count(queryset) if search is None else _narrow_count(organization, search)
    older = more if position is None or position.forward else True
    next_cursor = ""
    if rows and older and number < MAX_PAGE_NUMBER:
        next_cursor = _cursor(organization, forward=True, number=number + 1, profile=rows[-1], count=count,
                              filters=digest)
    previous_cursor = ""
    if number > 2:
        previous_cursor = _cursor(organization, forward=False, number=number - 1, profile=rows[0], count=count,
                                  filters=digest)
    return SearchPage(
        rows=rows,
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        number=number,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
        size=size,
    )
