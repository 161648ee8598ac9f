"""Events as delegations (issue 16): the name as in her passport and her nationality, for
the visa letter (sensitive like the passport number, and purged with it)."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("invitation", "passport_name", peewee.CharField(default="")),
            migrator.add_column("invitation", "nationality", peewee.CharField(default="")))
