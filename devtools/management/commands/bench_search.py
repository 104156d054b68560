"""manage.py bench_search [--profiles N] [--organizations N] [--rounds N]

Fills a dedicated PostgreSQL database with N realistic profiles (default 200,000) and many
organisations with varied conditions, then runs a fixed mix of searches for several organisations
through the real selector and prints p50/p95/max in ms and the SQL queries per results page."""

import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools import bench
from organizations.models import OccupationGroup, Prefecture, Qualification
from seekers.search import paging

TARGET_P95_MS = 100


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
        ("part time, 150k–250k", {"employment_type": "part_time", "income_min": 150000, "income_max": 250000}),
        ("qualification", {"qualification": qualification}),
        ("dispatch + relocation", {"dispatch_ok": True, "relocation_ok": True}),
        ("keyword 介護", {"keyword": "介護"}),
        ("keyword フォークリフト + 大阪府", {"keyword": "フォークリフト", "prefecture": osaka}),
        ("Uターン + overseas", {"u_i_turn": "u", "overseas_ok": True}),
        ("regular + qualification + 東京都", {"wants_regular": "yes", "qualification": qualification,
                                              "prefecture": tokyo}),
    ]


class Command(BaseCommand):
    help = "Search benchmark on PostgreSQL: p50/p95/max and queries per page."

    def add_arguments(self, parser):
        parser.add_argument("--profiles", type=int, default=200_000)
        parser.add_argument("--organizations", type=int, default=300)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--searchers", type=int, default=8, help="organisations that search")

    def handle(self, *args, **options):
        bench.require_postgresql()
        settings.DEBUG = False  # no query log while timing, as in production
        rng = random.Random(2026)
        have = bench.bench_profile_count()
        if have < options["profiles"]:
            self.stdout.write(f"Filling {options['profiles'] - have:,} profiles …")
            bench.fill_profiles(options["profiles"], log=self.stdout.write)
        orgs = bench.fill_organizations(options["organizations"], rng)
        searchers = orgs[: options["searchers"]]
        mix = search_mix()
        self.stdout.write(f"profiles: {bench.bench_profile_count():,}, organisations: {len(orgs)}, "
                          f"searchers: {len(searchers)}, searches per round: {len(mix) * len(searchers) * 2}")

        # Warm the cache once, as a running server would be.
        for org in searchers:
            for _name, filters in mix:
                paging.search_profiles(org, filters)

        # Queries per results page: counted once per search kind (query logging slows timing).
        queries = set()
        for _name, filters in mix:
            with CaptureQueriesContext(connection) as ctx:
                paging.search_profiles(searchers[0], filters)
            queries.add(len(ctx.captured_queries))

        samples, per_name, omitted, first_pages = [], {}, 0, 0
        for _round in range(options["rounds"]):
            for org in searchers:
                for name, filters in mix:
                    page, ms = bench.timed(paging.search_profiles, org, filters)
                    first_pages += 1
                    omitted += not page.counted
                    samples.append(ms)
                    per_name.setdefault(name, []).append(ms)
                    if page.next_cursor:  # the next page by keyset
                        _page2, ms2 = bench.timed(paging.search_profiles, org, filters, page.next_cursor)
                        samples.append(ms2)
                        per_name.setdefault(name + " (page 2)", []).append(ms2)
        for name, values in per_name.items():
            stats = bench.percentiles(values)
            self.stdout.write(f"  {name:38s} p50 {stats['p50']:7.1f} ms  p95 {stats['p95']:7.1f} ms  "
                              f"max {stats['max']:7.1f} ms")
        total = bench.percentiles(samples)
        self.stdout.write(
            f"ALL searches n={total['n']}: p50 {total['p50']:.1f} ms, p95 {total['p95']:.1f} ms, "
            f"max {total['max']:.1f} ms; SQL queries per results page (selector): {sorted(queries)}"
        )
        self.stdout.write(f"first pages whose count was left out (over {paging.COUNT_BUDGET_MS} ms): "
                          f"{omitted} of {first_pages}")
        verdict = "OK" if total["p95"] <= TARGET_P95_MS else "OVER TARGET"
        self.stdout.write(f"target p95 ≤ {TARGET_P95_MS} ms: {verdict}")
