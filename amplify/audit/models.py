"""The audit log: who changed what and when, append-only in a keyed hash chain."""

import json

import peewee
from flask import g, has_app_context, has_request_context

from amplify.chain import ChainBroken, ChainedModel
from amplify.db import UTCDateTimeField, utcnow


class AuditEvent(ChainedModel):
    at = UTCDateTimeField()
    actor_id = peewee.IntegerField(null=True)
    actor_label = peewee.CharField()
    action = peewee.CharField()
    subject_type = peewee.CharField()
    subject_id = peewee.CharField()
    summary = peewee.TextField()

    CHAINED_FIELDS = ("at", "actor_id", "actor_label", "action", "subject_type", "subject_id",
                      "summary")
    # What an erasure blanks: the summary may hold her name or values she gave.
    PERSONAL_FIELDS = {"summary": json.dumps({"erased": True})}

    def summary_data(self):
        return json.loads(self.summary)

    @classmethod
    def for_subject(cls, subject_type, subject_id):
        return (
            cls.select()
            .where((cls.subject_type == subject_type) & (cls.subject_id == str(subject_id)))
            .order_by(cls.seq.desc())
        )


def current_actor():
    """``(user id, label)`` of whoever acts now: the signed-in user, the CLI, or the system."""
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
    if subject is not None:
        subject_type = subject_type or type(subject).__name__.lower()
        subject_id = subject.get_id() if subject_id is None else subject_id
    actor_id, actor_label = current_actor()
    return AuditEvent.append(
        at=utcnow(), actor_id=actor_id, actor_label=actor_label, action=action,
        subject_type=subject_type, subject_id=str(subject_id),
        summary=json.dumps(summary or {}, ensure_ascii=False, sort_keys=True, default=str),
    )


def verify():
    """Recompute the audit chain. Returns ``(count, head_hash)`` or raises ChainBroken."""
    return AuditEvent.verify()


__all__ = ["AuditEvent", "ChainBroken", "record", "verify", "current_actor"]
