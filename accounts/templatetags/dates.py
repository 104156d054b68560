"""`{{ value|day }}`, `{{ value|moment }}` and `{{ value|datetime_attr }}`: every date a page or a mail
shows (accounts.dates). A built-in library (settings TEMPLATES), so no template has to load it."""

from django import template

from accounts import dates

register = template.Library()


def _quietly(formatter, value, empty: str) -> str:
    # Template filters fail silently (Django's rule): a value that is not a date reads as absent.
    try:
        return formatter(value)
    except TypeError:
        return empty


@register.filter
def day(value) -> str:
    """2026年12月1日 in Japanese, 2026-12-01 in English; a moment by its day in Japan."""
    return _quietly(dates.format_day, value, dates.EMPTY)


@register.filter
def moment(value) -> str:
    """2026年12月1日 14:05 in Japanese, 2026-12-01 14:05 in English, in Japan time."""
    return _quietly(dates.format_moment, value, dates.EMPTY)


@register.filter
def datetime_attr(value) -> str:
    """For `<time datetime="…">`: ISO 8601 with Japan's offset."""
    return _quietly(dates.format_datetime_attr, value, "")
