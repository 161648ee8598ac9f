"""Budgets (issue 4): the composer drafts all seven platforms for one message in under
20 ms; the editor's counter round trip, server side, under 10 ms at the 95th percentile
with 100,000 items in the database.
Run: .venv/bin/python bench/drafting.py  (builds a temporary SQLite database)
"""

import statistics
import tempfile
import time
from datetime import datetime, timezone

from amplify import create_app, migrations
from amplify.db import database

LONG = ("Cuidamos hogares, niñas, niños y personas mayores para que otras personas puedan trabajar. "
        "Según la OIT, en el mundo hay 75,6 millones de trabajadoras y trabajadores del hogar, y el "
        "76,2 % son mujeres. El Convenio 189 de la OIT reconoce nuestros derechos laborales: jornada, "
        "salario mínimo, descanso semanal y protección social, igual que cualquier otra persona "
        "trabajadora. Pedimos a los gobiernos de la región que lo ratifiquen y lo apliquen con nosotras, "
        "y que cuenten con las organizaciones de trabajadoras del hogar en cada paso.")
WORDING = {"long": LONG, "short": "El trabajo del hogar es trabajo: 75,6 millones de personas lo hacen.",
           "cta": "¡Exige que tu país ratifique el Convenio 189!"}
TAGS = ["#C189", "#TrabajoDelHogarEsTrabajo", "#DomesticWorkIsWork"]
LINK = "https://www.ilo.org/dyn/normlex/en/f?p=NORMLEXPUB:12100:0::NO::P12100_ILO_CODE:C189"
ITEMS = 100_000


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def bench_composer():
    from amplify.drafting.composer import compose
    from amplify.platforms import platforms

    names = list(platforms())
    timings = []
    for n in range(200):
        wording = dict(WORDING, long=f"{n} {LONG}")
        started = time.perf_counter()
        drafts = [compose(wording, platform, TAGS, LINK) for platform in names]
        timings.append((time.perf_counter() - started) * 1000)
    forms = {d.platform: d.form for d in drafts}
    print(f"composer, {len(names)} platforms, one message: median {statistics.median(timings):.1f} ms, "
          f"p95 {percentile(timings, 0.95):.1f} ms (budget 20 ms)  forms: {forms}")


def bench_counter():
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "WTF_CSRF_ENABLED": False})
    migrations.upgrade(database.obj)
    from amplify.auth.models import User
    from amplify.campaigns.models import Campaign
    from amplify.items.models import Item

    with app.app_context():
        user = User(email="bench@example.org", name="Bench", role="comms")
        user.set_password("bench-password-1")
        user.save()
    campaign = Campaign.create(slug="bench", name="Bench", colour_background="#5b2a86",
                               colour_text="#ffffff", colour_accent="#f2c14e")
    now = datetime.now(timezone.utc)
    started = time.perf_counter()
    with database.atomic():
        for chunk in range(0, ITEMS, 1000):
            Item.insert_many([{"campaign": campaign.id, "kind": "post", "title": f"Item {n}", "language": "es",
                               "channel": "x", "text": f"Texto {n}", "state": "draft",
                               "content_hash": f"{n:064d}", "created_at": now, "updated_at": now}
                              for n in range(chunk, min(chunk + 1000, ITEMS))]).execute()
    print(f"database: {Item.select().count():,} items (loaded in {time.perf_counter() - started:.1f} s)")
    client = app.test_client()
    client.post("/auth/login", data={"email": "bench@example.org", "password": "bench-password-1"})
    timings = []
    for n in range(300):
        text = f"{n} {WORDING['short']} {WORDING['cta']} {LINK} " + " ".join(TAGS) + " 👩🏽\u200d🔧"
        started = time.perf_counter()
        response = client.post("/drafting/count", data={"text": text, "channel": "x", "kind": "post"},
                               headers={"HX-Request": "true"})
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(f"editor counter round trip (server side, {ITEMS:,} items): median {statistics.median(timings):.1f} ms, "
          f"p95 {percentile(timings, 0.95):.1f} ms (budget 10 ms)")


if __name__ == "__main__":
    bench_composer()
    bench_counter()
