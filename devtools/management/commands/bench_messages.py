# ruff: noqa: S608 - the SQL here interpolates only integers computed here, never input.
"""manage.py bench_messages [--messages N] [--rounds N]

Seeds N messages (default 10,000,000) in conversations between the bench_search profiles and
organisations (run bench_search first), then times the seeker's メッセージ一覧 and the
organisation's inbox through the real selectors and paginator, printing p50/p95/max in ms and the
SQL queries per page. It runs compliance's nightly access sweep first, as production does."""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.services import access_end_sweep
from devtools import bench
from messaging import selectors
from organizations.models import Organization
from seekers.models import SeekerAccount

TARGET_P95_MS = 30
PER_CONVERSATION = 4
# organizations.services.disclosures_snapshot in SQL, over the organisation row `o`.
SNAPSHOT_SQL = "jsonb_build_object(" + ", ".join(
    f"'{name}', o.{name}" for name in Organization.DISCLOSURE_SNAPSHOT
) + ")"


def seeker_page(account):
    paginator = Paginator(selectors.seeker_inbox(account), 20)
    page = paginator.get_page(1)
    rows = list(page.object_list)
    return rows, selectors.seeker_unread_count(account)


def org_page(organization):
    return selectors.org_inbox_page(organization, page=1)


class Command(BaseCommand):
    help = "Message list benchmark on PostgreSQL: p50/p95/max and queries per page."

    def add_arguments(self, parser):
        parser.add_argument("--messages", type=int, default=10_000_000)
        parser.add_argument("--rounds", type=int, default=200)

    def handle(self, *args, **options):
        bench.require_postgresql()
        settings.DEBUG = False
        orgs = list(Organization.objects.filter(name__startswith="ベンチ団体").order_by("id").values_list("id", flat=True))
        if not orgs:
            raise CommandError("Run bench_search first: it creates the profiles and organisations.")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM messaging_message")
            have = cursor.fetchone()[0]
        if have < options["messages"]:
            self.fill(options["messages"] - have, orgs)
        # As the nightly job leaves it: conversations of stopped or expired seekers are closed.
        self.stdout.write(f"nightly access sweep closed {access_end_sweep():,} conversations")
        rng = random.Random(7)
        with connection.cursor() as cursor:
            cursor.execute("SELECT account_id FROM messaging_conversation ORDER BY id DESC LIMIT 5000")
            account_ids = [row[0] for row in cursor.fetchall()]
        accounts = list(SeekerAccount.objects.filter(pk__in=rng.sample(account_ids, min(50, len(account_ids)))))
        organizations = list(Organization.objects.filter(pk__in=orgs[:20]))

        with CaptureQueriesContext(connection) as ctx:
            seeker_page(accounts[0])
        seeker_queries = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            org_page(organizations[0])
        org_queries = len(ctx.captured_queries)

        for name, func, subjects, queries in (
            ("seeker メッセージ一覧", seeker_page, accounts, seeker_queries),
            ("organisation inbox", org_page, organizations, org_queries),
        ):
            for subject in subjects:  # warm
                func(subject)
            samples = [bench.timed(func, rng.choice(subjects))[1] for _ in range(options["rounds"])]
            stats = bench.percentiles(samples)
            verdict = "OK" if stats["p95"] <= TARGET_P95_MS else "OVER TARGET"
            self.stdout.write(
                f"{name:22s} n={stats['n']} p50 {stats['p50']:.1f} ms  p95 {stats['p95']:.1f} ms  "
                f"max {stats['max']:.1f} ms  queries/page {queries}  (target p95 ≤ {TARGET_P95_MS} ms: {verdict})"
            )

    def fill(self, count: int, orgs: list[int]) -> None:
        """Conversations of PER_CONVERSATION messages each: a guidance, a question, an answer and a
        second guidance, spread over the bench accounts and organisations, set-based."""
        conversations = count // PER_CONVERSATION
        with connection.cursor() as cursor:
            # Accounts numbered 1..span whatever their ids, so any account set can be spread over.
            cursor.execute("CREATE TEMP TABLE bench_accounts AS "
                           "SELECT row_number() OVER (ORDER BY id) AS rn, id FROM seekers_seekeraccount")
            cursor.execute("CREATE INDEX ON bench_accounts (rn)")
            cursor.execute("SELECT count(*) FROM bench_accounts")
            span = cursor.fetchone()[0]
            cursor.execute("SELECT coalesce(max(id), 0) FROM messaging_conversation")
            base = cursor.fetchone()[0]
        org_array = "ARRAY[" + ",".join(str(o) for o in orgs) + "]"
        batch = 250_000
        self.stdout.write(f"Seeding {conversations * PER_CONVERSATION:,} messages in {conversations:,} conversations …")
        for lo in range(1, conversations + 1, batch):
            hi = min(lo + batch - 1, conversations)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                # Organisations in turn, accounts scattered; a repeated (organisation, account) pair is
                # skipped by the unique constraint, as a second first-guidance would be.
                cursor.execute(f"""
                    INSERT INTO messaging_conversation (id, organization_id, account_id, created_at, last_message_at,
                        org_unread, apply_requested_at, declined_at, org_access_ended_at)
                    SELECT {base} + g, ({org_array})[1 + g % {len(orgs)}], a.id,
                        now() - (g % 5000000) * interval '1 second', now() - (g % 4000000) * interval '1 second',
                        g % 7 = 0, CASE WHEN g % 13 = 0 THEN now() END, NULL, NULL
                    FROM generate_series({lo}, {hi}) g
                    JOIN bench_accounts a ON a.rn = 1 + (g::bigint * 7919) % {span}
                    ON CONFLICT DO NOTHING""")
                cursor.execute(f"""
                    INSERT INTO messaging_message (conversation_id, account_id, organization_id, sender, sender_user_id,
                        kind, subject, body, disclosures, created_at, read_at)
                    SELECT c.id, c.account_id, c.organization_id, m.sender, NULL, m.kind, m.subject,
                        'ご希望の条件に合う求人をご紹介できます。ご質問があれば、このメッセージに返信してください。',
                        -- The first guidance keeps the record's snapshot (SPEC rule 12), as guidance_send does.
                        CASE WHEN m.k = 0 THEN {SNAPSHOT_SQL} ELSE '{{}}'::jsonb END,
                        c.created_at + m.k * interval '1 hour',
                        CASE WHEN m.sender = 'org' AND (c.id + m.k) % 3 <> 0 THEN now() END
                    FROM messaging_conversation c
                    JOIN organizations_organization o ON o.id = c.organization_id,
                         (VALUES (0, 'org', 'guidance', 'ご案内'), (1, 'seeker', 'question', '質問'),
                                 (2, 'org', 'answer', 'Re: 質問'), (3, 'org', 'guidance', '新着求人のご案内'))
                             AS m(k, sender, kind, subject)
                    WHERE c.id BETWEEN {base + lo} AND {base + hi}""")
            self.stdout.write(f"  conversations {hi:,}/{conversations:,} ({time.perf_counter() - started:.1f}s)")
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('messaging_conversation', 'id'), "
                           "(SELECT max(id) FROM messaging_conversation))")
            cursor.execute("ANALYZE messaging_conversation")
            cursor.execute("ANALYZE messaging_message")
