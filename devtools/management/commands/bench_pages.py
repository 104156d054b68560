# ruff: noqa: S603 - runs only this interpreter with arguments built here.
"""manage.py bench_pages [--seconds S] [--rounds N] [--connections C] [--workers W]

Whole pages through HTTP (PostgreSQL; run seed_demo first): starts gunicorn with production settings
(devtools.bench_settings: production's plus one trivial view) and W sync workers on a free local port,
signs in a member of the first demo organisation (a bench member with TOTP, as production requires)
and the demo seeker by writing their sessions, and drives load from a second process
(devtools.bench_load, C keep-alive-capable connections). Each round times every URL for S seconds, in
turn, so the machine's noise falls on all of them alike; the printed requests/second are the median of
the rounds, with each page's ratio to the trivial view (a view behind the same middleware and session
that renders and reads nothing) of the same run. Target: every page ≥ 0.5 of the trivial view.

It also prints each page's SQL queries, counted in this process through the test client."""

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import SESSION_KEY as IDLE_KEY
from devtools import bench
from devtools.management.commands.seed_demo import pad
from organizations.models import Member
from seekers.models import SeekerAccount

TARGET_RATIO = 0.5
BENCH_MEMBER = "bench-pages-member"
BASE_DIR = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[IDLE_KEY] = int(time.time())
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


class Command(BaseCommand):
    help = "Whole pages under gunicorn (production settings): requests/second and the ratio to a trivial view."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=3.0)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--connections", type=int, default=2)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--pool", type=int, default=0,
                            help="DATABASE_POOL_MAX_SIZE for gunicorn (psycopg's pool); 0: CONN_MAX_AGE=60")

    def handle(self, *args, **options):
        bench.require_postgresql()
        settings.DEBUG = False
        member_user, seeker_user = self.users()
        pages = [
            ("trivial view (member)", "/bench/trivial/", member_user),
            ("organisation search", reverse("seekers_orgs:search"), member_user),
            ("organisation search, filtered", reverse("seekers_orgs:search") + "?prefecture=13&wants_regular=yes",
             member_user),
            ("organisation inbox", reverse("messaging_orgs:inbox"), member_user),
            ("seeker メッセージ一覧", reverse("messaging_seekers:inbox"), seeker_user),
        ]
        queries = self.count_queries(pages)
        cookies = {user.pk: session_cookie(user) for user in (member_user, seeker_user)}
        port = free_port()
        server = self.start_gunicorn(port, options["workers"], options["pool"])
        try:
            rates: dict[str, list[float]] = {name: [] for name, _, _ in pages}
            p50s: dict[str, list[float]] = {name: [] for name, _, _ in pages}
            for _name, path, user in pages:  # warm every worker's code paths and connections
                self.load(port, path, cookies[user.pk], 0.5, options["connections"])
            for _round in range(options["rounds"]):
                for name, path, user in pages:
                    result = self.load(port, path, cookies[user.pk], options["seconds"], options["connections"])
                    rates[name].append(result["requests"] / result["seconds"])
                    p50s[name].append(result["p50"])
        finally:
            server.terminate()
            server.wait(timeout=10)
        floor = statistics.median(rates[pages[0][0]])
        self.stdout.write(f"gunicorn: {options['workers']} sync workers, production settings, "
                          f"{'pool max ' + str(options['pool']) if options['pool'] else 'CONN_MAX_AGE=60'}; load: "
                          f"{options['connections']} connections from a second process; "
                          f"median of {options['rounds']} rounds × {options['seconds']:g} s")
        self.stdout.write(f"{'page':36} {'req/s':>8} {'p50 ms':>8} {'queries':>8} {'÷ trivial':>10}")
        failed = []
        for name, _path, _user in pages:
            rate = statistics.median(rates[name])
            ratio = rate / floor
            mark = "" if name == pages[0][0] or ratio >= TARGET_RATIO else "  below target"
            if mark:
                failed.append(name)
            self.stdout.write(f"{pad(name, 36)} {rate:8.1f} {statistics.median(p50s[name]):8.1f} {queries[name]:8d} "
                              f"{ratio:10.2f}{mark}")
        self.stdout.write(f"target: every page ≥ {TARGET_RATIO} × the trivial view "
                          f"({'met' if not failed else 'NOT met: ' + ', '.join(failed)})")
        if failed:
            sys.exit(1)

    def users(self):
        member = Member.objects.select_related("organization").order_by("user__username").first()
        if member is None:
            raise CommandError("Run seed_demo first: the benchmark signs in a demo member and the demo seeker.")
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from organizations.tests.factories import MemberFactory

        bench_member = Member.objects.filter(user__username=BENCH_MEMBER).select_related("user").first()
        if bench_member is None:
            bench_member = MemberFactory(organization=member.organization, user__username=BENCH_MEMBER,
                                         user__email=f"{BENCH_MEMBER}@demo.kyushoku.example.jp")
        if not Authenticator.objects.filter(user=bench_member.user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(bench_member.user, generate_totp_secret())
        from devtools.management.commands.seed_demo import SEEKER_ID

        seeker = SeekerAccount.objects.select_related("user").filter(user__username=SEEKER_ID).first()
        if seeker is None:
            raise CommandError("Run seed_demo first: the demo seeker is missing.")
        return bench_member.user, seeker.user

    def count_queries(self, pages) -> dict[str, int]:
        """Each page's queries in steady state (its second request: the idle stamp written, the reference
        selects' memo filled), with production's MFA gate."""
        counts = {}
        clients = {}
        with override_settings(ROOT_URLCONF="devtools.bench_urls", REQUIRE_MFA=True):
            for name, path, user in pages:
                client = clients.get(user.pk)
                if client is None:
                    client = clients[user.pk] = Client(HTTP_HOST="127.0.0.1")
                    client.force_login(user)
                client.get(path)
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(path)
                if response.status_code != 200:
                    raise CommandError(f"{path} answered {response.status_code} in process")
                counts[name] = len(ctx.captured_queries)
        return counts

    def start_gunicorn(self, port: int, workers: int, pool: int) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "devtools.bench_settings",
            "SECRET_KEY": settings.SECRET_KEY,  # the sessions written here are signed with it
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/0"),
            "LOG_LEVEL": "WARNING",
            "DATABASE_POOL_MAX_SIZE": str(pool),
        }
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env,
                       check=True)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            cwd=BASE_DIR, env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial/", timeout=1)  # noqa: S310
                break
            except OSError:
                if server.poll() is not None:
                    raise CommandError("gunicorn exited at start") from None
                time.sleep(0.3)
        else:
            server.terminate()
            raise CommandError("gunicorn did not answer within 30 s")
        return server

    def load(self, port: int, path: str, cookie: str, seconds: float, connections: int) -> dict:
        out = subprocess.run(
            [sys.executable, "-m", "devtools.bench_load", "127.0.0.1", str(port), path, cookie, str(seconds),
             str(connections)],
            cwd=BASE_DIR, capture_output=True, text=True, check=True,
        )
        result = json.loads(out.stdout)
        if result["errors"] or not result["requests"]:
            raise CommandError(f"{path}: {result['errors'][:3]}")
        return result
