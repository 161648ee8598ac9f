"""Append-only, hash-chained, keyed tables (the audit log and the consent ledger).

Each row carries the HMAC of its own content and of the previous row's hash, keyed with
a secret the instance holds (an unkeyed hash could be recomputed by anyone who can write
to the database). ``verify`` walks the chain and names the first row that was altered,
removed, inserted or reordered. Appends are serialised (IMMEDIATE transactions on SQLite,
one advisory lock for all chains on PostgreSQL), so concurrent writers all land, one after
the other.

A chain alone cannot show that its *end* was cut off: the rows left still link up. So
after every commit that appended to a chain, its length and head hash are written, signed
with the chain's key, to a checkpoint file in the instance folder — outside the database
an intruder would edit. Verify accepts a chain that extends its checkpoint (the writer may
have crashed between commit and checkpoint) and refuses one that is shorter or has another
row where the checkpoint's head was. An outside witness (a head hash printed by verify and
kept elsewhere) is checked the same way with ``--expect``.
"""

import fcntl
import hashlib
import hmac
import json
import logging
import os
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import peewee
from flask import current_app

from amplify import keys
from amplify.config import INSTANCE_SECRETS, variable_for
from amplify.db import BaseModel, database, is_postgres
from amplify.files import PRIVATE_FILE, private_folder, write_atomically

GENESIS = "0" * 64
CHAIN_LOCK = zlib.crc32(b"amplify chains") & 0x7FFFFFFF  # PostgreSQL advisory lock (an int4)
CHECKPOINTS = "checkpoints"  # a folder of the instance path, one file per chain
log = logging.getLogger(__name__)


class ChainBroken(Exception):
    """The chain cannot be trusted: ``seq`` is the first entry at fault (None when the
    fault is not one entry's, e.g. an edited checkpoint file)."""

    wrong_key = False

    def __init__(self, seq, reason):
        super().__init__(f"entry {seq}: {reason}" if seq is not None else reason)
        self.seq = seq
        self.reason = reason


class WrongKey(ChainBroken):
    """The key is not the one the chain was written with: no entry can be judged."""

    wrong_key = True


class Checkpoint(NamedTuple):
    length: int
    head: str


def _plain(value):
    """A chained value as JSON has it (foreign keys are read as their column, ids already;
    no chained field is a bare date)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def _signature(key, table, length, head):
    message = json.dumps(["checkpoint", table, length, head]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def read_checkpoint(path, key, table):
    """The checkpoint kept in ``path``, None when there is none yet. Raises ChainBroken when
    the file is not one this chain's key signed."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        checkpoint = Checkpoint(int(data["length"]), str(data["head"]))
        signature = str(data["signature"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        raise ChainBroken(None, f"the checkpoint {path} cannot be read") from None
    if not hmac.compare_digest(signature, _signature(key, table, *checkpoint)):
        raise ChainBroken(None, f"the checkpoint {path} was not signed with this chain's key (edited)")
    return checkpoint


@dataclass(frozen=True)
class _AdvanceCheckpoint:
    """Run after a commit that appended to ``model``'s chain: move its checkpoint to the
    committed head. The head is read again from the database after the commit, so a row
    appended and then rolled back (a savepoint) is never claimed; a lock file orders the
    workers that commit at once; a head that does not extend the checkpoint (rows removed
    from the database since) leaves the checkpoint where it is, for verify to report."""

    model: type
    path: Path
    key: bytes

    def __call__(self):
        table = self.model._meta.table_name
        try:
            private_folder(self.path.parent)  # the lock file lives beside the checkpoint
            lock = os.open(self.path.with_suffix(".lock"), os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
            try:
                fcntl.flock(lock, fcntl.LOCK_EX)
                self._advance(table)
            finally:
                os.close(lock)
        except ChainBroken as broken:
            log.error("checkpoint of %s left as it is: %s", table, broken)
        except (OSError, peewee.PeeweeException):
            # The rows are committed; a checkpoint left behind is caught up by the next write.
            log.exception("could not write the checkpoint of %s", table)

    def _advance(self, table):
        model = self.model
        current = read_checkpoint(self.path, self.key, table)
        head = model.select(model.seq, model.hash).order_by(model.seq.desc()).first()
        if head is None or (current is not None and head.seq <= current.length):
            return
        if current is not None and current.length and not model.select().where(
                (model.seq == current.length) & (model.hash == current.head)).exists():
            raise ChainBroken(current.length, "no longer holds the checkpoint's head (removed or replaced)")
        write_checkpoint(self.path, self.key, table, Checkpoint(head.seq, head.hash))


def write_checkpoint(path, key, table, checkpoint):
    """Sign ``checkpoint`` with the chain's key and put it in ``path`` atomically."""
    private_folder(path.parent)
    write_atomically(path, json.dumps({
        "chain": table, "length": checkpoint.length, "head": checkpoint.head,
        "signature": _signature(key, table, *checkpoint)}) + "\n")


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

    @classmethod
    def checkpoint_path(cls):
        return Path(current_app.config["INSTANCE_PATH"]) / CHECKPOINTS / f"{cls._meta.table_name}.json"

    @classmethod
    def checkpoint(cls):
        """The signed length and head kept outside the database (None before the first
        append). Raises ChainBroken when the file was edited."""
        return read_checkpoint(cls.checkpoint_path(), cls.chain_key(), cls._meta.table_name)

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
    def derived_check(cls):
        """A function given each row in chain order that says why a column kept outside
        the HMAC disagrees with the signed ones (None when it agrees). Chains that derive
        nothing check nothing."""
        return lambda row: None

    @classmethod
    def append(cls, **fields):
        """Insert one row at the end of the chain. Must run inside a transaction; the
        checkpoint follows once the outermost transaction commits."""
        if not database.in_transaction():
            raise RuntimeError(f"{cls.__name__}.append must be called inside a transaction")
        if is_postgres():
            # One lock for every chain: a transaction appending to the ledger then the audit
            # log cannot deadlock with one appending in the other order. Keyed by schema,
            # so that databases sharing a server (the tests' schemas) never wait for each other.
            database.execute_sql("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (CHAIN_LOCK,))
        last = cls.select(cls.seq, cls.hash).order_by(cls.seq.desc()).first()
        row = cls(seq=(last.seq + 1) if last else 1, prev_hash=last.hash if last else GENESIS,
                  **fields)
        key = cls.chain_key()
        row.hash = row.expected_hash(key)
        row.save(force_insert=True)
        advance = _AdvanceCheckpoint(cls, cls.checkpoint_path(), key)
        # One checkpoint write per chain and transaction, however many rows it appends.
        if advance not in database.obj._state.commit_callbacks:
            database.after_commit(advance)
        return row

    @classmethod
    def reset_checkpoint(cls, expect=None):
        """After restoring a backup on purpose (an older database than the checkpoint
        knows): verify the chain on its own, then make its head the new checkpoint.
        Returns ``(old checkpoint, new checkpoint)``."""
        try:
            old = cls.checkpoint()
        except ChainBroken:  # an unreadable checkpoint is one more reason to make a new one
            old = None
        count, head = cls.verify(expect, against_checkpoint=False)
        new = Checkpoint(count, head)
        write_checkpoint(cls.checkpoint_path(), cls.chain_key(), cls._meta.table_name, new)
        return old, new

    @classmethod
    def verify(cls, expect=None, against_checkpoint=True):
        """Recompute the whole chain and hold it against its checkpoint and against
        ``expect``, a head hash an outside witness kept (the chain must contain it).
        Returns ``(count, head_hash)`` or raises ChainBroken (WrongKey for a key the
        chain was not written with)."""
        if not keys.matches("AUDIT_KEY", current_app.config["AUDIT_KEY"]):
            raise WrongKey(None, f"wrong key: {variable_for('AUDIT_KEY')} (or the instance file "
                                 f"{INSTANCE_SECRETS['AUDIT_KEY']}) is not the key this database was "
                                 "written with; restore it from the backup")
        key = cls.chain_key()
        checkpoint = cls.checkpoint() if against_checkpoint else None
        derived = cls.derived_check()
        prev_hash, expected_seq, count = GENESIS, 1, 0
        witnessed = expect is None or expect == GENESIS
        for row in cls.select().order_by(cls.seq).iterator():
            if row.seq != expected_seq:
                raise ChainBroken(expected_seq, "missing (removed)")
            if row.prev_hash != prev_hash:
                raise ChainBroken(row.seq, "does not follow the previous entry (reordered or inserted)")
            if not hmac.compare_digest(row.hash, row.expected_hash(key)):
                raise ChainBroken(row.seq, "content was altered")
            reason = derived(row)
            if reason:
                raise ChainBroken(row.seq, reason)
            if checkpoint is not None and row.seq == checkpoint.length and row.hash != checkpoint.head:
                raise ChainBroken(row.seq, "is not the head the checkpoint outside the database "
                                           "recorded (entries replaced)")
            witnessed = witnessed or row.hash == expect
            prev_hash, expected_seq, count = row.hash, expected_seq + 1, count + 1
        if checkpoint is not None and count < checkpoint.length:
            raise ChainBroken(count + 1, f"missing (removed from the end): the checkpoint outside "
                                         f"the database counts {checkpoint.length}")
        if not witnessed:
            raise ChainBroken(None, f"the expected head {expect} is not in the chain (entries removed "
                                    "from the end or replaced)")
        return count, prev_hash
