"""Fingerprints of the instance's keys, kept in the database they protect.

When the instance folder is lost, ``config.build`` would quietly generate new keys: every
review and share link given out stops working, and the audit chain and the consent
ledger can no longer be verified — verify would call record 1 "altered". Keeping a
fingerprint of each key beside the data lets Amplify refuse to start with keys the
database was not written with, and lets verify say "wrong key" instead.

A fingerprint is an HMAC of a fixed label under the key: it identifies the key without
revealing anything that would help guess it.
"""

import hashlib
import hmac
from pathlib import Path

import peewee

from amplify.config import INSTANCE_SECRETS, variable_for
from amplify.db import BaseModel, UTCDateTimeField, connection, database, utcnow

_LABEL = b"amplify key fingerprint v1"


class InstanceKey(BaseModel):
    """The fingerprint of one key (``SECRET_KEY`` or ``AUDIT_KEY``) this database uses."""

    name = peewee.CharField(primary_key=True)
    fingerprint = peewee.CharField(max_length=64)
    recorded_at = UTCDateTimeField(default=utcnow)


class KeysDoNotMatch(RuntimeError):
    """The keys configured are not the ones this database was written with."""

    def __init__(self, config, names):
        self.names = names
        wanted = "; ".join(
            f"{name}: set {variable_for(name)} or restore "
            f"{Path(config['INSTANCE_PATH']) / INSTANCE_SECRETS[name]} from the backup"
            for name in names)
        super().__init__(
            f"Amplify will not start: the key(s) {', '.join(names)} are not the ones this database "
            f"was written with (was the instance folder lost or replaced?). {wanted}. "
            "With other keys, review and share links stop working and the audit chain and consent "
            "ledger cannot be verified.")


def fingerprint(secret):
    return hmac.new(secret.encode(), _LABEL, hashlib.sha256).hexdigest()


def _known():
    """``{name: fingerprint}`` recorded in the database; empty before migration 0014."""
    if not InstanceKey.table_exists():
        return {}
    return {row.name: row.fingerprint for row in InstanceKey.select()}


def matches(name, secret):
    """False only when a fingerprint is recorded for ``name`` and ``secret`` is not its key."""
    known = _known().get(name)
    return known is None or hmac.compare_digest(known, fingerprint(secret))


def remember(config):
    """Record the fingerprint of each key that has none yet (first start after the
    upgrade, or a new database). Several workers starting at once record the same rows."""
    missing = [name for name in INSTANCE_SECRETS if name not in _known()] \
        if InstanceKey.table_exists() else []
    if missing:
        with database.atomic():
            for name in missing:
                (InstanceKey.insert(name=name, fingerprint=fingerprint(config[name]), recorded_at=utcnow())
                 .on_conflict_ignore().execute())


def check(config):
    """Refuse (KeysDoNotMatch) keys that differ from the fingerprints this database keeps;
    record the fingerprints it does not keep yet. A database that cannot be reached is
    not checked here: the app starts and answers 503 until it can be reached."""
    try:
        with connection():
            remember(config)
            known = _known()
    except (peewee.OperationalError, peewee.InterfaceError):
        return
    wrong = [name for name in INSTANCE_SECRETS
             if name in known and not hmac.compare_digest(known[name], fingerprint(config[name]))]
    if wrong:
        raise KeysDoNotMatch(config, wrong)
