"""Signed personal review links: ``/r/<token>``. The signature proves Amplify made the
link; the database says whether it is still valid (expiry, revocation)."""

from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from amplify.consent.models import LinkAttempt, ReviewLink
from amplify.db import database, utcnow
from amplify.i18n import LANGUAGES

SALT = "amplify.review-link"
WINDOW = timedelta(minutes=15)


def serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def too_many_failures():
    since = utcnow() - WINDOW
    failures = LinkAttempt.select().where((LinkAttempt.address == (request.remote_addr or "?"))
                                          & (LinkAttempt.at >= since)).count()
    return failures >= current_app.config["LINK_MAX_FAILURES_PER_ADDRESS"]


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
    """The usable ReviewLink behind ``token``, or None (and the failure is counted)."""
    link = None
    try:
        data = serializer().loads(token, max_age=366 * 86400)
        link = ReviewLink.get_or_none(ReviewLink.nonce == str(data.get("n", "")))
    except (BadSignature, AttributeError, TypeError):
        link = None
    if link is None or not link.usable():
        with database.atomic():
            LinkAttempt.create(address=request.remote_addr or "?")
        return None
    return link
