import sqlite3
from datetime import date

import peewee
import pytest
from werkzeug.security import generate_password_hash

from amplify import migrations
from amplify.auth.models import User
from amplify.campaigns.models import Campaign, Message, MessageVariant
from amplify.db import BaseModel, database
from amplify.people.models import Activist, Organization
from tests.conftest import PASSWORD, USE_PG, csrf_token


def all_models():
    seen, queue = [], list(BaseModel.__subclasses__())
    while queue:
        model = queue.pop()
        if not vars(model).get("abstract"):
            seen.append(model)
        queue.extend(model.__subclasses__())
    return seen


def test_migrated_schema_matches_the_models(app):
    for model in all_models():
        table = model._meta.table_name
        columns = {c.name for c in database.get_columns(table)}
        assert columns == set(model._meta.columns), table


def test_upgrade_from_the_first_migration_keeps_every_row(make_app):
    app = make_app(migrate=False)
    assert migrations.upgrade(database.obj, target=1) == ["0001_accounts_people"]
    assert migrations.current_version(database.obj) == 1
    assert not Campaign.table_exists()
    # Rows written as the first schema knew them (raw SQL: today's models have other columns).
    now = "2026-01-01 10:00:00"
    database.execute_sql(
        "INSERT INTO \"user\" (email, name, password_hash, role, active, session_version, created_at)"
        " VALUES ('old@example.org', 'Old', %s, 'comms', %s, 1, %s)".replace("%s", "?" if not USE_PG else "%s"),
        (generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"), True, now))
    database.execute_sql(
        "INSERT INTO organization (slug, name, formal, country, our_role, next_review_on, notes,"
        " created_at, updated_at) VALUES ('viejo', 'Sindicato Viejo', %s, 'BO', 'ally',"
        " '2027-01-01', 'de antes', %s, %s)".replace("%s", "?" if not USE_PG else "%s"),
        (True, now, now))
    org_id = database.execute_sql("SELECT id FROM organization WHERE slug = 'viejo'").fetchone()[0]
    database.execute_sql(
        "INSERT INTO activist (ref, display_name, pseudonym, organization_id, country, languages,"
        " contact_channels, risk_level, default_attribution, face_may_be_shown, notes, created_at,"
        " updated_at) VALUES ('persona', 'Persona', '', %s, 'BO', '[\"es\", \"ay\"]',"
        " '[{\"kind\": \"Tel\", \"value\": \"1\"}]', 'high', 'anonymous', %s, '', %s, %s)"
        .replace("%s", "?" if not USE_PG else "%s"), (org_id, False, now, now))
    person_id = database.execute_sql("SELECT id FROM activist WHERE ref = 'persona'").fetchone()[0]
    database.execute_sql("INSERT INTO spokesperson (activist_id, organization_id) VALUES (%d, %d)"
                         % (person_id, org_id))

    applied = migrations.upgrade(database.obj)
    assert applied == [f"{n:04d}_{name}" for n, name, _ in migrations.available()[1:]]
    assert migrations.current_version(database.obj) == migrations.latest_version()
    org = Organization.get(Organization.slug == "viejo")
    assert (org.name, org.notes, org.next_review_on) == ("Sindicato Viejo", "de antes", date(2027, 1, 1))
    person = Activist.get(Activist.ref == "persona")
    assert person.languages == ["es", "ay"] and person.contact_channels == [{"kind": "Tel", "value": "1"}]
    assert [o.slug for o in person.spokesperson_for()] == ["viejo"]
    # The upgraded database serves the app: the old account signs in and sees the old data.
    client = app.test_client()
    signed_in = client.post("/auth/login", data={"email": "old@example.org", "password": PASSWORD,
                                                 "csrf_token": csrf_token(client)})
    assert signed_in.status_code == 302
    assert "Sindicato Viejo" in client.get("/people/organizations/").get_data(as_text=True)
    campaign = Campaign.create(slug="nueva", name="Nueva")
    message = Message.create(campaign=campaign, key="m", title="M")
    MessageVariant.create(message=message, language="es", short_form="a", long_form="b")


def test_unreachable_database_answers_503_with_a_clear_page(make_app):
    app = make_app(migrate=False, DATABASE_URL="postgresql://postgres@127.0.0.1:1/test",
                   DATABASE_BUSY_TIMEOUT_MS=1000)
    client = app.test_client()
    page = client.get("/auth/login")
    assert page.status_code == 503
    assert "The database cannot be reached right now" in page.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json() == {"status": "unavailable"}  # for a monitor, not a page


@pytest.mark.skipif(not USE_PG, reason="a PostgreSQL connection cut by the server")
def test_a_connection_cut_mid_request_gives_the_clear_page_and_the_next_request_a_new_one(app, login, factories):
    """The server ended the connection after she was signed in (a restart, a failover):
    the page says the database could not be reached (never the server's bare error page,
    which rendering the badge on the dead connection gave), and the next request works."""
    item = factories.item(factories.campaign())
    session = login("comms")
    assert session.get(f"/items/{item.id}").status_code == 200
    cut = {"once": True}

    def cut_the_connection():  # after the sign-in was read, as a server ending it would
        if cut.pop("once", False):
            database.connection().close()

    app.before_request_funcs.setdefault(None, []).append(cut_the_connection)
    page = session.get(f"/items/{item.id}")
    assert page.status_code == 503 and "The database cannot be reached right now" in page.get_data(as_text=True)
    assert session.get(f"/items/{item.id}").status_code == 200


def test_her_page_says_the_database_is_unreachable_in_her_language(app, factories, monkeypatch):
    maria = factories.activist("María Quispe", languages=["es"], preferred_language="es")
    _link, token = factories.link(maria)

    def unreachable(*args, **kwargs):
        raise peewee.OperationalError("could not connect to server")

    monkeypatch.setattr(database.obj, "connect", unreachable)
    page = app.test_client().get(f"/r/{token}", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and '<html lang="es">' in text and "No disponible por el momento" in text


def test_healthz_answers_when_the_database_does(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


@pytest.mark.skipif(USE_PG, reason="SQLite's write lock; PostgreSQL queues writers instead")
def test_locked_database_answers_503_and_writes_nothing(make_app, database_url):
    from tests.conftest import Session

    app = make_app(DATABASE_BUSY_TIMEOUT_MS=100)
    with app.app_context():
        user = User(email="c@example.org", name="C", role="comms")
        user.set_password(PASSWORD)
        user.save()
    client = app.test_client()
    client.post("/auth/login", data={"email": "c@example.org", "password": PASSWORD,
                                     "csrf_token": csrf_token(client)})
    session = Session(client, user)
    token = csrf_token(client, "/auth/account")
    blocker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        response = session.post("/people/organizations/new", {
            "csrf_token": token, "name": "Bloqueada", "formal": "1", "country": "PE",
            "our_role": "ally", "last_review_on": "", "next_review_on": "", "notes": ""})
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert "Nothing was saved" in response.get_data(as_text=True)
    assert Organization.select().count() == 0
    from amplify.audit.models import AuditEvent

    assert AuditEvent.select().where(AuditEvent.subject_type == "organization").count() == 0


def test_upgrade_times_the_answers_already_in_the_ledger(make_app):
    """Migration 0011 fills in how long each earlier answer waited for its request."""
    make_app(migrate=False)
    migrations.upgrade(database.obj, target=10)
    mark = "?" if not USE_PG else "%s"
    now = "2026-01-01 10:00:00"
    database.execute_sql(
        "INSERT INTO activist (ref, display_name, pseudonym, country, languages, contact_channels, risk_level,"
        " default_attribution, face_may_be_shown, minor, notes, created_at, updated_at) VALUES"
        f" ('ana', 'Ana', '', 'PE', '[]', '[]', 'low', 'full_name', {mark}, {mark}, '', {mark}, {mark})",
        (False, False, now, now))
    person = database.execute_sql("SELECT id FROM activist WHERE ref = 'ana'").fetchone()[0]
    for seq, (at, outcome) in enumerate((("2026-01-02 08:00:00", "requested"), ("2026-01-02 11:00:00", "given"),
                                         ("2026-01-03 08:00:00", "withdrawn")), start=1):
        database.execute_sql(
            "INSERT INTO decision (seq, prev_hash, hash, at, activist_id, subject_type, subject_id, content_hash,"
            " outcome, scope, method, witness, notice_version, notice_language, notice_hash, comment,"
            " guardian_name, guardian_relationship) VALUES"
            f" ({mark}, '', {mark}, {mark}, {mark}, 'item', 1, 'h', {mark}, '{{}}', 'review_page', '', '', '', '',"
            " '', '', '')", (seq, f"{seq:064x}", at, person, outcome))
    migrations.upgrade(database.obj)
    waited = [row[0] for row in database.execute_sql("SELECT waited_seconds FROM decision ORDER BY seq")]
    assert waited[0] is None and waited[1] == pytest.approx(3 * 3600) and waited[2] is None


@pytest.mark.skipif(not USE_PG, reason="the connection pool is PostgreSQL's")
def test_requests_reuse_a_pooled_connection_and_one_the_server_ended_is_replaced(app, login):
    """Issue 13: a new PostgreSQL connection cost half a light page. Requests now share
    one kept open; when the server ends it (a restart, an idle timeout), the next request
    gets a new one and succeeds."""
    import psycopg2

    session = login("admin")

    def backend():
        assert session.get("/campaigns/").status_code == 200
        with app.app_context():
            pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
            database.close()  # back to the pool, as a request's end does
        return pid

    first = backend()
    assert backend() == first and backend() == first
    admin = psycopg2.connect(app.config["DATABASE_URL"].split("?")[0])
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (first,))
    admin.close()
    assert backend() != first


@pytest.mark.skipif(USE_PG, reason="SQLite's own pool; PostgreSQL's is tested above")
def test_sqlite_requests_reuse_an_open_connection_with_its_pragmas_and_a_forked_child_opens_its_own(app, login):
    """Issue 13: opening the file, setting its pragmas and checkpointing its log on every
    request cost about 1 ms of a 9 ms page. A connection stays open between requests, with
    the pragmas a new one gets; a process forked from a worker never touches its parent's."""
    import os

    session = login("admin")

    def connection():
        assert session.get("/campaigns/").status_code == 200
        with app.app_context():
            database.connect(reuse_if_open=True)
            opened = database.connection()
            assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
            assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
            database.close()  # back to the pool, as a request's end does
        return opened

    first = connection()
    assert connection() is first and connection() is first
    child = os.fork()
    if child == 0:  # the child: a connection of its own, the parent's left alone
        try:
            with app.app_context():
                database.connect(reuse_if_open=True)
                os._exit(0 if database.connection() is not first and database.execute_sql("SELECT 1").fetchone() else 1)
        except BaseException:
            os._exit(2)
    assert os.waitpid(child, 0)[1] == 0
    assert connection() is first
