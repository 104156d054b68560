"""公開前の確認 (SPEC rule 15; the leaflet asks the seeker to check that the profile holds nothing
identifying) seen from both sides: the seeker's first login ends on the review page, and until they
confirm, no organisation finds the profile, neither in the search nor at its URL; once they confirm,
the organisation does."""

import pytest

from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Profile
from seekers.tests.factories import JobApplicationFactory
from tests.browser.test_first_login import enter_key, log_in, read_mail, register_in_browser
from tests.browser.test_visibility_journey import log_in as member_log_in
from tests.browser.test_visibility_journey import search_result_ids
from tests.conftest import axe_check, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def organisation_finds(member_page, live_server, public_id: str) -> bool:
    """Whether the organisation finds the profile: in the search's results and at its own URL (the
    two must agree)."""
    member_page.goto(f"{live_server.url}/orgs/seekers/")
    in_search = public_id in search_result_ids(member_page)
    status = member_page.goto(f"{live_server.url}/orgs/seekers/{public_id}/").status
    assert status in (200, 404), status
    assert in_search == (status == 200), (in_search, status)
    return in_search


def test_the_profile_is_published_only_after_the_seekers_review(page, new_page, live_server, settings, mailoutbox):
    settings.REQUIRE_MFA = False  # the member's TOTP has its own tests; here it would only add a step
    application = JobApplicationFactory(profile__desired_job="一般事務(経理・総務)")
    public_id = Profile.objects.get(pk=application.pk).public_id
    member = MemberFactory(organization=OrganizationFactory(name="株式会社レビュー人材紹介")).user
    member_page = new_page()
    member_log_in(member_page, live_server, member.email, "/orgs/seekers/")

    # Registered, then the first login: it ends on the review page, not on the home page.
    register_in_browser(page, live_server, application, "review")
    user_id, key = read_mail(0, "【求職情報提供サイト】利用登録のお知らせ(ユーザIDと認証キー)")
    assert not organisation_finds(member_page, live_server, public_id)
    log_in(page, live_server, user_id)
    page.wait_for_url(f"{live_server.url}/seekers/auth-key/")
    enter_key(page, key)
    page.wait_for_url(f"{live_server.url}/seekers/profile/review/")
    assert page.get_by_role("heading", level=1).inner_text() == "公開前の確認"
    main = page.locator("main")
    assert "一般事務(経理・総務)" in main.locator("table.profile-table").inner_text()
    axe_check(page)
    screenshot(page, "review_page.png")

    # On the review page, and elsewhere on the site: still nobody sees the profile.
    assert not organisation_finds(member_page, live_server, public_id)
    page.goto(f"{live_server.url}/seekers/messages/")
    page.wait_for_url(f"{live_server.url}/seekers/profile/review/")
    assert not organisation_finds(member_page, live_server, public_id)

    # The button without the box publishes nothing and says why, at the box.
    page.get_by_role("button", name="この内容で公開を始める").click()
    page.wait_for_url(f"{live_server.url}/seekers/profile/review/")
    assert "チェックを入れてください" in page.locator("#id_confirm_error").inner_text()
    axe_check(page)
    assert not organisation_finds(member_page, live_server, public_id)

    # Confirmed: home, and the organisation finds the profile.
    page.get_by_label("利用団体に表示される内容を確認し", exact=False).check()
    page.get_by_role("button", name="この内容で公開を始める").click()
    page.wait_for_url(f"{live_server.url}/seekers/")
    assert "求職情報の提供を始めました。" in page.locator("main").inner_text()
    screenshot(page, "review_confirmed_home.png")
    assert organisation_finds(member_page, live_server, public_id)
    assert "一般事務(経理・総務)" in member_page.locator("main table.profile-table").inner_text()

    # The review page once more: it is done, the seeker is shown their profile page.
    page.goto(f"{live_server.url}/seekers/profile/review/")
    page.wait_for_url(f"{live_server.url}/seekers/profile/")
    assert "公開前の確認は済んでいます。" in page.locator("main").inner_text()
