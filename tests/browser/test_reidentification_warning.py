"""The re-identification warning on a phone: a seeker whose published combination (here 沖縄県 with
the same other values as many seekers in 東京都) is shared by fewer than REIDENTIFICATION_K others
sees the warning on their 公開プロフィール, naming the field to widen; once enough others share it,
the warning is gone."""

import re

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD
from organizations.models import Prefecture
from seekers.tests.factories import SeekerAccountFactory
from tests.conftest import axe_check, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PHONE = {"width": 390, "height": 844}
WARNING = "あなたを特定されるおそれがあります"


def seekers_in(prefecture, n):
    return [SeekerAccountFactory(application__profile__desired_prefecture=prefecture,
                                 application__profile__last_monthly_income=260_000) for _ in range(n)]


def test_the_seeker_is_warned_and_told_what_to_widen(page, live_server, settings):
    okinawa, tokyo = Prefecture.objects.get(code="47"), Prefecture.objects.get(code="13")
    [account] = seekers_in(okinawa, 1)
    seekers_in(tokyo, settings.REIDENTIFICATION_K)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile(r"^ユーザID")).fill(account.user.username)
    page.get_by_label(re.compile(r"^パスワード")).fill(DEFAULT_PASSWORD)
    page.locator("main form").get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{live_server.url}/seekers/")
    page.goto(f"{live_server.url}/seekers/profile/")

    warning = page.locator(".reidentification-warning")
    assert warning.get_by_role("heading", name=WARNING).is_visible()
    text = warning.inner_text()
    assert "あなたのほかに 0 人の求職情報としか一致しません" in text
    assert "希望勤務地を近隣の地域まで広げること" in text
    assert "退職時の月収を公開しないこと" not in text
    scroll, width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= width
    axe_check(page)
    screenshot(page, "reidentification_warning.png")

    seekers_in(okinawa, settings.REIDENTIFICATION_K)
    page.reload()
    assert WARNING not in page.locator("main").inner_text()
