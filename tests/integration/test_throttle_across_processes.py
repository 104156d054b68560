"""The login throttle holds across worker processes: two separate application servers (gunicorn, one
sync worker each, as production runs several) on the same PostgreSQL database and the same Redis
cache share one count. With a per-process cache each server would allow its own five wrong
passwords, and the attempt after five alternating failures would log in."""

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.db import connection

from accounts.tests.factories import DEFAULT_PASSWORD
from conftest import need
from seekers.tests.factories import SeekerAccountFactory
from tests.conftest import _free_port, _reachable

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]

ROOT = Path(__file__).resolve().parents[2]
LOGIN_PATH = "/accounts/login/"


def _database_url() -> str:
    """The test database this process uses, for the servers to use too."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One client (one cookie jar) that can talk to either server."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=30) as response:  # noqa: S310 - our own test server
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def log_in(self, server: str, login: str, password: str) -> tuple[int, str, dict]:
        status, page, _ = self.request(server + LOGIN_PATH)
        assert status == 200, page[:500]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(server + LOGIN_PATH, {"csrfmiddlewaretoken": token, "login": login, "password": password})


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server at {url} exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + LOGIN_PATH, timeout=2):  # noqa: S310 - our own test server
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the server at {url} did not answer within {timeout}s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def two_servers():
    """Two gunicorn servers (one sync worker each) on free ports, with the test settings' login
    limits switched on, against this test's database and cache. Yields their base URLs."""
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    cache_url = os.environ.get("CACHE_URL", "")
    parts = urlsplit(cache_url)
    need(
        settings.CACHES["default"]["BACKEND"].endswith("RedisCache") and _reachable(parts.hostname, parts.port or 6379),
        f"a shared Redis cache (CACHE_URL={cache_url!r})",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "TEST_RATE_LIMITS": "1",
        "DATABASE_URL": _database_url(),
        "CACHE_URL": cache_url,
        "CELERY_BROKER_URL": "",
    }
    servers, logs = [], []
    with tempfile.TemporaryDirectory() as directory:
        try:
            for number in range(2):
                port = _free_port()
                log = Path(directory) / f"server{number}.log"
                handle = log.open("w")
                process = subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                     "--workers", "1", "--worker-class", "sync", "--timeout", "60"],
                    cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                )
                servers.append((f"http://127.0.0.1:{port}", process, handle))
                logs.append(log)
            for (url, process, _), log in zip(servers, logs, strict=True):
                _wait_until_up(url, process, log)
            yield [url for url, _, _ in servers]
        finally:
            for _, process, handle in servers:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=20)
                handle.close()


def test_five_wrong_passwords_spread_over_two_processes_throttle_the_account(two_servers):
    seeker = SeekerAccountFactory().user
    other = SeekerAccountFactory().user
    browser = Browser()

    # Alternating servers: three failures land on one process, two on the other.
    for attempt in range(5):
        status, page, _ = browser.log_in(two_servers[attempt % 2], seeker.username, "wrong-password-1")
        assert status == 200, page[:500]

    # Each server refuses the right password now: the count they share has reached five.
    for server in two_servers:
        status, page, _ = browser.log_in(server, seeker.username, DEFAULT_PASSWORD)
        assert status == 429, (server, status, page[:500])
        assert "しばらく時間をおいてからお試しください" in page

    # The same address may still log in to another account.
    status, _, headers = browser.log_in(two_servers[0], other.username, DEFAULT_PASSWORD)
    assert status == 302
    assert headers["Location"] == "/seekers/"
