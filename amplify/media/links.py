"""Signed, expiring addresses of a cleared item's images (``/m/<token>.<ext>``), for the
scheduler files whose bulk format takes an image by URL (Sprout Social's ``image_url``).
Another path than ``/r/`` and ``/s/``: a scheduler, not a person, opens it.

The signature (itsdangerous, keyed with the instance's ``SECRET_KEY``) names the item, the
image and the item's content hash, and carries an expiry. The database decides the rest
at every request: the address serves the image only while the item is still cleared for
that exact version. A withdrawal, an expired consent or an edit (a new hash) makes it stop
working at once, whatever the expiry says. It serves only the stored image, which was
scrubbed of its metadata on upload (or blurred from a scrubbed one), never anything else.

A token with a bad signature counts as a guess, as for review links (``consent.links``).
"""

from datetime import datetime, timedelta, timezone

from flask import Blueprint, Response, current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from amplify import security
from amplify.consent import links
from amplify.consent.clearance import clearance
from amplify.items.models import Item
from amplify.media.models import Asset
from amplify.web import render

SALT = "amplify.media-link"
USABLE, GONE = links.USABLE, links.OLD

bp = Blueprint("media_links", __name__, url_prefix="/m")


def serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def expiry(item, now):
    """Until when an address works: ``MEDIA_LINK_DAYS`` after the export, and at least a
    day past the planned time (a scheduler that fetches the image only when it posts still
    finds it)."""
    days = now + timedelta(days=current_app.config["MEDIA_LINK_DAYS"])
    return max(days, item.planned_at + timedelta(days=1)) if item.planned_at else days


def image_url(item, image, expires):
    """The signed address of one image of ``item`` (an ``ItemImage``), until ``expires``."""
    token = serializer().dumps({"i": item.id, "a": image.asset.sha256, "h": item.content_hash,
                                "e": int(expires.timestamp())})
    return url_for("media_links.image", media_token=token, ext=image.asset.extension, _external=True)


def open_link(token, ext, now=None):
    """``(state, asset)``: the asset only when the address may still serve it."""
    try:
        data = serializer().loads(token)
    except BadSignature:
        return links.count_guess(token), None
    now = now or datetime.now(timezone.utc)
    if not isinstance(data, dict) or data.get("e", 0) < now.timestamp():
        return GONE, None
    item = Item.get_or_none(Item.id == data.get("i"))
    if item is None or item.content_hash != data.get("h") or item.state not in ("cleared", "published") \
            or not clearance(item).cleared:
        return GONE, None
    image = item.images(with_data=True).where(Asset.sha256 == data.get("a")).first()
    if image is None or image.asset.extension != ext:
        return GONE, None
    return USABLE, image.asset


STATUS = {GONE: 410, links.GUESS: 403, links.TOO_MANY: 429}


@bp.get("/<media_token>.<any(jpg, png, webp):ext>")
@security.personal
def image(media_token, ext):
    """The image itself, or a page that says only that the address no longer works (never
    why: the reason could say something about the person)."""
    state, asset = open_link(media_token, ext)
    if asset is None:
        return render("media/link_invalid.html", status=STATUS[state], problem=STATUS[state])
    return Response(bytes(asset.data), mimetype=asset.mime,
                    headers={"Content-Disposition": f'inline; filename="{asset.sha256[:16]}.{ext}"'})
