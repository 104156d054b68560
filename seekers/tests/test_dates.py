"""生年月日 as people write it (seekers.dates.parse_birth_date): 西暦 and 和暦 in their usual spellings,
full-width or not, and a clear Japanese message for everything else."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from japanera import EraDate

from conftest import TODAY
from seekers.dates import MODERN_ERAS, parse_birth_date

APRIL_1_1990 = date(1990, 4, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-04-01", APRIL_1_1990),
        ("1990/4/1", APRIL_1_1990),
        ("1990.4.1", APRIL_1_1990),
        ("1990年4月1日", APRIL_1_1990),
        ("1990年04月01日", APRIL_1_1990),
        ("19900401", APRIL_1_1990),
        ("1990 4 1", APRIL_1_1990),
        ("1990ー4ー1", APRIL_1_1990),  # the long vowel mark a Japanese keyboard types for "-"
        ("１９９０年４月１日", APRIL_1_1990),
        ("１９９０／０４／０１", APRIL_1_1990),
        ("平成2年4月1日", APRIL_1_1990),
        ("平成02年04月01日", APRIL_1_1990),
        ("平成２年４月１日", APRIL_1_1990),
        ("平2.4.1", APRIL_1_1990),
        ("H2.4.1", APRIL_1_1990),
        ("h2/4/1", APRIL_1_1990),
        ("Ｈ２．４．１", APRIL_1_1990),
        ("H 2. 4. 1", APRIL_1_1990),
        ("  平成2年4月1日  ", APRIL_1_1990),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("S64.1.7", date(1989, 1, 7)),
        ("昭和元年12月25日", date(1926, 12, 25)),
        ("昭和45年11月3日", date(1970, 11, 3)),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("T10.3.3", date(1921, 3, 3)),
        ("明治33年1月1日", date(1900, 1, 1)),
        ("2000/2/29", date(2000, 2, 29)),
        ("平成12年2月29日", date(2000, 2, 29)),
    ],
)
def test_accepted_spellings(text, expected):
    assert parse_birth_date(text, today=TODAY) == expected


def refusal(text: str, today: date = TODAY) -> str:
    with pytest.raises(ValidationError) as refused:
        parse_birth_date(text, today=today)
    [message] = refused.value.messages
    return message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "生年月日を入力してください。"),
        ("   ", "生年月日を入力してください。"),
        # 平成 ended on 30 April 2019; 昭和 on 7 January 1989; 平成 began on 8 January 1989.
        ("平成31年5月1日", "平成は2019年4月30日までです(2019年5月1日からは令和)。生年月日を確認してください。"),
        ("H31.5.1", "平成は2019年4月30日までです(2019年5月1日からは令和)。生年月日を確認してください。"),
        ("昭和64年1月8日", "昭和は1989年1月7日までです(1989年1月8日からは平成)。生年月日を確認してください。"),
        ("平成元年1月7日", "平成は1989年1月8日からです。生年月日を確認してください。"),
        ("令和元年4月30日", "令和は2019年5月1日からです。生年月日を確認してください。"),
        ("平成0年4月1日", "平成は1989年1月8日からです。生年月日を確認してください。"),
        ("1990年2月30日", "1990年2月30日という日付はありません。生年月日を確認してください。"),
        ("平成2年2月30日", "平成2年2月30日という日付はありません。生年月日を確認してください。"),
        ("1990-13-45", "1990年13月45日という日付はありません。生年月日を確認してください。"),
        ("2001/2/29", "2001年2月29日という日付はありません。生年月日を確認してください。"),
        ("1990/4/31", "1990年4月31日という日付はありません。生年月日を確認してください。"),
        ("1899/12/31", "生年月日には1900年1月1日以降の日付を入力してください。"),
    ],
)
def test_refused_with_a_message_that_says_what_is_wrong(text, message):
    assert refusal(text) == message


@pytest.mark.parametrize(
    "text",
    ["abc", "1990", "1990/4", "4/1/1990", "90/4/1", "平成2年", "X2.4.1", "平成2年4月1日午前", "1990/4/1/1",
     "令和元年五月一日", "<script>", "1" * 500],
)
def test_unreadable_text_says_how_to_write_it(text):
    message = refusal(text)

    assert message.startswith("生年月日を読み取れませんでした。")
    assert "1990/4/1" in message and "平成2年4月1日" in message


def test_today_and_later_are_refused():
    expected = "生年月日には今日より前の日付を入力してください。"
    tomorrow = TODAY + timedelta(days=1)

    assert refusal(TODAY.isoformat()) == expected
    assert refusal(tomorrow.strftime("%Y/%m/%d")) == expected
    assert refusal("令和99年1月1日") == expected
    assert parse_birth_date((TODAY - timedelta(days=1)).isoformat(), today=TODAY) == TODAY - timedelta(days=1)


def test_today_defaults_to_the_japan_date(time_machine):
    # 2027-03-31 15:30 UTC is already 1 April in Japan: 31 March is then a past day.
    time_machine.move_to("2027-03-31T15:30:00+00:00", tick=False)

    assert parse_birth_date("2027-03-31") == date(2027, 3, 31)
    with pytest.raises(ValidationError):
        parse_birth_date("2027-04-01")


def test_the_eras_are_japanera_s_from_meiji_on():
    assert [era.kanji for era in MODERN_ERAS] == ["明治", "大正", "昭和", "平成", "令和"]


def wareki_spellings(day: date) -> list[str]:
    """The day as people write it in 和暦: 平成2年4月1日 (元年 for the first year), 平2.4.1, H2.4.1."""
    [era] = [era for era in MODERN_ERAS if day in era]
    year = era.absolute_year_to_relative_year(day.year)
    long_year = "元" if year == 1 else str(year)
    return [
        f"{era.kanji}{long_year}年{day.month}月{day.day}日",
        f"{era.kanji[0]}{year}.{day.month}.{day.day}",
        f"{era.english_head}{year:02d}/{day.month:02d}/{day.day:02d}",
        EraDate.from_date(day).strftime("%-K%-y年%m月%d日"),  # japanera's own spelling
    ]


def full_width(text: str) -> str:
    return text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789/.-"})


@given(st.dates(min_value=date(1926, 12, 25), max_value=TODAY - timedelta(days=1)))
def test_any_day_since_showa_written_in_seireki_or_wareki_reads_back_as_itself(day):
    seireki = [day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
               day.strftime("%Y%m%d")]

    for text in seireki + wareki_spellings(day):
        assert parse_birth_date(text, today=TODAY) == day, text
        assert parse_birth_date(full_width(text), today=TODAY) == day, full_width(text)
