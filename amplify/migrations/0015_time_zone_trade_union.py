"""A campaign's time zone (an IANA name such as ``America/Lima``): scheduler files write
times in it, because Hootsuite and Sprout Social read times in the account's zone. Empty
means the installation's ``AMPLIFY_TIMEZONE``. And whether an organization is a trade
union: membership of one is special-category data (GDPR Art. 9, LGPD Art. 11), which
consent receipts must say."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("campaign", "time_zone", peewee.CharField(default="")),
            migrator.add_column("organization", "trade_union", peewee.BooleanField(default=False)))
