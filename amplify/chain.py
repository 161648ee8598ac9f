"""Append-only, hash-chained, keyed tables (the audit log and the consent ledger).

Each row carries the HMAC of its own content and of the previous row's hash, keyed with
a secret the instance holds (an unkeyed hash could be recomputed by anyone who can write
to the database). ``verify`` walks the chain and names the first row that was altered,
removed, inserted or reordered. Appends are serialised (IMMEDIATE transactions on SQLite,
an advisory lock on PostgreSQL), so concurrent writers all land, one after the other.
"""

import hashlib
import hmac
import json
import zlib
from datetime import date, datetime

import peewee
from flask import current_app

from amplify.db import BaseModel, database, is_postgres

GENESIS = "0" * 64


class ChainBroken(Exception):
    def __init__(self, seq, reason):
        super().__init__(f"entry {seq}: {reason}")
        self.seq = seq
        self.reason = reason


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, peewee.Model):
        return value.get_id()
    return value


class ChainedModel(BaseModel):
    """Base for chained tables. Subclasses list the fields that the hash covers."""

    seq = peewee.IntegerField(unique=True)
    prev_hash = peewee.CharField(max_length=64)
    hash = peewee.CharField(max_length=64, unique=True)

    CHAINED_FIELDS = ()
    abstract = True  # no table of its own

    @classmethod
    def chain_key(cls):
        secret = current_app.config["AUDIT_KEY"].encode()
        return hmac.new(secret, cls._meta.table_name.encode(), hashlib.sha256).digest()

    def expected_hash(self, key):
        values = [self.seq] + [_plain(getattr(self, self._field_column(name))) for name in self.CHAINED_FIELDS]
        payload = json.dumps(values + [self.prev_hash], ensure_ascii=False, separators=(",", ":"),
                             sort_keys=True, default=str)
        return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()

    @classmethod
    def _field_column(cls, name):
        field = cls._meta.fields[name]
        return f"{name}_id" if isinstance(field, peewee.ForeignKeyField) else name

    @classmethod
    def append(cls, **fields):
        """Insert one row at the end of the chain. Must run inside a transaction."""
        if not database.in_transaction():
            raise RuntimeError(f"{cls.__name__}.append must be called inside a transaction")
        if is_postgres():
            lock = zlib.crc32(cls._meta.table_name.encode())
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (lock,))
        last = cls.select(cls.seq, cls.hash).order_by(cls.seq.desc()).first()
        row = cls(seq=(last.seq + 1) if last else 1, prev_hash=last.hash if last else GENESIS,
                  **fields)
        row.hash = row.expected_hash(cls.chain_key())
        row.save(force_insert=True)
        return row

    @classmethod
    def verify(cls):
        """Recompute the whole chain. Returns ``(count, head_hash)`` or raises ChainBroken."""
        key = cls.chain_key()
        prev_hash, expected_seq, count = GENESIS, 1, 0
        for row in cls.select().order_by(cls.seq).iterator():
            if row.seq != expected_seq:
                raise ChainBroken(expected_seq, "missing (removed)")
            if row.prev_hash != prev_hash:
                raise ChainBroken(row.seq, "does not follow the previous entry (reordered or inserted)")
            if not hmac.compare_digest(row.hash, row.expected_hash(key)):
                raise ChainBroken(row.seq, "content was altered")
            prev_hash, expected_seq, count = row.hash, expected_seq + 1, count + 1
        return count, prev_hash
