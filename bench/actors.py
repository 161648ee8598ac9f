"""Budget (issue 19): on a power map of 2,000 actors and 10,000 relationships, the actor page
(with its neighbourhood picture and "who could open this door?") and the spectrum chart
each render in under 300 ms, and the queries per page do not grow with the map.

Actors, positions and relationships are bulk-inserted (not through the audited workflow).
A few hubs carry many ties, as ministries do; the actor measured is the busiest hub and a
typical actor. Run: .venv/bin/python bench/actors.py [--postgres URL]   (SQLite in a
temporary folder by default; building takes a few seconds)
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reports import insert  # noqa: E402 (bench/ is not a package)

from amplify import create_app, migrations  # noqa: E402
from amplify.db import database  # noqa: E402

ACTORS, RELATIONSHIPS, HUBS = 2_000, 10_000, 20
KINDS = ("works_for", "member_of", "funds", "advises", "knows", "allied_with", "opposes")
POSITIONS = ("active_ally", "passive_ally", "neutral", "passive_opposition", "active_opposition", "unknown")
RUNS = 7


def populate(rng, campaign_id, org_ids):
    from amplify.actors.models import Actor, Position, Relationship

    now = datetime.utcnow()
    rows = []
    for n in range(ACTORS):
        ours = n < len(org_ids)
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(690))
        rows.append({"campaign": campaign_id, "kind": "organization" if ours else rng.choice(("institution", "person")),
                     "name": f"Actor {n:04d}", "organization": org_ids[n] if ours else None,
                     "position": rng.choice(POSITIONS), "influence": rng.choice(("low", "medium", "high")),
                     "position_on": day, "created_at": now, "languages": "[]"})
    insert(Actor, rows)
    ids = [row for (row,) in Actor.select(Actor.id).where(Actor.campaign == campaign_id).order_by(Actor.id).tuples()]
    history = []
    for actor_id in ids:
        for k in range(3):
            history.append({"actor": actor_id, "position": rng.choice(POSITIONS), "influence": "medium",
                            "observed_on": date(2025, 1, 1) + timedelta(days=230 * k + rng.randrange(200)),
                            "source": "bench", "recorded_at": now})
    insert(Position, history)
    hubs = ids[len(org_ids):len(org_ids) + HUBS]
    seen, ties = set(), []
    while len(ties) < RELATIONSHIPS:
        # A third of all ties touch a hub, so hubs have ~170 ties each.
        a = rng.choice(hubs) if rng.random() < 0.33 else rng.choice(ids)
        b = rng.choice(ids)
        kind = rng.choice(KINDS)
        if a == b or (a, b) in seen or kind == "member_of":
            continue  # member_of left out: random ties would make circles the app refuses
        seen.add((a, b))
        ties.append({"campaign": campaign_id, "from_actor": a, "to_actor": b, "kind": kind,
                     "directed": True, "strength": rng.choice((1, 2, 3)), "source": "bench", "created_at": now})
    insert(Relationship, ties)
    return ids, hubs


def timed(client, path, counted, original):
    timings, queries = [], 0
    for _ in range(RUNS):
        counted.clear()
        database.obj.execute_sql = lambda sql, params=None, *a, **k: (counted.append(sql), original(sql, params, *a, **k))[1]
        begun = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - begun) * 1000)
        database.obj.execute_sql = original
        assert response.status_code == 200, (path, response.status_code)
        queries = len(counted)
    return statistics.median(timings), max(timings), queries, len(response.get_data())


def main():
    url = sys.argv[sys.argv.index("--postgres") + 1] if "--postgres" in sys.argv else None
    config = {"INSTANCE_PATH": tempfile.mkdtemp(), "JOBS_IMMEDIATE": True, "WTF_CSRF_ENABLED": False}
    if url:
        config["DATABASE_URL"] = url
    app = create_app(config)
    migrations.upgrade(database.obj)
    rng = random.Random(19)
    started = time.perf_counter()
    with app.test_request_context():
        from amplify.actors.models import Actor
        from amplify.auth.models import User
        from amplify.campaigns.changes import save_campaign
        from amplify.campaigns.models import Campaign
        from amplify.people.models import Organization, save_organization

        campaign = save_campaign(Campaign(), name="Ratificar C189", goal="", audiences=["policymakers"], hashtags=[],
                                 links=[], key_dates=[], languages=["es"], frameworks=["C189"])
        orgs = [save_organization(Organization(), name=f"Sindicato {n}", formal=True, country="PE",
                                  our_role="ally", last_review_on=date(2026, 6, 1), next_review_on=None, notes="",
                                  review_months=6).id for n in range(10)]
        ids, hubs = populate(rng, campaign.id, orgs)
        if url:
            database.execute_sql("ANALYZE")
        user = User(email="bench@example.org", name="Bench", role="viewer")
        user.set_password("bench-password-1")
        user.save()
        slug = campaign.slug
        typical = Actor.get_by_id(ids[len(ids) // 2])
    print(f"actors: built {ACTORS:,} actors, {ACTORS * 3:,} positions, {RELATIONSHIPS:,} relationships in "
          f"{time.perf_counter() - started:.1f} s ({'PostgreSQL' if url else 'SQLite'}); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
          + (" — a loaded machine: timings run long" if os.getloadavg()[0] > os.cpu_count() else ""))
    client = app.test_client()
    client.post("/auth/login", data={"email": "bench@example.org", "password": "bench-password-1"})
    counted, original = [], database.obj.execute_sql
    pages = [
        ("spectrum chart (the campaign's map page)", f"/actors/campaigns/{slug}"),
        ("actor page, busiest hub (neighbourhood + paths)", f"/actors/{hubs[0]}"),
        ("actor page, a typical actor", f"/actors/{typical.id}"),
        ("how the spectrum moved, one year", f"/actors/campaigns/{slug}/moved?since=2025-06-01&until=2026-06-01"),
        ("spectrum CSV (every actor)", f"/actors/campaigns/{slug}/spectrum.csv"),
    ]
    for label, path in pages:
        median, worst, queries, size = timed(client, path, counted, original)
        print(f"  {label}: median {median:.0f} ms, worst {worst:.0f} ms (budget 300 ms); "
              f"{queries} queries; {size / 1024:.0f} KB")


if __name__ == "__main__":
    main()
