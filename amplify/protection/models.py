"""Who protected a person, why and when, and who lifted it (the history; her row carries
``protected_since`` for the rules that must read it cheaply)."""

import peewee

from amplify.auth.models import User
from amplify.db import BaseModel, UTCDateTimeField, utcnow
from amplify.people.models import Activist


class Protection(BaseModel):
    activist = peewee.ForeignKeyField(Activist, backref="protections", on_delete="CASCADE")
    reason = peewee.TextField()
    risk_before = peewee.CharField(default="")  # her risk level before, restored on lifting
    started_at = UTCDateTimeField(default=utcnow)
    started_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    lifted_at = UTCDateTimeField(null=True)
    lifted_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    lift_reason = peewee.TextField(default="")

    @classmethod
    def current(cls, activist):
        """Her protection in force, or None."""
        return (cls.select().where((cls.activist == activist) & cls.lifted_at.is_null())
                .order_by(cls.id.desc()).first())


class RetentionHold(BaseModel):
    """Staff keep her contact, passport and trip data although she has been inactive: the
    reason, who and when. A hold counts as activity, so it buys another retention period."""

    activist = peewee.ForeignKeyField(Activist, backref="retention_holds", on_delete="CASCADE")
    reason = peewee.TextField()
    kept_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    kept_at = UTCDateTimeField(default=utcnow, index=True)
