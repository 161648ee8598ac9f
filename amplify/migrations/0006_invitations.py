"""Events and invitations of activists to them, with every change of state recorded."""

import peewee


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Ref(Base):
        pass

    class User(Ref):
        class Meta:
            table_name = "user"

    class Activist(Ref):
        class Meta:
            table_name = "activist"

    class Organization(Ref):
        class Meta:
            table_name = "organization"

    class Campaign(Ref):
        class Meta:
            table_name = "campaign"

    class Event(Base):
        title = peewee.CharField()
        kind = peewee.CharField()
        level = peewee.CharField()
        host = peewee.CharField(default="")
        starts_on = peewee.DateField(index=True)
        ends_on = peewee.DateField()
        place = peewee.CharField(default="")
        online = peewee.BooleanField(default=False)
        languages = peewee.TextField(default="[]")
        interpretation = peewee.BooleanField(default=False)
        accreditation_route = peewee.TextField(default="")
        accreditation_deadline = peewee.DateField(null=True)
        seats_per_organization = peewee.IntegerField(null=True)
        links = peewee.TextField(default="[]")
        frameworks = peewee.TextField(default="[]")
        campaign = peewee.ForeignKeyField(Campaign, null=True, on_delete="SET NULL")
        notes = peewee.TextField(default="")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

    class Invitation(Base):
        event = peewee.ForeignKeyField(Event, on_delete="CASCADE")
        activist = peewee.ForeignKeyField(Activist, null=True, on_delete="RESTRICT")
        organization = peewee.ForeignKeyField(Organization, null=True, on_delete="SET NULL")
        role = peewee.CharField()
        state = peewee.CharField(index=True)
        proposed_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        decided_by = peewee.CharField(default="")
        decided_on = peewee.DateField(null=True)
        answer_due = peewee.DateField(null=True)
        outcome = peewee.TextField(default="")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

    class InvitationChange(Base):
        invitation = peewee.ForeignKeyField(Invitation, on_delete="CASCADE")
        from_state = peewee.CharField()
        to_state = peewee.CharField()
        at = peewee.DateTimeField()
        by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        reason = peewee.TextField(default="")

    db.create_tables([Event, Invitation, InvitationChange])
