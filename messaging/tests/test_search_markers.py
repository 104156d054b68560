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
from seekers.search import paging
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


def test_each_organisations_page_reads_its_own_markers(agency, agency_member):
    """The page's statement is memoized per organisation: the marker's organisation is that page's."""
    querymemo.clear()
    mine, theirs, nobodys = (SeekerAccountFactory() for _ in range(3))
    guide(agency_member, mine)
    other = MemberFactory(organization=OrganizationFactory())
    guide(other.user, theirs)
    reply(theirs, theirs.conversations.get())

    def markers(organization):
        return {row.pk: row.guidance_marker for row in paging.search_profiles(organization, {}).rows}

    assert markers(agency) == {mine.application_id: "guided", theirs.application_id: None,
                               nobodys.application_id: None}
    assert markers(other.organization) == {mine.application_id: None, theirs.application_id: "replied",
                                           nobodys.application_id: None}
    assert markers(agency)[theirs.application_id] is None  # the first organisation's statement, again


def test_a_marker_names_the_strongest_of_the_conversation(agency, agency_member):
    """辞退 outranks 求職申込み希望, which outranks 返信あり, which outranks 案内済み; a conversation whose
    access ended marks nothing."""
    account = SeekerAccountFactory()
    guide(agency_member, account)
    conversation = account.conversations.get()

    def marker():
        return next(row.guidance_marker for row in paging.search_profiles(agency, {}).rows
                    if row.pk == account.application_id)

    assert marker() == selectors.GuidanceMarker.GUIDED
    reply(account, conversation)
    assert marker() == selectors.GuidanceMarker.REPLIED
    reply(account, conversation, kind="apply")
    assert marker() == selectors.GuidanceMarker.APPLY
    services.seeker_decline(actor=account.user, account=account, conversation=conversation)
    assert marker() == selectors.GuidanceMarker.DECLINED
    type(conversation).objects.filter(pk=conversation.pk).update(org_access_ended_at=timezone.now())
    assert marker() is None


def test_the_pages_after_the_first_carry_their_markers_too(agency, agency_member):
    """Pages after the first come from another statement (seekers.search.paging._page_statement, and
    the way back): each row there has its marker as well."""
    accounts = [SeekerAccountFactory() for _ in range(25)]
    for account in accounts[::2]:
        guide(agency_member, account)
    guided = {account.application_id for account in accounts[::2]}

    first = paging.search_profiles(agency, {}, size=20)
    second = paging.search_profiles(agency, {}, first.next_cursor, size=20)
    back = paging.search_profiles(agency, {}, second.previous_cursor, size=20)

    for shown in (first, second, back):
        assert shown.rows
        assert {row.pk: row.guidance_marker for row in shown.rows} == {
            row.pk: "guided" if row.pk in guided else None for row in shown.rows}
    assert len(first.rows) + len(second.rows) == 25


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
