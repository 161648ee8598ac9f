"""Drafting: the composed (approved) text an item started from, and its planned date."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("item", "composed_text", peewee.TextField(default="")),
        migrator.add_column("item", "planned_at", peewee.DateTimeField(null=True)),
    )
