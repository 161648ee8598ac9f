"""Changes to a power map, each in one transaction and audited. A change the map cannot
take raises ``MapError`` with a translated sentence, and nothing is written."""

from flask import g
from flask_babel import gettext as _

from amplify import audit
from amplify.actors import graph
from amplify.actors.models import (
    INFLUENCE, KINDS, POSITIONS, RELATIONSHIP_KINDS, STRENGTHS, Actor, ActorTie, Position, Relationship,
)
from amplify.db import database, utcnow


class MapError(ValueError):
    """A change refused, with the reason to show."""


def save_actor(actor, campaign, **fields):
    """Create or update an actor of ``campaign``."""
    if fields.get("kind", actor.kind) not in KINDS:
        raise MapError(_("Choose what kind of actor this is."))
    with database.atomic():
        for name, value in fields.items():
            setattr(actor, name, value)
        actor.campaign = campaign
        actor.save()
        audit.record("actor.save", actor, {"name": actor.name, "kind": actor.kind})
    return actor


def bring_in(campaign, organization=None, activist=None):
    """Our organisation or activist as an actor of ``campaign`` (made once, then found)."""
    if organization is not None:
        found = Actor.get_or_none(Actor.campaign == campaign, Actor.organization == organization)
        return found or save_actor(Actor(), campaign, kind="organization", name=organization.name,
                                   organization=organization)
    found = Actor.get_or_none(Actor.campaign == campaign, Actor.activist == activist)
    return found or save_actor(Actor(), campaign, kind="activist", name=activist.display_name, activist=activist)


def record_position(actor, position, influence, on, source, user=None):
    """A new assessment of ``actor``; the actor's current position follows the latest date."""
    if on is None:
        raise MapError(_("A position needs the date it was observed."))
    if position not in POSITIONS or influence not in INFLUENCE:
        raise MapError(_("Choose a position and an influence."))
    with database.atomic():
        row = Position.create(actor=actor, position=position, influence=influence, observed_on=on,
                              source=source or "", recorded_by=user if user is not None else g.get("user"))
        latest = (Position.select().where(Position.actor == actor)
                  .order_by(Position.observed_on.desc(), Position.id.desc()).first())
        Actor.update(position=latest.position, influence=latest.influence, position_on=latest.observed_on).where(
            Actor.id == actor.id).execute()
        audit.record("actor.position", actor, {"position": position, "influence": influence, "on": on,
                                               "source": source or ""})
    return row


def relate(from_actor, to_actor, kind, directed=True, strength=2, source="", user=None):
    """A relationship between two actors of the same campaign. Refused: an actor tied to
    itself, actors of two campaigns, and a "member of" that would close a circle."""
    if from_actor.id == to_actor.id:
        raise MapError(_("A relationship needs two different actors."))
    if from_actor.campaign_id != to_actor.campaign_id:
        raise MapError(_("Both actors must be on the same campaign's map."))
    if kind not in RELATIONSHIP_KINDS or strength not in STRENGTHS:
        raise MapError(_("Choose a kind and a strength for the relationship."))
    with database.atomic():
        if kind == "member_of" and graph.member_of_reaches(from_actor.campaign_id, to_actor.id, from_actor.id):
            raise MapError(_("%(a)s cannot be a member of %(b)s: %(b)s is already, directly or not, "
                             "a member of %(a)s.", a=from_actor.name, b=to_actor.name))
        row = Relationship.create(campaign=from_actor.campaign_id, from_actor=from_actor, to_actor=to_actor,
                                  kind=kind, directed=directed, strength=strength, source=source or "",
                                  created_by=user if user is not None else g.get("user"))
        audit.record("actor.relationship", from_actor, {"to": to_actor.id, "kind": kind, "directed": directed,
                                                        "strength": strength, "source": source or ""})
    return row


def remove_relationship(relationship):
    with database.atomic():
        audit.record("actor.relationship_removed", relationship.from_actor,
                     {"to": relationship.to_actor_id, "kind": relationship.kind})
        relationship.delete_instance()


def tie(actor, kind, item=None, event=None):
    """The actor as the audience of an item or the host of an event of the campaign."""
    target = item or event
    if target is None or (target.campaign_id is not None and target.campaign_id != actor.campaign_id):
        raise MapError(_("Choose something of this campaign."))
    with database.atomic():
        found = ActorTie.get_or_none(ActorTie.actor == actor, ActorTie.kind == kind,
                                     ActorTie.item == item, ActorTie.event == event)
        if found:
            return found
        row = ActorTie.create(actor=actor, kind=kind, item=item, event=event)
        audit.record("actor.tie", actor, {"kind": kind, "item": item.id if item else None,
                                          "event": event.id if event else None})
    return row


def stamp(suggestion, state):
    suggestion.state, suggestion.decided_by, suggestion.decided_at = state, g.get("user"), utcnow()
    suggestion.save()
