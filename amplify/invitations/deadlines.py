"""What is due and overdue for event teams. ``today`` is passed in (tests use a fixed clock)."""

from datetime import timedelta

import peewee
from flask_babel import lazy_gettext as _l

from amplify.db import database
from amplify.invitations import passports
from amplify.invitations.models import PRIVATE_KINDS, Commitment, Deadline, Event, Invitation, Meeting, Support
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

KINDS = {
    "no_answer": _l("No answer from the activist"),
    "not_confirmed": _l("Accepted but not confirmed"),
    "accreditation": _l("Accreditation deadline"),
    "visa_window": _l("Visa window opens"),
    "visa": _l("Visa application: last sensible day to apply"),
    "passport": _l("Passport expires too soon for the destination's rule"),
    "passport_rule": _l("Passport: no rule known for this destination, check with the consulate"),
    "interpreter": _l("Book the interpreter"),
    "debrief": _l("Debrief after the event"),
    "evaluation": _l("Evaluation after the event"),
    "reimbursement": _l("Reimburse what she paid"),
    "checkin": _l("Safety check-in after return"),
    "purge": _l("Sensitive details to purge"),
    "commitment": _l("Commitment obtained: check it was kept"),
    "follow_up": _l("Follow-up after a meeting"),
}
# Deadlines of what came out of a meeting (no reminder is drafted for them: the owner acts).
MEETING_KINDS = ("commitment", "follow_up")
UPCOMING = ("invited", "accepted", "confirmed", "reserve")
AFTER = ("attended", "attended_remotely", "debriefed", "no_show")


# Shown only until their day: a window that opened, an accreditation that closed.
UNTIL_THEIR_DAY = ("visa_window", "accreditation")


def for_invitation(invitation, unpaid):
    """The deadlines of one invitation (its event joined). ``unpaid`` says whether it has
    reimbursed support not paid yet."""
    event, state = invitation.event, invitation.state
    found = []

    def add(kind, on):
        found.append(Deadline(kind=kind, due_on=on, invitation=invitation, event=event))

    if state == "invited":
        add("no_answer", invitation.answer_due
            or invitation.updated_at.date() + timedelta(days=NO_ANSWER_DAYS))
    if state == "accepted":
        add("not_confirmed", event.starts_on - timedelta(days=ACCREDITATION_WARNING_DAYS))
    if state in UPCOMING:
        travel = invitation.travels_on
        if invitation.visa_required and not invitation.visa_lodged_on:
            add("visa_window", add_months(travel, -VISA_WINDOW_MONTHS))
            add("visa", travel - timedelta(days=VISA_LAST_DAYS + VISA_MARGIN_DAYS))
        passport = passports.problem(invitation)
        if passport:
            add("passport" if passport == "too_soon" else "passport_rule", invitation.passport_expiry)
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
    if invitation.has_passport_details and invitation.purge_on:
        add("purge", invitation.purge_on)
    return found


def refresh(invitations=(), events=()):
    """Recompute the stored deadlines of these invitations and of every invitation of these
    events (after anything they are computed from was written)."""
    invitation_ids = {getattr(i, "id", i) for i in invitations}
    event_ids = {getattr(e, "id", e) for e in events}
    if event_ids:
        invitation_ids |= {i for (i,) in Invitation.select(Invitation.id)
                           .where(Invitation.event.in_(list(event_ids))).tuples()}
    with database.atomic():
        if invitation_ids:
            Deadline.delete().where(Deadline.invitation.in_(list(invitation_ids))).execute()
        if event_ids:
            Deadline.delete().where(Deadline.invitation.is_null()
                                    & Deadline.event.in_(list(event_ids))).execute()
        _store(Invitation.id.in_(list(invitation_ids or {0})), Event.id.in_(list(event_ids or {0})))


def rebuild():
    """Recompute every stored deadline (after the upgrade that added the table)."""
    with database.atomic():
        Deadline.delete().execute()
        _store(True, True)


def _store(invitation_filter, event_filter, batch=1000):
    unpaid = {row.invitation_id for row in Support.select(Support.invitation).where(
        (Support.arrangement == "reimbursed") & Support.paid_on.is_null())}
    rows = []
    invitations = (Invitation.select(Invitation, Event).join(Event)
                   .where(invitation_filter & (Invitation.state.in_(UPCOMING + AFTER)
                                               | (Invitation.passport_number != "")
                                               | (Invitation.passport_name != "")
                                               | (Invitation.nationality != ""))))
    for invitation in invitations.iterator():
        rows += [dict(kind=d.kind, due_on=d.due_on, invitation=invitation.id, event=invitation.event_id,
                      commitment=None)
                 for d in for_invitation(invitation, invitation.id in unpaid)]
        if len(rows) >= batch:
            Deadline.insert_many(rows).execute()
            rows = []
    rows += [dict(kind="accreditation", due_on=day, invitation=None, event=event_id, commitment=None)
             for event_id, day in Event.select(Event.id, Event.accreditation_deadline)
             .where(event_filter & Event.accreditation_deadline.is_null(False)).tuples()]
    rows += [dict(kind=kind, due_on=day, invitation=None, event=event_id, commitment=commitment_id)
             for commitment_id, kind, day, event_id in
             Commitment.select(Commitment.id, Commitment.kind, Commitment.due_on, Meeting.event)
             .join(Meeting).join(Event)
             .where(event_filter & Commitment.due_on.is_null(False) & Commitment.done_on.is_null()).tuples()]
    for start in range(0, len(rows), batch):
        Deadline.insert_many(rows[start:start + batch]).execute()


def in_window(today, horizon_days=30, private=True):
    """The stored deadlines due up to ``horizon_days`` ahead, and everything overdue
    (unordered, its people and events joined): one query, paged by the caller. Trip safety
    and passport deadlines only when ``private`` (for roles that see contacts)."""
    return (Deadline.select(Deadline, Invitation, Event, Activist, Commitment)
            .join(Event, on=(Deadline.event == Event.id)).switch(Deadline)
            .join(Commitment, peewee.JOIN.LEFT_OUTER, on=(Deadline.commitment == Commitment.id)).switch(Deadline)
            .join(Invitation, peewee.JOIN.LEFT_OUTER, on=(Deadline.invitation == Invitation.id))
            .join(Activist, peewee.JOIN.LEFT_OUTER, on=(Invitation.activist == Activist.id))
            .where(_window(today, horizon_days, private)))


def _window(today, horizon_days, private):
    condition = ((Deadline.due_on <= today + timedelta(days=horizon_days))
                 & ~(Deadline.kind.in_(UNTIL_THEIR_DAY) & (Deadline.due_on < today)))
    return condition if private else condition & Deadline.kind.not_in(list(PRIVATE_KINDS))


def counts(today, horizon_days=7, private=True):
    """``(overdue, due soon)``, counted in the database in one query, from the deadline
    table's index alone (every deadline has its event: nothing to join)."""
    overdue, total = (Deadline.select(peewee.fn.SUM(peewee.Case(None, [(Deadline.due_on < today, 1)], 0)),
                                      peewee.fn.COUNT(peewee.SQL("*")))
                      .where(_window(today, horizon_days, private)).tuples().get())
    overdue = int(overdue or 0)
    return overdue, total - overdue


def find(key, today):
    """The deadline a reminder key names, if it is still due (None otherwise)."""
    kind, _, owner = (key or "").partition(":")
    query = in_window(today, horizon_days=366).where(Deadline.kind == kind)
    try:
        if owner.startswith("e"):
            return query.where(Deadline.invitation.is_null() & (Deadline.event == int(owner[1:]))).first()
        return query.where(Deadline.invitation == int(owner)).first()
    except ValueError:
        return None


def between(today, start, end, private=True):
    """The deadlines shown on a calendar from ``start`` to ``end`` (days), as ``due`` would."""
    return (in_window(today, max(0, (end - today).days), private)
            .where((Deadline.due_on >= start) & (Deadline.due_on <= end))
            .order_by(Deadline.due_on, Deadline.kind, Deadline.id))


def still_open(invitation_ids, today):
    """``{(kind, invitation id)}`` of the deadlines of these invitations still open within
    a year: a reminder for anything else (she answered, the event moved) must not go out."""
    return set(in_window(today, horizon_days=366).where(Deadline.invitation.in_(list(invitation_ids)))
               .select(Deadline.kind, Deadline.invitation).tuples())


def due(today, horizon_days=30, event=None, private=True):
    """Everything due up to ``horizon_days`` ahead (None: within ten years), and everything
    overdue, soonest first; only ``event``'s when given."""
    query = in_window(today, 3650 if horizon_days is None else horizon_days, private)
    if event is not None:
        query = query.where(Deadline.event == event)
    return list(query.order_by(Deadline.due_on, Deadline.kind, Deadline.id))


GROUPS = {"overdue": _l("Overdue"), "week": _l("This week"), "month": _l("This month"), "later": _l("Later")}


def grouped(found, today):
    """``{group: [Due]}`` as the page shows them: overdue, the next 7 days, the next 30, later."""
    groups = {name: [] for name in GROUPS}
    for deadline in found:
        if deadline.on < today:
            groups["overdue"].append(deadline)
        elif deadline.on <= today + timedelta(days=7):
            groups["week"].append(deadline)
        elif deadline.on <= today + timedelta(days=30):
            groups["month"].append(deadline)
        else:
            groups["later"].append(deadline)
    return groups
