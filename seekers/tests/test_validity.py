"""The 有効期限 arithmetic (SPEC rule 5, the leaflet's 翌々月の末日) and the 求職番号 as typed at a counter."""

import calendar
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from seekers.validity import (
    add_one_month_end,
    end_of_month_after_next,
    normalize_kyushoku_number,
    validate_kyushoku_number,
)

KYUSHOKU_NUMBER_MESSAGE = "求職番号は「12345-12345678」の形(数字5桁-数字8桁)で入力してください。"


def month_number(day: date) -> int:
    return day.year * 12 + day.month - 1


def is_last_day_of_month(day: date) -> bool:
    # calendar, not day + 1: 9999-12-31 has no next day.
    return day.day == calendar.monthrange(day.year, day.month)[1]


# --- end_of_month_after_next ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("applied_on", "expected"),
    [
        # The SPEC's own example.
        (date(2026, 11, 26), date(2027, 1, 31)),
        # The day of the month never matters: the 1st and the last day give the same end.
        (date(2026, 11, 1), date(2027, 1, 31)),
        (date(2026, 11, 30), date(2027, 1, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 1, 31), date(2026, 3, 31)),
        (date(2026, 3, 30), date(2026, 5, 31)),
        (date(2026, 3, 31), date(2026, 5, 31)),
        # A 31st landing on a 30-day month.
        (date(2026, 7, 31), date(2026, 9, 30)),
        (date(2026, 4, 30), date(2026, 6, 30)),
        # October → December: still the same year.
        (date(2026, 10, 31), date(2026, 12, 31)),
        # December → February of the next year, 28 or 29 days.
        (date(2026, 12, 1), date(2027, 2, 28)),
        (date(2026, 12, 31), date(2027, 2, 28)),
        (date(2027, 12, 1), date(2028, 2, 29)),
        (date(2027, 12, 15), date(2028, 2, 29)),
        (date(2027, 12, 31), date(2028, 2, 29)),
        # 2100 is not a leap year, 2000 was.
        (date(2099, 12, 31), date(2100, 2, 28)),
        (date(1999, 12, 31), date(2000, 2, 29)),
        (date(2027, 1, 31), date(2027, 3, 31)),
        # Applied on 29 February.
        (date(2028, 2, 29), date(2028, 4, 30)),
    ],
)
def test_end_of_month_after_next(applied_on, expected):
    assert end_of_month_after_next(applied_on) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 10, 31)))
def test_end_of_month_after_next_is_the_last_day_two_months_on(applied_on):
    result = end_of_month_after_next(applied_on)

    assert is_last_day_of_month(result)
    assert month_number(result) - month_number(applied_on) == 2
    assert result > applied_on


# --- add_one_month_end ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_until", "expected"),
    [
        (date(2027, 1, 31), date(2027, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2027, 2, 28), date(2027, 3, 31)),
        (date(2028, 2, 29), date(2028, 3, 31)),
        (date(2026, 11, 30), date(2026, 12, 31)),
        (date(2026, 12, 31), date(2027, 1, 31)),
        (date(2027, 3, 31), date(2027, 4, 30)),
        # A date that is not a month end still ends at the end of the next month.
        (date(2027, 1, 15), date(2027, 2, 28)),
    ],
)
def test_add_one_month_end(valid_until, expected):
    assert add_one_month_end(valid_until) == expected


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 11, 30)))
def test_add_one_month_end_is_the_last_day_of_the_next_month(valid_until):
    result = add_one_month_end(valid_until)

    assert is_last_day_of_month(result)
    assert month_number(result) - month_number(valid_until) == 1


def test_two_extensions_from_the_default_end_walk_month_by_month():
    end = end_of_month_after_next(date(2026, 11, 26))
    ends = [end]
    for _ in range(3):
        end = add_one_month_end(end)
        ends.append(end)

    assert ends == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30)]
    assert all(d.day == calendar.monthrange(d.year, d.month)[1] for d in ends)


# --- normalize_kyushoku_number -------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "13010-12345678",
        "１３０１０－１２３４５６７８",  # full-width digits and full-width hyphen-minus
        "１３０１０-１２３４５６７８",
        "13010－12345678",
        "  13010-12345678  ",
        "13010 - 12345678",
        "13010\u3000-\u300012345678",  # ideographic spaces around the dash
        "\t13010-12345678\n",
        "1301012345678",  # 13 digits, no dash
        "１３０１０１２３４５６７８",  # 13 full-width digits
        "13010 12345678",  # a space instead of the dash
        "13010\u300012345678",
        "13010\u201012345678",  # ‐ hyphen
        "13010\u201112345678",  # ‑ non-breaking hyphen
        "13010\u201212345678",  # ‒ figure dash
        "13010\u201312345678",  # – en dash
        "13010\u201412345678",  # — em dash
        "13010\u201512345678",  # ― horizontal bar
        "13010\u221212345678",  # − minus sign
        "13010\u30fc12345678",  # ー katakana prolonged sound mark (IME)
        "13010\uff7012345678",  # ｰ half-width prolonged sound mark
        "13010\ufe6312345678",  # ﹣ small hyphen-minus
    ],
)
def test_normalize_kyushoku_number_accepts_what_is_typed_at_a_counter(typed):
    normalized = normalize_kyushoku_number(typed)

    assert normalized == "13010-12345678"
    validate_kyushoku_number(normalized)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (None, ""),
        ("", ""),
        # Too short or too long stays as typed (without spaces), so the validator can refuse it.
        ("130101234567", "130101234567"),
        ("13010123456789", "13010123456789"),
        ("1234-5", "1234-5"),
        ("13010-1234 567", "13010-1234567"),
    ],
)
def test_normalize_kyushoku_number_leaves_wrong_forms_wrong(typed, expected):
    assert normalize_kyushoku_number(typed) == expected


@given(
    office=st.from_regex(r"[0-9]{5}", fullmatch=True),
    serial=st.from_regex(r"[0-9]{8}", fullmatch=True),
    dash=st.sampled_from(["-", "－", "‐", "−", "ー", "ｰ", "–", "—", "―", ""]),
    full_width=st.booleans(),
)
def test_normalize_kyushoku_number_round_trip(office, serial, dash, full_width):
    typed = f"{office}{dash}{serial}"
    if full_width:
        typed = typed.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))

    assert normalize_kyushoku_number(typed) == f"{office}-{serial}"


# --- validate_kyushoku_number --------------------------------------------------------------------


@pytest.mark.parametrize("value", ["13010-12345678", "00000-00000000", "99999-99999999"])
def test_validate_kyushoku_number_accepts_the_canonical_form(value):
    assert validate_kyushoku_number(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        None,
        "1234-5",
        "13010-1234567",  # 7-digit serial
        "13010-123456789",  # 9-digit serial
        "1301-12345678",  # 4-digit office
        "130101-2345678",
        "1301012345678",  # the validator does not normalise
        "13010_12345678",
        "13010--12345678",
        "13010－12345678",  # full-width dash
        "１３０１０-１２３４５６７８",  # full-width digits
        "١٣٠١٠-١٢٣٤٥٦٧٨",  # Arabic-Indic digits are digits to Python, not to the rule
        " 13010-12345678",
        "13010-12345678 ",
        "13010-12345678\n",
        "A3010-12345678",
        "13010-1234567X",
    ],
)
def test_validate_kyushoku_number_rejects_wrong_forms(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_kyushoku_number(value)

    assert excinfo.value.messages == [KYUSHOKU_NUMBER_MESSAGE]
    assert excinfo.value.code == "kyushoku_number"
