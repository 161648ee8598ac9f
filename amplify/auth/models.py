"""Staff accounts and login attempts. Activists are never accounts."""

from datetime import timedelta

import peewee
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from amplify.db import BaseModel, UTCDateTimeField, utcnow

LANGUAGES = ("es", "pt", "en", "fr")


class User(BaseModel):
    email = peewee.CharField(unique=True)
    name = peewee.CharField()
    password_hash = peewee.CharField()
    role = peewee.CharField()
    language = peewee.CharField(null=True)
    active = peewee.BooleanField(default=True)
    session_version = peewee.IntegerField(default=1)
    created_at = UTCDateTimeField(default=utcnow)
    last_login_at = UTCDateTimeField(null=True)

    def __str__(self):
        return self.name or self.email

    def set_password(self, password):
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def audit_view(self):
        """What the audit log keeps of an account (never the password hash)."""
        return {"email": self.email, "name": self.name, "role": self.role,
                "language": self.language, "active": self.active}

    @classmethod
    def normalise_email(cls, email):
        return (email or "").strip().lower()

    @classmethod
    def by_email(cls, email):
        return cls.get_or_none(cls.email == cls.normalise_email(email))

    @classmethod
    def from_session(cls, session):
        uid = session.get("uid")
        if uid is None:
            return None
        user = cls.get_or_none(cls.id == uid)
        if user is None or not user.active or user.session_version != session.get("sv"):
            return None
        return user


class LoginAttempt(BaseModel):
    email = peewee.CharField(index=True)
    address = peewee.CharField(index=True)
    at = UTCDateTimeField(index=True, default=utcnow)
    succeeded = peewee.BooleanField()

    @classmethod
    def failures_since(cls, since, *, email=None, address=None):
        query = cls.select().where((cls.at >= since) & (cls.succeeded == False))  # noqa: E712
        if email is not None:
            query = query.where(cls.email == email)
        if address is not None:
            query = query.where(cls.address == address)
        return query.count()

    @classmethod
    def blocked_for(cls, email, address):
        """Minutes until another attempt is allowed, or 0 when allowed now.

        Counts failures in a sliding window, per account and per address, so guessing
        one password from many addresses and many passwords from one address both stop.
        """
        config = current_app.config
        window = timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
        since = utcnow() - window
        too_many = (
            cls.failures_since(since, email=email) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
            or cls.failures_since(since, address=address)
            >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
        )
        if not too_many:
            return 0
        return config["LOGIN_WINDOW_MINUTES"]
