"""Her trips, on her own review page: for each event she accepted, what is booked for her,
the documents she needs and the next thing she must do — in her language.

Her page opens from a link that could be forwarded: it never shows her passport number or
name as in the passport, only whether we have them."""

from dataclasses import dataclass, field

from flask_babel import format_date, gettext as _

from amplify.db import Shape
from amplify.invitations import passports
from amplify.invitations.delegation import PER_DIEM
from amplify.invitations.models import Support

# Her trip shows once she said yes, until the event.
HER_TRIPS = ("accepted", "confirmed", "reserve")


@dataclass
class Trip:
    booked: list = field(default_factory=list)  # sentences: what we book or reimburse
    documents: list = field(default_factory=list)  # sentences: what she needs to travel
    next_step: str = ""


def _long(day):
    return format_date(day, "long")


def support_by_invitation(invitations):
    """``{invitation id: [support lines]}`` for these invitations (one query)."""
    found = {}
    ids = [i.id for i in invitations if i.state in HER_TRIPS]
    for line in SUPPORT.rows(ids) if ids else ():
        found.setdefault(line.invitation_id, []).append(line)
    return found


SUPPORT = Shape(lambda invitation_ids: (  # on her page: kept compiled (amplify.db.Shape)
    Support.select().where(Support.invitation.in_(invitation_ids)).order_by(Support.id)))


def trip(invitation, lines, media_answered):
    """Her trip to ``invitation``'s event; ``lines`` its support, ``media_answered``
    whether she said what she agrees to at the event."""
    event, result = invitation.event, Trip()
    result.booked.append(_("You travel on %(leave)s and come back on %(back)s.",
                           leave=_long(invitation.travels_on), back=_long(invitation.returns_on)))
    for line in lines:
        if line.arrangement == "booked":
            result.booked.append(_("%(what)s: we book and pay it.", what=line.kind_label)
                                 + (" " + _("Done.") if line.provided else ""))
        else:
            result.booked.append(_("%(what)s: you pay, we pay you back. Keep the receipts.", what=line.kind_label))
    if event.per_diem_cents is not None and invitation.state in PER_DIEM and invitation.nights:
        result.booked.append(_("Per diem: %(rate)s %(currency)s a night, %(nights)d nights: %(total)s %(currency)s.",
                               rate=f"{event.per_diem_cents / 100:.2f}", currency=event.per_diem_currency,
                               nights=invitation.nights,
                               total=f"{event.per_diem_cents * invitation.nights / 100:.2f}"))
    rule, needed = passports.valid_until_needed(invitation)
    if rule is not None and not event.online:
        result.documents.append(_("A passport valid until at least %(day)s.", day=_long(needed)))
    elif not event.online and event.country:
        result.documents.append(_("A valid passport: we check with the consulate how long it must be valid."))
    if invitation.visa_required:
        if invitation.visa_outcome:
            result.documents.append(_("A visa: %(outcome)s.", outcome=invitation.visa_outcome))
        elif invitation.visa_lodged_on:
            result.documents.append(_("A visa: you applied on %(day)s.", day=_long(invitation.visa_lodged_on)))
        else:
            result.documents.append(_("A visa, with our invitation letter."))
    result.next_step = next_step(invitation, media_answered)
    return result


def next_step(invitation, media_answered):
    """The one thing she should do next, the most urgent first."""
    if invitation.passport_problem == "too_soon":
        return _("Your passport expires too soon for this trip: please renew it and tell us.")
    if invitation.visa_required and invitation.passport_details_missing:
        return _("Send us your passport details (name as written in it, nationality, number), so we can "
                 "write your visa letter.")
    if invitation.visa_required and not invitation.visa_lodged_on:
        if invitation.visa_appointment_on:
            return _("Go to your visa appointment on %(day)s, with our letter.",
                     day=_long(invitation.visa_appointment_on))
        if invitation.visa_letter_sent_on:
            return _("Apply for your visa with the letter we sent you.")
        return _("Wait for our visa letter: we are preparing it.")
    if not media_answered:
        return _("Tell us below whether we may name, photograph, record or quote you at this event.")
    if invitation.state == "reserve":
        return _("You are on the reserve list: we will tell you if a place opens.")
    if invitation.state == "accepted":
        return _("Nothing for now: we will confirm your place soon.")
    return _("Nothing for now. Have a good trip — we will check in with you.")
