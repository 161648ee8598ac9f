"""How an activist's answer to an invitation was given (her own page, or recorded by staff
from a call, a meeting, paper or a message)."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    migrate(SchemaMigrator.from_database(db).add_column("invitation_change", "method",
                                                        peewee.CharField(default="")))
