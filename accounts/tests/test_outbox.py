"""The mail outbox (SPEC rule 22): written with the change, queued on commit, sent once; nothing is
lost when the broker is down; secrets are wiped once sent."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction
from kombu.exceptions import OperationalError

from accounts.mail import email_queue
from accounts.models import OutgoingEmail
from accounts.tasks import outbox_sweep, send_outgoing_email
from conftest import TODAY, jst

pytestmark = pytest.mark.django_db

START = jst(TODAY, 10)  # the suite's today, 10:00 in Japan


def queue(kind="auth_key", to="taro@example.jp") -> OutgoingEmail:
    return email_queue(
        to=to,
        template="seekers/email/registered",
        context={"user_id": "ABCD2345", "auth_key": "QRST6789", "expires_at": START + timedelta(minutes=30),
                 "site_url": "https://kyushoku.example.jp"},
        kind=kind,
    )


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(send_outgoing_email, "delay", refuse)
    return monkeypatch


def test_nothing_is_sent_before_commit_then_exactly_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            row = queue()
            assert mail.outbox == []
            assert OutgoingEmail.objects.get(pk=row.pk).sent_at is None
        assert mail.outbox == []  # the transaction's on-commit hooks have not run yet

    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["taro@example.jp"]
    assert message.subject == "【求職情報提供サイト】利用登録のお知らせ(ユーザIDと認証キー)"
    assert "ユーザID: ABCD2345" in message.body
    assert "認証キー: QRST6789" in message.body
    assert any(mimetype == "text/html" for _, mimetype in message.alternatives)
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 1


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            queue()
            raise RuntimeError("the change failed")

    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


def test_broker_down_keeps_the_mail_and_the_sweep_sends_it_later(broker_down,
                                                                 django_capture_on_commit_callbacks):
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                row = queue()  # the request itself does not fail

    row.refresh_from_db()
    assert row.sent_at is None
    assert row.body  # still there to be sent
    assert mail.outbox == []

    broker_down.undo()  # the broker is back
    with time_machine.travel(START + timedelta(seconds=30), tick=False):
        assert outbox_sweep() == 0  # too young: its own on-commit queueing may still be on the way
    assert mail.outbox == []
    with time_machine.travel(START + timedelta(minutes=1, seconds=1), tick=False):
        assert outbox_sweep() == 1

    assert len(mail.outbox) == 1
    assert "認証キー: QRST6789" in mail.outbox[0].body
    row.refresh_from_db()
    assert row.sent_at is not None
    with time_machine.travel(START + timedelta(minutes=3), tick=False):
        assert outbox_sweep() == 0
    assert len(mail.outbox) == 1


def test_a_sensitive_mail_is_wiped_after_sending(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(kind="auth_key")

    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.body == ""
    assert row.html_body == ""
    assert "QRST6789" in mail.outbox[0].body  # the seeker still got it


def test_a_password_reset_mail_is_wiped_after_sending(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(kind="password_reset_key")

    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.body == ""


def test_an_ordinary_mail_keeps_its_text(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = queue(kind="first_contact")

    row.refresh_from_db()
    assert row.sent_at is not None
    assert "ABCD2345" in row.body


def test_two_sends_of_the_same_mail_send_it_once():
    row = queue()

    first = send_outgoing_email.delay(row.pk).get()
    second = send_outgoing_email.delay(row.pk).get()

    assert (first, second) == (True, False)
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_a_mail_claimed_by_a_running_send_is_not_sent_again():
    row = queue()
    OutgoingEmail.objects.filter(pk=row.pk).update(claimed_until=datetime.now(UTC) + timedelta(minutes=5))

    assert send_outgoing_email.delay(row.pk).get() is False
    assert mail.outbox == []


def test_a_failed_smtp_send_is_kept_for_another_try(monkeypatch):
    row = queue(kind="first_contact")

    def smtp_down(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server refused the connection")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", smtp_down)
    with pytest.raises(Retry):  # Celery will try again later
        send_outgoing_email.apply(args=[row.pk], throw=True)

    row.refresh_from_db()
    assert row.sent_at is None
    assert row.attempts >= 1
    assert "refused" in row.last_error
    assert row.claimed_until is None  # free for the next try
    monkeypatch.undo()
    assert send_outgoing_email.delay(row.pk).get() is True
    assert len(mail.outbox) == 1
