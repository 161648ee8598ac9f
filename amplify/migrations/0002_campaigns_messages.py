"""Campaigns, their key messages and each message's language variants."""

import peewee


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Activist(Base):
        class Meta:
            table_name = "activist"

    class Campaign(Base):
        slug = peewee.CharField(unique=True)
        name = peewee.CharField()
        goal = peewee.TextField(default="")
        audiences = peewee.TextField(default="[]")
        hashtags = peewee.TextField(default="[]")
        links = peewee.TextField(default="[]")
        key_dates = peewee.TextField(default="[]")
        languages = peewee.TextField(default="[]")
        frameworks = peewee.TextField(default="[]")
        colour_background = peewee.CharField(max_length=7)
        colour_text = peewee.CharField(max_length=7)
        colour_accent = peewee.CharField(max_length=7)
        logo = peewee.BlobField(null=True)
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

    class Message(Base):
        campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
        key = peewee.CharField()
        title = peewee.CharField()
        position = peewee.IntegerField(default=0)
        created_at = peewee.DateTimeField()

        class Meta:
            indexes = ((("campaign", "key"), True),)

    class MessageVariant(Base):
        message = peewee.ForeignKeyField(Message, on_delete="CASCADE")
        language = peewee.CharField(max_length=8)
        short_form = peewee.TextField()
        long_form = peewee.TextField()
        call_to_action = peewee.TextField(default="")
        evidence_figure = peewee.TextField(default="")
        evidence_source = peewee.TextField(default="")
        state = peewee.CharField(index=True)
        version = peewee.IntegerField(default=1)
        approved_by = peewee.ForeignKeyField(Activist, null=True, on_delete="SET NULL")
        approval_method = peewee.CharField(null=True)
        approved_at = peewee.DateTimeField(null=True)
        state_note = peewee.TextField(default="")
        updated_at = peewee.DateTimeField()

        class Meta:
            indexes = ((("message", "language"), True),)

    db.create_tables([Campaign, Message, MessageVariant])
