"""Figures for issue 12 (items 3 and 4): how many password checks guessing gets, and that
neither the owner nor a colleague is ever locked out; how review-link guessing is held.
The real app on SQLite in a temporary folder (PostgreSQL when DATABASE_URL says so); the
clock is simulated for the 15-minute runs, so the figures come in seconds.
Run: .venv/bin/python bench/lockout.py
"""

import heapq
import os
import tempfile
import threading
from datetime import timedelta

from amplify import create_app, migrations
from amplify.auth import throttle
from amplify.auth.models import LoginAttempt, User
from amplify.db import database, utcnow

PASSWORD = "the-owners-long-password"


def make_app(folder):
    app = create_app({"INSTANCE_PATH": folder, "SECRET_KEY": "bench", "AUDIT_KEY": "bench",
                      "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "DEMO_PACKS": folder})
    migrations.upgrade(database.obj)
    with app.app_context():
        for email in ("owner@example.org", "colleague@example.org"):
            user = User(email=email, name=email, role="comms")
            user.set_password(PASSWORD)
            user.save()
    return app


def post_login(app, address, email, password):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    page = client.get("/auth/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": token}).status_code


def parallel(app, n=50):
    LoginAttempt.delete().execute()
    start, codes = threading.Barrier(n), []

    def guess(k):
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        start.wait()
        codes.append(client.post("/auth/login", data={"email": "owner@example.org", "password": f"guess-{k}",
                                                      "csrf_token": token}).status_code)

    threads = [threading.Thread(target=guess, args=(k,)) for k in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoginAttempt.select().count(), codes.count(429)


def siege(app, addresses, accounts, seconds=900):
    """Every address guesses as soon as it is allowed, for ``seconds`` of simulated time.
    Returns the password checks made."""
    LoginAttempt.delete().execute()
    start = utcnow()
    queue = [(0.0, n, account) for n in range(addresses) for account in accounts]
    heapq.heapify(queue)
    checks = 0
    with app.app_context():
        while queue:
            at, n, account = heapq.heappop(queue)
            if at >= seconds:
                break
            attempt, wait = throttle.reserve(account, f"10.{n // 65536}.{n // 256 % 256}.{n % 256}",
                                             now=start + timedelta(seconds=at))
            checks += attempt is not None
            heapq.heappush(queue, (at + (wait.total_seconds() if attempt is None else 0.001), n, account))
    return checks


def main():
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(folder)
        rows = []
        with app.app_context():
            checks, refused = parallel(app)
        rows.append(("50 parallel wrong guesses, one account, one address", f"{checks} checked, {refused} refused (429)"))
        rows.append(("one address guessing one account for 15 min", f"{siege(app, 1, ['owner@example.org'])} checks"))
        checks = siege(app, 1000, ["owner@example.org"])
        rows.append(("1,000 addresses guessing one account for 15 min", f"{checks:,} checks (about one per address)"))
        owner = post_login(app, "203.0.113.9", "owner@example.org", PASSWORD)
        rows.append(("… then the owner, right password, her own address", "signed in" if owner == 302 else f"REFUSED {owner}"))
        slowed = post_login(app, "10.0.0.7", "owner@example.org", PASSWORD)
        rows.append(("… the right password from an address that failed", "waits (429)" if slowed == 429 else str(slowed)))
        accounts = [f"person{n}@example.org" for n in range(200)]
        rows.append(("one office address trying 200 accounts for 15 min", f"{siege(app, 1, accounts):,} checks"))
        colleague = post_login(app, "10.0.0.0", "colleague@example.org", PASSWORD)
        rows.append(("… then a colleague at that address, right password",
                     "signed in" if colleague == 302 else f"REFUSED {colleague}"))
        rows.append(review_links(app))
        print(f"{'scenario':<58} outcome")
        for scenario, outcome in rows:
            print(f"{scenario:<58} {outcome}")
        database.close()


def review_links(app):
    from amplify.consent.ledger import create_link
    from amplify.consent.models import LinkAttempt
    from amplify.people.models import Activist, save_activist

    with app.app_context():
        person = save_activist(Activist(), spokesperson_for=[], display_name="Ana Bench", pseudonym="",
                               organization=None, country="PE", languages=["es"], contact_channels=[],
                               risk_level="low", default_attribution="first_name", face_may_be_shown=False,
                               notes="")
        _, token = create_link(person, None)
    client = app.test_client()
    codes = [client.get(f"/r/guess-{n}").status_code for n in range(1000)]
    valid = client.get(f"/r/{token}").status_code
    return ("1,000 bad /r/ tokens from one address, then her real link",
            f"{codes.count(404)} counted (404), {codes.count(429)} refused unwritten (429), "
            f"{LinkAttempt.select().count()} rows; real link {valid}")


if __name__ == "__main__":
    main()
