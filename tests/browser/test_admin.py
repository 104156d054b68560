"""A Hello Work staff member enters a 求職申込 in the admin, as at the counter."""

import re

import pytest
from django.utils import timezone

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory
from organizations.models import Prefecture
from seekers.models import JobApplication
from seekers.validity import end_of_month_after_next
from tests.conftest import axe_check, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# axe on the form region only, minus two serious findings that are Django's own admin markup (5.2):
# - link-in-text-block: the breadcrumbs (outside #content), links told apart by colour only
#   (admin/css/base.css, div.breadcrumbs a);
# - aria-prohibited-attr: the filter_horizontal widget's search icon, a <span> with an aria-label and
#   no role, written by admin/js/SelectFilter2.js.
# Everything this project renders in the form (labels, help texts, inlines) is still checked.
ADMIN_FORM = {"include": ["#content"], "exclude": [".selector-filter .help-tooltip"]}


def log_in(page, live_server, login: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile(r"^ユーザID")).fill(login)
    page.get_by_label(re.compile(r"^パスワード")).fill(DEFAULT_PASSWORD)
    page.locator("main form").get_by_role("button", name="ログイン").click()


def test_staff_adds_an_application_with_full_width_number(page, live_server, settings):
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    staff = StaffFactory()
    today = timezone.localdate()
    tokyo = Prefecture.objects.get(name="東京都")

    log_in(page, live_server, staff.email)
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/seekers/jobapplication/add/")
    axe_check(page, context=ADMIN_FORM)

    # Typed as at a counter with a Japanese IME on: full-width digits and dash.
    page.get_by_label("求職番号").fill("１３０１０－１２３４５６７８")
    page.get_by_label("求職申込日").fill(today.isoformat())
    page.get_by_label("求職情報提供サービスの利用希望").select_option(label="希望する")
    page.get_by_label("提供先区分").select_option(value="1")  # no default: staff choose one
    identity = page.locator("#identity-0")
    identity.get_by_label("氏名").fill("山田 太郎")
    identity.get_by_label("フリガナ").fill("ヤマダ タロウ")
    identity.get_by_label("生年月日").fill("1990-04-01")
    identity.get_by_label("住所").fill("東京都千代田区霞が関1-2-2")
    # The 求職申込書's own values, then the 求職公開申込書's: a published job that differs, a second place.
    sheet = page.locator("#sheet-0")
    sheet.get_by_label(re.compile(r"^希望する仕事")).fill("介護職員")
    sheet.get_by_label("希望勤務地(都道府県)").select_option(label=tokyo.name)
    profile = page.locator("#profile-0")
    profile.get_by_label(re.compile(r"^希望する仕事")).fill("介護職員(夜勤可)")
    profile.get_by_label("希望勤務地 第1希望(都道府県)").select_option(label=tokyo.name)
    profile.get_by_label("希望勤務地 第2希望(都道府県)").select_option(label="大阪府")
    screenshot(page, "admin_add.png")
    page.locator("input[name=_save]").click()

    success = page.locator(".messagelist .success")
    success.wait_for()
    assert "13010-12345678" in success.inner_text()
    screenshot(page, "admin_added.png")

    application = JobApplication.objects.select_related("identity", "profile").get()
    assert application.kyushoku_number == "13010-12345678"
    assert application.applied_on == today
    # 有効期限 left blank: the end of the month after next (SPEC rule 5).
    assert application.valid_until == end_of_month_after_next(today)
    assert application.opt_in == JobApplication.OptIn.YES
    assert application.identity.name == "山田 太郎"
    assert application.profile.desired_prefecture == tokyo  # the 第1希望
    assert application.profile.desired_job == "介護職員(夜勤可)"
    assert application.sheet.desired_job == "介護職員"
    assert [p.prefecture.name for p in application.profile.places.all()] == ["東京都", "大阪府"]
