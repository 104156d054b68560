"""Names found by a Japanese NER model, for the PII guard (SPEC rule 15), after its cheap rules.

GiNZA (spaCy's `ja_ginza` model; its Sudachi tokenizer and dictionary ship in the wheels, so nothing is
downloaded at run time) finds person and place names. A name is a finding when it looks like a person's
name and not an employer, school or place; a place is a finding only when it reads as where someone lives,
street-level (followed by 丁目/番地/1-2-3) or a residence statement (住所は/在住/に住んで…) naming a
district below a municipality (大阪市北区梅田, 港北区日吉). 「大阪府の工場で勤務」 and 「福岡市在住」 are not
findings: the profile publishes the desired prefecture and area anyway.

Bounded time: the tokenizer (fast) reads the whole text; only sentences holding a proper noun or a romaji
word go to the model (slow, about 1 ms a character on a small server), and at most
settings.PII_NER_MAX_CHARS characters of them per text. Candidate sentences past that budget are read with
the dictionary's person/place tags alone, so the whole text is always covered; `analyse` says how much went
which way.

The model loads once per process, lazily, under a lock; inference holds the same lock. If it cannot load,
every non-empty text gets a "check_failed" finding (the guard fails closed) and the error is logged once."""

import logging
import re
import threading
from dataclasses import dataclass, field

from django.conf import settings

logger = logging.getLogger(__name__)

MODEL = "ja_ginza"
# The parser and bunsetu components are not needed for entities; without them the model is lighter.
_EXCLUDE = ["parser", "compound_splitter", "bunsetu_recognizer", "morphologizer"]
DEFAULT_MAX_CHARS = 1000
_CHUNK = 300  # a run of text without sentence punctuation is cut into pieces of this size

_lock = threading.Lock()
_nlp = None
_load_error: Exception | None = None

PERSON_LABELS = {"Person"}
PLACE_LABELS = {"Province", "City", "County", "GPE", "Domestic_Region", "Country"}

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_PLACE_SUFFIX = set("都道府県市区郡町村")

# A "name" followed by these is an employer, a school, a shop or a place (田中工業, 鈴木建設, 中田町).
_NOT_PERSON_AFTER = re.compile(
    r"^\s*(?:工業|建設|商店|商事|産業|製作所|工務店|運輸|物産|興業|電機|電気|電設|食品|株式会社|有限会社|\(株\)|"
    r"組|屋|病院|医院|クリニック|歯科|事務所|会計|法律|学園|学院|高校|高等学校|中学|小学校|大学|専門学校|幼稚園|"
    r"保育園|記念|都|道|府|県|町|村|市|区|郡|駅|川|山|ヶ原|ケ原|農園|農場|牧場|水産|鉄工|ホールディングス|グループ|酒造|"
    r"薬局|ストア|書店|精機|化学|製菓|製薬|交通|観光|ホテル|旅館|センター|会館|通り|線|港|湖|神社|寺|町内|地区)"
)
_NOT_PERSON_BEFORE = re.compile(r"(?:株式会社|有限会社|\(株\)|\(有\))\s*$")
# A lone family name (no given name) counts only next to words that make it a person.
_PERSON_AFTER = re.compile(
    r"^\s*(?:さん|様|さま|氏|殿|君|くん|ちゃん|先生|部長|課長|係長|主任|店長|社長|専務|常務|所長|院長|園長|"
    r"工場長|支店長|マネージャー|リーダー|と申|といいます|と言います|でございます|です)"
)
_PERSON_BEFORE = re.compile(r"(?:私は|僕は|わたしは|名前は|氏名は|氏名\s*[:：]|名前\s*[:：]|担当の|上司の|同僚の)\s*$")

_STREET_AFTER = re.compile(
    r"^\s*(?:\d+\s*(?:-\s*\d+)+|\d+\s*(?:丁目|番地|番|号)|[一二三四五六七八九十]+\s*丁目|丁目|番地)"
)
_STREET_INSIDE = re.compile(r"\d+\s*(?:-\s*\d+)+|\d+\s*(?:丁目|番地|番|号)|[一二三四五六七八九十]+\s*丁目")
_KANJI_OR_KANA = re.compile(r"[\u4e00-\u9fff\u30a1-\u30fa]")
_RESIDENCE_AFTER = re.compile(r"^\s*(?:在住|に住んで|に住む|に住み|に住ま|に居住|で暮らし|に暮らし|住まい|の自宅|の実家)")
_RESIDENCE_BEFORE = re.compile(r"(?:現住所|住所|自宅|住まい|居住地|在住|実家)\s*(?:は|が|も|[:：])?\s*$")
# A municipality (…市/区/町/村/郡), then a district below it: the part that narrows it down.
_BELOW_MUNICIPALITY = re.compile(r"^(?:.{1,4}?[都道府県])?.{1,6}?[市区町村郡](?:.{1,5}?[区町村])?(.{2,})$")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str  # "person" | "place"
    parts: int = 1  # tokens that are names, not spaces


@dataclass
class Analysis:
    findings: list = field(default_factory=list)  # [(kind, excerpt)]
    chars: int = 0
    model_chars: int = 0  # characters the model read
    dictionary_chars: int = 0  # candidate characters past the budget, read with dictionary tags only
    skipped_chars: int = 0  # sentences with no proper noun at all

    @property
    def capped(self) -> bool:
        return self.dictionary_chars > 0


def enabled() -> bool:
    return getattr(settings, "PII_NER_ENABLED", True)


def _max_chars() -> int:
    return getattr(settings, "PII_NER_MAX_CHARS", DEFAULT_MAX_CHARS)


def _load():
    import spacy

    return spacy.load(MODEL, exclude=_EXCLUDE)


def model():
    """The loaded pipeline (once per process), or raises the load error (every time, logged once)."""
    global _nlp, _load_error
    if _nlp is not None:
        return _nlp
    with _lock:
        if _nlp is None and _load_error is None:
            try:
                _nlp = _load()
            except Exception as error:  # ImportError, OSError (model missing), anything while loading
                _load_error = error
                logger.error("PII guard: the NER model %s cannot load; free text is withheld for review: %r",
                             MODEL, error)
        if _load_error is not None:
            raise RuntimeError(f"NER model {MODEL} unavailable") from _load_error
        return _nlp


def _sentences(text: str):
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        for offset in range(start, end, _CHUNK):
            piece_end = min(end, offset + _CHUNK)
            if text[offset:piece_end].strip():
                yield offset, piece_end


def _is_candidate(doc) -> bool:
    return any("固有名詞" in token.tag_ or _LATIN_WORD.search(token.text) for token in doc)


def _dictionary_spans(doc) -> list[Span]:
    """Runs of tokens the Sudachi dictionary tags as person or place names (with 市/区… after a place)."""
    spans: list[Span] = []
    current = None
    for token in doc:
        tag = token.tag_
        if "人名" in tag:
            label = "person"
        elif "地名" in tag or (current and current[2] == "place" and token.text in _PLACE_SUFFIX):
            label = "place"
        elif current and token.is_space and current[2] == "person":
            continue
        else:
            label = None
        if current and label == current[2]:
            current = (current[0], token.idx + len(token.text), label, current[3] + 1)
            continue
        if current:
            spans.append(Span(*current))
        current = (token.idx, token.idx + len(token.text), label, 1) if label else None
    if current:
        spans.append(Span(*current))
    return spans + _romaji_names(doc)


_ROMAJI = re.compile(r"[A-Za-z]{2,}")


def _romaji_names(doc) -> list[Span]:
    """Two romaji words in a row, one of them a name in the dictionary (SATO HANAKO: HANAKO is): the model
    and the dictionary each see only half of such a name."""
    words = [token for token in doc if not token.is_space]
    return [
        Span(first.idx, second.idx + len(second.text), "person", 2)
        for first, second in zip(words, words[1:], strict=False)
        if _ROMAJI.fullmatch(first.text) and _ROMAJI.fullmatch(second.text)
        and doc.text[first.idx + len(first.text):second.idx].isspace()
        and ("人名" in first.tag_ or "人名" in second.tag_)
    ]


_ROMAJI_WORD = re.compile(r"(?:[kgsztdnhbpmyrwfjc]?h?y?[aiueo]|n|[kstpc](?=[kstpc]))+", re.IGNORECASE)
_WESTERN_WORD = re.compile(r"[A-Z][a-z]+")


def _latin_name(tokens) -> bool:
    """A span in latin letters is a name only when written as one: words apart by spaces (not
    "Python・Django"), and a word the dictionary knows as a name, or all romaji (Kenji Tanaka) or all
    capitalised words (Emily Carter)."""
    words = [token for token in tokens if not token.is_space]
    if not any(_ROMAJI.fullmatch(token.text) for token in words):
        return True  # not a latin span
    if any(token.is_punct for token in words):
        return False
    if not all(_ROMAJI.fullmatch(token.text) for token in words):
        return True  # latin and kana/kanji mixed: leave it to the other tests
    return (any("人名" in token.tag_ for token in words)
            or all(_ROMAJI_WORD.fullmatch(token.text) for token in words)
            or (len(words) >= 2 and all(_WESTERN_WORD.fullmatch(token.text) for token in words)))


def _model_spans(doc) -> list[Span]:
    spans = []
    for ent in doc.ents:
        if ent.label_ in PERSON_LABELS:
            tokens = list(ent)
            # The model's person often swallows the employer (山田製作所, 中村記念病院): cut it at the first
            # common noun in kanji after the name, so the employer test below sees it.
            for i, token in enumerate(tokens[1:], start=1):
                if (token.tag_.startswith("名詞-普通名詞") and _KANJI_OR_KANA.search(token.text)) or \
                        token.tag_.startswith("接尾辞"):  # 千葉|県内, 佐藤|さん
                    tokens = tokens[:i]
                    break
            # A name has letters only: "taro@example.jp" and "梅田1-2-3" are the rules' (email, address).
            if not all(char.isalpha() or char.isspace() or char in "・ー'" for token in tokens for char in token.text):
                continue
            if not _latin_name(tokens):
                continue
            parts = sum(1 for token in tokens if not token.is_space and not token.is_punct)
            spans.append(Span(tokens[0].idx, tokens[-1].idx + len(tokens[-1].text), "person", parts))
        elif ent.label_ in PLACE_LABELS:
            spans.append(Span(ent.start_char, ent.end_char, "place"))
    # The model misses places the dictionary knows (「住所は横浜市港北区日吉です」): add those.
    spans += [span for span in _dictionary_spans(doc) if span.label == "place"]
    return spans + _romaji_names(doc)


def _place_chunk(text: str, span: Span, spans: list[Span]) -> tuple[int, int]:
    """Grow a place over the adjacent places (大阪市 + 北区 + 梅田)."""
    start, end = span.start, span.end
    grown = True
    while grown:
        grown = False
        for other in spans:
            if other.label == "place" and other.start <= end and other.end > end:
                end, grown = other.end, True
            if other.label == "place" and other.end >= start and other.start < start:
                start, grown = other.start, True
    return start, end


def _decide(text: str, spans: list[Span]) -> list[tuple[str, str]]:
    findings = []
    for span in spans:
        before, after = text[max(0, span.start - 12):span.start], text[span.end:span.end + 12]
        excerpt = text[span.start:span.end]
        if span.label == "person":
            if _NOT_PERSON_AFTER.match(after) or _NOT_PERSON_BEFORE.search(before):
                continue
            if span.parts >= 2 or _PERSON_AFTER.match(after) or _PERSON_BEFORE.search(before):
                findings.append(("name", excerpt))
        else:
            start, end = _place_chunk(text, span, spans)
            place, after = text[start:end], text[end:end + 12]
            before = text[max(0, start - 12):start]
            if _STREET_AFTER.match(after) or _STREET_INSIDE.search(place[2:]):
                findings.append(("address", place + after[:8]))
            elif (_RESIDENCE_AFTER.match(after) or _RESIDENCE_BEFORE.search(before)) and \
                    _BELOW_MUNICIPALITY.match(place):
                findings.append(("residence", place))
    return findings


def analyse(text: str, *, use_model: bool = True, max_chars: int | None = None) -> Analysis:
    """Findings in the (already NFKC-normalised) text, and how much of it the model read."""
    result = Analysis(chars=len(text))
    if not text.strip():
        return result
    nlp = model()
    budget = _max_chars() if max_chars is None else max_chars
    with _lock:
        for start, end in _sentences(text):
            piece = text[start:end]
            doc = nlp.make_doc(piece)
            if not _is_candidate(doc):
                result.skipped_chars += len(piece)
                continue
            if use_model and result.model_chars + len(piece) <= budget:
                for _name, component in nlp.pipeline:
                    doc = component(doc)
                spans = _model_spans(doc)
                result.model_chars += len(piece)
            else:
                spans = _dictionary_spans(doc)
                result.dictionary_chars += len(piece)
            result.findings += [(kind, excerpt) for kind, excerpt in _decide(piece, spans)]
    return result


def detect(text: str) -> list[tuple[str, str]]:
    """[(kind, excerpt)] for the guard: "name", "address", "residence"; ("check_failed", "") when the
    model cannot load (fail closed). Nothing when NER is switched off (settings.PII_NER_ENABLED)."""
    if not enabled() or not (text or "").strip():
        return []
    try:
        return analyse(text).findings
    except Exception:
        if _load_error is None:
            logger.exception("PII guard: NER failed on a text; it is withheld for review")
        return [("check_failed", "")]
