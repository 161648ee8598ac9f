"""Issue 15: an event's country (passport validity rules per destination); items can be
archived (out of the lists); the staff's comments on items and the colleagues they mention."""

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

    class Item(Base):
        class Meta:
            table_name = "item"

    class ItemComment(Base):
        item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
        author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        text = peewee.TextField()
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "item_comment"

    class CommentMention(Base):
        comment = peewee.ForeignKeyField(ItemComment, on_delete="CASCADE")
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        seen_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "comment_mention"
            indexes = ((("comment", "user"), True),)

    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("event", "country", peewee.CharField(default="")),
            migrator.add_column("item", "archived_at", peewee.DateTimeField(null=True)))
    db.create_tables([ItemComment, CommentMention])
