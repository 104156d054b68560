"""認証キー reissues are limited (AUTH_KEY_REISSUES_PER_HOUR in any hour per account): each one mails,
so an unlimited button is a mail cannon. The limit is in the service; the screen says it and when
another key can be asked for."""

import re
import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import connections

from accounts.models import AuditEvent, OutgoingEmail
from conftest import TODAY, jst
from seekers import services
from seekers.models import AuthKey, SeekerAccount
from seekers.tests.factories import JobApplicationFactory

pytestmark = pytest.mark.django_db

REGISTERED = jst(TODAY, 10)
BIRTH = date(1990, 4, 1)
EMAIL = "taro@example.jp"
KEY_URL = "/seekers/auth-key/"


@pytest.fixture
def account(password) -> SeekerAccount:
    with time_machine.travel(REGISTERED, tick=False):
        application = JobApplicationFactory(identity__birth_date=BIRTH)
        registration = services.seeker_register(
            kyushoku_number=application.kyushoku_number, birth_date=BIRTH, email=EMAIL, password=password,
            terms_version="2026-11",
        )
    return registration.account


def reissue(account, *, at):
    with time_machine.travel(at, tick=False):
        services.auth_key_reissue(account=SeekerAccount.objects.get(pk=account.pk))


def key_mails() -> int:
    return OutgoingEmail.objects.filter(kind="auth_key", to=EMAIL).count()


def test_three_reissues_in_an_hour_then_the_fourth_is_refused_with_the_time(account):
    assert settings.AUTH_KEY_REISSUES_PER_HOUR == 3
    # The registration's own key does not count: three reissues right after it are fine.
    for minutes in (1, 2, 3):
        reissue(account, at=REGISTERED + timedelta(minutes=minutes))
    assert key_mails() == 4

    with pytest.raises(services.AuthKeyReissueLimited) as limited:
        reissue(account, at=REGISTERED + timedelta(minutes=30))

    # Another may be asked for when the first of the three is an hour old.
    assert limited.value.retry_at == REGISTERED + timedelta(hours=1, minutes=1)
    assert key_mails() == 4
    assert AuthKey.objects.filter(account=account).count() == 4
    # The last key mailed still works: the refusal did not revoke it.
    assert AuthKey.objects.filter(account=account, revoked_at__isnull=True).count() == 1
    refused = AuditEvent.objects.get(verb="seeker.auth_key_reissue_refused")
    assert refused.target_id == str(account.pk)
    assert AuditEvent.objects.filter(verb="seeker.auth_key_reissue").count() == 3


def test_the_window_slides_one_reissue_becomes_free_when_it_is_an_hour_old(account):
    for minutes in (1, 20, 40):
        reissue(account, at=REGISTERED + timedelta(minutes=minutes))

    with pytest.raises(services.AuthKeyReissueLimited):
        reissue(account, at=REGISTERED + timedelta(hours=1, minutes=0, seconds=59))
    reissue(account, at=REGISTERED + timedelta(hours=1, minutes=1))
    with pytest.raises(services.AuthKeyReissueLimited) as limited:
        reissue(account, at=REGISTERED + timedelta(hours=1, minutes=2))

    assert limited.value.retry_at == REGISTERED + timedelta(hours=1, minutes=20)
    assert key_mails() == 5


def test_the_limit_is_per_account(account, password):
    with time_machine.travel(REGISTERED, tick=False):
        other_application = JobApplicationFactory(identity__birth_date=BIRTH)
        other = services.seeker_register(
            kyushoku_number=other_application.kyushoku_number, birth_date=BIRTH, email="hanako@example.jp",
            password=password, terms_version="2026-11",
        ).account
    for minutes in (1, 2, 3):
        reissue(account, at=REGISTERED + timedelta(minutes=minutes))

    reissue(other, at=REGISTERED + timedelta(minutes=4))

    assert OutgoingEmail.objects.filter(kind="auth_key", to="hanako@example.jp").count() == 2


def test_a_setting_changes_the_limit(account, settings):
    settings.AUTH_KEY_REISSUES_PER_HOUR = 1
    reissue(account, at=REGISTERED + timedelta(minutes=1))

    with pytest.raises(services.AuthKeyReissueLimited):
        reissue(account, at=REGISTERED + timedelta(minutes=2))


# --- the screen -----------------------------------------------------------------------------------


def messages_on(response) -> str:
    match = re.search(r'<ul class="messages">(.*?)</ul>', response.content.decode(), re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


def test_the_screen_says_the_limit_and_when_to_ask_again(client, account, password):
    at = REGISTERED + timedelta(minutes=40, seconds=30)
    for minutes in (5, 6, 7):
        reissue(account, at=REGISTERED + timedelta(minutes=minutes, seconds=20))
    with time_machine.travel(at, tick=False):
        client.post("/accounts/login/", {"login": account.user.username, "password": password})
        page = client.get(KEY_URL)
        assert "再発行は1時間に3回までです。" in page.content.decode()

        response = client.post(KEY_URL, {"reissue": "1"})
        assert response.status_code == 302
        assert response["Location"] == KEY_URL
        shown = client.get(KEY_URL)

    # 10:05:20 + 1 hour, rounded up to the minute.
    assert "認証キーの再発行は1時間に3回までです。次に再発行できるのは11:06以降です。" in messages_on(shown)
    assert "新しい認証キーを登録メールアドレスに送信しました" not in shown.content.decode()
    assert key_mails() == 4


def test_a_refused_reissue_across_midnight_names_the_day(client, account, password):
    late = jst(TODAY, 23, 30)
    with time_machine.travel(late, tick=False):
        client.post("/accounts/login/", {"login": account.user.username, "password": password})
    for minutes in (0, 1, 2):
        reissue(account, at=late + timedelta(minutes=minutes))
    with time_machine.travel(late + timedelta(minutes=5), tick=False):
        client.post(KEY_URL, {"reissue": "1"})
        shown = client.get(KEY_URL)

    tomorrow = TODAY + timedelta(days=1)
    assert f"次に再発行できるのは{tomorrow.year}年{tomorrow.month}月{tomorrow.day}日 00:30以降です。" in messages_on(shown)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_parallel_reissues_cannot_pass_the_limit_together(password):
    """Six reissues at the same moment: the account row's lock (select_for_update) makes each count
    the keys the others made, so three are mailed and three refused."""
    application = JobApplicationFactory(identity__birth_date=BIRTH)
    account = services.seeker_register(
        kyushoku_number=application.kyushoku_number, birth_date=BIRTH, email=EMAIL, password=password,
        terms_version="2026-11",
    ).account
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def ask():
        try:
            barrier.wait(timeout=10)
            try:
                services.auth_key_reissue(account=account)
                outcome = "mailed"
            except services.AuthKeyReissueLimited:
                outcome = "refused"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["mailed"] * 3 + ["refused"] * 3
    assert key_mails() == 4
