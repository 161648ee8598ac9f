"""Issue 13: reports kept between views with exact invalidation, and the indexes that keep
the last list and dashboard queries off sequential scans.

``report_generation`` holds one number that triggers raise on every write to a table a
report reads (``amplify.reports.cache.READS``, frozen here); ``report_cache`` holds figures
valid at one such number. On SQLite a row trigger raises it at once (SQLite has one
writer at a time anyway). On PostgreSQL the trigger is a deferred constraint trigger: it
runs at commit, once per transaction, so the counter's row lock is taken last and held
only while committing — a transaction never waits for it while holding another lock (the
ledger's advisory lock, a row), and no deadlock can form through it.
"""

import peewee

READS = ("publication", "item", "item_person", "item_variant", "message_variant", "decision", "invitation",
         "event", "activist", "organization", "campaign", "campaign_organization", "feed_entry",
         "meeting", "meeting_attendee", "commitment",
         "outlet", "journalist", "release", "pitch", "press_coverage")

INDEXES = (
    # The feeds inbox counts new entries per kind of source, up to 1,000: from this index
    # alone (state, then the kind's source ids), where PostgreSQL read feed entries in table
    # order until it had found 1,001 (a sequential scan, and a long one for a rare kind).
    "CREATE INDEX IF NOT EXISTS feed_entry_state_source ON feed_entry (state, source_id, id)",
)

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION report_generation_raise() RETURNS trigger AS $$
BEGIN
    -- Once per transaction: the first row's trigger raises the number, the others see the
    -- mark this transaction left and return.
    IF current_setting('amplify.report_raised', true) = txid_current()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('amplify.report_raised', txid_current()::text, true);
    UPDATE report_generation SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class ReportGeneration(Base):
        n = peewee.BigIntegerField(default=0)

        class Meta:
            table_name = "report_generation"

    class ReportCache(Base):
        key = peewee.CharField(unique=True)
        generation = peewee.BigIntegerField()
        figures = peewee.TextField()
        made_at = peewee.DateTimeField()

        class Meta:
            table_name = "report_cache"

    db.create_tables([ReportGeneration, ReportCache])
    ReportGeneration.insert(id=1, n=0).execute()
    postgres = isinstance(db, peewee.PostgresqlDatabase)
    if postgres:
        db.execute_sql(POSTGRES_FUNCTION)
    for table in READS:
        if postgres:
            db.execute_sql(f'CREATE CONSTRAINT TRIGGER report_generation_{table} AFTER INSERT OR UPDATE OR DELETE '
                           f'ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
                           f'EXECUTE FUNCTION report_generation_raise()')
            db.execute_sql(f'CREATE TRIGGER report_generation_{table}_truncate AFTER TRUNCATE ON "{table}" '
                           f'FOR EACH STATEMENT EXECUTE FUNCTION report_generation_raise()')
        else:
            for event in ("INSERT", "UPDATE", "DELETE"):
                db.execute_sql(f'CREATE TRIGGER report_generation_{table}_{event.lower()} AFTER {event} '
                               f'ON "{table}" BEGIN UPDATE report_generation SET n = n + 1 WHERE id = 1; END')
    for statement in INDEXES:
        db.execute_sql(statement)
