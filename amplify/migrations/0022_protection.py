"""Issue 18: a person can be protected at once (``activist.protected_since`` and the
history in ``protection``); the files that left Amplify are written down (``export``,
``exported_item``) so a protection can list who received what and when; personal data in
the chains can be erased while they still verify; staff can keep an inactive person's
data with a reason (``retention_hold``) before the daily purge.

The ledger's records from now on are signed over a commitment to their personal fields
(``personal_sha256``, with ``personal_salt``); records already written keep their hash
untouched (``personal_sha256`` stays NULL: their hash covers the fields, as before) and,
when erased, are sealed instead (``erased_at``, ``erasure_seal``, on both chains). No
existing row changes, so every ledger and audit log verifies after the upgrade as before."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class Activist(Base):
        class Meta:
            table_name = "activist"

    class Campaign(Base):
        class Meta:
            table_name = "campaign"

    class Item(Base):
        class Meta:
            table_name = "item"

    class Protection(Base):
        activist = peewee.ForeignKeyField(Activist, on_delete="CASCADE")
        reason = peewee.TextField()
        risk_before = peewee.CharField(default="")
        started_at = peewee.DateTimeField()
        started_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        lifted_at = peewee.DateTimeField(null=True)
        lifted_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        lift_reason = peewee.TextField(default="")

        class Meta:
            table_name = "protection"

    class Export(Base):
        kind = peewee.CharField()
        filename = peewee.CharField()
        campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
        made_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        made_at = peewee.DateTimeField()

        class Meta:
            table_name = "export"

    class ExportedItem(Base):
        export = peewee.ForeignKeyField(Export, on_delete="CASCADE")
        item = peewee.ForeignKeyField(Item, on_delete="CASCADE", index=True)

        class Meta:
            table_name = "exported_item"

    class RetentionHold(Base):
        activist = peewee.ForeignKeyField(Activist, on_delete="CASCADE")
        reason = peewee.TextField()
        kept_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        kept_at = peewee.DateTimeField(index=True)

        class Meta:
            table_name = "retention_hold"

    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("activist", "protected_since", peewee.DateTimeField(null=True)),
            migrator.add_column("activist", "erased_at", peewee.DateTimeField(null=True)),
            migrator.add_column("decision", "personal_sha256", peewee.CharField(max_length=64, null=True)),
            migrator.add_column("decision", "personal_salt", peewee.CharField(default="")),
            *(migrator.add_column(table, column, field) for table in ("decision", "audit_event")
              for column, field in (("erased_at", peewee.DateTimeField(null=True)),
                                    ("erasure_seal", peewee.CharField(max_length=64, default="")))))
    db.create_tables([Protection, Export, ExportedItem, RetentionHold])
