"""Exports of cleared items: scheduler CSVs, an iCal file of planned publications, and a
campaign kit. Every row goes through ``clearance``: an item that is not cleared is left out.

A scheduler file carries exactly the text each person agreed to, nothing added; only items
not yet published (a second upload would post them twice); times in the time zone the
scheduler reads them in, on the grid it accepts; and, where the tool's bulk format takes an
image by URL (Sprout Social), the item's image as a signed, expiring address
(``media.links``). Whatever a file cannot hold as it is, it
leaves out and says why, and every post it moves is listed (``SchedulerFile``). The rules
followed, and where they come from, are in ``docs/schedulers.md``.
"""

import io
import stat
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event, vText

from amplify import spreadsheets
from amplify.consent.clearance import clearance
from amplify.db import utcnow
from amplify.items.models import CHANNELS, Item
from amplify.media import links as media_links
from amplify.platforms import for_api, platforms

MAX_ROWS = 350  # both Hootsuite and Sprout Social take at most 350 posts per file
MIN_LEAD = timedelta(minutes=10)  # both refuse posts less than 10 minutes after the upload
HOOTSUITE_GRID = 5  # minutes: Hootsuite refuses 14:07
SPROUT_MIN_GAP = timedelta(minutes=10)
SCHEDULERS = ("hootsuite", "sprout")
DATE_ORDERS = {"dmy": "%d/%m/%Y", "mdy": "%m/%d/%Y"}  # both tools ask which one at upload
KIT_FILE_MODE = stat.S_IFREG | 0o644  # readable by everyone after unzipping

LEFT_OUT = {
    "formula": _l("It starts with a character that spreadsheets run as a formula: copy it by hand."),
    "image": _l("Hootsuite's bulk file has no column for images: schedule it by hand with the image "
                "from the kit."),
    "images": _l("Sprout Social's file takes one image per post and this one has several: schedule it "
                 "by hand with the images from the kit."),
    "no_image": _l("It is a photo or a card with no image attached: attach its image to the item first."),
    "too_soon": _l("It is planned less than 10 minutes from now: the scheduler would refuse it."),
    "too_many": _l("The file is full (350 posts): export again after these are scheduled."),
}
MOVED = {
    "grid": _l("Moved to the next 5-minute mark, as Hootsuite requires."),
    "gap": _l("Moved to 10 minutes after the previous post, as Sprout Social requires."),
}


def cleared_items(campaign, channel=None, planned_only=True, states=("cleared", "published")):
    """``[(item, published text)]`` of the campaign's cleared items, by planned date."""
    query = Item.select().where((Item.campaign == campaign) & Item.state.in_(list(states)))
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


def scheduler_channels(campaign):
    """Channels with platform rules that have cleared, planned, unpublished items: the
    only real targets for a scheduler file (a press quote is not a social post)."""
    known = platforms()
    return sorted({item.channel for item, _text in cleared_items(campaign, states=("cleared",))
                   if item.channel in known})


@dataclass
class Row:
    item: Item
    text: str
    planned: datetime  # in the export's time zone
    at: datetime  # when the file schedules it, in the export's time zone
    moved: str = ""  # a key of MOVED when ``at`` differs from ``planned``
    image_url: str = ""  # the signed address of its image (Sprout Social only)
    image_until: datetime | None = None  # when that address stops working


@dataclass
class SchedulerFile:
    scheduler: str
    channel: str
    zone: ZoneInfo
    date_order: str
    rows: list = field(default_factory=list)
    left_out: list = field(default_factory=list)  # [(item, key of LEFT_OUT)]

    @property
    def moved(self):
        return [row for row in self.rows if row.moved]

    @property
    def with_images(self):
        return [row for row in self.rows if row.image_url]

    @property
    def filename_zone(self):
        return str(self.zone).replace("/", "_")

    def filename(self, slug):
        """The file's name says the tool, the channel and the time zone of its times."""
        return f"{slug}-{self.scheduler}-{self.channel}-{self.filename_zone}.csv"

    def csv(self):
        """Hootsuite: no header; date-time, message (no URL column: a link is only where it
        is part of the cleared text). Sprout Social: headers ``date``, ``time_24hr``,
        ``message_text``, and ``image_url`` when a post has an image. Both with a BOM (Excel's
        "CSV UTF-8", which both tools tell people to save as, writes one)."""
        day = DATE_ORDERS[self.date_order]
        if self.scheduler == "hootsuite":
            return spreadsheets.write([(row.at.strftime(f"{day} %H:%M"), row.text) for row in self.rows])
        if self.with_images:
            return spreadsheets.write([(row.at.strftime(day), row.at.strftime("%H:%M"), row.text, row.image_url)
                                       for row in self.rows], ["date", "time_24hr", "message_text", "image_url"])
        return spreadsheets.write([(row.at.strftime(day), row.at.strftime("%H:%M"), row.text)
                                   for row in self.rows], ["date", "time_24hr", "message_text"])


def _next_grid_mark(when):
    """The next 5-minute mark at or after ``when`` (whole minutes): never earlier than
    planned, so an embargo holds."""
    return when + timedelta(minutes=(-when.minute) % HOOTSUITE_GRID)


def scheduler_file(campaign, scheduler, channel, zone, date_order="dmy", now=None):
    """The posts of one channel for one scheduler: cleared, planned, not yet published,
    text exactly as cleared, times in ``zone`` moved only as the tool requires."""
    export = SchedulerFile(scheduler, channel, zone, date_order)
    now = now or utcnow()
    earliest = now + MIN_LEAD
    previous = None
    for item, text in cleared_items(campaign, channel, states=("cleared",)):
        images = list(item.images())
        problem = ("formula" if spreadsheets.starts_like_formula(text)
                   else "no_image" if item.kind in ("photo", "quote_card") and not images
                   else "image" if images and scheduler == "hootsuite"
                   else "images" if len(images) > 1 else None)
        if problem:
            export.left_out.append((item, problem))
            continue
        planned = item.planned_at.astimezone(zone).replace(second=0, microsecond=0)
        if planned < earliest:
            export.left_out.append((item, "too_soon"))
            continue
        if len(export.rows) == MAX_ROWS:
            export.left_out.append((item, "too_many"))
            continue
        row = Row(item, text, planned, planned)
        if images:
            row.image_until = media_links.expiry(item, now)
            row.image_url = media_links.image_url(item, images[0], row.image_until)
        if scheduler == "hootsuite":
            row.at = _next_grid_mark(planned)
            row.moved = "grid" if row.at != planned else ""
        elif previous is not None and planned - previous < SPROUT_MIN_GAP:
            row.at, row.moved = previous + SPROUT_MIN_GAP, "gap"
        previous = row.at
        export.rows.append(row)
    return export


def generic_csv(campaign, rows=None):
    """Every cleared, planned item (published ones too, with their state) for a
    spreadsheet: ISO-8601 UTC time, channel, state, text, the text as the platform's API
    wants it (LinkedIn's escaped), item and hash."""
    rows = [(item.planned_at.astimezone(timezone.utc).isoformat(timespec="minutes"), item.channel,
             item.state, text, for_api(text, item.channel), item.id, item.content_hash)
            for item, text in (cleared_items(campaign) if rows is None else rows)]
    return spreadsheets.write(rows, ["planned_at", "channel", "state", "message", "api_text", "item",
                                     "content_sha256"])


def item_uid(item, host):
    """A calendar UID that stays the same across the item's versions (an edited item moves
    its event instead of leaving a stale copy), under the server's own host name."""
    return f"amplify-item-{item.id}@{host}"


def ical(campaign, base_url, host, rows=None):
    """Planned publications of cleared items as calendar events (15 minutes each). DTSTAMP
    is the item's last change, so a client sees a new version as an update."""
    calendar = Calendar()
    calendar.add("prodid", "-//Amplify//planned publications//EN")
    calendar.add("version", "2.0")
    # An X- property is not escaped unless it is a vText: a line break would break the file.
    calendar.add("x-wr-calname", vText(f"{campaign.name} — publications"))
    for item, text in cleared_items(campaign) if rows is None else rows:
        event = Event()
        event.add("uid", item_uid(item, host))
        event.add("dtstamp", item.updated_at.astimezone(timezone.utc).replace(microsecond=0))
        event.add("sequence", item.version)
        event.add("summary", f"{CHANNELS.get(item.channel, item.channel)}: {item.title}")
        event.add("dtstart", item.planned_at.astimezone(timezone.utc))
        event.add("dtend", item.planned_at.astimezone(timezone.utc) + timedelta(minutes=15))
        event.add("description", text)
        event.add("url", f"{base_url}items/{item.id}")
        calendar.add_component(event)
    return calendar.to_ical()


def _kit_entry(name):
    entry = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = KIT_FILE_MODE << 16
    return entry


def kit_zip(campaign, rows=None):
    """A campaign kit: one text file per cleared item (planned or not), its images (already
    scrubbed, as consented to) and an index with their alt text. Entries carry normal file
    modes (0644), so unzipped files are readable as any other."""
    out = io.BytesIO()
    rows = cleared_items(campaign, planned_only=False) if rows is None else rows
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as kit:
        index = [f"# {campaign.name}", ""]
        for item, text in rows:
            name = f"{item.id:04d}-{item.channel}-{item.language}.txt"
            kit.writestr(_kit_entry(name), text + "\n")
            index.append(f"- {name}: {item.title} ({CHANNELS.get(item.channel, item.channel)})")
            for number, image in enumerate(item.images(with_data=True), start=1):
                picture = f"{item.id:04d}-image-{number}.{image.asset.extension}"
                kit.writestr(_kit_entry(picture), bytes(image.asset.data))
                index.append(f"  - {picture} — alt text: {image.alt_text}")
        index += ["", "Every text here was cleared: each person it names, quotes or shows agreed to",
                  "this exact version. Do not edit them: an edited text needs their consent again.",
                  "Images are the ones they agreed to, with their metadata (camera, GPS) removed.",
                  "Post each with its alt text."]
        kit.writestr(_kit_entry("README.txt"), "\n".join(index) + "\n")
    return out.getvalue()
