"""Trip safety, interpretation and follow-up dates on invitations; outcomes linked to
items; the reminders outbox."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Invitation(Base):
        class Meta:
            table_name = "invitation"

    class Item(Base):
        class Meta:
            table_name = "item"

    class InvitationItem(Base):
        invitation = peewee.ForeignKeyField(Invitation, on_delete="CASCADE")
        item = peewee.ForeignKeyField(Item, on_delete="CASCADE")

        class Meta:
            indexes = ((("invitation", "item"), True),)

    class Event(Base):
        class Meta:
            table_name = "event"

    class Reminder(Base):
        invitation = peewee.ForeignKeyField(Invitation, null=True, on_delete="CASCADE")
        event = peewee.ForeignKeyField(Event, null=True, on_delete="CASCADE")
        kind = peewee.CharField()
        due_on = peewee.DateField()
        recipient = peewee.CharField(default="")
        subject = peewee.CharField()
        body = peewee.TextField()
        created_at = peewee.DateTimeField()
        created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        sent_at = peewee.DateTimeField(null=True)
        sent_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
        method = peewee.CharField(default="")
        error = peewee.TextField(default="")

    db.create_tables([InvitationItem, Reminder])
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("invitation", "risk_level", peewee.CharField(default="")),
        migrator.add_column("invitation", "mitigation", peewee.TextField(default="")),
        migrator.add_column("invitation", "checkin_contact", peewee.CharField(default="")),
        migrator.add_column("invitation", "travel_on", peewee.DateField(null=True)),
        migrator.add_column("invitation", "return_on", peewee.DateField(null=True)),
        migrator.add_column("invitation", "checked_in_on", peewee.DateField(null=True)),
        migrator.add_column("invitation", "interpretation_needed", peewee.BooleanField(default=False)),
        migrator.add_column("invitation", "interpreter_booked_on", peewee.DateField(null=True)),
        migrator.add_column("invitation", "evaluated_on", peewee.DateField(null=True)),
        migrator.add_column("invitation", "follow_ups", peewee.TextField(default="")),
    )
