"""The database: one peewee proxy, initialised late from ``DATABASE_URL``.

SQLite is the default (a file in the instance folder, WAL, foreign keys, a busy
timeout, IMMEDIATE transactions so that concurrent writers queue instead of failing
half-way); PostgreSQL is used when the URL says ``postgresql://``. The same models and
the same migrations run on both.
"""

import json
import os
import threading
import weakref
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import peewee
from playhouse.db_url import parse as parse_url
from playhouse.pool import PooledPostgresqlDatabase

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

    PostgreSQL connections are kept open between requests, up to ``pool`` per process
    (0: a new connection for every request): opening one cost about 8 ms of a 16 ms page
    (issue 13). A connection closed by the server is noticed and replaced."""
    scheme = url.split(":", 1)[0].lower()
    params = parse_url(url)
    if scheme == "sqlite":
        path = Path(params["database"])
        if params["database"] not in ("", ":memory:") and path.parent.is_dir():
            create_private(path)
        pragmas = SQLITE_PRAGMAS + (("busy_timeout", busy_timeout_ms),)
        return peewee.SqliteDatabase(
            params.pop("database"), pragmas=pragmas, lock_type="IMMEDIATE",
            timeout=busy_timeout_ms / 1000, **params
        )
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
