"""Issue 19: the power map — actors of a campaign, their positions over time, relationships,
ties to items and events, share links and the movement's suggestions."""

import peewee


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Campaign(Base):
        class Meta:
            table_name = "campaign"

    class Organization(Base):
        class Meta:
            table_name = "organization"

    class Activist(Base):
        class Meta:
            table_name = "activist"

    class Item(Base):
        class Meta:
            table_name = "item"

    class Event(Base):
        class Meta:
            table_name = "event"

    class Actor(Base):
        campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
        kind = peewee.CharField()
        name = peewee.CharField()
        role = peewee.CharField(default="")
        role_since = peewee.DateField(null=True)
        languages = peewee.TextField(default="[]")
        public_contact = peewee.CharField(default="")
        organization = peewee.ForeignKeyField(Organization, null=True, on_delete="CASCADE")
        activist = peewee.ForeignKeyField(Activist, null=True, on_delete="CASCADE")
        position = peewee.CharField(default="unknown")
        influence = peewee.CharField(default="low")
        position_on = peewee.DateField(null=True, index=True)
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "actor"
            indexes = ((("campaign", "name"), False), (("campaign", "position", "influence"), False),
                       (("campaign", "organization"), True), (("campaign", "activist"), True))

    class Position(Base):
        actor = peewee.ForeignKeyField(Actor, on_delete="CASCADE")
        position = peewee.CharField()
        influence = peewee.CharField()
        observed_on = peewee.DateField()
        source = peewee.TextField(default="")
        recorded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        recorded_at = peewee.DateTimeField()

        class Meta:
            table_name = "actor_position"
            indexes = ((("actor", "observed_on"), False),)

    class Relationship(Base):
        campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
        from_actor = peewee.ForeignKeyField(Actor, on_delete="CASCADE")
        to_actor = peewee.ForeignKeyField(Actor, on_delete="CASCADE")
        kind = peewee.CharField()
        directed = peewee.BooleanField(default=True)
        strength = peewee.IntegerField(default=2)
        source = peewee.TextField(default="")
        created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "relationship"
            indexes = ((("campaign", "kind"), False), (("from_actor",), False), (("to_actor",), False))

    class ActorTie(Base):
        actor = peewee.ForeignKeyField(Actor, on_delete="CASCADE")
        kind = peewee.CharField()
        item = peewee.ForeignKeyField(Item, null=True, on_delete="CASCADE")
        event = peewee.ForeignKeyField(Event, null=True, on_delete="CASCADE")
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "actor_tie"

    class MapShare(Base):
        nonce = peewee.CharField(unique=True)
        campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
        language = peewee.CharField(max_length=8)
        created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()
        expires_at = peewee.DateTimeField()
        revoked_at = peewee.DateTimeField(null=True)
        last_used_at = peewee.DateTimeField(null=True)
        uses = peewee.IntegerField(default=0)

        class Meta:
            table_name = "map_share"

    class Suggestion(Base):
        share = peewee.ForeignKeyField(MapShare, null=True, on_delete="SET NULL")
        campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
        kind = peewee.CharField()
        actor = peewee.ForeignKeyField(Actor, null=True, on_delete="CASCADE")
        data = peewee.TextField(default="{}")
        suggested_by = peewee.CharField(default="")
        state = peewee.CharField(default="open")
        decided_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        decided_at = peewee.DateTimeField(null=True)
        created_at = peewee.DateTimeField(index=True)

        class Meta:
            table_name = "suggestion"
            indexes = ((("campaign", "state"), False), (("share", "created_at"), False))

    db.create_tables([Actor, Position, Relationship, ActorTie, MapShare, Suggestion])
