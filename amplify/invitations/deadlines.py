"""What is due and overdue for event teams. ``today`` is passed in (tests use a fixed clock)."""

from dataclasses import dataclass
from datetime import timedelta

import peewee
from flask_babel import lazy_gettext as _l

from amplify.invitations.models import PRIVATE_KINDS, Event, Invitation, Support
from amplify.people.models import Activist, add_months

NO_ANSWER_DAYS = 10
ACCREDITATION_WARNING_DAYS = 21
INTERPRETER_BOOKING_DAYS = 21
DEBRIEF_AFTER_DAYS = 7
EVALUATION_AFTER_DAYS = 30
REIMBURSE_AFTER_DAYS = 14
CHECKIN_AFTER_DAYS = 1
VISA_WINDOW_MONTHS = 6  # most consulates take applications from 6 months before travel
VISA_LAST_DAYS = 15  # Schengen: no later than 15 days before travel
VISA_MARGIN_DAYS = 7
PASSPORT_VALID_AFTER_RETURN_DAYS = 92  # three months

KINDS = {
    "no_answer": _l("No answer from the activist"),
    "not_confirmed": _l("Accepted but not confirmed"),
    "accreditation": _l("Accreditation deadline"),
    "visa_window": _l("Visa window opens"),
    "visa": _l("Visa application: last sensible day to apply"),
    "passport": _l("Passport expires within 3 months after return"),
    "interpreter": _l("Book the interpreter"),
    "debrief": _l("Debrief after the event"),
    "evaluation": _l("Evaluation after the event"),
    "reimbursement": _l("Reimburse what she paid"),
    "checkin": _l("Safety check-in after return"),
    "purge": _l("Sensitive details to purge"),
}
UPCOMING = ("invited", "accepted", "confirmed", "reserve")
AFTER = ("attended", "attended_remotely", "debriefed", "no_show")


@dataclass
class Due:
    kind: str
    on: object  # the date it is due
    invitation: Invitation | None = None
    event: Event | None = None

    @property
    def label(self):
        return KINDS[self.kind]

    @property
    def key(self):
        """Names this deadline, so a reminder drafted for it can be found again."""
        return f"{self.kind}:{self.invitation.id if self.invitation else 'e' + str(self.event.id)}"

    def overdue(self, today):
        return self.on < today


def for_invitation(invitation, unpaid, today):
    """The deadlines of one invitation (its event joined). ``unpaid`` says whether it has
    reimbursed support not paid yet."""
    event, state = invitation.event, invitation.state
    found = []

    def add(kind, on):
        found.append(Due(kind, on, invitation, event))

    if state == "invited":
        add("no_answer", invitation.answer_due
            or invitation.updated_at.date() + timedelta(days=NO_ANSWER_DAYS))
    if state == "accepted":
        add("not_confirmed", event.starts_on - timedelta(days=ACCREDITATION_WARNING_DAYS))
    if state in UPCOMING:
        travel = invitation.travels_on
        if invitation.visa_required and not invitation.visa_lodged_on:
            opens = add_months(travel, -VISA_WINDOW_MONTHS)
            if opens >= today:
                add("visa_window", opens)
            add("visa", travel - timedelta(days=VISA_LAST_DAYS + VISA_MARGIN_DAYS))
        if invitation.passport_expiry and invitation.passport_expiry < \
                invitation.returns_on + timedelta(days=PASSPORT_VALID_AFTER_RETURN_DAYS):
            add("passport", invitation.passport_expiry)
        if invitation.interpretation_needed and not invitation.interpreter_booked_on:
            add("interpreter", event.starts_on - timedelta(days=INTERPRETER_BOOKING_DAYS))
    if state in ("attended", "attended_remotely"):
        add("debrief", event.ends_on + timedelta(days=DEBRIEF_AFTER_DAYS))
    if state in ("attended", "attended_remotely", "debriefed") and not invitation.evaluated_on:
        add("evaluation", event.ends_on + timedelta(days=EVALUATION_AFTER_DAYS))
    if state in AFTER and unpaid:
        add("reimbursement", invitation.returns_on + timedelta(days=REIMBURSE_AFTER_DAYS))
    if invitation.risk_level in ("medium", "high") and not invitation.checked_in_on \
            and state in ("confirmed", "attended", "attended_remotely", "debriefed"):
        add("checkin", invitation.returns_on + timedelta(days=CHECKIN_AFTER_DAYS))
    if invitation.passport_number and invitation.purge_on:
        add("purge", invitation.purge_on)
    return found


def due(today, horizon_days=30, private=True):
    """Everything due up to ``horizon_days`` ahead, and everything overdue, soonest first;
    without trip safety and passport deadlines unless ``private``. Three queries, whatever
    the number of invitations (people and events come joined)."""
    horizon = today + timedelta(days=horizon_days)
    unpaid = {row.invitation_id for row in Support.select(Support.invitation).where(
        (Support.arrangement == "reimbursed") & Support.paid_on.is_null())}
    found = []
    for invitation in (Invitation.select(Invitation, Event, Activist).join(Event).switch(Invitation)
                       .join(Activist, peewee.JOIN.LEFT_OUTER)
                       .where(Invitation.state.in_(UPCOMING + AFTER) | (Invitation.passport_number != ""))):
        found += for_invitation(invitation, invitation.id in unpaid, today)
    for event in Event.select().where(Event.accreditation_deadline.is_null(False)
                                      & (Event.accreditation_deadline >= today)):
        found.append(Due("accreditation", event.accreditation_deadline, None, event))
    return sorted((d for d in found if d.on <= horizon and (private or d.kind not in PRIVATE_KINDS)),
                  key=lambda d: (d.on, d.kind))
