"""The PII guard knows who the seeker is (SPEC rule 15): the identity finder on the seeker's own 氏名,
フリガナ (kana and romaji), 電話番号, メールアドレス, 住所, 生年月日 and 求職番号 in their many spellings,
and the ordinary words and other people's names it must leave alone."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seekers import pii
from seekers.pii_identity import Needles, dates_in, to_romaji


@pytest.fixture(autouse=True)
def _identity_finder_alone(settings):
    """These tests are about the comparison with the registered identity; the NER finder, which
    also finds names, is tested on its own (seekers/tests/test_pii_ner.py)."""
    settings.PII_NER_ENABLED = False

SEEKER = dict(
    name="森川 颯太", name_kana="モリカワ ソウタ", phone="090-4321-8765", email="Sota.Morikawa@example.jp",
    address="東京都新宿区西新宿2丁目8番1号", birth_date=date(1990, 4, 1), kyushoku_number="13010-12345678",
)
NEEDLES = Needles.of(**SEEKER)


def parts(text: str, needles: Needles = NEEDLES) -> list[str]:
    return needles.find(text)


# --- each registered item, in its spellings -----------------------------------------------------------

MATCHES = [
    # 氏名: whole, any spacing, in a sentence, reversed, each part where it stands alone
    ("name", "森川颯太です"), ("name", "森川　颯太"), ("name", "私は 森川 颯太 と申します"), ("name", "颯太森川"),
    ("name", "職場では森川と呼ばれていました"), ("name", "颯太さんと呼ばれています"), ("name", "森川様"),
    # フリガナ: katakana, hiragana, half-width, parts alone, romaji (Hepburn spellings, either order)
    ("name_kana", "モリカワソウタ"), ("name_kana", "もりかわ そうた"), ("name_kana", "ﾓﾘｶﾜ ｿｳﾀ"),
    ("name_kana", "ソウタです"), ("name_kana", "そうたさん"), ("name_kana", "わたしはもりかわと申します"), ("name_kana", "Morikawa Sota"),
    ("name_kana", "SOUTA MORIKAWA"), ("name_kana", "sohta morikawa"), ("name_kana", "ｍｏｒｉｋａｗａ"),
    # 電話番号: any formatting, +81, the number without the area code
    ("phone", "09043218765"), ("phone", "０９０－４３２１－８７６５"), ("phone", "090(4321)8765"),
    ("phone", "+81 90 4321 8765"), ("phone", "＋８１−９０−４３２１−８７６５"), ("phone", "4321-8765"),
    # メールアドレス: case, full width, obfuscated, the local part alone
    ("email", "sota.morikawa@example.jp"), ("email", "ＳＯＴＡ．ＭＯＲＩＫＡＷＡ＠ＥＸＡＭＰＬＥ．ＪＰ"),
    ("email", "sota.morikawa アットマーク example ドット jp"), ("email", "IDは sota.morikawa です"),
    # 住所: below the prefecture, down to the town name or its 丁目
    ("address", "新宿区西新宿に住んでいます"), ("address", "西新宿2丁目"), ("address", "西新宿二丁目"),
    ("address", "西新宿２－８"), ("address", "新宿区 西新宿"),
    # 生年月日: 西暦, 和暦, abbreviations, numeric
    ("birth_date", "1990年4月1日生まれ"), ("birth_date", "1990年04月01日"), ("birth_date", "平成2年4月1日"),
    ("birth_date", "H2.4.1"), ("birth_date", "h02/04/01"), ("birth_date", "平2.4.1"), ("birth_date", "1990/04/01"),
    ("birth_date", "1990-4-1"), ("birth_date", "19900401"), ("birth_date", "平成二年四月一日"),
    ("birth_date", "１９９０年４月１日"), ("birth_date", "㍻2年4月1日"),
    # 求職番号: with or without the hyphen, the serial alone
    ("kyushoku_number", "13010-12345678"), ("kyushoku_number", "1301012345678"),
    ("kyushoku_number", "１３０１０ー１２３４５６７８"), ("kyushoku_number", "番号は12345678です"),
]


@pytest.mark.parametrize(("part", "text"), MATCHES, ids=[t for _, t in MATCHES])
def test_each_registered_item_is_found_in_its_spellings(part, text):
    assert part in parts(text)


NOT_MATCHES = [
    "丁寧な対応を心がけています。",
    "森川市で勤務していました",  # a place, inside a run of kanji
    "森川花子さんの紹介",  # another person who shares the family name
    "新宿区内を希望します",  # the municipality alone is what 希望勤務地 says
    "西新宿駅の周辺",
    "西新宿3丁目の店舗",  # another 丁目 of the same town
    "1990年4月に入社",  # a year and month, not the date
    "平成3年4月1日入社",
    "19900402",
    "090-4321-8766",
    "13010-12345679",
    "ソウタロウ",  # inside a longer katakana word
    "もりかわのほとり",  # inside a run of hiragana
    "sotaro",
    "月給25万円、年間休日120日、2015年から2020年まで勤務",
]


@pytest.mark.parametrize("text", NOT_MATCHES)
def test_near_misses_and_ordinary_text_are_left_alone(text):
    assert parts(text) == []


def test_another_persons_identity_is_not_the_seekers():
    other = Needles.of(name="小野寺 美咲", name_kana="オノデラ ミサキ", phone="03-5555-0101",
                       address="大阪府大阪市北区梅田1-1", birth_date=date(1975, 11, 3), kyushoku_number="27010-00000001")

    text = "森川颯太 090-4321-8765 新宿区西新宿 1990年4月1日 13010-12345678 sota.morikawa@example.jp"
    assert parts(text, other) == []
    assert parts(text) == ["name", "name_kana", "birth_date", "address", "phone", "email", "kyushoku_number"]


# --- names that are ordinary words ---------------------------------------------------------------


def test_a_given_name_that_is_an_ordinary_word_is_matched_only_with_the_family_name_or_an_honorific():
    hope = Needles.of(name="佐藤 希望", name_kana="サトウ ノゾミ")

    assert parts("希望する仕事は事務です", hope) == []
    assert parts("佐藤希望と申します", hope) == ["name"]
    assert parts("希望さんと呼んでください", hope) == ["name"]


def test_a_family_name_that_is_a_prefecture_is_not_matched_alone():
    chiba = Needles.of(name="千葉 真理", name_kana="チバ マリ")

    assert parts("千葉で働いていました。真理を探究する仕事", chiba) == []
    assert parts("千葉真理です", chiba) == ["name"]
    assert parts("マリさん", chiba) == ["name_kana"]
    assert parts("マリンスポーツのインストラクター", chiba) == []


def test_an_unsplit_name_tries_the_whole_name_and_its_first_two_characters():
    unsplit = Needles.of(name="長谷部悠真", name_kana="ハセベユウマ")

    assert parts("長谷部悠真", unsplit) == ["name"]
    assert parts("職場の長谷です", unsplit) == ["name"]
    assert parts("悠真", unsplit) == []  # where the given name starts is unknown
    assert parts("はせべゆうま", unsplit) == ["name_kana"]


def test_a_name_in_letters_is_compared_as_whole_words():
    latin = Needles.of(name="John Smith", name_kana="ジョン スミス")

    assert "name" in parts("I am john smith", latin)
    assert "name" in parts("Smith", latin)
    assert parts("blacksmithing", latin) == []


@pytest.mark.parametrize(("kana", "romaji"), [
    ("シュウイチ", "shuuichi"), ("ハットリ", "hattori"), ("マッチ", "matchi"), ("ホンマ", "honma"),
    ("ジュンコ", "junko"), ("ユーコ", "yuuko"), ("チョウ", "chou"), ("ふじた", "fujita"),
])
def test_the_hepburn_converter(kana, romaji):
    assert to_romaji(kana) == romaji


# --- generated formats -------------------------------------------------------------------------------

SEPARATORS = st.sampled_from(["", "-", "－", "ー", "‐", "−", " ", "　", "(", ")", "."])
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@given(
    seps=st.tuples(SEPARATORS, SEPARATORS), full_width=st.booleans(), international=st.booleans(),
    before=st.sampled_from(["", "電話 ", "連絡先:", "TEL"]), after=st.sampled_from(["", "まで", "です。"]),
)
def test_the_phone_in_any_formatting(seps, full_width, international, before, after):
    number = ("+81" + seps[0] + "90" if international else "090") + seps[0] + "4321" + seps[1] + "8765"
    if full_width:
        number = number.translate(FULL_WIDTH)

    assert "phone" in parts(f"{before}{number}{after}")


ERAS = [("明治", "M", 1868), ("大正", "T", 1912), ("昭和", "S", 1926), ("平成", "H", 1989), ("令和", "R", 2019)]


def wareki(day: date) -> tuple[str, str, int]:
    for name, letter, start in reversed(ERAS):
        if day.year > start or (day.year == start and day >= {1868: date(1868, 1, 25), 1912: date(1912, 7, 30),
                                                              1926: date(1926, 12, 25), 1989: date(1989, 1, 8),
                                                              2019: date(2019, 5, 1)}[start]):
            return name, letter, day.year - start + 1
    raise ValueError(day)


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2010, 12, 31)), style=st.integers(0, 8),
       pad=st.booleans())
def test_the_birth_date_in_any_of_its_forms(day, style, pad):
    era, letter, year = wareki(day)
    m, d = (f"{day.month:02d}", f"{day.day:02d}") if pad else (str(day.month), str(day.day))
    era_year = "元" if year == 1 and style in (3, 4) else (f"{year:02d}" if pad else str(year))
    text = [
        f"{day.year}年{m}月{d}日", f"{day.year}/{m}/{d}", f"{day.year}-{m}-{d}", f"{era}{era_year}年{m}月{d}日",
        f"{era} {era_year}年 {m}月 {d}日", f"{letter}{year}.{m}.{d}", f"{letter.lower()}{year}/{m}/{d}",
        f"{day:%Y%m%d}", f"{day.year}.{m}.{d}".translate(FULL_WIDTH),
    ][style]
    needles = Needles.of(name="森川 颯太", birth_date=day)

    assert day in dates_in(f"生年月日は{text}です")
    assert "birth_date" in parts(f"生年月日は{text}です", needles)


FILLER = st.text(alphabet="、。私はですがの仕事経験年介護事務接客丁寧 ", max_size=30)


@given(before=FILLER, after=FILLER, space=st.sampled_from(["", " ", "　", "  "]))
def test_the_name_inside_longer_text(before, after, space):
    assert "name" in parts(f"{before}森川{space}颯太{after}")


@given(text=FILLER)
def test_filler_alone_never_matches(text):
    assert parts(text) == []


# --- the guard's findings ---------------------------------------------------------------------------


def test_a_hit_is_a_finding_of_its_own_kind_that_says_which_items_but_not_their_value():
    findings = pii.detect("森川颯太、1990年4月1日生まれです", identity=NEEDLES)

    identity = next(f for f in findings if f.kind == "identity")
    assert identity.excerpt == ""
    assert identity.label == "本人の登録情報と一致(氏名・生年月日)"
    assert "森川" not in repr(identity)


def test_without_the_identity_only_the_patterns_run():
    assert pii.detect("森川颯太です") == []
    assert pii.screen({"appeal_points": "森川颯太です"}, identity=NEEDLES) == {"appeal_points": ["identity"]}
