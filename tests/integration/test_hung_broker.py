"""A hung broker (Redis stopped with SIGSTOP: it accepts connections and never answers) costs a request
that queues mail a fraction of a second, not the 26 s of Celery's publish retries; the mail waits in
the outbox, and once the broker is back the sweep, run by a real worker on the real Redis, sends it."""

import datetime
import logging
import re
import time

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import OutgoingEmail
from accounts.tasks import outbox_sweep
from seekers.models import SeekerAccount
from seekers.tests.factories import JobApplicationFactory
from tests.conftest import hung_redis, text_body, use_broker, wait_for_mail, wait_until_sent

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

# Generous: the request itself takes a few hundredths of a second, the one publish attempt a quarter.
BOUND = 1.5


def timed_post(client: Client, url: str, data: dict):
    started = time.monotonic()
    response = client.post(url, data)
    return response, time.monotonic() - started


def sweep_after_recovery(smtp_sink):
    """The broker is back; beat's next rounds run the sweep on the worker (it takes mail older than a
    minute, so stand two minutes later while the worker works)."""
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=True):
        outbox_sweep.delay()
        return wait_for_mail(smtp_sink, 1)


def test_registration_answers_at_once_with_a_hung_broker_and_the_sweep_sends_the_key_later(
    celery_worker_on_redis, smtp_sink, password, caplog
):
    application = JobApplicationFactory()
    data = {
        "kyushoku_number": application.kyushoku_number,
        "birth_date": application.identity.birth_date.isoformat(),
        "email": "taro@example.jp",
        "email2": "taro@example.jp",
        "password1": password,
        "password2": password,
        "agree": "on",
    }

    with hung_redis() as url, use_broker(url), caplog.at_level(logging.WARNING, logger="accounts.mail"):
        response, elapsed = timed_post(Client(), "/seekers/register/", data)

    assert response.status_code == 302 and response["Location"] == "/seekers/register/done/"
    assert elapsed < BOUND, f"the registration waited {elapsed:.2f}s for a hung broker"
    assert "the outbox sweep will retry" in caplog.text
    account = SeekerAccount.objects.select_related("user").get(application=application)
    outbox = OutgoingEmail.objects.get(to="taro@example.jp")
    assert outbox.sent_at is None
    assert smtp_sink.messages == []

    [message] = sweep_after_recovery(smtp_sink)

    assert message["To"] == "taro@example.jp"
    assert f"ユーザID: {account.user.username}" in text_body(message)
    assert re.search(r"^認証キー: [A-Z2-9]{8}\r?$", text_body(message), re.MULTILINE)
    outbox = wait_until_sent(outbox.pk)
    assert (outbox.body, outbox.html_body) == ("", "")  # the key is not kept once sent


def test_a_password_reset_answers_at_once_with_a_hung_broker_and_the_link_comes_later(
    celery_worker_on_redis, smtp_sink, seeker, caplog
):
    with hung_redis() as url, use_broker(url), caplog.at_level(logging.WARNING, logger="accounts.mail"):
        response, elapsed = timed_post(Client(), "/accounts/password/reset/",
                                       {"user_id": seeker.username, "email": seeker.email})

    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    assert elapsed < BOUND, f"the password reset waited {elapsed:.2f}s for a hung broker"
    assert "the outbox sweep will retry" in caplog.text
    assert OutgoingEmail.objects.get(to=seeker.email).sent_at is None

    [message] = sweep_after_recovery(smtp_sink)

    assert message["To"] == seeker.email
    assert re.search(r"/accounts/password/reset/key/\S+/", text_body(message))
