"""Per-process memo of querysets (and their SQL) that are rebuilt identically on every request.

Building an organisation's conversations queryset (the visibility rule's bit tests and NOT EXISTS
clauses, the reachability join, the org_access CASE) cost 6–9 ms of Python per page, twice on the inbox
(the list and the header's count), for SQL that changes only with the organisation's row and the day
(bench_pages). `memoized(key, build)` calls build() once per key and process; the key must name
everything build() reads: `row_key(instance)` is every concrete field's value of one row as the caller
read it, so a row changed in the database (a suspension, new bit sets, the terms accepted) is a new key
the moment the caller reads the new values, exactly as an unmemoized build would see them. The rows the
SQL filters on are read when it runs, never memoized.

A memoized queryset is a template: callers take `.all()` (a clone) before chaining or evaluating it, as
Django's class-level querysets are used, so nothing evaluated or cached on it is shared. The memo holds
at most MAX_ENTRIES entries and starts over when full."""

from django.db import connection

MAX_ENTRIES = 1000

_memo: dict = {}


def row_key(instance) -> tuple:
    """The row as read: model, and each concrete field's value (repr, so any value type is a key)."""
    return (instance._meta.label, repr(tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)))


def memoized(key: tuple, build):
    full_key = (connection.vendor, *key)
    try:
        return _memo[full_key]
    except KeyError:
        pass
    value = build()
    if len(_memo) >= MAX_ENTRIES:
        _memo.clear()
    _memo[full_key] = value
    return value


def clear() -> None:
    _memo.clear()
