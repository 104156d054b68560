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
at most MAX_ENTRIES entries and starts over when full.

A statement that differs from call to call only in values (the members' search: a prefecture, a
keyword, a cursor) is memoized with holes: it is built once with `Param(name)` where each value goes,
each compiling to one %s whose parameter is a `Hole`; `fill(params, values)` puts the call's values in
the holes. The key names the statement's shape (which filters, how many words) and everything else the
build read; the build must read its values only through Params (seekers/tests/test_search_memo.py builds
a shape with one set of values and fills it with another to check).

`memoized_rows(key, build, values)` does the same for a queryset read as model instances with what it
select_related and annotated: the compiled statement and the compiler that knows its columns are kept,
and each call runs the statement with its own values and builds the instances as Django's own iterable
does (messaging's メッセージ一覧: compiling its page cost ~1.5 ms a request). It builds what select_related
and annotate give, nothing else: a queryset with prefetch_related or known related objects is not for it.
The kept compiler is the build's; gunicorn's sync workers run one request at a time, so it is never shared
between threads.

`cursor(using)` is where a memoized statement runs. On PostgreSQL its values are bound by the server and
the statement is prepared on the connection the first time it runs there, so PostgreSQL parses and plans
it once per connection instead of on every request: planning the organisation header's count took 0.6 ms
where running it took 0.1 ms, the search's first page 0.34 ms against 0.24 ms (EXPLAIN ANALYZE on the demo
data). Django's own queries keep its client-side binding and are never prepared (a statement with its
values inlined is new text each time). Prepared statements live in the connection's session: behind a
pooler, PgBouncer must run in session mode (README "Connection pooling")."""

from contextlib import contextmanager

from django.db import connection, connections, router
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Expression
from django.db.models.fields import Field
from django.db.models.query import get_related_populators

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


class Hole:
    """The parameter a Param leaves in a compiled statement: the name of its value in `fill`'s values
    and, for a parameter made from the value (a keyword's tsquery), how it is made."""

    __slots__ = ("name", "derive")

    def __init__(self, name: str, derive=None):
        self.name, self.derive = name, derive

    def derived(self, derive) -> "Hole":
        return Hole(self.name, derive)

    def value(self, values: dict):
        value = values[self.name]
        return value if self.derive is None else self.derive(value)


class Param(Expression):
    """A value of the call, standing where a literal would in a queryset built for the memo."""

    def __init__(self, name: str, output_field=None):
        super().__init__(output_field=output_field or Field())
        self.hole = Hole(name)

    def as_sql(self, compiler, connection):
        return "%s", [self.hole]


def fill(params, values: dict) -> tuple:
    """A memoized statement's parameters with this call's values in its holes."""
    return tuple(p.value(values) if isinstance(p, Hole) else p for p in params)


@contextmanager
def cursor(using: str):
    """A cursor of the database alias `using` for a memoized statement (see the module's docstring):
    counted and logged as Django's own cursors are."""
    db = connections[using]
    if db.vendor != "postgresql":
        with db.cursor() as plain:
            yield plain
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    db.ensure_connection()
    db.validate_thread_sharing()
    raw = ServerBindingCursor(db.connection)
    wrapped = _LoggedCursor(raw, db) if db.queries_logged else CursorWrapper(raw, db)
    with wrapped:
        yield wrapped


class _LoggedCursor(CursorDebugWrapper):
    """Logs a server-bound statement with its values in it, as Django logs its own (Django reads the
    logged text off a client-bound cursor)."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return CursorWrapper.execute(self, sql, params)


def memoized_rows(key: tuple, build, values: dict) -> list:
    """The model instances of the queryset build() returns (built with Params where this call's values
    go), its statement compiled once per key and process and run with `values` on the connection the
    router picks for reading the model now (the replica under @replica_reads, the primary in a write)."""
    compiler, sql, params = memoized(key, lambda: _compiled(build()))
    model = compiler.klass_info["model"]
    db = router.db_for_read(model)
    with cursor(db) as statement:
        statement.execute(sql, fill(params, values))
        fetched = statement.fetchall()
    select, klass_info, annotations = compiler.select, compiler.klass_info, compiler.annotation_col_map
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[first:last]]
    populators = get_related_populators(klass_info, select, db)
    rows = []
    for row in compiler.results_iter([fetched]):
        obj = model.from_db(db, init_list, row[first:last])
        for populator in populators:
            populator.populate(row, obj)
        for name, position in (annotations or {}).items():
            setattr(obj, name, row[position])
        rows.append(obj)
    return rows


def _compiled(queryset) -> tuple:
    if queryset._prefetch_related_lookups or queryset._known_related_objects:
        raise ValueError("memoized_rows builds select_related and annotations only, not prefetch_related")
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    return compiler, sql, params
