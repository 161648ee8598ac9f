"""Account secrets encrypted at rest (Fernet) with the instance's publishing key: the file
``publishing_key`` in the instance folder, or ``AMPLIFY_PUBLISHING_KEY``. The key's
fingerprint is kept like the other instance keys, so a lost key is said, not guessed."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _fernet():
    secret = current_app.config["PUBLISHING_KEY"].encode()
    key = base64.urlsafe_b64encode(hashlib.sha256(b"amplify publishing v1\0" + secret).digest())
    return Fernet(key)


def seal(secret):
    return _fernet().encrypt(secret.encode()).decode()


def unseal(token):
    """The secret, or "" when it was sealed with another key."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return ""
