"""The outbox sweep at scale (accounts.tasks): pending mails are queued in batches and each batch is
claimed, sent over one mail connection and marked in a constant number of queries; a mail that fails
is released with its error for the next sweep; a mail another sender holds is skipped."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from accounts import tasks
from accounts.models import OutgoingEmail
from conftest import TODAY, jst

pytestmark = pytest.mark.django_db

START = jst(TODAY, 10)


def pending(n: int, kind=OutgoingEmail.Kind.ACCOUNT_NOTICE) -> list[OutgoingEmail]:
    with time_machine.travel(START, tick=False):
        return OutgoingEmail.objects.bulk_create(
            OutgoingEmail(to=f"u{i}@example.jp", kind=kind, subject=f"件名{i}", body=f"本文{i}") for i in range(n)
        )


def test_the_sweep_queues_every_pending_mail_in_batches(monkeypatch):
    rows = pending(5)
    batches = []
    monkeypatch.setattr(tasks, "SWEEP_BATCH", 2)
    monkeypatch.setattr(tasks.send_outgoing_batch, "delay", batches.append)
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        assert tasks.outbox_sweep() == 5
    assert batches == [[rows[0].pk, rows[1].pk], [rows[2].pk, rows[3].pk], [rows[4].pk]]


def test_the_sweep_stops_at_its_limit(monkeypatch):
    pending(5)
    batches = []
    monkeypatch.setattr(tasks, "SWEEP_BATCH", 2)
    monkeypatch.setattr(tasks.send_outgoing_batch, "delay", batches.append)
    with time_machine.travel(START + timedelta(minutes=2), tick=False):
        assert tasks.outbox_sweep(limit=3) == 3
    assert [len(batch) for batch in batches] == [2, 1]


@pytest.mark.parametrize("n", [2, 20])
def test_a_batch_costs_the_same_queries_for_2_mails_and_for_20(django_assert_num_queries, n):
    rows = pending(n)
    # savepoint, the locked read, the claim, release; then one UPDATE of the sent (no wiped kind here)
    with django_assert_num_queries(5):
        assert tasks.send_outgoing_batch([row.pk for row in rows]) == n
    assert sorted(message.to[0] for message in mail.outbox) == sorted(row.to for row in rows)
    assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()
    assert set(OutgoingEmail.objects.values_list("attempts", flat=True)) == {1}


def test_a_batch_wipes_the_secret_kinds_and_keeps_the_others():
    secret, = pending(1, kind=OutgoingEmail.Kind.AUTH_KEY)
    notice, = pending(1)
    assert tasks.send_outgoing_batch([secret.pk, notice.pk]) == 2
    secret.refresh_from_db()
    notice.refresh_from_db()
    assert (secret.body, notice.body) == ("", "本文0")
    assert secret.sent_at and notice.sent_at


def test_a_failing_mail_is_released_with_its_error_and_the_rest_are_sent(monkeypatch):
    good, bad = pending(2)
    real_send = tasks.EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if message.to == [bad.to]:
            raise OSError("SMTP refused")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(tasks.EmailMultiAlternatives, "send", send)
    assert tasks.send_outgoing_batch([good.pk, bad.pk]) == 1
    bad.refresh_from_db()
    assert (bad.sent_at, bad.claimed_until, bad.attempts, bad.last_error) == (None, None, 1, "SMTP refused")
    assert [message.to for message in mail.outbox] == [[good.to]]


def test_sent_and_claimed_mails_are_not_sent_again():
    sent, held, free = pending(3)
    OutgoingEmail.objects.filter(pk=sent.pk).update(sent_at=START)
    OutgoingEmail.objects.filter(pk=held.pk).update(claimed_until=START + timedelta(days=365))
    assert tasks.send_outgoing_batch([sent.pk, held.pk, free.pk]) == 1
    assert [message.to for message in mail.outbox] == [[free.to]]
