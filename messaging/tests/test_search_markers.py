"""The search results know the organisation's history with each seeker (issue 16): 案内済み / 返信あり /
求職申込み希望 (and 辞退) per row from that organisation's conversation, a box to tick each row for
guidance to many, and the organisation's header: unread replies and what is left of today's cap."""

import re

import pytest
from django.conf import settings
from django.utils import timezone

from config import querymemo
from messaging import selectors, services
from messaging.models import DailyGuidanceCount
from messaging.tests.helpers import guide, public_id, reply
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.tests.factories import SeekerAccountFactory
from tests.pages import page

pytestmark = pytest.mark.django_db


def row_of(html: str, public: str) -> str:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return next(row for row in rows if f'value="{public}"' in row)


def marker(html: str, public: str) -> str:
    found = re.search(r'<span class="badge badge--\w+">([^<]+)</span>', row_of(html, public))
    return found.group(1) if found else ""


def test_each_result_says_what_the_organisation_did_with_that_seeker(member_client, agency_member):
    guided, replied, applied, declined, untouched = (SeekerAccountFactory() for _ in range(5))
    for account in (guided, replied, applied, declined):
        guide(agency_member, account)
    reply(replied, replied.conversations.get())
    reply(applied, applied.conversations.get(), kind="apply")
    services.seeker_decline(actor=declined.user, account=declined, conversation=declined.conversations.get())
    other = MemberFactory(organization=OrganizationFactory()).user
    guide(other, untouched)  # another organisation's conversation marks nothing here

    html = page(member_client.get("/orgs/seekers/"))

    assert marker(html, public_id(guided)) == "案内済み"
    assert marker(html, public_id(replied)) == "返信あり"
    assert marker(html, public_id(applied)) == "求職申込み希望"
    assert marker(html, public_id(declined)) == "辞退"
    assert marker(html, public_id(untouched)) == ""


def test_the_markers_statement_built_for_one_organisation_serves_another_with_its_own(agency, agency_member):
    """The statement is memoized by the number of ids alone: the organisation and the ids are values."""
    querymemo.clear()
    mine, theirs, nobodys = (SeekerAccountFactory() for _ in range(3))
    guide(agency_member, mine)
    other = MemberFactory(organization=OrganizationFactory())
    guide(other.user, theirs)
    reply(theirs, theirs.conversations.get())
    ids = [mine.application_id, theirs.application_id, nobodys.application_id]

    assert selectors.guidance_markers(agency, ids) == {mine.application_id: selectors.GuidanceMarker.GUIDED}
    assert selectors.guidance_markers(other.organization, ids[::-1]) == {
        theirs.application_id: selectors.GuidanceMarker.REPLIED}
    assert selectors.guidance_markers(agency, ids[1:]) == {}
    assert selectors.guidance_markers(agency, []) == {}


def test_each_result_can_be_ticked_for_one_guidance_to_many(member_client):
    accounts = [SeekerAccountFactory() for _ in range(2)]

    html = page(member_client.get("/orgs/seekers/"))

    assert 'action="/orgs/guidance/new/"' in html
    for account in accounts:
        assert f'type="checkbox" name="public_id" value="{public_id(account)}"' in row_of(html, public_id(account))
    assert "選んだ求職者に案内を送る" in html and "このページの全員に案内を送る" in html


def test_the_header_shows_what_is_left_today_and_the_unread_replies(member_client, agency, agency_member):
    DailyGuidanceCount.objects.create(organization=agency, day=timezone.localdate(),
                                      count=settings.GUIDANCE_DAILY_LIMIT - 10)
    accounts = [SeekerAccountFactory() for _ in range(3)]
    for account in accounts:
        guide(agency_member, account)
    for account in accounts[:2]:
        reply(account, account.conversations.get())

    for url in ("/orgs/seekers/", "/orgs/messages/", "/orgs/deletion-requests/"):
        html = page(member_client.get(url))
        nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
        assert "本日の案内の残り: 7件" in nav, url
        assert "未読の返信 2 件" in nav, url


def test_opening_the_conversation_takes_it_off_the_unread_count(member_client, agency_member, account):
    guide(agency_member, account)
    conversation = account.conversations.get()
    reply(account, conversation)

    assert "未読の返信 1 件" in page(member_client.get("/orgs/seekers/"))
    member_client.get(f"/orgs/messages/{conversation.pk}/")
    assert "未読の返信" not in page(member_client.get("/orgs/seekers/"))
