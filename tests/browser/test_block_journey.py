"""ブロック (SPEC rule 8) walked in two browsers, the seeker's and an agency member's: a seeker blocks an
agency by name on ブロック設定 before it ever wrote (doda's 企業ブロック), and the agency can no longer find
them, neither in its search nor at the profile's URL; and a seeker blocks from メッセージ一覧 an agency
whose guidance they declined (辞退 alone leaves the profile visible to it)."""

import re

import pytest

from messaging import services as messaging_services
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Block, Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.browser.test_messaging_journey import (  # noqa: F401 - member_page is a fixture
    log_in,
    member_page,
    send_first_guidance,
    status_text,
    submit,
)
from tests.browser.test_visibility_journey import search_result_ids
from tests.conftest import axe_check, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

AGENCY = "あおば人材紹介株式会社"


@pytest.fixture
def cast(settings):
    """An approved agency with one member that has not written to the seeker, and a started seeker whose
    profile it sees."""
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    agency = OrganizationFactory(name=AGENCY)
    OrganizationFactory(name="あおば市 就労支援課", unapproved=True)  # awaiting approval: never listed
    member = MemberFactory(organization=agency).user
    account = SeekerAccountFactory()
    public_id = Profile.objects.get(pk=account.application_id).public_id
    return agency, member, account, public_id


def test_a_seeker_blocks_by_name_an_agency_that_never_wrote(page, member_page, live_server, cast):  # noqa: F811 - the imported fixture
    agency, member, account, public_id = cast
    log_in(member_page, live_server, member.email, "/orgs/seekers/")
    assert public_id in search_result_ids(member_page)

    log_in(page, live_server, account.user.username, "/seekers/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="ブロック設定").click()
    page.wait_for_url(f"{live_server.url}/seekers/settings/blocks/")
    assert "まだメッセージが届いていない利用団体も、あらかじめブロックできます。" in page.locator("main").inner_text()
    page.get_by_role("searchbox", name=re.compile(r"^団体名")).fill("あおば")
    submit(page, page.get_by_role("button", name="検索する"))
    found = page.locator("main .block-list--found .block-list__name").all_inner_texts()
    assert found == [AGENCY]  # the one awaiting approval is not listed
    axe_check(page)
    screenshot(page, "block_by_name_search.png")

    page.get_by_role("link", name=f"{AGENCY} をブロックする").click()
    page.wait_for_url(f"{live_server.url}/seekers/settings/blocks/{agency.pk}/")
    main = page.locator("main").inner_text()
    assert "あなたの求職情報を閲覧できなくなります" in main
    assert "いつでも解除できます" in main
    assert not Block.objects.exists()  # nothing happens before the confirmation
    axe_check(page)
    submit(page, page.get_by_role("button", name="ブロックする", exact=True))
    page.wait_for_url(f"{live_server.url}/seekers/settings/blocks/")
    assert status_text(page).startswith(f"{AGENCY} をブロックしました。")
    assert page.locator("main .block-list__name").first.inner_text() == AGENCY
    assert page.get_by_role("button", name=f"{AGENCY} のブロックを解除").is_visible()
    axe_check(page)

    # The agency, already logged in, no longer finds the seeker: not in its search, not at the URL.
    member_page.reload()
    assert public_id not in search_result_ids(member_page)
    assert public_id not in member_page.locator("main").inner_text()
    response = member_page.goto(f"{live_server.url}/orgs/seekers/{public_id}/")
    assert response.status == 404
    assert "ブロック" not in member_page.locator("body").inner_text()


def test_a_seeker_blocks_from_the_message_list_after_declining(page, member_page, live_server, cast):  # noqa: F811 - the imported fixture
    agency, member, account, public_id = cast
    first = send_first_guidance(member, agency, public_id)
    messaging_services.seeker_decline(actor=account.user, account=account, conversation=first.conversation)
    log_in(member_page, live_server, member.email, "/orgs/seekers/")
    assert member_page.goto(f"{live_server.url}/orgs/seekers/{public_id}/").status == 200  # 辞退 hides nothing

    log_in(page, live_server, account.user.username, "/seekers/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="メッセージ一覧").click()
    page.wait_for_url(f"{live_server.url}/seekers/messages/")
    senders = page.locator("main section", has=page.get_by_role("heading", name="送信元の利用団体"))
    senders.get_by_role("link", name=f"{AGENCY} をブロックする").click()
    page.wait_for_url(re.compile(rf"/seekers/settings/blocks/{agency.pk}/\?next="))
    axe_check(page)
    submit(page, page.get_by_role("button", name="ブロックする", exact=True))
    page.wait_for_url(f"{live_server.url}/seekers/messages/")
    assert status_text(page).startswith(f"{AGENCY} をブロックしました。")
    assert "ブロック中" in senders.inner_text()
    assert senders.get_by_role("link", name=f"{AGENCY} をブロックする").count() == 0
    axe_check(page)
    screenshot(page, "block_from_message_list.png")

    response = member_page.goto(f"{live_server.url}/orgs/seekers/{public_id}/")
    assert response.status == 404
    member_page.goto(f"{live_server.url}/orgs/messages/{first.conversation_id}/")
    assert first.body not in member_page.locator("main").inner_text()
