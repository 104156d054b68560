"""The PII guard (SPEC rule 15): flags text that looks like it identifies a person. Cheap rules on
NFKC-normalised text; it must not flag salary figures, qualification codes or years."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import pii_ner

LABELS = {
    "phone": _("電話番号"),
    "email": _("メールアドレス"),
    "postal_code": _("郵便番号"),
    "url": _("URL"),
    "digits12": _("12桁の番号(マイナンバー等)"),
    "address": _("住所(番地)"),
    "name": _("氏名"),
    "residence": _("住所(町名までの居住地)"),
    "check_failed": _("確認処理の失敗"),
}

_SEP = r"[\s\-‐‑‒–—―−ー()（）.・]*"
_OBFUSCATED_AT = re.compile(r"\s*(?:アットマーク|あっとまーく|アット|[\[(（]\s*at\s*[\])）])\s*", re.IGNORECASE)
_OBFUSCATED_DOT = re.compile(r"\s*(?:ドット|どっと|[\[(（]\s*dot\s*[\])）])\s*", re.IGNORECASE)

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
    excerpt: str

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])


_DASH_BETWEEN_DIGITS = re.compile(r"(?<=\d)\s*[‐‑‒–—―−ー－]\s*(?=\d)")


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _DASH_BETWEEN_DIGITS.sub("-", text)
    text = _OBFUSCATED_AT.sub("@", text)
    return _OBFUSCATED_DOT.sub(".", text)


def detect(text: str) -> list[Finding]:
    """Every kind of identifying data found in the text (one finding per kind)."""
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
    for kind, excerpt in pii_ner.detect(norm):  # names the NER model finds, after the rules
        found.setdefault(kind, excerpt)
    return [Finding(kind, excerpt) for kind, excerpt in found.items()]


def screen(fields: dict[str, str]) -> dict[str, list[str]]:
    """{field: [kinds]} for the fields that look identifying. If the guard itself fails, every
    non-empty field is withheld (fail closed)."""
    try:
        result = {}
        for name, text in fields.items():
            kinds = [finding.kind for finding in detect(text)]
            if kinds:
                result[name] = kinds
        return result
    except Exception:
        return {name: ["check_failed"] for name, text in fields.items() if text}
