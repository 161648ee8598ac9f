"""Report share links; how long each consent answer took (kept on the answer, outside the
chain, so reports need not recompute it); indexes the report queries rely on."""

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
    migrate(SchemaMigrator.from_database(db).add_column("decision", "waited_seconds",
                                                        peewee.FloatField(null=True)))
    postgres = isinstance(db, peewee.PostgresqlDatabase)
    seconds = ("EXTRACT(EPOCH FROM decision.at - ({}))" if postgres
               else "(julianday(decision.at) - julianday(({}))) * 86400.0")
    asked = ("SELECT MAX(r.at) FROM decision AS r WHERE r.activist_id = decision.activist_id "
             "AND r.subject_type = decision.subject_type AND r.subject_id = decision.subject_id "
             "AND r.content_hash = decision.content_hash AND r.outcome = 'requested' AND r.seq < decision.seq")
    db.execute_sql("UPDATE decision SET waited_seconds = " + seconds.format(asked)
                   + " WHERE outcome IN ('given', 'refused', 'changes_requested')")
    for sql in (
        'CREATE INDEX IF NOT EXISTS publication_published_at ON publication (published_at)',
        'CREATE INDEX IF NOT EXISTS publication_takedown_required_at ON publication (takedown_required_at)',
        'CREATE INDEX IF NOT EXISTS feed_entry_campaign_state ON feed_entry (campaign_id, state, seen_at)',
        'CREATE INDEX IF NOT EXISTS decision_report ON decision (subject_type, subject_id, outcome, at, waited_seconds)',
        'CREATE INDEX IF NOT EXISTS decision_activist_subject ON decision (activist_id, subject_type)',
        'CREATE INDEX IF NOT EXISTS event_campaign_starts ON event (campaign_id, starts_on)',
    ):
        db.execute_sql(sql)
