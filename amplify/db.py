"""The database: one peewee proxy, initialised late from ``DATABASE_URL``.

SQLite is the default (a file in the instance folder, WAL, foreign keys, a busy
timeout, IMMEDIATE transactions so that concurrent writers queue instead of failing
half-way); PostgreSQL is used when the URL says ``postgresql://``. The same models and
the same migrations run on both.
"""

import itertools
import json
import os
import re
import threading
import weakref
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import peewee
from playhouse.db_url import parse as parse_url
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

from amplify.files import create_private

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "normal"),
)


class UnsupportedDatabase(ValueError):
    """The DATABASE_URL names a backend Amplify does not run on."""


def make_database(url, busy_timeout_ms=5000, pool=20):
    """Build (but do not connect) the peewee database that ``url`` names. A writer that
    finds the database busy waits up to ``busy_timeout_ms`` before giving up. A new SQLite
    file is created empty, readable by this user only, before SQLite first opens it.

    Connections are kept open between requests, up to ``pool`` per process (0: a new
    connection for every request). Opening one cost about 8 ms of a 16 ms page on
    PostgreSQL; on SQLite, opening, setting its pragmas and closing cost about 1 ms of a
    9 ms page, the close of the last connection checkpointing the write-ahead log each
    time (issue 13). A connection closed by the server is noticed and replaced."""
    scheme = url.split(":", 1)[0].lower()
    params = parse_url(url)
    if scheme == "sqlite":
        path = Path(params["database"])
        memory = params["database"] in ("", ":memory:")
        if not memory and path.parent.is_dir():
            create_private(path)
        pragmas = SQLITE_PRAGMAS + (("busy_timeout", busy_timeout_ms),)
        if not pool or memory:  # each connection to :memory: is a database of its own
            return peewee.SqliteDatabase(params.pop("database"), pragmas=pragmas, lock_type="IMMEDIATE",
                                         timeout=busy_timeout_ms / 1000, **params)
        # A connection is used by one thread at a time, the one that took it from the pool.
        pooled = PooledSqliteDatabase(params.pop("database"), pragmas=pragmas, lock_type="IMMEDIATE",
                                      max_connections=pool, stale_timeout=300, timeout=busy_timeout_ms / 1000,
                                      check_same_thread=False, **params)
        _POOLS.add(pooled)
        return pooled
    if scheme in ("postgres", "postgresql"):
        params.setdefault("connect_timeout", max(1, busy_timeout_ms // 1000))
        if not pool:
            return peewee.PostgresqlDatabase(params.pop("database"), **params)
        pooled = PooledPostgresqlDatabase(params.pop("database"), max_connections=pool, stale_timeout=300,
                                          timeout=busy_timeout_ms / 1000, **params)
        _POOLS.add(pooled)
        return pooled
    raise UnsupportedDatabase(f"unsupported database URL scheme: {scheme!r}")


# A process forked with pooled connections open (gunicorn --preload, for one) must not use
# its parent's sockets, nor close them (that would end the parent's sessions): the child
# forgets them and opens its own.
_POOLS = weakref.WeakSet()
_INHERITED = []  # kept referenced: a connection object collected in the child would close


def _forget_pools_in_child():
    for pooled in list(_POOLS):
        _INHERITED.append((pooled._connections, pooled._in_use, getattr(pooled._state, "conn", None)))
        pooled._connections, pooled._in_use = [], {}
        pooled._state.reset()
        pooled._pool_lock = threading.RLock()  # another thread may have held it at the fork
        pooled._pool_available = threading.Condition(pooled._pool_lock)


os.register_at_fork(after_in_child=_forget_pools_in_child)


def is_postgres():
    return isinstance(database.obj, peewee.PostgresqlDatabase)


@contextmanager
def connection():
    """Open a connection for the duration of the block unless one is already open."""
    opened = database.connect(reuse_if_open=True)
    try:
        yield database
    finally:
        if opened and not database.in_transaction():
            database.close()


def utcnow():
    """Aware UTC now, truncated to microseconds like both databases store it."""
    return datetime.now(timezone.utc)


class UTCDateTimeField(peewee.DateTimeField):
    """A timestamp stored as naive UTC and read back as an aware UTC datetime."""

    def db_value(self, value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        value = super().python_value(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class ListField(peewee.TextField):
    """A list of strings kept as JSON text (portable across SQLite and PostgreSQL)."""

    def db_value(self, value):
        return json.dumps(list(value or []), ensure_ascii=False)

    def python_value(self, value):
        return json.loads(value) if value else []


class JSONField(peewee.TextField):
    """Any JSON value kept as text."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False

    @classmethod
    def get_or_404(cls, *query):
        from flask import abort

        try:
            return cls.get(*query)
        except cls.DoesNotExist:
            abort(404)


def month_of(column):
    """The month of a timestamp column, for grouping: ``YYYY-MM`` text on SQLite, the
    first instant of the month on PostgreSQL (date_trunc is much faster than to_char);
    ``month_text`` makes both ``YYYY-MM``."""
    if is_postgres():
        return peewee.fn.date_trunc("month", column)
    return peewee.fn.strftime("%Y-%m", column)


def month_text(value):
    return value if isinstance(value, str) else value.strftime("%Y-%m")


def capped_count(query, cap=1000):
    """How many rows ``query`` has, counting no further than ``cap + 1`` (a badge shows
    "1000+"): a count that stays cheap however many rows there are."""
    return query.limit(cap + 1).count()


def capped_counts(queries, cap=1000):
    """``{key: capped_count(query)}`` for a mapping of queries, in one round trip: a
    ``SELECT`` of one counting subquery per key (the board counts fourteen columns)."""
    keys = list(queries)
    if not keys:
        return {}
    columns = [peewee.Select([queries[key].limit(cap + 1).alias(f"counted_{index}")], [peewee.fn.COUNT(peewee.SQL("*"))])
               for index, key in enumerate(keys)]
    row = database.execute(peewee.Select(columns=columns)).fetchone()
    return dict(zip(keys, row))


class Shape:
    """A query compiled to SQL once per process, then run again with other values.

    Peewee compiles a query on every run: about 0.3 ms for one over a wide table, a third
    of a light page's time at years of data (issue 13). ``Shape(build)`` calls
    ``build(*values)`` once per database kind and kind of values, with stand-ins for the
    values, keeps the SQL and where each stand-in landed among its parameters; each call
    runs that SQL with the values given and reads the rows as the query itself would
    (model instances, joins, ``dicts()``, ``tuples()``). ``build`` must only place its
    values in the query, never branch on them (except on ``None`` and booleans, below),
    and must take anything that changes (the time now) as a value.

    Values may be ints, strings, aware datetimes, lists of ints or strings (a list's
    length is part of its kind), and ``None`` or booleans (their value is part of the
    kind: ``== None`` compiles to ``IS NULL``).

    On PostgreSQL connections kept in the pool, each compiled form is also prepared on
    the server (``PREPARE``) the first time a connection runs it, so that PostgreSQL plans
    it once per connection instead of on every run: about 0.2 ms of a 0.45 ms query.
    """

    KEPT = 64  # compiled forms per shape (one per list length, mostly)

    def __init__(self, build):
        self.build = build
        self.kept = {}
        self.__doc__ = build.__doc__

    def rows(self, *values):
        """The rows, as iterating the built query would give them."""
        compiled = self.compiled(values)
        params = list(compiled.params)
        for position, index, element in compiled.slots:
            value = values[index] if element is None else values[index][element]
            params[position] = _naive_utc(value) if isinstance(value, datetime) else value
        if compiled.types is not None and isinstance(database.obj, PooledPostgresqlDatabase):
            cursor = _run_prepared(compiled, params)
        else:
            cursor = database.execute_sql(compiled.sql, params)
        return compiled.query._get_cursor_wrapper(cursor)

    def first(self, *values):
        return next(iter(self.rows(*values)), None)

    def compiled(self, values):
        key = (type(database.obj), tuple(_kind(value) for value in values))
        found = self.kept.get(key)
        if found is None:
            if len(self.kept) >= self.KEPT:
                self.kept.clear()
            found = self.kept[key] = self._compile(values)
        return found

    def _compile(self, values):
        stand_ins, where = [], {}
        for index, value in enumerate(values):
            if isinstance(value, (list, tuple)):
                stand_ins.append([_stand_in(element, where, index, number) for number, element in enumerate(value)])
            else:
                stand_ins.append(_stand_in(value, where, index, None))
        query = self.build(*stand_ins)
        sql, params = database.get_sql_context().sql(query).query()
        slots = [(position, *where[param]) for position, param in enumerate(params) if _hashable(param) in where]
        missing = set(where) - {_hashable(params[position]) for position, *_ in slots}
        if missing:
            raise ValueError(f"{self.build.__qualname__}: a value was changed or written into the SQL, "
                             "so this query cannot be kept compiled")
        return Compiled(query, sql, tuple(params), tuple(slots))


class Compiled:
    """One compiled form of a ``Shape``: its query (to read rows as it would), its SQL,
    its parameters with stand-ins and where each value goes."""

    numbers = itertools.count(1)

    def __init__(self, query, sql, params, slots):
        self.query, self.sql, self.params, self.slots = query, sql, params, slots
        self.number = next(self.numbers)
        COMPILED[self.number] = self
        types = [_PG_TYPES.get(type(param)) for param in params]
        self.types = None if None in types else ", ".join(types)  # PostgreSQL's names, for PREPARE
        numbers = itertools.count(1)
        self.numbered = re.sub(r"%%|%s", lambda mark: mark[0] if mark[0] == "%%" else f"${next(numbers)}", sql)


# A parameter's type, declared when a statement is prepared (PostgreSQL would otherwise
# guess: ``THEN $1`` in a CASE is taken for text).
_PG_TYPES = {bool: "boolean", int: "bigint", str: "text", datetime: "timestamp", float: "double precision"}
COMPILED = weakref.WeakValueDictionary()  # number → compiled form, while its Shape keeps it
PREPARED_PER_CONNECTION = 200  # beyond, a connection forgets them all and starts again
_PREPARED = weakref.WeakKeyDictionary()  # connection → {compiled form's number: statement name}
_STATEMENT_NAMES = itertools.count(1)


def _run_prepared(compiled, params):
    connection = database.connection()
    names = _PREPARED.setdefault(connection, {})
    arguments = f" ({', '.join(['%s'] * len(params))})" if params else ""
    name = names.get(compiled.number)
    if name is not None:
        return database.execute_sql(f"EXECUTE {name}{arguments}", params)
    if len(names) >= PREPARED_PER_CONNECTION:
        database.execute_sql("DEALLOCATE ALL")
        names.clear()
    # A new name on every try: PREPARE is not undone by a rollback, so one whose EXECUTE
    # failed may still exist on the server. One round trip, counted as one query.
    name = f"amplify_{compiled.number}_{next(_STATEMENT_NAMES)}"
    types = f" ({compiled.types})" if params else ""
    cursor = database.execute_sql(f"PREPARE {name}{types} AS {compiled.numbered}; EXECUTE {name}{arguments}", params)
    names[compiled.number] = name
    return cursor


def readable(sql):
    """The SQL a statement runs, to read in a log or a test: a prepared kept query
    (``PREPARE amplify_…`` or ``EXECUTE amplify_…``) as the query it prepared."""
    found = re.match(r"(?:PREPARE|EXECUTE) amplify_(\d+)_\d+", sql)
    compiled = COMPILED.get(int(found[1])) if found else None
    return compiled.sql if compiled is not None else sql


def _kind(value):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (list, tuple)):
        return (len(value), *(type(element) for element in value))
    return type(value)


def _stand_in(value, where, index, element):
    """A value no real one equals, of the same type, recorded in ``where`` by the form
    it takes among the parameters."""
    if value is None or isinstance(value, bool):
        return value
    number = len(where) + 1
    if isinstance(value, int):
        stand_in = seen = -(10 ** 15) - number
    elif isinstance(value, str):
        stand_in = seen = f"\x00stand-in {number}\x00"
    elif isinstance(value, datetime) and value.tzinfo is not None:
        stand_in = datetime(1, 1, 1, tzinfo=timezone.utc) + timedelta(microseconds=number)
        seen = _naive_utc(stand_in)
    else:
        raise TypeError(f"a Shape takes ints, strings, aware datetimes, None and booleans, not {value!r}")
    where[seen] = (index, element)
    return stand_in


def _naive_utc(value):
    return value.astimezone(timezone.utc).replace(tzinfo=None) if value.tzinfo is not None else value


def _hashable(param):
    try:
        hash(param)
    except TypeError:
        return None
    return param
