"""Who hears about what she did: the item's author (else the campaign staff) for answers
and requests; every comms user, urgently, for a withdrawal; every admin when someone is
protected (urgently) or her protection is lifted."""

import logging

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale, gettext

from amplify.auth.models import User
from amplify.consent.signals import decision_recorded, help_requested
from amplify.db import database, utcnow
from amplify.items.models import Item
from amplify.items.signals import takedowns_confirmed
from amplify.mail import FAILURES, send_mail, smtp_configured
from amplify.notifications.models import Notification
from amplify.protection.signals import protection_lifted, protection_started

log = logging.getLogger(__name__)
ANSWERS = ("given", "refused", "changes_requested")


def connect():
    decision_recorded.connect(on_decision)
    help_requested.connect(on_help)
    takedowns_confirmed.connect(on_takedowns_confirmed)
    protection_started.connect(on_protection_started)
    protection_lifted.connect(on_protection_lifted)


def comms_users():
    return list(User.select().where(User.active & User.role.in_(["admin", "comms"])))


def authors_of(subject_type, subject_id):
    """Who should act on it: the item's author when there is one (and still active), else
    everyone in comms."""
    if subject_type == "item":
        item = Item.get_or_none(Item.id == subject_id)
        if item is not None and item.author_id and item.author.active:
            return [item.author]
    return comms_users()


def notify(users, kind, activist, subject_type, subject_id, urgent=False):
    with database.atomic():
        made = [Notification.create(user=user, kind=kind, activist=activist, subject_type=subject_type,
                                    subject_id=subject_id, urgent=urgent) for user in users]
    for notification in made:
        email(notification)
    return made


def on_decision(decision, subject=None):
    """Only what she did on her own page: a decision staff recorded is already known."""
    if decision.method != "review_page" or decision.subject_type == "invitation":
        return
    if decision.outcome == "withdrawn":
        notify(comms_users(), "withdrawn", decision.activist, decision.subject_type, decision.subject_id,
               urgent=True)
    elif decision.outcome in ANSWERS:
        notify(authors_of(decision.subject_type, decision.subject_id), decision.outcome, decision.activist,
               decision.subject_type, decision.subject_id)


def on_help(request):
    notify(authors_of(request.subject_type, request.subject_id), request.kind, request.activist,
           request.subject_type, request.subject_id)


def admins():
    return list(User.select().where(User.active & (User.role == "admin")))


def on_protection_started(activist, protection=None, publications=()):
    notify(admins(), "protected", activist, "protection", protection.id if protection else None, urgent=True)


def on_protection_lifted(activist, protection=None):
    (Notification.update(resolved_at=utcnow())
     .where((Notification.kind == "protected") & (Notification.activist == activist.id)
            & Notification.resolved_at.is_null()).execute())
    notify(admins(), "protection_lifted", activist, "protection", protection.id if protection else None)


def on_takedowns_confirmed(item):
    """Every take-down of ``item`` is confirmed: its withdrawal notices are no longer urgent."""
    (Notification.update(resolved_at=utcnow())
     .where((Notification.kind == "withdrawn") & (Notification.subject_type == "item")
            & (Notification.subject_id == item.id) & Notification.resolved_at.is_null())
     .execute())


def email(notification):
    """An e-mail to the staff member when SMTP is set; a failure is logged, never shown to
    the activist whose answer caused it."""
    if not smtp_configured():
        return
    user = notification.user
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = f"Amplify: {notification.text}"
        body = gettext("Open Amplify to see it: %(url)s",
                       url=url_for("notifications.index", _external=True) if has_request_context()
                       else gettext("Notifications"))
    try:
        send_mail(user.email, subject, body)
    except FAILURES as failure:
        log.warning("notification e-mail to user %s failed: %s", user.id, failure)
