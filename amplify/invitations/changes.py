"""Workflows for events and invitations: one transaction each, audited."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from amplify import audit
from amplify.db import database, utcnow
from amplify.invitations.models import (
    NEEDS_REASON, STATES, Invitation, InvitationChange, allowed_next,
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
        audit.record("event.create" if creating else "event.update", event,
                     {"title": event.title, "starts_on": event.starts_on, "ends_on": event.ends_on})
    return event


def add_invitation(event, user, **fields):
    """A new invitation, as an opportunity logged (or offered, when an organization is asked)."""
    if fields.get("activist") is None and fields.get("organization") is None:
        raise NotAllowed(_l("Name the activist, or the organization asked to choose."), "activist")
    with database.atomic():
        invitation = Invitation.create(event=event, proposed_by=user, state="opportunity", **fields)
        InvitationChange.create(invitation=invitation, from_state="", to_state="opportunity",
                                by=user, reason="")
        audit.record("invitation.create", invitation, {"event": event.id, "role": invitation.role})
    return invitation


def move(invitation, new_state, user, reason="", decided_by=None, activist=None):
    """Move along an allowed transition; every move is kept with who, when and why."""
    allowed = allowed_next(invitation.state)
    if new_state not in allowed:
        names = ", ".join(str(STATES[s]) for s in allowed) or str(_l("none: this is final"))
        raise NotAllowed(_l("From “%(state)s” it can go to: %(allowed)s.",
                            state=STATES[invitation.state], allowed=names), "state")
    if new_state in NEEDS_REASON and not (reason or "").strip():
        raise NotAllowed(_l("Say why."), "reason")
    if new_state == "nominated":
        if not (decided_by or invitation.decided_by or "").strip():
            raise NotAllowed(_l("Name who in the movement chose the person."), "decided_by")
        if activist is None and invitation.activist_id is None:
            raise NotAllowed(_l("Name the activist the movement chose."), "activist")
    with database.atomic():
        change = InvitationChange.create(invitation=invitation, from_state=invitation.state,
                                         to_state=new_state, by=user, reason=(reason or "").strip())
        invitation.state = new_state
        if new_state == "nominated":
            invitation.decided_by = (decided_by or invitation.decided_by).strip()
            invitation.decided_on = change.at.date()
            if activist is not None:
                invitation.activist = activist
        invitation.updated_at = utcnow()
        invitation.save()
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
    return move(invitation, response, None, reason)


PURGE_AFTER_DAYS = 30


def add_support(invitation, **fields):
    from amplify.invitations.models import Support

    with database.atomic():
        line = Support.create(invitation=invitation, **fields)
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
        audit.record("invitation.visa", invitation, {"changed": sorted(fields)})  # never the values
    return invitation


def purge(today):
    """Delete sensitive fields that are due; returns how many invitations were purged."""
    due = Invitation.select().where((Invitation.purge_on <= today) & (Invitation.passport_number != ""))
    count = 0
    with database.atomic():
        for invitation in due:
            invitation.passport_number = ""
            invitation.save()
            audit.record("invitation.purge", invitation, {"purged": ["passport_number"]})
            count += 1
    return count
