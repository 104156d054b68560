"""The re-identification warning (k-anonymity), the writer and the reader side by side.

Organisations see a profile's quasi-identifiers: values that are harmless alone but that, taken
together, someone who knows the seeker (a former employer, a neighbour) can match. The seeker is
warned when fewer than `REIDENTIFICATION_K` OTHER listed profiles share their combination.

The quasi-identifiers (`QUASI_IDENTIFIERS`), each reduced to a coarse, normalised value:
- 希望勤務地: the places of the 求職公開申込書 (up to three, seekers.DesiredPlace), each its prefecture's
  code and, when given, its municipality's 全国地方公共団体コード, in order (`_places`); a profile
  whose places were never written, its desired_prefecture. Left out as one quasi-identifier, so
  the advice covers the prefecture and the municipality alike.
- 職業分類: the set of planned occupation codes, sorted.
- 免許・資格コード: the set of qualification codes, sorted.
- 学歴: the level read from the free text (`education_level`: 大学院, 大学, 短大・高専, 専門学校,
  高校, 中学, other, none). The exact text is nearly always unique, so keying on it would warn
  everyone; the level is what a person who knows the seeker knows and can match. A field the PII
  guard withholds is not published, so it counts as empty.
- 退職時の月収: 50,000-yen bands (`income_band`), everything from 600,000 yen one band, empty as
  its own value.
年齢 is never published and never used.

The writer, `reidentification_keys`, turns them into one 64-bit key of the whole combination
(Profile.reid_key) and one per quasi-identifier left out (Profile.reid_key_no_<name>), written by
seekers.services.profile_screen with the facets, the one service that runs after every change
of a profile's published values. Each key has a partial index over the listed profiles (migration
seekers 0008), so the reader, `reidentification_check`, is one SQL statement: for each key, the
number of other listed profiles carrying it, counted up to k through the index (LIMIT k), so its
cost does not grow with the crowd.

"Listed" is what organisations can see by the account half of the visibility rule (SPEC rule 10):
listed_until today or later and a 提供先区分 other than ④ (provided to no one). The seeker's own
profile is never counted, so the answer is the same before the first login (the review page,
when the profile is not listed yet) and after: k−1 others sharing the combination → warning; k
others → none."""

import hashlib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

INCOME_BAND_YEN = 50_000
INCOME_TOP_BAND_YEN = 600_000

# The levels, most specific first: the first pattern found in the text decides.
EDUCATION_LEVELS = (
    ("graduate", ("大学院", "修士", "博士")),
    ("junior_college", ("短期大学", "短大", "高等専門学校", "高専")),
    ("university", ("大学", "学士")),
    ("vocational", ("専門学校", "専修学校", "職業訓練", "職業能力開発")),
    ("high_school", ("高等学校", "高校", "高卒")),
    ("junior_high", ("中学", "中卒")),
)


def education_level(text: str) -> str:
    """The coarse level of a free-text 学歴 (NFKC first, so full-width and half-width agree)."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return "none"
    for level, patterns in EDUCATION_LEVELS:
        if any(pattern in text for pattern in patterns):
            return level
    return "other"


def income_band(yen: int | None) -> str:
    """退職時の月収 in 50,000-yen bands ("4" = 200,000–249,999 yen); 600,000 yen and more is one band."""
    if yen is None:
        return "none"
    return str(min(yen, INCOME_TOP_BAND_YEN) // INCOME_BAND_YEN)


def _places(profile) -> str:
    places = [f"{place.prefecture_id}:{place.municipality_id}" if place.municipality_id else place.prefecture_id
              for place in profile.places.all()]  # in position order (Meta); prefetched when the caller did
    return ",".join(places) if places else str(profile.desired_prefecture_id or "")


def _codes(manager) -> str:
    return ",".join(sorted(str(obj.pk) for obj in manager.all()))


@dataclass(frozen=True)
class QuasiIdentifier:
    name: str  # Profile.reid_key_no_<name> is the key without it
    label: object
    advice: object
    value: Callable  # (profile, withheld) -> the normalised value


QUASI_IDENTIFIERS = (
    QuasiIdentifier(
        "prefecture", _("希望勤務地"),
        _("希望勤務地を近隣の地域まで広げること(市区町村を都道府県だけにする、広域就業希望地の追加など)をハローワークにご相談ください。"),
        lambda p, withheld: _places(p),
    ),
    QuasiIdentifier(
        "occupations", _("あっせんを予定する職業の職業分類"),
        _("職業分類を大分類にまとめる、または主なものに絞ることをハローワークにご相談ください。"),
        lambda p, withheld: _codes(p.planned_occupations),
    ),
    QuasiIdentifier(
        "qualifications", _("免許・資格コード"),
        _("公開する免許・資格コードを、仕事に関係する主なものに絞ることをハローワークにご相談ください。"),
        lambda p, withheld: _codes(p.qualifications),
    ),
    QuasiIdentifier(
        "education", _("学歴・訓練等受講歴"),
        _("学歴は最終学歴の区分程度の記載にとどめる(学校名や年を書かない、または公開しない)ことをハローワークにご相談ください。"),
        lambda p, withheld: "none" if "education" in withheld else education_level(p.education),
    ),
    QuasiIdentifier(
        "income", _("退職時(現在)の税込み月収"),
        _("退職時の月収を公開しないことをハローワークにご相談ください。"),
        lambda p, withheld: income_band(p.last_monthly_income),
    ),
)

KEY_COLUMNS = ("reid_key", *(f"reid_key_no_{q.name}" for q in QUASI_IDENTIFIERS))

# The profiles that make up the crowd, as the partial indexes of migration seekers 0008 (the
# query repeats the predicate so PostgreSQL can use them).
LISTED_INDEX_CONDITION = Q(listed_until__isnull=False) & ~Q(listed_provision=4)


def _key(parts: dict[str, str], left_out: str = "") -> int:
    """A signed 64-bit key of the parts (the first 8 bytes of SHA-256 of their canonical text); the
    left-out name is part of the text, so no key of one kind can equal a key of another."""
    text = "|".join([f"without={left_out}", *(f"{name}={parts[name]}" for name in sorted(parts))])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True)


def reidentification_values(profile, withheld=None) -> dict[str, str]:
    """The normalised quasi-identifiers of a profile ({name: value})."""
    withheld = profile.withheld if withheld is None else withheld
    return {q.name: q.value(profile, withheld) for q in QUASI_IDENTIFIERS}


def reidentification_keys(profile, withheld=None) -> dict[str, int]:
    """{column: key} for Profile's reid_key columns; `withheld` is the PII guard's (the profile's own
    by default)."""
    parts = reidentification_values(profile, withheld)
    keys = {"reid_key": _key(parts)}
    for q in QUASI_IDENTIFIERS:
        keys[f"reid_key_no_{q.name}"] = _key({n: v for n, v in parts.items() if n != q.name}, left_out=q.name)
    return keys


@dataclass(frozen=True)
class FieldEffect:
    name: str
    label: object
    advice: object
    count_without: int  # other listed profiles sharing the combination without this field, capped at k
    enough: bool  # leaving this field out alone reaches k


@dataclass(frozen=True)
class ReidentificationCheck:
    k: int
    count: int  # other listed profiles sharing the whole combination, capped at k
    fields: tuple[FieldEffect, ...]

    @property
    def at_risk(self) -> bool:
        return self.count < self.k

    @property
    def standouts(self) -> tuple[FieldEffect, ...]:
        """The fields each of whose generalisation alone puts the seeker among k others."""
        return tuple(f for f in self.fields if f.enough)


def reidentification_sql(profile, k: int) -> tuple[dict[str, int], str, list]:
    """The check's one statement: (the profile's keys, SQL, params); its columns are the keys' counts."""
    from seekers.models import Profile

    keys = reidentification_keys(profile)
    crowd = Profile.objects.filter(LISTED_INDEX_CONDITION, listed_until__gte=timezone.localdate()).exclude(
        pk=profile.pk
    )
    subqueries, params = [], []
    for column, key in keys.items():
        sql, sub_params = crowd.filter(**{column: key}).values("pk")[:k].query.sql_with_params()
        subqueries.append(f"(SELECT COUNT(*) FROM ({sql}) AS c)")  # noqa: S608 - compiled by the ORM
        params.extend(sub_params)
    return keys, "SELECT " + ", ".join(subqueries), params


def reidentification_check(profile, *, k: int | None = None) -> ReidentificationCheck:
    """SPEC issue 17 (3): how many other listed profiles share this profile's combination of
    quasi-identifiers, and without each one of them. One SQL statement whatever the number of
    profiles: one scalar subquery per key, each an index scan stopped at k rows. The profile's
    own keys are computed from its current values (its occupations and qualifications are read
    through prefetch_related when the caller prefetched them), not read from its columns."""
    k = settings.REIDENTIFICATION_K if k is None else k
    keys, sql, params = reidentification_sql(profile, k)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        counts = dict(zip(keys, cursor.fetchone(), strict=True))
    return ReidentificationCheck(
        k=k,
        count=counts["reid_key"],
        fields=tuple(
            FieldEffect(q.name, q.label, q.advice, counts[f"reid_key_no_{q.name}"],
                        counts[f"reid_key_no_{q.name}"] >= k)
            for q in QUASI_IDENTIFIERS
        ),
    )
