"""Signed personal links: an activist's review page ``/r/<token>`` and a shared report
``/s/<token>``. The signature proves Amplify made the link; the database says whether it
is still valid (expiry, revocation).

Guessing is limited without ever refusing a link Amplify signed: the signature is checked
first (it cannot be guessed), and only a token with a bad signature counts as a guess —
per address (an IPv6 /64 counts as one) and per token prefix (the signed part an
attacker would keep while trying signatures). Past either limit, guesses from there are
answered "too many attempts" without being written down, so the guessing address slows
itself down and costs no writes. A genuinely signed link that expired, was revoked or
replaced is an *old* link, never counted as a guess nor called broken.
"""

from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from amplify import security
from amplify.consent.models import LinkAttempt, ReviewLink
from amplify.db import Shape, database, utcnow
from amplify.i18n import LANGUAGES
from amplify.people.models import Activist

SALT = "amplify.review-link"
WINDOW = timedelta(minutes=15)

USABLE, OLD, GUESS, TOO_MANY = "usable", "old", "guess", "too_many"


def serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def prefix_of(token):
    return (token or "").split(".", 1)[0][:64]


def count_guess(token):
    """A token Amplify did not sign: ``TOO_MANY`` when this address or this token prefix
    is past its limit (nothing is written), else ``GUESS`` (and it is counted)."""
    config = current_app.config
    address, prefix = security.client_network(), prefix_of(token)
    recent = LinkAttempt.select().where(LinkAttempt.at >= utcnow() - WINDOW)
    with database.atomic():
        if (recent.where(LinkAttempt.address == address).count() >= config["LINK_MAX_FAILURES_PER_ADDRESS"]
                or recent.where(LinkAttempt.prefix == prefix).count() >= config["LINK_MAX_FAILURES_PER_PREFIX"]):
            return TOO_MANY
        LinkAttempt.create(address=address, prefix=prefix)
    return GUESS


def open_signed(signer, token, max_age, find):
    """``(state, found)``: ``found`` is what ``find(nonce)`` returns for a usable link."""
    try:
        data = signer.loads(token, max_age=max_age)
    except SignatureExpired:
        return OLD, None
    except BadSignature:
        return count_guess(token), None
    found = find(str(data.get("n", ""))) if isinstance(data, dict) else None
    if found is None or not found.usable():
        return OLD, None
    return USABLE, found


def signed_language(token):
    """The language written into ``token`` when Amplify made it (signature checked, not
    expiry), so that even "this link no longer works" is said in her language."""
    try:
        data = serializer().loads(token)
    except BadSignature:
        return None
    language = data.get("l") if isinstance(data, dict) else None
    return language if language in LANGUAGES else None


def resolve(token):
    """``(state, link)`` for a review-page token; ``link`` only when usable."""
    return open_signed(serializer(), token, 366 * 86400, LINK.first)


LINK = Shape(lambda nonce: (  # every view of her page opens it: kept compiled (amplify.db.Shape)
    ReviewLink.select(ReviewLink, Activist).join(Activist).where(ReviewLink.nonce == nonce).limit(1)))
