"""Messaging on a phone (issue "Phone first and humane", items 1, 2 and 7), in Chromium at 390 × 844 and
360 px wide: メッセージ一覧 and the organisation's search results and inbox as cards whose whole card
opens the item, a thread whose long message folds and whose reply form is a jump away, an over-long
reply refused beside the field with the text kept, and the 辞退 / ブロック confirmation pages, with
JavaScript and without. On a desktop the same lists keep the leaflet's table. Each phone page is
screenshot into test-artifacts/ (phone-*.png)."""

import re

import pytest

from accounts.tests.factories import DEFAULT_PASSWORD
from messaging.models import Conversation, Message
from messaging.services import guidance_send, org_reply, seeker_reply
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers.models import Block, Profile
from seekers.tests.factories import SeekerAccountFactory
from tests.browser.test_messaging_journey import log_in, status_text, submit
from tests.conftest import axe_check, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

PHONE = {"width": 390, "height": 844}
NARROWEST = 360
LEAFLET_COLUMNS = ["No.", "状態", "日付", "送信元", "受信先", "受信日時", "件名", "本文", "詳細"]
# The tick box for guidance to many and the organisation's history with the seeker (issue 16), then the leaflet's.
SEARCH_COLUMNS = ["選択", "公開ID", "やりとり", "希望する仕事", "希望勤務地", "希望就業形態", "希望月収", "詳細"]
LONG_TAIL = "以上、長文のご案内の最後の一文です。"
LONG_BODY = (
    "介護職の求人について、詳しくご案内します。\n"
    + "当社では首都圏を中心に、特別養護老人ホームや訪問介護の求人を多数取り扱っています。" * 120
    + "\n" + LONG_TAIL
)


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def cast(settings):
    """A seeker with a long guidance and its unread answer from an agency, and an unread guidance from a
    municipality; the agency sees three more seekers in its search and talks with two of them."""
    settings.REQUIRE_MFA = False  # TOTP has its own tests; here it would only add a step
    agency = OrganizationFactory(name="みらい人材紹介株式会社")
    member = MemberFactory(organization=agency).user
    city = OrganizationFactory(municipality=True)
    city_member = MemberFactory(organization=city).user
    account = SeekerAccountFactory()

    def guide(sender, organization, seeker, subject, body):
        return guidance_send(actor=sender, organization=organization, public_id=public_id(seeker), subject=subject,
                             body=body)

    long_guidance = guide(member, agency, account, "介護職の求人のご案内(詳細)", LONG_BODY)
    Message.objects.filter(pk=long_guidance.pk).update(read_at=long_guidance.created_at)
    seeker_reply(actor=account.user, account=account, conversation=long_guidance.conversation, kind="question",
                 subject="夜勤について", body="夜勤の回数を教えてください。")
    answer = org_reply(actor=member, organization=agency, conversation=long_guidance.conversation, kind="answer",
                       subject="Re: 夜勤について", body="夜勤は月4回程度です。")
    city_guidance = guide(city_member, city, account, "市の就職支援センターからのご案内", "就職相談会のお知らせです。")
    others = [SeekerAccountFactory() for _ in range(3)]
    for other in others[:2]:
        guide(member, agency, other, "事務職の求人のご案内", "事務職の求人があります。")
    seeker_reply(actor=others[0].user, account=others[0],
                 conversation=Conversation.objects.get(organization=agency, account=others[0]), kind="apply",
                 subject="申込みを希望します", body="職業紹介サービスの利用を希望します。")
    return {"agency": agency, "member": member, "city": city, "account": account, "long": long_guidance,
            "answer": answer, "city_guidance": city_guidance}


def public_id(account) -> str:
    return Profile.objects.get(pk=account.application_id).public_id


def fits(page, name: str) -> None:
    """No sideways scroll at 390 px nor at 360 px (then back to 390)."""
    for width in (PHONE["width"], NARROWEST):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{name} scrolls sideways at {width} px: {scroll} > {inner}"
    page.set_viewport_size(PHONE)


def cards(page):
    return page.locator("main table.table--cards tbody tr")


def card_links_inside(page, expected: int) -> None:
    """Every card's one link lies inside the viewport (the issue's 詳細 at x≈515 px), as does the card."""
    width = page.viewport_size["width"]
    assert cards(page).count() == expected
    for index in range(expected):
        card = cards(page).nth(index)
        link = card.locator("td.cell--link a")
        assert link.count() == 1
        for box in (card.bounding_box(), link.bounding_box()):
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (index, box)


def top(locator) -> float:
    return locator.bounding_box()["y"]


def tap(page, locator) -> None:
    """A tap on the middle of an element as a finger would (what is on top there receives it: on a
    card, the card's stretched link), waiting for the page it opens."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    with page.expect_navigation():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def check_phone_page(page, name: str) -> None:
    fits(page, name)
    axe_check(page)
    screenshot(page, f"phone-{name}.png")


def test_the_seekers_messages_on_a_phone(phone, live_server, cast):
    page = phone
    account, long_guidance = cast["account"], cast["long"]
    for url in ("/accounts/login/", "/seekers/register/"):
        page.goto(f"{live_server.url}{url}")
        fits(page, url)
    log_in(page, live_server, account.user.username, "/seekers/")
    check_phone_page(page, "seeker-home")
    # The site's layout (header, menu, forms) fits on every page of the seeker's menu.
    menu = page.get_by_role("navigation", name="メインメニュー").get_by_role("link")
    for url in [menu.nth(i).get_attribute("href") for i in range(menu.count())]:
        page.goto(f"{live_server.url}{url}")
        fits(page, url)

    # メッセージ一覧: cards, 送信元 / 件名 / 受信日時 / 状態 first, unread ones marked in words.
    page.goto(f"{live_server.url}/seekers/messages/")
    card_links_inside(page, 3)
    first = cards(page).first
    assert "is-unread" in first.get_attribute("class")
    assert first.locator(".status--unread").inner_text() == "未読"
    assert first.locator(".status--unread").evaluate("e => getComputedStyle(e).fontWeight") == "700"
    sender, subject, received, status, number = (
        first.locator(f"td[data-label='{label}']") for label in ("送信元", "件名", "受信日時", "状態", "No.")
    )
    assert top(sender) < top(subject) < top(received) < top(number)
    assert abs(top(status) - top(sender)) < 12  # the badge sits on the sender's line
    assert cards(page).nth(2).locator(".status--read").inner_text() == "読了"
    assert "is-read" in cards(page).nth(2).get_attribute("class")
    check_phone_page(page, "seeker-inbox")

    # The whole card opens the message: a tap on its subject follows the card's link.
    tap(page, cards(page).nth(1).locator("td[data-label='件名']"))
    assert page.url == f"{live_server.url}/seekers/messages/{cast['answer'].pk}/"

    # The thread: the long guidance is folded to its first lines; the newest message and the form
    # are a jump away.
    main = page.locator("main")
    folded = page.locator(f"#m{long_guidance.pk} details.message-more")
    assert page.locator(f"#m{long_guidance.pk}").get_by_text("介護職の求人について、詳しくご案内します。").is_visible()
    assert not main.get_by_text(LONG_TAIL).is_visible()
    assert page.get_by_role("link", name="最新のメッセージへ").is_visible()
    check_phone_page(page, "seeker-thread")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 6 * PHONE["height"], height
    folded.locator("summary").click()
    assert main.get_by_text(LONG_TAIL).is_visible()
    assert folded.locator("summary").inner_text() == "折りたたむ"
    folded.locator("summary").click()
    assert not main.get_by_text(LONG_TAIL).is_visible()

    page.get_by_role("link", name="返信フォームへ").click()
    page.wait_for_url(re.compile(r"#reply$"))
    heading = page.get_by_role("heading", name="返信する")
    box = heading.bounding_box()
    assert 0 <= box["y"] < PHONE["height"], box

    # The counter, and an over-long text refused beside the field with every character kept.
    body = page.get_by_label(re.compile(r"^本文"))
    assert body.get_attribute("maxlength") is None
    body.fill("夜勤のない日")
    assert page.locator(".char-count").inner_text() == "6 / 10,000文字"
    too_long = "あ" * 10_050
    body.fill(too_long)
    assert page.locator(".char-count").inner_text() == "50文字多すぎます(10,050 / 10,000文字)"
    page.get_by_role("radio", name=re.compile("^問い合わせ")).check()
    page.get_by_label(re.compile(r"^件名")).fill("長い質問")
    submit(page, page.get_by_role("button", name="返信を送信する"))
    error = page.locator("#id_body_error")
    assert error.inner_text() == "本文は10,000文字以内にしてください(入力された文字数: 10,050文字)。"
    assert body.input_value() == too_long
    assert "返信を送信しました。" not in main.inner_text()
    assert not Message.objects.filter(subject="長い質問").exists()
    fits(page, "seeker-thread-refused")
    axe_check(page)
    screenshot(page, "phone-seeker-reply-too-long.png")

    # 辞退: the confirmation page shows the text to be sent and what it does.
    page.goto(f"{live_server.url}/seekers/messages/{long_guidance.pk}/")
    page.get_by_role("link", name="辞退する(このやりとりを終了)").click()
    page.wait_for_url(f"{live_server.url}/seekers/messages/{long_guidance.pk}/decline/")
    assert "この操作は取り消せません。" in main.inner_text()
    assert page.get_by_label(re.compile(r"^件名")).input_value() == "辞退します"
    check_phone_page(page, "seeker-decline")
    assert Conversation.objects.get(pk=long_guidance.conversation_id).declined_at is None
    page.get_by_label(re.compile(r"^本文")).fill("ご丁寧にありがとうございました。今回は見送ります。")
    submit(page, page.get_by_role("button", name="辞退を送信する(取り消せません)"))
    page.wait_for_url(f"{live_server.url}/seekers/messages/{long_guidance.pk}/")
    assert status_text(page) == "辞退を送信しました。このやりとりは終了しました。"
    assert Message.objects.get(kind="decline").body == "ご丁寧にありがとうございました。今回は見送ります。"

    # ブロック: the confirmation page says what it does and where it is undone.
    city_guidance = cast["city_guidance"]
    page.goto(f"{live_server.url}/seekers/messages/{city_guidance.pk}/")
    page.get_by_role("link", name="この利用団体をブロックする").click()
    page.wait_for_url(f"{live_server.url}/seekers/messages/{city_guidance.pk}/block/")
    assert "あなたの求職情報を閲覧できなくなります" in main.inner_text()
    assert main.get_by_role("link", name="ブロック設定").is_visible()
    check_phone_page(page, "seeker-block")
    assert not Block.objects.exists()
    submit(page, page.get_by_role("button", name="ブロックする", exact=True))
    page.wait_for_url(f"{live_server.url}/seekers/messages/{city_guidance.pk}/")
    assert status_text(page).startswith("この利用団体をブロックしました。")
    assert Block.objects.filter(account=cast["account"], organization=cast["city"]).exists()


def test_the_organisations_lists_on_a_phone(phone, live_server, cast):
    page = phone
    log_in(page, live_server, cast["member"].email, "/orgs/seekers/")

    # The search results: the form and its results fit, every result a card; the long form is
    # skipped by a jump link.
    page.get_by_role("link", name="検索結果へ").click()
    assert -1 <= top(page.get_by_role("heading", name="検索結果 4件")) < PHONE["height"]  # sub-pixel scroll
    card_links_inside(page, 4)
    first = cards(page).first
    assert top(first.locator("td[data-label='公開ID']")) < top(first.locator("td[data-label='希望する仕事']"))
    check_phone_page(page, "org-search")
    pid = first.locator("td[data-label='公開ID']").inner_text().removeprefix("公開ID").strip()
    tap(page, first.locator("td[data-label='希望勤務地']"))
    assert page.url == f"{live_server.url}/orgs/seekers/{pid}/"

    # The inbox: the conversation with an unread 求職申込み希望 first, marked in words.
    page.goto(f"{live_server.url}/orgs/messages/")
    card_links_inside(page, 3)
    first = cards(page).first
    assert first.locator(".status--unread").inner_text() == "未読の返信"
    assert first.locator(".badge").inner_text() == "求職申込み希望"
    check_phone_page(page, "org-inbox")
    tap(page, first.locator("td[data-label='最終メッセージ']"))
    assert re.search(r"/orgs/messages/\d+/$", page.url)
    check_phone_page(page, "org-thread")


def test_the_confirmations_work_without_javascript(browser, live_server, cast):
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE,
                                  java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        account, long_guidance, city_guidance = cast["account"], cast["long"], cast["city_guidance"]
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label(re.compile(r"^ユーザID")).fill(account.user.username)
        page.get_by_label(re.compile(r"^パスワード")).fill(DEFAULT_PASSWORD)
        submit(page, page.locator("main form").get_by_role("button", name="ログイン"))

        page.goto(f"{live_server.url}/seekers/messages/{long_guidance.pk}/")
        main = page.locator("main")
        assert not main.get_by_text(LONG_TAIL).is_visible()
        page.locator(f"#m{long_guidance.pk} summary").click()  # <details> needs no script
        assert main.get_by_text(LONG_TAIL).is_visible()
        assert page.locator(".char-count").count() == 0  # no script, no counter; the page works

        page.get_by_role("link", name="辞退する(このやりとりを終了)").click()
        page.wait_for_url(f"{live_server.url}/seekers/messages/{long_guidance.pk}/decline/")
        submit(page, page.get_by_role("button", name="辞退を送信する(取り消せません)"))
        assert page.url == f"{live_server.url}/seekers/messages/{long_guidance.pk}/"
        assert "このやりとりは辞退により終了しています。" in main.inner_text()

        page.goto(f"{live_server.url}/seekers/messages/{city_guidance.pk}/")
        page.get_by_role("link", name="この利用団体をブロックする").click()
        page.wait_for_url(f"{live_server.url}/seekers/messages/{city_guidance.pk}/block/")
        submit(page, page.get_by_role("button", name="ブロックする", exact=True))
        assert "この利用団体はブロック中です" in main.inner_text()
        assert Block.objects.filter(account=account, organization=cast["city"]).exists()
    finally:
        context.close()


def visible_headers(page) -> list[str]:
    headers = page.locator("main table thead th")
    assert all(headers.nth(i).is_visible() for i in range(headers.count()))
    return [text.strip() for text in headers.all_inner_texts()]


def test_wide_screens_keep_the_leaflets_table(page, new_page, live_server, cast):
    log_in(page, live_server, cast["account"].user.username, "/seekers/")
    page.goto(f"{live_server.url}/seekers/messages/")

    assert visible_headers(page) == LEAFLET_COLUMNS
    row = page.locator("main table tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).display") == "table-row"
    tops = {round(top(cell)) for cell in row.locator("td").all()}
    assert len(tops) == 1  # one line of cells, not a card
    axe_check(page)
    screenshot(page, "wide-seeker-inbox.png")

    member_page = new_page()
    log_in(member_page, live_server, cast["member"].email, "/orgs/seekers/")
    assert visible_headers(member_page) == SEARCH_COLUMNS
    screenshot(member_page, "wide-org-search.png")
    member_page.goto(f"{live_server.url}/orgs/messages/")
    assert visible_headers(member_page) == ["状態", "求職者", "求職申込み希望", "最終メッセージ", "詳細"]
