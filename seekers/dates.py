"""A 生年月日 as people write it on Japanese forms: 西暦 (1990-04-01, 1990/4/1, 1990年4月1日, 19900401)
or 和暦 (平成2年4月1日, 平2.4.1, H2.4.1, h2/4/1, 令和元年5月1日), in full-width or half-width digits.

The eras' names, initials and first and last days come from japanera's table, so a new era is one
package upgrade, not an edit here."""

import re
import unicodedata
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from japanera import ERA_DATA_GENERAL

from accounts.dates import format_day, format_ymd

# The registration's lower bound (ApplicantIdentity's identity_birth_date_sane constraint).
EARLIEST = date(1900, 1, 1)

# The eras a living person can be born in: 明治 onwards.
MODERN_ERAS = [era for era in ERA_DATA_GENERAL if era.since >= date(1868, 1, 1)]
_ERA_BY_SPELLING = {
    spelling: era
    for era in MODERN_ERAS
    for spelling in (era.kanji, era.kanji[0], era.english_head.upper())
}

# Between the year and the month, and between the month and the day: what people type, including the
# dashes a Japanese keyboard offers (the long vowel mark among them) and plain spaces.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc"
_YEAR_SEP = rf"(?:\s*[-/.{_DASHES}年]\s*|\s+)"
_MONTH_SEP = rf"(?:\s*[-/.{_DASHES}月]\s*|\s+)"
_MONTH_DAY = rf"(\d{{1,2}}){_MONTH_SEP}(\d{{1,2}})\s*日?"
_SEIREKI = re.compile(rf"(\d{{4}}){_YEAR_SEP}{_MONTH_DAY}")
_SEIREKI_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})")
_WAREKI = re.compile(
    "(" + "|".join(sorted(map(re.escape, _ERA_BY_SPELLING), key=len, reverse=True)) + r")\s*"
    rf"(\d{{1,2}}|元){_YEAR_SEP}{_MONTH_DAY}"
)




def parse_birth_date(text: str, *, today: date | None = None) -> date:
    """The date written in `text`, or ValidationError with a message that says what is wrong: not
    a date at all, a day the calendar does not have (2月30日), a day outside its era (平成31年5月1日:
    平成 ended on 30 April 2019), or a day not before today."""
    today = today or timezone.localdate()
    # NFKC folds full-width digits, letters and punctuation (１９９０／４／１, Ｈ２．４．１) to ASCII.
    value = unicodedata.normalize("NFKC", text or "").strip().upper()
    if not value:
        raise ValidationError(_("生年月日を入力してください。"), code="required")
    era = None
    if match := _SEIREKI.fullmatch(value) or _SEIREKI_DIGITS.fullmatch(value):
        year, month, day = (int(part) for part in match.groups())
        written = format_ymd(year, month, day)
    elif match := _WAREKI.fullmatch(value):
        spelling, era_year, month, day = match.groups()
        era = _ERA_BY_SPELLING[spelling]
        year = era.relative_year_to_absolute_year(1 if era_year == "元" else int(era_year))
        month, day = int(month), int(day)
        written = _("%(era)s%(era_year)s年%(month)d月%(day)d日") % {
            "era": era.kanji, "era_year": era_year, "month": month, "day": day}
    else:
        raise ValidationError(
            _("生年月日を読み取れませんでした。「1990/4/1」「平成2年4月1日」「H2.4.1」のように、"
              "年・月・日を続けて入力してください。"),
            code="invalid",
        )
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise ValidationError(
            _("%(written)sという日付はありません。生年月日を確認してください。") % {"written": written},
            code="no_such_day",
        ) from None
    if era is not None and parsed not in era:
        # japanera's ranges: from `since` (inclusive) to `until`, the next era's first day (exclusive).
        if parsed < era.since:
            message = _("%(era)sは%(first)sからです。生年月日を確認してください。") % {
                "era": era.kanji, "first": format_day(era.since)}
        else:
            following = next(later for later in MODERN_ERAS if later.since == era.until)
            message = _("%(era)sは%(last)sまでです(%(next_first)sからは%(next)s)。生年月日を確認してください。") % {
                "era": era.kanji, "last": format_day(era.until - timedelta(days=1)), "next_first": format_day(era.until),
                "next": following.kanji}
        raise ValidationError(message, code="outside_era")
    if parsed >= today:
        raise ValidationError(_("生年月日には今日より前の日付を入力してください。"), code="future")
    if parsed < EARLIEST:
        raise ValidationError(_("生年月日には%(date)s以降の日付を入力してください。") % {"date": format_day(EARLIEST)},
                              code="too_early")
    return parsed
