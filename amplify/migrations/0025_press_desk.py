"""Issue 20, the press desk: an item's embargo (a moment and the time zone it was given
in), the media list (outlets, journalists), releases and story pitches with their evidence,
signed share links for embargoed releases, pitches and the coverage they led to, and the
spokespeople willing to give interviews."""

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

    class Activist(Base):
        class Meta:
            table_name = "activist"

    class FeedEntry(Base):
        class Meta:
            table_name = "feed_entry"

    class Outlet(Base):
        name = peewee.CharField()
        kind = peewee.CharField()
        country = peewee.CharField(default="")
        languages = peewee.TextField(default="[]")
        audience = peewee.CharField(default="")
        links = peewee.TextField(default="[]")
        tags = peewee.TextField(default="[]")
        notes = peewee.TextField(default="")
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "outlet"

    class Journalist(Base):
        name = peewee.CharField()
        outlet = peewee.ForeignKeyField(Outlet, null=True, on_delete="SET NULL")
        beat = peewee.CharField(default="")
        languages = peewee.TextField(default="[]")
        email = peewee.CharField(default="")
        email_key = peewee.CharField(default="", index=True)
        public_contacts = peewee.TextField(default="")
        private_contacts = peewee.TextField(default="")
        tags = peewee.TextField(default="[]")
        notes = peewee.TextField(default="")
        do_not_contact = peewee.BooleanField(default=False)
        do_not_contact_reason = peewee.TextField(default="")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "journalist"

    class Release(Base):
        item = peewee.ForeignKeyField(Item, unique=True, on_delete="CASCADE")
        family = peewee.ForeignKeyField("self", null=True, on_delete="SET NULL")
        contact_name = peewee.CharField(default="")
        contact_email = peewee.CharField(default="")
        contact_phone = peewee.CharField(default="")
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "release"

    class Evidence(Base):
        release = peewee.ForeignKeyField(Release, on_delete="CASCADE")
        figure = peewee.TextField()
        source = peewee.CharField()
        url = peewee.TextField(default="")
        position = peewee.IntegerField(default=0)

        class Meta:
            table_name = "release_evidence"

    class ReleaseShare(Base):
        release = peewee.ForeignKeyField(Release, on_delete="CASCADE")
        journalist = peewee.ForeignKeyField(Journalist, null=True, on_delete="SET NULL")
        nonce = peewee.CharField(unique=True)
        created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()
        expires_at = peewee.DateTimeField()
        revoked_at = peewee.DateTimeField(null=True)
        last_used_at = peewee.DateTimeField(null=True)
        uses = peewee.IntegerField(default=0)

        class Meta:
            table_name = "release_share"

    class Pitch(Base):
        release = peewee.ForeignKeyField(Release, on_delete="CASCADE")
        journalist = peewee.ForeignKeyField(Journalist, on_delete="CASCADE")
        method = peewee.CharField()
        content_hash = peewee.CharField(max_length=64)
        share = peewee.ForeignKeyField(ReleaseShare, null=True, on_delete="SET NULL")
        sent_at = peewee.DateTimeField()
        sent_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        answer = peewee.CharField(default="")
        answer_note = peewee.TextField(default="")
        answered_at = peewee.DateTimeField(null=True)
        follow_up_on = peewee.DateField(null=True, index=True)
        spokesperson = peewee.ForeignKeyField(Activist, null=True, on_delete="SET NULL")
        recall_required_at = peewee.DateTimeField(null=True, index=True)
        recall_done_at = peewee.DateTimeField(null=True)
        interview = peewee.ForeignKeyField(Item, null=True, on_delete="SET NULL")

        class Meta:
            table_name = "pitch"

    class Coverage(Base):
        release = peewee.ForeignKeyField(Release, on_delete="CASCADE")
        pitch = peewee.ForeignKeyField(Pitch, null=True, on_delete="SET NULL")
        feed_entry = peewee.ForeignKeyField(FeedEntry, null=True, on_delete="SET NULL")
        outlet = peewee.ForeignKeyField(Outlet, null=True, on_delete="SET NULL")
        title = peewee.CharField()
        url = peewee.TextField(default="")
        language = peewee.CharField(max_length=8, default="")
        published_on = peewee.DateField()
        quotes_carried = peewee.BooleanField(default=False)
        recorded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "press_coverage"

    class InterviewOffer(Base):
        activist = peewee.ForeignKeyField(Activist, unique=True, on_delete="CASCADE")
        topics = peewee.TextField(default="")
        availability = peewee.TextField(default="")
        formats = peewee.TextField(default="[]")
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "interview_offer"

    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("item", "embargo_until", peewee.DateTimeField(null=True)),
            migrator.add_column("item", "embargo_zone", peewee.CharField(default="")))
    db.create_tables([Outlet, Journalist, Release, Evidence, ReleaseShare, Pitch, Coverage, InterviewOffer])
