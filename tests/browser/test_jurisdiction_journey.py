"""SPEC rule 23 end to end: a Hello Work office's staff enter an application, the seeker registers and
sees their office named with its phone, files a complaint about a guidance message, and only that
office's staff see it; another office's staff find no complaint and get a 404 for its page."""

import re

import pytest
from django.utils import timezone

from accounts.tests.factories import StaffFactory
from compliance.models import Complaint
from messaging.services import guidance_send
from organizations.models import Prefecture, StaffPost
from organizations.tests.factories import MemberFactory, OfficeFactory, OrganizationFactory
from seekers.models import Profile
from tests.browser.test_admin import log_in as staff_log_in
from tests.browser.test_first_login import (
    enter_key,
    log_in,
    read_mail,
    register_in_browser,
    review_and_confirm,
)
from tests.conftest import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

ADMIN_CONTENT = {"include": ["#content"], "exclude": [".selector-filter .help-tooltip"]}
NUMBER = "13010-12345678"


def posted_staff(code: str):
    user = StaffFactory()
    StaffPost.objects.create(user=user, level=StaffPost.Level.OFFICE, office=OfficeFactory(code=code))
    return user


def test_an_offices_application_and_complaint_stay_with_that_office(page, new_page, live_server, settings,
                                                                     mailoutbox):
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    settings.PII_NER_ENABLED = False  # the PII guard's model has its own tests; loading it is slow here
    page.set_default_timeout(60_000)
    OfficeFactory(code="13010", name="ハローワーク千代田(テスト用)", phone="03-1111-2222")
    ours, theirs = posted_staff("13010"), posted_staff("13020")
    agency = OrganizationFactory(name="つばさ人材株式会社", bureau_id="13")
    member = MemberFactory(organization=agency).user

    # The office's staff enter the application at the counter.
    staff_log_in(page, live_server, ours.email)
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/seekers/jobapplication/add/")
    page.get_by_label("求職番号").fill(NUMBER)
    page.get_by_label("求職申込日").fill(timezone.localdate().isoformat())
    page.get_by_label("求職情報提供サービスの利用希望").select_option(label="希望する")
    page.get_by_label("提供先区分").select_option(value="1")
    identity = page.locator("#identity-0")
    identity.get_by_label("氏名").fill("山田 太郎")
    identity.get_by_label("フリガナ").fill("ヤマダ タロウ")
    identity.get_by_label("生年月日").fill("1990-04-01")
    identity.get_by_label("住所").fill("東京都千代田区霞が関1-2-2")
    # The 求職申込書's own values; the 求職公開申込書's are taken from them where left blank.
    sheet = page.locator("#sheet-0")
    sheet.get_by_label(re.compile(r"^希望する仕事")).fill("介護職員")
    sheet.get_by_label("希望勤務地(都道府県)").select_option(label=Prefecture.objects.get(code="13").name)
    profile = page.locator("#profile-0")
    profile.get_by_label("希望勤務地 第1希望(都道府県)").select_option(label=Prefecture.objects.get(code="13").name)
    page.locator("input[name=_save]").click()
    page.locator(".messagelist .success").wait_for()
    assert NUMBER in page.locator(".messagelist .success").inner_text()

    # The seeker registers, logs in with the key, confirms the review, and sees their office.
    from seekers.models import JobApplication

    application = JobApplication.objects.select_related("identity").get(kyushoku_number=NUMBER)
    seeker = new_page()
    register_in_browser(seeker, live_server, application, "jurisdiction")
    user_id, key = read_mail(0, "【求職情報提供サイト】利用登録のお知らせ(ユーザIDと認証キー)")
    log_in(seeker, live_server, user_id)
    enter_key(seeker, key)
    review_and_confirm(seeker, live_server, "jurisdiction")
    seeker.wait_for_url(f"{live_server.url}/seekers/")
    home = seeker.locator("main").inner_text()
    assert "ハローワーク千代田(テスト用)" in home
    assert "03-1111-2222" in home
    axe_check(seeker)

    # An organisation sends a guidance message; the seeker files a complaint about it.
    public_id = Profile.objects.get(application=application).public_id
    guidance_send(actor=member, organization=agency, public_id=public_id, subject="有料講座のご案内",
                  body="当社の有料講座を受講すると就職に有利です。")
    seeker.goto(f"{live_server.url}/seekers/complaints/")
    page_text = seeker.locator("main").inner_text()
    assert "ハローワーク千代田(テスト用)" in page_text
    seeker.locator("main").get_by_role("link", name="苦情を申し出る").click()
    seeker.wait_for_url(f"{live_server.url}/seekers/complaints/new/")
    seeker.get_by_label(re.compile(r"^苦情の対象となるやりとり")).select_option(index=1)
    seeker.get_by_label(re.compile(r"^苦情の内容")).fill("職業紹介と関係のない有料講座の勧誘が送られてきました。")
    seeker.get_by_role("button", name="申し出る").click()
    seeker.wait_for_url(f"{live_server.url}/seekers/complaints/")
    complaint = Complaint.objects.get(account__application=application)
    assert complaint.office_code == "13010"

    # The office's staff see it in their list and open it.
    page.goto(f"{live_server.url}/admin/compliance/complaint/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert agency.name in rows.first.inner_text()
    rows.first.locator("th a").click()
    page.wait_for_url(f"{live_server.url}/admin/compliance/complaint/{complaint.pk}/change/")
    assert "有料講座のご案内" in page.locator("ol.evidence-thread").inner_text()
    axe_check(page, context=ADMIN_CONTENT)

    # Another office's staff: no complaint in their list, a 404 for its page and for the application.
    other = new_page()
    staff_log_in(other, live_server, theirs.email)
    other.wait_for_url(f"{live_server.url}/admin/")
    other.goto(f"{live_server.url}/admin/compliance/complaint/")
    assert other.locator("#result_list tbody tr").count() == 0
    assert NUMBER not in other.locator("#content").inner_text()
    response = other.goto(f"{live_server.url}/admin/compliance/complaint/{complaint.pk}/change/")
    assert response.status == 404
    response = other.goto(f"{live_server.url}/admin/seekers/jobapplication/{application.pk}/change/")
    assert response.status == 404
