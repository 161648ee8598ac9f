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
