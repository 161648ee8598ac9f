"""The consent ledger: append-only, hash-chained decisions of people about exact versions.

A decision is about one subject (an item or a message variant) *at one content hash* and
one person. Nothing is edited or deleted: a later decision supersedes an earlier one.
"""

import hashlib
import hmac
import json
import secrets
from datetime import date

import peewee
from flask_babel import lazy_gettext as _l

from amplify.chain import ChainedModel
from amplify.db import BaseModel, Shape, UTCDateTimeField, utcnow
from amplify.auth.models import User
from amplify.people.models import Activist

OUTCOMES = {
    "requested": _l("Requested"),
    "given": _l("Given"),
    "refused": _l("Refused"),
    "changes_requested": _l("Changes requested"),
    "withdrawn": _l("Withdrawn"),
    "expired": _l("Expired"),
    "invalidated": _l("Replaced by a newer version"),
}
# W3C DPV consent statuses, for receipts.
# W3C Data Privacy Vocabulary consent statuses (https://w3id.org/dpv#): asking for changes
# defers the answer to the request, it does not defer consent.
DPV_STATUS = {
    "requested": "dpv:ConsentRequested", "given": "dpv:ConsentGiven", "refused": "dpv:ConsentRefused",
    "changes_requested": "dpv:ConsentRequestDeferred", "withdrawn": "dpv:ConsentWithdrawn",
    "expired": "dpv:ConsentExpired", "invalidated": "dpv:ConsentInvalidated",
}
STAFF_METHODS = {
    "phone": _l("By phone"),
    "in_person": _l("In person"),
    "paper": _l("Signed paper form"),
    "messaging_app": _l("Messaging app"),
}
METHODS = {"review_page": _l("Own review page"), **STAFF_METHODS,
           "meeting": _l("In a meeting of the organization"), "email": _l("Email"),
           "system": _l("Recorded by Amplify")}
FINAL = ("given", "refused", "changes_requested", "withdrawn")
# Answers whose time from the request is kept (``waited_seconds``), and how far a stored
# time may stray from the one recomputed (SQLite's julianday, used by migration 0011,
# keeps milliseconds).
TIMED = ("given", "refused", "changes_requested")
WAITED_TOLERANCE = 0.01


class Decision(ChainedModel):
    at = UTCDateTimeField(default=utcnow)
    activist = peewee.ForeignKeyField(Activist, backref="decisions", on_delete="RESTRICT")
    subject_type = peewee.CharField()  # "item" or "variant"
    subject_id = peewee.IntegerField()
    content_hash = peewee.CharField(max_length=64)
    outcome = peewee.CharField()
    scope = peewee.TextField(default="{}")
    method = peewee.CharField()
    recorded_by = peewee.IntegerField(null=True)
    witness = peewee.CharField(default="")
    notice_version = peewee.CharField(default="")
    notice_language = peewee.CharField(default="")
    notice_hash = peewee.CharField(default="")
    comment = peewee.TextField(default="")
    guardian_name = peewee.CharField(default="")
    guardian_relationship = peewee.CharField(default="")
    minor_agrees = peewee.BooleanField(null=True)
    review_link = peewee.IntegerField(null=True)
    request_key = peewee.CharField(null=True, unique=True)
    # Derived, outside the chain (it came after the first ledgers were written): seconds
    # from the request to this answer, for the reports. Verify recomputes it.
    waited_seconds = peewee.FloatField(null=True)
    # Since issue 18 the chain covers a commitment to the personal fields, not the fields:
    # SHA-256 of a random salt and the fields. Erasure blanks the fields and the salt and
    # keeps the commitment, so the record still verifies and the erased text cannot be
    # guessed back from it. None: a record written before, whose hash covers the fields.
    personal_sha256 = peewee.CharField(max_length=64, null=True)
    personal_salt = peewee.CharField(default="")

    CHAINED_FIELDS = ("at", "activist", "subject_type", "subject_id", "content_hash", "outcome",
                      "scope", "method", "recorded_by", "witness", "notice_version",
                      "notice_language", "notice_hash", "comment", "guardian_name",
                      "guardian_relationship", "minor_agrees", "review_link", "request_key")
    PERSONAL_FIELDS = {"witness": "", "comment": "", "guardian_name": "", "guardian_relationship": "",
                       "personal_salt": ""}
    COMMITTED = ("witness", "comment", "guardian_name", "guardian_relationship")

    def chained_fields(self):
        if self.personal_sha256 is None:
            return self.CHAINED_FIELDS
        return tuple(name for name in self.CHAINED_FIELDS if name not in self.COMMITTED) + ("personal_sha256",)

    @staticmethod
    def commitment(salt, values):
        """SHA-256 of the salt and the personal fields, in a fixed form."""
        payload = json.dumps([salt, list(values)], ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()

    def personal_holds(self):
        """The personal fields are the ones committed to (always true once erased)."""
        if self.personal_sha256 is None or self.erased_at is not None:
            return True
        return hmac.compare_digest(self.personal_sha256, self.commitment(
            self.personal_salt, [getattr(self, name) for name in self.COMMITTED]))

    @classmethod
    def append(cls, personal_salt=None, **fields):
        """Append a record whose hash covers a commitment to its personal fields (a fresh
        random salt, unless a test pins one)."""
        salt = personal_salt or secrets.token_hex(16)
        values = [fields.get(name, cls._meta.fields[name].default) for name in cls.COMMITTED]
        return super().append(personal_salt=salt, personal_sha256=cls.commitment(salt, values), **fields)

    class Meta:
        indexes = ((("subject_type", "subject_id", "activist"), False),)

    @classmethod
    def derived_check(cls):
        """``waited_seconds`` feeds the reports' medians but is not signed: recompute it from
        the signed times of the latest request for the same version and of the answer."""
        asked = {}

        def check(row):
            if not row.personal_holds():
                return "its personal fields do not match their commitment (altered)"
            version = (row.activist_id, row.subject_type, row.subject_id, row.content_hash)
            if row.outcome == "requested":
                asked[version] = row.at
            expected = None
            if row.outcome in TIMED and version in asked:
                expected = (row.at - asked[version]).total_seconds()
            if (expected is None) != (row.waited_seconds is None) or (
                    expected is not None and abs(expected - row.waited_seconds) > WAITED_TOLERANCE):
                return "its waiting time does not match its signed times (altered)"
            return None

        return check

    @property
    def outcome_label(self):
        return OUTCOMES.get(self.outcome, self.outcome)

    @property
    def method_label(self):
        return METHODS.get(self.method, self.method)

    @property
    def scope_data(self):
        return json.loads(self.scope or "{}")

    @property
    def valid_until(self):
        value = self.scope_data.get("valid_until")
        return date.fromisoformat(value) if value else None

    @property
    def recorder(self):
        return User.get_or_none(User.id == self.recorded_by) if self.recorded_by else None

    @classmethod
    def latest(cls, activist_id, subject_type, subject_id):
        """The decision in force: the last one this person made about this subject."""
        return (cls.select().where((cls.activist == activist_id) & (cls.subject_type == subject_type)
                                   & (cls.subject_id == subject_id))
                .order_by(cls.seq.desc()).first())

    @classmethod
    def latest_by_person(cls, subject_type, subject_id):
        """``{activist_id: latest decision}`` for one subject, in one query."""
        latest = {}
        for decision in (cls.select().where((cls.subject_type == subject_type)
                                            & (cls.subject_id == subject_id)).order_by(cls.seq)):
            latest[decision.activist_id] = decision
        return latest

    @classmethod
    def latest_by_subject(cls, subject_type, subject_ids, activist_id=None):
        """``{subject id: {activist id: latest decision}}`` for many subjects (of one person
        when ``activist_id`` is given), in one query."""
        latest = {}
        ids = list(subject_ids)
        if not ids:
            return latest
        for decision in LATEST_BY_SUBJECT.rows(subject_type, ids, activist_id):
            latest.setdefault(decision.subject_id, {})[decision.activist_id] = decision
        return latest

    @classmethod
    def is_latest_of(cls, activist_id, subject_type, subject_id_column):
        """A join condition: this row is ``activist_id``'s latest decision on the subject
        whose id is ``subject_id_column`` (a column of the query joined to): a list reads
        each row with its latest decision in the same query."""
        other = cls.alias()
        newest = other.select(peewee.fn.MAX(other.seq)).where(
            (other.activist == activist_id) & (other.subject_type == subject_type)
            & (other.subject_id == subject_id_column))
        return cls.seq == newest

    @classmethod
    def last_given(cls, activist_id, subject_type, subject_id):
        return (cls.select().where((cls.activist == activist_id) & (cls.subject_type == subject_type)
                                   & (cls.subject_id == subject_id) & (cls.outcome == "given"))
                .order_by(cls.seq.desc()).first())


def _latest_by_subject(subject_type, subject_ids, activist_id):
    which = (Decision.subject_type == subject_type) & Decision.subject_id.in_(subject_ids)
    if activist_id is not None:
        which &= Decision.activist == activist_id
    # Only the latest row of each (subject, person) leaves the database: a person's page
    # read every answer and request she ever had on those subjects (issue 13).
    newest = (Decision.select(peewee.fn.MAX(Decision.seq)).where(which)
              .group_by(Decision.subject_id, Decision.activist))
    return Decision.select().where(which & Decision.seq.in_(newest))


# Every item page and every list that judges clearance reads it: kept compiled.
LATEST_BY_SUBJECT = Shape(_latest_by_subject)


class ReviewLink(BaseModel):
    """A personal link to one person's review page. Signed, expiring, revocable at once."""

    activist = peewee.ForeignKeyField(Activist, backref="review_links", on_delete="CASCADE")
    nonce = peewee.CharField(unique=True)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    last_used_at = UTCDateTimeField(null=True)

    def usable(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or utcnow())


class LinkAttempt(BaseModel):
    """A token with a bad signature, tried on ``/r/`` or ``/s/``: counted per address and
    per token prefix to limit guessing (``amplify.consent.links``)."""

    address = peewee.CharField(index=True)
    prefix = peewee.CharField(index=True, default="")
    at = UTCDateTimeField(index=True, default=utcnow)
