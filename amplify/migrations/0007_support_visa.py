"""Support for an invitation (what was requested and provided, at what cost), visa and
passport details with a purge date."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Invitation(Base):
        class Meta:
            table_name = "invitation"

    class Support(Base):
        invitation = peewee.ForeignKeyField(Invitation, on_delete="CASCADE")
        kind = peewee.CharField()
        arrangement = peewee.CharField()
        provided = peewee.BooleanField(default=False)
        budget_cents = peewee.IntegerField(null=True)
        actual_cents = peewee.IntegerField(null=True)
        currency = peewee.CharField(max_length=3)
        receipt_noted = peewee.BooleanField(default=False)
        paid_on = peewee.DateField(null=True)
        notes = peewee.TextField(default="")

    db.create_tables([Support])
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("invitation", "visa_required", peewee.BooleanField(null=True)),
        migrator.add_column("invitation", "visa_letter_sent_on", peewee.DateField(null=True)),
        migrator.add_column("invitation", "visa_appointment_on", peewee.DateField(null=True)),
        migrator.add_column("invitation", "visa_lodged_on", peewee.DateField(null=True)),
        migrator.add_column("invitation", "visa_outcome", peewee.CharField(default="")),
        migrator.add_column("invitation", "passport_expiry", peewee.DateField(null=True)),
        migrator.add_column("invitation", "passport_number", peewee.CharField(default="")),
        migrator.add_column("invitation", "purge_on", peewee.DateField(null=True)),
    )
