"""The PII guard (SPEC rule 15): flags text that looks like it identifies a person. `detect` runs
each finder of FINDERS over the text and keeps one finding per kind; `screen` does so for a profile's
fields. The finders: cheap patterns on NFKC-normalised text (which must not flag salary figures,
qualification codes or years), and, when the seeker's identity is given (`Needles`, built by
`needles_for`), the comparison with the seeker's own registered data (seekers.pii_identity), then the person names
and residences a Japanese NER model finds (seekers.pii_ner). A
finder is a function (text, needles) -> list[Finding]; add one to FINDERS to add a step."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import pii_ner
from .pii_identity import Needles, normalize

LABELS = {
    "phone": _("電話番号"),
    "email": _("メールアドレス"),
    "postal_code": _("郵便番号"),
    "url": _("URL"),
    "digits12": _("12桁の番号(マイナンバー等)"),
    "address": _("住所(番地)"),
    "name": _("氏名"),
    "identity": _("本人の登録情報と一致"),
    "residence": _("住所(町名までの居住地)"),
    "check_failed": _("確認処理の失敗"),
}
# Which part of the seeker's registered data a text contains, for the seeker only (the matched value
# itself is never kept).
IDENTITY_PARTS = {
    "name": _("氏名"),
    "name_kana": _("フリガナ"),
    "birth_date": _("生年月日"),
    "address": _("住所"),
    "phone": _("電話番号"),
    "email": _("メールアドレス"),
    "kyushoku_number": _("求職番号"),
}

_SEP = r"[\s\-‐‑‒–—―−ー()（）.・]*"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+\s*@\s*[A-Za-z0-9\-]+(?:\s*\.\s*[A-Za-z0-9\-]+)+")
_PHONE = re.compile(rf"(?<![\d,])(?:\+81{_SEP}|0)\d(?:{_SEP}\d){{8,9}}(?![\d,])")
_POSTAL = re.compile(r"〒\s*\d{3}\s*-?\s*\d{4}|(?<![\d,\-])\d{3}-\d{4}(?![\d\-])")
_URL = re.compile(
    r"https?://|www\.|\b[a-z0-9\-]+\.(?:com|net|org|info|jp|co\.jp|ne\.jp|or\.jp|go\.jp|ac\.jp|lg\.jp)\b",
    re.IGNORECASE,
)
_DIGITS12 = re.compile(r"(?<![\d,])\d{4}[\s\-]?\d{4}[\s\-]?\d{4}(?![\d,])")
_ADDRESS = re.compile(
    r"[^\s、。,]{1,10}[市区町村郡][^\s、。,]{0,20}?(?:\d+|[一二三四五六七八九十〇]+)\s*(?:丁目|番地|番|号|-\s*\d+)"
)
_NAME_INTRO = re.compile(
    r"(?:私の名前は|名前は|氏名は|氏名\s*[:：]|と申します|私は\s*[一-龥々]{2,4}(?:\s?[ぁ-ん]{0,3}[一-龥々]{0,3})\s*です)"
)
_HONORIFIC = re.compile(r"([一-龥々]{2,4})\s*(?:様|さん|殿)")
# Words ending like these before 様/さん are roles, not names (お客様, 利用者様, 担当者さん…).
_ROLE_ENDINGS = tuple("者客員人方生主長師士職")
_NOT_NAMES_BEFORE_DESU = tuple("職士師者員業系型婦気")


@dataclass(frozen=True)
class Finding:
    kind: str
    excerpt: str  # empty for "identity": the seeker's own data is not copied anywhere
    parts: tuple[str, ...] = ()  # for "identity": which registered items matched (IDENTITY_PARTS)

    @property
    def label(self) -> str:
        if self.parts:
            return f"{LABELS[self.kind]}({'・'.join(str(IDENTITY_PARTS[p]) for p in self.parts)})"
        return str(LABELS[self.kind])






def find_patterns(text: str, needles: Needles | None = None) -> list[Finding]:
    """Phone numbers, emails, postal codes, URLs, 12-digit numbers, 番地 and names by their context."""
    norm = normalize(text)
    found: dict[str, str] = {}

    def hit(kind: str, match) -> None:
        if match and kind not in found:
            found[kind] = match.group(0)

    hit("email", _EMAIL.search(norm))
    hit("url", _URL.search(_EMAIL.sub(" ", norm)))
    for match in _PHONE.finditer(norm):
        digits = re.sub(r"\D", "", match.group(0).replace("+81", "0"))
        if 10 <= len(digits) <= 11:
            hit("phone", match)
            break
    hit("postal_code", _POSTAL.search(norm))
    if "phone" not in found:
        hit("digits12", _DIGITS12.search(norm))
    hit("address", _ADDRESS.search(norm))
    for match in _NAME_INTRO.finditer(norm):
        token = match.group(0)
        if token.startswith("私は") and token.rstrip("です").rstrip().endswith(_NOT_NAMES_BEFORE_DESU):
            continue
        hit("name", match)
        break
    if "name" not in found:
        for match in _HONORIFIC.finditer(norm):
            if not match.group(1).endswith(_ROLE_ENDINGS):
                hit("name", match)
                break
    return [Finding(kind, excerpt) for kind, excerpt in found.items()]


def find_identity(text: str, needles: Needles | None = None) -> list[Finding]:
    """The seeker's own registered 氏名, フリガナ, 生年月日, 住所, 電話番号, メールアドレス or 求職番号."""
    if needles is None:
        return []
    parts = needles.find(text)
    return [Finding("identity", "", tuple(parts))] if parts else []


def find_names(text: str, needles: Needles | None = None) -> list[Finding]:
    """Person names and residences the Japanese NER model finds (seekers.pii_ner), after the rules."""
    return [Finding(kind, excerpt) for kind, excerpt in pii_ner.detect(normalize(text))]


FINDERS: list[Callable[[str, Needles | None], list[Finding]]] = [find_patterns, find_identity, find_names]


def needles_for(identity, kyushoku_number: str = "") -> Needles:
    """The identity finder's comparisons for one seeker, from their ApplicantIdentity (built once,
    reused for every text of that seeker)."""
    return Needles.of(
        name=identity.name, name_kana=identity.name_kana, phone=identity.phone, email=identity.email,
        address=identity.address, birth_date=identity.birth_date, kyushoku_number=kyushoku_number,
    )


def detect(text: str, identity: Needles | None = None) -> list[Finding]:
    """Every kind of identifying data found in the text by the finders (one finding per kind).
    `identity`, the seeker's Needles, adds the comparison with their own registered data."""
    findings: dict[str, Finding] = {}
    for finder in FINDERS:
        for finding in finder(text, identity):
            findings.setdefault(finding.kind, finding)
    return list(findings.values())


def screen(fields: dict[str, str], identity: Needles | None = None) -> dict[str, list[str]]:
    """{field: [kinds]} for the fields that look identifying (kinds only: never the matched text).
    If the guard itself fails, every non-empty field is withheld (fail closed)."""
    try:
        result = {}
        for name, text in fields.items():
            kinds = [finding.kind for finding in detect(text, identity)]
            if kinds:
                result[name] = kinds
        return result
    except Exception:
        return {name: ["check_failed"] for name, text in fields.items() if text}
