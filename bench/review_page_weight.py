"""Budget (issue 3): the personal review page weighs under 30 KB of HTML + CSS.

Loads the demo pack into a temporary SQLite database, opens the review page of each demo
activist (with everything that waits for them) and prints the weight next to the budget.
Run: .venv/bin/python bench/review_page_weight.py
"""

import tempfile
import time

from amplify import create_app, migrations
from amplify.db import database

BUDGET = 30 * 1024


def main():
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    migrations.upgrade(database.obj)
    with app.app_context():
        from amplify.campaigns.packs import import_pack
        from amplify.consent.ledger import create_link
        from amplify.items.changes import send_for_review
        from amplify.items.models import Item
        from amplify.people.models import Activist

        import_pack(app.config["DEMO_PACKS"] + "/domestic-work-is-work", trusted=True)
        for item in Item.select().where(Item.state == "draft"):
            send_for_review(item)  # the heaviest page: everything waiting at once
        tokens = {a.display_name: create_link(a, None)[1] for a in Activist.select()}
    client = app.test_client()
    css = client.get("/assets/css/review.css")
    css_bytes = len(css.data)
    css.close()
    print(f"{'review page of':<32} {'HTML':>7} {'CSS':>6} {'total':>7} {'budget':>7}  time")
    for name, token in tokens.items():
        started = time.perf_counter()
        response = client.get(f"/r/{token}")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (name, response.status_code)
        total = len(response.data) + css_bytes
        verdict = "ok" if total < BUDGET else "OVER"
        print(f"{name:<32} {len(response.data):>7} {css_bytes:>6} {total:>7} {BUDGET:>7}  "
              f"{elapsed:.0f} ms {verdict}")


if __name__ == "__main__":
    main()
