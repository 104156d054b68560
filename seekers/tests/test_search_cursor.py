"""The search's 次の20件 cursor: it carries no time (published_at is the moment of the seeker's first
login, and the link stays in the organisation's browser history), it cannot be forged, and anything
that does not verify (tampered, malformed, NUL bytes, another organisation's) is the first page with
its count: never a 400 or a 500."""

import html as html_lib
import re
from datetime import timedelta
from urllib.parse import parse_qs, quote

import pytest
from django.utils import timezone

from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from seekers.tests.helpers import listed
from tests.pages import login, page, with_totp

pytestmark = pytest.mark.django_db

NEXT_LINK = re.compile(r'<a[^>]*href="\?([^"]*)"[^>]*>次の20件</a>')
ROWS = 25


def next_query(response) -> str:
    link = NEXT_LINK.search(page(response))
    assert link, "no 次の20件 link"
    return html_lib.unescape(link.group(1))


def cursor_of(response) -> str:
    return parse_qs(next_query(response))["cursor"][0]


@pytest.fixture
def newest_first(db) -> list[Profile]:
    """ROWS visible profiles published a minute apart, with microseconds, newest first."""
    base = timezone.now() - timedelta(hours=2)
    profiles = []
    for minute in range(ROWS):
        account = SeekerAccountFactory(application__applied_on=timezone.localdate() - timedelta(days=10))
        Profile.objects.filter(pk=account.application_id).update(
            published_at=base + timedelta(minutes=minute, microseconds=123457 + minute)
        )
        profiles.insert(0, Profile.objects.get(pk=account.application_id))
    return profiles


def test_the_next_link_carries_no_time(member_client, newest_first):
    first = member_client.get("/orgs/seekers/")

    query = next_query(first)
    cursor = cursor_of(first)
    last_shown = newest_first[19]
    stamp = timezone.localtime(last_shown.published_at)
    for form in (last_shown.published_at.isoformat(), stamp.isoformat(), f"{stamp:%Y-%m-%d}", f"{stamp:%H:%M}",
                 str(stamp.microsecond), str(int(last_shown.published_at.timestamp()))):
        assert form not in query, form
    assert not re.search(r"\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}", query)
    assert "~" not in cursor


def test_the_cursor_does_not_change_with_the_publication_time(member_client, newest_first):
    """Moving every publication by a few seconds (order kept) gives the same cursor: no time in it."""
    before = cursor_of(member_client.get("/orgs/seekers/"))
    for profile in newest_first:
        Profile.objects.filter(pk=profile.pk).update(published_at=profile.published_at - timedelta(seconds=7))

    after = cursor_of(member_client.get("/orgs/seekers/"))

    assert after == before


def test_the_cursor_pages_on_in_order(member_client, newest_first):
    first = member_client.get("/orgs/seekers/")
    second = member_client.get(f"/orgs/seekers/?{next_query(first)}")

    assert listed(first) == [p.public_id for p in newest_first[:20]]
    assert listed(second) == [p.public_id for p in newest_first[20:]]
    assert "次の20件" not in page(second)
    assert f"検索結果 {ROWS}件" in page(second)  # every page counts


def test_profiles_published_at_the_same_moment_are_each_shown_once(member_client, newest_first):
    same = timezone.now() - timedelta(minutes=5)
    Profile.objects.filter(pk__in=[p.pk for p in newest_first]).update(published_at=same)
    by_public_id = sorted((p.public_id for p in newest_first), reverse=True)

    first = member_client.get("/orgs/seekers/")
    second = member_client.get(f"/orgs/seekers/?{next_query(first)}")

    assert listed(first) + listed(second) == by_public_id


def tampered(cursor: str) -> list[str]:
    value, _, signature = cursor.rpartition(":")
    flipped = ("0" if value[-1] != "0" else "1")
    return [
        value[:-1] + flipped + ":" + signature,  # another position under the old signature
        value + ":" + signature[::-1],  # a wrong signature
        value,  # no signature
        cursor + "\x00",
        "\x00" + cursor,
        cursor[: len(cursor) // 2],
    ]


MALFORMED = [
    "not-a-cursor",
    "~abc\x00",
    "2026-11-26T10:00:00.123456+00:00~" + "a" * 16,  # the old readable form
    "2026-11-26T10:00:00~abc\x00",
    "\x00",
    ":",
    "::::",
    "YWJjZGVm",  # base64 of garbage
    "eyJhIjoxfQ:1abcde:garbage",
    "%00",
    "ｆｆｆｆ:ｆｆｆｆ",
    "x" * 5000,
]


def assert_first_page(response, newest_first) -> None:
    assert response.status_code == 200
    assert listed(response) == [p.public_id for p in newest_first[:20]]
    assert f"検索結果 {ROWS}件" in page(response)  # the first page, counted


@pytest.mark.parametrize("cursor", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_cursor_is_the_first_page(member_client, newest_first, cursor):
    response = member_client.get("/orgs/seekers/", {"cursor": cursor})

    assert_first_page(response, newest_first)


def test_a_cursor_with_a_raw_nul_in_the_url_is_the_first_page(member_client, newest_first):
    response = member_client.get("/orgs/seekers/?cursor=" + quote("~abc") + "%00")

    assert_first_page(response, newest_first)


def test_a_tampered_cursor_is_the_first_page(member_client, newest_first):
    cursor = cursor_of(member_client.get("/orgs/seekers/"))

    for forged in tampered(cursor):
        assert_first_page(member_client.get("/orgs/seekers/", {"cursor": forged}), newest_first)


def test_another_organisations_cursor_is_the_first_page(member_client, newest_first):
    other = login(with_totp(MemberFactory(organization=OrganizationFactory()).user))
    theirs = cursor_of(other.get("/orgs/seekers/"))

    response = member_client.get("/orgs/seekers/", {"cursor": theirs})

    assert_first_page(response, newest_first)


# --- 1ページの表示件数: a member may show 20, 50 or 100 rows, so 「このページの全員」 can fill a batch ----------


def test_a_larger_page_shows_that_many_rows_and_pages_on_by_the_same_size(member_client, newest_first):
    first = member_client.get("/orgs/seekers/", {"per_page": "50"})

    assert listed(first) == [p.public_id for p in newest_first]
    assert "次の" not in page(first)  # 25 rows fit on one page of 50

    Profile.objects.filter(pk__in=[p.pk for p in newest_first[:5]]).update(listed_until=None)
    small = member_client.get("/orgs/seekers/", {"per_page": "20"})
    link = re.search(r'<a[^>]*href="\?([^"]*)"[^>]*>次の20件</a>', page(small))
    assert link is None  # 20 visible rows: one full page, nothing after it
    assert listed(small) == [p.public_id for p in newest_first[5:]]


def test_the_second_page_of_a_larger_page_counts_its_positions_by_that_size(member_client, newest_first, settings):
    for _ in range(30):
        account = SeekerAccountFactory(application__applied_on=timezone.localdate() - timedelta(days=10))
        Profile.objects.filter(pk=account.application_id).update(published_at=timezone.now() - timedelta(days=1))

    first = member_client.get("/orgs/seekers/", {"per_page": "50"})
    link = re.search(r'<a[^>]*href="\?([^"]*)"[^>]*>次の50件</a>', page(first))
    assert link, "no 次の50件 link"
    second = member_client.get(f"/orgs/seekers/?{html_lib.unescape(link.group(1))}")

    assert len(listed(first)) == 50 and len(listed(second)) == ROWS + 30 - 50
    assert "51〜55件目" in page(second)
    assert not set(listed(first)) & set(listed(second))


@pytest.mark.parametrize("value", ["1000", "abc", "-20"])
def test_a_page_size_not_offered_is_refused_at_the_field(member_client, newest_first, value):
    response = member_client.get("/orgs/seekers/", {"per_page": value, "keyword": "介護"})
    html = page(response)

    assert "表示件数は20件・50件・100件から選んでください。" in html
    assert 'value="介護"' in html  # what was typed stays
    assert listed(response) == []  # no results from a form that was refused
    assert "検索結果" not in html
