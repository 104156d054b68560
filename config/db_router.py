"""Reads that scale out: with DATABASE_REPLICA_URL set, the list and search pages read from a streaming
replica ("replica" in settings.DATABASES); everything else stays on the primary ("default").

Which queries go where (tests/test_db_router.py checks each):
- A view marked @replica_reads (the organisations' 求職者検索, their inbox, the seeker's メッセージ一覧),
  answering GET or HEAD, reads from the replica, except the models in PRIMARY_ONLY.
- Every other view, every request that is not GET/HEAD, and every read after the first write of the
  request (db_for_write pins the rest of the request to the primary): the primary.
- PRIMARY_ONLY models always read from the primary: sessions, users and their MFA devices (a session
  just created at login must be found), organisations and members (a 利用停止・利用解除 bites on the
  next request, organizations.access.member_required), and the outbox.
- Outside a request (Celery tasks, nightly jobs, manage.py): the primary.

The lag it tolerates: a search page may list a profile for as long as the replica lags behind a 公開停止
(SPEC rule 9) or a block; REPLICA_MAX_LAG_SECONDS (default 5) is the bound — while the replica reports
more lag than that (checked at most once a second per process), these views read from the primary.
A stopped profile is never *opened* or *contacted* from the replica: the profile page and the
guidance form are not @replica_reads, so their visibility check (seekers.access.get_profile_for) runs
on the primary and answers 404 at once; a list row that lags only links to that 404."""

import contextvars
import functools
import time

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
PRIMARY_ONLY = {"sessions", "accounts", "mfa", "account", "auth", "contenttypes", "admin"}
PRIMARY_ONLY_MODELS = {"organizations.organization", "organizations.member"}

_replica_allowed = contextvars.ContextVar("replica_allowed", default=False)
_lag_checked = {"at": 0.0, "ok": False}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_fresh() -> bool:
    """The replica's replay lag is under REPLICA_MAX_LAG_SECONDS (cached for a second per process).
    Caught up (everything received is replayed) counts as fresh however old the last commit is."""
    now = time.monotonic()
    if now - _lag_checked["at"] < 1.0:
        return _lag_checked["ok"]
    ok = True
    if connections[REPLICA].vendor == "postgresql":
        try:
            with connections[REPLICA].cursor() as cursor:
                cursor.execute(
                    "SELECT NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"
                    " OR now() - pg_last_xact_replay_timestamp() < make_interval(secs => %s)",
                    [settings.REPLICA_MAX_LAG_SECONDS],
                )
                ok = bool(cursor.fetchone()[0])
        except Exception:  # a replica that is down: read from the primary
            ok = False
    _lag_checked.update(at=now, ok=ok)
    return ok


def replica_reads(view):
    """Lets a GET/HEAD of this view read from the replica until its first write."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        allowed = request.method in ("GET", "HEAD") and replica_configured() and replica_fresh()
        token = _replica_allowed.set(allowed)
        try:
            return view(request, *args, **kwargs)
        finally:
            _replica_allowed.reset(token)

    return wrapper


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica_allowed.get():
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY or model._meta.label_lower in PRIMARY_ONLY_MODELS:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        _replica_allowed.set(False)  # every read after a write in this request: the primary
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
