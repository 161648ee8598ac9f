"""Events as delegations (issue 16): the name as in her passport and her nationality, for
the visa letter (sensitive like the passport number, and purged with it); an event's
per-diem rate and its currency."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("invitation", "passport_name", peewee.CharField(default="")),
            migrator.add_column("invitation", "nationality", peewee.CharField(default="")),
            migrator.add_column("event", "per_diem_cents", peewee.IntegerField(null=True)),
            migrator.add_column("event", "per_diem_currency", peewee.CharField(default="")))
