"""A complaint that ends in a suspension (leaflet 違反行為, SPEC rules 19–21): the seeker complains about
an agency's guidance, staff read the conversation in admin, record a confirmed 利用規約違反 and
suspend the agency for a week; the agency's member, already logged in, is shut out at once and gets
back in by itself the day after the last day of the suspension."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory
from compliance.models import Complaint, Suspension, Violation
from conftest import jst
from messaging.services import guidance_send
from organizations.models import Organization
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.browser.test_visibility_journey import search_result_ids
from tests.conftest import axe_check, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# axe on the admin's content only: the breadcrumbs outside it are Django's own markup (see
# tests/browser/test_admin.py).
ADMIN_CONTENT = {"include": ["#content"]}
AD_SUBJECT = "健康食品のご案内"
AD_BODY = "当社の健康食品「すこやか青汁」を特別価格でご案内します。今なら初回半額です。"


def choose(page, field_id: str, text: str) -> None:
    """Pick a row in one of the admin's lookups by name, as staff do: open it, type, click the match."""
    page.locator(f"#{field_id} ~ .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text[:20])
    page.locator(".select2-results__option", has_text=text[:20]).first.click()


def log_in(page, live_server, login: str, landing: str, *, check: bool = True) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    if check:
        axe_check(page)
    fill_login(page, login)
    page.wait_for_url(f"{live_server.url}{landing}")


def fill_login(page, login: str) -> None:
    page.get_by_label(re.compile(r"^ユーザID")).fill(login)
    page.get_by_label(re.compile(r"^パスワード")).fill(DEFAULT_PASSWORD)
    page.locator("main form").get_by_role("button", name="ログイン").click()


def japanese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def admin_save(page) -> str:
    page.locator("input[name=_save]").click()
    success = page.locator(".messagelist .success")
    success.wait_for()
    return success.inner_text()


@pytest.fixture
def advertising_agency(settings):
    """An agency that sent a seeker an advertisement as its first guidance, and its member."""
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    agency = OrganizationFactory(name="すこやか人材サービス株式会社")
    member = MemberFactory(organization=agency).user
    account = SeekerAccountFactory()
    public_id = Profile.objects.get(pk=account.application_id).public_id
    message = guidance_send(actor=member, organization=agency, public_id=public_id, subject=AD_SUBJECT,
                            body=AD_BODY)
    return agency, member, account, public_id, message.conversation


def test_complaint_violation_and_suspension_that_ends_by_itself(page, new_page, live_server, advertising_agency):
    agency, member, account, public_id, conversation = advertising_agency
    staff = StaffFactory()
    today = timezone.localdate()
    last_day = today + datetime.timedelta(days=7)

    # The member is at work before anything happens.
    member_page = new_page()
    log_in(member_page, live_server, member.email, "/orgs/seekers/")
    assert public_id in search_result_ids(member_page)

    # The seeker files a complaint about the conversation.
    log_in(page, live_server, account.user.username, "/seekers/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="苦情申出").click()
    page.wait_for_url(f"{live_server.url}/seekers/complaints/")
    assert "申し出た苦情はありません。" in page.locator("main").inner_text()
    axe_check(page)
    page.locator("main").get_by_role("link", name="苦情を申し出る").click()
    page.wait_for_url(f"{live_server.url}/seekers/complaints/new/")
    axe_check(page)
    choice = page.get_by_label(re.compile(r"^苦情の対象となるやりとり"))
    # The only conversation on offer is the seeker's own (plus the empty choice).
    assert choice.locator("option").count() == 2
    choice.select_option(index=1)
    assert choice.locator("option:checked").inner_text().startswith(f"{agency.name} とのやりとり(")
    page.get_by_label(re.compile(r"^苦情の内容")).fill(
        "職業紹介とは関係のない健康食品の販売広告が案内メッセージとして送られてきました。"
    )
    screenshot(page, "compliance_complaint_form.png")
    page.get_by_role("button", name="申し出る").click()

    page.wait_for_url(f"{live_server.url}/seekers/complaints/")
    assert page.get_by_role("status").inner_text().startswith("苦情申出を受け付けました。")
    [row] = page.locator("main table tbody tr").all()
    assert row.locator("td").all_inner_texts()[1:] == [agency.name, "受付"]
    axe_check(page)
    screenshot(page, "compliance_complaints.png")
    complaint = Complaint.objects.get(account=account)
    assert complaint.conversation_id == conversation.pk

    # Staff open the complaint: the conversation beside it, read-only.
    staff_page = new_page()
    log_in(staff_page, live_server, staff.email, "/admin/")
    staff_page.goto(f"{live_server.url}/admin/compliance/complaint/")
    axe_check(staff_page, context=ADMIN_CONTENT)
    rows = staff_page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert agency.name in rows.first.inner_text()
    rows.first.locator("th a").click()
    staff_page.wait_for_url(f"{live_server.url}/admin/compliance/complaint/{complaint.pk}/change/")
    thread = staff_page.locator("ol.evidence-thread")
    assert AD_SUBJECT in thread.inner_text()
    assert AD_BODY in thread.inner_text()
    # Read-only: no input carries the conversation or the complaint's text.
    assert staff_page.locator("#content form textarea[name=body]").count() == 0
    assert AD_BODY not in "".join(staff_page.locator("#content form textarea").evaluate_all(
        "nodes => nodes.map(n => n.value)"))
    axe_check(staff_page, context=ADMIN_CONTENT)
    screenshot(staff_page, "compliance_admin_complaint.png")

    # A confirmed violation: 利用規約違反 (unrelated advertising), with the complaint as evidence.
    staff_page.goto(f"{live_server.url}/admin/compliance/violation/add/")
    axe_check(staff_page, context=ADMIN_CONTENT)
    choose(staff_page, "id_organization", agency.name)
    staff_page.get_by_label("違反の区分").select_option(label="利用規約違反: 職業紹介と無関係な広告")
    staff_page.get_by_label("発生日").fill(today.isoformat())
    staff_page.get_by_label(re.compile(r"^内容")).fill("案内メッセージで自社の健康食品の販売広告を送信した。")
    staff_page.get_by_label("違反と確認").check()
    choose(staff_page, "id_complaints", agency.name)
    screenshot(staff_page, "compliance_admin_violation.png")
    assert "追加しました" in admin_save(staff_page)
    violation = Violation.objects.get(organization=agency)
    assert violation.category == Violation.Category.ADVERTISING
    assert violation.confirmed
    assert violation.recorded_by == staff
    assert list(violation.complaints.all()) == [complaint]

    # 利用停止 for a week from today.
    staff_page.goto(f"{live_server.url}/admin/compliance/suspension/add/")
    axe_check(staff_page, context=ADMIN_CONTENT)
    choose(staff_page, "id_violation", agency.name)
    staff_page.get_by_label("開始日").fill(today.isoformat())
    staff_page.get_by_label("終了日").fill(last_day.isoformat())
    staff_page.get_by_label("理由").fill("職業紹介と無関係な広告の送信")
    assert "追加しました" in admin_save(staff_page)
    suspension = Suspension.objects.get(organization=agency)
    assert (suspension.starts_on, suspension.ends_on) == (today, last_day)
    agency.refresh_from_db()
    assert (agency.suspended_from, agency.suspended_until) == (today, last_day)

    # The member's next request is refused with the period spelled out.
    suspended_notice = (
        f"{agency.name} は、{japanese_date(today)} から {japanese_date(last_day)} まで、"
        "サービスの利用を停止されています。"
    )
    response = member_page.reload()
    assert response.status == 403
    assert suspended_notice in member_page.locator("main").inner_text()
    assert public_id not in member_page.locator("main").inner_text()
    axe_check(member_page)
    screenshot(member_page, "compliance_member_suspended.png")
    response = member_page.goto(f"{live_server.url}/orgs/seekers/{public_id}/")
    assert response.status == 403

    # Still suspended at the end of the last day (JST). The live server reads the same travelled
    # clock; the member's session has run past its idle limit, so they log in again.
    with time_machine.travel(jst(last_day, 23, 58), tick=True):
        member_page.goto(f"{live_server.url}/orgs/seekers/")
        member_page.wait_for_url(re.compile(r"/accounts/login/"))
        fill_login(member_page, member.email)
        member_page.wait_for_url(f"{live_server.url}/orgs/seekers/")
        assert suspended_notice in member_page.locator("main").inner_text()

    # The morning after the last day, the suspension has ended by itself (no task had to run).
    with time_machine.travel(jst(last_day + datetime.timedelta(days=1), 9, 0), tick=True):
        member_page.goto(f"{live_server.url}/orgs/seekers/")
        member_page.wait_for_url(re.compile(r"/accounts/login/"))
        fill_login(member_page, member.email)
        member_page.wait_for_url(f"{live_server.url}/orgs/seekers/")
        assert member_page.get_by_role("heading", level=1).inner_text() == "求職者検索"
        assert public_id in search_result_ids(member_page)
        axe_check(member_page)
        screenshot(member_page, "compliance_member_back.png")
        response = member_page.goto(f"{live_server.url}/orgs/seekers/{public_id}/")
        assert response.status == 200
        assert Organization.objects.get(pk=agency.pk).status() == Organization.Status.ACTIVE


def test_complaint_form_dates_the_conversation_in_japan_time(page, live_server, settings):
    settings.REQUIRE_MFA = False
    agency = OrganizationFactory(name="あさひ人材紹介株式会社")
    member = MemberFactory(organization=agency).user
    account = SeekerAccountFactory()
    public_id = Profile.objects.get(pk=account.application_id).public_id
    today = timezone.localdate()
    # The agency wrote at 2:00 in the morning, Japan time (17:00 the day before in UTC).
    with time_machine.travel(jst(today, 2, 0)):
        guidance_send(actor=member, organization=agency, public_id=public_id, subject="求人のご案内",
                      body="介護職の求人があります。")

    log_in(page, live_server, account.user.username, "/seekers/", check=False)
    page.goto(f"{live_server.url}/seekers/complaints/new/")
    options = page.get_by_label(re.compile(r"^苦情の対象となるやりとり")).locator("option")
    assert options.nth(1).inner_text() == f"{agency.name} とのやりとり({today.year}年{today.month}月{today.day}日〜)"
