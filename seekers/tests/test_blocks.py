"""ブロック設定 at /seekers/settings/blocks/ (SPEC rule 8): the blocked organisations listed and unblocked,
audited; another seeker's block untouched; the page says where blocking is offered, as the site
offers it; the search by name that blocks in advance (bounded, only organisations using the service);
a stopped seeker reads the list and changes nothing; and who may use the page (its list's query budget
is in tests/test_list_query_budgets.py, the search's here)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.tests.factories import OrganizationFactory
from seekers import selectors, services
from seekers.models import Block
from seekers.tests.helpers import listed, profile_of
from tests.pages import field_error, page

pytestmark = pytest.mark.django_db


def test_blocks_page_lists_and_unblocks(member_client, seeker_client, seeker, other_seeker, agency):
    account = seeker.seeker_account
    profile = profile_of(account)
    services.block_add(actor=seeker, account=account, organization_id=agency.pk)
    services.block_add(actor=other_seeker, account=other_seeker.seeker_account, organization_id=agency.pk)
    assert profile.public_id not in listed(member_client.get("/orgs/seekers/"))

    html = page(seeker_client.get("/seekers/settings/blocks/"))
    assert agency.name in html
    assert f"{agency.name} のブロックを解除" in html

    response = seeker_client.post("/seekers/settings/blocks/", {"unblock": str(agency.pk)})

    assert response.status_code == 302
    assert response["Location"] == "/seekers/settings/blocks/"
    assert not Block.objects.filter(account=account).exists()
    assert Block.objects.filter(account=other_seeker.seeker_account, organization=agency).exists()
    event = AuditEvent.objects.get(verb="seeker.unblock")
    assert event.actor == seeker
    assert event.data["organization"] == agency.pk
    html = page(seeker_client.get("/seekers/settings/blocks/"))
    assert "ブロックを解除しました。" in html
    assert "ブロックしている利用団体はありません。" in html

    assert profile.public_id in listed(member_client.get("/orgs/seekers/"))


def test_the_page_says_where_blocking_is_offered_as_the_site_offers_it(seeker_client, account, agency):
    """The page names three places; each of them offers it."""
    message = MessageFactory(conversation=ConversationFactory(account=account, organization=agency))

    html = page(seeker_client.get("/seekers/settings/blocks/"))

    assert "ブロックは、メッセージ一覧(送信元の利用団体ごと)、各メッセージの画面、またはこの画面で団体名を検索して設定できます。" in html
    assert "まだメッセージが届いていない利用団体も、あらかじめブロックできます。" in html
    assert "この画面からブロックすることはできません" not in html
    assert 'name="name"' in html  # the search by name
    thread = page(seeker_client.get(f"/seekers/messages/{message.pk}/"))
    assert re.search(r"<a\b[^>]*>この利用団体をブロックする</a>", thread)
    inbox = page(seeker_client.get("/seekers/messages/"))
    assert f'href="/seekers/settings/blocks/{agency.pk}/?next=/seekers/messages/"' in inbox
    assert f"{agency.name} をブロックする</a>" in inbox


# --- the search by name (block in advance) ------------------------------------------------------------------


def search(client, name: str) -> str:
    return page(client.get("/seekers/settings/blocks/", {"name": name}))


def test_the_search_finds_an_organisation_by_part_of_its_name_and_links_to_the_confirmation(seeker_client):
    wanted = OrganizationFactory(name="株式会社みらいキャリア紹介")
    OrganizationFactory(name="あおぞら人材サービス")

    html = search(seeker_client, "みらい")

    assert "検索結果 1件" in html
    assert f'href="/seekers/settings/blocks/{wanted.pk}/">株式会社みらいキャリア紹介 をブロックする</a>' in html
    assert "あおぞら人材サービス" not in html
    assert 'value="みらい"' in html  # what was typed stays in the box
    assert not Block.objects.exists()  # a search blocks nothing


def test_the_search_never_lists_an_organisation_that_is_not_using_the_service(seeker_client):
    OrganizationFactory(name="みらい未承諾の会社", unapproved=True)
    OrganizationFactory(name="みらい利用解除の会社", revoked=True)
    suspended = OrganizationFactory(name="みらい利用停止中の会社", suspended=True)

    html = search(seeker_client, "みらい")

    assert "未承諾" not in html
    assert "利用解除の会社" not in html
    assert f'href="/seekers/settings/blocks/{suspended.pk}/"' in html


def test_an_organisation_already_blocked_is_shown_as_blocked(seeker_client, account, agency):
    services.block_add(actor=account.user, account=account, organization_id=agency.pk)

    html = search(seeker_client, agency.name)

    found = html[html.index('id="found"'):]
    assert agency.name in found and "ブロック中" in found
    assert f'href="/seekers/settings/blocks/{agency.pk}/"' not in html


def test_nothing_found_and_nothing_typed_say_so(seeker_client, agency):
    assert "その団体名の利用団体は見つかりませんでした。" in search(seeker_client, "存在しない団体名")
    assert field_error(search(seeker_client, "  "), "name") == "ブロックしたい利用団体の団体名を入力してください。"
    assert "団体名は100文字以内で入力してください。" in field_error(search(seeker_client, "あ" * 101), "name")


def test_many_matches_show_the_first_ones_and_ask_for_more_of_the_name(seeker_client):
    limit = selectors.ORGANIZATION_SEARCH_LIMIT
    for n in range(limit + 3):
        OrganizationFactory(name=f"多数の会社{n:03d}")

    html = search(seeker_client, "多数の会社")

    assert html.count("をブロックする</a>") == limit
    assert f"先頭の{limit}件を表示しています" in html


def test_a_stopped_seeker_is_offered_neither_the_search_nor_unblocking(seeker_client, account, agency):
    services.block_add(actor=account.user, account=account, organization_id=agency.pk)
    services.seeker_stop(actor=account.user, account=account)

    html = search(seeker_client, agency.name)
    response = seeker_client.post("/seekers/settings/blocks/", {"unblock": str(agency.pk)})

    assert "アカウント利用停止中のため、ブロックの設定・解除はできません。" in html
    assert agency.name in html  # the list stays readable
    assert 'name="unblock"' not in html and 'name="name"' not in html
    assert response.status_code == 302
    assert "アカウント利用停止中のため、ブロックの設定・解除はできません。" in page(seeker_client.get(response["Location"]))
    assert Block.objects.filter(account=account, organization=agency).exists()


def test_the_search_costs_the_same_for_one_result_and_for_five(seeker_client, django_assert_num_queries):
    def queries():
        seeker_client.get("/seekers/settings/blocks/", {"name": "同じ名前"})
        with CaptureQueriesContext(connection) as captured:
            response = seeker_client.get("/seekers/settings/blocks/", {"name": "同じ名前"})
        return len(captured.captured_queries), response

    OrganizationFactory(name="同じ名前の会社0")
    one, _ = queries()
    for n in range(1, 5):
        OrganizationFactory(name=f"同じ名前の会社{n}")
    five, response = queries()

    # the seeker page's 3 (session, user with their account, unread count), 4 the blocks, 5 the application,
    # 6 the search
    assert one == five == 6
    assert page(response).count("をブロックする</a>") == 5


# --- access -------------------------------------------------------------------------------------------------


def test_unblocking_what_another_seeker_blocked_changes_nothing(seeker_client, seeker, other_seeker, agency):
    services.block_add(actor=other_seeker, account=other_seeker.seeker_account, organization_id=agency.pk)

    seeker_client.post("/seekers/settings/blocks/", {"unblock": str(agency.pk)})
    seeker_client.post("/seekers/settings/blocks/", {"unblock": "not-a-number"})

    assert Block.objects.filter(account=other_seeker.seeker_account, organization=agency).exists()
    assert not AuditEvent.objects.filter(verb="seeker.unblock").exists()


def test_anonymous_is_sent_to_the_login_page(client, seeker, agency):
    services.block_add(actor=seeker, account=seeker.seeker_account, organization_id=agency.pk)

    response = client.get("/seekers/settings/blocks/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/seekers/settings/blocks/"
    assert client.post("/seekers/settings/blocks/", {"unblock": str(agency.pk)}).status_code == 302
    assert Block.objects.filter(account=seeker.seeker_account, organization=agency).exists()
    assert not AuditEvent.objects.filter(verb="seeker.unblock").exists()


@pytest.mark.parametrize("who", ["member_client", "staff_client"])
def test_other_roles_cannot_use_the_page(request, seeker, agency, who):
    services.block_add(actor=seeker, account=seeker.seeker_account, organization_id=agency.pk)
    client = request.getfixturevalue(who)

    assert client.get("/seekers/settings/blocks/").status_code == 403
    assert client.post("/seekers/settings/blocks/", {"unblock": str(agency.pk)}).status_code == 403
    assert Block.objects.filter(account=seeker.seeker_account, organization=agency).exists()
