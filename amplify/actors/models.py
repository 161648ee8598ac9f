"""The power map of a campaign: the actors it must move, where they stand, who knows whom.

An actor belongs to one campaign. It is an institution or a person in one, or one of our
own organisations or activists brought onto the map so that relationships can start from
them. Positions are append-only: every change is a new row with its date and source, so
the map can show how the spectrum moved. The actor keeps a copy of its latest position
for lists and charts that must not read the whole history.
"""

from datetime import date

import peewee
from flask_babel import lazy_gettext as _l

from amplify.auth.models import User
from amplify.campaigns.models import Campaign
from amplify.db import BaseModel, JSONField, ListField, UTCDateTimeField, utcnow
from amplify.invitations.models import Event
from amplify.items.models import Item
from amplify.people.models import Activist, Organization, add_months

KINDS = {
    "institution": _l("Institution"),
    "person": _l("Person"),
    "organization": _l("Our organisation"),
    "activist": _l("Movement activist"),
}
# The spectrum of allies, from left to right as the chart draws it; "unknown" stands apart.
POSITIONS = {
    "active_ally": _l("Active ally"),
    "passive_ally": _l("Passive ally"),
    "neutral": _l("Neutral"),
    "passive_opposition": _l("Passive opposition"),
    "active_opposition": _l("Active opposition"),
    "unknown": _l("Unknown"),
}
INFLUENCE = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
RELATIONSHIP_KINDS = {
    "works_for": _l("works for"),
    "member_of": _l("member of"),
    "funds": _l("funds"),
    "advises": _l("advises"),
    "knows": _l("knows"),
    "allied_with": _l("allied with"),
    "opposes": _l("opposes"),
}
STRENGTHS = {1: _l("weak"), 2: _l("medium"), 3: _l("strong")}
TIE_KINDS = {"audience": _l("audience of"), "host": _l("host of")}
STALE_MONTHS = 6


class Actor(BaseModel):
    campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
    kind = peewee.CharField()
    name = peewee.CharField()
    role = peewee.CharField(default="")  # "Minister of Labour", "Chair of the committee"
    role_since = peewee.DateField(null=True)
    languages = ListField(default=list)
    public_contact = peewee.CharField(default="")  # an office address or switchboard, never private
    organization = peewee.ForeignKeyField(Organization, null=True, on_delete="CASCADE")
    activist = peewee.ForeignKeyField(Activist, null=True, on_delete="CASCADE")
    # The latest position, kept with it (see Position): what lists and charts read.
    position = peewee.CharField(default="unknown")
    influence = peewee.CharField(default="low")
    position_on = peewee.DateField(null=True, index=True)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("campaign", "name"), False), (("campaign", "position", "influence"), False),
                   (("campaign", "organization"), True), (("campaign", "activist"), True))

    def __str__(self):
        return self.name

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def position_label(self):
        return POSITIONS.get(self.position, self.position)

    @property
    def influence_label(self):
        return INFLUENCE.get(self.influence, self.influence)

    @property
    def ours(self):
        """One of our organisations or movement activists: where door-opening paths start."""
        return self.kind in ("organization", "activist")

    def shared_name(self, anonymous_label):
        """The name on a map shared outside the staff: a high-risk activist is never named,
        another activist as she chose to be named by default."""
        if self.kind != "activist" or self.activist_id is None:
            return self.name
        activist = self.activist
        if activist.risk_level == "high":
            return anonymous_label
        return activist.name_for(activist.default_attribution, anonymous_label)

    def stale(self, today=None):
        return self.position_on is not None and self.position_on <= add_months(today or date.today(), -STALE_MONTHS)

    @classmethod
    def of(cls, campaign):
        return cls.select().where(cls.campaign == campaign)

    @classmethod
    def stale_positions(cls, today=None):
        """Actors whose position has not changed in six months, oldest first."""
        limit = add_months(today or date.today(), -STALE_MONTHS)
        return (cls.select(cls, Campaign).join(Campaign)
                .where(cls.position_on.is_null(False) & (cls.position_on <= limit))
                .order_by(cls.position_on, cls.id))


class Position(BaseModel):
    """One assessment of an actor: where it stands and how much it weighs, on a day, and why."""

    class Meta:
        table_name = "actor_position"
        indexes = ((("actor", "observed_on"), False),)

    actor = peewee.ForeignKeyField(Actor, backref="positions", on_delete="CASCADE")
    position = peewee.CharField()
    influence = peewee.CharField()
    observed_on = peewee.DateField()
    source = peewee.TextField(default="")
    recorded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    recorded_at = UTCDateTimeField(default=utcnow)

    @property
    def position_label(self):
        return POSITIONS.get(self.position, self.position)

    @property
    def influence_label(self):
        return INFLUENCE.get(self.influence, self.influence)


class Relationship(BaseModel):
    """A tie between two actors of one campaign. ``directed`` says whether it reads one way
    (a ministry *funds* a programme) or both (two people *know* each other)."""

    campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
    from_actor = peewee.ForeignKeyField(Actor, backref="ties_out", on_delete="CASCADE")
    to_actor = peewee.ForeignKeyField(Actor, backref="ties_in", on_delete="CASCADE")
    kind = peewee.CharField()
    directed = peewee.BooleanField(default=True)
    strength = peewee.IntegerField(default=2)
    source = peewee.TextField(default="")
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("campaign", "kind"), False), (("from_actor",), False), (("to_actor",), False))

    @property
    def kind_label(self):
        return RELATIONSHIP_KINDS.get(self.kind, self.kind)

    @property
    def strength_label(self):
        return STRENGTHS.get(self.strength, self.strength)


class ActorTie(BaseModel):
    """The actor in the rest of the campaign: the audience of a talking-point sheet, the
    host of an event."""

    actor = peewee.ForeignKeyField(Actor, backref="ties", on_delete="CASCADE")
    kind = peewee.CharField()
    item = peewee.ForeignKeyField(Item, null=True, on_delete="CASCADE")
    event = peewee.ForeignKeyField(Event, null=True, on_delete="CASCADE")
    created_at = UTCDateTimeField(default=utcnow)

    @property
    def kind_label(self):
        return TIE_KINDS.get(self.kind, self.kind)


class MapShare(BaseModel):
    """A read-and-suggest link to one campaign's map: signed, expiring, revocable at once."""

    nonce = peewee.CharField(unique=True)
    campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
    language = peewee.CharField(max_length=8)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    last_used_at = UTCDateTimeField(null=True)
    uses = peewee.IntegerField(default=0)

    def usable(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or utcnow())


SUGGESTION_KINDS = {"position": _l("a position"), "actor": _l("a missing actor"),
                    "relationship": _l("a relationship")}
SUGGESTION_STATES = {"open": _l("Open"), "accepted": _l("Accepted"), "declined": _l("Declined")}


class Suggestion(BaseModel):
    """A change the movement proposed through a share link; staff accept or decline it.
    ``suggested_by`` is the name she gave, empty when she chose to stay anonymous."""

    share = peewee.ForeignKeyField(MapShare, null=True, on_delete="SET NULL")
    campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
    kind = peewee.CharField()
    actor = peewee.ForeignKeyField(Actor, null=True, on_delete="CASCADE")
    data = JSONField(default=dict)
    suggested_by = peewee.CharField(default="")
    state = peewee.CharField(default="open")
    decided_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("campaign", "state"), False), (("share", "created_at"), False))

    @property
    def kind_label(self):
        return SUGGESTION_KINDS.get(self.kind, self.kind)

    @property
    def state_label(self):
        return SUGGESTION_STATES.get(self.state, self.state)


class MapGeneration(BaseModel):
    """One row: a number that database triggers draw anew on every write to actors and
    relationships (migration 0028). What the actor page computes from the whole map is used
    again only while the number is the one it was computed at."""
    n = peewee.BigIntegerField(default=0)

    class Meta:
        table_name = "map_generation"
