"""The home page carries the leaflet's Q&A through Q5 (再就職手当) and the pointers after it, in the
leaflet's words (../shared/seed/hellowork-kyushoku-joho-teikyo.txt)."""

import re

import pytest

from tests.pages import page

pytestmark = pytest.mark.django_db

def text_of(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def test_q5_and_its_answer_are_on_the_home_page(client):
    html = page(client.get("/"))
    text = text_of(html)

    assert "Q5.雇用保険の失業給付受給手続き後に利用団体の職業紹介で就職が決まった場合、再就職手当の支給の対象になりますか？" in text
    assert ("離職理由によって給付制限がある方は、求職申込みをしてから待機期間満了後1か月の期間内は、"
            "ハローワークまたは職業紹介事業者の紹介によって就職した場合に再就職手当の支給対象となります。") in text
    assert "ハローワークの給付窓口へお尋ねください。" in text


def test_the_pointers_after_q5(client):
    html = page(client.get("/"))

    assert 'href="https://www.hellowork.go.jp/info/kyushoku_top01.html"' in html
    assert "最寄りのハローワークにお問い合わせください" in text_of(html)
    assert "「ハローワーク所在地」で検索" in text_of(html)
