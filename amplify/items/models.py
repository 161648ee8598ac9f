"""Items, their versions, the people they name, quote or show, and where they went out.

An item's **content hash** is SHA-256 over a canonical form of everything that would be
published: kind, channel, language, text, images (issue 5), and each person with how they
appear and the attribution staff fixed (or "as the person chooses"). People are written in
the text as ``{ref}`` tokens; the published text names each of them as their own decision
says, so the hash that a person approves already determines what will go out.
"""

import hashlib
import json
import re
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import peewee
from flask_babel import force_locale, gettext, lazy_gettext as _l

from amplify.auth.models import User
from amplify.campaigns.models import Campaign, MessageVariant
from amplify.db import BaseModel, UTCDateTimeField, utcnow
from amplify.media.models import Asset
from amplify.people.models import ATTRIBUTIONS, Activist
from amplify.textdiff import word_diff

KINDS = {
    "post": _l("Social media post"),
    "thread": _l("Thread"),
    "quote_card": _l("Quote card"),
    "photo": _l("Photo"),
    "talking_points": _l("Talking-point sheet"),
    "press_quote": _l("Press quote"),
    "press_release": _l("Press release"),
    "story_pitch": _l("Story pitch"),
    "interview": _l("Interview"),
}
# Made on the press desk (``/press``), which keeps their evidence, contact and embargo.
PRESS_KINDS = ("press_release", "story_pitch")
# What a press item is, said to the person it quotes in plain words on her review page.
FOR_HER = {
    "press_release": _l("A press release for journalists: we send it to newspapers, radio and "
                        "TV so that they write about it."),
    "story_pitch": _l("A story idea for journalists: we offer it to reporters so that they "
                      "tell it."),
    "interview": _l("An interview with a journalist: you would talk to them on the day, in the "
                    "way and under the name written here. Say no if anything does not suit you."),
}
CHANNELS = {
    "x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky", "threads": "Threads",
    "linkedin": "LinkedIn", "facebook": "Facebook", "instagram": "Instagram",
    "tiktok": "TikTok", "whatsapp": "WhatsApp", "website": _l("Website"),
    "newsletter": _l("Newsletter"), "press": _l("Press"), "print": _l("Print"),
    "meeting": _l("Meeting handout"),
}
APPEARANCES = {"named": _l("Named"), "quoted": _l("Quoted"), "shown": _l("Shown")}
# Said to the person on their review page.
YOU_APPEAR = {"named": _l("It names you."), "quoted": _l("It quotes you."),
              "shown": _l("It shows you.")}
STATES = {
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "cleared": _l("Cleared"),
    "published": _l("Published"),
    "takedown_required": _l("Take-down required"),
    "taken_down": _l("Taken down"),
}
EDITABLE = ("draft", "in_review", "cleared")
TOKEN = re.compile(r"\{([a-z0-9]+(?:-[a-z0-9]+)*)\}")
# A line holding only "---" separates the posts of a thread.
THREAD_BREAK = re.compile(r"\n[ \t]*---[ \t]*\n")


def render_text(text, names, fallback="…"):
    """``text`` as it would go out: each ``{ref}`` replaced by ``names[ref]``, and a token of
    someone not (or no longer) in the item by ``fallback`` — never the code itself."""
    return TOKEN.sub(lambda m: names.get(m.group(1), fallback), text)


def anonymous_label(language):
    """How an anonymous person is referred to, in the item's language."""
    with force_locale(language):
        return gettext("a domestic worker")


class Item(BaseModel):
    campaign = peewee.ForeignKeyField(Campaign, backref="items", on_delete="CASCADE")
    kind = peewee.CharField()
    title = peewee.CharField()
    language = peewee.CharField(max_length=8)
    channel = peewee.CharField()
    text = peewee.TextField()
    state = peewee.CharField(index=True, default="draft")
    version = peewee.IntegerField(default=1)
    content_hash = peewee.CharField(max_length=64, index=True)
    author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    # The text as composed from approved wording; what differs is marked as staff's own.
    composed_text = peewee.TextField(default="")
    planned_at = UTCDateTimeField(null=True, index=True)
    card = peewee.TextField(default="")  # JSON of a quote card's template and fields
    # clearance()'s verdict, stored whenever what it reads changes, so that lists need not
    # judge every item (None: not judged yet); and the day its consent starts to lapse.
    cleared = peewee.BooleanField(null=True)
    cleared_until = peewee.DateField(null=True)
    archived_at = UTCDateTimeField(null=True)  # out of the lists; nothing else changes
    # Not to go out before this moment (a press release's embargo); the zone it was given in,
    # to say it back as staff and journalists expect ("10:00, Lima time").
    embargo_until = UTCDateTimeField(null=True)
    embargo_zone = peewee.CharField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    def __str__(self):
        return self.title

    @property
    def posts(self):
        """The posts of a thread (one for anything else)."""
        if self.kind != "thread":
            return [self.text]
        return [post.strip() for post in THREAD_BREAK.split(self.text) if post.strip()]

    def provenance(self, names=None):
        """``[(kind, text)]``: ``same`` where the text is the approved wording it was
        composed from, ``ins`` where staff wrote or changed it.

        With ``names`` (``{ref: name}``) both sides are compared as they would go out, so a
        person's name filled in is not taken for the team's words and no ``{ref}`` shows.
        """
        if not self.composed_text:
            return [("ins", self.render(names) if names is not None else self.text)]
        old, new = self.composed_text, self.text
        if names is not None:
            old, new = render_text(old, names), render_text(new, names)
        return [(kind, text) for kind, text in word_diff(old, new) if kind != "del"]

    @property
    def for_her(self):
        """What this kind of item is, in plain words, for the people it quotes ("" if the
        kind says it well enough)."""
        return FOR_HER.get(self.kind, "")

    def embargoed(self, now=None):
        """Whether the embargo has not passed yet."""
        return self.embargo_until is not None and (now or utcnow()) < self.embargo_until

    @property
    def embargo_local(self):
        """The embargo in the time zone it was given in."""
        if self.embargo_until is None:
            return None
        try:
            return self.embargo_until.astimezone(ZoneInfo(self.embargo_zone or "UTC"))
        except (ZoneInfoNotFoundError, ValueError):
            return self.embargo_until

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def channel_label(self):
        return CHANNELS.get(self.channel, self.channel)

    def people(self):
        return (ItemPerson.select(ItemPerson, Activist).join(Activist)
                .where(ItemPerson.item == self).order_by(Activist.display_name))

    def variants(self):
        return (MessageVariant.select().join(ItemVariant, on=(ItemVariant.variant == MessageVariant.id))
                .where(ItemVariant.item == self))

    @staticmethod
    def facts():
        """Columns that say what an item has beside its text and people (``has_images``,
        ``has_variants``, ``has_safety_checks``, ``has_publications``): a page reads them
        with the item and asks only for what exists (most drafts have none of it)."""
        def exists(model):
            return peewee.fn.EXISTS(model.select(model.id).where(model.item == Item.id))
        return [exists(ItemImage).alias("has_images"), exists(ItemVariant).alias("has_variants"),
                exists(SafetyCheck).alias("has_safety_checks"), exists(Publication).alias("has_publications")]

    def images(self, with_data=False):
        """The item's images in order, with their asset — without its bytes unless asked
        (``with_data``: to send or pack them): showing or hashing an item needs none, and
        a few photos are megabytes each."""
        return Item.images_of([self.id], with_data)

    @staticmethod
    def images_of(item_ids, with_data=False):
        """The images of several items, each item's in order (as ``images``)."""
        asset = [field for field in Asset._meta.sorted_fields if with_data or field.name != "data"]
        return (ItemImage.select(ItemImage, *asset).join(Asset)
                .where(ItemImage.item.in_(item_ids)).order_by(ItemImage.position, ItemImage.id))

    def canonical(self, people=None, images=None):
        """Everything that would be published, as the JSON-able mapping the hash covers."""
        people = list(self.people()) if people is None else people
        images = list(self.images()) if images is None else images
        return {
            "format": 1,
            "kind": self.kind,
            "channel": self.channel,
            "language": self.language,
            "text": self.text,
            "images": [{"sha256": i.asset.sha256, "alt": i.alt_text} for i in images],
            "people": sorted(
                ({"ref": p.activist.ref, "appearance": p.appearance, "attribution": p.attribution}
                 for p in people), key=lambda p: p["ref"]),
        }

    def compute_hash(self, people=None):
        canonical = json.dumps(self.canonical(people), sort_keys=True, ensure_ascii=False,
                               separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def render(self, names):
        """The text with each ``{ref}`` replaced by ``names[ref]`` (unknown tokens stay)."""
        return TOKEN.sub(lambda m: names.get(m.group(1), m.group(0)), self.text)

    def names_for(self, activist, attribution, people=None):
        """``{ref: name}`` as the text would go out with ``activist`` named under
        ``attribution`` and the others as staff fixed them, or by their default
        (``people``: this item's ItemPerson rows with their activists, when already read)."""
        label = anonymous_label(self.language)
        names = {}
        for person in self.people() if people is None else people:
            chosen = attribution if person.activist_id == activist.id else (
                person.attribution or person.activist.default_attribution)
            if person.activist.protected and person.activist_id != activist.id:
                chosen = "anonymous"  # someone else's page never names a protected person
            names[person.activist.ref] = person.activist.name_for(chosen, label)
        return names

    def preview_for(self, activist, attribution, people=None):
        """The text as it would read with ``activist`` named under ``attribution``."""
        return self.render(self.names_for(activist, attribution, people))

    @classmethod
    def search(cls, campaign=None, state="", q="", channel="", language="", person=None, week=None,
               archived=False, zone=timezone.utc):
        """Items matching the list's filters (unordered: the list pages them by
        ``list_order``); ``week`` is the Monday of a planned week, in ``zone`` (the viewer's)."""
        query = cls.select(cls, Campaign).join(Campaign)
        query = query.where(cls.archived_at.is_null(not archived))
        if campaign:
            query = query.where(cls.campaign == campaign)
        if state:
            query = query.where(cls.state == state)
        if channel:
            query = query.where(cls.channel == channel)
        if language:
            query = query.where(cls.language == language)
        if person:
            query = query.where(cls.id.in_(ItemPerson.select(ItemPerson.item).where(ItemPerson.activist == person)))
        if week:
            start = datetime.combine(week, time.min, tzinfo=zone)
            end = datetime.combine(week + timedelta(days=7), time.min, tzinfo=zone)  # a week with a clock change
            query = query.where((cls.planned_at >= start) & (cls.planned_at < end))
        if q:
            query = query.where(cls.title.contains(q) | cls.text.contains(q))
        return query

    @classmethod
    def no_longer_covered(cls, today):
        """Published items whose stored verdict, or the passing of time, says they are no
        longer cleared (a withdrawal, an expiry, a message retired)."""
        return cls.select().where((cls.state == "published") & (
            cls.cleared.is_null() | (cls.cleared == False)  # noqa: E712 (SQL, not Python)
            | (cls.cleared_until < today)))

    @classmethod
    def list_order(cls):
        """Most recently changed first; the id breaks ties so that pages never overlap."""
        return [cls.updated_at, cls.id]


class ItemImage(BaseModel):
    """An image of an item (its bytes are in the content hash), with its alt text."""

    item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
    asset = peewee.ForeignKeyField(Asset, on_delete="RESTRICT")
    alt_text = peewee.TextField(default="")
    position = peewee.IntegerField(default=0)


class ItemVariant(BaseModel):
    item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
    variant = peewee.ForeignKeyField(MessageVariant, on_delete="CASCADE")

    class Meta:
        indexes = ((("item", "variant"), True),)


class ItemPerson(BaseModel):
    item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
    activist = peewee.ForeignKeyField(Activist, on_delete="CASCADE")
    appearance = peewee.CharField()
    attribution = peewee.CharField(null=True)  # None: as the person chooses

    class Meta:
        indexes = ((("item", "activist"), True),)

    @property
    def appearance_label(self):
        return APPEARANCES.get(self.appearance, self.appearance)

    @property
    def attribution_label(self):
        return ATTRIBUTIONS.get(self.attribution) if self.attribution else None

    @property
    def you_appear(self):
        return YOU_APPEAR.get(self.appearance, "")


class ItemVersion(BaseModel):
    """A snapshot of each version, so a person can see what changed since they decided."""

    item = peewee.ForeignKeyField(Item, backref="versions", on_delete="CASCADE")
    version = peewee.IntegerField()
    content_hash = peewee.CharField(max_length=64)
    snapshot = peewee.TextField()
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("item", "version"), True),)

    def data(self):
        return json.loads(self.snapshot)


class SafetyCheck(BaseModel):
    """A second staff member's sign-off that an item naming people at high risk is safe,
    for one exact version."""

    item = peewee.ForeignKeyField(Item, on_delete="CASCADE")
    content_hash = peewee.CharField(max_length=64)
    checked_by = peewee.ForeignKeyField(User, on_delete="CASCADE")
    at = UTCDateTimeField(default=utcnow)
    note = peewee.TextField(default="")


TAKEDOWN_STATES = {"none": _l("Online"), "required": _l("Take-down required"),
                   "taken_down": _l("Taken down")}


class Publication(BaseModel):
    item = peewee.ForeignKeyField(Item, backref="publications", on_delete="CASCADE")
    channel = peewee.CharField()
    url = peewee.TextField(default="")
    published_at = UTCDateTimeField(default=utcnow)
    recorded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    takedown_state = peewee.CharField(default="none", index=True)
    takedown_required_at = UTCDateTimeField(null=True)
    taken_down_at = UTCDateTimeField(null=True)
    taken_down_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL",
                                           backref="takedowns")

    @property
    def takedown_label(self):
        return TAKEDOWN_STATES.get(self.takedown_state, self.takedown_state)

    @property
    def channel_label(self):
        return CHANNELS.get(self.channel, self.channel)

    @classmethod
    def takedown_queue(cls):
        return (cls.select(cls, Item).join(Item).where(cls.takedown_state == "required")
                .order_by(cls.takedown_required_at))
