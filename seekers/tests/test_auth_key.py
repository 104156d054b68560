"""認証キー and the first login (SPEC rule 3): 30 minutes from issue, once, hashed, 5 wrong tries, a
reissue kills the old key; the screen is an allauth login stage after ユーザID + password."""

import re
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.db import connections
from django.test import Client

from accounts.models import AuditEvent, OutgoingEmail
from conftest import TODAY, jst
from seekers import services
from seekers.models import AuthKey, SeekerAccount
from seekers.tests.factories import JobApplicationFactory
from tests.pages import field_error

pytestmark = pytest.mark.django_db

ISSUED = jst(TODAY, 10)  # the suite's today, 10:00 in Japan
BIRTH = date(1990, 4, 1)
LOGIN_URL = "/accounts/login/"
KEY_URL = "/seekers/auth-key/"


@dataclass
class Registered:
    account: SeekerAccount
    user_id: str
    key: str
    password: str


def _key_in(body: str) -> str:
    return re.search(r"^認証キー: (\S+)$", body, re.M).group(1)


def latest_key_for(email: str) -> str:
    """The plain key as the seeker reads it in the mail (the outbox row until it is sent, then the
    delivered message; the row's text is wiped after sending)."""
    row = OutgoingEmail.objects.filter(to=email, kind="auth_key").order_by("-pk").first()
    if row is not None and row.body:
        return _key_in(row.body)
    return _key_in([message for message in mail.outbox if email in message.to][-1].body)


def register(password, *, email="taro@example.jp", at=ISSUED) -> Registered:
    with time_machine.travel(at, tick=False):
        application = JobApplicationFactory(identity__birth_date=BIRTH)
        registration = services.seeker_register(
            kyushoku_number=application.kyushoku_number, birth_date=BIRTH, email=email, password=password,
            terms_version="2026-11",
        )
    return Registered(account=registration.account, user_id=registration.user_id, key=latest_key_for(email),
                      password=password)


@pytest.fixture
def registered(db, password) -> Registered:
    return register(password)


def verify(registered: Registered, key: str, *, at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        account = SeekerAccount.objects.select_related("user").get(pk=registered.account.pk)
        services.auth_key_verify(account=account, key=key)


def refusal(registered: Registered, key: str, *, at: datetime) -> services.AuthKeyError:
    with pytest.raises(services.AuthKeyError) as caught:
        verify(registered, key, at=at)
    return caught.value


def wrong_key(key: str) -> str:
    """A key of the same shape that is not this one."""
    return ("B" if key[0] != "B" else "C") + key[1:]


def first_login_done(registered: Registered) -> bool:
    return SeekerAccount.objects.get(pk=registered.account.pk).first_login_at is not None


# --- the service ----------------------------------------------------------------------------------


def test_key_at_29_59_completes_the_first_login(registered):
    verify(registered, registered.key, at=ISSUED + timedelta(minutes=29, seconds=59))

    account = SeekerAccount.objects.get(pk=registered.account.pk)
    assert account.first_login_at == ISSUED + timedelta(minutes=29, seconds=59)
    assert AuthKey.objects.get().used_at == ISSUED + timedelta(minutes=29, seconds=59)
    assert AuditEvent.objects.filter(verb="seeker.first_login", target_id=str(account.pk)).exists()


@pytest.mark.parametrize("after", [timedelta(minutes=30), timedelta(minutes=30, seconds=1), timedelta(hours=5)],
                         ids=["30:00", "30:01", "5h"])
def test_key_at_30_minutes_or_later_is_expired(registered, after):
    error = refusal(registered, registered.key, at=ISSUED + after)

    assert error.code == "expired"
    assert not first_login_done(registered)


def test_key_works_once(registered):
    verify(registered, registered.key, at=ISSUED + timedelta(minutes=1))

    error = refusal(registered, registered.key, at=ISSUED + timedelta(minutes=2))

    assert error.code == "none"


def test_another_users_key_does_not_work(registered, password):
    other = register(password, email="hanako@example.jp")
    assert other.key != registered.key

    error = refusal(registered, other.key, at=ISSUED + timedelta(minutes=1))

    assert error.code == "wrong"
    assert not first_login_done(registered)
    assert not first_login_done(other)
    # The other person's key is untouched by this and still works for them.
    verify(other, other.key, at=ISSUED + timedelta(minutes=2))
    assert first_login_done(other)


def test_five_wrong_tries_lock_the_key_even_for_the_right_answer(registered):
    at = ISSUED + timedelta(minutes=1)
    remaining = [refusal(registered, wrong_key(registered.key), at=at) for _ in range(5)]

    assert [(e.code, e.remaining) for e in remaining] == [
        ("wrong", 4), ("wrong", 3), ("wrong", 2), ("wrong", 1), ("locked", 0),
    ]
    sixth = refusal(registered, registered.key, at=at)
    assert sixth.code == "locked"
    assert not first_login_done(registered)
    assert AuthKey.objects.get().failed_tries == 5
    assert AuditEvent.objects.filter(verb="seeker.auth_key_wrong").count() == 5


def test_a_reissue_kills_the_old_key_and_mails_a_new_one(registered):
    with time_machine.travel(ISSUED + timedelta(minutes=40), tick=False):
        services.auth_key_reissue(account=registered.account)
    new_key = latest_key_for("taro@example.jp")
    assert new_key != registered.key
    reissue_mails = OutgoingEmail.objects.filter(kind="auth_key", to="taro@example.jp").order_by("pk")
    assert reissue_mails.count() == 2
    assert "認証キーを再発行しました" in reissue_mails.last().body
    assert AuditEvent.objects.filter(verb="seeker.auth_key_reissue").count() == 1

    old = refusal(registered, registered.key, at=ISSUED + timedelta(minutes=41))
    assert old.code in {"wrong", "none"}
    verify(registered, new_key, at=ISSUED + timedelta(minutes=42))
    assert first_login_done(registered)


def test_a_reissue_within_the_30_minutes_kills_the_old_key_at_once(registered):
    with time_machine.travel(ISSUED + timedelta(minutes=5), tick=False):
        services.auth_key_reissue(account=registered.account)
    new_key = latest_key_for("taro@example.jp")

    refusal(registered, registered.key, at=ISSUED + timedelta(minutes=6))
    assert AuthKey.objects.filter(revoked_at__isnull=False).count() == 1
    # The new key runs for its own 30 minutes from its own issue.
    verify(registered, new_key, at=ISSUED + timedelta(minutes=34))
    assert first_login_done(registered)


def test_a_new_key_has_fresh_tries(registered):
    at = ISSUED + timedelta(minutes=1)
    for _ in range(5):
        refusal(registered, wrong_key(registered.key), at=at)
    with time_machine.travel(at, tick=False):
        services.auth_key_reissue(account=registered.account)

    verify(registered, latest_key_for("taro@example.jp"), at=at + timedelta(minutes=1))

    assert first_login_done(registered)


def _full_width(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


@pytest.mark.parametrize(
    "typed",
    [
        lambda key: _full_width(key[:4]) + "　" + _full_width(key[4:].lower()),  # ＡＢＣＤ　ｅｆｇｈ
        lambda key: _full_width(key[:4]) + " " + _full_width(key[4:]).lower(),  # ＡＢＣＤ ｅｆｇｈ
        lambda key: key.lower(),
        lambda key: f" {key[:4]} {key[4:]} ",
        lambda key: f"{key[:4]}-{key[4:]}",
        lambda key: f"{key[:4]}－{key[4:]}",  # full-width hyphen-minus
        lambda key: f"{key[:4]}‐{key[4:]}",  # U+2010 hyphen
        lambda key: f"{key[:4]}−{key[4:]}",  # U+2212 minus sign
        # A Japanese IME in full-width mode types "-" as the long vowel mark.
        lambda key: f"{key[:4]}ー{key[4:]}",
    ],
    ids=["full_width_ideographic_space", "full_width_lower", "lower_case", "spaces", "hyphen",
         "full_width_hyphen", "unicode_hyphen", "minus_sign", "long_vowel_mark"],
)
def test_typed_variants_of_the_key_are_normalised(registered, typed):
    verify(registered, typed(registered.key), at=ISSUED + timedelta(minutes=1))

    assert first_login_done(registered)


def test_a_reissue_after_the_first_login_does_nothing(registered):
    verify(registered, registered.key, at=ISSUED + timedelta(minutes=1))
    mails_before = OutgoingEmail.objects.count()

    services.auth_key_reissue(account=registered.account)

    assert OutgoingEmail.objects.count() == mails_before


# --- the screens, through the real login ----------------------------------------------------------


def post_login(client, registered: Registered, **extra):
    return client.post(LOGIN_URL, {"login": registered.user_id, "password": registered.password, **extra})


def test_first_login_goes_through_the_key_screen(client, registered):
    with time_machine.travel(ISSUED + timedelta(minutes=10), tick=False):
        response = post_login(client, registered)
        assert response.status_code == 302
        assert response["Location"] == KEY_URL
        assert "_auth_user_id" not in client.session  # not logged in yet

        page = client.get(KEY_URL)
        assert page.status_code == 200
        assert f"ユーザID {registered.user_id} の初回ログインです" in page.content.decode()
        assert "認証キーを再発行する" in page.content.decode()

        response = client.post(KEY_URL, {"auth_key": registered.key})
        assert response.status_code == 302
        assert response["Location"] == "/seekers/"
        assert client.session["_auth_user_id"] == str(registered.account.user_id)

        # Home sends a seeker who has not confirmed the review to the review page (SPEC rule 15).
        home = client.get("/seekers/")
        assert home.status_code == 302
        assert home["Location"] == "/seekers/profile/review/"
        review = client.get("/seekers/profile/review/")
        assert review.status_code == 200
        assert "初回ログインが完了しました。" in review.content.decode()

    assert first_login_done(registered)


def test_the_first_login_starts_a_new_session(client, registered):
    with time_machine.travel(ISSUED + timedelta(minutes=2), tick=False):
        post_login(client, registered)
        before_key = client.session.session_key
        client.post(KEY_URL, {"auth_key": registered.key})

        assert client.session["_auth_user_id"] == str(registered.account.user_id)
        assert client.session.session_key != before_key
        assert not SessionStore().exists(before_key)


def test_the_key_screen_cannot_be_skipped(client, registered):
    with time_machine.travel(ISSUED + timedelta(minutes=10), tick=False):
        post_login(client, registered)

        response = client.get("/seekers/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session


def test_later_logins_need_only_user_id_and_password(client, registered):
    verify(registered, registered.key, at=ISSUED + timedelta(minutes=1))

    with time_machine.travel(ISSUED + timedelta(days=3), tick=False):
        response = post_login(client, registered)

    assert response.status_code == 302
    assert response["Location"] == "/seekers/"
    assert client.session["_auth_user_id"] == str(registered.account.user_id)


def test_key_screen_without_a_pending_login_redirects_to_login(client, registered):
    response = client.get(KEY_URL)

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL


def test_key_screen_post_without_a_pending_login_does_nothing(client, registered):
    with time_machine.travel(ISSUED + timedelta(minutes=1), tick=False):
        response = client.post(KEY_URL, {"auth_key": registered.key})

    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert not first_login_done(registered)


def test_a_wrong_key_on_the_screen_says_how_many_tries_remain(client, registered):
    with time_machine.travel(ISSUED + timedelta(minutes=5), tick=False):
        post_login(client, registered)

        response = client.post(KEY_URL, {"auth_key": wrong_key(registered.key)})
        assert response.status_code == 200
        assert "認証キーが正しくありません。あと4回入力できます。" in field_error(response, "auth_key")

        response = client.post(KEY_URL, {"auth_key": wrong_key(registered.key)})
        assert "あと3回入力できます。" in field_error(response, "auth_key")

    assert "_auth_user_id" not in client.session


def test_the_sixth_try_on_the_screen_is_refused_as_locked(client, registered):
    with time_machine.travel(ISSUED + timedelta(minutes=5), tick=False):
        post_login(client, registered)
        for _ in range(5):
            response = client.post(KEY_URL, {"auth_key": wrong_key(registered.key)})
        assert "入力誤りが5回に達した" in field_error(response, "auth_key")

        response = client.post(KEY_URL, {"auth_key": registered.key})

    assert response.status_code == 200
    assert "入力誤りが5回に達した" in field_error(response, "auth_key")
    assert "再発行" in field_error(response, "auth_key")
    assert "_auth_user_id" not in client.session
    assert not first_login_done(registered)


def test_an_expired_key_on_the_screen_offers_a_new_one(client, registered):
    with time_machine.travel(ISSUED + timedelta(minutes=30), tick=False):
        post_login(client, registered)

        response = client.post(KEY_URL, {"auth_key": registered.key})

    assert response.status_code == 200
    assert "有効期限(発行から30分)が過ぎました" in field_error(response, "auth_key")
    assert "認証キーを再発行する" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_key_at_29_59_on_the_screen_logs_in(client, registered):
    with time_machine.travel(ISSUED + timedelta(minutes=29, seconds=50), tick=False):
        post_login(client, registered)
    with time_machine.travel(ISSUED + timedelta(minutes=29, seconds=59), tick=False):
        response = client.post(KEY_URL, {"auth_key": registered.key})

        assert response.status_code == 302
        assert response["Location"] == "/seekers/"
        assert client.session["_auth_user_id"] == str(registered.account.user_id)


def test_reissue_on_the_screen_mails_a_new_key_and_kills_the_old(client, registered):
    with time_machine.travel(ISSUED + timedelta(minutes=45), tick=False):
        post_login(client, registered)
        response = client.post(KEY_URL, {"reissue": "1"})
        assert response.status_code == 302
        assert response["Location"] == KEY_URL
        page = client.get(KEY_URL).content.decode()
        assert "新しい認証キーを登録メールアドレスに送信しました。以前の認証キーは使えません。" in page

        new_key = latest_key_for("taro@example.jp")
        assert new_key != registered.key
        assert OutgoingEmail.objects.filter(kind="auth_key").count() == 2

        old = client.post(KEY_URL, {"auth_key": registered.key})
        assert old.status_code == 200
        assert field_error(old, "auth_key")
        assert "_auth_user_id" not in client.session

        response = client.post(KEY_URL, {"auth_key": new_key})

        assert response.status_code == 302
        assert response["Location"] == "/seekers/"
        assert client.session["_auth_user_id"] == str(registered.account.user_id)


def test_full_width_spaced_key_on_the_screen_logs_in(client, registered):
    typed = _full_width(registered.key[:4]).lower() + " " + _full_width(registered.key[4:])
    with time_machine.travel(ISSUED + timedelta(minutes=3), tick=False):
        post_login(client, registered)
        response = client.post(KEY_URL, {"auth_key": typed})

    assert response.status_code == 302
    assert response["Location"] == "/seekers/"


def test_an_empty_key_is_a_field_error_and_not_a_try(client, registered):
    with time_machine.travel(ISSUED + timedelta(minutes=3), tick=False):
        post_login(client, registered)
        response = client.post(KEY_URL, {"auth_key": " - "})

    assert response.status_code == 200
    assert "認証キーを入力してください。" in field_error(response, "auth_key")
    assert AuthKey.objects.get().failed_tries == 0


def test_key_screen_without_csrf_token_is_refused(registered):
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(ISSUED + timedelta(minutes=3), tick=False):
        page = client.get(LOGIN_URL)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
        client.post(LOGIN_URL, {"login": registered.user_id, "password": registered.password,
                                "csrfmiddlewaretoken": token})

        response = client.post(KEY_URL, {"auth_key": registered.key})

    assert response.status_code == 403
    assert not first_login_done(registered)


# --- the race -------------------------------------------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_two_right_answers_at_the_same_moment_only_one_wins(password):
    """The key row is locked with select_for_update and consumed by a conditional update: of two
    simultaneous right answers exactly one completes the login."""
    registered = register(password, at=datetime.now(UTC))
    barrier = threading.Barrier(2)
    results: list[str] = []
    lock = threading.Lock()

    def attempt():
        try:
            account = SeekerAccount.objects.select_related("user").get(pk=registered.account.pk)
            barrier.wait(timeout=10)
            try:
                services.auth_key_verify(account=account, key=registered.key)
            except services.AuthKeyError as error:
                outcome = error.code
            else:
                outcome = "ok"
            with lock:
                results.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["none", "ok"]
    key = AuthKey.objects.get()
    assert key.used_at is not None
    assert AuditEvent.objects.filter(verb="seeker.first_login").count() == 1
