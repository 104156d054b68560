"""The leaflet's promises where seekers need them most (SPEC rules 9, 18, 20).

(a) A seeker follows an organisation's STEP 6 procedure message, stops (アカウント利用停止), signs in
again and still reads it, on a site that says it is stopped and offers nothing to send.
(b) A seeker asks an organisation that only viewed the profile to delete it; the organisation
answers during its suspension, and once the suspension is over it cannot find the profile."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from accounts.tests.factories import DEFAULT_PASSWORD, StaffFactory
from compliance import services as compliance_services
from compliance.models import DeletionRequest
from compliance.tests.factories import ViolationFactory
from conftest import jst
from messaging.models import Message
from messaging.services import guidance_send, org_reply, seeker_reply
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Profile, SeekerAccount
from seekers.tests.factories import SeekerAccountFactory
from tests.browser.test_messaging_journey import log_in
from tests.conftest import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PROCEDURE_SUBJECT = "求職申込みの手続きのご案内"
PROCEDURE_BODY = "当社の窓口(電話 03-0000-0000、平日9時〜17時)へ「求職情報提供サイトを見た」とお電話ください。"
STOPPED_NOTICE = "アカウント利用停止中です。"


def nav(page, name: str):
    return page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name=name)


@pytest.fixture
def no_mfa(settings):
    settings.REQUIRE_MFA = False


def test_a_stopped_seeker_signs_in_again_and_reads_the_procedure(page, live_server, no_mfa):
    agency = OrganizationFactory(name="みらい人材サービス株式会社")
    member = MemberFactory(organization=agency).user
    account = SeekerAccountFactory()
    public_id = Profile.objects.get(pk=account.application_id).public_id
    conversation = guidance_send(actor=member, organization=agency, public_id=public_id, subject="介護職のご案内",
                                 body="夜勤のない介護職の求人があります。").conversation
    seeker_reply(actor=account.user, account=account, conversation=conversation, kind=Message.Kind.APPLY,
                 subject="求職申込みを希望します", body="この求人への求職申込みを希望します。")
    org_reply(actor=member, organization=agency, conversation=conversation, kind=Message.Kind.PROCEDURE,
              subject=PROCEDURE_SUBJECT, body=PROCEDURE_BODY)

    # The seeker reads the STEP 6 procedure.
    log_in(page, live_server, account.user.username, "/seekers/")
    nav(page, "メッセージ一覧").click()
    page.wait_for_url(f"{live_server.url}/seekers/messages/")
    page.locator("main tbody tr", has_text=PROCEDURE_SUBJECT).first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/seekers/messages/\d+/$"))
    procedure_url = page.url
    assert PROCEDURE_BODY in page.locator("main").inner_text()

    # The stop: what stays and how to restart are said before the confirmation.
    nav(page, "アカウント利用停止").click()
    page.wait_for_url(f"{live_server.url}/seekers/settings/stop/")
    text = page.locator("main").inner_text()
    assert "停止した後もできること" in text
    assert "これまでのメッセージ(利用団体が示した求職申込みの手続きなど)を読み" in text
    assert "再開を希望する場合は、求職申込みをしたハローワーク" in text
    axe_check(page)
    page.get_by_role("link", name="内容を確認したので、停止の手続きに進む").click()
    page.wait_for_url(f"{live_server.url}/seekers/settings/stop/confirm/")
    assert "停止した後もできること" in page.locator("main").inner_text()
    axe_check(page)
    page.get_by_label(re.compile(r"^求職情報がすべての利用団体から見えなくなり")).check()
    page.get_by_label(re.compile(r"^パスワード")).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="求職情報の提供を停止する").click()
    page.wait_for_url(f"{live_server.url}/seekers/settings/stop/")
    assert SeekerAccount.objects.get(pk=account.pk).stopped_at is not None

    # Signed out, then in again: the read-only site.
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(re.compile(r"/(accounts/login/)?$"))
    log_in(page, live_server, account.user.username, "/seekers/")
    assert STOPPED_NOTICE in page.locator("main").inner_text()
    axe_check(page)
    nav(page, "メッセージ一覧").click()
    page.wait_for_url(f"{live_server.url}/seekers/messages/")
    assert STOPPED_NOTICE in page.locator("main").inner_text()
    page.locator("main tbody tr", has_text=PROCEDURE_SUBJECT).first.get_by_role("link").click()
    page.wait_for_url(procedure_url)
    main = page.locator("main")
    assert PROCEDURE_BODY in main.inner_text()
    assert "アカウント利用停止中のため、メッセージは送信できません。" in main.inner_text()
    assert main.locator("textarea").count() == 0  # nothing to send
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Message.objects.filter(conversation=conversation).count() == 3


def test_a_viewing_only_organisation_answers_while_suspended_and_loses_the_profile(page, new_page, live_server,
                                                                                 no_mfa):
    agency = OrganizationFactory(name="あおば就職支援株式会社")
    member = MemberFactory(organization=agency).user
    account = SeekerAccountFactory()
    public_id = Profile.objects.get(pk=account.application_id).public_id
    today = timezone.localdate()
    last_day = today + datetime.timedelta(days=2)

    # The agency's member views the profile (no message).
    member_page = new_page()
    log_in(member_page, live_server, member.email, "/orgs/seekers/")
    member_page.goto(f"{live_server.url}/orgs/seekers/{public_id}/")
    assert public_id in member_page.locator("main").inner_text()

    # The agency is suspended for three days.
    violation = ViolationFactory(organization=agency, confirmed=True)
    compliance_services.organization_suspend(actor=StaffFactory(), violation=violation, starts_on=today,
                                             ends_on=last_day, reason="利用規約違反")

    # The seeker asks it to delete: it is offered because it viewed the profile.
    log_in(page, live_server, account.user.username, "/seekers/")
    nav(page, "削除・廃棄の依頼").click()
    page.wait_for_url(f"{live_server.url}/seekers/deletion-requests/")
    row = page.locator("main table tbody tr", has_text=agency.name)
    assert "求職情報を閲覧" in row.inner_text()
    axe_check(page)
    row.get_by_role("link", name=f"{agency.name} に削除・廃棄を依頼する").click()
    page.wait_for_url(re.compile(rf"/seekers/deletion-requests/{agency.pk}/confirm/$"))
    axe_check(page)
    page.locator("main form").get_by_role("button", name=f"{agency.name} に削除・廃棄を依頼する").click()
    page.wait_for_url(f"{live_server.url}/seekers/deletion-requests/")
    request = DeletionRequest.objects.get(account=account, organization=agency)
    assert request.conversation is None

    # During its suspension the search is closed, the deletion requests are open and say why.
    response = member_page.goto(f"{live_server.url}/orgs/seekers/")
    assert response.status == 403
    assert "削除・廃棄の依頼への回答は、利用停止中もできます" in member_page.locator("main").inner_text()
    member_page.locator("main").get_by_role("link", name="削除・廃棄の依頼").click()
    member_page.wait_for_url(f"{live_server.url}/orgs/deletion-requests/")
    text = member_page.locator("main").inner_text()
    assert "サービスの利用を停止されています。" in text
    assert "削除・廃棄の依頼への回答はこの画面でできます" in text
    assert f"求職者 {public_id}" in text
    axe_check(member_page)
    card = member_page.locator("main section", has_text=public_id)
    card.get_by_label("削除・廃棄した日").fill(today.isoformat())
    card.get_by_label("対処状況").fill("閲覧時に控えた求職情報のメモを削除しました。")
    card.get_by_role("button", name="対処状況を回答する").click()
    member_page.wait_for_url(f"{live_server.url}/orgs/deletion-requests/")
    assert "対処状況を回答しました。" in member_page.get_by_role("status").inner_text()
    request.refresh_from_db()
    assert request.answered_by == member

    # The seeker sees the answer.
    page.reload()
    assert "に削除・廃棄済み" in page.locator("main table tbody tr", has_text=agency.name).inner_text()

    # After the suspension the agency is back, and the profile is not.
    with time_machine.travel(jst(last_day + datetime.timedelta(days=1), 9, 0), tick=True):
        member_page.goto(f"{live_server.url}/orgs/seekers/")
        if "/accounts/login/" in member_page.url:  # the session ran past its idle limit
            log_in(member_page, live_server, member.email, "/orgs/seekers/")
        assert member_page.url == f"{live_server.url}/orgs/seekers/"
        assert public_id not in member_page.locator("main").inner_text()
        member_page.goto(f"{live_server.url}/orgs/seekers/?q={public_id}")
        assert public_id not in member_page.locator("main").inner_text()
        response = member_page.goto(f"{live_server.url}/orgs/seekers/{public_id}/")
        assert response.status == 404
