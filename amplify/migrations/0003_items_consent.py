"""Items, their versions and people; the consent ledger; review links; publications."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Ref(Base):  # stand-ins for tables of earlier migrations
        pass

    class User(Ref):
        class Meta:
            table_name = "user"

    class Activist(Ref):
        class Meta:
            table_name = "activist"

    class Organization(Ref):
        class Meta:
            table_name = "organization"

    class Campaign(Ref):
        class Meta:
            table_name = "campaign"

    class MessageVariant(Ref):
        class Meta:
            table_name = "message_variant"

    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("campaign", "consent_months", peewee.IntegerField(default=12)),
        migrator.add_column("activist", "minor", peewee.BooleanField(default=False)),
    )

    class CampaignOrganization(Base):
        campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
        organization = peewee.ForeignKeyField(Organization, on_delete="CASCADE")

        class Meta:
            indexes = ((("campaign", "organization"), True),)

    class Item(Base):
        campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
        kind = peewee.CharField()
        title = peewee.CharField()
        language = peewee.CharField(max_length=8)
        channel = peewee.CharField()
        text = peewee.TextField()
        state = peewee.CharField(index=True)
        version = peewee.IntegerField(default=1)
        content_hash = peewee.CharField(max_length=64, index=True)
        author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

    class ItemVariant(Base):
        item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
        variant = peewee.ForeignKeyField(MessageVariant, on_delete="CASCADE")

        class Meta:
            indexes = ((("item", "variant"), True),)

    class ItemPerson(Base):
        item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
        activist = peewee.ForeignKeyField(Activist, on_delete="CASCADE")
        appearance = peewee.CharField()
        attribution = peewee.CharField(null=True)

        class Meta:
            indexes = ((("item", "activist"), True),)

    class ItemVersion(Base):
        item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
        version = peewee.IntegerField()
        content_hash = peewee.CharField(max_length=64)
        snapshot = peewee.TextField()
        created_at = peewee.DateTimeField()

        class Meta:
            indexes = ((("item", "version"), True),)

    class SafetyCheck(Base):
        item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
        content_hash = peewee.CharField(max_length=64)
        checked_by = peewee.ForeignKeyField(User, on_delete="CASCADE")
        at = peewee.DateTimeField()
        note = peewee.TextField(default="")

    class ReviewLink(Base):
        activist = peewee.ForeignKeyField(Activist, on_delete="CASCADE")
        nonce = peewee.CharField(unique=True)
        created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()
        expires_at = peewee.DateTimeField()
        revoked_at = peewee.DateTimeField(null=True)
        last_used_at = peewee.DateTimeField(null=True)

    class LinkAttempt(Base):
        address = peewee.CharField(index=True)
        at = peewee.DateTimeField(index=True)

    class Decision(Base):
        seq = peewee.IntegerField(unique=True)
        prev_hash = peewee.CharField(max_length=64)
        hash = peewee.CharField(max_length=64, unique=True)
        at = peewee.DateTimeField()
        activist = peewee.ForeignKeyField(Activist, on_delete="RESTRICT")
        subject_type = peewee.CharField()
        subject_id = peewee.IntegerField()
        content_hash = peewee.CharField(max_length=64)
        outcome = peewee.CharField()
        scope = peewee.TextField(default="{}")
        method = peewee.CharField()
        recorded_by = peewee.IntegerField(null=True)
        witness = peewee.CharField(default="")
        notice_version = peewee.CharField(default="")
        notice_language = peewee.CharField(default="")
        notice_hash = peewee.CharField(default="")
        comment = peewee.TextField(default="")
        guardian_name = peewee.CharField(default="")
        guardian_relationship = peewee.CharField(default="")
        minor_agrees = peewee.BooleanField(null=True)
        review_link = peewee.IntegerField(null=True)
        request_key = peewee.CharField(null=True, unique=True)

        class Meta:
            indexes = ((("subject_type", "subject_id", "activist"), False),)

    class Publication(Base):
        item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
        channel = peewee.CharField()
        url = peewee.TextField(default="")
        published_at = peewee.DateTimeField()
        recorded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        takedown_state = peewee.CharField(default="none", index=True)
        takedown_required_at = peewee.DateTimeField(null=True)
        taken_down_at = peewee.DateTimeField(null=True)
        taken_down_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")

    db.create_tables([CampaignOrganization, Item, ItemVariant, ItemPerson, ItemVersion,
                      SafetyCheck, ReviewLink, LinkAttempt, Decision, Publication])
