# ruff: noqa: S608 - the SQL here interpolates only integers and our own constants, never input.
"""manage.py bench_nightly [--periods N] [--mails M]

The nightly jobs at scale (PostgreSQL): the end of N expired periods (seekers.services.periods_end,
default 500,000, on the bench_search profiles, filled here when missing) and the outbox sweep of M
pending mails (accounts.tasks.outbox_sweep, default 100,000). Each job is timed beside its floor, the
same change as one plain SQL statement over the same rows, measured in the same run, and printed with
the ratio and the process's peak memory (ru_maxrss before and after: a job that held all its rows would
grow it by hundreds of MB; tracemalloc's peak of Python allocations for the job alone).

Not measured: publishing each notice to the broker once its batch commits (accounts.mail._publish is
replaced by a counter: the sweep's figures show the sending) and SMTP itself (the dummy mail backend).
The bench rows are put back afterwards (periods un-ended, the bench mails and audit events deleted)."""

import resource
import time
import tracemalloc
from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from accounts import tasks
from accounts.models import AuditEvent, OutgoingEmail
from devtools import bench
from seekers import services

BENCH_MAIL_DOMAIN = "bench-nightly.example.jp"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.rowcount


class Command(BaseCommand):
    help = "Nightly jobs at scale: periods_end and the outbox sweep, beside a plain-SQL floor, with peak memory."

    def add_arguments(self, parser):
        parser.add_argument("--periods", type=int, default=500_000)
        parser.add_argument("--mails", type=int, default=100_000)

    def handle(self, *args, **options):
        bench.require_postgresql()
        settings.DEBUG = False  # local settings' DEBUG keeps every SQL text (5,000-row INSERTs) in memory
        self.rows = []
        if options["periods"]:
            self.periods(options["periods"])
        if options["mails"]:
            self.sweep(options["mails"])
        self.stdout.write(f"{'job':44} {'seconds':>9} {'floor s':>9} {'÷ floor':>8} {'RSS MB before→after':>20} "
                          f"{'py peak MB':>10}")
        for name, seconds, floor, before, after, peak in self.rows:
            self.stdout.write(f"{name:44} {seconds:9.1f} {floor:9.1f} {seconds / floor:8.1f} "
                              f"{before:9.0f} → {after:8.0f} {peak:10.1f}")

    # --- periods_end -------------------------------------------------------------------------------------

    def periods(self, n: int) -> None:
        have = bench.bench_profile_count()
        if have < n:
            bench.fill_profiles(n, log=self.stdout.write)
        today = timezone.localdate()
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM seekers_jobapplication WHERE kyushoku_number LIKE %s ORDER BY id "
                           "OFFSET %s LIMIT 1", [bench.BENCH_PREFIX + "%", n - 1])
            last_id = cursor.fetchone()[0]
        bench_rows = f"kyushoku_number LIKE '{bench.BENCH_PREFIX}%%' AND id <= {last_id}"

        def make_due():
            with connection.cursor() as cursor:
                run(cursor, f"UPDATE seekers_jobapplication SET period_ended_at = NULL, valid_until = %s "
                            f"WHERE {bench_rows}", [today - timedelta(days=1)])
                run(cursor, "DELETE FROM accounts_outgoingemail WHERE kind = 'period_end' AND created_at > %s",
                    [started])
                run(cursor, "DELETE FROM accounts_auditevent WHERE verb = %s AND created_at > %s",
                    [AuditEvent.Verb.APPLICATION_PERIODS_END, started])
                cursor.execute("ANALYZE seekers_jobapplication")

        started = timezone.now()
        make_due()
        # The floor: the same change in one statement, the notices as INSERT … SELECT.
        with connection.cursor() as cursor:
            t0 = time.perf_counter()
            ended = run(cursor, """
                WITH ended AS (
                    UPDATE seekers_jobapplication SET period_ended_at = now()
                    WHERE valid_until < %s AND period_ended_at IS NULL RETURNING id)
                INSERT INTO accounts_outgoingemail (created_at, "to", subject, body, html_body, kind, attempts,
                                                    last_error)
                SELECT now(), u.email, '利用期間終了のお知らせ', 'ユーザID ' || u.username, '', 'period_end', 0, ''
                FROM ended JOIN seekers_seekeraccount a ON a.application_id = ended.id AND a.stopped_at IS NULL
                JOIN accounts_user u ON u.id = a.user_id""", [today])
            floor = time.perf_counter() - t0
        self.stdout.write(f"floor: {ended:,} notices in one statement, {floor:.1f} s")
        make_due()

        published = []  # one length per batch: keeping the ids would grow the peak this bench measures
        before = rss_mb()
        tracemalloc.start()
        with mock.patch("accounts.mail._publish", lambda ids: published.append(len(ids))):
            t0 = time.perf_counter()
            count = services.periods_end(today=today)
            seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        after = rss_mb()
        notices = OutgoingEmail.objects.filter(kind="period_end", created_at__gt=started).count()
        self.stdout.write(f"periods_end: {count:,} periods ended, {notices:,} notices in {len(published)} batches, "
                          f"{seconds:.1f} s")
        self.rows.append((f"periods_end ({count:,} periods)", seconds, floor, before, after, peak))
        make_due()
        with connection.cursor() as cursor:  # leave them valid, as bench_search expects
            run(cursor, f"UPDATE seekers_jobapplication SET valid_until = applied_on + 90 WHERE {bench_rows}")

    # --- outbox sweep ------------------------------------------------------------------------------------

    def sweep(self, n: int) -> None:
        created = timezone.now() - timedelta(minutes=5)

        def make_pending():
            with connection.cursor() as cursor:
                run(cursor, "DELETE FROM accounts_outgoingemail WHERE \"to\" LIKE %s", [f"%@{BENCH_MAIL_DOMAIN}"])
                run(cursor, """
                    INSERT INTO accounts_outgoingemail (created_at, "to", subject, body, html_body, kind, attempts,
                                                        last_error)
                    SELECT %s, 'u' || g || '@' || %s, 'お知らせ ' || g,
                           repeat('ベンチ用のお知らせ本文です。', 20), '', 'account_notice', 0, ''
                    FROM generate_series(1, %s) g""", [created, BENCH_MAIL_DOMAIN, n])
                cursor.execute("ANALYZE accounts_outgoingemail")

        make_pending()
        with connection.cursor() as cursor:
            t0 = time.perf_counter()
            marked = run(cursor, "UPDATE accounts_outgoingemail SET sent_at = now(), attempts = attempts + 1 "
                                 "WHERE sent_at IS NULL AND \"to\" LIKE %s", [f"%@{BENCH_MAIL_DOMAIN}"])
            floor = time.perf_counter() - t0
        self.stdout.write(f"floor: {marked:,} mails marked sent in one statement, {floor:.1f} s")

        make_pending()
        # Before (for comparison): one task per mail, as the sweep queued them until now, on a sample.
        sample = list(OutgoingEmail.objects.filter(to__endswith=BENCH_MAIL_DOMAIN, sent_at__isnull=True)
                      .order_by("pk").values_list("pk", flat=True)[:2000])
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            t0 = time.perf_counter()
            for mail_id in sample:
                tasks.send_outgoing_email.run(mail_id)
            per_mail = (time.perf_counter() - t0) / len(sample)
        self.stdout.write(f"one task per mail (the sweep before): {per_mail * 1000:.2f} ms/mail on {len(sample):,} "
                          f"mails, {per_mail * n:.0f} s for {n:,} by extrapolation")

        make_pending()
        before = rss_mb()
        tracemalloc.start()
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                               CELERY_TASK_ALWAYS_EAGER=True):
            t0 = time.perf_counter()
            queued = 0
            while True:
                done = tasks.outbox_sweep()
                queued += done
                if not done:
                    break
            seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        after = rss_mb()
        sent = OutgoingEmail.objects.filter(to__endswith=BENCH_MAIL_DOMAIN, sent_at__isnull=False).count()
        self.stdout.write(f"outbox_sweep: {queued:,} queued, {sent:,} sent, {seconds:.1f} s")
        self.rows.append((f"outbox_sweep ({sent:,} pending mails)", seconds, floor, before, after, peak))
        with connection.cursor() as cursor:
            run(cursor, "DELETE FROM accounts_outgoingemail WHERE \"to\" LIKE %s", [f"%@{BENCH_MAIL_DOMAIN}"])
