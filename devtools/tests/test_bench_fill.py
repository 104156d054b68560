"""The bench's fill writes, set-based, the same listing rows the profile trigger writes, and leaves the
tables' indexes and trigger as it found them."""

import pytest
from django.db import connection
from django.db.models import F

from seekers.models import Profile

TABLES = ["seekers_profile", "seekers_listingfacet", "seekers_listingtext"]


def listing_rows() -> tuple[set, set]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM seekers_listingfacet")
        facets = set(cursor.fetchall())
        cursor.execute("SELECT * FROM seekers_listingtext")
        return facets, set(cursor.fetchall())


def schema() -> tuple[set, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [TABLES])
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tgenabled FROM pg_trigger WHERE tgname = 'seekers_listing_facets_sync'")
        return indexes, cursor.fetchone()[0]


@pytest.mark.postgresql
def test_a_fresh_fill_writes_the_listing_rows_of_the_trigger_and_keeps_the_schema(db):
    from devtools import bench

    before = schema()
    bench.fill_profiles(130, batch=50)  # three batches, the last one short

    assert schema() == before
    facets, texts = listing_rows()
    assert len(texts) > 100 and len(facets) > 8 * len(texts)
    Profile.objects.update(facets=F("facets"))  # the trigger writes every profile's rows again
    assert listing_rows() == (facets, texts)


@pytest.mark.postgresql
def test_a_resumed_fill_keeps_the_indexes_and_writes_the_new_profiles_rows(db):
    from devtools import bench

    bench.fill_profiles(40, batch=50)
    before = schema()
    bench.fill_profiles(90, batch=50)

    assert schema() == before
    assert bench.bench_profile_count() == 90
    facets, texts = listing_rows()
    Profile.objects.update(facets=F("facets"))
    assert listing_rows() == (facets, texts)
    assert len({row[0] for row in texts}) == len(texts) > 80
