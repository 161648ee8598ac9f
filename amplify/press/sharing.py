"""Signed links of releases (``/s/press/<token>``): the signature proves Amplify made
the link, the database says whether it still works (expiry, revocation). Guesses are
counted and limited as for every personal link (``amplify.consent.links``)."""

from flask import current_app, url_for
from itsdangerous import URLSafeTimedSerializer

from amplify.consent import links
from amplify.press.models import ReleaseShare

SALT = "amplify.press-share"
MAX_AGE = 100 * 86400  # longer than any share lives: the row's expiry is what decides


def serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def share_url(share):
    return url_for("press_shared.release", token=serializer().dumps({"n": share.nonce}), _external=True)


def open_share(token):
    """``(state, share)``: ``share`` only when the link is usable."""
    return links.open_signed(serializer(), token, MAX_AGE,
                             lambda nonce: ReleaseShare.get_or_none(ReleaseShare.nonce == nonce))
