"""The seeker's メッセージ一覧 at /seekers/messages/ (SPEC rule 14, leaflet STEP 2): the leaflet's columns,
newest first by twenty, only the seeker's own messages, the header's unread count, who may open it
and its query budget."""

import re

import pytest
from django.utils import timezone

from config import querymemo
from messaging import selectors, services
from messaging.models import Message
from messaging.tests.factories import ConversationFactory, MessageFactory
from messaging.tests.helpers import cells, guide, inbox_rows
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers import services as seeker_services
from tests.pages import login, page

# Member pages open without TOTP here; the MFA requirement has its own tests (accounts).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_mfa")]

COLUMNS = ["No.", "状態", "日付", "送信元", "受信先", "受信日時", "件名", "本文", "詳細"]


def test_the_inbox_has_the_leaflets_columns(seeker_client, seeker, agency, guidance):
    response = seeker_client.get("/seekers/messages/")

    assert response.status_code == 200
    html = page(response)
    headers = re.findall(r'<th scope="col">(.*?)</th>', html)
    assert headers == COLUMNS
    [row] = inbox_rows(html)
    local = timezone.localtime(guidance.created_at)
    assert cells(row) == [
        "1", "未読", f"{local.year}年{local.month}月{local.day}日", agency.name, seeker.username,
        f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}",
        "介護職の求人のご案内", "求人をご紹介できます。", "No.1 の詳細",
    ]
    assert f'href="/seekers/messages/{guidance.pk}/"' in row


def test_the_body_column_is_an_excerpt(seeker_client, agency_member, account):
    guide(agency_member, account, body="あ" * 200 + "末尾の文")

    [row] = inbox_rows(page(seeker_client.get("/seekers/messages/")))

    assert "あ" * 30 in row
    assert "末尾の文" not in row
    assert "あ" * 200 not in row


def test_the_inbox_lists_the_newest_first(seeker_client, account):
    for subject in ("一通目", "二通目", "三通目"):
        MessageFactory(conversation=ConversationFactory(account=account), subject=subject)

    rows = inbox_rows(page(seeker_client.get("/seekers/messages/")))

    assert [re.search(r"(.通目)", row).group(1) for row in rows] == ["三通目", "二通目", "一通目"]
    assert [cells(row)[0] for row in rows] == ["3", "2", "1"]


def test_the_inbox_shows_only_messages_from_organisations_to_this_seeker(seeker_client, account, other_seeker):
    conversation = ConversationFactory(account=account)
    MessageFactory(conversation=conversation, subject="団体からの案内")
    MessageFactory(conversation=conversation, reply=True, subject="自分の質問")
    MessageFactory(conversation=ConversationFactory(account=other_seeker.seeker_account), subject="他人あての案内")

    html = page(seeker_client.get("/seekers/messages/"))

    assert len(inbox_rows(html)) == 1
    assert "団体からの案内" in html
    assert "自分の質問" not in html
    assert "他人あての案内" not in html


def test_the_inbox_pages_by_twenty(seeker_client, account):
    conversation = ConversationFactory(account=account)
    for n in range(25):
        MessageFactory(conversation=conversation, subject=f"案内{n:02d}")

    first = page(seeker_client.get("/seekers/messages/"))
    second = page(seeker_client.get("/seekers/messages/?page=2"))

    assert len(inbox_rows(first)) == 20
    assert "案内24" in first and "案内05" in first and "案内04" not in first
    assert "1 / 2 ページ" in first and 'href="?page=2"' in first
    assert len(inbox_rows(second)) == 5
    assert "案内04" in second and "案内00" in second and "案内05" not in second
    assert [cells(row)[0] for row in inbox_rows(second)] == ["5", "4", "3", "2", "1"]


def test_the_header_shows_the_unread_count_on_every_seeker_page(seeker_client, account, agency_member):
    first = guide(agency_member, account)
    guide(MemberFactory(organization=OrganizationFactory()).user, account)

    for url in ("/seekers/", "/seekers/messages/", "/seekers/profile/", "/seekers/settings/blocks/"):
        assert "未読 2 件" in page(seeker_client.get(url)), url

    seeker_client.get(f"/seekers/messages/{first.pk}/")
    assert "未読 1 件" in page(seeker_client.get("/seekers/"))


def test_the_header_has_no_unread_badge_when_all_are_read(seeker_client, guidance):
    seeker_client.get(f"/seekers/messages/{guidance.pk}/")

    assert "未読" not in page(seeker_client.get("/seekers/"))


# --- ブロック per organisation (the leaflet: the list is where a seeker blocks) ----------------------------------


def senders(html: str) -> str:
    start = html.index('id="senders-heading"')
    return html[start:html.index("</section>", start)]


def test_each_organisation_of_the_page_is_offered_a_block_once(seeker_client, account, agency_member, agency):
    other = OrganizationFactory(name="あおぞら人材サービス")
    guide(agency_member, account)
    guide(agency_member, account, subject="二通目")
    MessageFactory(conversation=ConversationFactory(account=account, organization=other))

    html = senders(page(seeker_client.get("/seekers/messages/")))

    assert html.count(f'href="/seekers/settings/blocks/{agency.pk}/?next=/seekers/messages/"') == 1
    assert f"{agency.name} をブロックする</a>" in html
    assert f'href="/seekers/settings/blocks/{other.pk}/?next=/seekers/messages/"' in html


def test_the_block_from_the_list_returns_to_the_page_it_came_from(seeker_client, account):
    conversation = ConversationFactory(account=account)
    for n in range(25):
        MessageFactory(conversation=conversation, subject=f"案内{n:02d}")

    html = senders(page(seeker_client.get("/seekers/messages/?page=2")))
    response = seeker_client.post(f"/seekers/settings/blocks/{conversation.organization_id}/",
                                  {"next": "/seekers/messages/?page=2"})

    assert f"/seekers/settings/blocks/{conversation.organization_id}/?next=/seekers/messages/%3Fpage%3D2" in html
    assert response["Location"] == "/seekers/messages/?page=2"
    after = senders(page(seeker_client.get(response["Location"])))
    assert "ブロック中" in after and "をブロックする</a>" not in after


def test_a_declined_thread_can_be_blocked_from_the_list(seeker_client, account, guidance):
    services.seeker_decline(actor=account.user, account=account, conversation=guidance.conversation)

    html = senders(page(seeker_client.get("/seekers/messages/")))

    assert f'href="/seekers/settings/blocks/{guidance.organization_id}/' in html


def test_a_stopped_seeker_is_told_instead_of_offered(seeker_client, account, guidance):
    seeker_services.seeker_stop(actor=account.user, account=account)

    html = senders(page(seeker_client.get("/seekers/messages/")))

    assert "アカウント利用停止中のため、ブロックの設定・解除はできません。" in html
    assert "をブロックする</a>" not in html


# --- access -------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, guidance):
    response = client.get("/seekers/messages/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/seekers/messages/"


@pytest.mark.parametrize("who", ["agency_member", "municipality_member", "staff"])
def test_the_inbox_is_forbidden_to_other_roles(request, guidance, who):
    client = login(request.getfixturevalue(who))

    response = client.get("/seekers/messages/")

    assert response.status_code == 403
    assert "介護職の求人のご案内" not in page(response)


# --- query budget (STYLE.md: several rows, the count shown constant) ----------------------------------------


def fill_seeker_inbox(account, n: int) -> None:
    """n messages from n different organisations (so a missing select_related would show)."""
    for _ in range(n):
        MessageFactory(conversation=ConversationFactory(account=account))


# GET /seekers/messages/ as a logged-in seeker:
#   1 session, 2 user with their seeker_account (AuthenticationMiddleware, accounts.backends.get_user),
#   3 the paginator's count and the header's unread count in one statement
#   (messaging.selectors.seeker_inbox_counts; the context processor's own count is then never read),
#   4 the page with the organisations, whether each is blocked (EXISTS) and the seeker's application (for
#   the block actions) joined, 5-7 the session save of the idle-timeout stamp (savepoint, UPDATE, release).
SEEKER_INBOX_QUERIES = 7


@pytest.mark.parametrize("n", [3, 25])
def test_the_seeker_inbox_query_count_is_constant(seeker_client, account, django_assert_num_queries, n):
    fill_seeker_inbox(account, n)

    with django_assert_num_queries(SEEKER_INBOX_QUERIES):
        response = seeker_client.get("/seekers/messages/")

    assert len(inbox_rows(page(response))) == min(n, 20)


# --- the page's statement memoized (messaging.selectors.SeekerInboxPages, config.querymemo) -------------


def described(messages) -> list[tuple]:
    return [(m.pk, m.subject, m.created_at, m.read_at, m.organization.name, m.organization.status(),
             m.sender_blocked, m.account.pk, m.account.application.pk, m.account.application.kyushoku_number)
            for m in messages]


def test_the_memoized_page_built_for_one_seeker_reads_anothers_own_messages(account, other_seeker):
    """The statement is compiled for the first seeker and run for the second: what the second gets is
    what the plain queryset gives them, with the organisation, the block and the application as read."""
    other = other_seeker.seeker_account
    for target in (account, other, other, other):
        MessageFactory(conversation=ConversationFactory(account=target))
    blocked = MessageFactory(conversation=ConversationFactory(account=other))
    seeker_services.block_add(actor=other_seeker, account=other, organization_id=blocked.organization_id)
    querymemo.clear()

    first = selectors.SeekerInboxPages(account)[0:20]
    second = selectors.SeekerInboxPages(other)[0:20]
    tail = selectors.SeekerInboxPages(other)[1:3]

    assert described(first) == described(selectors.seeker_inbox(account)[0:20])
    assert described(second) == described(selectors.seeker_inbox(other)[0:20])
    assert len(second) == 4 and [m.sender_blocked for m in second].count(True) == 1
    assert described(tail) == described(selectors.seeker_inbox(other)[1:3])
    querymemo.clear()


def test_an_empty_message_list_opens(seeker_client):
    """No messages: the paginator slices nothing, and the page says so."""
    response = seeker_client.get("/seekers/messages/")

    assert response.status_code == 200
    assert inbox_rows(page(response)) == []
    assert "まだメッセージはありません。" in page(response)


def test_memoized_rows_refuses_a_queryset_it_would_read_only_in_part(account):
    """prefetch_related is read by a second statement that memoized_rows never runs: refused, not dropped."""
    querymemo.clear()
    with pytest.raises(ValueError, match="prefetch_related"):
        querymemo.memoized_rows(("refused",), lambda: Message.objects.prefetch_related("conversation"), {})
