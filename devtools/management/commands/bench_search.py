"""manage.py bench_search [--profiles N] [--organizations N] [--rounds N] [--explain FILE]

Fills a dedicated PostgreSQL database with N realistic profiles (default 200,000) and many
organisations with varied conditions, then runs a fixed mix of searches for several organisations
through the real selector (first page and page 2, each with its count) and prints p50/p95/max in ms.

The yardstick is the floor, timed in the same run, interleaved with the searches: the plain
newest-first page (20 rows with their prefecture, no filter, no count) for an organisation that every
seeker's receive conditions admit. Each search prints its p95 ÷ the floor's p95; the command exits with
status 1 when any is above MAX_RATIO or any page came without its count."""

import random
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools import bench
from organizations.models import (
    IndustryGroup,
    OccupationGroup,
    Organization,
    Prefecture,
    Qualification,
    bits_of,
)
from organizations.terms import CURRENT_TERMS_VERSION
from seekers.search import paging
from seekers.search.visibility import profiles_visible_to

MAX_RATIO = 3.0
FLOOR_NAME = "ベンチ床団体"


def search_mix() -> list[tuple[str, dict]]:
    occupation_major = OccupationGroup.objects.filter(major=None).order_by("code")[7]
    occupation_medium = OccupationGroup.objects.exclude(major=None).order_by("code")[20]
    tokyo, osaka = Prefecture.objects.get(code="13"), Prefecture.objects.get(code="27")
    qualification = Qualification.objects.order_by("code")[3]
    return [
        ("no filter", {}),
        ("prefecture 東京都", {"prefecture": tokyo}),
        ("occupation major", {"occupation": occupation_major}),
        ("occupation medium + 大阪府", {"occupation": occupation_medium, "prefecture": osaka}),
        (
            "part time, 150k–250k",
            {"employment_type": "part_time", "income_min": 150000, "income_max": 250000},
        ),
        ("qualification", {"qualification": qualification}),
        ("dispatch + relocation", {"dispatch_ok": True, "relocation_ok": True}),
        ("keyword 介護", {"keyword": "介護"}),
        ("keyword フォークリフト + 大阪府", {"keyword": "フォークリフト", "prefecture": osaka}),
        ("keyword 夜勤", {"keyword": "夜勤"}),
        ("keyword 経 (1 character)", {"keyword": "経"}),
        ("Uターン + overseas", {"u_i_turn": "u", "overseas_ok": True}),
        (
            "regular + qualification + 東京都",
            {"wants_regular": "yes", "qualification": qualification, "prefecture": tokyo},
        ),
    ]


def floor_organization() -> Organization:
    """An approved agency with the privacy mark handling every region, industry and occupation: every
    seeker's receive conditions admit it (提供先区分 still decides, as for any agency)."""
    org = Organization.objects.filter(name=FLOOR_NAME).first()
    if org is None:
        org = Organization(
            name=FLOOR_NAME,
            kind="agency",
            permit_number="99-ユ-999999",
            privacy_mark=True,
            approved_on="2026-04-01",
            terms_version=CURRENT_TERMS_VERSION,
            track_record="実績",
            job_openings="求人",
            fees="無料",
            privacy_officer="担当",
            complaints_officer="担当",
            contact_procedure="電話",
            region_bits=bits_of(range(47)),
            industry_bits=bits_of(IndustryGroup.objects.filter(major=None).values_list("bit", flat=True)),
            occupation_bits=bits_of(OccupationGroup.objects.filter(major=None).values_list("bit", flat=True)),
        )
        org.kind_bits = org.kind_bit
        org.save()
    return org


def floor_page(org: Organization) -> list:
    """The floor: one plain newest-first page, what reading and building 20 rows costs at least."""
    queryset = (
        profiles_visible_to(org).select_related("desired_prefecture").order_by("-published_at", "-public_id")
    )
    return list(queryset[: paging.PAGE_SIZE + 1])


def shown_count(page) -> str:
    return f"{page.count:,}件以上" if page.count_capped else f"{page.count:,}件"


class Command(BaseCommand):
    help = "Search benchmark on PostgreSQL: p95 of each search ÷ the floor's p95, exit 1 above 3×."

    def add_arguments(self, parser):
        parser.add_argument("--profiles", type=int, default=200_000)
        parser.add_argument("--organizations", type=int, default=300)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--searchers", type=int, default=8, help="organisations that search")
        parser.add_argument(
            "--explain", default="", help="write EXPLAIN (ANALYZE, BUFFERS) of each search here"
        )

    def handle(self, *args, **options):
        bench.require_postgresql()
        settings.DEBUG = False  # no query log while timing, as in production
        rng = random.Random(2026)
        have = bench.bench_profile_count()
        if have < options["profiles"]:
            self.stdout.write(f"Filling {options['profiles'] - have:,} profiles …")
            bench.fill_profiles(options["profiles"], log=self.stdout.write)
            bench.vacuum_profiles()
        orgs = bench.fill_organizations(options["organizations"], rng)
        searchers = orgs[: options["searchers"]]
        floor_org = floor_organization()
        if floor_org.status() != Organization.Status.ACTIVE or len(floor_page(floor_org)) <= paging.PAGE_SIZE:
            self.stderr.write("the floor organisation sees no full page: the bench would time empty searches")
            sys.exit(1)
        mix = search_mix()
        self.stdout.write(
            f"profiles: {bench.bench_profile_count():,}, organisations: {len(orgs)}, "
            f"searchers: {len(searchers)}, searches per round: {len(mix) * len(searchers) * 2}"
        )
        if options["explain"]:
            self.explain(options["explain"], searchers[0], mix)

        # Warm the caches once, as a running server would be: every search's first page and page 2 once
        # per organisation (the first call of a search's shape and direction compiles its statement,
        # ~8 ms, then kept for the day: config.querymemo).
        for org in searchers:
            floor_page(org)
            for _name, filters in mix:
                first = paging.search_profiles(org, filters)
                if first.next_cursor:
                    paging.search_profiles(org, filters, first.next_cursor)

        queries = {}
        for _name, filters in mix:
            with CaptureQueriesContext(connection) as ctx:
                first = paging.search_profiles(searchers[0], filters)
            queries.setdefault("first page", set()).add(len(ctx.captured_queries))
            if first.next_cursor:
                with CaptureQueriesContext(connection) as ctx:
                    paging.search_profiles(searchers[0], filters, first.next_cursor)
                queries.setdefault("page 2", set()).add(len(ctx.captured_queries))

        floor, per_name, counts, uncounted = [], {}, {}, 0
        for _round in range(options["rounds"]):
            for org in searchers:
                for name, filters in mix:
                    floor.append(bench.timed(floor_page, floor_org)[1])
                    page, ms = bench.timed(paging.search_profiles, org, filters)
                    uncounted += page.count is None
                    counts.setdefault(name, set()).add(shown_count(page))
                    per_name.setdefault(name, []).append(ms)
                    if page.next_cursor:
                        page2, ms2 = bench.timed(paging.search_profiles, org, filters, page.next_cursor)
                        uncounted += page2.count is None
                        per_name.setdefault(name + " (page 2)", []).append(ms2)
                        floor.append(bench.timed(floor_page, floor_org)[1])
        base = bench.percentiles(floor)
        self.stdout.write(
            f"  {'FLOOR (plain newest-first page)':38s} p50 {base['p50']:7.1f} ms  "
            f"p95 {base['p95']:7.1f} ms  max {base['max']:7.1f} ms  n={base['n']}"
        )
        worst = 0.0
        for name, values in per_name.items():
            stats = bench.percentiles(values)
            ratio = stats["p95"] / base["p95"]
            worst = max(worst, ratio)
            shown = ", ".join(sorted(counts.get(name, ())))
            self.stdout.write(
                f"  {name:38s} p50 {stats['p50']:7.1f} ms  p95 {stats['p95']:7.1f} ms  "
                f"max {stats['max']:7.1f} ms  p95 ÷ floor {ratio:4.2f}×"
                + (f"  counts: {shown}" if shown else "")
                + ("  OVER" if ratio > MAX_RATIO else "")
            )
        self.stdout.write(
            "SQL queries per results page (selector): "
            + ", ".join(f"{k} {sorted(v)}" for k, v in queries.items())
        )
        self.stdout.write(f"pages without their count: {uncounted}")
        ok = worst <= MAX_RATIO and uncounted == 0
        self.stdout.write(
            f"worst p95 ÷ floor p95: {worst:.2f}× (limit {MAX_RATIO}×): {'OK' if ok else 'OVER'}"
        )
        if not ok:
            sys.exit(1)

    def explain(self, path: str, org: Organization, mix) -> None:
        """EXPLAIN (ANALYZE, BUFFERS) of every query of the first page of each search (the count and the
        rows) for one organisation, and of the floor."""
        with open(path, "w", encoding="utf-8") as out:
            for name, run in [
                ("FLOOR", lambda: floor_page(floor_organization())),
                *((n, lambda f=f: paging.search_profiles(org, f)) for n, f in mix),
            ]:
                with CaptureQueriesContext(connection) as ctx:
                    run()
                for query in ctx.captured_queries:
                    if not query["sql"].lstrip().upper().startswith("SELECT"):
                        continue
                    with connection.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                        plan = "\n".join(row[0] for row in cursor.fetchall())
                    out.write(f"=== {name}\n{query['sql']}\n{plan}\n\n")
        self.stdout.write(f"plans written to {path}")
