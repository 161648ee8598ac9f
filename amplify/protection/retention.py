"""Retention: contact details, passport and visa data and trip-safety notes of people with
no activity for ``RETENTION_MONTHS`` are purged by the daily job. The page
``/people/retention`` lists them a month before, so that staff can keep someone's data,
with a reason (which counts as activity and buys another period).

Activity is anything that happened about her: her profile changed, a decision of hers, an
invitation of hers changed, an item naming her changed, or a hold."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import SQL, fn

from amplify import audit
from amplify.consent.models import Decision
from amplify.db import database, utcnow
from amplify.invitations.models import Invitation
from amplify.items.models import Item, ItemPerson
from amplify.people.models import Activist, add_months
from amplify.protection.models import RetentionHold
from amplify.rules import NotAllowed

NOTICE = timedelta(days=30)  # listed this long before the purge
LISTED = 100
# What the purge blanks on each of her invitations (never the event, dates or support).
INVITATION_FIELDS = {"passport_number": "", "passport_expiry": None, "visa_required": None,
                     "visa_letter_sent_on": None, "visa_appointment_on": None, "visa_lodged_on": None,
                     "visa_outcome": "", "risk_level": "", "mitigation": "", "checkin_contact": ""}


def _held(invitation):
    return ((invitation.passport_number != "") | invitation.passport_expiry.is_null(False)
            | invitation.visa_required.is_null(False) | (invitation.visa_outcome != "")
            | (invitation.risk_level != "") | (invitation.mitigation != "") | (invitation.checkin_contact != ""))


def cutoff(today, months=None):
    """The moment before which nothing about a person means she is inactive."""
    months = current_app.config["RETENTION_MONTHS"] if months is None else months
    return datetime.combine(add_months(today, -months), time.min, tzinfo=timezone.utc)


def inactive_since(moment):
    """People with data to purge and nothing about them since ``moment``."""
    later_decision = Decision.select(Decision.id).where((Decision.activist == Activist.id) & (Decision.at >= moment))
    later_invitation = Invitation.select(Invitation.id).where(
        (Invitation.activist == Activist.id) & (Invitation.updated_at >= moment))
    later_item = (ItemPerson.select(ItemPerson.id).join(Item, on=(ItemPerson.item == Item.id))
                  .where((ItemPerson.activist == Activist.id) & (Item.updated_at >= moment)))
    later_hold = RetentionHold.select(RetentionHold.id).where(
        (RetentionHold.activist == Activist.id) & (RetentionHold.kept_at >= moment))
    holding = Invitation.select(Invitation.id).where((Invitation.activist == Activist.id) & _held(Invitation))
    return (Activist.select().where(
        (Activist.updated_at < moment) & Activist.erased_at.is_null()
        & ((Activist.contact_channels != SQL("'[]'")) | fn.EXISTS(holding))
        & ~fn.EXISTS(later_decision) & ~fn.EXISTS(later_invitation) & ~fn.EXISTS(later_item)
        & ~fn.EXISTS(later_hold))
        .order_by(Activist.updated_at, Activist.id))


@dataclass
class Due:
    activist: Activist
    last_activity: datetime
    purge_on: object


def last_activity(activist):
    """The last thing that happened about her (four small queries: the page lists a few)."""
    as_time = Activist.updated_at.python_value  # MAX() comes back as text on SQLite
    moments = [activist.updated_at] + [as_time(query.scalar()) for query in (
        Decision.select(fn.MAX(Decision.at)).where(Decision.activist == activist.id),
        Invitation.select(fn.MAX(Invitation.updated_at)).where(Invitation.activist == activist.id),
        RetentionHold.select(fn.MAX(RetentionHold.kept_at)).where(RetentionHold.activist == activist.id),
        Item.select(fn.MAX(Item.updated_at)).join(ItemPerson, on=(ItemPerson.item == Item.id))
        .where(ItemPerson.activist == activist.id))]
    return max(moment for moment in moments if moment is not None)


def coming_up(today):
    """The people whose data the purge will take within ``NOTICE`` (the first LISTED)."""
    if not current_app.config["RETENTION_MONTHS"]:
        return []
    found = []
    for activist in inactive_since(cutoff(today + NOTICE)).limit(LISTED):
        last = last_activity(activist)
        found.append(Due(activist, last, max(add_months(last.date(), current_app.config["RETENTION_MONTHS"]), today)))
    return found


def keep(activist, user, reason):
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed(_l("Say why her data must be kept: it stays in the audit log."), field="reason")
    with database.atomic():
        hold = RetentionHold.create(activist=activist, reason=reason, kept_by=user, kept_at=utcnow())
        audit.record("activist.retention_keep", activist, {"hold": hold.id})
    return hold


def purge_due(today):
    """Purge the contact, passport, visa and trip-safety data of everyone inactive for the
    retention period (the daily job). Returns how many people."""
    if not current_app.config["RETENTION_MONTHS"]:
        return 0
    purged = 0
    for activist in list(inactive_since(cutoff(today))):
        with database.atomic():
            invitations = [i.id for i in Invitation.select(Invitation.id).where(Invitation.activist == activist.id)]
            # Not save(): her profile did not change by her or staff, so updated_at stays.
            Activist.update(contact_channels=[]).where(Activist.id == activist.id).execute()
            Invitation.update(**INVITATION_FIELDS).where(Invitation.id.in_(invitations or [0])).execute()
            audit.record("activist.retention_purge", activist, {
                "purged": ["contact_channels", *INVITATION_FIELDS], "invitations": invitations})
        purged += 1
    return purged
