"""Reminders drafted to an outbox. Staff read, edit and send them — by copying the text
into their own messaging, or by e-mail when SMTP is configured. Nothing is sent silently."""

from flask import current_app
from flask_babel import force_locale, format_date, gettext
from flask_babel import lazy_gettext as _l

from amplify import audit
from amplify.db import database, utcnow
from amplify.i18n import LANGUAGES
from amplify.invitations.models import Reminder
from amplify.mail import FAILURES, send_mail, smtp_configured
from amplify.rules import NotAllowed

# Deadlines whose reminder goes to the activist; the others go to the team.
TO_ACTIVIST = ("no_answer", "passport", "checkin")


def email_of(activist):
    for channel in activist.contact_channels or ():
        if str(channel.get("kind", "")).lower() in ("email", "e-mail", "correo") and "@" in channel.get("value", ""):
            return channel["value"].strip()
    return ""


def text_for(due, language):
    """Subject and body of a reminder about ``due``, written in ``language``."""
    event, invitation = due.event, due.invitation
    person = invitation.activist.display_name if invitation and invitation.activist_id else ""
    with force_locale(language):
        when = format_date(due.on, "long")
        starts = format_date(event.starts_on, "long")
        subject = gettext("%(what)s — %(event)s", what=str(due.label), event=event.title)
        bodies = {
            "no_answer": gettext("Hello %(name)s, we are waiting for your answer about “%(event)s” "
                                 "(%(starts)s). Could you tell us by %(when)s whether you will go? "
                                 "Saying no is fine and changes nothing in our support.",
                                 name=person, event=event.title, starts=starts, when=when),
            "passport": gettext("Hello %(name)s, your passport expires on %(when)s: too soon for the "
                                "rules of the country you travel to for “%(event)s”, which may refuse "
                                "you entry. Can we help you renew it?",
                                name=person, event=event.title, when=when),
            "checkin": gettext("Hello %(name)s, we hope you are back home safely from “%(event)s”. "
                               "Please tell us you are well.", name=person, event=event.title),
        }
        body = bodies.get(due.kind) or gettext(
            "%(what)s for %(person)s at “%(event)s” (%(starts)s): due %(when)s.",
            what=str(due.label), person=person or gettext("the event"), event=event.title,
            starts=starts, when=when)
    return subject, body


def draft(due, user, language):
    """Put a reminder for ``due`` in the outbox; the one already waiting there if any."""
    existing = Reminder.get_or_none((Reminder.kind == due.kind) & (Reminder.due_on == due.on)
                                    & (Reminder.invitation == (due.invitation.id if due.invitation else None))
                                    & (Reminder.event == due.event.id) & Reminder.sent_at.is_null())
    if existing is not None:
        return existing
    invitation = due.invitation
    recipient = ""
    if invitation is not None and invitation.activist_id and due.kind in TO_ACTIVIST:
        activist = invitation.activist
        language = next((code for code in activist.languages if code in LANGUAGES), language)
        recipient = email_of(activist)
    elif invitation is not None and invitation.proposed_by_id:
        recipient = invitation.proposed_by.email
    subject, body = text_for(due, language)
    with database.atomic():
        reminder = Reminder.create(invitation=invitation, event=due.event, kind=due.kind, due_on=due.on,
                                   recipient=recipient, subject=subject, body=body, created_by=user)
        audit.record("reminder.draft", reminder, {"kind": due.kind, "invitation": invitation.id if invitation else None})
    return reminder


def mark_sent(reminder, user, method, subject=None, body=None, recipient=None):
    """Record that staff sent it (``method`` "copied" or "email"), with the text they sent."""
    if reminder.sent_at is not None:
        raise NotAllowed(_l("This reminder was already sent."))
    if subject is not None:
        reminder.subject, reminder.body, reminder.recipient = subject.strip(), body.strip(), recipient.strip()
    if method == "email":
        send_email(reminder)
    with database.atomic():
        reminder.sent_at, reminder.sent_by, reminder.method, reminder.error = utcnow(), user, method, ""
        reminder.save()
        audit.record("reminder.sent", reminder, {"method": method, "kind": reminder.kind})
    return reminder


def send_email(reminder):
    if not smtp_configured():
        raise NotAllowed(_l("E-mail is not configured: copy the text and send it yourself."))
    if "@" not in reminder.recipient:
        raise NotAllowed(_l("Give an e-mail address to send to."), "recipient")
    try:
        send_mail(reminder.recipient, reminder.subject, reminder.body)
    except FAILURES as failure:
        reminder.error = str(failure)[:500]
        reminder.save()
        raise NotAllowed(_l("The e-mail could not be sent: %(error)s. Nothing was marked as sent.",
                            error=reminder.error)) from None


DRAFT_AHEAD_DAYS = 3


def draft_due(today, user=None, language=None):
    """Draft a reminder for every deadline of an invitation that is overdue or due within
    DRAFT_AHEAD_DAYS, unless one is already waiting. Returns the reminders drafted now."""
    from amplify.invitations.deadlines import due

    language = language or current_app.config["BABEL_DEFAULT_LOCALE"]
    before = {r.id for r in Reminder.select(Reminder.id).where(Reminder.sent_at.is_null())}
    drafted = [draft(item, user, language) for item in due(today, horizon_days=DRAFT_AHEAD_DAYS) if item.invitation]
    return [r for r in drafted if r.id not in before]
