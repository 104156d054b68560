"""利用登録 mail through the real outbox path: the service commits, Celery on Redis picks the task up,
Django's SMTP backend hands the mail to a real SMTP server. Also the broker-down path of the outbox
(accounts/mail.py): registration must not fail because the queue is down, and the sweep that beat
runs every minute sends the waiting mail once the broker is back."""

import datetime
import logging
import re

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from accounts.models import OutgoingEmail
from accounts.tasks import outbox_sweep
from seekers.keys import auth_key_matches
from seekers.models import AuthKey, SeekerAccount
from seekers.services import seeker_register
from seekers.tests.factories import JobApplicationFactory
from tests.conftest import text_body, use_broker, wait_for_mail, wait_until_sent

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

SUBJECT = "【求職情報提供サイト】利用登録のお知らせ(ユーザIDと認証キー)"
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def register(application, email):
    return seeker_register(
        kyushoku_number=application.kyushoku_number,
        birth_date=application.identity.birth_date,
        email=email,
        password="hellowork-Pass-2026",
        terms_version=settings.TERMS_VERSION,
    )


def mailed_key(body: str) -> str:
    match = re.search(r"^認証キー: (\S+)", body, re.MULTILINE)
    assert match, f"no 認証キー line in the mail:\n{body}"
    return match.group(1)



def assert_registration_mail(message, *, to: str, user_id: str, account: SeekerAccount) -> None:
    assert message["To"] == to
    # Django 5.2 folds the encoded subject onto a continuation line ("Subject: \n =?utf-8?b?...");
    # unfolding leaves one leading space, which mail clients drop.
    assert message["Subject"].strip() == SUBJECT
    body = text_body(message)
    assert f"ユーザID: {user_id}" in body
    key = mailed_key(body)
    assert re.fullmatch(r"[A-Z2-9]{8}", key), key
    # The mailed key is the account's live key, not just eight characters.
    live = AuthKey.objects.get(account=account, used_at__isnull=True, revoked_at__isnull=True)
    assert auth_key_matches(account.pk, key, live.key_hash)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert user_id in html and key in html


def test_registration_mail_reaches_smtp_through_the_worker(celery_worker_on_redis, smtp_sink):
    application = JobApplicationFactory()

    registration = register(application, "taro@example.jp")

    [message] = wait_for_mail(smtp_sink, 1)
    assert_registration_mail(message, to="taro@example.jp", user_id=registration.user_id,
                             account=registration.account)
    outbox = OutgoingEmail.objects.get(to="taro@example.jp")
    outbox = wait_until_sent(outbox.pk)
    assert outbox.kind == "auth_key"
    assert outbox.attempts == 1
    # The 認証キー is a secret: once sent, the outbox keeps no copy of it.
    assert outbox.body == "" and outbox.html_body == ""
    assert outbox.subject == SUBJECT


def test_registration_succeeds_with_the_broker_down_and_the_sweep_sends_the_mail(
    celery_worker_on_redis, smtp_sink, caplog
):
    application = JobApplicationFactory()

    with caplog.at_level(logging.WARNING, logger="accounts.mail"), use_broker(UNREACHABLE_BROKER):
        registration = register(application, "hanako@example.jp")

    # The registration stands; the mail waits in the outbox, unsent and unqueued.
    account = SeekerAccount.objects.get(user__username=registration.user_id)
    assert account.application_id == application.pk
    assert "the outbox sweep will retry" in caplog.text
    outbox = OutgoingEmail.objects.get(to="hanako@example.jp")
    assert outbox.sent_at is None
    assert registration.user_id in outbox.body
    assert smtp_sink.messages == []

    # The broker is back. The beat schedule runs the sweep every minute; it picks mail older than a
    # minute, so run it as it would run two minutes later.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=True):
        assert outbox_sweep() == 1

    [message] = wait_for_mail(smtp_sink, 1)
    assert_registration_mail(message, to="hanako@example.jp", user_id=registration.user_id, account=account)
    outbox = wait_until_sent(outbox.pk)
    assert outbox.body == "" and outbox.html_body == ""
