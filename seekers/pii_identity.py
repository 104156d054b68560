"""The PII guard's identity finder (SPEC rule 15): does a text contain the seeker's own registered
氏名, フリガナ (kana or Hepburn romaji), 電話番号, メールアドレス, 住所 below the prefecture, 生年月日 or
求職番号? `Needles.of(...)` is built once per seeker (everything compiled there); `Needles.find(text)`
returns which parts matched — never the matched text, which must not be shown to organisations nor
stored.

What is matched, chosen against false positives on ordinary words:
- 氏名: the whole name in any spacing, in either order. A family or given part alone matches only
  where it stands as a whole word (not inside a longer run of kanji, e.g. 山田市 or 山田花子 do not
  match 山田) and is 3+ characters, or is the 2-character family name (not a prefecture name such
  as 千葉), or any part followed by an honorific (さん, 様, くん, ちゃん, 氏, 殿). A 2-character given
  name alone (希望, 未来, 大地...) is too often an ordinary word. An unsplit name (no space) tries
  the whole name and, for names of 4+ characters, the first two as the family name.
- フリガナ: the whole reading in katakana or hiragana; a part of 3+ kana where it is a whole kana
  word (not inside a longer run of the same script: エリ does not match エリア) or before です /
  と申します, any part before an honorific. Romaji (Hepburn, with the long-vowel spellings ou/o/oh, uu/u and n/m before b, m, p):
  the whole name in either order, parts of 4+ letters, always as whole words.
- 電話番号 in any formatting (digits compared; +81 read as 0), and its last 8 digits (the number
  without the area code).
- メールアドレス, case-insensitive, and its local part (5+ characters) as a whole word.
- 住所: the part after the prefecture down to the town name (新宿区西新宿), the last municipality
  with the town name (中区山下町), and the town name followed by the registered 丁目/番地 number. The
  municipality alone (新宿区) is left alone: it is what 希望勤務地 says.
- 生年月日: every date written in the text (西暦, 和暦 with era names or M/T/S/H/R and 元年, kanji
  numerals, 8 digits) is read and compared.
- 求職番号: its 13 digits in any formatting, and its 8-digit serial standing alone.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

_KANJI = "\u3400-\u9fff\uf900-\ufaff々〆"
_IS_KANJI = re.compile(f"[{_KANJI}]")
_IS_HIRAGANA = re.compile("[\u3041-\u309f]")
_IS_KATAKANA = re.compile("[\u30a1-\u30faー]")
_SPACE = re.compile(r"\s+")
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s*[‐‑‒–—―−ー－]\s*(?=\d)")
_OBFUSCATED_AT = re.compile(r"\s*(?:アットマーク|あっとまーく|アット|[\[(（]\s*at\s*[\])）])\s*", re.IGNORECASE)
_OBFUSCATED_DOT = re.compile(r"\s*(?:ドット|どっと|[\[(（]\s*dot\s*[\])）])\s*", re.IGNORECASE)
HONORIFICS = ("さん", "様", "さま", "くん", "君", "ちゃん", "氏", "殿")
PREFECTURES = (
    "北海道 青森 岩手 宮城 秋田 山形 福島 茨城 栃木 群馬 埼玉 千葉 東京 神奈川 新潟 富山 石川 福井 山梨 長野 "
    "岐阜 静岡 愛知 三重 滋賀 京都 大阪 兵庫 奈良 和歌山 鳥取 島根 岡山 広島 山口 徳島 香川 愛媛 高知 福岡 佐賀 "
    "長崎 熊本 大分 宮崎 鹿児島 沖縄"
).split()
_PREFECTURE = re.compile(r"^(?:北海道|東京都|京都府|大阪府|[^\s\d]{2,3}県)")
ERAS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019,
        "m": 1868, "t": 1912, "s": 1926, "h": 1989, "r": 2019,
        "明": 1868, "大": 1912, "昭": 1926, "平": 1989, "令": 2019}
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,4}|[〇零一二三四五六七八九十]{1,4})"
_DATE = re.compile(
    rf"(?:(?P<era>明治|大正|昭和|平成|令和|[mtshr明大昭平令])\.?\s*(?P<ey>元|{_NUM})|(?P<y>\d{{4}}|[〇零一二三四五六七八九]{{4}}))"
    rf"\s*(?:年|[/\-.．,､、])\s*(?P<m>{_NUM})\s*(?:月|[/\-.．,､、])\s*(?P<d>{_NUM})(?!\d)",
    re.IGNORECASE,
)
_DATE8 = re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)")
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-()（）.]*\d)*")


def normalize(text: str) -> str:
    """NFKC, dashes between digits unified, spelled-out ＠ and ．folded: the one normaliser of the PII
    guard (seekers.pii reads it from here, since this module cannot import that one)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _DASH_BETWEEN_DIGITS.sub("-", text)
    text = _OBFUSCATED_AT.sub("@", text)
    return _OBFUSCATED_DOT.sub(".", text)


def _flat(text: str) -> str:
    """NFKC, lower case, no whitespace: the form names, addresses and emails are compared in."""
    return _SPACE.sub("", normalize(text).lower())


def to_hiragana(text: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def _number(numeral: str) -> int | None:
    if numeral.isdigit():
        return int(numeral)
    if numeral == "元":
        return 1
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        return (_KANJI_DIGITS.get(tens, 0) if tens else 1) * 10 + (_KANJI_DIGITS.get(ones, 0) if ones else 0)
    if all(c in _KANJI_DIGITS for c in numeral):
        return int("".join(str(_KANJI_DIGITS[c]) for c in numeral))
    return None


def _kanji_number(n: int) -> str:
    """1–99 in kanji numerals as addresses write them (二, 十二, 二十三); larger numbers as digits."""
    digits = "〇一二三四五六七八九"
    if n >= 100:
        return str(n)
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def dates_in(text: str, *, normalized: bool = False) -> set[date]:
    """Every date written in the text (西暦, 和暦 and 8-digit forms), as far as it is a real date."""
    norm = text if normalized else normalize(text)
    found = set()
    for match in _DATE.finditer(norm):
        month, day = _number(match["m"]), _number(match["d"])
        if match["era"]:
            era_year = _number(match["ey"])
            year = ERAS[match["era"].lower()] + era_year - 1 if era_year else None
        else:
            year = _number(match["y"])
        if year and month and day:
            try:
                found.add(date(year, month, day))
            except ValueError:
                pass
    for y, m, d in _DATE8.findall(_DIGIT_RUN.sub(lambda m: re.sub(r"\D", "", m.group(0)), norm)):
        try:
            found.add(date(int(y), int(m), int(d)))
        except ValueError:
            pass
    return found


def digit_runs(text: str, *, normalized: bool = False) -> list[str]:
    """Each number in the text as its digits only, separators dropped, +81 read as a leading 0."""
    runs = []
    for match in _DIGIT_RUN.finditer(text if normalized else normalize(text)):
        token = match.group(0)
        digits = re.sub(r"\D", "", token)
        if token.startswith("+81"):
            digits = "0" + digits[2:]
        runs.append(digits)
    return runs


# --- Hepburn romaji ------------------------------------------------------------------------------

_ROMAJI = dict(zip(
    "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわゐゑをん"
    "がぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽゔぁぃぅぇぉゎ",
    ("a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho "
     "ma mi mu me mo ya yu yo ra ri ru re ro wa i e o n "
     "ga gi gu ge go za ji zu ze zo da ji zu de do ba bi bu be bo pa pi pu pe po vu a i u e o wa").split(),
    strict=True,
))
_YOON = {"ゃ": "a", "ゅ": "u", "ょ": "o"}


def to_romaji(kana: str) -> str:
    """Hepburn for a name's reading (katakana or hiragana). っ doubles the next consonant (tch for
    ch), ー repeats the vowel; unknown characters are dropped."""
    text = to_hiragana(kana)
    out: list[str] = []
    double = False
    for char in text:
        if char in _YOON and out and len(out[-1]) >= 2 and out[-1].endswith("i"):
            last = out.pop()
            stem = last[:-1] if last[:-1].endswith(("sh", "ch", "j")) else last[:-1] + "y"
            out.append(stem + _YOON[char])
            continue
        if char == "っ":
            double = True
            continue
        if char == "ー":
            if out:
                out.append(out[-1][-1])
            continue
        syllable = _ROMAJI.get(char, "")
        if not syllable:
            continue
        if double and syllable[0] not in "aiueon":
            syllable = ("t" if syllable.startswith("ch") else syllable[0]) + syllable
        double = False
        out.append(syllable)
    return "".join(out)


def romaji_variants(romaji: str) -> set[str]:
    """The spellings a Hepburn name is written in: long vowels as ou/o/oh, oo/o/oh, uu/u, and n or m
    before b, m, p (passport Hepburn)."""
    variants = {romaji}
    for pattern, options in ((r"ou", ("o", "oh")), (r"oo", ("o", "oh")), (r"uu", ("u",)), (r"n(?=[bmp])", ("m",))):
        for variant in list(variants):
            for option in options:
                variants.add(re.sub(pattern, option, variant))
    return {v for v in variants if v}


# --- The needles of one seeker -------------------------------------------------------------------


_KANJI_CHAR = _IS_KANJI
_DIGIT = re.compile(r"\d")
_KANJI_DIGIT = re.compile("[〇一二三四五六七八九十]")
_NOTHING = re.compile(r"(?!)")
_LATIN_WORD = re.compile(r"[a-z0-9]+")  # on lower-cased text
_EMAIL_CHAR_BEFORE = re.compile(r"[a-z0-9._%+\-]")
_EMAIL_CHAR_AFTER = re.compile(r"[a-z0-9_%+\-]")


@dataclass(frozen=True)
class Alone:
    """A substring that counts only where the character before it does not match `before` nor the
    one after it `after` (a name not inside a longer run of kanji, a whole email local part)."""

    text: str
    before: re.Pattern
    after: re.Pattern

    def within(self, haystack: str) -> bool:
        return any(
            not (start and self.before.match(haystack, start - 1)) and not self.after.match(haystack, end)
            for start, end in _occurrences(haystack, self.text)
        )


def _occurrences(haystack: str, needle: str):
    start = haystack.find(needle)
    while start >= 0:
        yield start, start + len(needle)
        start = haystack.find(needle, start + 1)


# A needle: a plain substring, any of several substrings, an Alone, or (rarely) a compiled pattern.
Needle = str | tuple | Alone | re.Pattern


def _contains(haystack: str, needle: Needle) -> bool:
    if isinstance(needle, str):
        return needle in haystack
    if isinstance(needle, tuple):
        return any(n in haystack for n in needle)
    if isinstance(needle, Alone):
        return needle.within(haystack)
    return needle.search(haystack) is not None


def _honorific(part: str) -> tuple[str, ...]:
    return tuple(part + honorific for honorific in HONORIFICS)


@dataclass
class Needles:
    """The compiled comparisons for one seeker's identity. Build with Needles.of()."""

    flat: list[tuple[str, Needle]] = field(default_factory=list)  # (part, needle) on the flat text
    kana: list[tuple[str, Needle]] = field(default_factory=list)  # on the flat text in hiragana
    latin: list[tuple[str, Needle]] = field(default_factory=list)  # on the text's words in letters and digits
    digits: list[tuple[str, str, bool]] = field(default_factory=list)  # (part, digits, whole run only)
    birth_date: date | None = None

    @classmethod
    def of(cls, *, name: str = "", name_kana: str = "", phone: str = "", email: str = "", address: str = "",
           birth_date: date | None = None, kyushoku_number: str = "") -> "Needles":
        needles = cls(birth_date=birth_date)
        needles._add_name(name)
        needles._add_kana(name_kana)
        needles._add_phone(phone)
        needles._add_email(email)
        needles._add_address(address)
        number = re.sub(r"\D", "", normalize(kyushoku_number))
        if len(number) >= 8:
            needles.digits.append(("kyushoku_number", number, False))
            needles.digits.append(("kyushoku_number", number[-8:], True))
        return needles

    def _add_name(self, name: str) -> None:
        parts = [p for p in _SPACE.split(normalize(name).lower().strip()) if p]
        if not parts:
            return
        if any(c.isascii() and c.isalpha() for c in "".join(parts)):
            self._add_latin_name("name", parts)
            return
        whole = "".join(parts)
        self.flat.append(("name", whole))
        if len(parts) >= 2:
            self.flat.append(("name", "".join(reversed(parts))))
            family, given = parts[0], parts[-1]
        elif len(whole) >= 4:
            family, given = whole[:2], ""
        else:
            family, given = "", ""
        for part in (family, given):
            if not part:
                continue
            self.flat.append(("name", _honorific(part)))
            alone = len(part) >= 3 or (part == family and len(part) == 2 and part not in PREFECTURES)
            if alone:
                self.flat.append(("name", Alone(part, _KANJI_CHAR, _KANJI_CHAR)))

    def _add_kana(self, name_kana: str) -> None:
        parts = [to_hiragana(p) for p in _SPACE.split(normalize(name_kana).strip()) if p]
        if not parts:
            return
        whole = "".join(parts)
        if len(whole) >= 3:
            self.kana.append(("name_kana", whole))
        if len(parts) >= 2:
            self.kana.append(("name_kana", "".join(reversed(parts))))
            for part in parts:
                self.kana.append(("name_kana", _honorific(part)))
                if len(part) >= 3:
                    self.kana.append(("name_kana_part", part))
        romaji = [to_romaji(p) for p in parts]
        self._add_latin_name("name_kana", [r for r in romaji if r], romaji=True)

    def _add_latin_name(self, part_name: str, parts: list[str], *, romaji: bool = False) -> None:
        """The name in letters as whole words, in either order (one pattern for every spelling)."""
        if not parts:
            return
        spell = romaji_variants if romaji else (lambda s: {s})
        words: set[str] = set()
        for order in {tuple(parts), tuple(reversed(parts))}:
            for joiner in (" ", ""):
                words |= spell(joiner.join(order))
        if len(parts) >= 2:
            for part in parts:
                if len(part) >= (4 if romaji else 3):
                    words |= spell(part)
        # Whole words: compared with spaces round them, in the text's words joined by single spaces.
        self.latin.append((part_name, tuple(f" {word} " for word in sorted(words))))

    def _add_phone(self, phone: str) -> None:
        runs = digit_runs(phone)
        digits = "".join(runs)
        if len(digits) >= 10:
            self.digits.append(("phone", digits, False))
            self.digits.append(("phone", digits[-8:], False))
        elif len(digits) >= 6:
            self.digits.append(("phone", digits, True))

    def _add_email(self, email: str) -> None:
        email = _flat(email)
        if "@" not in email:
            return
        self.flat.append(("email", email))
        local = email.split("@", 1)[0]
        if len(local) >= 5 and not local.isdigit():
            self.flat.append(("email", Alone(local, _EMAIL_CHAR_BEFORE, _EMAIL_CHAR_AFTER)))

    def _add_address(self, address: str) -> None:
        rest = _PREFECTURE.sub("", _flat(address).replace("大字", "").replace("字", ""))
        place = re.split(r"\d|[〇一二三四五六七八九十]+(?:丁目|番)", rest, maxsplit=1)[0]
        number = re.match(r"[^\d]*(\d+)", rest)
        units = [u for u in re.findall(r".+?(?:市|区|郡|村|町(?=.))", place)]
        municipality = "".join(units)
        town = place[len(municipality):]
        if len(town) >= 2 and municipality:
            self.flat.append(("address", place))
            self.flat.append(("address", units[-1] + town))
        if len(town) >= 2 and number:
            chome = int(number.group(1))
            self.flat.append(("address", Alone(f"{town}{chome}", _NOTHING, _DIGIT)))
            self.flat.append(("address", Alone(f"{town}{_kanji_number(chome)}", _NOTHING, _KANJI_DIGIT)))
        elif not town and municipality and number:
            self.flat.append(("address", Alone(f"{municipality}{int(number.group(1))}", _NOTHING, _DIGIT)))

    def find(self, text: str) -> list[str]:
        """The identity parts the text contains ("name", "phone"...), in a fixed order, each once."""
        if not text:
            return []
        found: set[str] = set()
        norm = normalize(text)
        lower = norm.lower()
        flat = _SPACE.sub("", lower)
        for part, pattern in self.flat:
            if part not in found and _contains(flat, pattern):
                found.add(part)
        if self.kana:
            kana = to_hiragana(flat)
            for part, pattern in self.kana:
                if part == "name_kana_part":
                    if "name_kana" not in found and any(
                        _whole_kana_word(flat, start, end) for start, end in _occurrences(kana, pattern)
                    ):
                        found.add("name_kana")
                elif part not in found and _contains(kana, pattern):
                    found.add(part)
        if self.latin and _LATIN_WORD.search(lower):
            latin = " " + " ".join(_LATIN_WORD.findall(lower)) + " "
            for part, pattern in self.latin:
                if part not in found and _contains(latin, pattern):
                    found.add(part)
        has_digits = _DIGIT.search(norm) is not None
        if self.digits and has_digits:
            runs = digit_runs(norm, normalized=True)
            for part, digits, whole in self.digits:
                if part not in found and any((run == digits) if whole else (digits in run) for run in runs):
                    found.add(part)
        if self.birth_date and (has_digits or "年" in norm) and self.birth_date in dates_in(norm, normalized=True):
            found.add("birth_date")
        return [part for part in PARTS if part in found]


PARTS = ("name", "name_kana", "birth_date", "address", "phone", "email", "kyushoku_number")


_SELF_INTRODUCTION = ("です", "と申します", "といいます", "と言います", "でございます")


def _whole_kana_word(flat: str, start: int, end: int) -> bool:
    """A kana part alone counts only where it is not inside a longer run of kana of its own script,
    or where a self-introduction follows it (わたしはもりかわです)."""
    if flat.startswith(_SELF_INTRODUCTION, end):
        return True
    script = _IS_KATAKANA if _IS_KATAKANA.match(flat[start]) else _IS_HIRAGANA
    before = flat[start - 1] if start else ""
    after = flat[end] if end < len(flat) else ""
    return not (before and script.match(before)) and not (after and script.match(after))
