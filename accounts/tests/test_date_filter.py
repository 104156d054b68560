"""The site's one date style (accounts.dates and its filters): 西暦 with 年月日 in Japanese, ISO 8601 in
English, moments always in Japan time, an absent date as a dash."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.dates import format_clock, format_day, format_moment, format_ymd

# 15:30 UTC on 30 November is 00:30 on 1 December in Japan: the day a UTC reading would get wrong.
NEAR_MIDNIGHT = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)


def render(source: str, language: str, **context) -> str:
    """The template without `{% load %}`: the filters are built in for every template."""
    with translation.override(language):
        return Template(source).render(Context(context))


@pytest.mark.parametrize(("language", "expected"), [("ja", "2026年12月1日"), ("en", "2026-12-01")])
def test_a_date(language, expected):
    assert render("{{ value|day }}", language, value=date(2026, 12, 1)) == expected
    assert render("{{ value|moment }}", language, value=date(2026, 12, 1)) == expected  # no time to show


@pytest.mark.parametrize(("language", "expected"), [("ja", "2026年2月8日"), ("en", "2026-02-08")])
def test_month_and_day_are_unpadded_in_japanese_and_padded_in_iso(language, expected):
    assert render("{{ value|day }}", language, value=date(2026, 2, 8)) == expected


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [("ja", "2026年12月1日", "2026年12月1日 00:30"), ("en", "2026-12-01", "2026-12-01 00:30")],
)
def test_an_aware_datetime_in_utc_near_midnight_is_shown_on_its_day_in_japan(language, day, moment):
    assert render("{{ value|day }}", language, value=NEAR_MIDNIGHT) == day
    assert render("{{ value|moment }}", language, value=NEAR_MIDNIGHT) == moment


@pytest.mark.parametrize("language", ["ja", "en"])
def test_japan_time_whatever_the_active_time_zone(language):
    # A {% timezone %} block or another active zone must not move the day: the service's dates are Japanese.
    new_york = timezone(timedelta(hours=-5))
    with translation.override(language):
        assert format_moment(NEAR_MIDNIGHT.astimezone(new_york)) == format_moment(NEAR_MIDNIGHT)
    source = '{% load tz %}{% timezone "America/New_York" %}{{ value|moment }}{% endtimezone %}'
    assert render(source, language, value=NEAR_MIDNIGHT) == render("{{ value|moment }}", language, value=NEAR_MIDNIGHT)


@pytest.mark.parametrize(("language", "expected"), [("ja", "2026年12月1日 09:05"), ("en", "2026-12-01 09:05")])
def test_a_naive_datetime_is_taken_as_japan_time(language, expected):
    with translation.override(language):
        assert format_moment(datetime(2026, 12, 1, 9, 5)) == expected  # noqa: DTZ001 - the naive case itself


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("value", [None, ""])
def test_nothing_reads_as_a_dash(language, value):
    assert render("{{ value|day }}|{{ value|moment }}", language, value=value) == "—|—"
    assert render("[{{ value|datetime_attr }}]", language, value=value) == "[]"


def test_a_value_that_is_not_a_date_fails_quietly_in_a_template_and_loudly_in_code():
    assert render("{{ value|day }}", "ja", value="2026-12-01") == "—"
    with pytest.raises(TypeError):
        format_day("2026-12-01")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_machine_readable_form_is_iso_with_japans_offset_in_either_language(language):
    assert render("{{ value|datetime_attr }}", language, value=NEAR_MIDNIGHT) == "2026-12-01T00:30:00+09:00"
    assert render("{{ value|datetime_attr }}", language, value=date(2026, 12, 1)) == "2026-12-01"


def test_the_clock_is_24_hour_japan_time():
    assert format_clock(NEAR_MIDNIGHT) == "00:30"
    assert format_clock(datetime(2026, 12, 1, 5, 5, tzinfo=UTC)) == "14:05"


@pytest.mark.parametrize(("language", "expected"), [("ja", "2026年2月30日"), ("en", "2026-02-30")])
def test_a_day_the_calendar_does_not_have_is_written_the_same_way(language, expected):
    # What someone typed (2月30日), repeated back in the message that says there is no such day.
    with translation.override(language):
        assert format_ymd(2026, 2, 30) == expected


def test_a_regional_english_is_english():
    with translation.override("en-gb"):
        assert format_day(date(2026, 12, 1)) == "2026-12-01"
