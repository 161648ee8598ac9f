"""``/notifications``: what activists did that a staff member must know, pressing first."""

from flask import Blueprint, abort, g, redirect, url_for

from amplify import security
from amplify.db import utcnow
from amplify.items.forms import ActionForm
from amplify.notifications.models import Notification
from amplify.web import render

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def notification_badge():
    """The count on every staff page (one query, only for a signed-in user)."""
    user = g.get("user")
    if user is None or g.get("database_down"):  # the 503 page reads nothing from the database
        return {"notification_counts": (0, 0)}
    return {"notification_counts": Notification.counts_for(user)}


def link_for(notification):
    """Where staff act on it: the item, the message, her protection, else her consent page."""
    from amplify.campaigns.models import MessageVariant

    if notification.subject_type == "item":
        return url_for("items.show", item_id=notification.subject_id)
    if notification.subject_type == "protection":
        return url_for("protection.protect", activist_id=notification.activist_id)
    if notification.subject_type == "variant":
        variant = MessageVariant.get_or_none(MessageVariant.id == notification.subject_id)
        if variant is not None:
            return url_for("campaigns.message", slug=variant.message.campaign.slug, key=variant.message.key)
    return url_for("consent.person", activist_id=notification.activist_id)


@bp.get("/")
@security.requires("view")
def index():
    rows = list(Notification.select().where(Notification.user == g.user)
                .order_by(Notification.read_at.is_null(False), Notification.created_at.desc()).limit(100))
    rows.sort(key=lambda n: not n.pressing)  # pressing first, stable otherwise
    return render("notifications/index.html", rows=rows, link_for=link_for, action=ActionForm())


@bp.post("/read")
@security.requires("view")
def mark_all_read():
    if not ActionForm().validate_on_submit():
        abort(400)
    Notification.update(read_at=utcnow()).where((Notification.user == g.user) & Notification.read_at.is_null()).execute()
    return redirect(url_for("notifications.index"))
