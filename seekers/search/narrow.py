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
on the same column names. A キーワード with a driving token is tested on the profile by a join; a
キーワード without one reads seekers.ListingText (one narrow row per listed profile with the released
text, no index on it). Everything on a database other than PostgreSQL reads the profile table, where
the tables are not written (the trigger of migrations seekers 0016/0017 is PostgreSQL's)."""

from django.db import connection
from django.db.models import QuerySet

from organizations.models import Organization
from seekers.models import ListingFacet, ListingText

from .facets import FLAGS, filter_columns, search_tokens
from .keywords import keyword_words
from .visibility import visible_rows

# Token prefixes, most selective first (a municipality, one of ~125 qualifications, ~90 中分類, 47
# prefectures, ~15 大分類, 海外勤務, the flags): the search walks the rows of the first one it asks for.
DRIVERS = ("mu", "q", "oc", "pf", "om", "overseas", "contract", "relocation", "turn", "dispatch", "all")


def _rank(token: str) -> int:
    return next(i for i, prefix in enumerate(DRIVERS) if token.startswith(prefix))


def narrow_listing(organization: Organization, f: dict) -> QuerySet | None:
    """The listing rows (one per matching profile: the driver's, or its ListingText row) of the profiles
    this organisation sees now that match the filters, or None when the search reads the profile table
    (on a database other than PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    tokens = search_tokens(f)
    candidates = tokens + [flag.removesuffix("_ok") for flag in FLAGS if f.get(flag)] + ["all"]
    driver = min(candidates, key=_rank)
    if f.get("keyword") and driver == "all":
        # A keyword and no driving token: the narrow table with the text (its capped count scans a few
        # hundred narrow pages; the listing's `all` rows joined to the profile for the text measured slower).
        rows = filter_columns(visible_rows(ListingText.objects.all(), organization, profile="profile_id"), f)
        for word in keyword_words(f["keyword"]):
            rows = rows.filter(search_text__contains=word)  # has_word's test (the grams are Profile's)
        return rows
    rows = visible_rows(ListingFacet.objects.filter(token=driver), organization, profile="profile_id")
    for token in tokens:
        if token != driver:
            rows = rows.filter(facets__contains=f" {token} ")
    rows = filter_columns(rows, f)
    for word in keyword_words(f.get("keyword") or ""):
        rows = rows.filter(profile__search_text__has_word=word)
    return rows
