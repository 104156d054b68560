"""The leaflet's STEP 2–6 walked by an agency member and a seeker, each in their own browser: the
first guidance with its mandatory disclosures and the one email notice (SPEC rules 12–14), an
anonymous question and its answer (STEP 3), 求職申込み希望 (STEP 5) answered with the agency's
procedure (STEP 6). Then the seeker's ways out, each after its confirmation page: 辞退, ブロック (rule 8), and the PII warning on a
reply (rule 15)."""

import re

import pytest

from accounts.models import OutgoingEmail
from accounts.tests.factories import DEFAULT_PASSWORD
from messaging.models import Conversation, Message
from messaging.services import guidance_send
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.conftest import ARTIFACTS, axe_check, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

GUIDANCE_SUBJECT = "介護職の求人のご案内"
GUIDANCE_BODY = "首都圏の介護施設の求人を多数取り扱っています。\nご興味があればご返信ください。"
CLOSED_FOR_ORGANIZATION = "このやりとりは終了しました。メッセージは送信できません。"


@pytest.fixture
def member_page(browser, request):
    """The member's browser: a second context made like conftest's `page` (Japanese, desktop size);
    a failing test leaves its screenshot too."""
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    other = context.new_page()
    yield other
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        try:
            other.screenshot(path=str(ARTIFACTS / f"FAILED-{name}-member.png"), full_page=True)
        except Exception as exc:  # a dead page must not hide the test's own failure
            print(f"could not save the failure screenshot: {exc}")
    context.close()


@pytest.fixture
def cast(settings):
    """An approved agency with one member, and a started seeker whose profile the agency sees."""
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    agency = OrganizationFactory(name="みらい人材紹介株式会社")
    member = MemberFactory(organization=agency).user
    account = SeekerAccountFactory()
    public_id = Profile.objects.get(pk=account.application_id).public_id
    return agency, member, account, public_id


def log_in(page, live_server, login: str, landing: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    axe_check(page)
    page.get_by_label(re.compile(r"^ユーザID")).fill(login)
    page.get_by_label(re.compile(r"^パスワード")).fill(DEFAULT_PASSWORD)
    page.locator("main form").get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{live_server.url}{landing}")


def status_text(page) -> str:
    """The flash message(s) of the page (role=status)."""
    return page.get_by_role("status").inner_text()


def inbox_rows(page) -> list[list[str]]:
    """The cells of each row of the page's table."""
    rows = page.locator("main table tbody tr")
    return [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]


def unread_badge(page):
    return page.get_by_role("navigation", name="メインメニュー").locator(".badge")


def thread_items(page):
    return page.locator("main ol.thread > li")


def send_first_guidance(member, agency, public_id) -> Message:
    return guidance_send(actor=member, organization=agency, public_id=public_id, subject=GUIDANCE_SUBJECT,
                         body=GUIDANCE_BODY)


def submit(page, button) -> None:
    """Click a form's button and wait for the page it leads to: after the redirect the URL is often
    the one the form was on, so waiting for the URL would not wait at all."""
    with page.expect_navigation():
        button.click()


def reply(page, *, kind: str, subject: str, body: str) -> None:
    """Fill the seeker's reply form (kind by the start of its radio label) and send it."""
    form = page.locator("main form", has=page.get_by_role("button", name="返信を送信する"))
    form.get_by_role("radio", name=re.compile(f"^{kind}")).check()
    form.get_by_label(re.compile(r"^件名")).fill(subject)
    form.get_by_label(re.compile(r"^本文")).fill(body)
    submit(page, form.get_by_role("button", name="返信を送信する"))


def test_guidance_question_answer_apply_and_procedure(page, member_page, live_server, mailoutbox, cast):
    agency, member, account, public_id = cast

    # STEP 2, organisation side: from the profile, 案内メッセージを送る with the disclosures shown
    # read-only from the organisation's record.
    log_in(member_page, live_server, member.email, "/orgs/seekers/")
    member_page.get_by_role("link", name=f"{public_id} の詳細").click()
    member_page.wait_for_url(f"{live_server.url}/orgs/seekers/{public_id}/")
    axe_check(member_page)
    member_page.get_by_role("link", name="案内メッセージを送る").click()
    member_page.wait_for_url(f"{live_server.url}/orgs/seekers/{public_id}/guide/")
    axe_check(member_page)
    form = member_page.locator("main form")
    on_record = member_page.get_by_role("region", name="最初の案内メッセージに記載される内容(団体の登録内容)")
    for value in (agency.track_record, agency.job_openings, agency.fees, agency.privacy_officer,
                  agency.complaints_officer):
        assert value in on_record.inner_text()
    assert form.get_by_label(re.compile("^職業紹介に関する手数料")).count() == 0  # read-only: not a field
    form.get_by_label(re.compile(r"^件名")).fill(GUIDANCE_SUBJECT)
    form.get_by_label(re.compile(r"^本文")).fill(GUIDANCE_BODY)
    screenshot(member_page, "messaging_guide_form.png")
    form.get_by_role("button", name="送信する").click()

    member_page.wait_for_url(re.compile(r"/orgs/messages/\d+/$"))
    assert status_text(member_page) == "案内メッセージを送信しました。"
    conversation = Conversation.objects.get(organization=agency, account=account)
    assert member_page.url == f"{live_server.url}/orgs/messages/{conversation.pk}/"
    axe_check(member_page)

    # The email notice: one, to the seeker, with a link to the list and none of the message.
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    notice = mailoutbox[0]
    assert notice.to == [account.user.email]
    assert notice.subject.endswith("利用団体から案内メッセージが届きました")
    assert "/seekers/messages/" in notice.body
    for secret in (GUIDANCE_SUBJECT, "首都圏の介護施設", agency.fees):
        assert secret not in notice.subject and secret not in notice.body
    assert OutgoingEmail.objects.filter(to=account.user.email, kind="first_guidance").count() == 1

    # STEP 2, seeker side: the list shows it 未読, with the count in the header.
    log_in(page, live_server, account.user.username, "/seekers/")
    assert unread_badge(page).inner_text() == "未読 1 件"
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="メッセージ一覧").click()
    page.wait_for_url(f"{live_server.url}/seekers/messages/")
    axe_check(page)
    [row] = inbox_rows(page)
    number, state, _date, sender, recipient, _received, subject, excerpt, _link = row
    assert (number, state, sender, recipient, subject) == (
        "1", "未読", agency.name, account.user.username, GUIDANCE_SUBJECT
    )
    assert excerpt.startswith("首都圏の介護施設の求人")
    screenshot(page, "messaging_seeker_inbox_unread.png")

    page.get_by_role("link", name="No.1 の詳細").click()
    page.wait_for_url(re.compile(r"/seekers/messages/\d+/$"))
    disclosures = page.get_by_role("region", name="利用団体の必須記載事項")
    for value in (agency.track_record, agency.job_openings, agency.fees, agency.privacy_officer,
                  agency.complaints_officer):
        assert value in disclosures.inner_text()
    assert thread_items(page).first.locator(".message-body").inner_text() == GUIDANCE_BODY
    assert unread_badge(page).count() == 0  # opening it marked it 読了
    axe_check(page)
    screenshot(page, "messaging_seeker_detail.png")
    detail_url = page.url

    page.get_by_role("link", name="← メッセージ一覧に戻る").click()
    page.wait_for_url(f"{live_server.url}/seekers/messages/")
    assert inbox_rows(page)[0][1] == "読了"

    # STEP 3: an anonymous question.
    page.goto(detail_url)
    reply(page, kind="問い合わせ", subject="手数料について", body="求職者が負担する手数料はありますか。")
    page.wait_for_url(detail_url)
    assert status_text(page) == "返信を送信しました。"
    assert thread_items(page).count() == 2
    assert "求職者が負担する手数料はありますか。" in thread_items(page).last.inner_text()
    axe_check(page)

    # Meanwhile the agency writes to someone else: that conversation is newer, but a conversation
    # with an unread reply still comes first.
    other = SeekerAccountFactory()
    guidance_send(actor=member, organization=agency, public_id=Profile.objects.get(pk=other.application_id).public_id,
                  subject="事務職の求人のご案内", body="事務職の求人があります。")

    member_page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="メッセージ", exact=True).click()
    member_page.wait_for_url(f"{live_server.url}/orgs/messages/")
    axe_check(member_page)
    rows = inbox_rows(member_page)
    assert len(rows) == 2
    assert rows[0][:3] == ["未読の返信", public_id, "—"]
    assert rows[1][0] == "既読"
    screenshot(member_page, "messaging_org_inbox_unread.png")
    member_page.get_by_role("link", name=f"{public_id} とのやりとり").click()
    member_page.wait_for_url(f"{live_server.url}/orgs/messages/{conversation.pk}/")
    assert "求職者が負担する手数料はありますか。" in thread_items(member_page).last.inner_text()
    axe_check(member_page)
    form = member_page.locator("main form")
    assert form.get_by_role("radio", name="回答").is_checked()
    form.get_by_label(re.compile(r"^件名")).fill("Re: 手数料について")
    form.get_by_label(re.compile(r"^本文")).fill("求職者の方から手数料をいただくことはありません。")
    submit(member_page, form.get_by_role("button", name="送信する"))
    member_page.wait_for_url(f"{live_server.url}/orgs/messages/{conversation.pk}/")
    assert status_text(member_page) == "メッセージを送信しました。"

    # STEP 4–5: the seeker reads the answer and asks to apply.
    page.goto(f"{live_server.url}/seekers/messages/")
    rows = inbox_rows(page)
    assert [(r[0], r[1], r[6]) for r in rows] == [("2", "未読", "Re: 手数料について"), ("1", "読了", GUIDANCE_SUBJECT)]
    page.get_by_role("link", name="No.2 の詳細").click()
    page.wait_for_url(re.compile(r"/seekers/messages/\d+/$"))
    assert "求職者の方から手数料をいただくことはありません。" in thread_items(page).last.inner_text()
    reply(page, kind="求職申込み希望", subject="求職申込みを希望します",
          body="ご説明ありがとうございました。職業紹介サービスの利用を希望します。")
    assert status_text(page) == "返信を送信しました。"
    assert "求職申込み希望" in thread_items(page).last.locator(".thread__meta").inner_text()
    axe_check(page)

    # STEP 6: the agency finds the request through the filter; the form is ready with its procedure.
    member_page.goto(f"{live_server.url}/orgs/messages/")
    member_page.get_by_role("link", name="求職申込み希望のあるやりとりだけ表示").click()
    member_page.wait_for_url(f"{live_server.url}/orgs/messages/?filter=apply")
    [row] = inbox_rows(member_page)
    assert row[:3] == ["未読の返信", public_id, "求職申込み希望"]
    axe_check(member_page)
    screenshot(member_page, "messaging_org_inbox_apply.png")
    member_page.get_by_role("link", name=f"{public_id} とのやりとり").click()
    member_page.wait_for_url(f"{live_server.url}/orgs/messages/{conversation.pk}/")
    assert "求職者から求職申込み希望が届いています" in member_page.locator("main .notice").first.inner_text()
    form = member_page.locator("main form")
    assert form.get_by_role("radio", name="求職申込みの手続き(STEP 6)").is_checked()
    assert form.get_by_label(re.compile(r"^件名")).input_value() == "求職申込みの手続きについて"
    assert form.get_by_label(re.compile(r"^本文")).input_value() == agency.contact_procedure
    axe_check(member_page)
    screenshot(member_page, "messaging_org_procedure_form.png")
    submit(member_page, form.get_by_role("button", name="送信する"))
    member_page.wait_for_url(f"{live_server.url}/orgs/messages/{conversation.pk}/")
    assert status_text(member_page) == "メッセージを送信しました。"
    assert "求職申込み希望が届いています" not in member_page.locator("main").inner_text()
    # Only the first guidance sent an email notice (two conversations, two notices).
    assert [m.to for m in mailoutbox] == [[account.user.email], [other.user.email]]

    # The seeker sees the procedure.
    page.goto(f"{live_server.url}/seekers/messages/")
    assert unread_badge(page).inner_text() == "未読 1 件"
    page.get_by_role("link", name="No.3 の詳細").click()
    page.wait_for_url(re.compile(r"/seekers/messages/\d+/$"))
    procedure = thread_items(page).last
    assert "求職申込みの手続き" in procedure.locator(".thread__meta").inner_text()
    assert procedure.locator(".message-body").inner_text() == agency.contact_procedure
    axe_check(page)
    screenshot(page, "messaging_seeker_procedure.png")
    assert list(Message.objects.filter(conversation=conversation).order_by("created_at", "id")
                .values_list("kind", flat=True)) == ["guidance", "question", "answer", "apply", "procedure"]


def test_decline_closes_the_conversation_for_the_organisation(page, member_page, live_server, cast):
    agency, member, account, public_id = cast
    first = send_first_guidance(member, agency, public_id)

    log_in(page, live_server, account.user.username, "/seekers/")
    page.goto(f"{live_server.url}/seekers/messages/{first.pk}/")
    page.get_by_role("link", name="辞退する(このやりとりを終了)").click()
    page.wait_for_url(f"{live_server.url}/seekers/messages/{first.pk}/decline/")
    # The confirmation shows the text that will be sent; nothing has happened yet.
    assert "この操作は取り消せません。" in page.locator("main").inner_text()
    assert page.get_by_label(re.compile(r"^本文")).input_value() == "ご案内ありがとうございました。今回は辞退させていただきます。"
    assert Conversation.objects.get(pk=first.conversation_id).declined_at is None
    axe_check(page)
    submit(page, page.get_by_role("button", name="辞退を送信する(取り消せません)"))
    page.wait_for_url(f"{live_server.url}/seekers/messages/{first.pk}/")
    assert status_text(page) == "辞退を送信しました。このやりとりは終了しました。"
    assert "このやりとりは辞退により終了しています。" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="返信を送信する").count() == 0
    axe_check(page)
    screenshot(page, "messaging_declined_seeker.png")

    log_in(member_page, live_server, member.email, "/orgs/seekers/")
    member_page.goto(f"{live_server.url}/orgs/messages/{first.conversation_id}/")
    main = member_page.locator("main")
    assert CLOSED_FOR_ORGANIZATION in main.inner_text()
    assert "辞退" in thread_items(member_page).last.locator(".thread__meta").inner_text()
    assert main.locator("form").count() == 0
    assert member_page.get_by_role("button", name="送信する").count() == 0
    axe_check(member_page)
    screenshot(member_page, "messaging_declined_org.png")


def test_block_hides_the_seeker_without_telling_the_organisation(page, member_page, live_server, cast):
    agency, member, account, public_id = cast
    first = send_first_guidance(member, agency, public_id)

    log_in(page, live_server, account.user.username, "/seekers/")
    page.goto(f"{live_server.url}/seekers/messages/{first.pk}/")
    axe_check(page)
    page.get_by_role("link", name="この利用団体をブロックする").click()
    page.wait_for_url(f"{live_server.url}/seekers/messages/{first.pk}/block/")
    assert "あなたの求職情報を閲覧できなくなります" in page.locator("main").inner_text()
    axe_check(page)
    submit(page, page.get_by_role("button", name="ブロックする", exact=True))
    page.wait_for_url(f"{live_server.url}/seekers/messages/{first.pk}/")
    assert status_text(page).startswith("この利用団体をブロックしました。")
    assert "この利用団体はブロック中です" in page.locator("main").inner_text()
    axe_check(page)

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="ブロック設定").click()
    page.wait_for_url(f"{live_server.url}/seekers/settings/blocks/")
    [name] = page.locator("main .block-list__name").all_inner_texts()
    assert name == agency.name
    assert page.get_by_role("button", name=f"{agency.name} のブロックを解除").is_visible()
    axe_check(page)
    screenshot(page, "messaging_blocks.png")

    log_in(member_page, live_server, member.email, "/orgs/seekers/")
    assert public_id not in member_page.locator("main").inner_text()
    member_page.goto(f"{live_server.url}/orgs/messages/{first.conversation_id}/")
    main = member_page.locator("main")
    assert CLOSED_FOR_ORGANIZATION in main.inner_text()
    assert main.locator("form").count() == 0
    # Nor does it keep the content of the conversation (SPEC rule 8): only that it ended.
    assert first.subject not in main.inner_text()
    assert first.body not in main.inner_text()
    # The organisation is not told that it was blocked.
    assert "ブロック" not in member_page.locator("body").inner_text()
    axe_check(member_page)
    screenshot(member_page, "messaging_blocked_org.png")
    response = member_page.goto(f"{live_server.url}/orgs/seekers/{public_id}/")
    assert response.status == 404
    assert "ブロック" not in member_page.locator("body").inner_text()
    axe_check(member_page)


def test_reply_with_a_phone_number_needs_a_confirmation(page, live_server, cast):
    agency, member, account, public_id = cast
    first = send_first_guidance(member, agency, public_id)
    conversation = first.conversation

    log_in(page, live_server, account.user.username, "/seekers/")
    page.goto(f"{live_server.url}/seekers/messages/{first.pk}/")
    confirm = page.get_by_label(re.compile(r"^個人を特定できる情報が含まれていないことを確認しました"))
    assert confirm.count() == 0  # offered only when the text looks identifying
    body = "詳しく聞きたいので、090-1234-5678 までお電話ください。"
    reply(page, kind="問い合わせ", subject="お電話ください", body=body)

    page.wait_for_url(f"{live_server.url}/seekers/messages/{first.pk}/")
    warning = page.get_by_role("alert").filter(has_text="次の情報が含まれている可能性があります")
    assert "電話番号" in warning.inner_text()
    assert confirm.is_visible() and not confirm.is_checked()
    # What the seeker typed is kept for editing, and nothing was sent.
    assert page.get_by_label(re.compile(r"^本文")).input_value() == body
    assert not Message.objects.filter(conversation=conversation, sender=Message.Sender.SEEKER).exists()
    axe_check(page)
    screenshot(page, "messaging_pii_warning.png")

    # Sent again without ticking: still held back.
    submit(page, page.get_by_role("button", name="返信を送信する"))
    page.wait_for_url(f"{live_server.url}/seekers/messages/{first.pk}/")
    assert page.get_by_role("alert").filter(has_text="次の情報が含まれている可能性があります").count() == 1
    assert not Message.objects.filter(conversation=conversation, sender=Message.Sender.SEEKER).exists()

    confirm.check()
    submit(page, page.get_by_role("button", name="返信を送信する"))
    page.wait_for_url(f"{live_server.url}/seekers/messages/{first.pk}/")
    assert status_text(page) == "返信を送信しました。"
    [sent] = Message.objects.filter(conversation=conversation, sender=Message.Sender.SEEKER)
    assert sent.body == body
    assert sent.kind == Message.Kind.QUESTION


def test_reply_with_a_name_only_the_ner_model_finds_needs_a_confirmation(page, live_server, cast):
    """No pattern of the rules matches 「サトウ ハナコです。」; the Japanese NER model (seekers.pii_ner)
    finds the person's name, and the reply waits for the seeker's confirmation like any finding."""
    agency, member, account, public_id = cast
    first = send_first_guidance(member, agency, public_id)

    log_in(page, live_server, account.user.username, "/seekers/")
    page.goto(f"{live_server.url}/seekers/messages/{first.pk}/")
    body = "サトウ ハナコです。面接の日程を相談させてください。"
    reply(page, kind="問い合わせ", subject="日程のご相談", body=body)

    page.wait_for_url(f"{live_server.url}/seekers/messages/{first.pk}/")
    warning = page.get_by_role("alert").filter(has_text="次の情報が含まれている可能性があります")
    assert "氏名" in warning.inner_text()
    assert page.get_by_label(re.compile(r"^本文")).input_value() == body
    assert not Message.objects.filter(conversation=first.conversation, sender=Message.Sender.SEEKER).exists()
