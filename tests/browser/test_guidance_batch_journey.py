"""Guidance to many, walked by a member in a browser on the real stack (issue 16): search, tick five
results, write one guidance, watch its progress (sent by a real Celery worker on Redis), and find
the five marked 案内済み in the search results, with the header's remaining sends gone down by five."""

import re

import pytest

from messaging.models import GuidanceBatch, Message
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.browser.test_messaging_journey import log_in
from tests.conftest import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_search_tick_five_send_watch_the_progress_and_see_the_markers(page, live_server, settings,
                                                                      celery_worker_on_redis):
    settings.REQUIRE_MFA = False  # TOTP has its own tests
    agency = OrganizationFactory(name="みらい人材紹介株式会社")
    member = MemberFactory(organization=agency).user
    accounts = [SeekerAccountFactory() for _ in range(7)]
    public_ids = {a.pk: Profile.objects.get(pk=a.application_id).public_id for a in accounts}

    log_in(page, live_server, member.email, "/orgs/seekers/")
    nav = page.get_by_role("navigation", name="メインメニュー")
    assert "本日の案内の残り: 1,000件" in nav.inner_text()
    axe_check(page)

    ticked = [public_ids[a.pk] for a in accounts[:5]]
    for public_id in ticked:
        page.get_by_label(f"{public_id} を選ぶ").check()
    page.get_by_role("button", name="選んだ求職者に案内を送る").click()

    page.wait_for_url(re.compile(r"/orgs/guidance/new/"))
    assert "選んだ 5 人" in page.locator("main").inner_text()
    axe_check(page)
    page.get_by_label(re.compile(r"^件名")).fill("介護職の求人のご案内")
    page.get_by_label(re.compile(r"^本文")).fill("首都圏の介護施設の求人を多数取り扱っています。")
    page.get_by_role("button", name="5 人に送信する").click()

    page.wait_for_url(re.compile(r"/orgs/guidance/batches/\d+/"))
    progress = page.locator("[data-batch-progress]")
    # The worker sends in the background; the page reads itself again until it is done.
    page.wait_for_selector("[data-batch-progress][data-done='1']", timeout=30_000)
    assert "送信済み: 5件" in progress.inner_text()
    assert "送信待ち: 0件" in progress.inner_text()
    axe_check(page)
    page.reload()
    assert "送信済み: 5件" in page.locator("[data-batch-progress]").inner_text()

    assert GuidanceBatch.objects.get().organization == agency
    for account in accounts:
        assert Message.objects.filter(account=account).count() == (1 if public_ids[account.pk] in ticked else 0)

    page.get_by_role("link", name="求職者検索へ").click()
    page.wait_for_url(f"{live_server.url}/orgs/seekers/")
    for account in accounts:
        row = page.locator("main table tbody tr", has=page.get_by_label(f"{public_ids[account.pk]} を選ぶ"))
        expected = "案内済み" if public_ids[account.pk] in ticked else "—"
        assert expected in row.inner_text(), public_ids[account.pk]
    assert "本日の案内の残り: 995件" in page.get_by_role("navigation", name="メインメニュー").inner_text()
