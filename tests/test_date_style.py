"""One date style on every page and mail that shows a date (issue 13 item 9): 2026年12月1日 and
2026年12月1日 00:30 in Japanese, 2026-12-01 and 2026-12-01 00:30 in English, in Japan time; and no
template writes its own format with Django's `date` filter.

Everything happens at 15:30 UTC on 30 November 2026, which is already 1 December in Japan, so a page
that showed a UTC date would show 30 November. Applied that day, the 利用期間 ends on 28 February 2027
(the end of the month after next)."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from compliance.tests.factories import ComplaintFactory, DeletionRequestFactory
from messaging.models import Message
from messaging.tests.factories import ConversationFactory, MessageFactory
from organizations.tests.factories import OrganizationFactory
from seekers.models import Block, ProfileView, SeekerAccount
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory
from tests.pages import login, with_totp

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)
# The day and the moment as each language writes them.
WRITTEN = {
    "ja": {"today": "2026年12月1日", "now": "2026年12月1日 00:30", "valid_until": "2027年2月28日",
           "due": "2026年12月15日", "suspended": "2000年1月1日"},
    "en": {"today": "2026-12-01", "now": "2026-12-01 00:30", "valid_until": "2027-02-28",
           "due": "2026-12-15", "suspended": "2000-01-01"},
}
# Any part of a Japanese-written date (a year with its month, a month with its day); a 年 alone
# may be the user's own text (2025年度, 経験5年).
JAPANESE_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*\d{1,2}\s*日")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SLASHED_DATE = re.compile(r"\d{4}/\d{1,2}/\d{1,2}")
TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture(autouse=True)
def near_midnight(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def scene(account, agency, agency_member):
    """One seeker's history with the agency: a guidance, a reply, a deletion request, a complaint; a
    block of another organisation and a view of the profile; all made now."""
    conversation = ConversationFactory(organization=agency, account=account)
    guidance = MessageFactory(conversation=conversation)
    MessageFactory(conversation=conversation, reply=True)
    DeletionRequestFactory(conversation=conversation)
    ComplaintFactory(conversation=conversation)
    Block.objects.create(account=account, organization=OrganizationFactory())
    ProfileView.objects.create(profile=account.application.profile, organization=agency, member=agency_member)
    assert settings.DELETION_ANSWER_DAYS == 14  # WRITTEN["due"]
    return {"conversation": conversation, "guidance": guidance}


def in_language(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def visible_text(response) -> str:
    """What a reader sees: no tags, so no attribute (a `<time datetime="…">` is for machines)."""
    assert response.status_code in (200, 403), response.status_code
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_one_style(text: str, language: str, *expected: str) -> None:
    for key in expected:
        assert WRITTEN[language][key] in text, (key, text)
    assert not SLASHED_DATE.search(text), SLASHED_DATE.search(text).group()
    if language == "ja":
        assert not ISO_DATE.search(text), ISO_DATE.search(text).group()
    else:
        assert not JAPANESE_DATE.search(text), JAPANESE_DATE.search(text).group()


LANGUAGES = pytest.mark.parametrize("language", ["ja", "en"])


# --- the seeker's pages --------------------------------------------------------------------------------


@LANGUAGES
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/seekers/", ["valid_until"]),
        ("/seekers/profile/", ["valid_until", "now"]),  # 利用期間 and the 閲覧記録
        ("/seekers/messages/", ["today", "now"]),  # メッセージ一覧: 日付 and 受信日時
        ("/seekers/deletion-requests/", ["due"]),
        ("/seekers/complaints/", ["now"]),
        ("/seekers/complaints/new/", ["today"]),  # the conversations to choose from, by their first day
        ("/seekers/settings/blocks/", ["now"]),
    ],
)
def test_the_seekers_pages(scene, seeker, language, url, expected):
    text = visible_text(in_language(login(seeker), language).get(url))

    assert_one_style(text, language, *expected)


@LANGUAGES
def test_the_seekers_thread(scene, seeker, language):
    response = in_language(login(seeker), language).get(f"/seekers/messages/{scene['guidance'].pk}/")

    assert_one_style(visible_text(response), language, "now")
    assert '<time datetime="2026-12-01T00:30:00+09:00">' in response.content.decode()


@LANGUAGES
def test_a_stopped_seekers_home_and_stop_page(seeker, account, language):
    SeekerAccount.objects.filter(pk=account.pk).update(stopped_at=NOW)
    client = in_language(login(seeker), language)

    assert_one_style(visible_text(client.get("/seekers/")), language, "today", "valid_until")
    assert_one_style(visible_text(client.get("/seekers/settings/stop/")), language, "now")


@LANGUAGES
def test_the_registration_done_page_says_until_when_the_key_works(client, language):
    session = client.session
    session["registered_email"] = "taro@example.jp"
    session["registered_key_expires_at"] = (NOW + timedelta(minutes=30)).isoformat()
    session.save()

    text = visible_text(in_language(client, language).get("/seekers/register/done/"))

    assert_one_style(text, language)
    assert {"ja": "2026年12月1日 01:00", "en": "2026-12-01 01:00"}[language] in text


# --- the organisation's pages --------------------------------------------------------------------------


@LANGUAGES
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/orgs/messages/", ["now"]),  # 最終メッセージ
        ("/orgs/deletion-requests/", ["today", "due"]),
    ],
)
def test_the_organisations_pages(scene, agency_member, language, url, expected):
    text = visible_text(in_language(login(with_totp(agency_member)), language).get(url))

    assert_one_style(text, language, *expected)


@LANGUAGES
def test_the_organisations_thread(scene, agency_member, language):
    response = in_language(login(with_totp(agency_member)), language).get(
        f"/orgs/messages/{scene['conversation'].pk}/")

    assert_one_style(visible_text(response), language, "now")
    assert Message.objects.filter(conversation=scene["conversation"]).count() == 2


@LANGUAGES
def test_a_suspended_organisations_search_says_until_when(suspended_member, language):
    """The search as a suspended organisation sees it: the period of its 利用停止 (2000-01-01 to
    2099-12-31 in the factory). The results themselves show no date."""
    response = in_language(login(with_totp(suspended_member)), language).get("/orgs/seekers/")

    assert response.status_code == 403
    text = visible_text(response)
    assert_one_style(text, language, "suspended")
    assert {"ja": "2099年12月31日", "en": "2099-12-31"}[language] in text


# --- mails ---------------------------------------------------------------------------------------------


@LANGUAGES
def test_the_password_reissue_mail_says_when_it_was_asked_for(seeker, language, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        in_language(Client(), language).post("/accounts/password/reset/",
                                             {"user_id": seeker.username, "email": seeker.email})

    [message] = mail.outbox
    assert_one_style(message.body, language, "now")
    [(html, _)] = message.alternatives
    assert WRITTEN[language]["now"] in html


@LANGUAGES
def test_the_user_id_reminder_mail_says_when_it_was_asked_for(language, django_capture_on_commit_callbacks):
    application = JobApplicationFactory(kyushoku_number="13010-12345678", identity__birth_date=date(1990, 4, 1))
    SeekerAccountFactory(application=application, user__email="taro@example.jp")

    with django_capture_on_commit_callbacks(execute=True):
        in_language(Client(), language).post("/seekers/forgot-user-id/", {
            "kyushoku_number": "13010-12345678", "birth_date": "1990-04-01", "email": "taro@example.jp"})

    [message] = mail.outbox
    assert_one_style(message.body, language, "now")


# --- no template writes its own format -----------------------------------------------------------------


def test_no_template_outside_the_admin_formats_a_date_itself():
    """Every date goes through `day`, `moment` or `datetime_attr` (accounts.templatetags.dates)."""
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and path.suffix in (".html", ".txt") and path.relative_to(TEMPLATES).parts[0] != "admin"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\|\s*date\s*:|\|\s*date\s*(\}\}|\s)|\|\s*time\s*:|\{%\s*now\s", line)
    ]

    assert not offenders, "\n".join(offenders)
