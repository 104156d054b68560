"""Issue 16 in the browser: a member searches, saves the search with a name and a mail hour, sees it on
保存した検索条件 with its new count, opens it back onto the search; writes a guidance template, then on
the guidance form chooses it (no JavaScript needed: the chooser is a GET form) and sends it. Each page
passes axe-core; the phone width (390 px) does not scroll sideways on the new pages."""

import re

import pytest

from messaging.models import GuidanceTemplate, Message
from organizations.models import Prefecture
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.tests.helpers import seeker_with
from tests.browser.test_messaging_journey import log_in, status_text, submit
from tests.conftest import axe_check

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_save_a_search_and_guide_from_a_template(page, live_server, settings):
    settings.REQUIRE_MFA = False
    agency = OrganizationFactory(name="あおぞら人材サービス株式会社")
    member = MemberFactory(organization=agency).user
    _account, profile = seeker_with(desired_prefecture=Prefecture.objects.get(code="13"))

    log_in(page, live_server, member.email, "/orgs/seekers/")
    page.goto(f"{live_server.url}/orgs/seekers/?prefecture=13")
    page.get_by_role("link", name="この検索条件を保存する").click()
    page.wait_for_url(re.compile(r"/orgs/saved-searches/new/\?prefecture=13$"))
    axe_check(page)
    form = page.locator("main form", has=page.get_by_role("button", name="保存する"))
    submit(page, form.get_by_role("button", name="保存する"))  # no name: refused beside the field
    assert "名前を入力してください。" in page.locator("#id_name_error").inner_text()
    form.get_by_label(re.compile("^名前")).fill("東京都の求職者")
    form.get_by_label(re.compile("^新着のお知らせメール")).select_option(label="毎日 9:00(日本時間)")
    submit(page, form.get_by_role("button", name="保存する"))
    assert status_text(page) == "検索条件を保存しました。"
    row = page.locator("tbody tr").first
    assert "東京都の求職者" in row.inner_text() and "0件" in row.inner_text() and "毎日 9:00" in row.inner_text()
    axe_check(page)
    page.get_by_role("link", name="東京都の求職者", exact=True).click()
    page.wait_for_url(f"{live_server.url}/orgs/seekers/?prefecture=13")

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="テンプレート").click()
    page.get_by_role("link", name="テンプレートを作成する").click()
    page.wait_for_url(f"{live_server.url}/orgs/templates/new/")
    form = page.locator("main form", has=page.get_by_role("button", name="作成する"))
    form.get_by_label(re.compile("^テンプレート名")).fill("はじめてのご案内")
    form.get_by_label(re.compile("^件名")).fill("事務職の求人のご案内")
    form.get_by_label(re.compile("^本文")).fill("都内の事務職の求人をご紹介できます。")
    axe_check(page)
    submit(page, form.get_by_role("button", name="作成する"))
    assert status_text(page) == "テンプレートを作成しました。"

    page.goto(f"{live_server.url}/orgs/seekers/{profile.public_id}/guide/")
    page.get_by_label("テンプレート").select_option(label="はじめてのご案内")
    submit(page, page.get_by_role("button", name="この文面を使う"))
    guidance = page.locator("main form", has=page.get_by_role("button", name="送信する"))
    assert guidance.get_by_label(re.compile("^件名")).input_value() == "事務職の求人のご案内"
    assert guidance.get_by_label(re.compile("^本文")).input_value() == "都内の事務職の求人をご紹介できます。"
    axe_check(page)
    submit(page, guidance.get_by_role("button", name="送信する"))
    assert status_text(page) == "案内メッセージを送信しました。"
    message = Message.objects.get()
    assert message.subject == "事務職の求人のご案内" and message.disclosures["fees"] == agency.fees

    template = GuidanceTemplate.objects.get()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/orgs/saved-searches/", "/orgs/templates/",
                 f"/orgs/seekers/{profile.public_id}/guide/?template={template.pk}"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
