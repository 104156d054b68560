"""The organisation's lifecycle in the browser (issue 14): the administrator of an organisation whose
利用規約 is not yet accepted is sent from the search to the terms and accepts them; a 是正要請 staff
issued is on the organisation's 是正要請・利用停止 page with its due date; an empty answer is refused at
the field, the written one is kept and shown as answered; staff read it on the 是正要請's admin page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from compliance import services
from compliance.tests.factories import ViolationFactory
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.browser.test_compliance_journey import ADMIN_CONTENT
from tests.browser.test_messaging_journey import log_in, status_text, submit
from tests.conftest import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

ANSWER = "広告の送信を停止し、送信前に責任者が内容を確認する手順を定めました。"


def test_terms_then_the_correction_request_answer(page, new_page, live_server, settings):
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    org = OrganizationFactory(name="みらい職業紹介株式会社", terms_pending=True)
    admin = MemberFactory(organization=org, role="admin").user
    staff = StaffFactory()
    due = timezone.localdate() + timedelta(days=14)
    correction = services.correction_request_issue(
        actor=staff, violation=ViolationFactory(organization=org, confirmed=True), due_on=due,
        content="職業紹介と無関係な広告の送信をやめ、再発防止策を回答してください。")

    # Before the terms: the search sends the administrator to them.
    log_in(page, live_server, admin.email, "/orgs/organization/terms/")
    assert "この利用規約に同意してください" in page.locator("main").inner_text()
    axe_check(page)
    submit(page, page.get_by_role("button", name="同意してサービスの利用を始める"))
    assert "チェックを入れてください" in page.locator("main").inner_text()  # not ticked: refused at the field
    page.get_by_label(re.compile("^" + re.escape("利用規約(利用団体用)に同意します"))).check()
    submit(page, page.get_by_role("button", name="同意してサービスの利用を始める"))
    assert page.url == f"{live_server.url}/orgs/seekers/"
    assert status_text(page) == "利用規約に同意しました。サービスを利用できます。"

    # The 是正要請, with its due date and the answer form.
    page.get_by_role("link", name="是正要請・利用停止").click()
    page.wait_for_url(f"{live_server.url}/orgs/standing/")
    section = page.get_by_role("region", name=re.compile("の是正要請$"))
    assert correction.content in section.inner_text()
    assert f"回答期限: {due.year}年{due.month}月{due.day}日" in section.inner_text()
    axe_check(page)
    submit(page, section.get_by_role("button", name="回答する"))
    assert "入力してください" in page.locator("main").inner_text()
    page.get_by_label(re.compile("^是正要請への回答")).fill(ANSWER)
    submit(page, page.get_by_role("button", name="回答する"))
    assert status_text(page) == "是正要請に回答しました。労働局・ハローワークの職員が確認します。"
    answered = page.get_by_role("region", name=re.compile("の是正要請$"))
    assert "回答済み" in answered.inner_text() and ANSWER in answered.inner_text()
    assert answered.get_by_role("button", name="回答する").count() == 0

    # Staff read the answer in the admin.
    staff_page = new_page()
    log_in(staff_page, live_server, staff.email, "/admin/")
    staff_page.goto(f"{live_server.url}/admin/compliance/correctionrequest/{correction.pk}/change/")
    assert ANSWER in staff_page.locator("#content").inner_text() or staff_page.get_by_label(
        re.compile("利用団体の回答")).input_value() == ANSWER
    axe_check(staff_page, context=ADMIN_CONTENT)
