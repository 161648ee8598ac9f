"""Issue 18: a person can be protected at once (``activist.protected_since`` and the
history in ``protection``); the files that left Amplify are written down (``export``,
``exported_item``) so a protection can list who received what and when."""

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

    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("activist", "protected_since", peewee.DateTimeField(null=True)))
    db.create_tables([Protection, Export, ExportedItem])
