"""Issue 18, part 3: faces found on uploaded photos, proposed as regions to blur, each
either blurred on a copy or linked to the person whose face it is."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Asset(Base):
        class Meta:
            table_name = "asset"

    class Activist(Base):
        class Meta:
            table_name = "activist"

    class Face(Base):
        asset = peewee.ForeignKeyField(Asset, on_delete="CASCADE", index=True)
        x = peewee.IntegerField()
        y = peewee.IntegerField()
        w = peewee.IntegerField()
        h = peewee.IntegerField()
        blurred = peewee.BooleanField(default=False)
        activist = peewee.ForeignKeyField(Activist, null=True, on_delete="SET NULL")

        class Meta:
            table_name = "face"

    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("asset", "faces_found", peewee.IntegerField(null=True)))
    db.create_tables([Face])
