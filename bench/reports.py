"""Budget (issue 8): a campaign report over a database with 100,000 items, 1,000,000
consent decisions, 100,000 invitations and 1,000,000 feed entries renders in under 1 s,
with a number of queries that does not grow with the data.

The rows are bulk-inserted (the ledger's chain is not what is measured here), spread over
ten campaigns as in a real installation; the report is for the largest one, over a year.
Run: .venv/bin/python bench/reports.py [--postgres URL | --keep FILE.db]   (SQLite in a
temporary folder by default; building the data takes 4-6 minutes; a database that already
holds it, in --keep or --postgres, is reused)
"""

import io
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone

import peewee

from amplify import create_app, migrations
from amplify.db import database, is_postgres

ITEMS, DECISIONS, INVITATIONS, ENTRIES = 100_000, 1_000_000, 100_000, 1_000_000
CAMPAIGNS, PEOPLE, EVENTS, ORGS = 10, 5_000, 2_000, 50
BATCH = 5_000
START = datetime(2025, 12, 1, tzinfo=timezone.utc)


def stamp(rng, days=365):
    return (START + timedelta(seconds=rng.randrange(days * 86400))).replace(tzinfo=None)


def insert(model, rows):
    """Bulk-insert dict rows the fastest way each database offers: COPY on PostgreSQL, one
    executemany per batch on SQLite, all in one transaction. Rows hold database values (naive
    UTC, ids, JSON as text); model defaults fill the fields a row leaves out."""
    if not rows:
        return
    meta = model._meta
    fields = [f for f in meta.sorted_fields if not isinstance(f, peewee.AutoField)]
    given = [f for f in fields if f.name in rows[0]]
    defaults = [f.db_value(f.default() if callable(f.default) else f.default)
                for f in fields if f.name not in rows[0]]
    # Rows hold database values already (naive UTC, ids, JSON as text): no conversion.
    names = [f.name for f in given]
    values = [[row[name] for name in names] + defaults for row in rows]
    fields = given + [f for f in fields if f.name not in rows[0]]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    with database.atomic():
        if is_postgres():
            buffer = io.StringIO()
            for line in values:
                buffer.write("\t".join(_copy_text(v) for v in line) + "\n")
            buffer.seek(0)
            database.cursor().copy_expert(f'COPY "{meta.table_name}" ({columns}) FROM STDIN', buffer)
        else:
            marks = ", ".join("?" for _ in fields)
            database.cursor().executemany(f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks})', values)


def _copy_text(value):
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def sizes(scale=1.0):
    """How many of each at ``scale`` (1: the full scale of issues 8 and 13)."""
    full = {"items": ITEMS, "decisions": DECISIONS, "invitations": INVITATIONS, "entries": ENTRIES,
            "people": PEOPLE, "events": EVENTS}
    return {name: max(ORGS, int(count * scale)) for name, count in full.items()}



def analyze(url):
    """Statistics for the planner, as autovacuum keeps them in production (PostgreSQL's
    index-only scans also need the visibility map that VACUUM writes). ``url``: a
    PostgreSQL address, else the SQLite database in use."""
    if url and url.startswith("postgresql"):
        import psycopg2

        maintenance = psycopg2.connect(url)
        maintenance.autocommit = True
        maintenance.cursor().execute("VACUUM ANALYZE")
        maintenance.close()
    else:
        database.execute_sql("ANALYZE")

def populate(rng, scale=1.0):
    """Build the data set (``scale`` of the full one); returns the largest campaign's id."""
    size = sizes(scale)
    from amplify.campaigns.models import Campaign, CampaignOrganization
    from amplify.consent.models import Decision
    from amplify.feeds.models import FeedEntry, FeedSource
    from amplify.invitations.models import Event, Invitation
    from amplify.items.models import Item, ItemPerson, Publication
    from amplify.people.models import Activist, Organization

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    insert(Organization, [dict(slug=f"org-{n}", name=f"Organización {n}", country="PE", our_role="ally",
                               next_review_on=date(2027, 1, 1), created_at=now, updated_at=now) for n in range(ORGS)])
    org_ids = [o.id for o in Organization.select(Organization.id)]
    insert(Activist, [dict(ref=f"p-{n}", display_name=f"Persona {n}", pseudonym=f"Seudónimo {n}",
                           organization=org_ids[n % ORGS], country=("PE", "BR", "CL", "MX")[n % 4],
                           languages='["es"]', contact_channels="[]",
                           risk_level=("low", "medium", "high")[n % 3],
                           default_attribution=("full_name", "first_name", "pseudonym", "anonymous")[n % 4],
                           created_at=now, updated_at=now) for n in range(size["people"])])
    people = [a.id for a in Activist.select(Activist.id)]
    insert(Campaign, [dict(slug=f"campana-{n}", name=f"Campaña {n}", goal="", audiences='["public"]',
                           hashtags='["#C189"]', links="[]", languages='["es"]', frameworks='["C189"]',
                           key_dates="[]", created_at=now, updated_at=now) for n in range(CAMPAIGNS)])
    campaigns = [c.id for c in Campaign.select(Campaign.id)]
    insert(CampaignOrganization, [dict(campaign=campaigns[n % CAMPAIGNS], organization=org_ids[n])
                                  for n in range(ORGS)])
    # The first campaign holds a third of everything, the rest is spread evenly.
    weights = [3] + [1] * (CAMPAIGNS - 1)
    insert(Item, [dict(campaign=rng.choices(campaigns, weights)[0], kind="post", title=f"Item {n}",
                       language=rng.choice(("es", "pt", "en")), channel=rng.choice(("x", "mastodon", "bluesky")),
                       text="Texto", state="published", version=1, content_hash=f"{n:064x}",
                       created_at=now, updated_at=now) for n in range(size["items"])])
    items = list(Item.select(Item.id, Item.campaign, Item.content_hash).tuples())
    insert(ItemPerson, [dict(item=item_id, activist=rng.choice(people), appearance="quoted")
                        for item_id, _c, _h in items])
    owner = dict((item_id, person) for item_id, person in ItemPerson.select(ItemPerson.item, ItemPerson.activist).tuples())
    pubs = []
    for item_id, _c, _h in items:
        when = stamp(rng)
        withdrawn = rng.random() < 0.02
        pubs.append(dict(item=item_id, channel="x", url="", published_at=when,
                         takedown_state="taken_down" if withdrawn else "none",
                         takedown_required_at=when + timedelta(days=3) if withdrawn else None,
                         taken_down_at=when + timedelta(days=3, hours=rng.randrange(1, 48)) if withdrawn else None))
    insert(Publication, pubs)
    # Requests in time order (as the ledger appends them), each answered 1 to 200 hours later.
    rows, seq = [], 0
    for asked in sorted(stamp(rng) for _ in range(size["decisions"] // 2)):
        item_id, _c, content_hash = items[rng.randrange(size["items"])]
        waited = timedelta(hours=rng.randrange(1, 200))
        for outcome, when, seconds in (("requested", asked, None),
                                       (rng.choice(("given", "given", "refused", "changes_requested")),
                                        asked + waited, waited.total_seconds())):
            seq += 1
            rows.append(dict(seq=seq, prev_hash="0" * 64, hash=f"{seq:064x}", at=when, activist=owner[item_id],
                             subject_type="item", subject_id=item_id, content_hash=content_hash, outcome=outcome,
                             scope="{}", method="review_page", waited_seconds=seconds))
        if len(rows) >= 50_000:
            insert(Decision, rows)
            rows = []
    insert(Decision, rows)
    insert(Event, [dict(title=f"Evento {n}", kind="conference", level=rng.choice(("local", "national", "regional",
                                                                                    "global")),
                        starts_on=(START + timedelta(days=rng.randrange(365))).date(),
                        ends_on=(START + timedelta(days=366)).date(), languages="[]", links="[]",
                        frameworks=rng.choice(('["C189"]', '["C190", "CEDAW"]', "[]")),
                        campaign=rng.choices(campaigns, weights)[0], created_at=now, updated_at=now)
                   for n in range(size["events"])])
    events = [e.id for e in Event.select(Event.id)]
    states = ("invited", "accepted", "declined", "confirmed", "attended", "debriefed", "expired", "offered")
    insert(Invitation, [dict(event=rng.choice(events), activist=rng.choice(people), role="speaker",
                             state=rng.choice(states), created_at=now, updated_at=now)
                        for _ in range(size["invitations"])])
    insert(FeedSource, [dict(url=f"https://medio-{n}.example.org/feed", kind="monitoring", created_at=now,
                             keywords="[]") for n in range(20)])
    sources = [s.id for s in FeedSource.select(FeedSource.id)]
    rows = []
    for n in range(size["entries"]):
        coverage = rng.random() < 0.3
        published = stamp(rng)
        rows.append(dict(source=rng.choice(sources), key=f"{n:064x}", title=f"Nota {n}", fetched_at=stamp(rng),
                         published_at=published, seen_at=published, state="coverage" if coverage else "new", matched="[]",
                         high_risk="[]", campaign=rng.choices(campaigns, weights)[0] if coverage else None))
        if len(rows) >= 50_000:
            insert(FeedEntry, rows)
            rows = []
    insert(FeedEntry, rows)
    return campaigns[0]


def main():
    url = sys.argv[sys.argv.index("--postgres") + 1] if "--postgres" in sys.argv else None
    kept = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None  # reuse a built SQLite file
    config = {"INSTANCE_PATH": tempfile.mkdtemp(), "JOBS_IMMEDIATE": True}
    if url:
        config["DATABASE_URL"] = url
    elif kept:
        config["DATABASE_URL"] = f"sqlite:///{kept}"
    app = create_app(config)
    migrations.upgrade(database.obj)
    rng = random.Random(189)
    started = time.perf_counter()
    with app.app_context():
        from amplify.campaigns.models import Campaign

        reused = Campaign.select().exists()
        campaign_id = Campaign.select().order_by(Campaign.id).first().id if reused else populate(rng)
        analyze(url)
    print(f"reports: {'reused' if reused else 'built'} {ITEMS:,} items, {DECISIONS:,} decisions, {INVITATIONS:,} invitations, "
          f"{ENTRIES:,} feed entries in {time.perf_counter() - started:.0f} s "
          f"({'PostgreSQL' if url else 'SQLite'})")
    from amplify.campaigns.models import Campaign
    from amplify.reports.figures import CampaignScope, build

    counted = []
    original = database.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        counted.append(sql)
        return original(sql, params, *args, **kwargs)

    client = app.test_client()
    with app.app_context():
        from amplify.auth.models import User

        if not User.select().where(User.email == "bench@example.org").exists():
            user = User(email="bench@example.org", name="Bench", role="viewer")
            user.set_password("bench-password-1")
            user.save()
        slug = Campaign.get_by_id(campaign_id).slug
    client.post("/auth/login", data={"email": "bench@example.org", "password": "bench-password-1"})
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/auth/login", data={"email": "bench@example.org", "password": "bench-password-1"})
    path = f"/reports/campaigns/{slug}?since=2025-12-01&until=2026-11-30&lang=es"
    timings = []
    for _ in range(5):
        counted.clear()
        database.obj.execute_sql = counting
        begun = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - begun)
        database.obj.execute_sql = original
        assert response.status_code == 200, response.status_code
    with app.app_context():
        report = build(CampaignScope(Campaign.get_by_id(campaign_id)), date(2025, 12, 1), date(2026, 11, 30))
    print(f"  campaign report page (largest campaign, one year): median {statistics.median(timings) * 1000:.0f} ms, "
          f"worst {max(timings) * 1000:.0f} ms (budget 1000 ms); {len(counted)} queries per page")
    print(f"  it covered {sum(r[3] for r in report.publications):,} publications, "
          f"{sum(report.outcomes.values()):,} consent answers ({report.answers:,} timed), "
          f"{sum(report.invitations_by_state.values()):,} invitations, "
          f"{sum(n for _, n in report.coverage):,} coverage mentions, {report.fairness.pool:,} people in the pool")


if __name__ == "__main__":
    main()
