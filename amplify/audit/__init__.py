"""Audit log: who changed what and when, in a keyed hash chain (``/audit``)."""

from amplify.audit.models import AuditEvent, record, verify
from amplify.chain import ChainBroken

__all__ = ["AuditEvent", "ChainBroken", "record", "verify"]
