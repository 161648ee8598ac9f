"""Issue 15: an event's country (passport validity rules per destination)."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    migrate(SchemaMigrator.from_database(db).add_column("event", "country", peewee.CharField(default="")))
