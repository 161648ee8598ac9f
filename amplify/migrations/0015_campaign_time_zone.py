"""A campaign's time zone (an IANA name such as ``America/Lima``): scheduler files write
times in it, because Hootsuite and Sprout Social read times in the account's zone. Empty
means the installation's ``AMPLIFY_TIMEZONE``."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    migrate(SchemaMigrator.from_database(db).add_column("campaign", "time_zone",
                                                        peewee.CharField(default="")))
