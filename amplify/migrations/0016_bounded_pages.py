"""Pages that stay bounded at years of data (issue 13): clearance()'s verdict stored on each
item, deadlines kept in a table, and the indexes the paged lists and dashboards read through.

The verdict and the deadlines of existing rows are computed by ``amplify db upgrade`` /
``amplify init`` right after this migration (they need the live rules, which a migration
must not import).
"""

import peewee
from playhouse.migrate import SchemaMigrator, migrate

INDEXES = (
    # Items list (newest first, keyset), per state and per campaign; the consent index.
    "CREATE INDEX IF NOT EXISTS item_updated ON item (updated_at, id)",
    "CREATE INDEX IF NOT EXISTS item_state_updated ON item (state, updated_at, id)",
    "CREATE INDEX IF NOT EXISTS item_campaign_updated ON item (campaign_id, updated_at, id)",
    # People, organizations and events lists (keyset by name or date).
    "CREATE INDEX IF NOT EXISTS activist_name ON activist (display_name, id)",
    "CREATE INDEX IF NOT EXISTS organization_name ON organization (name, id)",
    # The editor's counter: has anyone changed since the high-risk names were cached?
    "CREATE INDEX IF NOT EXISTS activist_updated ON activist (updated_at)",
    "CREATE INDEX IF NOT EXISTS event_starts ON event (starts_on, id)",
    # The board: cards of one state, counted per state.
    "CREATE INDEX IF NOT EXISTS invitation_state_event ON invitation (state, event_id, id)",
    # Coverage counted per campaign, from the index alone.
    "CREATE INDEX IF NOT EXISTS feed_entry_state_campaign ON feed_entry (state, campaign_id)",
    # The outbox: reminders waiting, by due day.
    "CREATE INDEX IF NOT EXISTS reminder_waiting ON reminder (sent_at, due_on, id)",
    # Deadlines: the dashboard's window, and recomputing one invitation's or event's.
    "CREATE INDEX IF NOT EXISTS deadline_due ON deadline (due_on, id)",
)


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

    class Deadline(Base):
        kind = peewee.CharField()
        due_on = peewee.DateField()
        invitation = peewee.ForeignKeyField(Invitation, null=True, on_delete="CASCADE", backref="+")
        event = peewee.ForeignKeyField(Event, on_delete="CASCADE", backref="+")

        class Meta:
            indexes = ((("due_on", "kind"), False),)

    db.create_tables([Deadline])
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("item", "cleared", peewee.BooleanField(null=True)),
            migrator.add_column("item", "cleared_until", peewee.DateField(null=True)))
    for sql in INDEXES:
        db.execute_sql(sql)
    # The feeds inbox: entries of one state, newest first with undated ones last (SQLite
    # sorts NULL first, so reading its index backwards gives that order).
    db.execute_sql("CREATE INDEX IF NOT EXISTS feed_entry_state_published ON feed_entry "
                   + ("(state, published_at DESC NULLS LAST, id DESC)" if isinstance(db, peewee.PostgresqlDatabase)
                      else "(state, published_at, id)"))
