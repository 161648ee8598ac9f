"""Her data erased, on request, with the ledger still verifiable.

Refused while anything naming her is still published (take it down first). Then, in one
transaction: her consent records lose their personal fields (witness, comment, guardian)
and keep their hash; audit entries about her and her invitations lose their summary and
are sealed; her profile becomes a pseudonym (``erased-<id>``) with no contact details,
notes or languages; passport, visa, trip-safety and support notes of her invitations are
blanked, and so are the reminders drafted to her and the reasons of her invitations'
changes; her requests and protections lose their notes; the texts and versions of items
naming her name the pseudonym. Not reached: what staff wrote about her in comments on
items, and feed entries (public statements) that name her. What stays: that a decision was made, when, about which
exact content, and the chains that prove it."""

import json

from flask_babel import lazy_gettext as _l

from amplify import audit
from amplify.audit.models import AuditEvent
from amplify.consent.models import Decision
from amplify.db import database, utcnow
from amplify.invitations.models import Invitation, InvitationChange, Reminder, Support
from amplify.items.models import Item, ItemPerson, ItemVersion, Publication
from amplify.people.models import Activist
from amplify.protection.models import Protection
from amplify.review.models import HelpRequest
from amplify.rules import NotAllowed


def publications_up(activist):
    """Publications of items naming her that are online or waiting for their take-down."""
    return (Publication.select(Publication, Item).join(Item)
            .where(Publication.item.in_(ItemPerson.select(ItemPerson.item).where(ItemPerson.activist == activist.id))
                   & (Publication.takedown_state != "taken_down"))
            .order_by(Publication.published_at))


def _rename_in_snapshot(snapshot, old, new):
    data = json.loads(snapshot)
    data["text"] = data.get("text", "").replace("{%s}" % old, "{%s}" % new)
    for person in data.get("people", []):
        if person.get("ref") == old:
            person["ref"] = new
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def erase(activist, reason):
    """Erase her personal data (see the module). Returns the counts the audit log keeps."""
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed(_l("Say on what request her data is erased: it stays in the audit log."),
                         field="reason")
    if activist.erased_at is not None:
        raise NotAllowed(_l("Her data was already erased."))
    if publications_up(activist).exists():
        raise NotAllowed(_l("Something naming her is still published: take it down first (the "
                            "take-down queue), then erase her data."))
    old, new = activist.ref, f"erased-{activist.id}"
    with database.atomic():
        decisions = sum(decision.erase_personal() for decision in
                        Decision.select().where(Decision.activist == activist.id).order_by(Decision.seq))
        invitation_ids = [i.id for i in Invitation.select(Invitation.id).where(Invitation.activist == activist.id)]
        entries = sum(entry.erase_personal() for entry in AuditEvent.select().where(
            ((AuditEvent.subject_type == "activist") & (AuditEvent.subject_id == str(activist.id)))
            | ((AuditEvent.subject_type == "invitation")
               & AuditEvent.subject_id.in_([str(i) for i in invitation_ids] or ["0"]))).order_by(AuditEvent.seq))
        items = list(Item.select().join(ItemPerson, on=(ItemPerson.item == Item.id))
                     .where(ItemPerson.activist == activist.id))
        for item in items:
            item.text = item.text.replace("{%s}" % old, "{%s}" % new)
            item.composed_text = item.composed_text.replace("{%s}" % old, "{%s}" % new)
            item.save()
            for version in ItemVersion.select().where(ItemVersion.item == item.id):
                version.snapshot = _rename_in_snapshot(version.snapshot, old, new)
                version.save()
        Invitation.update(passport_number="", passport_expiry=None, visa_outcome="", checkin_contact="",
                          mitigation="", outcome="", follow_ups="").where(Invitation.id.in_(invitation_ids or [0])).execute()
        Support.update(notes="").where(Support.invitation.in_(invitation_ids or [0])).execute()
        # Drafted reminders carry her name, number or address; changes may say why.
        Reminder.update(recipient="", subject="—", body="").where(Reminder.invitation.in_(invitation_ids or [0])).execute()
        InvitationChange.update(reason="").where(InvitationChange.invitation.in_(invitation_ids or [0])).execute()
        HelpRequest.update(note="").where(HelpRequest.activist == activist.id).execute()
        Protection.update(reason="", lift_reason="").where(Protection.activist == activist.id).execute()
        now = utcnow()
        Activist.update(ref=new, display_name=new, pseudonym="", contact_channels=[], notes="", languages=[],
                        preferred_language="", erased_at=now, updated_at=now).where(Activist.id == activist.id).execute()
        counts = {"reason": reason, "decisions": decisions, "audit_entries": entries, "items": len(items),
                  "invitations": len(invitation_ids)}
        audit.record("activist.erase", Activist.get_by_id(activist.id), counts)
    return counts
