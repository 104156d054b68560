"""Fixtures of the cross-app tests: a real browser (Debian Chromium driven by Playwright) with an axe
check, a real Celery worker on Redis, and a real SMTP server to receive the mail.

On a laptop a missing browser or service skips the test; in CI (REQUIRE_SERVICES=1) it fails (`need`).

Browser and integration tests use a transactional database (the live server and the worker read it
from other threads, so the data must be committed). Django empties every table after such a test,
the reference codes (都道府県, 職業分類, ...) that a data migration loads and ProfileFactory needs
among them. These tests take the `reference_data` fixture, which loads the codes again when they are
missing. `serialized_rollback=True` was tried and dropped: it restores a snapshot taken when the
test database was created, and that snapshot's content types clash (IntegrityError on
django_content_type) with the ones post_migrate recreates after any earlier transactional test
without serialized_rollback (seekers/tests/test_auth_key.py has one), so it fails or passes
depending on which tests ran before.
"""

import email
import email.policy
import os
import re
import smtplib
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import need

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# axe impacts that fail a page; "moderate" and "minor" ones are printed (see the captured output).
BLOCKING_IMPACTS = ("serious", "critical")


# --- browser -------------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so `page` can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    need(CHROMIUM.exists(), "Debian chromium (/usr/bin/chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread from start() to stop(); Django
    # then refuses every ORM call made here (factories, assertions) with SynchronousOnlyOperation.
    # The calls are plain synchronous code, so the documented escape hatch is safe; it is set only
    # while Playwright runs and only in the tests (never in settings).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test (no cookies carried over), Japanese, desktop size. A failing
    test leaves a full-page screenshot in test-artifacts/."""
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    yield new_page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        try:
            screenshot(new_page, f"FAILED-{name}.png")
        except Exception as exc:  # a dead page must not hide the test's own failure
            print(f"could not save the failure screenshot: {exc}")
    context.close()


def screenshot(page, name: str) -> Path:
    """A full-page screenshot in test-artifacts/ (ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_check(page, context=None) -> list[dict]:
    """Run axe-core on the page (or on `context`, a CSS selector) and fail on any serious or critical
    violation, listing each rule with the elements it found. Returns every violation."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page, context=context).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    others = [v for v in violations if v not in blocking]
    if others:
        print(f"axe on {page.url} (not blocking):\n{_describe(others)}")
    if blocking:
        pytest.fail(
            f"axe found {len(blocking)} serious/critical accessibility violation(s) on {page.url}:\n"
            f"{_describe(blocking)}",
            pytrace=False,
        )
    return violations


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- [{violation.get('impact')}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:160]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


# --- Celery on Redis -----------------------------------------------------------------------------

# One queue per test session, so a worker of another checkout or another test run on the same Redis
# cannot take our messages (nor ours theirs).
TEST_QUEUE = f"kyushoku-test-{uuid.uuid4().hex[:12]}"


def _reachable(host: str | None, port: int | None, timeout: float = 2.0) -> bool:
    if not host or not port:
        return False
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _reset_producer(app) -> None:
    """Forget the connection and producer pools (and the routing built from the old settings) so the
    next publish uses the current broker_url and default queue."""
    app._pool = None
    amqp = app.amqp
    amqp._producer_pool = None
    for cached in ("queues", "default_queue", "router"):
        amqp.__dict__.pop(cached, None)


@contextmanager
def use_broker(url: str) -> Iterator[None]:
    """Publish to another broker for the duration; the worker keeps consuming from the real one.
    Celery reads CELERY_BROKER_URL / CELERY_BROKER_WRITE_URL from the environment before its own
    configuration (celery.app.utils.Settings.broker_write_url), so the override goes there."""
    from config.celery_app import app

    previous = os.environ.get("CELERY_BROKER_WRITE_URL")
    os.environ["CELERY_BROKER_WRITE_URL"] = url
    _reset_producer(app)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("CELERY_BROKER_WRITE_URL", None)
        else:
            os.environ["CELERY_BROKER_WRITE_URL"] = previous
        _reset_producer(app)


@contextmanager
def hung_redis() -> Iterator[str]:
    """A broker URL whose server accepts connections and then never answers, as a Redis stopped with
    SIGSTOP does (the kernel completes the handshake; nothing reads or replies). Yields the URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.05)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=accept, name="hung-redis", daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


@pytest.fixture
def celery_worker_on_redis():
    """A real Celery worker (solo pool, in a thread) consuming from Redis for the test's duration.
    Tasks are published for real instead of running eagerly; eager mode is restored afterwards."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    need(bool(broker), "CELERY_BROKER_URL (Redis)")
    parts = urlsplit(broker)
    need(_reachable(parts.hostname, parts.port or 6379), f"Redis at {broker}")
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    names = ("task_always_eager", "broker_url", "task_default_queue", "worker_hijack_root_logger")
    saved = {name: app.conf[name] for name in names}
    app.conf.task_always_eager = False
    app.conf.broker_url = broker
    app.conf.task_default_queue = TEST_QUEUE
    # The worker would otherwise strip the root logger's handlers (pytest's log capture among them).
    app.conf.worker_hijack_root_logger = False
    _reset_producer(app)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=30) as worker:
            yield worker
    finally:
        try:
            with app.connection_for_write() as connection:
                connection.default_channel.queue_delete(TEST_QUEUE)
        except Exception as exc:  # best effort: an empty Redis list disappears by itself anyway
            print(f"could not delete the test queue {TEST_QUEUE}: {exc}")
        for name, value in saved.items():
            app.conf[name] = value
        _reset_producer(app)


# --- SMTP ----------------------------------------------------------------------------------------


class SmtpSink:
    """aiosmtpd handler that keeps every message it receives (parsed, headers decoded). When EMAIL_URL
    names a reachable smtp:// server, each message is also relayed there, so that server (a mail
    catcher in CI, say) receives it too while the test can still read what was sent."""

    def __init__(self, relay_url: str | None = None):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.relay_url = relay_url
        self.relay_errors: list[str] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.relay_url:
            self._relay(envelope.mail_from, envelope.rcpt_tos, raw)
        return "250 Message accepted for delivery"

    def _relay(self, sender: str, recipients: list[str], raw: bytes) -> None:
        parts = urlsplit(self.relay_url)
        try:
            with smtplib.SMTP(parts.hostname, parts.port or 25, timeout=10) as relay:
                if parts.username:
                    relay.login(unquote(parts.username), unquote(parts.password or ""))
                relay.sendmail(sender, recipients, raw)
        except (OSError, smtplib.SMTPException) as exc:
            self.relay_errors.append(str(exc))


def _relay_url() -> str | None:
    """EMAIL_URL, if it is a plain smtp:// URL whose server answers; otherwise None (sink only)."""
    url = os.environ.get("EMAIL_URL", "")
    parts = urlsplit(url)
    if parts.scheme != "smtp" or not _reachable(parts.hostname, parts.port or 25):
        return None
    return url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on 127.0.0.1 and Django's SMTP backend pointed at it. pytest-django switches
    every test to the locmem backend; the `settings` fixture overrides that for this test only (and
    for every thread, so the Celery worker and the live server send here too)."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(relay_url=_relay_url())
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield sink
    finally:
        controller.stop()


def wait_for_mail(sink: SmtpSink, count: int, timeout: float = 20) -> list:
    """Wait until the sink holds at least `count` messages; fail with what arrived otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sink._lock:
            if len(sink.messages) >= count:
                return list(sink.messages)
        time.sleep(0.05)
    subjects = [str(m["Subject"]) for m in sink.messages]
    pytest.fail(f"expected {count} mail(s) at the SMTP sink within {timeout}s; got {len(subjects)}: {subjects}")


def wait_until_sent(mail_id: int, timeout: float = 20):
    """Wait until the worker has marked the outbox row sent (just after the SMTP server took it)."""
    from accounts.models import OutgoingEmail

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mail = OutgoingEmail.objects.get(pk=mail_id)
        if mail.sent_at is not None:
            return mail
        time.sleep(0.05)
    pytest.fail(f"outbox mail {mail_id} was not marked sent within {timeout}s")


def text_body(message) -> str:
    """The decoded text/plain part of a parsed mail."""
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def new_page(browser, request):
    """Another browser context per actor, made like conftest's `page` (Japanese, desktop size); a
    failing test leaves a screenshot of each."""
    pages = []

    def make():
        context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        pages.append(context.new_page())
        return pages[-1]

    yield make
    report = getattr(request.node, "rep_call", None)
    for number, other in enumerate(pages, start=1):
        if report is not None and report.failed:
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
            try:
                other.screenshot(path=str(ARTIFACTS / f"FAILED-{name}-actor{number}.png"), full_page=True)
            except Exception as exc:  # a dead page must not hide the test's own failure
                print(f"could not save the failure screenshot: {exc}")
        other.context.close()
