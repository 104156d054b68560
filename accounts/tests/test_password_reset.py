"""パスワード再発行 (SPEC rule 4, Q3): ユーザID + registered email; the same answer whether or not they
match; the link works once and for at most an hour."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client

from accounts.models import OutgoingEmail
from conftest import TODAY, jst

pytestmark = pytest.mark.django_db

RESET_URL = "/accounts/password/reset/"
NEW_PASSWORD = "atarashii-Pass-2027"
START = jst(TODAY, 10)  # the suite's today, 10:00 in Japan


def request_reset(client, django_capture_on_commit_callbacks, user_id: str, email: str):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(RESET_URL, {"user_id": user_id, "email": email})


def reset_link() -> str:
    (message,) = mail.outbox
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body).group(1)


def set_new_password(client, link: str):
    """What the seeker does with the link: open it, then submit the new password twice."""
    opened = client.get(link)
    if opened.status_code != 302:
        return opened
    return client.post(opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_matching_user_id_and_email_sends_one_mail_with_a_link(client, seeker, django_capture_on_commit_callbacks):
    response = request_reset(client, django_capture_on_commit_callbacks, seeker.username, seeker.email)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [seeker.email]
    assert reset_link()
    row = OutgoingEmail.objects.get()
    assert row.to == seeker.email
    assert row.sent_at is not None
    assert row.body == ""  # the link was in it: wiped once sent


def test_the_done_page_says_what_happens_next(client, seeker, django_capture_on_commit_callbacks):
    response = request_reset(client, django_capture_on_commit_callbacks, seeker.username, seeker.email)

    done = client.get(response["Location"])

    assert done.status_code == 200
    assert "メール" in done.content.decode()


def test_user_id_is_accepted_in_lower_case(client, seeker, django_capture_on_commit_callbacks):
    request_reset(client, django_capture_on_commit_callbacks, seeker.username.lower(), seeker.email.upper())

    assert len(mail.outbox) == 1


def full_width(text: str) -> str:
    """As a Japanese IME types it: ＡＢＣ１２３."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@pytest.mark.parametrize(
    "typed",
    [full_width, lambda uid: f" {full_width(uid.lower())} ", lambda uid: f"{uid[:4]}ー{uid[4:]}"],
    ids=["full-width", "full-width-lower-case-spaced", "long-vowel-dash"],
)
def test_the_user_id_is_read_as_the_login_reads_it(client, seeker, password, typed,
                                                    django_capture_on_commit_callbacks):
    """A ユーザID that logs in (accounts.codes.normalize_code) also finds the account here."""
    user_id = typed(seeker.username)
    assert Client().post("/accounts/login/", {"login": user_id, "password": password})["Location"] == "/seekers/"

    request_reset(client, django_capture_on_commit_callbacks, user_id, seeker.email)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [seeker.email]
    assert set_new_password(client, reset_link()).status_code == 302
    seeker.refresh_from_db()
    assert seeker.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("case", ["wrong_email", "wrong_user_id", "other_seekers_email", "nobody"])
def test_a_mismatch_gives_the_same_answer_and_sends_nothing(client, seeker, other_seeker, case,
                                                           django_capture_on_commit_callbacks):
    user_id, email = {
        "wrong_email": (seeker.username, "someone-else@example.jp"),
        "wrong_user_id": ("ZZZZ9999", seeker.email),
        "other_seekers_email": (seeker.username, other_seeker.email),
        "nobody": ("ZZZZ9999", "nobody@example.jp"),
    }[case]
    other_browser = Client()
    matching = request_reset(other_browser, django_capture_on_commit_callbacks, seeker.username, seeker.email)
    matching_page = other_browser.get(matching["Location"]).content.decode()
    mail.outbox.clear()
    OutgoingEmail.objects.all().delete()

    response = request_reset(client, django_capture_on_commit_callbacks, user_id, email)

    assert response.status_code == matching.status_code == 302
    assert response["Location"] == matching["Location"]
    assert _text(client.get(response["Location"]).content.decode()) == _text(matching_page)
    # Nothing at all goes out: not a reset link, and not allauth's "unknown account" notice either
    # (which would tell whoever owns the address that the ユーザID did not match).
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def _text(html: str) -> str:
    """The page as read, without the per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_reset_mail_names_the_site(client, seeker, django_capture_on_commit_callbacks):
    request_reset(client, django_capture_on_commit_callbacks, seeker.username, seeker.email)

    message = mail.outbox[0]
    assert message.subject == "【求職情報提供サイト】パスワード再設定のご案内"
    assert "ハローワーク 求職情報提供サイト" in message.body  # who sends it, in its own name
    assert f"ユーザID: {seeker.username}" in message.body
    assert "申込みをした覚えがない場合は" in message.body
    outside_the_link = re.sub(r"https?://\S+", "", message.body)
    assert "こんにちは" not in outside_the_link and "testserver" not in outside_the_link


def test_the_link_sets_the_password(client, seeker, password, django_capture_on_commit_callbacks):
    request_reset(client, django_capture_on_commit_callbacks, seeker.username, seeker.email)

    response = set_new_password(client, reset_link())

    assert response.status_code == 302
    seeker.refresh_from_db()
    assert seeker.check_password(NEW_PASSWORD)
    assert not seeker.check_password(password)
    login = client.post("/accounts/login/", {"login": seeker.username, "password": NEW_PASSWORD})
    assert login["Location"] == "/seekers/"


def test_the_link_works_once(client, seeker, django_capture_on_commit_callbacks):
    request_reset(client, django_capture_on_commit_callbacks, seeker.username, seeker.email)
    link = reset_link()
    assert set_new_password(client, link).status_code == 302

    again = Client().get(link)

    assert again.status_code == 200
    assert "パスワード再設定のリンクが使えません" in again.content.decode()
    assert 'name="password1"' not in again.content.decode()


def test_the_link_is_refused_after_an_hour(client, seeker, password, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        request_reset(client, django_capture_on_commit_callbacks, seeker.username, seeker.email)
    link = reset_link()

    with time_machine.travel(START + timedelta(hours=1, seconds=1), tick=False):
        late = Client().get(link)

    assert late.status_code == 200
    assert "パスワード再設定のリンクが使えません" in late.content.decode()
    seeker.refresh_from_db()
    assert seeker.check_password(password)


def test_the_link_still_works_within_the_hour(client, seeker, django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        request_reset(client, django_capture_on_commit_callbacks, seeker.username, seeker.email)
    link = reset_link()

    with time_machine.travel(START + timedelta(minutes=59), tick=False):
        response = set_new_password(Client(), link)

    assert response.status_code == 302
    seeker.refresh_from_db()
    assert seeker.check_password(NEW_PASSWORD)


def test_a_member_resets_with_email_as_user_id(client, agency_member, django_capture_on_commit_callbacks):
    request_reset(client, django_capture_on_commit_callbacks, agency_member.email, agency_member.email)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [agency_member.email]
    response = set_new_password(client, reset_link())
    assert response.status_code == 302
    agency_member.refresh_from_db()
    assert agency_member.check_password(NEW_PASSWORD)


def test_a_member_cannot_reset_with_a_username(client, agency_member, django_capture_on_commit_callbacks):
    request_reset(client, django_capture_on_commit_callbacks, agency_member.username, agency_member.email)

    assert mail.outbox == []


def test_reset_without_csrf_token_is_refused(seeker):
    response = Client(enforce_csrf_checks=True).post(RESET_URL, {"user_id": seeker.username,
                                                                 "email": seeker.email})

    assert response.status_code == 403
    assert not OutgoingEmail.objects.exists()
