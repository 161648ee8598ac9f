"""Budgets (issue 17), against a real Bluesky PDS (tests/pds) and one real worker process
(``amplify worker``, huey on SQLite in the instance folder):

- 100 scheduled items: each sent within 60 s of its planned time by one worker;
- the worker killed with SIGKILL in the middle of the batch, then restarted: every item
  published exactly once (records counted on the PDS);
- 100 withdrawals: every deletion confirmed (read back as gone) within 5 minutes.

Run: .venv/bin/python bench/publishing.py   (about five minutes: the worker's sweep runs
each minute, and a sending a killed worker left is taken up after
AMPLIFY_PUBLISHING_RETRY_MINUTES, set to 1 here.)
"""

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from amplify import create_app, migrations  # noqa: E402
from amplify.db import database, utcnow  # noqa: E402
from tests.pds import PDS  # noqa: E402

ITEMS = 100
KILL_AFTER = 40  # sent, of the batch, when the worker is killed


def environment(instance):
    return {**os.environ, "AMPLIFY_INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{instance / 'amplify.db'}", "SECRET_KEY": "bench-secret",
            "AMPLIFY_AUDIT_KEY": "bench-audit", "AMPLIFY_PUBLISHING_KEY": "bench-publishing",
            "AMPLIFY_FEEDS_ALLOW_PRIVATE": "1", "AMPLIFY_PUBLISHING_RETRY_MINUTES": "1",
            "AMPLIFY_DEMO_PACKS": str(instance / "no-packs")}


def start_worker(env):
    return subprocess.Popen([str(Path(sys.executable).parent / "amplify"), "worker", "--workers", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def records_on(pds):
    count, cursor = 0, None
    while True:
        query = {"repo": pds.did, "collection": "app.bsky.feed.post", "limit": 100}
        if cursor:
            query["cursor"] = cursor
        with urllib.request.urlopen(f"{pds.url}/xrpc/com.atproto.repo.listRecords?{urlencode(query)}") as answer:
            page = json.loads(answer.read())
        count += len(page["records"])
        cursor = page.get("cursor")
        if not cursor or not page["records"]:
            return count


def seed(app, pds):
    from amplify.campaigns.changes import save_campaign
    from amplify.campaigns.models import Campaign
    from amplify.consent import ledger
    from amplify.items.changes import save_item, send_for_review
    from amplify.items.models import Item
    from amplify.people.models import Activist, save_activist
    from amplify.publishing import changes, tasks

    with app.test_request_context():
        campaign = save_campaign(Campaign(), name="Trabajo digno", goal="", audiences=["public"],
                                 hashtags=["#C189"], links=[], key_dates=[], languages=["es"],
                                 frameworks=["C189"])
        maria = save_activist(Activist(), spokesperson_for=[], display_name="María Quispe",
                              pseudonym="Flor del Valle", organization=None, country="PE", languages=["es"],
                              contact_channels=[], risk_level="medium", default_attribution="pseudonym",
                              face_may_be_shown=False, notes="")
        account = changes.connect_account("bluesky", "Sindicato", pds.url, pds.handle, pds.password)
        items = []
        for n in range(ITEMS):
            item = save_item(Item(), people=[(maria.id, "quoted", None)], variant_ids=[], campaign=campaign,
                             kind="post", title=f"Post {n}", language="es", channel="bluesky",
                             text=f"#C189 {n}: «El trabajo del hogar es trabajo» — {{{maria.ref}}}")
            send_for_review(Item.get_by_id(item.id))
            item = Item.get_by_id(item.id)
            ledger.record_decision(maria, "item", item, item.content_hash, "given", method="review_page",
                                   scope={"channels": ["bluesky"], "attribution": "pseudonym"})
            items.append(Item.get_by_id(item.id))
        start = utcnow() + timedelta(seconds=20)
        for n, item in enumerate(items):  # a minute's worth, as "Publish directly" plans them
            tasks.queue(changes.plan(item, account, start + timedelta(seconds=n * 0.6)))
    return maria, items


def wait_for(condition, seconds, every=1.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


def main():
    instance = Path(tempfile.mkdtemp(prefix="amplify-bench-publishing-"))
    env = environment(instance)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("AMPLIFY_", "SECRET_", "DATABASE_"))})
    pds = PDS()
    worker = None
    try:
        app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": env["DATABASE_URL"]})
        migrations.upgrade(database.obj)
        from amplify.consent import ledger
        from amplify.items.models import Item, Publication
        from amplify.publishing.models import Sending

        before = records_on(pds)
        maria, items = seed(app, pds)
        print(f"{ITEMS} items planned over a minute, from {Sending.select().first().planned_at:%H:%M:%S} UTC")
        worker = start_worker(env)
        sent = lambda: Sending.select().where(Sending.state == "sent").count()  # noqa: E731
        wait_for(lambda: sent() >= KILL_AFTER, 300, every=0.01)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed_at = sent()
        print(f"worker killed with SIGKILL after {killed_at} of {ITEMS} were sent; restarted")
        worker = start_worker(env)
        done = wait_for(lambda: sent() == ITEMS, 420)
        lags = sorted((s.sent_at - s.planned_at).total_seconds() for s in Sending.select())
        left = [s.id for s in Sending.select().where(Sending.state != "sent")]
        records = records_on(pds) - before
        late = [lag for lag in lags if lag > 60]
        print(f"all sent: {done}; records on the PDS: {records} for {ITEMS} items "
              f"({'exactly once' if records == ITEMS else 'NOT exactly once'}); not sent: {left}")
        print(f"delay from planned time to sent: median {statistics.median(lags):.1f} s, "
              f"worst {lags[-1]:.1f} s; over 60 s: {len(late)} (budget 0"
              f"{'; the killed worker held one sending until its claim went stale' if late else ''})")

        started = time.monotonic()
        with app.test_request_context():
            for item in items:
                ledger.record_decision(maria, "item", Item.get_by_id(item.id), item.content_hash, "withdrawn",
                                       method="review_page")
        taken = lambda: Publication.select().where(Publication.takedown_state == "taken_down").count()  # noqa: E731
        confirmed = wait_for(lambda: taken() == ITEMS, 600)
        seconds = time.monotonic() - started
        print(f"{ITEMS} withdrawals: {taken()} take-downs confirmed in {seconds:.0f} s (budget 300 s): "
              f"{'ok' if confirmed and seconds <= 300 else 'OVER'}; records left on the PDS: "
              f"{records_on(pds) - before}")
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait()
        pds.stop()


if __name__ == "__main__":
    main()
