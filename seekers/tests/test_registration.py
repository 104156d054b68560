"""利用登録 (SPEC rules 1 and 2): the service `seeker_register` and the /seekers/register/ screen."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, OutgoingEmail
from conftest import TODAY, jst
from seekers import services
from seekers.keys import ALPHABET, auth_key_matches
from seekers.models import AuthKey, JobApplication, SeekerAccount
from seekers.tests.factories import JobApplicationFactory, SeekerAccountFactory
from tests.pages import error_summary, field_error, page

pytestmark = pytest.mark.django_db

User = get_user_model()
URL = "/seekers/register/"
BIRTH = date(1990, 4, 1)
EMAIL = "taro@example.jp"
NOW = jst(TODAY, 10)  # the suite's today, 10:00 in Japan


@pytest.fixture
def application(db):
    """An application marked 希望する, within its validity, with no account yet."""
    return JobApplicationFactory(kyushoku_number="13010-12345678", identity__birth_date=BIRTH)


def form_data(password, **overrides):
    data = {
        "kyushoku_number": "13010-12345678",
        "birth_date": "1990-04-01",
        "email": EMAIL,
        "email2": EMAIL,
        "password1": password,
        "password2": password,
        "agree": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def nothing_created():
    return (
        not SeekerAccount.objects.exists()
        and not User.objects.filter(role="seeker").exists()
        and not AuthKey.objects.exists()
        and not OutgoingEmail.objects.exists()
        and not AuditEvent.objects.filter(verb="seeker.register").exists()
    )


def plain_key_from(mail: OutgoingEmail) -> str:
    return re.search(r"^認証キー: (\S+)$", mail.body, re.M).group(1)


# --- the service ----------------------------------------------------------------------------------


def test_register_creates_the_account_and_mails_user_id_and_key(application, password):
    with time_machine.travel(NOW, tick=False):
        registration = services.seeker_register(
            kyushoku_number="13010-12345678", birth_date=BIRTH, email=EMAIL, password=password,
            terms_version="2026-11",
        )

    account = SeekerAccount.objects.select_related("user").get()
    user = account.user
    assert registration.account == account
    assert registration.user_id == user.username
    assert account.application == application
    # The user ID: 8 characters from the unambiguous alphabet, nothing personal in it.
    assert len(user.username) == 8
    assert set(user.username) <= set(ALPHABET)
    assert not set(user.username) & set("0O1IL")
    assert user.role == "seeker"
    assert user.email == EMAIL
    assert user.check_password(password)
    assert account.first_login_at is None
    # Consent to the 利用規約: version and time.
    assert account.terms_version == "2026-11"
    assert account.terms_agreed_at == NOW

    mail = OutgoingEmail.objects.get()
    assert mail.kind == "auth_key"
    assert mail.to == EMAIL
    assert user.username in mail.body
    plain = plain_key_from(mail)
    assert len(plain) >= 8

    key = AuthKey.objects.get()
    assert key.account == account
    assert key.issued_at == NOW
    assert key.expires_at == NOW + timedelta(minutes=30)
    assert key.used_at is None and key.revoked_at is None
    # Stored only as a hash: the plain key is nowhere in the row.
    row_text = " ".join(str(value) for value in AuthKey.objects.values().get().values())
    assert plain not in row_text
    assert plain.lower() not in row_text.lower()
    assert auth_key_matches(account.pk, plain, key.key_hash)

    event = AuditEvent.objects.get(verb="seeker.register")
    assert event.target_id == str(account.pk)
    assert event.actor == user


def test_two_registrations_get_different_user_ids_and_keys(password):
    first = JobApplicationFactory(identity__birth_date=BIRTH)
    second = JobApplicationFactory(identity__birth_date=BIRTH)

    a = services.seeker_register(kyushoku_number=first.kyushoku_number, birth_date=BIRTH, email="a@example.jp",
                                 password=password, terms_version="2026-11")
    b = services.seeker_register(kyushoku_number=second.kyushoku_number, birth_date=BIRTH, email="b@example.jp",
                                 password=password, terms_version="2026-11")

    assert a.user_id != b.user_id
    keys = [plain_key_from(mail) for mail in OutgoingEmail.objects.order_by("pk")]
    assert keys[0] != keys[1]


def _expired(application):
    application.applied_on = timezone.localdate() - timedelta(days=90)
    application.valid_until = timezone.localdate() - timedelta(days=1)
    application.save()


def _opt_out(application):
    application.opt_in = JobApplication.OptIn.NO
    application.save()


def _unconfirmed(application):
    application.opt_in = JobApplication.OptIn.UNKNOWN
    application.save()


def _registered(application):
    SeekerAccountFactory(application=application)


@pytest.mark.parametrize("spoil", [_expired, _opt_out, _unconfirmed, _registered],
                         ids=["expired", "opt_out", "unconfirmed", "already_registered"])
def test_register_refuses_an_ineligible_application(application, password, spoil):
    spoil(application)
    accounts_before = SeekerAccount.objects.count()

    with pytest.raises(services.NotEligible):
        services.seeker_register(kyushoku_number="13010-12345678", birth_date=BIRTH, email=EMAIL,
                                 password=password, terms_version="2026-11")

    assert SeekerAccount.objects.count() == accounts_before
    assert not User.objects.filter(email=EMAIL).exists()
    assert not OutgoingEmail.objects.exists()


@pytest.mark.parametrize(
    ("number", "birth_date"),
    [("13010-99999999", BIRTH), ("13010-12345678", date(1990, 4, 2))],
    ids=["wrong_number", "wrong_birth_date"],
)
def test_register_refuses_wrong_number_or_birth_date(application, password, number, birth_date):
    with pytest.raises(services.NotEligible):
        services.seeker_register(kyushoku_number=number, birth_date=birth_date, email=EMAIL, password=password,
                                 terms_version="2026-11")

    assert nothing_created()


def test_an_application_valid_until_today_can_still_register(password):
    today = timezone.localdate()
    application = JobApplicationFactory(identity__birth_date=BIRTH, applied_on=today - timedelta(days=60),
                                        valid_until=today)

    services.seeker_register(kyushoku_number=application.kyushoku_number, birth_date=BIRTH, email=EMAIL,
                             password=password, terms_version="2026-11")

    assert SeekerAccount.objects.get().application == application


# --- the screen -----------------------------------------------------------------------------------


def test_register_page_shows_the_form_and_the_terms(client):
    response = client.get(URL)

    assert response.status_code == 200
    html = page(response)
    assert "利用登録" in html
    assert "求職番号" in html and "生年月日" in html
    assert "利用規約(求職者用)" in html
    assert f"版: {settings.TERMS_VERSION}" in html


def test_register_view_happy_path(client, application, password):
    with time_machine.travel(NOW, tick=False):
        response = client.post(URL, form_data(password))
        assert response.status_code == 302
        assert response["Location"] == "/seekers/register/done/"
        # The done page reads what the registration put in the session: inside the same moment.
        done = client.get(response["Location"])
        assert f"{EMAIL} あてに、ユーザIDと認証キーをお送りしました。" in page(done)

    account = SeekerAccount.objects.select_related("user").get()
    assert account.application == application
    assert account.user.role == "seeker"
    assert account.terms_version == settings.TERMS_VERSION
    assert account.terms_agreed_at == NOW
    mail = OutgoingEmail.objects.get(kind="auth_key")
    assert mail.to == EMAIL
    assert f"ユーザID: {account.user.username}" in mail.body
    assert auth_key_matches(account.pk, plain_key_from(mail), AuthKey.objects.get().key_hash)
    assert AuditEvent.objects.filter(verb="seeker.register", target_id=str(account.pk)).exists()


REFUSAL_START = "入力された内容では利用登録できません。"


def test_every_refusal_looks_the_same(client, password):
    """No enumeration (SPEC rule 1): whatever the reason, the same status and the same message, which
    says what to do next."""
    today = timezone.localdate()
    JobApplicationFactory(kyushoku_number="13010-00000001", identity__birth_date=BIRTH)
    JobApplicationFactory(kyushoku_number="13010-00000002", identity__birth_date=BIRTH,
                          applied_on=today - timedelta(days=90), valid_until=today - timedelta(days=1))
    JobApplicationFactory(kyushoku_number="13010-00000003", identity__birth_date=BIRTH,
                          opt_in=JobApplication.OptIn.NO)
    JobApplicationFactory(kyushoku_number="13010-00000004", identity__birth_date=BIRTH,
                          opt_in=JobApplication.OptIn.UNKNOWN)
    registered = JobApplicationFactory(kyushoku_number="13010-00000005", identity__birth_date=BIRTH)
    SeekerAccountFactory(application=registered)
    cases = {
        "wrong number": ("13010-99999999", "1990-04-01"),
        "wrong birth date": ("13010-00000001", "1990-04-02"),
        "expired": ("13010-00000002", "1990-04-01"),
        "希望しない": ("13010-00000003", "1990-04-01"),
        "未確認": ("13010-00000004", "1990-04-01"),
        "already registered": ("13010-00000005", "1990-04-01"),
    }

    responses = {
        reason: client.post(URL, form_data(password, kyushoku_number=number, birth_date=birth))
        for reason, (number, birth) in cases.items()
    }

    statuses = {reason: response.status_code for reason, response in responses.items()}
    assert set(statuses.values()) == {200}, statuses
    summaries = {reason: error_summary(response) for reason, response in responses.items()}
    assert len(set(summaries.values())) == 1, summaries
    summary = summaries["wrong number"]
    assert REFUSAL_START in summary
    assert "ハローワークにお問い合わせください" in summary  # says what to do
    for response in responses.values():
        # No field is singled out either: the refusal is about the pair as a whole.
        assert 'aria-invalid="true"' not in page(response)
    assert SeekerAccount.objects.count() == 1  # only the pre-existing one
    assert not User.objects.filter(email=EMAIL).exists()
    assert not OutgoingEmail.objects.exists()
    assert not AuthKey.objects.exists()


def test_a_second_registration_for_one_application_is_refused(client, application, password):
    first = client.post(URL, form_data(password))
    assert first.status_code == 302

    second = client.post(URL, form_data(password, email="other@example.jp", email2="other@example.jp"))

    assert second.status_code == 200
    assert REFUSAL_START in error_summary(second)
    assert SeekerAccount.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email2": "taro2@example.jp"}, "email2", "メールアドレスが一致しません。"),
        ({"password2": "kyushoku-Pass-2027"}, "password2", "パスワードが一致しません。"),
        ({"password1": "1234567890", "password2": "1234567890"}, "password1", "数字しか使われていません"),
        ({"password1": "password12", "password2": "password12"}, "password1", "一般的すぎます"),
        ({"password1": "Kq7-zx2", "password2": "Kq7-zx2"}, "password1", "最低 10 文字以上必要です"),
        ({"agree": None}, "agree", "利用登録には利用規約への同意が必要です。"),
        ({"kyushoku_number": "12345"}, "kyushoku_number", "求職番号は「12345-12345678」の形"),
        ({"birth_date": "1990-13-45"}, "birth_date", "日付"),
        ({"email": "not-an-email", "email2": "not-an-email"}, "email", "メールアドレス"),
    ],
    ids=["emails_differ", "passwords_differ", "numeric_password", "common_password", "short_password",
         "no_consent", "bad_number", "bad_date", "bad_email"],
)
def test_field_errors_are_japanese_and_next_to_the_field(client, application, password, overrides, field,
                                                          message):
    response = client.post(URL, form_data(password, **overrides))

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in page(response) or (
        f'aria-describedby="id_{field}_error"' in page(response)
    )
    assert REFUSAL_START not in page(response)
    assert nothing_created()


@pytest.mark.parametrize(
    ("number", "birth"),
    [
        ("１３０１０－１２３４５６７８", "１９９０年４月１日"),
        ("1301012345678", "1990/4/1"),
        (" 13010 - 12345678 ", "1990.04.01"),
    ],
    ids=["full_width", "digits_only_and_slashes", "spaces_and_dots"],
)
def test_full_width_and_loose_input_is_accepted(client, application, password, number, birth):
    response = client.post(URL, form_data(password, kyushoku_number=number, birth_date=birth))

    assert response.status_code == 302, error_summary(response) or page(response)
    assert SeekerAccount.objects.get().application == application


def test_secrets_are_not_rendered_back(client, application, password):
    response = client.post(URL, form_data(password, email2="taro2@example.jp"))

    html = page(response)
    assert response.status_code == 200
    assert password not in html
    assert f'value="{EMAIL}"' in html  # what is not secret stays filled in


def test_register_without_csrf_token_is_refused(application, password):
    client = Client(enforce_csrf_checks=True)

    response = client.post(URL, form_data(password))

    assert response.status_code == 403
    assert nothing_created()


def test_register_with_csrf_token_works(application, password):
    client = Client(enforce_csrf_checks=True)
    form = client.get(URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page(form)).group(1)

    response = client.post(URL, {**form_data(password), "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert SeekerAccount.objects.count() == 1


def test_the_mail_goes_out_only_after_commit(client, application, password,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(password))
        assert response.status_code == 302
        assert mail.outbox == []  # queued on commit, not sent inside the transaction

    (message,) = mail.outbox
    user = SeekerAccount.objects.select_related("user").get().user
    assert message.to == [EMAIL]
    assert f"ユーザID: {user.username}" in message.body
    plain = re.search(r"^認証キー: (\S+)$", message.body, re.M).group(1)
    assert auth_key_matches(user.seeker_account.pk, plain, AuthKey.objects.get().key_hash)
    row = OutgoingEmail.objects.get()
    assert row.sent_at is not None
    assert row.body == "" and plain not in row.html_body  # the key is not kept once sent
