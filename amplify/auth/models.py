"""Staff accounts, their sessions and login attempts. Activists are never accounts."""

import hashlib
import secrets
from datetime import timedelta

import peewee
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from amplify.db import BaseModel, Shape, UTCDateTimeField, utcnow

LANGUAGES = ("es", "pt", "en", "fr")


class User(BaseModel):
    email = peewee.CharField(unique=True)
    name = peewee.CharField()
    password_hash = peewee.CharField()
    role = peewee.CharField()
    language = peewee.CharField(null=True)
    time_zone = peewee.CharField(default="")  # IANA name; empty: the campaign's, then the installation's
    active = peewee.BooleanField(default=True)
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
                "language": self.language, "time_zone": self.time_zone, "active": self.active}

    @classmethod
    def normalise_email(cls, email):
        return (email or "").strip().lower()

    @classmethod
    def by_email(cls, email):
        return cls.get_or_none(cls.email == cls.normalise_email(email))


# Browser and system names shown for a session, first match wins (Edge and Opera also
# say "Chrome", Android also says "Linux", an iPhone also says "Mac OS X").
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
            ("Safari/", "Safari"))
SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
           ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def agent_summary(user_agent):
    """Like "Firefox · Linux": enough to recognise one's own devices, without keeping
    the whole user-agent string."""
    user_agent = user_agent or ""
    found = [next((name for mark, name in table if mark in user_agent), "") for table in (BROWSERS, SYSTEMS)]
    return " · ".join(name for name in found if name)


class UserSession(BaseModel):
    """One signed-in browser. Its cookie carries a random key; the row, found by the key's
    hash (a copy of this table opens nothing), says whether the session is still open.
    Signing out, a new password and an admin's "sign out everywhere" close it, so a copied
    cookie stops working at once."""

    user = peewee.ForeignKeyField(User, backref="sessions", on_delete="CASCADE")
    key_hash = peewee.CharField(unique=True)
    created_at = UTCDateTimeField(default=utcnow)
    last_seen_at = UTCDateTimeField(default=utcnow)
    address = peewee.CharField(default="")
    agent = peewee.CharField(default="")
    revoked_at = UTCDateTimeField(null=True)

    # Writing "last seen" on every request would make each page a write; this is enough
    # to tell a live session from a forgotten one.
    SEEN_EVERY = timedelta(minutes=5)

    @staticmethod
    def hash_of(key):
        return hashlib.sha256((key or "").encode()).hexdigest()

    @classmethod
    def open(cls, user, address, user_agent):
        """Start a session for ``user``; returns the key for the cookie."""
        key = secrets.token_urlsafe(32)
        cls.create(user=user, key_hash=cls.hash_of(key), address=address or "",
                   agent=agent_summary(user_agent)[:100])
        return key

    @classmethod
    def idle_since(cls):
        """Sessions not seen since this moment are over, as their cookie would be."""
        return utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]

    @classmethod
    def open_ones(cls, idle_since=None):
        idle_since = idle_since or cls.idle_since()
        return cls.select().where(cls.revoked_at.is_null() & (cls.last_seen_at > idle_since))

    @classmethod
    def find(cls, key):
        """The open session behind ``key`` with its active user, or None."""
        if not key:
            return None
        found = OPEN_SESSION.first(cls.hash_of(key), cls.idle_since())
        if found is not None and utcnow() - found.last_seen_at > cls.SEEN_EVERY:
            cls.update(last_seen_at=utcnow()).where(cls.id == found.id).execute()
        return found

    @classmethod
    def revoke(cls, *conditions):
        return cls.update(revoked_at=utcnow()).where(cls.revoked_at.is_null(), *conditions).execute()

    @classmethod
    def revoke_key(cls, key):
        cls.revoke(cls.key_hash == cls.hash_of(key))

    @classmethod
    def revoke_all(cls, user):
        """Every session of ``user`` ends (their next request is signed out)."""
        return cls.revoke(cls.user == user)


# Read on every request: kept compiled (amplify.db.Shape).
OPEN_SESSION = Shape(lambda key_hash, idle_since: (
    UserSession.open_ones(idle_since).select(UserSession, User).join(User)
    .where((UserSession.key_hash == key_hash) & (User.active == True)).limit(1)))  # noqa: E712


class LoginAttempt(BaseModel):
    """One sign-in try: reserved as a failure before the password is checked (see
    ``amplify.auth.throttle``), marked succeeded when it was right."""

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
