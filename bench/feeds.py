"""Budget (issue 7): ingesting a 500-entry feed costs at most 3x the bare
``feedparser.parse`` of the same bytes the first time, and at most 1.5x the second time
(all duplicates). The floor and both ingests run side by side in this one run.
Run: .venv/bin/python bench/feeds.py  (builds a temporary SQLite database)
"""

import statistics
import tempfile
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

import feedparser

from amplify import create_app, migrations
from amplify.db import database

ENTRIES = 500
ROUNDS = 7


def feed_bytes():
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    items = []
    for n in range(ENTRIES):
        items.append(f"""<item>
<title>Comunicado {n}: las trabajadoras del hogar exigimos ratificar el C189 &amp; aplicar el C190</title>
<link>https://sindicato.example.org/comunicados/{n}</link>
<guid isPermaLink="false">sindicato-{n}</guid>
<pubDate>{format_datetime(start + timedelta(hours=n))}</pubDate>
<description>&lt;p&gt;En la asamblea {n}, el sindicato pidió al Congreso &lt;strong&gt;ratificar el Convenio 189&lt;/strong&gt;
y garantizar jornada, salario mínimo y seguridad social. &lt;a href="https://sindicato.example.org/{n}"&gt;Leer más&lt;/a&gt;
#TrabajoDigno #C189&lt;/p&gt;&lt;p&gt;Según la OIT, 75,6 millones de personas hacen trabajo del hogar en el mundo;
el 76,2 % son mujeres y el 81,2 % trabaja en la informalidad.&lt;/p&gt;</description>
</item>""")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Sindicato</title>'
            '<link>https://sindicato.example.org/</link><description>Comunicados</description>'
            + "".join(items) + "</channel></rss>").encode()


def timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main():
    body = feed_bytes()
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(), "JOBS_IMMEDIATE": True})
    migrations.upgrade(database.obj)
    from amplify.campaigns.changes import save_campaign
    from amplify.campaigns.models import Campaign
    from amplify.feeds.changes import save_source
    from amplify.feeds.ingest import ingest
    from amplify.feeds.models import FeedEntry, FeedSource
    from amplify.people.models import Activist

    with app.app_context():
        campaign = save_campaign(Campaign(), name="Trabajo digno", goal="", audiences=["public"],
                                 hashtags=["#TrabajoDigno", "#C189"], links=[], key_dates=[],
                                 languages=["es"], frameworks=["C189"])
        for n in range(200):  # names to look for in every entry, as in real use
            Activist.create(ref=f"persona-{n}", display_name=f"Persona Ficticia {n}", pseudonym=f"Seudónimo {n}",
                            country="PE", risk_level="high" if n % 4 == 0 else "low",
                            default_attribution="pseudonym")
        floor, ours, first, second = [], [], [], []
        for round_number in range(ROUNDS):
            source = save_source(FeedSource(), url=f"https://sindicato.example.org/feed-{round_number}.xml",
                                 kind="movement", campaigns=[campaign])
            floor.append(timed(lambda: feedparser.parse(body))[0])
            ours.append(timed(lambda: feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False))[0])
            seconds, (added, _warning) = timed(lambda: ingest(source, body, "application/rss+xml"))
            assert added == ENTRIES, added
            first.append(seconds)
            seconds, (added, _warning) = timed(lambda: ingest(source, body, "application/rss+xml"))
            assert added == 0, added
            second.append(seconds)
        assert FeedEntry.select().count() == ENTRIES * ROUNDS
    base = statistics.median(floor)
    print(f"feeds: {ENTRIES}-entry RSS feed ({len(body):,} bytes), median of {ROUNDS} rounds")
    print(f"  floor: bare feedparser.parse        {base * 1000:7.1f} ms")
    print(f"  (feedparser.parse as ingest calls it: its sanitizer off, nh3 instead: "
          f"{statistics.median(ours) * 1000:.1f} ms)")
    print(f"  first ingest (500 new entries)      {statistics.median(first) * 1000:7.1f} ms  "
          f"ratio {statistics.median(first) / base:.2f} (budget 3x)")
    print(f"  second ingest (all duplicates)      {statistics.median(second) * 1000:7.1f} ms  "
          f"ratio {statistics.median(second) / base:.2f} (budget 1.5x)")


if __name__ == "__main__":
    main()
