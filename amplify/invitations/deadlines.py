"""What is due and overdue for event teams. ``today`` is passed in (tests use a fixed clock)."""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from amplify.invitations.models import Event, Invitation

NO_ANSWER_DAYS = 10
ACCREDITATION_WARNING_DAYS = 21
DEBRIEF_AFTER_DAYS = 7

KINDS = {
    "no_answer": _l("No answer from the activist"),
    "not_confirmed": _l("Accepted but not confirmed"),
    "accreditation": _l("Accreditation deadline"),
    "debrief": _l("Debrief after the event"),
    "visa": _l("Visa application: last sensible day to apply"),
    "passport": _l("Passport expires within 3 months after return"),
}
VISA_LAST_DAYS = 15  # Schengen: no later than 15 days before travel
VISA_MARGIN_DAYS = 7


@dataclass
class Due:
    kind: str
    on: object  # the date it is due
    invitation: Invitation | None = None
    event: Event | None = None

    @property
    def label(self):
        return KINDS[self.kind]

    def overdue(self, today):
        return self.on < today


def due(today, horizon_days=30):
    """Everything due up to ``horizon_days`` ahead, and everything overdue, soonest first."""
    horizon = today + timedelta(days=horizon_days)
    found = []
    for invitation in Invitation.select(Invitation, Event).join(Event).where(
            Invitation.state.in_(["invited", "accepted", "attended", "attended_remotely"])):
        event = invitation.event
        if invitation.state == "invited":
            when = invitation.answer_due or (invitation.updated_at.date() + timedelta(days=NO_ANSWER_DAYS))
            found.append(Due("no_answer", when, invitation, event))
        elif invitation.state == "accepted":
            found.append(Due("not_confirmed", event.starts_on - timedelta(days=ACCREDITATION_WARNING_DAYS),
                             invitation, event))
        else:
            found.append(Due("debrief", event.ends_on + timedelta(days=DEBRIEF_AFTER_DAYS), invitation, event))
    for invitation in Invitation.select(Invitation, Event).join(Event).where(
            Invitation.state.in_(["invited", "accepted", "confirmed", "reserve"])):
        event = invitation.event
        if invitation.visa_required and not invitation.visa_lodged_on:
            found.append(Due("visa", event.starts_on - timedelta(days=VISA_LAST_DAYS + VISA_MARGIN_DAYS),
                             invitation, event))
        if invitation.passport_expiry and invitation.passport_expiry < event.ends_on + timedelta(days=92):
            found.append(Due("passport", invitation.passport_expiry, invitation, event))
    for event in Event.select().where(Event.accreditation_deadline.is_null(False)
                                      & (Event.accreditation_deadline >= today)):
        found.append(Due("accreditation", event.accreditation_deadline, None, event))
    return sorted((d for d in found if d.on <= horizon), key=lambda d: d.on)
