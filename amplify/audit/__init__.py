"""Audit log: who changed what and when, in a keyed hash chain (``/audit``)."""

from amplify.audit.models import AuditEvent, ChainBroken, record, verify

__all__ = ["AuditEvent", "ChainBroken", "record", "verify"]
