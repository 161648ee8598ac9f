"""Feeds: sources, entries (de-duplicated per source), poll jobs."""

import peewee


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    def table(name):
        return type(name.title().replace("_", ""), (Base,), {"Meta": type("Meta", (), {"table_name": name})})

    User, Campaign, Organization = table("user"), table("campaign"), table("organization")
    Item, MessageVariant = table("item"), table("message_variant")

    class FeedSource(Base):
        url = peewee.CharField(max_length=2000)
        kind = peewee.CharField()
        title = peewee.CharField(default="")
        organization = peewee.ForeignKeyField(Organization, null=True, on_delete="SET NULL")
        keywords = peewee.TextField(default="[]")
        interval_minutes = peewee.IntegerField(default=60)
        paused = peewee.BooleanField(default=False)
        etag = peewee.CharField(default="")
        last_modified = peewee.CharField(default="")
        last_fetch_at = peewee.DateTimeField(null=True)
        last_success_at = peewee.DateTimeField(null=True)
        last_error = peewee.TextField(default="")
        warning = peewee.TextField(default="")
        failures = peewee.IntegerField(default=0)
        next_fetch_at = peewee.DateTimeField(null=True, index=True)
        created_at = peewee.DateTimeField()

    class FeedSourceCampaign(Base):
        source = peewee.ForeignKeyField(FeedSource, on_delete="CASCADE")
        campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")

        class Meta:
            indexes = ((("source", "campaign"), True),)

    class FeedEntry(Base):
        source = peewee.ForeignKeyField(FeedSource, on_delete="CASCADE")
        key = peewee.CharField(max_length=64)
        guid = peewee.TextField(default="")
        link = peewee.TextField(default="")
        title = peewee.TextField(default="")
        summary = peewee.TextField(default="")
        text = peewee.TextField(default="")
        published_at = peewee.DateTimeField(null=True)
        fetched_at = peewee.DateTimeField(index=True)
        seen_at = peewee.DateTimeField()
        matched = peewee.TextField(default="[]")
        high_risk = peewee.TextField(default="[]")
        state = peewee.CharField(default="new", index=True)
        item = peewee.ForeignKeyField(Item, null=True, on_delete="SET NULL")
        variant = peewee.ForeignKeyField(MessageVariant, null=True, on_delete="SET NULL")
        campaign = peewee.ForeignKeyField(Campaign, null=True, on_delete="SET NULL")
        handled_at = peewee.DateTimeField(null=True, index=True)
        handled_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            indexes = ((("source", "key"), True),)

    class PollJob(Base):
        total = peewee.IntegerField()
        done = peewee.IntegerField(default=0)
        added = peewee.IntegerField(default=0)
        failed = peewee.IntegerField(default=0)
        started_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()
        finished_at = peewee.DateTimeField(null=True)
        source_ids = peewee.TextField(default="[]")

    db.create_tables([FeedSource, FeedSourceCampaign, FeedEntry, PollJob])
