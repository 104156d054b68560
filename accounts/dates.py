"""The site's one way of writing a date or a moment: 西暦 with 年月日 in Japanese (2026年12月1日,
2026年12月1日 14:05), ISO 8601 in English (2026-12-01, 2026-12-01 14:05), chosen by the active
language. A moment is always shown in Japan time, whatever the server's or the request's time zone,
since every date in the service (利用期間, 回答期限, 受信日時) is a Japanese one.

Templates use the `day`, `moment` and `datetime_attr` filters (accounts.templatetags.dates, a
built-in library); Python code that writes a date into a message calls these functions."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import get_language

JST = ZoneInfo("Asia/Tokyo")
# What an absent date reads as, in a table cell or a sentence alike (the site's "nothing here").
EMPTY = "—"


def _japanese() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).lower().startswith("ja")


def _in_japan(value: datetime) -> datetime:
    # A naive datetime is taken as already Japan time (the database only holds aware ones).
    return value.astimezone(JST) if value.tzinfo is not None else value


def format_ymd(year: int, month: int, day: int) -> str:
    """A date from its parts, also one the calendar does not have (a typed 2月30日, to say so)."""
    if _japanese():
        return f"{year}年{month}月{day}日"
    return f"{year:04d}-{month:02d}-{day:02d}"


def format_clock(value: datetime) -> str:
    """The time of day in Japan, 24-hour: 14:05, 09:30."""
    return f"{_in_japan(value):%H:%M}"


def format_day(value: date | datetime | None) -> str:
    """2026年12月1日 / 2026-12-01; a moment by its day in Japan (15:30 UTC on 30 November is
    1 December there)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, datetime):
        value = _in_japan(value).date()
    if not isinstance(value, date):
        raise TypeError(f"not a date: {value!r}")
    return format_ymd(value.year, value.month, value.day)


def format_moment(value: date | datetime | None) -> str:
    """2026年12月1日 14:05 / 2026-12-01 14:05 in Japan time; a plain date has no time to show."""
    if not isinstance(value, datetime):
        return format_day(value)
    return f"{format_day(value)} {format_clock(value)}"


def format_datetime_attr(value: date | datetime | None) -> str:
    """The machine-readable form for `<time datetime="…">`: 2026-12-01T14:05:00+09:00, 2026-12-01."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return _in_japan(value).replace(microsecond=0).isoformat()
    if not isinstance(value, date):
        raise TypeError(f"not a date: {value!r}")
    return value.isoformat()
