"""The organisation's inbox at /orgs/messages/ (issue item 6): unread replies first, the 求職申込み希望
filter, only the organisation's own conversations, who may open it and its query budget."""

import re
from urllib.parse import urlencode

import pytest

from messaging.models import Conversation
from messaging.tests.factories import ConversationFactory, MessageFactory
from messaging.tests.helpers import cells, inbox_rows, public_id
from tests.pages import login, page

# Member pages open without TOTP here; the MFA requirement has its own tests (accounts).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]


def test_the_organisation_inbox_lists_unread_replies_first(member_client, agency):
    replied = ConversationFactory(organization=agency)
    MessageFactory(conversation=replied)
    MessageFactory(conversation=replied, reply=True)
    read = ConversationFactory(organization=agency)
    MessageFactory(conversation=read)
    MessageFactory(conversation=read, reply=True, read=True)
    Conversation.objects.filter(pk=read.pk).update(org_unread=False)
    newest = ConversationFactory(organization=agency)
    MessageFactory(conversation=newest)
    ConversationFactory()  # another organisation's

    html = page(member_client.get("/orgs/messages/"))

    ids = [public_id(c.account) for c in (replied, newest, read)]
    assert all(i in html for i in ids)
    assert [html.index(i) for i in ids] == sorted(html.index(i) for i in ids)
    assert html.count("とのやりとり</a>") == 3
    assert html.count('<span class="status status--unread">未読の返信</span>') == 1
    # The unread row stands out by weight and the badge's word, not by colour alone.
    assert [cells(row)[0] for row in inbox_rows(html)] == ["未読の返信", "既読", "既読"]
    assert re.findall(r'<tr class="(is-\w+)">', html) == ["is-unread", "is-read", "is-read"]


def test_the_apply_filter_lists_only_conversations_with_a_request(member_client, agency):
    asked = ConversationFactory(organization=agency)
    MessageFactory(conversation=asked)
    MessageFactory(conversation=asked, apply=True)
    plain = ConversationFactory(organization=agency)
    MessageFactory(conversation=plain)
    MessageFactory(conversation=plain, reply=True)

    everything = page(member_client.get("/orgs/messages/"))
    filtered = page(member_client.get("/orgs/messages/?filter=apply"))

    assert public_id(asked.account) in everything and public_id(plain.account) in everything
    assert public_id(asked.account) in filtered
    assert public_id(plain.account) not in filtered
    assert '<span class="badge">求職申込み希望</span>' in filtered


# --- access -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/orgs/messages/", "/orgs/messages/?filter=apply"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, guidance, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?" + urlencode({"next": url}, safe="/")


@pytest.mark.parametrize("who", ["seeker", "staff"])
def test_the_inbox_is_forbidden_to_other_roles(request, guidance, who):
    client = login(request.getfixturevalue(who))

    for url in ("/orgs/messages/", "/orgs/messages/?filter=apply"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert public_id(guidance.account) not in page(response), url


# --- query budget (STYLE.md: several rows, the count shown constant) ----------------------------------------


def fill_org_inbox(organization, n: int) -> None:
    for i in range(n):
        conversation = ConversationFactory(organization=organization)
        MessageFactory(conversation=conversation)
        if i % 2:
            MessageFactory(conversation=conversation, apply=True)


# GET /orgs/messages/ as a logged-in member:
#   1 session, 2 user with their membership and its organisation, read fresh for this request (one
#   join, accounts.backends.get_user; member_required checks it), 3 the page plus one row to tell
#   whether another page follows (public id joined through account → application → profile; no
#   COUNT), 4 the header: unread replies and today's guidance count (the remaining figure) in one
#   statement (messaging.selectors.org_header), 5-7 the session save (savepoint, UPDATE, release).
ORG_INBOX_QUERIES = 7


@pytest.mark.parametrize("n", [3, 25])
@pytest.mark.parametrize("query", ["", "?filter=apply"])
def test_the_organisation_inbox_query_count_is_constant(member_client, agency, django_assert_num_queries, n, query):
    fill_org_inbox(agency, n)

    with django_assert_num_queries(ORG_INBOX_QUERIES):
        response = member_client.get(f"/orgs/messages/{query}")

    assert response.status_code == 200
    shown = n if not query else n // 2
    assert page(response).count("とのやりとり</a>") == min(shown, 20)
