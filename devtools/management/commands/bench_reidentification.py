"""manage.py bench_reidentification [--profiles N] [--samples N]

The re-identification check (seekers.search.reidentification.reidentification_check) on PostgreSQL
over N bench profiles (default 200,000; filled as bench_search fills them, keys included): times
the check for many profiles and, in the same run, the floor (a plain indexed lookup: fetching a
profile by primary key), and prints absolute p50/p95 of each and their ratio."""

import random

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from devtools import bench
from seekers.models import Profile
from seekers.search.reidentification import (
    reidentification_check,
    reidentification_keys,
    reidentification_sql,
)


class Command(BaseCommand):
    help = "Re-identification check benchmark on PostgreSQL: p50/p95 against a primary-key fetch."

    def add_arguments(self, parser):
        parser.add_argument("--profiles", type=int, default=200_000)
        parser.add_argument("--samples", type=int, default=2000)

    def handle(self, *args, **options):
        bench.require_postgresql()
        settings.DEBUG = False
        have = bench.bench_profile_count()
        if have < options["profiles"]:
            self.stdout.write(f"Filling {options['profiles'] - have:,} profiles …")
            bench.fill_profiles(options["profiles"], log=self.stdout.write)
        rng = random.Random(2026)
        with connection.cursor() as cursor:
            cursor.execute("SELECT min(application_id), max(application_id) FROM seekers_profile")
            lo, hi = cursor.fetchone()
        for start in range(lo, hi + 1, 250_000):  # profiles filled before the keys existed
            bench.fill_reidentification_keys(start, min(hi, start + 249_999))
        ids = rng.sample(range(lo, hi + 1), min(options["samples"], hi - lo + 1))
        # The profile page has the profile with its relations already (prefetched): only the check is timed.
        profiles = list(Profile.objects.filter(pk__in=ids).prefetch_related("planned_occupations", "qualifications"))
        rng.shuffle(profiles)
        # The keys the fill wrote in SQL are the ones the application computes.
        stale = sum(any(getattr(p, c) != v for c, v in reidentification_keys(p).items()) for p in profiles)
        if stale:
            raise SystemExit(f"{stale} of {len(profiles)} sampled profiles have keys the application would not compute")
        for profile in profiles[:50]:  # warm the caches, as a running server would be
            reidentification_check(profile)
            Profile.objects.get(pk=profile.pk)
        checks, floors, at_risk = [], [], 0
        for profile in profiles:  # interleaved, so both see the same load
            result, ms = bench.timed(reidentification_check, profile)
            checks.append(ms)
            at_risk += result.at_risk
            _row, ms = bench.timed(Profile.objects.get, pk=profile.pk)
            floors.append(ms)
        check, floor = bench.percentiles(checks), bench.percentiles(floors)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM seekers_profile WHERE listed_until IS NOT NULL")
            listed = cursor.fetchone()[0]
        self.stdout.write(f"profiles: {bench.bench_profile_count():,} (listed {listed:,}), "
                          f"checked: {len(profiles):,}, k = {settings.REIDENTIFICATION_K}, at risk: {at_risk:,}")
        self.stdout.write(f"  reidentification_check     p50 {check['p50']:7.2f} ms  p95 {check['p95']:7.2f} ms  "
                          f"max {check['max']:7.2f} ms")
        self.stdout.write(f"  floor: profile by pk       p50 {floor['p50']:7.2f} ms  p95 {floor['p95']:7.2f} ms  "
                          f"max {floor['max']:7.2f} ms")
        self.stdout.write(f"ratio check/floor: p50 {check['p50'] / floor['p50']:.1f}×, "
                          f"p95 {check['p95'] / floor['p95']:.1f}×")
        self._plan(profiles[0])

    def _plan(self, profile):
        """The plan of one check, to show each key is read through its partial index."""
        _keys, sql, params = reidentification_sql(profile, settings.REIDENTIFICATION_K)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            self.stdout.write("plan of one check:\n  " + "\n  ".join(row[0] for row in cursor.fetchall()))
