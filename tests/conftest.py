"""Fixtures: a fresh real database per test (SQLite file, or a PostgreSQL schema of its
own when DATABASE_URL names PostgreSQL), the real app, and factories."""

import os
import re
import sqlite3
import uuid
from datetime import date
from urllib.parse import quote

import pytest

from amplify import create_app, migrations
from amplify.db import database

PG_URL = os.environ.get("DATABASE_URL", "")
USE_PG = PG_URL.startswith(("postgres://", "postgresql://"))
PASSWORD = "a-long-test-password"


def _pg_admin():
    import psycopg2
    from playhouse.db_url import parse

    params = parse(PG_URL)
    params["dbname"] = params.pop("database")
    connection = psycopg2.connect(**params)
    connection.autocommit = True
    return connection


# PostgreSQL: creating a schema's seventy tables and their indexes took about a second per
# test. A schema filled by the recorded migrations is emptied after its test instead (its
# rows deleted, its sequences restarted, the migrations' own rows put back: tens of
# milliseconds) and given to the next test of this worker that builds an app.
_FREE_SCHEMAS = []
_CURRENT = {"schema": None, "migrated": False}


@pytest.fixture
def database_url(tmp_path, request):
    if not USE_PG:
        yield f"sqlite:///{tmp_path / 'amplify.db'}"
        return
    admin = _pg_admin()
    reusable = "make_app" in request.fixturenames  # tests that set up their own database get an empty one
    if reusable and _FREE_SCHEMAS:
        schema, migrated = _FREE_SCHEMAS.pop(), True
    else:
        schema, migrated = f"t_{uuid.uuid4().hex[:16]}", False
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
    _CURRENT.update(schema=schema, migrated=migrated)
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    if not database.is_closed():
        database.close()
    if reusable and _CURRENT["schema"] == schema and _CURRENT["migrated"] and _empty(admin, schema):
        _FREE_SCHEMAS.append(schema)
    else:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')
    _CURRENT.update(schema=None, migrated=False)
    admin.close()


@pytest.fixture(scope="session", autouse=True)
def _drop_free_schemas():
    """The emptied schemas left at the end of the run are dropped with it."""
    yield
    if USE_PG and _FREE_SCHEMAS:
        admin = _pg_admin()
        with admin.cursor() as cursor:
            for schema in _FREE_SCHEMAS:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.close()
        _FREE_SCHEMAS.clear()


def _empty(admin, schema):
    """Bring a schema the recorded migrations filled back to how they left it; False when
    that cannot be vouched for (then it is dropped)."""
    if "postgresql-rows" not in _MIGRATED:
        return False
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,))
            tables = sorted(row[0] for row in cursor.fetchall())
            if tables != _MIGRATED["postgresql-tables"]:
                return False  # a test changed the schema itself
            cursor.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = %s", (schema,))
            sequences = [row[0] for row in cursor.fetchall()]
            cursor.execute("BEGIN")
            cursor.execute(f'SET LOCAL search_path = "{schema}"')
            cursor.execute("SET LOCAL session_replication_role = replica")  # no triggers, no foreign keys
            for table in tables:
                cursor.execute(f'DELETE FROM "{table}"')
            for sequence in sequences:
                cursor.execute(f'ALTER SEQUENCE "{sequence}" RESTART')
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            if _MIGRATED["postgresql-rows"]:
                cursor.execute(_MIGRATED["postgresql-rows"])
            cursor.execute("COMMIT")
        return True
    except Exception:  # noqa: BLE001 - anything odd: the schema is dropped instead
        with admin.cursor() as cursor:
            cursor.execute("ROLLBACK")
        return False


_MIGRATED = {}  # "sqlite": a migrated database file; "postgresql": the SQL the migrations ran


def _migrate(db, tmp_path_factory):
    """Bring this test's database to the latest schema. The first test of the session runs
    the real migrations; later ones get the same result faster (a copy of that SQLite
    database, or on PostgreSQL the very statements the migrations ran, in one round trip).
    The migrations themselves are tested, from every old version, in test_database.py."""
    if migrations.current_version(db) != 0:
        migrations.upgrade(db)
        return
    if not USE_PG:
        if "sqlite" not in _MIGRATED:
            migrations.upgrade(db)
            template = tmp_path_factory.mktemp("migrated") / "amplify.db"
            copy = sqlite3.connect(template)
            db.connection().backup(copy)
            copy.close()
            _MIGRATED["sqlite"] = template
            return
        source = sqlite3.connect(_MIGRATED["sqlite"])
        source.backup(db.connection())
        source.close()
        return
    if "postgresql" not in _MIGRATED:
        ran, execute_sql = [], db.execute_sql

        def recorded(sql, params=None, *args, **kwargs):
            ran.append((sql, params))
            return execute_sql(sql, params, *args, **kwargs)

        db.execute_sql = recorded
        try:
            migrations.upgrade(db)
        finally:
            del db.execute_sql
        cursor = db.cursor()
        # Not the catalog reads the migrations made to decide what to do (a quarter of the time).
        _MIGRATED["postgresql"] = b";\n".join(cursor.mogrify(sql, params) for sql, params in ran
                                               if not sql.lstrip().upper().startswith("SELECT"))
        # The rows the migrations wrote, to put back into an emptied schema.
        _MIGRATED["postgresql-rows"] = b";\n".join(
            cursor.mogrify(sql, params) for sql, params in ran
            if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")))
        _MIGRATED["postgresql-tables"] = sorted(db.get_tables())
        _CURRENT["migrated"] = True
        return
    with db.atomic():
        db.cursor().execute(_MIGRATED["postgresql"])
    _CURRENT["migrated"] = True


@pytest.fixture
def make_app(tmp_path, tmp_path_factory, database_url):
    """Build an app on this test's database; ``migrate=False`` leaves it empty."""

    def build(migrate=True, **overrides):
        config = {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": database_url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses scrypt
            "SECRET_KEY": "test-secret",
            "AUDIT_KEY": "test-audit-key",
            "DEMO_PACKS": str(tmp_path / "no-packs"),
            "JOBS_IMMEDIATE": True,  # background jobs run inside the request
        }
        config.update(overrides)
        if USE_PG and not migrate and _CURRENT["migrated"]:  # an emptied schema, but this test wants none
            admin = _pg_admin()
            with admin.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA "{_CURRENT["schema"]}" CASCADE')
                cursor.execute(f'CREATE SCHEMA "{_CURRENT["schema"]}"')
            admin.close()
            _CURRENT["migrated"] = False
        app = create_app(config)
        if migrate:
            _migrate(database.obj, tmp_path_factory)
        return app

    yield build
    if not database.is_closed():
        database.close()
    if hasattr(database.obj, "close_all"):  # PostgreSQL's pool: nothing left open on the test's schema
        database.obj.close_all()


@pytest.fixture
def app(make_app):
    """The app, with no context pushed: each test-client request gets its own app
    context (and ``g``), as in production. Code run directly uses ``app.app_context()``."""
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


TOKEN = re.compile(r'name="(?:[\w-]*)csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, path=None):
    """A CSRF token for this client's session, read from a real form."""
    response = client.get(path or "/auth/login")
    match = TOKEN.search(response.get_data(as_text=True))
    if not match and path is None:
        response = client.get("/auth/account")
        match = TOKEN.search(response.get_data(as_text=True))
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Session:
    """A test client signed in through the real login form."""

    def __init__(self, client, user):
        self.client, self.user = client, user

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path, data=None, token=True, **kwargs):
        data = dict(data or {})
        if token:
            value = csrf_token(self.client, "/auth/account")
            data.setdefault("csrf_token", value)
            for prefix in {k.split("-", 1)[0] for k in list(data) if "-" in k}:
                data.setdefault(f"{prefix}-csrf_token", value)  # forms with a prefix
        return self.client.post(path, data=data, **kwargs)


@pytest.fixture
def make_user(app):
    from amplify.auth.models import User

    def create(role="comms", email=None, password=PASSWORD, **fields):
        user = User(email=email or f"{role}-{uuid.uuid4().hex[:6]}@example.org",
                    name=fields.pop("name", role.title()), role=role, **fields)
        with app.app_context():
            user.set_password(password)
        user.save()
        return user

    return create


@pytest.fixture
def login(app, make_user):
    def sign_in(role="comms", user=None):
        user = user or make_user(role)
        client = app.test_client()
        token = csrf_token(client)
        response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                    "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return Session(client, user)

    return sign_in


# Factories --------------------------------------------------------------------------------

@pytest.fixture
def factories(app):
    from amplify.campaigns.changes import add_message, change_variant_state, save_campaign
    from amplify.campaigns.models import Campaign, MessageVariant
    from amplify.people.models import Activist, Organization, save_activist, save_organization

    class Factories:
        @staticmethod
        def organization(name="Sindicato de Prueba", **fields):
            values = dict(name=name, formal=True, country="PE", our_role="amplifier",
                          last_review_on=date(2026, 1, 10), next_review_on=None, notes="",
                          review_months=6)
            values.update(fields)
            return save_organization(Organization(), **values)

        @staticmethod
        def activist(display_name="Lucía Prueba", spokesperson_for=(), **fields):
            values = dict(display_name=display_name, pseudonym="", organization=None,
                          country="PE", languages=["es"], contact_channels=[],
                          risk_level="medium", default_attribution="first_name",
                          face_may_be_shown=False, notes="")
            values.update(fields)
            return save_activist(Activist(), spokesperson_for=[str(o.id) for o in spokesperson_for],
                                 **values)

        @staticmethod
        def campaign(name="Campaña de prueba", **fields):
            values = dict(name=name, goal="", audiences=["public"], hashtags=["#C189"], links=[],
                          key_dates=[], languages=["es", "pt", "en"], frameworks=["C189"])
            values.update(fields)
            return save_campaign(Campaign(), **values)

        @staticmethod
        def message(campaign, title="Mensaje de prueba", language="es", **fields):
            variant = dict(language=language, short_form="El trabajo del hogar es trabajo.",
                           long_form="El trabajo del hogar es trabajo, con todos los derechos.",
                           call_to_action="", evidence_figure="", evidence_source="")
            variant.update(fields)
            return add_message(campaign, title, variant)

        @staticmethod
        def approve(variant, spokesperson):
            return change_variant_state(variant, "approved", approved_by=spokesperson.id,
                                        approval_method="in_person")

        @staticmethod
        def item(campaign, people=(), title="Post de prueba", text=None, channel="x",
                 language="es", variants=(), author=None, kind="post"):
            from amplify.items.changes import save_item
            from amplify.items.models import Item

            if text is None:
                text = "«El trabajo del hogar es trabajo» — " + " ".join(
                    "{%s}" % person.ref for person, *_ in people)
            return save_item(Item(author=author), people=[(p.id, appearance, attribution)
                                                         for p, appearance, attribution in people],
                             variant_ids=[v.id for v in variants], campaign=campaign, kind=kind,
                             title=title, language=language, channel=channel, text=text)

        @staticmethod
        def send(item):
            from amplify.items.changes import send_for_review
            from amplify.items.models import Item

            send_for_review(Item.get_by_id(item.id))
            return Item.get_by_id(item.id)

        @staticmethod
        def image(size=(64, 48), colour=(90, 40, 130), label="Foto de prueba"):
            import io

            from PIL import Image

            from amplify.media.models import Asset

            out = io.BytesIO()
            Image.new("RGB", size, colour).save(out, format="JPEG")
            return Asset.upload(out.getvalue(), label=label)

        @staticmethod
        def event(title="Conferencia Internacional del Trabajo", days=60, **fields):
            from datetime import date, timedelta

            from amplify.invitations.changes import save_event
            from amplify.invitations.models import Event

            start = date.today() + timedelta(days=days)
            values = dict(title=title, kind="ilo_un", level="global", host="OIT", starts_on=start,
                          ends_on=start + timedelta(days=10), place="Ginebra", online=False,
                          interpretation=True, accreditation_route="", accreditation_deadline=None,
                          seats_per_organization=None, links=[], frameworks=["C189"], campaign=None,
                          notes="")
            values.update(fields)
            return save_event(Event(), **values)

        @staticmethod
        def invitation(event=None, activist=None, organization=None, role="speaker"):
            from amplify.invitations.changes import add_invitation

            return add_invitation(event or Factories.event(), None, activist=activist,
                                  organization=organization, role=role, answer_due=None)

        @staticmethod
        def reminder(invitation, kind="no_answer"):
            from datetime import date

            from amplify.invitations.models import Reminder

            return Reminder.create(invitation=invitation, event=invitation.event_id, kind=kind, due_on=date.today(),
                                   recipient="", subject="Recordatorio", body="¿Vienes?")

        @staticmethod
        def feed_source(url="https://movimiento.example.org/feed.xml", kind="movement", **fields):
            from amplify.feeds.changes import save_source
            from amplify.feeds.models import FeedSource

            return save_source(FeedSource(), url=url, kind=kind, **fields)

        @staticmethod
        def feed_entry(source, title="Comunicado del sindicato", text="Exigimos la ratificación del C189.",
                       **fields):
            from amplify.feeds.ingest import entry_key
            from amplify.feeds.models import FeedEntry

            values = dict(link=f"https://movimiento.example.org/{abs(hash(title))}", guid="")
            values.update(fields)
            if values.get("published_at"):
                values.setdefault("seen_at", values["published_at"])
            return FeedEntry.create(source=source, key=entry_key(values["guid"], values["link"], title, text),
                                    title=title, text=text, summary=f"<p>{text}</p>", **values)

        @staticmethod
        def link(activist):
            from amplify.consent.ledger import create_link

            return create_link(activist, None)

        @staticmethod
        def variant(message, language="es"):
            return MessageVariant.get((MessageVariant.message == message)
                                      & (MessageVariant.language == language))

    for name, member in list(vars(Factories).items()):
        if isinstance(member, staticmethod):
            setattr(Factories, name, staticmethod(_in_context(app, member.__func__)))
    Factories.in_context = staticmethod(lambda function: _in_context(app, function))
    return Factories


def _in_context(app, function):
    def run(*args, **kwargs):
        with app.app_context():
            return function(*args, **kwargs)

    return run


@pytest.fixture
def runner_for():
    return lambda app: app.test_cli_runner()


def more_world(factories):
    """URL arguments for feeds and reports, for the tests that walk every route."""
    from datetime import date, timedelta

    from amplify.campaigns.models import Campaign
    from amplify.db import utcnow
    from amplify.feeds.models import PollJob
    from amplify.items.models import Item
    from amplify.media import links as media_links
    from amplify.publishing.models import Account, RemotePost, Sending
    from amplify.people.models import Activist
    from amplify.reports.models import ReportShare
    from amplify.review.models import HelpRequest

    from amplify.invitations.models import Commitment, Event, Meeting

    source = factories.feed_source()
    entry = factories.feed_entry(source)
    event = Event.select().first()
    meeting = Meeting.create(event=event, title="Reunión con el Ministerio", held_on=event.starts_on, language="es")
    commitment = Commitment.create(meeting=meeting, kind="commitment", who="Viceministra", what="Anunciarlo",
                                   due_on=event.starts_on)
    share = ReportShare.create(nonce="n-" + str(Campaign.select().count()), kind="campaign",
                               subject_id=Campaign.select().first().id, since=date(2026, 1, 1),
                               until=date(2026, 12, 31), language="es", expires_at=utcnow() + timedelta(days=3))
    media_token = factories.in_context(lambda: media_links.serializer().dumps(
        {"i": 0, "a": "0" * 64, "h": "", "e": 0}))()  # signed, for no image: "no longer in use"
    account = Account.create(network="mastodon", label="Sindicato", server_url="https://127.0.0.1",
                             secret="not-sealed")
    sending = Sending.create(item=Item.select().first(), account=account, planned_at=utcnow(), key="world")
    post = RemotePost.create(sending=sending, position=0, remote_key="1", uri="https://127.0.0.1/1",
                             state="failed")
    return {**press_world(), "account_id": account.id, "sending_id": sending.id, "post_id": post.id,
            "source_id": source.id, "entry_id": entry.id, "table": "coverage", "share_id": share.id,
            "media_token": media_token, **power_map_world(factories, Campaign.select().first()),
            "job_id": PollJob.create(total=1, done=1, source_ids=[str(source.id)]).id,
            "request_id": HelpRequest.create(activist=Activist.select().first(), kind="call").id,
            "meeting_id": meeting.id, "commitment_id": commitment.id}


def power_map_world(factories, campaign):
    """URL arguments for the power map: two actors tied, a share link, a suggestion."""
    from datetime import timedelta

    from amplify.actors.models import Actor, MapShare, Relationship, Suggestion
    from amplify.db import utcnow

    ministry = Actor.create(campaign=campaign, kind="institution", name="Ministerio de Trabajo")
    minister = Actor.create(campaign=campaign, kind="person", name="Ana Ministra", role="Ministra")
    relationship = Relationship.create(campaign=campaign, from_actor=minister, to_actor=ministry, kind="works_for")
    share = MapShare.create(nonce=f"map-{ministry.id}", campaign=campaign, language="es",
                            expires_at=utcnow() + timedelta(days=3))
    suggestion = Suggestion.create(share=share, campaign=campaign, kind="actor",
                                   data={"name": "Defensoría", "kind": "institution", "reason": "Importa"})
    return {"actor_id": minister.id, "relationship_id": relationship.id, "map_share_id": share.id,
            "suggestion_id": suggestion.id, "decision": "decline"}


def press_world():
    """One of each thing of the press desk, for the route-walking tests."""
    from amplify.db import utcnow
    from amplify.items.models import Item
    from amplify.press.models import Journalist, Outlet, Pitch, Release, ReleaseShare

    outlet = Outlet.create(name="Diario de Prueba", kind="newspaper")
    journalist = Journalist.create(name="Periodista de Prueba", outlet=outlet, email="p@diario.example",
                                   email_key="p@diario.example", private_contacts="+51 900 000 009")
    item = Item.select().order_by(Item.id).first()
    release = Release.get_or_none(Release.item == item) or Release.create(item=item)
    share = ReleaseShare.create(release=release, nonce="press-" + str(release.id), expires_at=utcnow())
    pitch = Pitch.create(release=release, journalist=journalist, method="self", content_hash=item.content_hash)
    return {"outlet_id": outlet.id, "journalist_id": journalist.id, "release_id": release.id,
            "release_share_id": share.id, "pitch_id": pitch.id}


def rebuild_deadlines(app):
    """Recompute the stored deadlines after a test wrote invitations, events or support
    lines directly, around the workflows that keep them current."""
    from amplify.invitations.deadlines import rebuild

    with app.app_context():
        rebuild()
