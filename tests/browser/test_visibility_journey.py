"""メッセージ受信条件設定 (leaflet Q1, SPEC rules 7 and 10) seen from both sides: a seeker in 東京都
limits the organisations to those handling 東京都 jobs; the agency that handles only 大阪府 loses the
profile at once (search and profile page), the municipality that handles 東京都 keeps it."""

import re

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD
from organizations.models import Prefecture
from organizations.services import organization_set_handled
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.conftest import axe_check, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def log_in(page, live_server, login: str, landing: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    axe_check(page)
    page.get_by_label(re.compile(r"^ユーザID")).fill(login)
    page.get_by_label(re.compile(r"^パスワード")).fill(DEFAULT_PASSWORD)
    page.locator("main form").get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{live_server.url}{landing}")


def search_result_ids(page) -> list[str]:
    """The 公開ID of each row of the search result table, read from its tick box (empty when nothing is
    found)."""
    boxes = page.locator('main table tbody tr input[type="checkbox"][name="public_id"]')
    return [boxes.nth(i).get_attribute("value") for i in range(boxes.count())]


def test_receive_conditions_hide_the_profile_from_an_organisation_outside_the_region(
    page, new_page, live_server, settings
):
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    tokyo = Prefecture.objects.get(name="東京都")
    osaka = Prefecture.objects.get(name="大阪府")
    account = SeekerAccountFactory(application__profile__desired_prefecture=tokyo)
    public_id = Profile.objects.get(pk=account.application_id).public_id
    agency = OrganizationFactory(name="大阪人材紹介株式会社")
    organization_set_handled(actor=None, organization=agency, regions=[osaka])
    municipality = OrganizationFactory(municipality=True, name="東京都しごとセンター")
    organization_set_handled(actor=None, organization=municipality, regions=[tokyo])
    agency_member = MemberFactory(organization=agency).user
    municipality_member = MemberFactory(organization=municipality).user
    profile_url = f"{live_server.url}/orgs/seekers/{public_id}/"

    # Before: both organisations find the profile (no receive conditions yet).
    agency_page, municipality_page = new_page(), new_page()
    for member_page, member in ((agency_page, agency_member), (municipality_page, municipality_member)):
        log_in(member_page, live_server, member.email, "/orgs/seekers/")
        assert public_id in search_result_ids(member_page)
        axe_check(member_page)
    screenshot(agency_page, "visibility_agency_before.png")

    # The seeker limits the regions to 東京都.
    log_in(page, live_server, account.user.username, "/seekers/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="受信条件設定").click()
    page.wait_for_url(f"{live_server.url}/seekers/settings/conditions/")
    axe_check(page)
    notice = page.locator("main .notice")
    assert notice.inner_text() == "現在の条件で求職情報を閲覧できる利用団体: 2 団体"
    regions = page.get_by_role("group", name=re.compile(r"^求人を取り扱う地域"))
    regions.get_by_label("東京都", exact=True).check()
    screenshot(page, "visibility_conditions.png")
    with page.expect_navigation():  # back to the same URL, with the message
        page.get_by_role("button", name="条件を保存する").click()

    page.wait_for_url(f"{live_server.url}/seekers/settings/conditions/")
    assert page.get_by_role("status").inner_text() == (
        "メッセージ受信条件を保存しました。条件に合わない利用団体には求職情報が公開されません。"
    )
    assert notice.inner_text() == "現在の条件で求職情報を閲覧できる利用団体: 1 団体"
    # The choice is kept: the form shows it ticked (and nothing else).
    regions = page.get_by_role("group", name=re.compile(r"^求人を取り扱う地域"))
    assert regions.get_by_label("東京都", exact=True).is_checked()
    assert regions.locator("input:checked").count() == 1
    axe_check(page)
    screenshot(page, "visibility_conditions_saved.png")

    # The agency (大阪府 only) no longer sees the profile at all: not in the search, and its page is
    # a 404, the same as for a profile that does not exist.
    agency_page.reload()
    assert public_id not in search_result_ids(agency_page)
    assert agency_page.get_by_role("heading", level=2).inner_text() == "検索結果 0件"
    axe_check(agency_page)
    screenshot(agency_page, "visibility_agency_after.png")
    response = agency_page.goto(profile_url)
    assert response.status == 404
    assert agency_page.get_by_role("heading", level=1).inner_text() == "ページが見つかりません"
    assert public_id not in agency_page.locator("main").inner_text()
    axe_check(agency_page)
    response = agency_page.goto(f"{profile_url}guide/")
    assert response.status == 404

    # The municipality (東京都) still finds it and opens it.
    municipality_page.reload()
    assert search_result_ids(municipality_page) == [public_id]
    axe_check(municipality_page)
    municipality_page.get_by_role("link", name=f"{public_id} の詳細").click()
    municipality_page.wait_for_url(profile_url)
    assert municipality_page.get_by_role("heading", level=1).inner_text() == f"求職情報 {public_id}"
    axe_check(municipality_page)
    screenshot(municipality_page, "visibility_municipality_profile.png")
