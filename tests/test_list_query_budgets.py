"""Query budgets of the list pages that had none (STYLE.md: every list page, with several rows, shows
a constant count). Each page is read with one row and with five, every row from another organisation
(so a missing join would cost a query per row); the count must not grow, must be the one stated,
whose parts the comments name, and every row must be on the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.tests.factories import ComplaintFactory, DeletionRequestFactory
from messaging.tests.factories import ConversationFactory
from organizations.tests.factories import OrganizationFactory
from seekers.models import Block
from tests.pages import page

pytestmark = pytest.mark.django_db

# The idle-timeout middleware writes its stamp at most once a minute (accounts.middleware): after the
# warm-up request, the measured one within that minute writes no session.

# A seeker's page: 1 session, 2 user with their seeker account (AuthenticationMiddleware through
# accounts.backends.get_user), 3 the header's unread count (messaging's context processor); then the page's own.
SEEKER_BASE = 3

# An organisation's page: 1 session, 2 user with their membership and its organisation, read once for
# the request (accounts.backends.get_user) and checked (member_required), 3 the TOTP authenticator (the
# MFA gate), 4 the header's unread replies and remaining sends (messaging's context processor, one
# statement); then the page's own.
MEMBER_BASE = 4


def queries(client, url: str) -> tuple[int, str]:
    """The queries of one read of the page, and its text. The first request of a session stamps its
    idle time; the one measured is the next, as every later click of the user is."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries), page(response)


def seeker_rows(account, n: int, make) -> list[str]:
    """n rows, each about a conversation with another organisation; their organisations' names."""
    names = []
    for _ in range(n):
        conversation = ConversationFactory(account=account)
        make(conversation)
        names.append(conversation.organization.name)
    return names


@pytest.mark.parametrize(
    ("url", "make", "own"),
    [
        # 5 the complaints with their organisations, in one join, 6 the seeker's office, which the page
        # names (seekers.context_processors.seeker_office, SPEC rule 23)
        ("/seekers/complaints/", lambda c: ComplaintFactory(conversation=c), 2),
        # 5 the seeker's deletion requests, 6 the seeker's conversations with their organisations (each
        # row: the conversation and its request, if any, matched in Python)
        ("/seekers/deletion-requests/", lambda c: DeletionRequestFactory(conversation=c), 2),
        # 5 the blocks with their organisations, in one join, 6 the seeker's application (its
        # reachability: a stopped seeker is offered neither 解除 nor the search by name)
        ("/seekers/settings/blocks/",
         lambda c: Block.objects.create(account=c.account, organization=c.organization), 2),
    ],
    ids=["complaints", "deletion-requests", "blocks"],
)
def test_the_seekers_list_pages_cost_the_same_for_one_row_and_for_five(seeker, seeker_client, url, make, own):
    account = seeker.seeker_account
    names = seeker_rows(account, 1, make)
    one, _ = queries(seeker_client, url)
    names += seeker_rows(account, 4, make)
    five, html = queries(seeker_client, url)

    assert one == five == SEEKER_BASE + own
    assert all(name in html for name in names)


def test_the_organisations_deletion_requests_cost_the_same_for_one_row_and_for_five(agency, member_client):
    requests = [DeletionRequestFactory(conversation=ConversationFactory(organization=agency))]
    one, _ = queries(member_client, "/orgs/deletion-requests/")
    requests += [DeletionRequestFactory(conversation=ConversationFactory(organization=agency)) for _ in range(4)]
    DeletionRequestFactory(conversation=ConversationFactory(organization=OrganizationFactory()))
    five, html = queries(member_client, "/orgs/deletion-requests/")

    # 5 the organisation's requests with each seeker's public id (one join through the conversation)
    assert one == five == MEMBER_BASE + 1
    assert all(r.conversation.account.application.profile.public_id in html for r in requests)
    assert html.count("回答期限") == 5
