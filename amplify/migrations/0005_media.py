"""Images: scrubbed assets stored by content hash, attached to items with alt text."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Item(Base):
        class Meta:
            table_name = "item"

    class User(Base):
        class Meta:
            table_name = "user"

    class Asset(Base):
        sha256 = peewee.CharField(max_length=64, unique=True)
        data = peewee.BlobField()
        mime = peewee.CharField()
        width = peewee.IntegerField()
        height = peewee.IntegerField()
        label = peewee.CharField(default="")
        derived_from = peewee.CharField(max_length=64, null=True)
        uploaded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()

    class ItemImage(Base):
        item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
        asset = peewee.ForeignKeyField(Asset, on_delete="RESTRICT")
        alt_text = peewee.TextField(default="")
        position = peewee.IntegerField(default=0)

    db.create_tables([Asset, ItemImage])
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("item", "card", peewee.TextField(default="")))
