"""The search's result count is on every page (「N件」 exactly up to COUNT_CAP, 「1,000件以上」 beyond),
and the pages are numbered with a 前へ link back (issue 15 item 3, issue 16 item 4)."""

import html as html_lib
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from seekers.models import Profile
from seekers.search import paging
from seekers.tests.factories import SeekerAccountFactory
from seekers.tests.helpers import listed
from tests.pages import page

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'<a[^>]*href="\?([^"]*)"[^>]*>次の20件</a>')
PREVIOUS = re.compile(r'<a[^>]*href="\?([^"]*)"[^>]*>前へ</a>')
ROWS = 45


def link(pattern, response) -> str:
    found = pattern.search(page(response))
    assert found, f"no link {pattern.pattern}"
    return "/orgs/seekers/?" + html_lib.unescape(found.group(1))


@pytest.fixture
def newest_first(db) -> list[str]:
    """ROWS visible profiles published a minute apart; their public ids newest first."""
    base = timezone.now() - timedelta(hours=2)
    ids = []
    for minute in range(ROWS):
        account = SeekerAccountFactory(application__applied_on=timezone.localdate() - timedelta(days=10))
        Profile.objects.filter(pk=account.application_id).update(
            published_at=base + timedelta(minutes=minute)
        )
        ids.insert(0, Profile.objects.get(pk=account.application_id).public_id)
    return ids


def test_the_count_is_capped(monkeypatch):
    SeekerAccountFactory.create_batch(4)
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    assert paging._capped_count(Profile.objects.all()) == 3  # cap + 1 tells "more than the cap"


def test_the_page_shows_the_exact_count_up_to_the_cap(member_client, monkeypatch):
    SeekerAccountFactory.create_batch(3)
    monkeypatch.setattr(paging, "COUNT_CAP", 3)

    html = page(member_client.get("/orgs/seekers/"))

    assert "検索結果 3件</h2>" in html
    assert "以上" not in html
    assert "省略" not in html


@pytest.mark.parametrize(("seekers", "heading"), [(1, "1 result</h2>"), (3, "3 results</h2>")])
def test_the_english_count_agrees_with_its_number(member_client, seekers, heading):
    SeekerAccountFactory.create_batch(seekers)

    html = page(member_client.get("/orgs/seekers/", HTTP_ACCEPT_LANGUAGE="en"))

    assert heading in html


def test_beyond_the_cap_the_page_says_at_least(member_client, monkeypatch):
    SeekerAccountFactory.create_batch(4)
    monkeypatch.setattr(paging, "COUNT_CAP", 3)

    html = page(member_client.get("/orgs/seekers/"))

    assert "検索結果 3件以上</h2>" in html
    assert len(re.findall(r'の詳細">', html)) == 4  # the cap is the count's, not the page's


@pytest.mark.parametrize(
    ("count", "capped", "shown"),
    [
        (0, False, "検索結果 0件"),
        (7, False, "検索結果 7件"),
        (1000, False, "検索結果 1,000件"),
        (1000, True, "検索結果 1,000件以上"),
    ],
)
def test_the_heading_words_the_count(count, capped, shown):
    fake = SimpleNamespace(
        rows=[],
        next_cursor="",
        previous_cursor="",
        number=1,
        count=count,
        count_capped=capped,
        has_previous=False,
        first_shown=1,
        last_shown=0,
    )
    html = render_to_string(
        "seekers/orgs/search.html",
        {"page": fake, "form": [], "query": "", "organization": SimpleNamespace(name="x")},
    )

    assert f"{shown}</h2>" in html


def test_every_page_has_its_number_and_the_count(member_client, newest_first):
    first = member_client.get("/orgs/seekers/")
    second = member_client.get(link(NEXT, first))
    third = member_client.get(link(NEXT, second))

    for number, response, rows in (
        (1, first, newest_first[:20]),
        (2, second, newest_first[20:40]),
        (3, third, newest_first[40:]),
    ):
        html = page(response)
        assert listed(response) == rows
        assert f"検索結果 {ROWS}件</h2>" in html
        assert f"{number}ページ目({(number - 1) * 20 + 1}〜{(number - 1) * 20 + len(rows)}件目)" in html
    assert "前へ" not in page(first)
    assert "次の20件" not in page(third)


def test_previous_leads_back_page_by_page(member_client, newest_first):
    first = member_client.get("/orgs/seekers/")
    second = member_client.get(link(NEXT, first))
    third = member_client.get(link(NEXT, second))

    back_to_second = member_client.get(link(PREVIOUS, third))
    back_to_first = member_client.get(link(PREVIOUS, back_to_second))

    assert listed(back_to_second) == newest_first[20:40]
    assert "2ページ目" in page(back_to_second)
    assert link(PREVIOUS, second) == "/orgs/seekers/?"  # page 2's 前へ is the first page itself
    assert listed(back_to_first) == newest_first[:20]
    assert "1ページ目" in page(back_to_first)
    assert listed(member_client.get(link(NEXT, back_to_second))) == newest_first[40:]


def test_previous_keeps_the_filters(member_client, newest_first):
    first = member_client.get("/orgs/seekers/", {"employment_type": "full_time"})  # the factory's, every row
    second = member_client.get(link(NEXT, first))

    assert "employment_type=full_time" in link(PREVIOUS, second)


def test_previous_with_too_few_newer_profiles_left_is_the_first_page(member_client, newest_first):
    first = member_client.get("/orgs/seekers/")
    second = member_client.get(link(NEXT, first))
    third = member_client.get(link(NEXT, second))
    previous = link(PREVIOUS, third)
    # Most of the newer profiles stop being listed before the member clicks 前へ.
    Profile.objects.filter(public_id__in=newest_first[:25]).update(listed_until=None)

    response = member_client.get(previous)

    assert listed(response) == newest_first[25:45]
    assert "1ページ目" in page(response)
    assert "前へ" not in page(response)


def test_the_pages_after_the_first_show_the_count_the_first_page_found(member_client, newest_first, monkeypatch):
    """The cursor carries the first page's count (signed, with a digest of its filters): page 2 does not
    count again, so a seeker published since leaves it unchanged until the search is run again."""
    first = member_client.get("/orgs/seekers/")
    SeekerAccountFactory(application__applied_on=timezone.localdate() - timedelta(days=10))
    counted = []
    for name in ("_capped_count", "_narrow_count"):
        real = getattr(paging, name)
        monkeypatch.setattr(paging, name, lambda *a, real=real: counted.append(1) or real(*a))

    second = member_client.get(link(NEXT, first))
    assert not counted
    again = member_client.get("/orgs/seekers/")

    assert f"検索結果 {ROWS}件</h2>" in page(second)
    assert f"検索結果 {ROWS + 1}件</h2>" in page(again)


def test_a_cursor_pasted_onto_other_filters_counts_afresh(member_client, newest_first):
    first = member_client.get("/orgs/seekers/")
    cursor = re.search(r"cursor=([^&]+)", link(NEXT, first)).group(1)

    other = member_client.get(f"/orgs/seekers/?employment_type=part_time&cursor={cursor}")

    shown = int(re.search(r"検索結果 (\d+)件</h2>", page(other)).group(1))
    assert shown == Profile.objects.filter(employment_type="part_time").count() != ROWS


def test_the_carried_count_is_read_back_only_as_signed():
    org = SimpleNamespace(pk=7)
    profile = SimpleNamespace(public_id="0123456789abcdef")
    digest = paging._filters_digest({"keyword": "介護", "per_page": 50, "prefecture": None})

    position = paging._cursor_position(
        paging._cursor(org, forward=True, number=2, profile=profile, count=1001, filters=digest), org)
    forged = paging._cursor_signer(org).sign("n2.0123456789abcdef") + ".5.000000000000"

    assert (position.count, position.filters) == (1001, digest)
    assert digest == paging._filters_digest({"keyword": "介護", "dispatch_ok": False, "municipality": ""}) \
        != paging._filters_digest({"keyword": "夜勤"})
    assert paging._filters_digest({"income_max": 0}) != paging._filters_digest({})
    assert paging._cursor_position(forged, org) is None
    assert paging._cursor_position(paging._cursor(org, forward=True, number=2, profile=profile), org).count is None
