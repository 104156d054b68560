"""The mail outbox (SPEC rule 22): written with the change, queued on commit, sent once; nothing is
lost when the broker is down or hung, and a hung broker costs the request a fraction of a second.
Which kinds are wiped once sent: test_outbox_kinds.py."""

import logging
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.db import transaction

from accounts.mail import Mail, email_queue, outbox_write
from accounts.models import OutgoingEmail
from accounts.tasks import outbox_sweep, send_outgoing_email
from conftest import TODAY, jst
from tests.conftest import hung_redis, use_broker

pytestmark = pytest.mark.django_db

START = jst(TODAY, 10)  # the suite's today, 10:00 in Japan


def queue(kind=OutgoingEmail.Kind.AUTH_KEY, to="taro@example.jp") -> OutgoingEmail:
    return email_queue(
        to=to,
        template="seekers/email/registered",
        context={"user_id": "ABCD2345", "auth_key": "QRST6789", "expires_at": START + timedelta(minutes=30),
                 "site_url": "https://kyushoku.example.jp"},
        kind=kind,
    )


UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"  # nothing listens: connection refused at once


@contextmanager
def publishing_to(url: str):
    """Publish to the broker at `url` for real (not eagerly); eager mode is back afterwards, so the
    tasks that the sweep queues then run in this process."""
    app = send_outgoing_email.app
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with use_broker(url):
            yield
    finally:
        app.conf.task_always_eager = eager


def note(number: int) -> Mail:
    return Mail(to=f"seeker{number}@example.jp", kind=OutgoingEmail.Kind.PERIOD_END, subject=f"お知らせ{number}",
                body=f"本文{number}")


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


def test_broker_down_keeps_the_mail_and_the_sweep_sends_it_later(django_capture_on_commit_callbacks, caplog):
    with time_machine.travel(START, tick=False), publishing_to(UNREACHABLE_BROKER):
        with caplog.at_level(logging.WARNING, logger="accounts.mail"):
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                row = queue()  # the request itself does not fail

    assert f"Could not queue mail {row.pk}; the outbox sweep will retry." in caplog.text
    row.refresh_from_db()
    assert row.sent_at is None
    assert row.body  # still there to be sent
    assert mail.outbox == []

    # The broker is back.
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


def test_a_hung_broker_holds_the_commit_a_fraction_of_a_second(django_capture_on_commit_callbacks, caplog):
    """A broker that accepts the connection and never answers (Redis stopped with SIGSTOP) used to hold
    the request through Celery's publish retries (25.8 s measured). Now one short attempt, and all the
    mails of the transaction wait for the sweep."""
    with hung_redis() as url, publishing_to(url), caplog.at_level(logging.WARNING, logger="accounts.mail"):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            rows = outbox_write([note(1), note(2), note(3)])
        elapsed = time.monotonic() - started

    assert elapsed < 1.5, f"the commit waited {elapsed:.2f}s for a hung broker"
    ids = ", ".join(str(row.pk) for row in rows)
    assert f"Could not queue mail {ids}; the outbox sweep will retry." in caplog.text
    assert not OutgoingEmail.objects.filter(sent_at__isnull=False).exists()

    with time_machine.travel(timedelta(minutes=2)):  # the broker is back; the sweep's next round
        assert outbox_sweep() == 3
    assert sorted(message.subject for message in mail.outbox) == ["お知らせ1", "お知らせ2", "お知らせ3"]


def test_many_mails_are_written_at_once_and_queued_by_one_commit_hook(django_capture_on_commit_callbacks,
                                                                      django_assert_num_queries):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic(), django_assert_num_queries(1):  # one INSERT for the three rows
            rows = outbox_write(note(number) for number in range(1, 4))
        assert mail.outbox == []

    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [["seeker1@example.jp"], ["seeker2@example.jp"],
                                                       ["seeker3@example.jp"]]
    assert [message.body for message in mail.outbox] == ["本文1", "本文2", "本文3"]
    assert OutgoingEmail.objects.filter(pk__in=[row.pk for row in rows], sent_at__isnull=False).count() == 3


def test_nothing_to_write_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert outbox_write([]) == []

    assert callbacks == []


def test_a_kind_outside_the_vocabulary_is_refused():
    with pytest.raises(ValueError, match="first_contact"):
        queue(kind="first_contact")

    assert not OutgoingEmail.objects.exists()


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
    row = queue(kind=OutgoingEmail.Kind.FIRST_GUIDANCE)

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
