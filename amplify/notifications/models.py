"""A notification for one staff member about something an activist did on her page."""

import peewee
from flask_babel import lazy_gettext as _l

from amplify.auth.models import User
from amplify.db import BaseModel, Shape, UTCDateTimeField, utcnow
from amplify.people.models import Activist

KINDS = {
    "given": _l("%(name)s said yes"),
    "refused": _l("%(name)s said no"),
    "changes_requested": _l("%(name)s asks for a change"),
    "withdrawn": _l("%(name)s withdrew her consent: take it down"),
    "call": _l("%(name)s asks to be called"),
    "explain": _l("%(name)s asks to have it explained"),
    "protected": _l("%(name)s is protected: reach by hand what Amplify cannot"),
    "protection_lifted": _l("The protection of %(name)s was lifted"),
}


class Notification(BaseModel):
    user = peewee.ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = peewee.CharField()
    activist = peewee.ForeignKeyField(Activist, null=True, on_delete="CASCADE")
    subject_type = peewee.CharField(default="")
    subject_id = peewee.IntegerField(null=True)
    urgent = peewee.BooleanField(default=False)
    created_at = UTCDateTimeField(default=utcnow)
    read_at = UTCDateTimeField(null=True)
    # For a withdrawal: when every take-down was confirmed (then it is no longer urgent).
    resolved_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = ((("user", "read_at"), False),)

    @property
    def text(self):
        template = KINDS.get(self.kind)
        name = self.activist.display_name if self.activist_id else "?"
        return template % {"name": name} if template else self.kind

    @property
    def pressing(self):
        """Urgent until the take-down it asks for is confirmed."""
        return self.urgent and self.resolved_at is None

    @classmethod
    def unread_for(cls, user):
        return cls.select().where((cls.user == user) & cls.read_at.is_null())

    @classmethod
    def counts_for(cls, user):
        """``(unread, pressing)`` for the badge on every staff page, in one query."""
        row = BADGE.first(user.id)
        return (row[0] or 0, int(row[1] or 0)) if row else (0, 0)


# Read on every staff page: kept compiled (amplify.db.Shape).
BADGE = Shape(lambda user_id: (
    Notification.select(peewee.fn.COUNT(Notification.id),
                        peewee.fn.SUM(peewee.Case(None, [((Notification.urgent & Notification.resolved_at.is_null()), 1)], 0)))
    .where((Notification.user == user_id)
           & (Notification.read_at.is_null() | (Notification.urgent & Notification.resolved_at.is_null())))
    .tuples()))
