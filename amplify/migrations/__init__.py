"""Numbered schema migrations.

Each module ``NNNN_name.py`` has ``upgrade(db)`` that works on SQLite and PostgreSQL.
A migration defines the tables it creates with its own frozen peewee models (never the
live ones, which keep changing), so an old database upgrades the same way forever.
The version reached is recorded in ``schema_version``; each migration runs in its own
transaction, so an upgrade that fails leaves the database at the previous version.
"""

import importlib
import pkgutil
import re

import peewee

from amplify.db import utcnow

_NAME = re.compile(r"^(\d{4})_(\w+)$")


class SchemaVersion(peewee.Model):
    version = peewee.IntegerField(primary_key=True)
    name = peewee.CharField()
    applied_at = peewee.DateTimeField()

    class Meta:
        table_name = "schema_version"


def available():
    """All migrations shipped with this code, as ``(number, name, module)`` in order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        match = _NAME.match(info.name)
        if match:
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append((int(match.group(1)), match.group(2), module))
    return sorted(found, key=lambda m: m[0])


def current_version(db):
    """The highest migration applied to ``db``, 0 for an empty database."""
    with SchemaVersion.bind_ctx(db):
        if not SchemaVersion.table_exists():
            return 0
        return SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar() or 0


def latest_version():
    return available()[-1][0]


def upgrade(db, target=None):
    """Apply every pending migration up to ``target`` (default: all). Returns those applied."""
    applied = []
    sqlite = isinstance(db, peewee.SqliteDatabase)
    with SchemaVersion.bind_ctx(db):
        db.create_tables([SchemaVersion], safe=True)
        done = current_version(db)
        for number, name, module in available():
            if number <= done or (target is not None and number > target):
                continue
            if sqlite:
                # SQLite rebuilds a table to change a column; with foreign keys on, dropping
                # the old table would cascade into the rows that point at it.
                db.execute_sql("PRAGMA foreign_keys = OFF")
            try:
                with db.atomic():
                    module.upgrade(db)
                    if sqlite and db.execute_sql("PRAGMA foreign_key_check").fetchall():
                        raise RuntimeError(f"migration {number:04d} broke a foreign key")
                    SchemaVersion.create(version=number, name=name, applied_at=utcnow())
            finally:
                if sqlite:
                    db.execute_sql("PRAGMA foreign_keys = ON")
            applied.append(f"{number:04d}_{name}")
    return applied
