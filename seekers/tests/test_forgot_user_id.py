"""ユーザIDを忘れた方 (issue 13 item 3): 求職番号 + 生年月日 + the registered email send the ユーザID to
that email; the page answers alike whatever was typed; requests are limited per 求職番号 and per
client address in the shared cache. And the login tells a seeker who typed an email to use the ユーザID."""

import re
from datetime import date

import pytest
from django.core import mail
from django.test import Client

from accounts.models import AuditEvent, OutgoingEmail
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory

pytestmark = pytest.mark.django_db

URL = "/seekers/forgot-user-id/"
LOGIN_URL = "/accounts/login/"
NUMBER = "13010-12345678"
BIRTH = date(1990, 4, 1)
EMAIL = "taro@example.jp"
ADDRESS = "192.0.2.10"
DONE = "入力された求職番号・生年月日・メールアドレスが登録内容と一致した場合、登録したメールアドレスあてにユーザIDをお送りしました。"
LIMITED = "ユーザIDのお知らせの申込みが続いたため、しばらく受け付けられません。"


@pytest.fixture
def account(db):
    application = JobApplicationFactory(kyushoku_number=NUMBER, identity__birth_date=BIRTH)
    return SeekerAccountFactory(application=application, user__email=EMAIL)


def ask(client, number=NUMBER, birth="1990-04-01", email=EMAIL, address=ADDRESS, capture=None):
    data = {"kyushoku_number": number, "birth_date": birth, "email": email}
    if capture is None:
        return client.post(URL, data, REMOTE_ADDR=address)
    with capture(execute=True):
        return client.post(URL, data, REMOTE_ADDR=address)


def html(response) -> str:
    return response.content.decode()


def as_read(response) -> str:
    """The page without the per-request CSRF tokens (the footer's language form has one)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html(response))


def reminder_events() -> list[dict]:
    return list(AuditEvent.objects.filter(verb="seeker.user_id_remind").order_by("pk").values_list("data", flat=True))


# --- the way there ---------------------------------------------------------------------------------------


def test_the_login_page_links_to_the_reminder(client):
    page = html(client.get(LOGIN_URL))

    assert f'<a href="{URL}">ユーザIDを忘れた方</a>' in page


def test_the_page_asks_for_number_birth_date_and_registered_email(client):
    response = client.get(URL)

    page = html(response)
    assert response.status_code == 200
    assert "<h1>ユーザIDを忘れた方</h1>" in page
    for name in ("kyushoku_number", "birth_date", "email"):
        assert f'name="{name}"' in page
    assert 'autocomplete="bday"' in page
    assert "登録したメールアドレス" in page
    assert 'href="/accounts/login/"' in page


# --- a match ---------------------------------------------------------------------------------------------


def test_a_match_mails_the_user_id_to_the_registered_address(client, account, django_capture_on_commit_callbacks):
    response = ask(client, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert DONE in html(response)
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject == "【求職情報提供サイト】ユーザIDのお知らせ"
    assert f"ユーザID: {account.user.username}" in message.body
    assert "/accounts/login/" in message.body
    assert "申込みをした覚えがない場合は、このメールを破棄してください。" in message.body
    assert account.user.username in message.alternatives[0][0]
    # Kept once sent: a ユーザID is not a secret (OutgoingEmail.WIPED_AFTER_SENDING).
    row = OutgoingEmail.objects.get()
    assert row.kind == OutgoingEmail.Kind.USER_ID_REMINDER
    assert row.sent_at is not None
    assert account.user.username in row.body
    assert reminder_events() == [{"kyushoku_number": NUMBER, "sent": True, "address": ADDRESS}]


@pytest.mark.parametrize(
    ("number", "birth", "email"),
    [
        ("１３０１０－１２３４５６７８", "平成2年4月1日", "ＴＡＲＯ＠ｅｘａｍｐｌｅ．ｊｐ"),
        ("1301012345678", "H2.4.1", "Taro@Example.JP"),
        (NUMBER, "１９９０年４月１日", " taro@example.jp "),
    ],
    ids=["full_width_and_wareki", "digits_only_and_initial", "full_width_date_and_spaces"],
)
def test_the_number_date_and_address_are_read_as_people_type_them(client, account, number, birth, email):
    response = ask(client, number=number, birth=birth, email=email)

    assert response.status_code == 200
    # Sent to the address as registered, not as typed.
    assert OutgoingEmail.objects.get(kind="user_id_reminder").to == EMAIL


# --- no enumeration -----------------------------------------------------------------------------------------


@pytest.fixture
def others(account):
    """The other things someone might type: another seeker's email, an application with no account."""
    other = SeekerAccountFactory(user__email="hanako@example.jp")
    unregistered = JobApplicationFactory(kyushoku_number="13010-00000002", identity__birth_date=BIRTH)
    return {"other": other, "unregistered": unregistered}


@pytest.mark.parametrize(
    "case", ["wrong_birth_date", "other_email", "other_seekers_email", "unknown_number", "no_account_yet",
             "other_seekers_number"],
)
def test_a_mismatch_reads_exactly_like_a_match_and_sends_nothing(client, account, others, case,
                                                                 django_capture_on_commit_callbacks):
    other = others["other"]
    number, birth, email = {
        "wrong_birth_date": (NUMBER, "1990-04-02", EMAIL),
        "other_email": (NUMBER, "1990-04-01", "someone@example.jp"),
        "other_seekers_email": (NUMBER, "1990-04-01", other.user.email),
        "unknown_number": ("13010-99999999", "1990-04-01", EMAIL),
        "no_account_yet": ("13010-00000002", "1990-04-01", EMAIL),
        "other_seekers_number": (other.application.kyushoku_number, "1990-04-01", EMAIL),
    }[case]
    matching = ask(Client(), address="198.51.100.1", capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    OutgoingEmail.objects.all().delete()

    response = ask(client, number=number, birth=birth, email=email, capture=django_capture_on_commit_callbacks)

    assert response.status_code == matching.status_code == 200
    assert as_read(response) == as_read(matching)
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()
    # The same path ran: one event each, the mismatch recorded without naming any account.
    [sent, not_sent] = AuditEvent.objects.filter(verb="seeker.user_id_remind").order_by("pk")
    assert sent.data["sent"] is True and sent.target_id == str(account.pk)
    assert not_sent.data["sent"] is False and not_sent.target_id == ""


def test_a_mismatch_and_a_match_count_alike_against_the_limit(client, account, settings):
    settings.USER_ID_REMINDERS_PER_HOUR = 3
    for _ in range(3):
        assert ask(client, birth="1990-04-02").status_code == 200

    right = ask(client)

    assert right.status_code == 429
    assert not OutgoingEmail.objects.exists()


# --- the limits -------------------------------------------------------------------------------------------


def test_a_number_gets_three_reminders_an_hour_from_any_address(client, account, settings):
    settings.USER_ID_REMINDERS_PER_HOUR = 3
    for n in range(3):
        assert ask(client, address=f"198.51.100.{n + 1}").status_code == 200

    refused = ask(client, address="203.0.113.9")

    assert refused.status_code == 429
    assert LIMITED in html(refused)
    assert "求職申込みをしたハローワークにお問い合わせください" in html(refused)
    assert 'value="1990-04-01"' in html(refused)  # what was typed stays
    assert DONE not in html(refused)
    assert OutgoingEmail.objects.filter(kind="user_id_reminder").count() == 3
    assert AuditEvent.objects.filter(verb="seeker.user_id_remind_limited", data__kyushoku_number=NUMBER).count() == 1
    # Another number from the same address is still answered.
    assert ask(client, number="13010-99999999", address="203.0.113.9").status_code == 200


def test_one_address_asking_about_many_numbers_is_stopped(client, account, settings):
    settings.USER_ID_REMINDERS_PER_ADDRESS_PER_HOUR = 5
    for n in range(5):
        assert ask(client, number=f"13010-{n + 70000000:08d}").status_code == 200

    from_there = ask(client)
    from_elsewhere = ask(client, address="198.51.100.20")

    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 200
    assert OutgoingEmail.objects.get(kind="user_id_reminder").to == EMAIL


def test_an_address_over_its_limit_does_not_use_up_the_numbers_allowance(client, account, settings):
    settings.USER_ID_REMINDERS_PER_ADDRESS_PER_HOUR = 1
    settings.USER_ID_REMINDERS_PER_HOUR = 1
    assert ask(client, number="13010-99999999").status_code == 200
    assert ask(client).status_code == 429

    assert ask(client, address="198.51.100.20").status_code == 200
    assert OutgoingEmail.objects.filter(kind="user_id_reminder").count() == 1


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"number": ""}, "kyushoku_number", "求職番号を入力してください。"),
        ({"birth": ""}, "birth_date", "生年月日を入力してください。"),
        ({"email": ""}, "email", "登録したメールアドレスを入力してください。"),
        ({"number": "12345"}, "kyushoku_number", "求職番号は「12345-12345678」の形(数字5桁-数字8桁)で入力してください。"),
        ({"birth": "平成31年5月1日"}, "birth_date", "平成は2019年4月30日までです"),
        ({"email": "taro.example.jp"}, "email", "メールアドレスを正しく入力してください(例: taro@example.jp)。"),
    ],
)
def test_a_malformed_request_is_answered_next_to_the_field(client, account, overrides, field, message):
    response = ask(client, **overrides)

    assert response.status_code == 200
    error = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html(response), re.S).group(1)
    assert message in error
    assert DONE not in html(response)
    assert not AuditEvent.objects.filter(verb__startswith="seeker.user_id_remind").exists()


def test_without_csrf_token_nothing_happens(account):
    response = Client(enforce_csrf_checks=True).post(
        URL, {"kyushoku_number": NUMBER, "birth_date": "1990-04-01", "email": EMAIL})

    assert response.status_code == 403
    assert not OutgoingEmail.objects.exists()


# --- the login's hint ---------------------------------------------------------------------------------------


def login(client, login_value, password):
    return client.post(LOGIN_URL, {"login": login_value, "password": password})


def error_box(response) -> str:
    """The error summary and the hint under it, as read (the typed login stays in its field)."""
    page = html(response)
    summary = re.search(r'<div class="form-errors" role="alert">.*?</div>', page, re.S)
    hint = re.search(r'<div class="notice" id="user-id-hint">.*?</div>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", (summary.group(0) if summary else "") +
                           (hint.group(0) if hint else "")).split())


SEEKERS_USE_THE_USER_ID = "求職者の方は、メールアドレスではなく、利用登録のメールでお知らせしたユーザID(英数字8文字)でログインします。"


def test_a_seeker_who_types_their_email_is_told_to_use_the_user_id(client, account, password):
    response = login(client, EMAIL, password)

    assert response.status_code == 200
    assert SEEKERS_USE_THE_USER_ID in error_box(response)
    assert "メールアドレスもしくはパスワードが正しくありません" not in html(response)
    assert f'href="{URL}"' in re.search(r'<div class="notice" id="user-id-hint">.*?</div>', html(response),
                                        re.S).group(0)
    assert "_auth_user_id" not in client.session


def test_the_hint_reads_the_same_for_any_email(client, account, agency_member, password):
    """It cannot tell whether an account has the address: a seeker's, a member's with a wrong password,
    and nobody's read alike."""
    seekers = error_box(login(client, EMAIL, password))
    members = error_box(login(Client(), agency_member.email, "wrong-password-1"))
    nobodys = error_box(login(Client(), "nobody@example.jp", password))

    assert seekers == members == nobodys
    assert SEEKERS_USE_THE_USER_ID in seekers


def test_a_wrong_user_id_gets_no_hint(client, account, password):
    response = login(client, "ZZZZ9999", password)

    assert "ユーザIDまたはパスワードが正しくありません。" in error_box(response)
    assert 'id="user-id-hint"' not in html(response)


def test_members_still_sign_in_with_their_email(client, agency_member, password):
    response = login(client, agency_member.email, password)

    assert response.status_code == 302
    assert 'id="user-id-hint"' not in html(response)
