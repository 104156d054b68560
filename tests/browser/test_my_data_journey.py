"""開示 and 訂正等の請求 (個人情報保護法 第33・34条): the seeker opens 保有個人データの開示 from the home page,
downloads the JSON and finds their own records in it, asks Hello Work to correct their address; staff
answer 訂正せず with a reason in admin; the seeker reads the answer on the same page."""

import json
import re

import pytest

from accounts.tests.factories import StaffFactory
from compliance.models import DataCorrectionRequest
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.tests.factories import OrganizationFactory
from seekers.tests.factories import SeekerAccountFactory
from tests.browser.test_compliance_journey import ADMIN_CONTENT, admin_save, log_in
from tests.conftest import axe_check, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

REASON = "ハローワークに届け出ていただいた住所と同じであることを確認しました。転居された場合は窓口で届け出てください。"


def test_the_seeker_reads_downloads_and_asks_a_correction_which_staff_decline(page, new_page, live_server,
                                                                                settings):
    settings.REQUIRE_MFA = False  # TOTP has its own tests
    account = SeekerAccountFactory()
    agency = OrganizationFactory(name="みらい人材サービス株式会社")
    conversation = ConversationFactory(account=account, organization=agency)
    MessageFactory(conversation=conversation, subject="介護職のご案内", body="介護職の求人をご紹介できます。")
    staff = StaffFactory()

    log_in(page, live_server, account.user.username, "/seekers/")
    page.locator("main").get_by_role("link", name=re.compile("保有個人データの開示")).click()
    page.wait_for_url(f"{live_server.url}/seekers/my-data/")
    main = page.locator("main")
    text = main.inner_text()
    assert account.application.kyushoku_number in text
    assert account.application.identity.name in text
    assert "介護職の求人をご紹介できます。" in text
    axe_check(page)

    with page.expect_download() as download:
        main.get_by_role("link", name=re.compile("JSON形式でダウンロード")).click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())  # noqa: PTH123, SIM115
    assert data["schema"] == "kyushoku-my-data/1"
    assert data["account"]["user_id"] == account.user.username
    assert [c["organization"] for c in data["conversations"]] == [agency.name]
    assert data["conversations"][0]["messages"][0]["body"] == "介護職の求人をご紹介できます。"
    assert {r["field"]: r["value"] for r in data["identity"]}["identity.address"] == \
        account.application.identity.address

    page.get_by_label(re.compile(r"^訂正を求める項目")).select_option(label="本人情報: 住所")
    page.get_by_label(re.compile(r"^正しい内容")).fill("東京都千代田区霞が関1-2-2")
    page.get_by_label(re.compile(r"^訂正を求める理由")).fill("転居しました。")
    page.get_by_role("button", name="訂正を請求する").click()
    page.wait_for_url(re.compile(r".*/seekers/my-data/(#corrections)?$"))
    assert page.get_by_role("status").inner_text().startswith("訂正等の請求を受け付けました。")
    corrections = page.locator(".my-data__corrections")
    assert "本人情報: 住所" in corrections.inner_text() and "受付" in corrections.inner_text()
    correction = DataCorrectionRequest.objects.get(account=account)

    staff_page = new_page()
    log_in(staff_page, live_server, staff.email, "/admin/")
    staff_page.goto(f"{live_server.url}/admin/compliance/datacorrectionrequest/")
    axe_check(staff_page, context=ADMIN_CONTENT)
    staff_page.locator("#result_list tbody tr a").first.click()
    staff_page.wait_for_url(f"{live_server.url}/admin/compliance/datacorrectionrequest/{correction.pk}/change/")
    assert "東京都千代田区霞が関1-2-2" in staff_page.locator("#content").inner_text()
    staff_page.get_by_label("状況").select_option(label="訂正せず")
    staff_page.get_by_label("訂正しない理由").fill(REASON)
    admin_save(staff_page)
    correction.refresh_from_db()
    assert correction.status == "not_corrected"

    page.reload()
    corrections = page.locator(".my-data__corrections").inner_text()
    assert "訂正せず" in corrections and REASON in corrections
    axe_check(page)
    screenshot(page, "my_data_answered.png")
