"""The audit log: append-only, hash-chained and keyed.

Every entry carries the HMAC of its own content and of the previous entry's hash, keyed
with a secret the instance holds (an unkeyed hash could be recomputed by anyone who can
write to the database). ``verify`` walks the chain and names the first entry that was
altered, removed or inserted.
"""

import hashlib
import hmac
import json

import peewee
from flask import current_app, g, has_app_context, has_request_context

from amplify.db import BaseModel, UTCDateTimeField, database, is_postgres, utcnow

GENESIS = "0" * 64
# Arbitrary constant naming the advisory lock that serialises appends on PostgreSQL.
_PG_LOCK_ID = 7_410_189


class AuditEvent(BaseModel):
    seq = peewee.IntegerField(unique=True)
    at = UTCDateTimeField()
    actor_id = peewee.IntegerField(null=True)
    actor_label = peewee.CharField()
    action = peewee.CharField()
    subject_type = peewee.CharField()
    subject_id = peewee.CharField()
    summary = peewee.TextField()
    prev_hash = peewee.CharField(max_length=64)
    hash = peewee.CharField(max_length=64, unique=True)

    def summary_data(self):
        return json.loads(self.summary)

    def expected_hash(self, key):
        payload = json.dumps(
            [
                self.seq,
                self.at.isoformat(timespec="microseconds"),
                self.actor_id,
                self.actor_label,
                self.action,
                self.subject_type,
                self.subject_id,
                self.summary,
                self.prev_hash,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()

    @classmethod
    def for_subject(cls, subject_type, subject_id):
        return (
            cls.select()
            .where((cls.subject_type == subject_type) & (cls.subject_id == str(subject_id)))
            .order_by(cls.seq.desc())
        )


def _key():
    return current_app.config["AUDIT_KEY"].encode()


def _actor():
    user = g.get("user") if has_request_context() else None
    if user is not None:
        return user.id, user.email
    if has_app_context() and g.get("actor_label"):
        return None, g.actor_label
    return None, "system"


def record(action, subject, summary=None, *, subject_type=None, subject_id=None):
    """Append one entry. Must run inside the transaction that makes the change.

    ``subject`` is a model instance (or None with explicit type and id); ``summary`` a
    JSON-able mapping such as ``{"before": {...}, "after": {...}}``.
    """
    if not database.in_transaction():
        raise RuntimeError("audit.record must be called inside a transaction")
    if subject is not None:
        subject_type = subject_type or type(subject).__name__.lower()
        subject_id = subject.get_id() if subject_id is None else subject_id
    if is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_ID,))
    last = AuditEvent.select().order_by(AuditEvent.seq.desc()).first()
    actor_id, actor_label = _actor()
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        at=utcnow(),
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        summary=json.dumps(summary or {}, ensure_ascii=False, sort_keys=True, default=str),
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = event.expected_hash(_key())
    event.save(force_insert=True)
    return event


class ChainBroken(Exception):
    def __init__(self, seq, reason):
        super().__init__(f"audit entry {seq}: {reason}")
        self.seq = seq
        self.reason = reason


def verify():
    """Recompute the whole chain. Returns ``(count, head_hash)`` or raises ChainBroken."""
    key = _key()
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for event in AuditEvent.select().order_by(AuditEvent.seq).iterator():
        if event.seq != expected_seq:
            raise ChainBroken(expected_seq, "missing (removed)")
        if event.prev_hash != prev_hash:
            raise ChainBroken(event.seq, "does not follow the previous entry")
        if not hmac.compare_digest(event.hash, event.expected_hash(key)):
            raise ChainBroken(event.seq, "content was altered")
        prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
    return count, prev_hash
