"""Issue 17: connected Mastodon and Bluesky accounts, sendings (now or at a planned time)
and the remote posts they made, with their take-down."""

import peewee


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

    class Publication(Base):
        class Meta:
            table_name = "publication"

    class Account(Base):
        network = peewee.CharField()
        label = peewee.CharField()
        server_url = peewee.CharField(max_length=2000)
        handle = peewee.CharField(default="")
        secret = peewee.TextField()
        account_name = peewee.CharField(default="")
        did = peewee.CharField(default="")
        max_characters = peewee.IntegerField(null=True)
        last_error = peewee.TextField(default="")
        broken_at = peewee.DateTimeField(null=True)
        checked_at = peewee.DateTimeField(null=True)
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "publishing_account"

    class Sending(Base):
        item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
        account = peewee.ForeignKeyField(Account, on_delete="RESTRICT")
        planned_at = peewee.DateTimeField(index=True)
        state = peewee.CharField(default="planned", index=True)
        key = peewee.CharField(max_length=64, unique=True)
        attempts = peewee.IntegerField(default=0)
        claimed_at = peewee.DateTimeField(null=True)
        next_try_at = peewee.DateTimeField(null=True)
        error = peewee.TextField(default="")
        publication = peewee.ForeignKeyField(Publication, null=True, on_delete="SET NULL")
        requested_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        sent_at = peewee.DateTimeField(null=True)
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "publishing_sending"

    class RemotePost(Base):
        sending = peewee.ForeignKeyField(Sending, on_delete="CASCADE")
        position = peewee.IntegerField()
        remote_key = peewee.CharField(default="")
        created_at_text = peewee.CharField(default="")
        uri = peewee.TextField(default="")
        cid = peewee.CharField(default="")
        url = peewee.TextField(default="")
        state = peewee.CharField(default="online", index=True)
        attempts = peewee.IntegerField(default=0)
        next_try_at = peewee.DateTimeField(null=True)
        error = peewee.TextField(default="")
        deleted_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "publishing_post"
            indexes = ((("sending", "position"), True),)

    db.create_tables([Account, Sending, RemotePost])
