"""Protect her now, and lift it. Each runs in one transaction and is audited; what other
packages do about it (notifications, direct publishing) follows the signal sent after
the commit."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from amplify import audit
from amplify.consent.models import ReviewLink
from amplify.db import database, utcnow
from amplify.drafting.models import Export, ExportedItem
from amplify.items.changes import refresh_state, require_takedown
from amplify.items.models import CHANNELS, Item, ItemPerson, Publication
from amplify.people.models import Activist
from amplify.protection.models import Protection
from amplify.protection.signals import protection_lifted, protection_started
from amplify.rules import NotAllowed

CHECKLIST_LIMIT = 200  # rows read per kind of place; a page never reads without bound
# Channels where a publication is a copy in someone's hands, not a post Amplify or staff
# could delete: they are on the checklist of places to reach by hand.
OFFLINE_CHANNELS = ("print", "meeting", "press", "newsletter", "whatsapp")


def items_naming(activist):
    """Every item that names, quotes or shows her."""
    return (Item.select().join(ItemPerson, on=(ItemPerson.item == Item.id))
            .where(ItemPerson.activist == activist.id).order_by(Item.id))


def protect(activist, user, reason):
    """At once: her risk becomes high, her personal links stop working, every publication
    naming her enters the take-down queue, every item naming her stops (``clearance()``
    reads ``protected_since``). Returns the Protection."""
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed(_l("Say why she needs protection: it stays in the audit log."), field="reason")
    now = utcnow()
    with database.atomic():
        before = Activist.get_by_id(activist.id)
        # One conditional update: of two staff pressing at once, one protects, the other is told.
        started = (Activist.update(protected_since=now, risk_level="high", updated_at=now)
                   .where((Activist.id == activist.id) & Activist.protected_since.is_null()).execute())
        if not started:
            raise NotAllowed(_l("She is already protected. Lifting it is for an admin, with a reason."))
        protection = Protection.create(activist=activist.id, reason=reason, risk_before=before.risk_level,
                                       started_at=now, started_by=user)
        revoked = (ReviewLink.update(revoked_at=now)
                   .where((ReviewLink.activist == activist.id) & ReviewLink.revoked_at.is_null()
                          & (ReviewLink.expires_at > now)).execute())
        items = list(items_naming(activist))
        publications = list(Publication.select().where(
            Publication.item.in_([item.id for item in items] or [0]) & (Publication.takedown_state == "none")))
        for item in items:
            require_takedown(item)
            refresh_state(item)
        audit.record("activist.protect", before, {
            "reason": reason, "risk_before": before.risk_level, "links_revoked": revoked,
            "takedowns": sorted(p.id for p in publications), "items": [item.id for item in items]})
    protected = Activist.get_by_id(activist.id)
    protection_started.send(protected, protection=protection, publications=publications)
    return protection


def lift(activist, user, reason):
    """An admin lifts the protection; her risk level goes back to what it was. Take-downs
    stay required and links revoked; each item naming her is judged again by
    ``clearance()``, so it goes out only where her consent for its version still holds."""
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed(_l("Say why the protection can be lifted: it stays in the audit log."),
                         field="reason")
    now = utcnow()
    with database.atomic():
        protection = Protection.current(activist)
        if protection is None or not activist.protected:
            raise NotAllowed(_l("She is not protected."))
        protection.lifted_at, protection.lifted_by, protection.lift_reason = now, user, reason
        protection.save()
        Activist.update(protected_since=None, risk_level=protection.risk_before or "high",
                        updated_at=now).where(Activist.id == activist.id).execute()
        items = list(items_naming(activist))
        for item in items:
            refresh_state(item)
        audit.record("activist.protection_lifted", activist, {
            "reason": reason, "protection": protection.id, "risk_level": protection.risk_before})
    lifted = Activist.get_by_id(activist.id)
    protection_lifted.send(lifted, protection=protection)
    return protection


@dataclass
class Unreachable:
    """A place Amplify cannot reach: staff contact it by hand."""

    what: object  # a lazy string: the kind of place
    detail: str  # the file's name, the channel…
    who: str  # who made it or recorded it
    when: object
    items: list


def unreachable(activist):
    """The checklist: files that left Amplify carrying an item naming her (kits, scheduler
    files, calendars, spreadsheets, talking-point sheets), and publications on channels
    that are copies in people's hands (print, press, meetings, newsletters, WhatsApp)."""
    item_ids = items_naming(activist).select(Item.id)
    found = {}
    for row in (ExportedItem.select(ExportedItem, Export, Item).join(Export).switch(ExportedItem).join(Item)
                .where(ExportedItem.item.in_(item_ids)).order_by(Export.made_at, Export.id)
                .limit(CHECKLIST_LIMIT)):
        export = row.export
        entry = found.get(("export", export.id))
        if entry is None:
            entry = found[("export", export.id)] = Unreachable(
                export.kind_label, export.filename, export.made_by.email if export.made_by_id else "—",
                export.made_at, [])
        entry.items.append(row.item)
    for publication in (Publication.select(Publication, Item).join(Item)
                        .where(Publication.item.in_(item_ids) & Publication.channel.in_(OFFLINE_CHANNELS))
                        .order_by(Publication.published_at).limit(CHECKLIST_LIMIT)):
        found[("publication", publication.id)] = Unreachable(
            CHANNELS.get(publication.channel, publication.channel), publication.url or "—",
            publication.recorded_by.email if publication.recorded_by_id else "—",
            publication.published_at, [publication.item])
    return sorted(found.values(), key=lambda entry: entry.when)
