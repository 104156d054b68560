"""Per-process memo of what is built from the reference codes (都道府県, 職業分類, 産業分類, 免許・資格):
the search form's three long selects (47–122 options) are rendered once per process and language and
selected value, not on every request (they were half of the search page's time, bench_pages).

Invalidation: saving or deleting any reference row bumps a version in the shared cache (Redis in
production) once the transaction commits, and clears this process's memo at once. Every other gunicorn
worker sees the new version within VERSION_CHECK_SECONDS: a process reads the shared version at most
once in that time (one GET on every search page was a tenth of its cost, bench_pages), so a renamed
code may show in its old name on another worker's page for a second. A memo entry also lives at most TTL
seconds, which bounds staleness when the shared cache is down (it answers "no version", config/cache.py).
The memo holds at most MAX_ENTRIES entries and starts over when full (keys include a submitted value,
which a client chooses). Changes that send no signal (a data migration, a queryset update) come with a
deploy, which restarts the workers; otherwise they show within TTL."""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language

VERSION_KEY = "organizations:reference-version"
VERSION_CHECK_SECONDS = 1.0
TTL = 300.0
MAX_ENTRIES = 2000

_memo: dict = {}
_version_read = {"at": None, "version": None}


def version():
    """The shared version, as read at most VERSION_CHECK_SECONDS ago by this process."""
    now = time.monotonic()
    if _version_read["at"] is None or now - _version_read["at"] >= VERSION_CHECK_SECONDS:
        _version_read.update(at=now, version=cache.get(VERSION_KEY))
    return _version_read["version"]


def forget_version() -> None:
    """Read the shared version afresh on the next memo read (this process changed it, or a test)."""
    _version_read["at"] = None


class Snapshot:
    """The memo as of one read of the shared version: a page that looks up several entries (the search
    form's fields) asks the shared cache once."""

    def __init__(self):
        self.version = version()
        self.language = get_language()

    def get(self, key: tuple, build):
        """build() once per (key, language) per reference version, for at most TTL seconds."""
        full_key = (key, self.language)
        now = time.monotonic()
        hit = _memo.get(full_key)
        if hit is not None and hit[0] == self.version and hit[1] > now:
            return hit[2]
        value = build()
        if len(_memo) >= MAX_ENTRIES:
            _memo.clear()
        _memo[full_key] = (self.version, now + TTL, value)
        return value


def memoized(key: tuple, build):
    """build() once per (key, language) per reference version, for at most TTL seconds."""
    return Snapshot().get(key, build)


def invalidate(**_kwargs) -> None:
    _memo.clear()
    transaction.on_commit(lambda: (cache.set(VERSION_KEY, time.time_ns(), None), _memo.clear(), forget_version()))


def connect_signals() -> None:
    from .models import IndustryGroup, OccupationGroup, Prefecture, Qualification

    for model in (Prefecture, OccupationGroup, IndustryGroup, Qualification):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"reference-cache-save-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"reference-cache-delete-{model.__name__}")
