"""The signed tokens of shared power maps. Each carries the map's language as well as its
nonce, so that even "this link no longer works" is said in that language."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from amplify.i18n import LANGUAGES

SALT = "amplify.map-share"


def serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(link):
    return serializer().dumps({"n": link.nonce, "l": link.language})


def signed_language(token):
    """The language a token was signed with (signature checked, not expiry), or None."""
    try:
        data = serializer().loads(token)
    except BadSignature:
        return None
    language = data.get("l") if isinstance(data, dict) else None
    return language if language in LANGUAGES else None
