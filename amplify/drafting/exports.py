"""Exports of cleared items: scheduler CSVs, an iCal file of planned publications, and a
campaign kit. Every row goes through ``clearance``: an item that is not cleared is left out.
"""

import csv
import io
import zipfile
from datetime import timedelta, timezone

from icalendar import Calendar, Event

from amplify.consent.clearance import clearance
from amplify.items.models import CHANNELS, Item
from amplify.platforms import for_api

HOOTSUITE_MAX_ROWS = 350
SPROUT_MIN_GAP = timedelta(minutes=10)


def cleared_items(campaign, channel=None, planned_only=True):
    """``[(item, published text)]`` of the campaign's cleared items, by planned date."""
    query = Item.select().where((Item.campaign == campaign) & Item.state.in_(["cleared", "published"]))
    if channel:
        query = query.where(Item.channel == channel)
    if planned_only:
        query = query.where(Item.planned_at.is_null(False))
    rows = []
    for item in query.order_by(Item.planned_at, Item.id):
        result = clearance(item)
        if result.cleared:
            rows.append((item, result.published_text()))
    return rows


def _csv(rows, header=None):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def hootsuite_csv(campaign, channel, link=""):
    """Hootsuite bulk composer: no header; date-time, message, optional URL; one profile
    (channel) per file; at most 350 rows. Dates as ``dd/mm/yyyy HH:MM`` in UTC (choose that
    format when uploading)."""
    rows = [(item.planned_at.astimezone(timezone.utc).strftime("%d/%m/%Y %H:%M"), text, link)
            for item, text in cleared_items(campaign, channel)[:HOOTSUITE_MAX_ROWS]]
    return _csv(rows)


def sprout_csv(campaign, channel):
    """Sprout Social: headers ``date``, ``time_24hr``, ``message_text``; posts at least
    10 minutes apart (a later post too close to the previous one is moved, and said)."""
    rows, moved, previous = [], [], None
    for item, text in cleared_items(campaign, channel)[:HOOTSUITE_MAX_ROWS]:
        when = item.planned_at.astimezone(timezone.utc)
        if previous is not None and when - previous < SPROUT_MIN_GAP:
            when = previous + SPROUT_MIN_GAP
            moved.append(item)
        previous = when
        rows.append((when.strftime("%Y-%m-%d"), when.strftime("%H:%M"), text))
    return _csv(rows, ["date", "time_24hr", "message_text"]), moved


def generic_csv(campaign):
    """Every cleared, planned item: ISO-8601 UTC time, channel, text, the text as the
    platform's API wants it (LinkedIn's escaped), item and hash."""
    rows = [(item.planned_at.astimezone(timezone.utc).isoformat(timespec="minutes"), item.channel,
             text, for_api(text, item.channel), item.id, item.content_hash)
            for item, text in cleared_items(campaign)]
    return _csv(rows, ["planned_at", "channel", "message", "api_text", "item", "content_sha256"])


def ical(campaign, base_url):
    """Planned publications of cleared items as calendar events (15 minutes each)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Amplify//planned publications//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{campaign.name} — publications")
    for item, text in cleared_items(campaign):
        event = Event()
        event.add("uid", f"item-{item.id}-v{item.version}@amplify")
        event.add("summary", f"{CHANNELS.get(item.channel, item.channel)}: {item.title}")
        event.add("dtstart", item.planned_at.astimezone(timezone.utc))
        event.add("dtend", item.planned_at.astimezone(timezone.utc) + timedelta(minutes=15))
        event.add("description", text)
        event.add("url", f"{base_url}items/{item.id}")
        calendar.add_component(event)
    return calendar.to_ical()


def kit_zip(campaign):
    """A campaign kit: one text file per cleared item (planned or not), its images (already
    scrubbed, as consented to) and an index with their alt text."""
    out = io.BytesIO()
    rows = cleared_items(campaign, planned_only=False)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as kit:
        index = [f"# {campaign.name}", ""]
        for item, text in rows:
            name = f"{item.id:04d}-{item.channel}-{item.language}.txt"
            kit.writestr(name, text + "\n")
            index.append(f"- {name}: {item.title} ({CHANNELS.get(item.channel, item.channel)})")
            for number, image in enumerate(item.images(), start=1):
                picture = f"{item.id:04d}-image-{number}.{image.asset.extension}"
                kit.writestr(picture, bytes(image.asset.data))
                index.append(f"  - {picture} — alt text: {image.alt_text}")
        index += ["", "Every text here was cleared: each person it names, quotes or shows agreed to",
                  "this exact version. Do not edit them: an edited text needs their consent again."]
        kit.writestr("README.txt", "\n".join(index) + "\n")
    return out.getvalue()
