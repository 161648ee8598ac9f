"""Workflows for events and invitations: one transaction each, audited."""

from datetime import date, timedelta

from flask_babel import format_date, lazy_gettext as _l

from amplify import audit
from amplify.db import database, utcnow
from amplify.invitations import deadlines
from amplify.invitations.models import (
    NEEDS_REASON,
    NEEDS_START,
    PASSPORT_DETAILS,
    STATES,
    Invitation,
    InvitationChange,
    allowed_next,
)
from amplify.rules import NotAllowed


def save_event(event, **fields):
    if fields["ends_on"] < fields["starts_on"]:
        raise NotAllowed(_l("The event cannot end before it starts."), "ends_on")
    creating = event.id is None
    for name, value in fields.items():
        setattr(event, name, value)
    event.updated_at = utcnow()
    with database.atomic():
        event.save()
        deadlines.refresh(events=[event])
        audit.record("event.create" if creating else "event.update", event,
                     {"title": event.title, "starts_on": event.starts_on, "ends_on": event.ends_on})
    return event


def add_invitation(event, user, **fields):
    """A new invitation, as an opportunity logged (or offered, when an organization is asked)."""
    if fields.get("activist") is None and fields.get("organization") is None:
        raise NotAllowed(_l("Name the activist, or the organization asked to choose."), "activist")
    with database.atomic():
        invitation = Invitation.create(event=event, proposed_by=user, state="opportunity", **fields)
        deadlines.refresh([invitation])
        InvitationChange.create(invitation=invitation, from_state="", to_state="opportunity",
                                by=user, reason="")
        audit.record("invitation.create", invitation, {"event": event.id, "role": invitation.role})
    return invitation


def move(invitation, new_state, user, reason="", decided_by=None, activist=None, method="", decided_on=None):
    """Move along an allowed transition; every move is kept with who, when and why. Her
    answer (accepted, declined) recorded by staff says how she gave it; a nomination says
    who in the movement chose and on which day (that day, when not given)."""
    from amplify.consent.models import STAFF_METHODS
    from amplify.invitations.models import ANSWERS

    allowed = allowed_next(invitation.state)
    if new_state not in allowed:
        names = ", ".join(str(STATES[s]) for s in allowed) or str(_l("none: this is final"))
        raise NotAllowed(_l("From “%(state)s” it can go to: %(allowed)s.",
                            state=STATES[invitation.state], allowed=names), "state")
    if new_state in NEEDS_START and date.today() < invitation.event.starts_on:
        raise NotAllowed(_l("“%(state)s” can only be recorded once the event has started (on %(day)s).",
                            state=STATES[new_state], day=format_date(invitation.event.starts_on)), "state")
    if new_state in NEEDS_REASON and not (reason or "").strip():
        raise NotAllowed(_l("Say why."), "reason")
    if new_state in ANSWERS and user is not None and method not in STAFF_METHODS:
        raise NotAllowed(_l("Say how she gave her answer (by phone, in person, on paper or by message)."),
                         "method")
    if new_state == "nominated":
        if not (decided_by or invitation.decided_by or "").strip():
            raise NotAllowed(_l("Name who in the movement chose the person."), "decided_by")
        if activist is None and invitation.activist_id is None:
            raise NotAllowed(_l("Name the activist the movement chose."), "activist")
        if decided_on and decided_on > date.today():
            raise NotAllowed(_l("The movement's decision cannot be dated in the future."), "decided_on")
    with database.atomic():
        change = InvitationChange.create(invitation=invitation, from_state=invitation.state,
                                         to_state=new_state, by=user, reason=(reason or "").strip(),
                                         method=method if new_state in ANSWERS else "")
        invitation.state = new_state
        if new_state == "nominated":
            invitation.decided_by = (decided_by or invitation.decided_by).strip()
            invitation.decided_on = decided_on or change.at.date()
            if activist is not None:
                invitation.activist = activist
        invitation.updated_at = utcnow()
        invitation.save()
        deadlines.refresh([invitation])
        audit.record(f"invitation.{new_state}", invitation, {"from": change.from_state,
                                                             "reason": change.reason})
    return invitation


def answer(invitation, activist, response, comment=""):
    """The activist's own answer from their review page: accept, decline (with the reason
    they give, if any) or ask a question (kept in the history for staff)."""
    if invitation.activist_id != activist.id or invitation.state != "invited":
        raise NotAllowed(_l("This invitation is not waiting for your answer."))
    if response == "question":
        if not (comment or "").strip():
            raise NotAllowed(_l("Write your question."), "comment")
        with database.atomic():
            InvitationChange.create(invitation=invitation, from_state="invited", to_state="invited",
                                    by=None, reason=f"? {comment.strip()}")
        return invitation
    if response not in ("accepted", "declined"):
        raise NotAllowed(_l("Choose yes, no or ask a question."))
    reason = (comment or "").strip() or (str(_l("Declined on the review page")) if response == "declined" else "")
    return move(invitation, response, None, reason, method="review_page")


PURGE_AFTER_DAYS = 30


def add_support(invitation, **fields):
    from amplify.invitations.models import Support

    with database.atomic():
        line = Support.create(invitation=invitation, **fields)
        deadlines.refresh([invitation])
        audit.record("invitation.support", invitation, {"kind": line.kind, "currency": line.currency})
    return line


def save_visa(invitation, **fields):
    """Visa and passport details; the passport number is purged after the event."""
    for name, value in fields.items():
        setattr(invitation, name, value)
    invitation.purge_on = invitation.event.ends_on + timedelta(days=PURGE_AFTER_DAYS)
    invitation.updated_at = utcnow()
    with database.atomic():
        invitation.save()
        deadlines.refresh([invitation])
        audit.record("invitation.visa", invitation, {"changed": sorted(fields)})  # never the values
    return invitation


def purge(today):
    """Delete sensitive fields that are due; returns how many invitations were purged."""
    due = Invitation.select().where((Invitation.purge_on <= today) & (
        (Invitation.passport_number != "") | (Invitation.passport_name != "") | (Invitation.nationality != "")))
    count = 0
    with database.atomic():
        for invitation in due:
            invitation.passport_number = invitation.passport_name = invitation.nationality = ""
            invitation.save()
            deadlines.refresh([invitation])
            audit.record("invitation.purge", invitation, {"purged": list(PASSPORT_DETAILS)})
            count += 1
    return count


def media_consent(invitation, decision=False):
    """``(uses, decision)``: for each of MEDIA_USES, True or False as the person answered
    for these exact terms, or None when not asked yet or the terms changed since.
    ``decision``: her latest decision on it when already read (None: there is none)."""
    from amplify.consent.models import Decision
    from amplify.invitations.models import MEDIA_USES

    if invitation.activist_id is None:
        return {use: None for use in MEDIA_USES}, None
    if decision is False:
        decision = Decision.latest(invitation.activist_id, "invitation", invitation.id)
    if decision is None or decision.content_hash != invitation.content_hash \
            or decision.outcome not in ("given", "refused", "withdrawn"):
        return {use: None for use in MEDIA_USES}, decision
    chosen = set(decision.scope_data.get("uses", [])) if decision.outcome == "given" else set()
    return {use: use in chosen for use in MEDIA_USES}, decision


def record_media_consent(invitation, uses, *, method, recorded_by=None, witness="", notice=None,
                         review_link=None, request_key=None, **guardian):
    """The person's separate yes or no to being named, photographed, recorded or quoted at
    the event, appended to the consent ledger for these exact terms. Nothing ticked is a
    no (a withdrawal when they had said yes before)."""
    from amplify.consent import ledger

    if invitation.activist_id is None:
        raise NotAllowed(_l("Name the activist first."))
    uses = [u for u in uses if u]
    current, decision = media_consent(invitation)
    if uses:
        outcome = "given"
    elif decision is not None and decision.outcome == "given":
        outcome = "withdrawn"
    else:
        outcome = "refused"
    return ledger.record_decision(
        invitation.activist, "invitation", invitation,
        decision.content_hash if outcome == "withdrawn" else invitation.content_hash, outcome,
        method=method, scope={"uses": uses}, recorded_by=recorded_by, witness=witness,
        notice=notice, review_link=review_link, request_key=request_key, **guardian)


# Travel dates further than this from the event are a typo (a wrong year, a wrong month).
TRAVEL_MARGIN_DAYS = 30
MAX_PER_DIEM_CENTS = 1_000_000  # 10,000 a night in any currency: beyond, surely a typo


def save_trip(invitation, **fields):
    """Travel dates, risk, mitigation, check-in and interpretation for this trip."""
    travel_on, return_on = fields.get("travel_on"), fields.get("return_on")
    event, margin = invitation.event, timedelta(days=TRAVEL_MARGIN_DAYS)
    if travel_on and return_on and return_on < travel_on:
        raise NotAllowed(_l("The return cannot be before the departure."), "return_on")
    if travel_on and not event.starts_on - margin <= travel_on <= event.ends_on:
        raise NotAllowed(_l("She leaves between %(n)d days before the event and its last day: check the date.",
                            n=TRAVEL_MARGIN_DAYS), "travel_on")
    if return_on and not event.starts_on <= return_on <= event.ends_on + margin:
        raise NotAllowed(_l("She comes back between the event's first day and %(n)d days after it ends: "
                            "check the date.", n=TRAVEL_MARGIN_DAYS), "return_on")
    if fields.get("risk_level") in ("medium", "high") and not fields.get("checkin_contact", "").strip():
        raise NotAllowed(_l("A trip at medium or high risk needs a check-in contact."), "checkin_contact")
    for name, value in fields.items():
        setattr(invitation, name, value.strip() if isinstance(value, str) else value)
    invitation.updated_at = utcnow()
    with database.atomic():
        invitation.save()
        deadlines.refresh([invitation])
        # Risk notes and contacts stay out of the audit log: only which fields changed.
        audit.record("invitation.trip", invitation, {"changed": sorted(fields)})
    return invitation


def save_per_diem(event, rate_cents, currency):
    """The per diem paid a night to each person travelling to ``event`` (None: no rate)."""
    if rate_cents is not None and not 0 <= rate_cents <= MAX_PER_DIEM_CENTS:
        raise NotAllowed(_l("A per diem is between 0 and 10,000 a night: check the amount."), "rate")
    if rate_cents is not None and not (len(currency) == 3 and currency.isalpha()):
        raise NotAllowed(_l("Three letters, e.g. USD, EUR, BRL."), "currency")
    event.per_diem_cents = rate_cents
    event.per_diem_currency = currency.upper() if rate_cents is not None else ""
    event.updated_at = utcnow()
    with database.atomic():
        event.save()
        audit.record("event.per_diem", event, {"rate_cents": rate_cents, "currency": event.per_diem_currency})
    return event


def save_outcome(invitation, outcome, follow_ups, evaluated_on, item_ids):
    """What was said or achieved, follow-ups, and the items published about it."""
    from amplify.invitations.models import InvitationItem
    from amplify.items.models import Item

    if evaluated_on and evaluated_on > date.today():
        raise NotAllowed(_l("The evaluation cannot be dated in the future."), "evaluated_on")
    if evaluated_on and evaluated_on < invitation.event.starts_on:
        raise NotAllowed(_l("The evaluation cannot be dated before the event started."), "evaluated_on")
    items = list(Item.select().where(Item.id.in_([int(i) for i in item_ids]))) if item_ids else []
    if len(items) != len(set(item_ids)):
        raise NotAllowed(_l("Choose items from the list."), "items")
    with database.atomic():
        invitation.outcome = (outcome or "").strip()
        invitation.follow_ups = (follow_ups or "").strip()
        invitation.evaluated_on = evaluated_on
        invitation.updated_at = utcnow()
        invitation.save()
        deadlines.refresh([invitation])
        InvitationItem.delete().where(InvitationItem.invitation == invitation).execute()
        for item in items:
            InvitationItem.create(invitation=invitation, item=item)
        audit.record("invitation.outcome", invitation, {"items": sorted(i.id for i in items)})
    return invitation


EXPIRE_AFTER_DAYS = 7  # a week to chase her answer (the reminders) before it expires


def expire_unanswered(today):
    """Invitations still waiting for her answer a week after their answer date become
    "expired", each move kept in the history like any other. Returns those moved."""
    waiting = Invitation.select().where((Invitation.state == "invited") & Invitation.answer_due.is_null(False)
                                        & (Invitation.answer_due < today - timedelta(days=EXPIRE_AFTER_DAYS)))
    moved = []
    for invitation in waiting:
        move(invitation, "expired", None, str(_l("No answer by %(day)s", day=invitation.answer_due.isoformat())))
        moved.append(invitation)
    return moved
