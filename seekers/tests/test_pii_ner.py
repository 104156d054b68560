"""The PII guard's NER step (seekers.pii_ner, SPEC rule 15): the precision and recall README states on
the labelled evaluation set, names in katakana and full-width romaji, places that are and are not where
someone lives, a 10,000-character text covered in bounded work, failing closed when the model cannot load,
and the model loading without the network."""

import logging
import socket

import pytest
from django.test.utils import override_settings

from devtools import pii_eval
from seekers import pii, pii_ner

# README "PII guard evaluation" measured 1.000 / 0.946 (rules + NER) and 1.000 / 0.509 (rules alone);
# the test holds a little below.
MIN_PRECISION = 0.95
MIN_RECALL = 0.90


def kinds(text: str) -> set[str]:
    return {finding.kind for finding in pii.detect(text)}


@pytest.fixture(scope="module")
def scores():
    data = pii_eval.examples()
    return {mode: pii_eval.score(mode, data) for mode in ("rules", "rules+ner")}


def test_the_evaluation_set_is_large_and_labelled_both_ways():
    data = pii_eval.examples()
    assert len(data) >= 200
    assert sum(example.pii for example in data) >= 80
    assert sum(not example.pii for example in data) >= 100
    assert all(example.pii == bool(example.kinds) for example in data)


def test_rules_and_ner_meet_the_stated_precision_and_recall(scores):
    result = scores["rules+ner"]
    assert result.precision >= MIN_PRECISION, f"precision {result.precision:.3f}: {result.false_alarms}"
    assert result.recall >= MIN_RECALL, f"recall {result.recall:.3f}: {result.misses}"


def test_ner_finds_what_the_rules_alone_miss(scores):
    assert scores["rules+ner"].recall > scores["rules"].recall + 0.3


NAMES = [
    "ＹＡＭＡＤＡ　ＴＡＲＯです。よろしくお願いします。",  # full-width romaji
    "ＳＡＴＯ　ＨＡＮＡＫＯ、事務職を希望します。",
    "YAMADA TARO、営業職10年。",
    "ヤマダ タロウ、フォークリフト歴15年。",  # katakana
    "サトウ ハナコです。接客が得意です。",
    "ｽｽﾞｷ ｲﾁﾛｳ、溶接工として8年。",  # half-width katakana
    "長谷川真理子、看護師として病棟勤務12年。",  # kanji, no 「と申します」 for the rules
    "前職では佐藤部長のもとで営業事務をしていました。",
    "たなか けんじです。",
]


@pytest.mark.parametrize("text", NAMES)
def test_names_the_rules_miss_are_found(text):
    with override_settings(PII_NER_ENABLED=False):
        assert "name" not in kinds(text)  # the rules alone miss it: the model is what finds it

    assert "name" in kinds(text)


PLACES = [
    ("大阪市北区梅田に住んでいます。", "residence"),
    ("住所は横浜市港北区日吉です。", "residence"),
    ("梅田1-2-3に住んでいます。", "address"),
    ("天神2丁目在住です。", "address"),
]


@pytest.mark.parametrize("text, kind", PLACES)
def test_places_where_someone_lives_are_found(text, kind):
    assert kind in kinds(text)
    assert pii.LABELS[kind]


NOT_PII = [
    "大阪府の工場で勤務していました。",
    "札幌市在住です。市内での勤務を希望します。",  # a municipality only: the profile shows the area anyway
    "田中工業株式会社で営業を担当していました。",
    "鈴木建設で現場監督をしていました。",
    "山田製作所にて旋盤加工に従事。",
    "中田の工場でライン作業をしていました。",
    "中田で林業に従事していました。",
    "森林組合で間伐作業を10年担当しました。",
    "青木ヶ原の森林保全ボランティアに参加しています。",
    "松本市の介護施設で3年勤務しました。",
    "Word、Excel、PowerPointが使えます。",
    "Webアプリケーションの開発(Python・Django) 5年",
    "千葉県内",  # the model calls it a person (千葉 is also a family name)  # the model calls Python・Django a person
]


@pytest.mark.parametrize("text", NOT_PII)
def test_employers_workplaces_and_look_alike_words_are_left_alone(text):
    assert pii.detect(text) == []


def test_a_10000_character_text_is_covered_whole_with_the_model_reading_its_budget_only():
    unit = "2015年から田中工業株式会社で営業を担当し、大阪府と兵庫県の顧客を回りました。"
    tail = "推薦者は長谷川真理子です。"
    text = (unit * (10_000 // len(unit) + 1))[: 10_000 - len(tail)] + tail
    assert len(text) == 10_000

    analysis = pii_ner.analyse(pii.normalize(text), max_chars=1000)

    assert analysis.model_chars <= 1000
    assert analysis.capped  # past the budget the dictionary's tags read the rest
    assert analysis.model_chars + analysis.dictionary_chars + analysis.skipped_chars == len(text)
    assert analysis.findings == [("name", "長谷川真理子")]  # found in the last sentence, past the budget
    assert "name" in kinds(text)


@pytest.fixture
def unloadable(monkeypatch, caplog):
    """A process where the model cannot load (missing package or files)."""
    def broken():
        raise OSError("[E050] Can't find model 'ja_ginza'")

    monkeypatch.setattr(pii_ner, "_load", broken)
    monkeypatch.setattr(pii_ner, "_nlp", None)
    monkeypatch.setattr(pii_ner, "_load_error", None)
    caplog.set_level(logging.ERROR, logger="seekers.pii_ner")
    return caplog


def test_without_the_model_the_guard_fails_closed_and_logs_it_once(unloadable):
    result = pii.screen({"appeal_points": "丁寧な対応", "main_experience": "接客 5年", "special_notes": ""})
    findings = pii.detect("夜勤はありますか。")

    assert result == {"appeal_points": ["check_failed"], "main_experience": ["check_failed"]}
    assert [finding.kind for finding in findings] == ["check_failed"]
    errors = [record for record in unloadable.records if record.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "cannot load" in errors[0].getMessage()


def test_without_the_model_the_rules_still_name_what_they_find(unloadable):
    assert kinds("連絡先は090-1234-5678です") == {"phone", "check_failed"}


def test_the_model_loads_from_site_packages_without_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)

    nlp = pii_ner._load()

    assert [(ent.text, ent.label_) for ent in nlp("山田太郎と申します。").ents] == [("山田太郎", "Person")]
