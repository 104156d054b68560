"""A cache Redis that is down or hangs (the throttles' counters live there) must not turn logins and
registrations into 500s or hold them for seconds (config/cache.py): each operation gives up after a
quarter second and the throttles are off until it answers; the database guards still hold."""

import socket
import time

import pytest
from django.core.cache import cache

from accounts.tests.factories import DEFAULT_PASSWORD
from config.settings import base
from seekers.models import SeekerAccount
from seekers.tests.factories import JobApplicationFactory
from tests.conftest import hung_redis

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe goes: nothing listens there


@pytest.fixture(params=["hung", "down"])
def broken_cache(request, settings):
    """The cache pointed at a Redis that accepts and never answers, or at a port nobody listens on,
    with the production login limits on."""

    def point_at(url):
        settings.CACHES = {"default": {
            "BACKEND": "config.cache.FailSoftRedisCache", "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25, "retry_on_timeout": False},
        }}
        settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS

    if request.param == "hung":
        with hung_redis() as url:
            point_at(url)
            yield
    else:
        point_at(f"redis://127.0.0.1:{closed_port()}/0")
        yield


def timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def test_a_login_still_works_and_quickly(client, seeker, broken_cache):
    response, elapsed = timed(lambda: client.post(
        "/accounts/login/", {"login": seeker.username, "password": DEFAULT_PASSWORD}))

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(seeker.pk)
    assert elapsed < 1.5  # a hung cache used to hold the login for seconds (redis-py waits 5 s a call)


def test_a_registration_still_works(client, password, broken_cache):
    application = JobApplicationFactory(kyushoku_number="13010-12345678", identity__birth_date="1990-04-01")

    response = client.post("/seekers/register/", {
        "kyushoku_number": "13010-12345678", "birth_date": "1990-04-01", "email": "taro@example.jp",
        "email2": "taro@example.jp", "password1": password, "password2": password, "agree": "on",
    })

    assert response.status_code == 302
    assert SeekerAccount.objects.get().application == application


def test_each_cache_call_gives_up_within_its_bound(broken_cache):
    _, elapsed = timed(lambda: cache.get("anything", "fallback"))
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.add("lock", True) is True  # a lock loop does not wait out its own timeout
    assert elapsed < 1.5
