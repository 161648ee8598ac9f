"""Report share links, and indexes the report queries rely on."""

import peewee


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class ReportShare(Base):
        nonce = peewee.CharField(unique=True)
        kind = peewee.CharField()
        subject_id = peewee.IntegerField()
        since = peewee.DateField()
        until = peewee.DateField()
        language = peewee.CharField(max_length=8)
        created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()
        expires_at = peewee.DateTimeField()
        revoked_at = peewee.DateTimeField(null=True)
        last_used_at = peewee.DateTimeField(null=True)
        uses = peewee.IntegerField(default=0)

    db.create_tables([ReportShare])
    for sql in (
        'CREATE INDEX IF NOT EXISTS publication_published_at ON publication (published_at)',
        'CREATE INDEX IF NOT EXISTS publication_takedown_required_at ON publication (takedown_required_at)',
        'CREATE INDEX IF NOT EXISTS feed_entry_campaign_state ON feed_entry (campaign_id, state)',
        'CREATE INDEX IF NOT EXISTS decision_activist_subject ON decision (activist_id, subject_type)',
        'CREATE INDEX IF NOT EXISTS event_campaign_starts ON event (campaign_id, starts_on)',
    ):
        db.execute_sql(sql)
