"""organizations.reference_cache: the search form's reference selects are rendered once per process and
rendered again after any reference code changes (here, in another process through the shared cache's
version, and after TTL)."""

import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations import reference_cache
from organizations.models import Prefecture
from seekers.forms import SearchForm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold():
    reference_cache._memo.clear()
    reference_cache.forget_version()


def prefecture_select(value=None) -> tuple[str, int]:
    form = SearchForm({"prefecture": value} if value else None)
    with CaptureQueriesContext(connection) as ctx:
        html = str(form["prefecture"])
    return html, len(ctx.captured_queries)


def test_the_second_render_reads_nothing_and_is_the_same():
    first, queries = prefecture_select()
    assert queries == 1 and "東京都" in first
    again, queries = prefecture_select()
    assert (again, queries) == (first, 0)


def test_the_selected_value_is_part_of_the_key():
    plain, _ = prefecture_select()
    chosen, _ = prefecture_select("13")
    assert 'value="13" selected' in chosen
    assert "selected" not in plain.replace('value="" selected', "")


def test_renaming_a_prefecture_shows_at_once(django_capture_on_commit_callbacks):
    prefecture_select()
    with django_capture_on_commit_callbacks(execute=True):
        tokyo = Prefecture.objects.get(code="13")
        tokyo.name = "東京都(改)"
        tokyo.save()
    html, queries = prefecture_select()
    assert queries == 1 and "東京都(改)" in html


@pytest.fixture
def monotonic(monkeypatch):
    """The memo's clock, held still unless a test moves it (no test depends on how fast it runs)."""
    now = {"at": 1000.0}
    monkeypatch.setattr(reference_cache.time, "monotonic", lambda: now["at"])
    return now


def test_another_process_changing_the_codes_is_seen_through_the_shared_version_within_a_second(monotonic):
    prefecture_select()
    cache.set(reference_cache.VERSION_KEY, 12345, None)  # what another worker's save leaves
    _, queries = prefecture_select()
    assert queries == 0  # read less than VERSION_CHECK_SECONDS ago: the memo stands
    monotonic["at"] += reference_cache.VERSION_CHECK_SECONDS
    _, queries = prefecture_select()
    assert queries == 1


def test_the_shared_version_is_read_once_a_second_not_on_every_page(monkeypatch, monotonic):
    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *args: reads.append(key) or real_get(key, *args))
    for _ in range(5):
        prefecture_select()
    assert reads.count(reference_cache.VERSION_KEY) == 1
    monotonic["at"] += reference_cache.VERSION_CHECK_SECONDS
    prefecture_select()
    assert reads.count(reference_cache.VERSION_KEY) == 2


def test_an_entry_lives_at_most_ttl_seconds(monkeypatch):
    prefecture_select()
    later = time.monotonic() + reference_cache.TTL + 1
    monkeypatch.setattr(reference_cache.time, "monotonic", lambda: later)
    _, queries = prefecture_select()
    assert queries == 1


def test_the_memo_is_bounded(monkeypatch):
    monkeypatch.setattr(reference_cache, "MAX_ENTRIES", 3)
    for value in ["01", "02", "03", "04", "05"]:
        prefecture_select(value)
    assert len(reference_cache._memo) <= 3
