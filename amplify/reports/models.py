"""Read-only share links of reports: signed, expiring, revocable at once."""

import peewee

from amplify.auth.models import User
from amplify.db import BaseModel, UTCDateTimeField, utcnow


class ReportShare(BaseModel):
    nonce = peewee.CharField(unique=True)
    kind = peewee.CharField()  # "campaign" or "organization"
    subject_id = peewee.IntegerField()
    since = peewee.DateField()
    until = peewee.DateField()
    language = peewee.CharField(max_length=8)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    last_used_at = UTCDateTimeField(null=True)
    uses = peewee.IntegerField(default=0)

    def usable(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or utcnow())


class ReportGeneration(BaseModel):
    """One row: a number that database triggers raise on every write to a table a report
    reads (migration 0026). A cached report is used only while the number is the one it
    was computed at, so no write — a decision, a withdrawal, a publication — can leave a
    report showing a figure it made false."""
    n = peewee.BigIntegerField(default=0)

    class Meta:
        table_name = "report_generation"


class ReportCache(BaseModel):
    """A report's figures (``figures.Report`` as JSON), keyed by scope, period and
    language, valid at one generation only."""
    key = peewee.CharField(unique=True)
    generation = peewee.BigIntegerField()
    figures = peewee.TextField()
    made_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "report_cache"
