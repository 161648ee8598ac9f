"""Issue 13: the power map's graphs kept between views, exact. ``map_generation`` holds one
number that triggers replace on every write to ``actor`` or ``relationship`` (in the same
transaction, whoever writes: a form, an import, an erasure, a migration). The number is
drawn at random, not counted: it names one state of the map, so a process that kept what
it computed at a number never mistakes another state for it — not after a backup is
restored, nor when one process meets two databases. The actor page's
door-opening paths and neighbourhood picture are computed once per actor and number
(``amplify.actors.graph``): computing them read the campaign's 10,000 ties each view.
Built as migration 0026 builds the reports' number (a deferred trigger on PostgreSQL, run
once per transaction at commit; a row trigger on SQLite)."""

import secrets

import peewee

TABLES = ("actor", "relationship")

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION map_generation_raise() RETURNS trigger AS $$
BEGIN
    IF current_setting('amplify.map_raised', true) = txid_current()::text THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('amplify.map_raised', txid_current()::text, true);
    UPDATE map_generation SET n = floor(random() * 9007199254740991)::bigint WHERE id = 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def upgrade(db):
    class MapGeneration(peewee.Model):
        n = peewee.BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "map_generation"

    db.create_tables([MapGeneration])
    MapGeneration.insert(id=1, n=secrets.randbits(53)).execute()
    postgres = isinstance(db, peewee.PostgresqlDatabase)
    if postgres:
        db.execute_sql(POSTGRES_FUNCTION)
    for table in TABLES:
        if postgres:
            db.execute_sql(f'CREATE CONSTRAINT TRIGGER map_generation_{table} AFTER INSERT OR UPDATE OR DELETE '
                           f'ON "{table}" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
                           f'EXECUTE FUNCTION map_generation_raise()')
            db.execute_sql(f'CREATE TRIGGER map_generation_{table}_truncate AFTER TRUNCATE ON "{table}" '
                           f'FOR EACH STATEMENT EXECUTE FUNCTION map_generation_raise()')
        else:
            for event in ("INSERT", "UPDATE", "DELETE"):
                db.execute_sql(f'CREATE TRIGGER map_generation_{table}_{event.lower()} AFTER {event} '
                               f'ON "{table}" BEGIN UPDATE map_generation SET n = random() WHERE id = 1; END')
