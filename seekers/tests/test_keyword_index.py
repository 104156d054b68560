"""The keyword filter through its index (seekers.search.keywords) finds exactly the profiles that
today's substring match finds: every normalised word a substring of the released search text. Checked
on generated Japanese text — 1- and 2-character words, kana and kanji mixed, full-width and half-width
forms and long-vowel marks that the normaliser (NFKC, seekers.pii.normalize) folds — on PostgreSQL,
where the index serves the search, and the plan is shown to use it."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seekers import pii
from seekers.models import Profile
from seekers.search.facets import filter_profiles
from seekers.search.keywords import _tsquery, keyword_grams, keyword_words, text_signature, words_signature
from seekers.tests.factories import SeekerAccountFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]

# Kanji, hiragana, katakana, half-width katakana (ｶﾞ folds to ガ), the long-vowel mark in both widths
# (ｰ folds to ー), full-width letters and digits (Ａ１ fold to a1 after lower()), wave dashes, middle
# dots, spaces of both widths, and the characters the tsquery input quotes (' and \).
ALPHABET = (
    "介護職員経験運転夜勤看保育士かいごのをカイゴフォークリフトーｶｲｺﾞﾌｫｰｸﾘﾌﾄｰＡＢａｂAb１2〜～・ 　'\\-－"
)
TEXTS = st.lists(st.text(ALPHABET, max_size=24), min_size=1, max_size=3)
PROFILES = 10


def released(texts: list[str]) -> str:
    """The released search text as seekers.services.profile_screen writes it."""
    return " ".join(pii.normalize(t).lower() for t in texts if t)


def substring_match(search_text: str, keyword: str) -> bool:
    """Today's keyword match: every normalised word a substring of the text."""
    return all(word in search_text for word in keyword_words(keyword))


@st.composite
def corpus_and_keywords(draw):
    corpus = [draw(TEXTS) for _ in range(PROFILES)]
    texts = [t for texts in corpus for t in texts if t]
    keywords = draw(st.lists(st.text(ALPHABET, min_size=1, max_size=4), min_size=1, max_size=4))
    for _ in range(3):  # pieces of the texts, as written (before normalising), 1 to 3 characters long
        if texts:
            text = draw(st.sampled_from(texts))
            start = draw(st.integers(0, max(0, len(text) - 1)))
            keywords.append(text[start : start + draw(st.integers(1, 3))])
    return corpus, [k for k in keywords if k.strip()]


@pytest.fixture
def profiles(db) -> list[int]:
    return [account.application_id for account in SeekerAccountFactory.create_batch(PROFILES)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=corpus_and_keywords())
def test_the_index_finds_what_the_substring_match_finds(profiles, data):
    corpus, keywords = data
    texts = {pk: released(texts) for pk, texts in zip(profiles, corpus, strict=True)}
    for pk, text in texts.items():
        Profile.objects.filter(pk=pk).update(search_text=text)

    for keyword in keywords:
        expected = {pk for pk, text in texts.items() if substring_match(text, keyword)}
        substring = Profile.objects.filter(pk__in=profiles)
        for word in keyword_words(keyword):
            substring = substring.filter(search_text__contains=word)
        found = set(
            filter_profiles(Profile.objects.filter(pk__in=profiles), {"keyword": keyword}).values_list(
                "pk", flat=True
            )
        )

        assert set(substring.values_list("pk", flat=True)) == expected, keyword
        assert found == expected, keyword


@pytest.mark.parametrize(
    ("keyword", "text", "hit"),
    [
        ("介", "介護職員", True),  # one character: the unigram
        ("護職", "介護職員", True),  # two characters: one bigram
        ("ﾌｫｰｸﾘﾌﾄ", "フォークリフト運転", True),  # half-width katakana and ｰ folded
        ("フォークリフト", "ﾌｫｰｸﾘﾌﾄの運転", True),
        ("ＡＢ１", "ab1 経験", True),  # full-width letters and digits, upper case
        ("介護 経験", "介護施設での勤務経験", True),  # words anywhere, in any order
        ("経験 介護", "介護施設での勤務経験", True),
        ("ああああ", "ああ いい", False),  # its one bigram is there, the word is not: the recheck
        ("it's", "it's fine", True),  # the quote is read as a character, not as tsquery syntax
        ("a\\b", "a\\b", True),
        ("リフ", "フォーク", False),
    ],
)
def test_examples(profiles, keyword, text, hit):
    Profile.objects.filter(pk=profiles[0]).update(search_text=released([text]))
    Profile.objects.filter(pk__in=profiles[1:]).update(search_text="")

    found = list(filter_profiles(Profile.objects.all(), {"keyword": keyword}).values_list("pk", flat=True))

    assert found == ([profiles[0]] if hit else [])


def test_the_grams_asked_for():
    assert keyword_grams("介") == ["介"]
    assert keyword_grams("介護") == ["介護"]
    assert keyword_grams("介護職") == ["介護"]
    assert keyword_grams("介護職員") == ["介護"]
    assert keyword_grams("フォークリフト") == ["フォ"]
    assert keyword_grams("ああああ") == ["ああ"]
    assert _tsquery(["it", "'s"]) == "'it' & '''s'"


def test_the_keyword_search_uses_the_index(profiles):
    Profile.objects.filter(pk=profiles[0]).update(search_text=released(["介護施設での勤務経験があります"]))
    sql, params = (
        filter_profiles(Profile.objects.all(), {"keyword": "介護"}).values("pk").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "profile_search_grams_gin" in plan, plan


def holds(signature: tuple[int, int], bits: tuple[int, int]) -> bool:
    return all(s & b == b for s, b in zip(signature, bits, strict=True))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=corpus_and_keywords())
def test_the_text_signature_admits_every_text_holding_the_words(db, data):
    """The listing's pre-test (seekers.search.narrow): PostgreSQL's seekers_text_sig (migration 0018,
    what the listing rows carry) is text_signature bit for bit, and a text holding the words holds
    their signature, so the pre-test never loses a match (the substring test decides the rest)."""
    corpus, keywords = data
    texts = [released(texts) for texts in corpus] + ["𠀋𡈽 サロゲートの外", "", "a", "a b"]
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute("SELECT seekers_text_sig(%s)", [text])
            assert tuple(cursor.fetchone()[0]) == text_signature(text), text
    for text in texts:
        for keyword in keywords:
            if substring_match(text, keyword):
                assert holds(text_signature(text), words_signature(keyword_words(keyword))), (text, keyword)


def test_the_signature_tells_most_other_texts_apart():
    text = released(["販売員 駅から徒歩圏内 電車 高等学校卒業 営業職として新規開拓を担当 経理・会計の実務経験5年"])
    assert holds(text_signature(text), words_signature(["新規開拓", "経理"]))
    assert not holds(text_signature(text), words_signature(["フォークリフト"]))
    assert not holds(text_signature(text), words_signature(["介護"]))
    assert words_signature(["介"]) == (0, 0)  # one character has no piece: the text test alone decides
    assert bin(text_signature(text)[0] % 2**64).count("1") + bin(text_signature(text)[1] % 2**64).count("1") < 64
