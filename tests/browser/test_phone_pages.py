"""Every seeker-facing page on a phone (issue 13): at 390 px and at 360 px nothing scrolls sideways, the
form controls are big enough for a thumb, and axe-core finds nothing serious or critical, in Japanese
and in English. The organisation's search is held to the same, and on メッセージ一覧 every message's
link must be on the screen.

The same walk, in Japanese at 390 px over the demo data (`seed_demo`), writes the screenshots of
docs/screens/: `SCREENS_DIR=docs/screens .venv/bin/python -m pytest tests/browser/test_phone_pages.py::test_screens`
(without SCREENS_DIR they go to test-artifacts/screens/)."""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings as django_settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from accounts.tests.factories import DEFAULT_PASSWORD
from compliance import services as compliance_services
from compliance.tests.factories import ComplaintFactory, DeletionRequestFactory
from messaging.models import Conversation, Message
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.models import Member, Organization
from organizations.tests.factories import MemberFactory, OrganizationFactory
from seekers import services as seeker_services
from seekers.tests.factories import SeekerAccountFactory, SeekerUserFactory
from tests.conftest import ARTIFACTS, axe_check

ROOT = Path(__file__).resolve().parents[2]
SCREENS_DOCS = ROOT / "docs" / "screens"


def in_the_browser(test):
    """A browser test on a transactional database (the live server reads it from its own thread)."""
    for mark in (pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")):
        test = mark(test)
    return test


PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}
# WCAG 2.5.5's 44 CSS px, the height of a thumb's touch: every button, text field and select.
TAP_TARGET_PX = 44
LANGUAGES = ["ja", "en"]

# Long words are what push a phone page sideways: an organisation's full name, an address, a URL pasted
# into a message.
LONG_ORGANIZATION = "社会福祉法人みらい福祉会 介護人材センター(東京都・神奈川県・埼玉県・千葉県)"
LONG_EMAIL = "yamada.taro.kyushoku-2026@mail.example-provider.ne.jp"
LONG_URL = "https://recruit.example.jp/kaigo/tokyo/setagaya/tokubetsu-yogo-rojin-home/2026/entry?ref=hellowork"
GUIDANCE_BODY = (
    "はじめまして。社会福祉法人みらい福祉会の採用担当です。\n"
    "ご希望の条件(世田谷区内・日勤のみ・月収22万円以上)に合う特別養護老人ホームの介護職の求人がございます。\n"
    "\n"
    "■ 勤務地: 東京都世田谷区(小田急線 千歳船橋駅 徒歩8分)\n"
    "■ 勤務時間: 8:30〜17:30(休憩60分)、夜勤なし\n"
    "■ 給与: 月給220,000円〜260,000円(資格手当・処遇改善手当を含む)\n"
    "■ 休日: 4週8休、年間休日115日\n"
    "\n"
    f"求人の詳細は当法人の採用ページ {LONG_URL} でもご覧いただけます。\n"
    "ご質問があれば、このメッセージに返信してください。"
)


@dataclass
class World:
    """Who and what the pages show: a started seeker with conversations, a registered seeker who has
    not done the first login, a seeker after the first login who has not yet confirmed the review of
    their profile, and a member of an approved organisation."""

    seeker: User
    password: str
    thread_message_id: int
    newcomer: User
    member: User
    reviewer: User


@dataclass(frozen=True)
class Screen:
    """One page: how to open it (a URL name, a path from the world, or steps), as whom, and the status
    it answers with."""

    name: str
    url: str | Callable[[World], str] = ""
    who: str = "anonymous"  # or "seeker", "newcomer", "reviewer", "member"
    status: int = 200
    steps: Callable | None = None  # (page, base_url, world, language) -> HTTP status, instead of a GET
    settings: dict = field(default_factory=dict)

    def path(self, world: World) -> str:
        if callable(self.url):
            return self.url(world)
        return reverse(self.url)


# --- pages that need more than a GET --------------------------------------------------------------


def registration_done(page, base: str, world: World, language: str) -> int:
    """The page right after 利用登録, with the address and the key's expiry the registration left in
    the session (what seekers.views_seekers.register stores)."""
    store = import_module(django_settings.SESSION_ENGINE).SessionStore()
    store["registered_email"] = LONG_EMAIL
    store["registered_key_expires_at"] = (timezone.now() + django_settings.AUTH_KEY_LIFETIME).isoformat()
    store.create()
    page.context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": store.session_key, "url": base}])
    return page.goto(base + reverse("seekers_seekers:register_done")).status


def registration_refused(page, base: str, world: World, language: str) -> int:
    """利用登録 sent empty: every field says what it needs."""
    page.goto(base + reverse("seekers_seekers:register"))
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    return navigation.value.status


def user_id_reminder_done(page, base: str, world: World, language: str) -> int:
    page.goto(base + reverse("seekers_seekers:forgot_user_id"))
    page.locator("input[name=kyushoku_number]").fill(world.seeker.seeker_account.application.kyushoku_number)
    page.locator("input[name=birth_date]").fill("平成2年4月1日")
    page.locator("input[name=email]").fill(LONG_EMAIL)
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    return navigation.value.status


def login_with_email(page, base: str, world: World, language: str) -> int:
    """A seeker who types their email at the login is shown the way to their ユーザID."""
    page.goto(base + reverse("account_login"))
    page.locator("input[name=login]").fill(world.seeker.email)
    page.locator("input[name=password]").fill("not-the-password")
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    return navigation.value.status


def password_reset_with_key(page, base: str, world: World, language: str) -> int:
    """The link of the reissue mail, as the seeker opens it (allauth moves the key into the session
    and shows the form at .../set-password/)."""
    user = world.seeker
    path = reverse("account_reset_password_from_key",
                   kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)})
    return page.goto(base + path).status


def too_many_login_failures(page, base: str, world: World, language: str) -> int:
    """allauth's limit on wrong passwords (templates/429.html); the screen's settings make it one."""
    status = 0
    for _attempt in range(2):
        page.goto(base + reverse("account_login"))
        page.locator("input[name=login]").fill(world.seeker.username)
        page.locator("input[name=password]").fill("not-the-password")
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").click()
        status = navigation.value.status
    return status


def _post_built_form(page, fields: list[tuple[str, str]]) -> int:
    """Submit a form made in the page (to the page's own URL) with these fields and the CSRF token,
    as a browser would send an oversized or malformed form."""
    with page.expect_navigation() as navigation:
        page.evaluate(
            """(fields) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = location.pathname;
                const token = document.querySelector("input[name=csrfmiddlewaretoken]");
                for (const [name, value] of [["csrfmiddlewaretoken", token.value], ...fields]) {
                    const input = document.createElement("textarea");
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            fields,
        )
    return navigation.value.status


def too_many_fields(page, base: str, world: World, language: str) -> int:
    """Over DATA_UPLOAD_MAX_NUMBER_FIELDS: Django answers 400 (templates/400.html)."""
    page.goto(base + reverse("compliance_seekers:complaint_new"))
    count = django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
    return _post_built_form(page, [(f"field{n}", "x") for n in range(count)])


def too_large_body(page, base: str, world: World, language: str) -> int:
    """Over REQUEST_BODY_MAX_SIZE: accounts.middleware answers 413 (templates/413.html)."""
    page.goto(base + reverse("compliance_seekers:complaint_new"))
    return _post_built_form(page, [("body", "a" * (django_settings.REQUEST_BODY_MAX_SIZE + 1))])


def server_error(page, base: str, world: World, language: str) -> int:
    """templates/500.html as django.views.defaults.server_error renders it (no request, no context),
    served at a path of the site so that its stylesheet loads as it would."""
    with translation.override(language):
        html = render_to_string("500.html")
    url = f"{base}/server-error-page/"
    page.route(url, lambda route: route.fulfill(status=500, content_type="text/html; charset=utf-8", body=html))
    return page.goto(url).status


def _thread(world: World) -> str:
    return reverse("messaging_seekers:detail", args=[world.thread_message_id])


def blocks_search(page, base: str, world: World, language: str) -> int:
    """ブロック設定 after a search by name (both worlds have organisations named デモ…)."""
    page.goto(base + reverse("seekers_seekers:blocks"))
    page.locator("main input[name=name]").fill("デモ")
    with page.expect_navigation() as navigation:
        page.locator("main form.search-form button[type=submit]").click()
    return navigation.value.status


def block_organization(page, base: str, world: World, language: str) -> int:
    """ブロックの確認 of an organisation, as メッセージ一覧 links to it (with where to return)."""
    organization = Organization.objects.get(name="デモ県ナースセンター")
    path = reverse("seekers_seekers:block_organization", args=[organization.pk])
    return page.goto(f"{base}{path}?next={reverse('messaging_seekers:inbox')}").status


SCREENS = [
    # Anyone
    Screen("index", "home"),
    Screen("login", "account_login"),
    Screen("login_email_typed", steps=login_with_email),
    Screen("register", "seekers_seekers:register"),
    Screen("register_refused", steps=registration_refused),
    Screen("register_done", steps=registration_done),
    Screen("terms", "seekers_seekers:terms"),
    Screen("forgot_user_id", "seekers_seekers:forgot_user_id"),
    Screen("forgot_user_id_done", steps=user_id_reminder_done),
    Screen("password_reset", "account_reset_password"),
    Screen("password_reset_done", "account_reset_password_done"),
    Screen("password_reset_from_key", steps=password_reset_with_key),
    Screen("password_reset_from_key_used",
           lambda world: reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "used-link"})),
    Screen("password_reset_from_key_done", "account_reset_password_from_key_done"),
    # The first login's second step
    Screen("auth_key", "seekers_seekers:auth_key", who="newcomer"),
    # After the 認証キー, before publication: the review
    Screen("profile_review", "seekers_seekers:profile_review", who="reviewer"),
    # A started seeker
    Screen("home", "seekers_seekers:home", who="seeker"),
    Screen("messages", "messaging_seekers:inbox", who="seeker"),
    Screen("thread", _thread, who="seeker"),
    Screen("decline", lambda world: reverse("messaging_seekers:decline", args=[world.thread_message_id]), who="seeker"),
    Screen("block", lambda world: reverse("messaging_seekers:block", args=[world.thread_message_id]), who="seeker"),
    Screen("profile", "seekers_seekers:profile", who="seeker"),
    Screen("conditions", "seekers_seekers:conditions", who="seeker"),
    Screen("blocks", "seekers_seekers:blocks", who="seeker"),
    Screen("blocks_search", who="seeker", steps=blocks_search),
    Screen("block_organization", who="seeker", steps=block_organization),
    Screen("stop", "seekers_seekers:stop", who="seeker"),
    Screen("deletion_requests", "compliance_seekers:deletion_requests", who="seeker"),
    Screen("complaints", "compliance_seekers:complaints", who="seeker"),
    Screen("complaint_new", "compliance_seekers:complaint_new", who="seeker"),
    Screen("my_data", "compliance_seekers:my_data", who="seeker"),
    # The error pages, as a seeker meets them
    Screen("error_400", who="seeker", status=400, steps=too_many_fields),
    Screen("error_403", "seekers_orgs:search", who="seeker", status=403),
    Screen("error_404", lambda world: reverse("messaging_seekers:detail", args=[2**62]), who="seeker", status=404),
    Screen("error_413", who="seeker", status=413, steps=too_large_body),
    Screen("error_429", status=429, steps=too_many_login_failures,
           settings={"ACCOUNT_RATE_LIMITS": {"login_failed": "1/m/key"}}),
    Screen("error_500", status=500, steps=server_error),
    # The organisation's side of the same lists (issue 13: its results squeeze like メッセージ一覧)
    Screen("org_search", "seekers_orgs:search", who="member"),
    Screen("org_inbox", "messaging_orgs:inbox", who="member"),
    Screen("org_deletion_requests", "compliance_orgs:deletion_requests", who="member"),
]


# --- the world ------------------------------------------------------------------------------------


def phone_world() -> World:
    """Factories, with the long names and the pasted URL that push a narrow page sideways."""
    organization = OrganizationFactory(name=LONG_ORGANIZATION)
    account = SeekerAccountFactory(user__email=LONG_EMAIL)
    conversation = ConversationFactory(organization=organization, account=account)
    first = MessageFactory(conversation=conversation, subject="介護職(特別養護老人ホーム・日勤のみ)の求人のご案内",
                           body=GUIDANCE_BODY, read=True)
    MessageFactory(conversation=conversation, reply=True, subject="Re: 介護職の求人のご案内",
                   body="見学はできますか。土曜日を希望します。")
    MessageFactory(conversation=conversation, subject="Re: 見学について", body="土曜日の見学も承ります。")
    others = [ConversationFactory(organization=OrganizationFactory(name=name), account=account)
              for name in ("株式会社デモキャリア紹介", "デモ県ナースセンター")]
    for other in others:
        MessageFactory(conversation=other, subject=f"{other.organization.name}からのご案内", read=True)
    ComplaintFactory(conversation=conversation)
    DeletionRequestFactory(conversation=others[0])
    seeker_services.block_add(actor=account.user, account=account,
                              organization_id=OrganizationFactory(name="株式会社ブロック済みの人材サービス").pk)
    return World(
        seeker=account.user, password=DEFAULT_PASSWORD, thread_message_id=first.pk,
        newcomer=SeekerAccountFactory(first_login_at=None).user,
        member=MemberFactory(organization=organization).user,
        reviewer=reviewer(),
    )


def reviewer(**user) -> User:
    """After the 認証キー, before the confirmation; a pasted address in one free-text field, which the
    PII guard withholds (the review page lists it)."""
    account = SeekerAccountFactory(
        profile_confirmed_at=None, user=SeekerUserFactory(**user),
        application__profile__appeal_points=f"連絡は {LONG_EMAIL} までお願いします。",
    )
    seeker_services.profile_screen(actor=None, profile=account.application.profile)
    return account.user


def demo_world() -> World:
    """The data of `make run` (devtools seed_demo, fewer applications), with one of each thing the
    seeker pages list: a complaint, a deletion request, a block."""
    from devtools.management.commands.seed_demo import DEMO_PASSWORD, SEEKER_ID

    call_command("seed_demo", applications=40, stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    seeker = User.objects.get(username=SEEKER_ID)
    account = seeker.seeker_account
    conversations = list(Conversation.objects.filter(account=account).order_by("pk"))
    first = Message.objects.filter(conversation=conversations[0]).order_by("pk").first()
    Message.objects.filter(pk=first.pk).update(body=GUIDANCE_BODY)
    compliance_services.complaint_file(
        actor=seeker, account=account, conversation=conversations[-1],
        body="職業紹介とは関係のない、自社の健康食品の販売案内が届きました。",
    )
    compliance_services.deletion_request_create(actor=seeker, account=account, organization_id=conversations[1].organization_id)
    seen = {c.organization_id for c in conversations}
    unseen = Organization.objects.exclude(pk__in=seen).order_by("pk").first()
    seeker_services.block_add(actor=seeker, account=account, organization_id=unseen.pk)
    member = Member.objects.select_related("user").filter(organization=conversations[0].organization).first().user
    newcomer = SeekerAccountFactory(first_login_at=None, user=SeekerUserFactory(password=DEMO_PASSWORD)).user
    return World(seeker=seeker, password=DEMO_PASSWORD, thread_message_id=first.pk, newcomer=newcomer, member=member,
                 reviewer=reviewer(password=DEMO_PASSWORD))


# --- steps and checks -----------------------------------------------------------------------------


def sign_in(page, base: str, login: str, password: str) -> None:
    """The login as people use it: /accounts/login/ with the ユーザID (or a member's email)."""
    page.goto(base + reverse("account_login"))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert urlsplit(page.url).path != reverse("account_login"), f"{login} could not log in"


def open_screen(page, base: str, screen: Screen, world: World, language: str) -> int:
    users = {"seeker": world.seeker, "newcomer": world.newcomer, "member": world.member, "reviewer": world.reviewer}
    if screen.who in users:
        user = users[screen.who]
        sign_in(page, base, user.email if screen.who == "member" else user.username, world.password)
    # The language the footer's switch would set (django.views.i18n.set_language stores this cookie).
    page.context.add_cookies([{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])
    if screen.steps is not None:
        return screen.steps(page, base, world, language)
    path = screen.path(world)
    status = page.goto(base + path).status
    assert urlsplit(page.url).path == path, f"{screen.name}: {path} led to {page.url}"
    return status


SIDEWAYS_JS = """() => {
    const width = window.innerWidth;
    const wide = [];
    for (const element of document.querySelectorAll("body *")) {
        const box = element.getBoundingClientRect();
        if (box.width > 0 && box.right > width + 0.5) {
            const classes = typeof element.className === "string" && element.className.trim()
                ? "." + element.className.trim().split(/\\s+/).join(".") : "";
            wide.push(`${element.tagName.toLowerCase()}${classes} (right edge ${Math.round(box.right)} px)`);
        }
    }
    return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 8)};
}"""

SMALL_CONTROLS_JS = """(minimum) => {
    const selector = "button, .button, select, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio])";
    return [...document.querySelectorAll(selector)]
        .filter((element) => element.getClientRects().length && !element.closest(".visually-hidden"))
        .map((element) => [element, element.getBoundingClientRect()])
        .filter(([, box]) => box.height < minimum - 0.5)
        .map(([element, box]) =>
            `${element.tagName.toLowerCase()} "${(element.innerText || element.name || "").trim().slice(0, 30)}" `
            + `${Math.round(box.width)}x${Math.round(box.height)} px`);
}"""


def assert_no_sideways_scroll(page, screen: Screen) -> None:
    found = page.evaluate(SIDEWAYS_JS)
    assert found["scrollWidth"] <= found["width"], (
        f"{screen.name} scrolls sideways at {found['width']} px (page {found['scrollWidth']} px wide); "
        f"past the right edge: {found['wide']}"
    )


def assert_thumb_sized_controls(page, screen: Screen) -> None:
    small = page.evaluate(SMALL_CONTROLS_JS, TAP_TARGET_PX)
    assert not small, f"{screen.name}: controls under {TAP_TARGET_PX} px tall: {small}"


def assert_message_links_on_screen(page) -> None:
    """メッセージ一覧: each message's link lies inside the viewport (on the leaflet's wide table the only
    link, 詳細, sat at x≈515 px)."""
    width = page.evaluate("window.innerWidth")
    links = page.locator("main a[href*='/seekers/messages/']")
    assert links.count() >= 3, "メッセージ一覧 shows fewer messages than the seeker has"
    for index in range(links.count()):
        box = links.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (
            f"message link {index + 1} ({links.nth(index).inner_text()!r}) lies outside the {width} px screen: {box}"
        )


@in_the_browser
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_page_fits_a_phone(page, live_server, settings, screen, language):
    # The site's viewport meta is width=device-width, so a resized desktop context lays out as a phone.
    page.set_viewport_size(PHONE)
    settings.REQUIRE_MFA = False  # the member's TOTP has its own tests; here it would only add a step
    for name, value in screen.settings.items():
        setattr(settings, name, value)
    world = phone_world()

    status = open_screen(page, live_server.url, screen, world, language)

    assert status == screen.status, f"{screen.name} answered {status}"
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("main h1").count() == 1, f"{screen.name} has no single heading"
    assert_no_sideways_scroll(page, screen)
    assert_thumb_sized_controls(page, screen)
    if screen.name == "messages":
        assert_message_links_on_screen(page)
    axe_check(page)
    page.set_viewport_size(NARROW)
    assert_no_sideways_scroll(page, screen)
    if screen.name == "messages":
        assert_message_links_on_screen(page)


# --- the screenshots of docs/screens/ -------------------------------------------------------------

# Each picture stays under this size: a page whose full height would be larger (the front page) is cut
# at the height that fits.
SCREEN_MAX_BYTES = 400 * 1024


def full_page_png(page) -> bytes:
    height = page.evaluate("document.documentElement.scrollHeight")
    while True:
        png = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": PHONE["width"], "height": height})
        if len(png) <= SCREEN_MAX_BYTES or height <= PHONE["height"]:
            return png
        height = max(PHONE["height"], int(height * SCREEN_MAX_BYTES / len(png) * 0.95))


@in_the_browser
def test_screens(page, live_server, settings):
    """Each screen in Japanese at 390 px over the demo data, as docs/screens/<name>.png (SCREENS_DIR)."""
    settings.REQUIRE_MFA = False
    out = Path(os.environ.get("SCREENS_DIR") or ARTIFACTS / "screens")
    out.mkdir(parents=True, exist_ok=True)
    world = demo_world()
    page.set_viewport_size(PHONE)
    written = []
    for screen in SCREENS:
        previous = {name: getattr(settings, name) for name in screen.settings}
        for name, value in screen.settings.items():
            setattr(settings, name, value)
        try:
            status = open_screen(page, live_server.url, screen, world, "ja")
            assert status == screen.status, f"{screen.name} answered {status}"
            assert page.locator("main h1").count() == 1, f"{screen.name} has no single heading"
            assert_no_sideways_scroll(page, screen)
            path = out / f"{screen.name}.png"
            path.write_bytes(full_page_png(page))
            written.append(path)
        finally:
            # The next screen starts signed out, as in a fresh browser.
            page.context.clear_cookies()
            page.unroute_all()
            for name, value in previous.items():
                setattr(settings, name, value)
    too_large = [path.name for path in written if path.stat().st_size > SCREEN_MAX_BYTES]
    assert not too_large, f"screenshots over {SCREEN_MAX_BYTES // 1024} KB: {too_large}"
    print("\n".join(f"{path} {path.stat().st_size // 1024} KB" for path in written))


def test_every_screen_is_committed_and_shown_in_the_readme():
    """docs/screens/ holds a picture of every screen and the README's "Screens (390 px)" shows each."""
    readme = (ROOT / "README.md").read_text()
    assert "## Screens (390 px)" in readme
    section = readme.split("## Screens (390 px)", 1)[1].split("\n## ", 1)[0]
    not_shown = [screen.name for screen in SCREENS if f"docs/screens/{screen.name}.png" not in section]
    assert not not_shown, f"README's Screens section does not show {not_shown}"
    missing = [screen.name for screen in SCREENS if not (SCREENS_DOCS / f"{screen.name}.png").is_file()]
    assert not missing, f"no picture in docs/screens/ of {missing}: run the screens test with SCREENS_DIR=docs/screens"

