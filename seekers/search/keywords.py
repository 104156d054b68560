"""The keyword filter (the search form's キーワード): every word of the normalised keyword must be a
substring of the profile's released text (Profile.search_text, written by seekers.services.profile_screen
from the fields not withheld, NFKC-normalised by seekers.pii.normalize and lower-cased).

On PostgreSQL the substring test is served by an index: `seekers_text_grams(search_text)` is the set of
every 1- and 2-character piece of the text (pieces holding a space left out) as a tsvector, with a GIN
index (migration seekers 0011). A word found in the text has each of its pieces there too, so asking for
the word's pieces (`keyword_grams`) finds every profile holding it and perhaps a few more; the
substring test stays as the recheck, so the result is exactly the substring match's
(seekers/tests/test_keyword_index.py compares both on generated Japanese text). pg_trgm extracts
nothing from Japanese under the C locale, and pg_bigm/PGroonga are not packaged here."""

from django.db.models import Lookup, QuerySet, TextField

from seekers.pii import normalize

MAX_WORDS = 5


def keyword_words(keyword: str) -> list[str]:
    """The words a keyword asks for, normalised as the released text is."""
    return normalize(keyword).lower().split()[:MAX_WORDS]


def keyword_grams(word: str) -> list[str]:
    """The pieces of a word the index is asked for: the word itself when it is one character, else
    every other 2-character piece and the last one, which together cover each character (all of
    them would only make the index intersect longer lists for the same rows)."""
    if len(word) <= 1:
        return [word]
    starts = sorted({*range(0, len(word) - 1, 2), len(word) - 2})
    return list(dict.fromkeys(word[i : i + 2] for i in starts))


def _tsquery(grams: list[str]) -> str:
    """tsquery input ANDing the grams as quoted lexemes (read as they are: no parser, no dictionary)."""
    return " & ".join("'" + g.replace("\\", "\\\\").replace("'", "''") + "'" for g in grams)


def filter_keyword(queryset: QuerySet, keyword: str) -> QuerySet:
    for word in keyword_words(keyword):
        queryset = queryset.filter(search_text__has_word=word)
    return queryset


@TextField.register_lookup
class HasWord(Lookup):
    """`search_text__has_word="介護"`: the word is a substring of the text; on PostgreSQL through the
    grams index first, the substring test as the recheck."""

    lookup_name = "has_word"

    def _contains(self, compiler, connection):
        return compiler.compile(self.lhs.get_lookup("contains")(self.lhs, self.rhs))

    def as_sql(self, compiler, connection):
        return self._contains(compiler, connection)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        contains, contains_params = self._contains(compiler, connection)
        # Must stay the same expression as the GIN index of migration seekers 0011.
        return (
            f"(seekers_text_grams({lhs}) @@ %s::tsquery AND {contains})",
            [*lhs_params, _tsquery(keyword_grams(self.rhs)), *contains_params],
        )
