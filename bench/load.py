"""Budget (issue 13): every page stays fast and small at years of data, under concurrent use.

Builds bench/reports.py's data set (100,000 items, 1,000,000 decisions, 100,000
invitations, 1,000,000 feed entries, 5,000 people, 2,000 events at ``--size 100k``; a
hundredth at 1k, a tenth at 10k) with bulk inserts, then starts Amplify and a bare-Flask
floor (bench/floor.py: a Jinja table of the same byte size) under gunicorn with the same
settings (``--workers 4``, as the README deploys it), and loads them alternately in one
run at 1 and 8 concurrent users, page by page. Prints per page: bytes, queries, p50/p95 at
1 and 8 users, requests/s at 8 users, the ratio to the floor, and each worker's RSS after.

Run: .venv/bin/python bench/load.py --size 10k [--db sqlite|postgresql] [--url URL]
     [--requests N] [--only "items list,home"]   (a database built for that size is reused)
"""

import argparse
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import actors
import reports
from amplify import create_app, migrations
from amplify.db import database, is_postgres, readable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
SCALES = {"1k": 0.01, "10k": 0.1, "100k": 1.0}
PASSWORD = "bench-password-1"
SECRET = "bench-secret-key"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
PENDING = 15  # items waiting on the review page, as in the table


# Data ------------------------------------------------------------------------------------

def build(app, scale, url):
    """Fill an empty database (reuse a full one); return what the pages need."""
    from amplify.auth.models import User
    from amplify.campaigns.models import Campaign
    from amplify.consent.clearance import clearance
    from amplify.consent.ledger import create_link
    from amplify.invitations import deadlines
    from amplify.items.models import Item, ItemPerson
    from amplify.people.models import Activist

    with app.app_context():
        built = False
        if not Campaign.select().exists():
            started = time.perf_counter()
            if not is_postgres():  # a throw-away build: no need to survive a power cut midway
                database.execute_sql("PRAGMA synchronous = OFF")
                database.execute_sql("PRAGMA cache_size = -262144")
            reports.populate(random.Random(189), scale)
            generated = time.perf_counter() - started
            # The generated answers carry no scope, so clearance() refuses every item: check
            # that on a sample, then store that verdict for all (as the ledger keeps it).
            sample = Item.select().order_by(Item.id).limit(20)
            assert not any(clearance(item).cleared for item in sample)
            Item.update(cleared=False).where(Item.cleared.is_null()).execute()
            deadlines.rebuild()
            user = User(email="bench@example.org", name="Bench", role="admin")
            user.set_password(PASSWORD)
            user.save()
            print(f"built {scale:g} of the full data set in {time.perf_counter() - started:.0f} s "
                  f"({generated:.0f} s of bulk inserts, {'PostgreSQL' if is_postgres() else 'SQLite'})")
            built = True
        if built:
            reports.analyze(url)
        waiting_for(Activist.select().order_by(Activist.id).first())
        campaign = Campaign.select().order_by(Campaign.id).first()
        hub = power_map(campaign)
        person = Activist.select().order_by(Activist.id).first()
        _link, token = create_link(person, None, days=1)
        item = Item.select().order_by(Item.id.desc()).first()
        counts = {model.__name__: model.select().count() for model in (Item, Activist)}
    return {"slug": campaign.slug, "token": token, "item": item.id, "counts": counts, "actor": hub}


def waiting_for(person):
    """Make PENDING of her items wait for her answer, as the issue's table has it: in
    review, on a version she has not answered (the generated answers are final)."""
    import hashlib

    from amplify.consent.ledger import pending_for
    from amplify.items.models import Item, ItemPerson

    mine = [row.id for row in Item.select(Item.id).join(ItemPerson, on=(ItemPerson.item == Item.id))
            .where(ItemPerson.activist == person).order_by(Item.id).limit(PENDING)]
    Item.update(state="in_review").where(Item.id.in_(mine)).execute()
    if len(pending_for(person)) < len(mine):
        for item_id in mine:  # a new version: her earlier answer no longer counts
            Item.update(content_hash=hashlib.sha256(f"bench-pending-{item_id}".encode()).hexdigest()).where(
                Item.id == item_id).execute()
    assert len(pending_for(person)) == len(mine), "her items should wait for her"


def power_map(campaign):
    """The first campaign's power map at issue 19's size (bench/actors.py's 2,000 actors and
    10,000 relationships, built once); returns its busiest actor."""
    import peewee

    from amplify.actors.models import Actor, Relationship
    from amplify.people.models import Organization

    if not Actor.select().where(Actor.campaign == campaign).exists():
        ours = [o.id for o in Organization.select(Organization.id).order_by(Organization.id).limit(10)]
        actors.populate(random.Random(19), campaign.id, ours)
    return (Relationship.select(Relationship.from_actor).where(Relationship.campaign == campaign)
            .group_by(Relationship.from_actor).order_by(peewee.fn.COUNT(Relationship.id).desc())
            .limit(1).scalar())


def pages(world):
    """``[(name, method, path, form)]``: the issue's table, plus the other lists (those of
    ``--only`` when it names some)."""
    chosen = world.get("only")
    return [page for page in all_pages(world) if not chosen or page[0] in chosen]


def all_pages(world):
    slug, item = world["slug"], world["item"]
    report = f"/reports/campaigns/{slug}?" + urlencode({"since": "2025-12-01", "until": "2026-11-30", "lang": "es"})
    return [
        ("consent", "GET", "/consent/", None),
        ("invitations board", "GET", "/invitations/", None),
        ("deadlines", "GET", "/invitations/deadlines", None),
        ("items list", "GET", "/items/", None),
        ("home", "GET", "/", None),
        ("outbox", "GET", "/invitations/outbox", None),
        ("feeds inbox", "GET", "/feeds/", None),
        ("feeds coverage", "GET", f"/feeds/coverage?campaign={slug}", None),
        ("campaign report", "GET", report, None),
        ("editor counter", "POST", "/drafting/count",
         {"text": "Hoy hablamos con Persona 12 en la plaza: llama al 987 654 321.", "channel": "x", "kind": "post"}),
        ("review page", "GET", f"/r/{world['token']}", None),
        ("item detail", "GET", f"/items/{item}", None),
        ("people", "GET", "/people/activists/", None),
        ("events", "GET", "/invitations/events/", None),
        ("take-down queue", "GET", "/consent/takedowns", None),
        ("campaign", "GET", f"/campaigns/{slug}", None),
        ("composer", "GET", f"/drafting/{slug}", None),
        ("power map", "GET", f"/actors/campaigns/{slug}", None),
        ("actor page", "GET", f"/actors/{world['actor']}", None),
    ]


def queries_and_bytes(app, world):
    """``{name: (queries, bytes)}`` measured in-process (one warm request, then one counted)."""
    counted = []
    original = database.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        counted.append((readable(sql), params))  # a prepared kept query as its SELECT, to EXPLAIN
        return original(sql, params, *args, **kwargs)

    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/auth/login", data={"email": "bench@example.org", "password": PASSWORD})
    found = {}
    for name, method, path, form in pages(world):
        client.open(path, method=method, data=form)
        counted.clear()
        database.obj.execute_sql = counting
        try:
            response = client.open(path, method=method, data=form)
        finally:
            database.obj.execute_sql = original
        assert response.status_code == 200, (name, response.status_code)
        found[name] = (len(counted), len(response.data))
        scans = full_scans(counted)
        if scans:
            print(f"  {name}: full scans of {', '.join(scans)}")
    report = next((page for page in pages(world) if page[0] == "campaign report"), None)
    if report:
        print(f"  campaign report computed afresh (after a write raised the generation): "
              f"median {afresh(client, report[2]):.0f} ms of 3; from its cache: the table below")
    app.config["WTF_CSRF_ENABLED"] = True
    return found


def afresh(client, path, times=3):
    """Milliseconds to compute the report when its cached figures are old: the generation
    raised as any write to a table it reads would raise it."""
    timings = []
    for _ in range(times):
        with database.atomic():
            database.execute_sql("UPDATE report_generation SET n = n + 1 WHERE id = 1")
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    return sorted(timings)[len(timings) // 2]


LARGE_TABLES = ("item", "decision", "invitation", "feed_entry")


def full_scans(statements):
    """The large tables that ``statements`` read from end to end, as EXPLAIN says: a
    sequential scan on PostgreSQL, a SCAN of the table itself (no index) on SQLite."""
    found = set()
    with database.atomic() as transaction:
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if is_postgres():
                lines = [row[0] for row in database.execute_sql("EXPLAIN " + sql, params).fetchall()]
                found |= {t for line in lines for t in LARGE_TABLES if f"Seq Scan on {t} " in line + " "}
            else:
                rows = database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
                for row in rows:
                    detail = row[-1]
                    match = re.fullmatch(r"SCAN (\w+)", detail)  # "USING INDEX": walked in order, limited
                    if match:
                        alias = match.group(1)
                        table = re.search(r'FROM "?(\w+)"? AS "?%s"?' % alias, sql) or \
                            re.search(r'JOIN "?(\w+)"? AS "?%s"?' % alias, sql)
                        name = table.group(1) if table else alias
                        if name in LARGE_TABLES:
                            found.add(name)
        transaction.rollback()
    return sorted(found)


# Servers ---------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn(app_spec, env, cwd):
    """Start gunicorn --workers 4 (the README's settings) and wait until it answers."""
    port = free_port()
    process = subprocess.Popen([str(BIN / "gunicorn"), "--workers", "4", "--bind", f"127.0.0.1:{port}",
                                "--log-level", "warning", app_spec], env=env, cwd=cwd, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz" if "amplify" in app_spec else "/table?bytes=10")
            connection.getresponse().read()
            return process, port
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{app_spec} did not start")


def worker_rss(process):
    """RSS in MiB of each gunicorn worker (the master's children)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def login(port):
    """A signed-in session cookie and its CSRF token, through the real login form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/auth/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    match = TOKEN.search(page)
    body = urlencode({"email": "bench@example.org", "password": PASSWORD,
                      "csrf_token": match.group(1) or match.group(2)})
    connection.request("POST", "/auth/login", body=body, headers={
        "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    assert response.status == 302, response.status
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    connection.request("GET", "/auth/account", headers={"Cookie": cookie})
    response = connection.getresponse()
    page = response.read().decode()
    if response.getheader("Set-Cookie"):  # the session now holds the CSRF secret
        cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    match = TOKEN.search(page)
    return cookie, match.group(1) or match.group(2)


# Load ------------------------------------------------------------------------------------

def load(port, method, path, form, users, total, headers):
    """``total`` requests from ``users`` threads, each on its own keep-alive connection.
    Returns (latencies in ms, requests per second, statuses that were not 200)."""
    latencies, failures, lock = [], [], threading.Lock()
    body = urlencode(form) if form else None
    per_user = max(1, total // users)

    def user():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(per_user):
            begun = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = (time.perf_counter() - begun) * 1000
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(status)
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, len(latencies) / (time.perf_counter() - started), failures


def p(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SCALES, default="10k")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", help="PostgreSQL URL (default: a database of its own on 127.0.0.1)")
    parser.add_argument("--requests", type=int, default=24, help="requests per page and level (default 24)")
    parser.add_argument("--only", help="pages to load, comma-separated names as printed (default: all)")
    parser.add_argument("--build-only", action="store_true", help="build (or check) the data set and stop")
    args = parser.parse_args()
    if args.db == "postgresql":
        url = args.url or f"postgresql://postgres@127.0.0.1:5432/amplify_load_{args.size}"
        create_database(url)
    else:
        url = f"sqlite:///{tempfile.gettempdir()}/amplify-load-{args.size}.db"
    instance = tempfile.mkdtemp(prefix="amplify-load-")
    # Every key given: a database built once is reused by later runs, each with a new
    # instance folder (a key generated there would not match the one it was built with).
    config = {"DATABASE_URL": url, "INSTANCE_PATH": instance, "SECRET_KEY": SECRET, "AUDIT_KEY": SECRET,
              "PUBLISHING_KEY": SECRET,
              "JOBS_IMMEDIATE": True}
    app = create_app(config)
    with app.app_context():
        migrations.upgrade(database.obj)
    world = build(app, SCALES[args.size], url)
    if args.build_only:
        return
    world["only"] = {name.strip() for name in args.only.split(",")} if args.only else None
    measured = queries_and_bytes(app, world)
    database.close()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY=SECRET, AMPLIFY_AUDIT_KEY=SECRET, AMPLIFY_PUBLISHING_KEY=SECRET,
               AMPLIFY_INSTANCE_PATH=instance, AMPLIFY_WORKER="external")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stopped: still stop the servers
    product, product_port = gunicorn("amplify:create_app()", env, ROOT)
    floor, floor_port = gunicorn("floor:app", dict(os.environ), HERE)
    rows = []
    try:
        cookie, token = login(product_port)
        for name, method, path, form in pages(world):
            headers = {"Cookie": cookie}
            if form:
                form = dict(form, csrf_token=token)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            queries, size = measured[name]
            floor_path = f"/table?bytes={size}"
            result = {"name": name, "bytes": size, "queries": queries}
            for port, warm_path, warm_method, warm_form, warm_headers in (
                    (product_port, path, method, form, headers), (floor_port, floor_path, "GET", None, {})):
                load(port, warm_method, warm_path, warm_form, 4, 8, warm_headers)  # every worker warm
            for users in (1, 8):
                total = args.requests if users == 1 else args.requests * 2
                ours = load(product_port, method, path, form, users, total, headers)
                theirs = load(floor_port, "GET", floor_path, None, users, total, {})
                result[users] = (ours, theirs)
            rows.append(result)
            report(result)
        rss = worker_rss(product)
    finally:
        stop(product)
        stop(floor)
    print(f"\nworkers' RSS after the load (MiB): {', '.join(f'{r:.0f}' for r in rss)}")
    print(f"data: {world['counts']['Item']:,} items, {world['counts']['Activist']:,} people "
          f"({args.size}, {args.db})")


def report(row):
    one, eight = row[1], row[8]
    ours1, floor1 = one[0][0], one[1][0]
    ours8 = eight[0][0]
    failed = one[0][2] + eight[0][2]
    print(f"{row['name']:<18} {row['bytes']:>9,} B {row['queries']:>4} q | 1 user p50 {p(ours1, .5):7.1f} "
          f"p95 {p(ours1, .95):7.1f} ms (floor p50 {p(floor1, .5):5.1f}, ×{p(ours1, .5) / max(p(floor1, .5), .01):5.1f}) "
          f"| 8 users p50 {p(ours8, .5):7.1f} p95 {p(ours8, .95):7.1f} ms, {eight[0][1]:6.1f} req/s "
          f"(floor {eight[1][1]:6.1f}, {eight[0][1] / max(eight[1][1], .01):4.2f} of it)"
          + (f" FAILED: {failed[:5]}" if failed else ""), flush=True)


def create_database(url):
    import psycopg2
    from playhouse.db_url import parse

    params = parse(url)
    name = params.pop("database")
    params["dbname"] = "postgres"
    connection = psycopg2.connect(**params)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
        # As the README advises for SSD storage (this machine's disk).
        cursor.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    connection.close()


if __name__ == "__main__":
    main()
