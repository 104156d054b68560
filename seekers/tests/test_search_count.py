"""The search's result count is capped and, on PostgreSQL, time-boxed so it cannot hold up the page."""

import pytest
from django.db import connection
from django.db.models.expressions import RawSQL

from seekers.models import Profile
from seekers.search import paging as selectors
from seekers.tests.factories import SeekerAccountFactory

pytestmark = pytest.mark.django_db


def test_the_count_is_capped(monkeypatch):
    SeekerAccountFactory.create_batch(4)
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    assert selectors._capped_count(Profile.objects.all()) == 3  # cap + 1 tells "more than the cap"


@pytest.mark.postgresql
def test_a_count_over_its_budget_is_left_out_and_the_connection_still_works(monkeypatch):
    SeekerAccountFactory.create_batch(2)
    monkeypatch.setattr(selectors, "COUNT_BUDGET_MS", 20)
    slow = Profile.objects.alias(slow=RawSQL("pg_sleep(0.05) IS NOT NULL", [])).filter(slow=True)

    assert selectors._capped_count(slow) is None
    assert selectors._capped_count(Profile.objects.all()) == 2  # the timeout did not outlive the count


def test_the_search_page_says_the_count_was_left_out(client, agency_member, monkeypatch, settings):
    settings.REQUIRE_MFA = False
    SeekerAccountFactory.create_batch(2)
    monkeypatch.setattr(selectors, "_capped_count", lambda queryset: None)
    client.force_login(agency_member)

    page = client.get("/orgs/seekers/").content.decode()

    assert "件数の表示を省略しました" in page
    assert page.count("の詳細</a>") == 2


@pytest.mark.postgresql
def test_the_time_box_does_not_outlive_the_count_inside_a_transaction():
    SeekerAccountFactory.create_batch(2)
    # pytest-django wraps this test in a transaction, as ATOMIC_REQUESTS or a service would.
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    assert selectors._capped_count(Profile.objects.all()) == 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
        cursor.execute("SELECT pg_sleep(0.1)")  # would be cancelled if the 40 ms budget had stayed
