"""SPEC rule 12 in the browser: the first guidance carries the disclosures on the organisation's record,
which the member sees read-only on the guidance form and cannot change there; the seeker receives them
with the organisation's 名称, 許可・届出番号 and プライバシーマーク; the organisation's administrator
changes the fee on 団体の記載事項; the message already sent still shows the fee it was sent with (a fee
differing from the first notice is what the leaflet calls 不正な個人情報取得)."""

import re

import pytest

from organizations.models import Organization
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.browser.test_messaging_journey import log_in, status_text, submit
from tests.conftest import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

OLD_FEES = "求職者からの手数料はいただきません(求人者から徴収)。"
NEW_FEES = "就職が決まった場合、求職者から紹介手数料 3万円をいただきます。"


@pytest.fixture
def cast(settings):
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    agency = OrganizationFactory(name="あおぞら人材サービス株式会社", permit_number="13-ユ-314159", privacy_mark=True,
                                 fees=OLD_FEES)
    member = MemberFactory(organization=agency).user
    admin = MemberFactory(organization=agency, role="admin").user
    account = SeekerAccountFactory()
    return agency, member, admin, account, Profile.objects.get(pk=account.application_id).public_id


def test_the_seeker_keeps_the_fee_on_record_when_the_message_was_sent(page, new_page, live_server, cast):
    agency, member, admin, account, public_id = cast

    # The member: the recorded disclosures are shown on the guidance form, not as fields.
    member_page = new_page()
    log_in(member_page, live_server, member.email, "/orgs/seekers/")
    member_page.goto(f"{live_server.url}/orgs/seekers/{public_id}/guide/")
    on_record = member_page.get_by_role("region", name="最初の案内メッセージに記載される内容(団体の登録内容)")
    for value in (agency.name, agency.permit_number, OLD_FEES, agency.track_record, agency.privacy_officer):
        assert value in on_record.inner_text()
    form = member_page.locator("main form", has=member_page.get_by_role("button", name="送信する"))
    assert form.locator("textarea, input:not([type=hidden])").count() == 2  # 件名 and 本文 only
    assert form.get_by_label(re.compile("^職業紹介に関する手数料")).count() == 0
    axe_check(member_page)
    form.get_by_label(re.compile(r"^件名")).fill("事務職の求人のご案内")
    form.get_by_label(re.compile(r"^本文")).fill("都内の事務職の求人をご紹介できます。")
    submit(member_page, form.get_by_role("button", name="送信する"))
    assert status_text(member_page) == "案内メッセージを送信しました。"

    # The seeker: the message shows who sent it and the disclosures as they were on record.
    log_in(page, live_server, account.user.username, "/seekers/")
    page.goto(f"{live_server.url}/seekers/messages/")
    page.get_by_role("link", name="No.1 の詳細").click()
    page.wait_for_url(re.compile(r"/seekers/messages/\d+/$"))
    message_url = page.url
    received = page.get_by_role("region", name="利用団体の必須記載事項")
    text = received.inner_text()
    assert re.search(r"名称\s*あおぞら人材サービス株式会社", text), text
    assert re.search(r"許可・届出番号\s*13-ユ-314159", text), text
    assert re.search(r"プライバシーマーク\s*取得している", text), text
    assert OLD_FEES in text
    axe_check(page)

    # The organisation's administrator changes the fee on its record.
    admin_page = new_page()
    log_in(admin_page, live_server, admin.email, "/orgs/seekers/")
    admin_page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="団体の記載事項").click()
    admin_page.wait_for_url(f"{live_server.url}/orgs/organization/")
    axe_check(admin_page)
    admin_form = admin_page.locator("main form", has=admin_page.get_by_role("button", name="変更を保存する"))
    fees = admin_form.get_by_label(re.compile("^職業紹介に関する手数料"))
    assert fees.input_value() == OLD_FEES
    fees.fill(NEW_FEES)
    submit(admin_page, admin_form.get_by_role("button", name="変更を保存する"))
    assert "団体の記載事項を変更しました。" in status_text(admin_page)
    assert Organization.objects.get(pk=agency.pk).fees == NEW_FEES

    # The message already received still shows the fee it was sent with.
    page.goto(message_url)
    text = page.get_by_role("region", name="利用団体の必須記載事項").inner_text()
    assert OLD_FEES in text
    assert NEW_FEES not in page.locator("main").inner_text()
