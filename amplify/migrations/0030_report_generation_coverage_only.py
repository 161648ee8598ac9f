"""Issue 13: a feed poll no longer makes every kept report old. Reports and the coverage
page read feed entries only once they are logged as coverage (``state = 'coverage'``); the
new entries a poll brings in every few minutes raised the reports' number all the same,
so a report was computed afresh (half a second at years of data) after nearly every poll.
The triggers on ``feed_entry`` now raise it only for a row that is coverage before or
after the write: exact still, as no figure reads any other entry."""

import peewee

COUNTED = "'coverage'"  # the one state a report or the coverage page reads
WHEN = {"INSERT": f"NEW.state = {COUNTED}", "UPDATE": f"OLD.state = {COUNTED} OR NEW.state = {COUNTED}",
        "DELETE": f"OLD.state = {COUNTED}"}


def upgrade(db):
    if isinstance(db, peewee.PostgresqlDatabase):
        # One trigger per event: a WHEN condition may name OLD and NEW only where both exist.
        db.execute_sql('DROP TRIGGER IF EXISTS report_generation_feed_entry ON "feed_entry"')
        for event, condition in WHEN.items():
            db.execute_sql(f'CREATE CONSTRAINT TRIGGER report_generation_feed_entry_{event.lower()} AFTER {event} '
                           f'ON "feed_entry" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({condition}) '
                           f'EXECUTE FUNCTION report_generation_raise()')
        return
    for event, condition in WHEN.items():
        db.execute_sql(f"DROP TRIGGER IF EXISTS report_generation_feed_entry_{event.lower()}")
        db.execute_sql(f'CREATE TRIGGER report_generation_feed_entry_{event.lower()} AFTER {event} ON "feed_entry" '
                       f'WHEN {condition} BEGIN UPDATE report_generation SET n = n + 1 WHERE id = 1; END')
