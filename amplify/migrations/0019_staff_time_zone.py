"""Issue 15: each staff member's time zone (an IANA name such as ``Europe/Madrid``):
planned times are entered and shown in it. Empty means the campaign's zone, then the
installation's ``AMPLIFY_TIMEZONE``."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("user", "time_zone", peewee.CharField(default="")))
