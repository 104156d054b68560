"""A seeker's first days on the site (SPEC rules 1–3, 15): 利用登録 with the 求職番号 from the counter,
the mail with ユーザID and 認証キー, the first login with the key, the review of the profile before
its publication, and the home page. Then the same
with a key that has expired: the reissue button mails a new one that works."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from seekers.models import SeekerAccount
from seekers.tests.factories import JobApplicationFactory
from tests.conftest import axe_check, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PASSWORD = "hellowork-Pass-2026"
EMAIL = "taro.yamada@example.jp"


def register_in_browser(page, live_server, application, shot_prefix: str) -> None:
    page.goto(f"{live_server.url}/seekers/register/")
    axe_check(page)
    page.get_by_label(re.compile(r"^求職番号")).fill(application.kyushoku_number)
    page.get_by_label(re.compile(r"^生年月日")).fill(application.identity.birth_date.isoformat())
    page.get_by_label(re.compile(r"^メールアドレス 必須")).fill(EMAIL)
    page.get_by_label(re.compile(r"^メールアドレス\(確認\)")).fill(EMAIL)
    page.get_by_label(re.compile(r"^パスワード 必須")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^パスワード\(確認\)")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^利用規約\(求職者用\)に同意します")).check()
    screenshot(page, f"{shot_prefix}_register.png")
    page.get_by_role("button", name="利用登録する").click()

    page.wait_for_url(f"{live_server.url}/seekers/register/done/")
    assert page.get_by_role("heading", level=1).inner_text() == "利用登録を受け付けました"
    assert EMAIL in page.locator("main").inner_text()
    screenshot(page, f"{shot_prefix}_register_done.png")


def read_mail(index: int, subject: str) -> tuple[str, str]:
    """ユーザID and 認証キー from the index-th mail the site sent (the test backend keeps them)."""
    assert len(mail.outbox) > index, [m.subject for m in mail.outbox]
    message = mail.outbox[index]
    assert message.to == [EMAIL]
    assert message.subject == subject
    user_id = re.search(r"^ユーザID: (\S+)", message.body, re.MULTILINE).group(1)
    key = re.search(r"^認証キー: (\S+)", message.body, re.MULTILINE).group(1)
    return user_id, key


def log_in(page, live_server, user_id: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    axe_check(page)
    page.get_by_label(re.compile(r"^ユーザID")).fill(user_id)
    page.get_by_label(re.compile(r"^パスワード")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name="ログイン", exact=True).click()


def enter_key(page, key: str) -> None:
    page.get_by_role("textbox", name=re.compile(r"^認証キー")).fill(key)
    page.locator("main").get_by_role("button", name="ログイン", exact=True).click()


def review_and_confirm(page, live_server, shot_prefix: str) -> None:
    """The first login ends on the review page (SPEC rule 15); the seeker ticks the box and starts."""
    page.wait_for_url(f"{live_server.url}/seekers/profile/review/")
    main = page.locator("main")
    assert "初回ログインが完了しました。" in main.inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "公開前の確認"
    assert "まだどの利用団体にも公開されていません" in main.inner_text()
    axe_check(page)
    screenshot(page, f"{shot_prefix}_review.png")
    page.get_by_label(re.compile(r"^利用団体に表示される内容を確認し")).check()
    page.get_by_role("button", name="この内容で公開を始める").click()


def assert_home(page, live_server, user_id: str) -> None:
    page.wait_for_url(f"{live_server.url}/seekers/")
    main = page.locator("main")
    assert "求職情報の提供を始めました。" in main.inner_text()
    assert main.locator("dt", has_text="ユーザID").count() == 1
    assert main.locator("dd").first.inner_text() == user_id
    assert "STEP 2" in main.inner_text()
    axe_check(page)


def test_first_login_with_the_mailed_key(page, live_server, mailoutbox):
    application = JobApplicationFactory()

    register_in_browser(page, live_server, application, "first_login")
    user_id, key = read_mail(0, "【求職情報提供サイト】利用登録のお知らせ(ユーザIDと認証キー)")

    log_in(page, live_server, user_id)
    page.wait_for_url(f"{live_server.url}/seekers/auth-key/")
    assert user_id in page.locator("main").inner_text()
    axe_check(page)
    screenshot(page, "first_login_auth_key.png")
    enter_key(page, key.lower())  # typed by hand from the mail: case does not matter

    review_and_confirm(page, live_server, "first_login")
    assert_home(page, live_server, user_id)
    screenshot(page, "first_login_home.png")
    account = SeekerAccount.objects.get(user__username=user_id)
    assert account.application_id == application.pk
    assert account.first_login_at is not None
    assert account.profile_confirmed_at is not None


def test_expired_key_is_reissued_by_mail(page, live_server, mailoutbox):
    application = JobApplicationFactory()
    register_in_browser(page, live_server, application, "expired_key")
    user_id, old_key = read_mail(0, "【求職情報提供サイト】利用登録のお知らせ(ユーザIDと認証キー)")

    # The seeker comes back 31 minutes later: the key lived 30 (SPEC rule 3). The clock moves for
    # the live server thread too.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31), tick=True):
        log_in(page, live_server, user_id)
        page.wait_for_url(f"{live_server.url}/seekers/auth-key/")
        enter_key(page, old_key)
        error = page.locator(".errorlist")
        assert "有効期限" in error.inner_text()
        axe_check(page)
        screenshot(page, "expired_key_error.png")

        page.get_by_role("button", name="認証キーを再発行する").click()
        page.wait_for_url(f"{live_server.url}/seekers/auth-key/")
        assert "新しい認証キーを登録メールアドレスに送信しました" in page.locator("main").inner_text()
        screenshot(page, "expired_key_reissued.png")
        same_user, new_key = read_mail(1, "【求職情報提供サイト】認証キー再発行のお知らせ")
        assert same_user == user_id
        assert new_key != old_key

        enter_key(page, new_key)
        review_and_confirm(page, live_server, "expired_key")
        assert_home(page, live_server, user_id)
        screenshot(page, "expired_key_home.png")
