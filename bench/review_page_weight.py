"""Budget (issues 3 and 14): her review page costs at most 2 requests (HTML + CSS: it
declares no icon), weighs at most 8 KB of HTML + CSS plus 6 KB per thing waiting for her,
and loads in at most 1.5 s on a 400 kbps line with 400 ms latency.

Loads the demo pack into a temporary SQLite database, sends every draft for review (the
heaviest pages: everything waiting at once), opens the review page of each demo activist
and prints its weight next to the budget. When Chromium is installed it also loads each
page with JavaScript off at 360 × 740 over the throttled line (Chromium's own network
emulation) and counts the requests the page made.
Run: .venv/bin/python bench/review_page_weight.py
"""

import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

from amplify import create_app, migrations
from amplify.db import database

PAGE_BUDGET = 8 * 1024
PER_ITEM_BUDGET = 6 * 1024
SECONDS_BUDGET = 1.5
MAX_REQUESTS = 2
RUNS = 3
LINE = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
        "uploadThroughput": 400_000 / 8}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def demo_pages(app):
    """``[(name, token, things waiting)]`` for every demo activist."""
    with app.app_context():
        from amplify.campaigns.packs import import_pack
        from amplify.consent.ledger import create_link, pending_for, variants_pending_for
        from amplify.items.changes import send_for_review
        from amplify.items.models import Item
        from amplify.people.models import Activist

        import_pack(app.config["DEMO_PACKS"] + "/domestic-work-is-work", trusted=True)
        for item in Item.select().where(Item.state == "draft"):
            send_for_review(item)
        return [(a.display_name, create_link(a, None)[1], len(pending_for(a)) + len(variants_pending_for(a)))
                for a in Activist.select().order_by(Activist.id)]


def load_once(browser, url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request, seen=requests: seen.append(request))
    page.request.get(url)  # warm: templates compiled, as in a running server
    context.new_cdp_session(page).send("Network.emulateNetworkConditions", LINE)
    page.goto(url, wait_until="load")
    first = min(r.timing["startTime"] for r in requests)
    last = max(r.timing["startTime"] + r.timing["responseEnd"] for r in requests)
    context.close()
    return (last - first) / 1000, len(requests)


def throttled_loads(base, pages):
    """``{token: (seconds, requests made)}`` in Chromium over the slow line: from the start
    of the first request to the end of the last response, the median of RUNS loads."""
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        for _name, token, _waiting in pages:
            runs = [load_once(browser, f"{base}/r/{token}") for _run in range(RUNS)]
            results[token] = (statistics.median(seconds for seconds, _count in runs), max(c for _s, c in runs))
        browser.close()
    return results


def main():
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    migrations.upgrade(database.obj)
    pages = demo_pages(app)
    client = app.test_client()
    css = client.get("/assets/css/review.css")
    css_bytes = len(css.data)
    css.close()
    loads = {}
    if Path(CHROMIUM).exists():
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        loads = throttled_loads(f"http://127.0.0.1:{server.server_port}", pages)
        server.shutdown()
    print(f"{'review page of':<28} {'waits':>5} {'HTML':>6} {'CSS':>5} {'total':>6} {'budget':>6} "
          f"{'render':>7} {'400kbps/400ms':>13} {'requests':>8}")
    for name, token, waiting in pages:
        started = time.perf_counter()
        response = client.get(f"/r/{token}")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (name, response.status_code)
        total = len(response.data) + css_bytes
        budget = PAGE_BUDGET + PER_ITEM_BUDGET * waiting
        seconds, requests = loads.get(token, (None, None))
        over = total > budget or (seconds or 0) > SECONDS_BUDGET or (requests or 0) > MAX_REQUESTS
        line = f"{seconds:.2f} s" if seconds is not None else "no chromium"
        print(f"{name:<28} {waiting:>5} {len(response.data):>6} {css_bytes:>5} {total:>6} {budget:>6} "
              f"{elapsed:>5.0f}ms {line:>13} {requests if requests is not None else '-':>8}  "
              f"{'OVER' if over else 'ok'}")


if __name__ == "__main__":
    main()
