"""Personal calendar feeds: a secret, revocable URL per staff member."""

import peewee


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class CalendarFeed(Base):
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        token = peewee.CharField(unique=True)
        created_at = peewee.DateTimeField()
        revoked_at = peewee.DateTimeField(null=True)

    db.create_tables([CalendarFeed])
