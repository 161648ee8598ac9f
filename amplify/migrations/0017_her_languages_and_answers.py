"""Her review page (issue 14): the languages an activist reads and the one she prefers;
campaign names and message titles per language; her requests to be called or to have an
item explained; each sending of her link (how, who, when — never the link); staff
notifications when she answers, asks or withdraws."""

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

    class ReviewLink(Base):
        class Meta:
            table_name = "review_link"

    class HelpRequest(Base):
        activist = peewee.ForeignKeyField(Activist, on_delete="CASCADE")
        kind = peewee.CharField()
        subject_type = peewee.CharField(default="")
        subject_id = peewee.IntegerField(null=True)
        note = peewee.TextField(default="")
        created_at = peewee.DateTimeField()
        handled_at = peewee.DateTimeField(null=True)
        handled_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")

    class LinkSending(Base):
        activist = peewee.ForeignKeyField(Activist, on_delete="CASCADE")
        review_link = peewee.ForeignKeyField(ReviewLink, null=True, on_delete="SET NULL")
        method = peewee.CharField()
        sent_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        at = peewee.DateTimeField()

    class Notification(Base):
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        kind = peewee.CharField()
        activist = peewee.ForeignKeyField(Activist, null=True, on_delete="CASCADE")
        subject_type = peewee.CharField(default="")
        subject_id = peewee.IntegerField(null=True)
        urgent = peewee.BooleanField(default=False)
        created_at = peewee.DateTimeField()
        read_at = peewee.DateTimeField(null=True)
        resolved_at = peewee.DateTimeField(null=True)

        class Meta:
            indexes = ((("user", "read_at"), False),)

    db.create_tables([HelpRequest, LinkSending, Notification])
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("activist", "preferred_language", peewee.CharField(max_length=8, default="")),
        migrator.add_column("campaign", "names", peewee.TextField(default="{}")),
        migrator.add_column("message", "titles", peewee.TextField(default="{}")),
    )
