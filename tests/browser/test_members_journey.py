"""メンバー管理 in the browser (issue 16): the organisation's administrator invites a member by email
(who sets a password from the link and signs in), makes them an administrator after the page says what
that does, and removes another member after the page says what removal does; the removed member's
open browser is logged out on its next click."""

import re

import pytest
from django.core import mail

from accounts.tests.factories import DEFAULT_PASSWORD
from organizations.models import Member
from organizations.tests.factories import MemberFactory, OrganizationFactory
from tests.browser.test_messaging_journey import log_in, status_text, submit
from tests.conftest import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

NEW_EMAIL = "shinjin@aozora.example.jp"
NEW_PASSWORD = "Shinki-Pass-2026-x"


@pytest.fixture
def cast(settings):
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    agency = OrganizationFactory(name="あおぞら人材サービス株式会社")
    admin = MemberFactory(organization=agency, role="admin", display_name="管理 花子").user
    member = MemberFactory(organization=agency, display_name="担当 次郎").user
    return agency, admin, member


def test_the_administrator_invites_promotes_and_removes(page, new_page, live_server, cast):
    agency, admin, member = cast

    # The member is signed in and working in their own browser.
    member_page = new_page()
    log_in(member_page, live_server, member.email, "/orgs/seekers/")
    assert member_page.get_by_role("link", name="メンバー管理").count() == 0  # not an administrator

    # The administrator invites a new member by email.
    log_in(page, live_server, admin.email, "/orgs/seekers/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="メンバー管理").click()
    page.wait_for_url(f"{live_server.url}/orgs/organization/members/")
    axe_check(page)
    form = page.locator("main form", has=page.get_by_role("button", name="招待のメールを送る"))
    form.get_by_label(re.compile("^メールアドレス")).fill(NEW_EMAIL)
    form.get_by_label(re.compile("^担当者名")).fill("新人 三郎")
    form.get_by_label("担当者", exact=True).check()
    submit(page, form.get_by_role("button", name="招待のメールを送る"))
    assert f"{NEW_EMAIL} に招待のメールを送りました。" in status_text(page)
    assert "新人 三郎" in page.locator("main table").inner_text()

    # The invited member sets a password from the link and signs in.
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[-1].body).group(0)
    invitee = new_page()
    invitee.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    invitee.locator("input[name=password1]").fill(NEW_PASSWORD)
    invitee.locator("input[name=password2]").fill(NEW_PASSWORD)
    submit(invitee, invitee.locator("main form button[type=submit]"))
    invitee.goto(f"{live_server.url}/accounts/login/")
    invitee.get_by_label(re.compile(r"^ユーザID")).fill(NEW_EMAIL)
    invitee.get_by_label(re.compile(r"^パスワード")).fill(NEW_PASSWORD)
    invitee.locator("main form").get_by_role("button", name="ログイン").click()
    invitee.wait_for_url(f"{live_server.url}/orgs/seekers/")

    # The administrator makes the new member an administrator, after the page says what that does.
    page.get_by_role("link", name="管理者にする 新人 三郎").click()
    page.wait_for_url(re.compile(r"/orgs/organization/members/\d+/role/$"))
    axe_check(page)
    assert "メンバーの招待・権限の変更・削除" in page.locator("main").inner_text()
    submit(page, page.get_by_role("button", name="管理者にする"))
    assert "新人 三郎 の権限を「管理者」に変更しました。" in status_text(page)
    assert Member.objects.get(user__email=NEW_EMAIL).role == "admin"

    # The administrator removes the working member, after the page says what removal does.
    page.get_by_role("link", name="削除 担当 次郎").click()
    page.wait_for_url(re.compile(r"/orgs/organization/members/\d+/remove/$"))
    axe_check(page)
    assert "すぐにログアウトされ" in page.locator("main").inner_text()
    submit(page, page.get_by_role("button", name="削除する"))
    assert "担当 次郎 を団体のメンバーから削除しました。" in status_text(page)
    assert "担当 次郎" not in page.locator("main table").inner_text()

    # The removed member's open browser is logged out on its next click.
    member_page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="メッセージ").click()
    member_page.wait_for_url(re.compile(r"/accounts/login/\?next=/orgs/messages/$"))
    assert member_page.get_by_role("button", name="ログアウト").count() == 0
    member_page.get_by_label(re.compile(r"^ユーザID")).fill(member.email)
    member_page.get_by_label(re.compile(r"^パスワード")).fill(DEFAULT_PASSWORD)
    member_page.locator("main form").get_by_role("button", name="ログイン").click()
    member_page.wait_for_load_state()
    assert "/accounts/login/" in member_page.url or "/accounts/inactive/" in member_page.url

    # The administrator reads what happened in the members' audit.
    page.get_by_role("link", name="メンバーの操作記録を見る").click()
    page.wait_for_url(f"{live_server.url}/orgs/organization/members/audit/")
    axe_check(page)
    audit = page.locator("main table").inner_text()
    for verb in ("利用団体メンバーの削除", "利用団体メンバーの権限の変更", "利用団体メンバーの登録"):
        assert verb in audit
