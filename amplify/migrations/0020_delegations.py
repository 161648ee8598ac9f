"""Events as delegations (issue 16): the name as in her passport and her nationality, for
the visa letter (sensitive like the passport number, and purged with it); an event's
per-diem rate and its currency; meetings in decision spaces with their attendees, and the
commitments and follow-ups that come out of them (stored deadlines until done)."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Event(Base):
        class Meta:
            table_name = "event"

    class Invitation(Base):
        class Meta:
            table_name = "invitation"

    class Meeting(Base):
        event = peewee.ForeignKeyField(Event, on_delete="CASCADE")
        title = peewee.CharField()
        space = peewee.CharField(default="")
        held_on = peewee.DateField()
        language = peewee.CharField(max_length=8)
        asks = peewee.TextField(default="")
        background = peewee.TextField(default="")
        objections = peewee.TextField(default="")
        debrief = peewee.TextField(default="")
        debriefed_on = peewee.DateField(null=True)
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "meeting"

    class MeetingAttendee(Base):
        meeting = peewee.ForeignKeyField(Meeting, on_delete="CASCADE")
        invitation = peewee.ForeignKeyField(Invitation, on_delete="CASCADE")

        class Meta:
            table_name = "meeting_attendee"
            indexes = ((("meeting", "invitation"), True),)

    class Commitment(Base):
        meeting = peewee.ForeignKeyField(Meeting, on_delete="CASCADE")
        kind = peewee.CharField()
        who = peewee.CharField()
        what = peewee.TextField()
        due_on = peewee.DateField(null=True)
        done_on = peewee.DateField(null=True)
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "commitment"

    db.create_tables([Meeting, MeetingAttendee, Commitment])
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("invitation", "passport_name", peewee.CharField(default="")),
            migrator.add_column("invitation", "nationality", peewee.CharField(default="")),
            migrator.add_column("event", "per_diem_cents", peewee.IntegerField(null=True)),
            migrator.add_column("event", "per_diem_currency", peewee.CharField(default="")),
            migrator.add_column("deadline", "commitment_id", peewee.ForeignKeyField(
                Commitment, null=True, on_delete="CASCADE", field=Commitment.id)))
