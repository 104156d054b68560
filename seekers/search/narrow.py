"""The narrow listing (issue 15): a search with a driving filter reads its page and its capped count
from seekers.ListingFacet, one row per listed profile and token with a copy of every column the
filters and the visibility rule test, instead of the wide profile table.

Why: on the profile table a search either builds a bitmap of every match from a GIN index before
its first row (a GIN index cannot stop early) or walks the newest-first index and visits a heap
page per candidate; either cost grows with the matches, not with the 20 rows shown or the 1,001
counted. The narrow table's b-tree (token, published_at DESC, public_id DESC), holding every
tested column, is read index-only in page order: the page stops at its 21st visible match and the
count at its 1,001st (bench_search, EXPLAIN ANALYZE).

The driver is the search's most selective token by DRIVERS (the order of their usual share of the
profiles); its other tokens are tested on the row's copy of Profile.facets, its column filters on the
copied columns (seekers.search.facets.filter_columns), the rule by seekers.search.visibility.visible_rows
on the same column names; a キーワード by the row's text signature, then the text (`narrow_rows`).
Every listed profile has an `all` row, so every search on PostgreSQL reads the listing. Everything on a
database other than PostgreSQL reads the profile table, where the tables are not written (the trigger
of migrations seekers 0016–0018 is PostgreSQL's)."""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BigIntegerField, Exists, F, IntegerField, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL

from organizations.models import Organization
from seekers.models import ListingFacet, ListingText

from .facets import FLAGS, filter_columns, search_tokens
from .keywords import keyword_words, words_signature
from .visibility import visible_rows

# The token every listed profile has a row of (migration seekers 0016): the driver of a search without one.
ALL = "all"
# Token prefixes, most selective first (a municipality, one of ~125 qualifications, ~90 中分類, 47
# prefectures, ~15 大分類, 海外勤務, the flags): the search walks the rows of the first one it asks for.
DRIVERS = ("mu", "q", "oc", "pf", "om", "overseas", "contract", "relocation", "turn", "dispatch", ALL)
# With a prefecture, the most selective of these is walked as a pair with it ("pf13q0104": the listing
# has a row per prefecture and occupation or qualification token of the profile, migration seekers 0018).
PAIRED = ("q", "oc", "om")
# The filters tested on the row's columns (seekers.search.facets.filter_columns), the flags among them.
COLUMNS = ("employment_type", "wants_regular", *FLAGS, "income_min", "income_max")
INCOME = ("income_min", "income_max")
# The `all` token written into the statement itself, not as one of its values: the `all` rows have an
# index of their own holding only what the rule and a keyword test (seekers.ListingFacet's
# listingfacet_all_idx, partial), and PostgreSQL can use a partial index only where the statement
# itself says it holds — a value is unknown to the generic plan of a prepared statement (config.querymemo).
ALL_TOKEN = RawSQL("'all'", ())  # ALL, spelled out: a constant, never a value


def _rank(token: str) -> int:
    return next(i for i, prefix in enumerate(DRIVERS) if token.startswith(prefix))


@dataclass(frozen=True)
class NarrowSearch:
    """One search as the narrow listing reads it. `shape` is all its statements' text depends on (how
    many tokens besides the driver, which column filters, how many words); `values` fills their holes
    (the driving token "driver", a single token or a PAIRED pair, the others " token{i} " with the spaces of Profile.facets, the column
    filters by name, the words "word{i}" and their signature "sig_lo", "sig_hi")."""

    tokens: int
    columns: tuple[str, ...]
    words: int
    values: dict = field(compare=False, hash=False)
    # The halves of the words' text signature that hold bits ("sig_lo", "sig_hi"): a half without any
    # is not tested (every row would pass it, at the cost of a test on each row walked).
    signature: tuple[str, ...] = ()

    @property
    def on_all(self) -> bool:
        """Whether the search walks the `all` rows (no token filter: only columns, a keyword or nothing)."""
        return self.values["driver"] == ALL

    @property
    def shape(self) -> tuple:
        return (self.tokens, self.columns, self.words, self.signature, self.on_all)


def narrow_search(f: dict) -> NarrowSearch | None:
    """The search form's filters as the narrow listing reads them, or None when the search reads the
    profile table (on a database other than PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    tokens = search_tokens(f)
    candidates = tokens + [flag.removesuffix("_ok") for flag in FLAGS if f.get(flag)] + [ALL]
    driver = min(candidates, key=_rank)
    others = [token for token in tokens if token != driver]
    prefecture = next((token for token in tokens if token.startswith("pf")), None)
    partners = [token for token in tokens if token.startswith(PAIRED)]
    if prefecture and partners:
        partner = min(partners, key=_rank)
        driver = prefecture + partner
        others = [token for token in tokens if token not in (prefecture, partner)]
    values = {"driver": driver} | {f"token{i}": f" {token} " for i, token in enumerate(others)}
    columns = tuple(name for name in COLUMNS if (f.get(name) is not None if name in INCOME else f.get(name)))
    values |= {name: f[name] for name in columns if name not in FLAGS}
    words = keyword_words(f.get("keyword") or "")
    values |= {f"word{i}": word for i, word in enumerate(words)}
    signature = {}
    if words:
        signature["sig_lo"], signature["sig_hi"] = words_signature(words)
    signature = {half: bits for half, bits in signature.items() if bits}
    return NarrowSearch(len(others), columns, len(words), values | signature, tuple(signature))


def narrow_rows(organization: Organization, search: NarrowSearch, value) -> QuerySet:
    """The listing rows (the driver's, one per matching profile) of the profiles this organisation sees
    now that match the search. Every value comes from `value(name, field)`: the value itself, or
    config.querymemo.Param for a statement memoized by shape (seekers.search.paging).

    A keyword is tested in two steps: the row's text signature must hold the words' bits (inside the
    index, seekers.search.keywords.text_signature), and only then is the text tested for the substring
    (has_word's recheck; the grams index is the profile table's way, which the listing does not need: its
    rows come in page order and stop early): on the row itself where it carries the text, inside the index
    (the 'all' and prefecture rows, migration 0019), else read from ListingText by its primary key."""
    columns = {name: True if name in FLAGS else value(name, IntegerField() if name in INCOME else TextField())
               for name in search.columns}
    rows = ListingFacet.objects.filter(token=ALL_TOKEN if search.on_all else value("driver", TextField()))
    rows = visible_rows(rows, organization, profile="profile_id")
    for i in range(search.tokens):
        rows = rows.filter(facets__contains=value(f"token{i}", TextField()))
    rows = filter_columns(rows, columns)
    if search.words:
        for half in search.signature:  # "sig_lo" tests text_sig_lo
            bits = value(half, BigIntegerField())
            rows = rows.alias(**{half: F(f"text_{half}").bitand(bits)}).filter(**{half: bits})
        words = [value(f"word{i}", TextField()) for i in range(search.words)]
        inline = Q(*(Q(search_text__contains=word) for word in words))
        text = ListingText.objects.filter(profile_id=OuterRef("profile_id"))
        for word in words:
            text = text.filter(search_text__contains=word)
        # The row's own text first; a row without it reads ListingText (IS NULL first: PostgreSQL evaluates
        # the two in this order, so a row whose own text fails is not looked up).
        rows = rows.filter(inline | Q(search_text__isnull=True) & Q(Exists(text)))
    return rows


def narrow_listing(organization: Organization, f: dict) -> QuerySet | None:
    """narrow_rows with the values in place (None off PostgreSQL), each a Value of its field as a Param
    would be, so both compile alike."""
    search = narrow_search(f)
    if search is None:
        return None
    return narrow_rows(organization, search, lambda name, output_field: Value(search.values[name], output_field))
