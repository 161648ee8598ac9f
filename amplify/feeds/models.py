"""Feed sources, their entries, and poll jobs (for the progress bar)."""

import peewee
from flask_babel import lazy_gettext as _l

from amplify.auth.models import User
from amplify.campaigns.models import Campaign, MessageVariant
from amplify.db import BaseModel, ListField, UTCDateTimeField, utcnow
from amplify.items.models import Item
from amplify.people.models import Organization

KINDS = {"movement": _l("Movement channel"), "monitoring": _l("Media monitoring")}
ENTRY_STATES = {"new": _l("New"), "amplified": _l("Amplified"), "proposed": _l("Proposed as message"),
                "coverage": _l("Logged as coverage"), "ignored": _l("Ignored")}


class FeedSource(BaseModel):
    url = peewee.CharField(max_length=2000)
    kind = peewee.CharField()
    title = peewee.CharField(default="")
    organization = peewee.ForeignKeyField(Organization, null=True, on_delete="SET NULL")
    keywords = ListField(default=list)  # empty: the campaigns' hashtags and names
    interval_minutes = peewee.IntegerField(default=60)
    paused = peewee.BooleanField(default=False)
    etag = peewee.CharField(default="")
    last_modified = peewee.CharField(default="")
    last_fetch_at = UTCDateTimeField(null=True)
    last_success_at = UTCDateTimeField(null=True)
    last_error = peewee.TextField(default="")
    warning = peewee.TextField(default="")  # the feed was usable, but not clean
    failures = peewee.IntegerField(default=0)
    next_fetch_at = UTCDateTimeField(null=True, index=True)
    created_at = UTCDateTimeField(default=utcnow)

    def __str__(self):
        return self.title or self.url

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    def campaigns(self):
        return (Campaign.select().join(FeedSourceCampaign)
                .where(FeedSourceCampaign.source == self).order_by(Campaign.name))


class FeedSourceCampaign(BaseModel):
    source = peewee.ForeignKeyField(FeedSource, backref="campaign_links", on_delete="CASCADE")
    campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")

    class Meta:
        indexes = ((("source", "campaign"), True),)


class FeedEntry(BaseModel):
    source = peewee.ForeignKeyField(FeedSource, backref="entries", on_delete="CASCADE")
    key = peewee.CharField(max_length=64)  # SHA-256 of guid, else link, else title and content
    guid = peewee.TextField(default="")
    link = peewee.TextField(default="")
    title = peewee.TextField(default="")  # plain text
    summary = peewee.TextField(default="")  # sanitized HTML
    text = peewee.TextField(default="")  # plain text of the summary, for matching and excerpts
    published_at = UTCDateTimeField(null=True)
    fetched_at = UTCDateTimeField(default=utcnow, index=True)
    seen_at = UTCDateTimeField(default=utcnow)  # when it came out: published, else fetched
    matched = ListField(default=list)
    high_risk = ListField(default=list)  # display names of people at high risk it names
    state = peewee.CharField(default="new", index=True)
    item = peewee.ForeignKeyField(Item, null=True, on_delete="SET NULL")
    variant = peewee.ForeignKeyField(MessageVariant, null=True, on_delete="SET NULL")
    campaign = peewee.ForeignKeyField(Campaign, null=True, on_delete="SET NULL")  # coverage of
    handled_at = UTCDateTimeField(null=True, index=True)
    handled_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("source", "key"), True),)

    @property
    def state_label(self):
        return ENTRY_STATES.get(self.state, self.state)


class PollJob(BaseModel):
    """A poll started from the "poll now" button: how far it got."""

    total = peewee.IntegerField()
    done = peewee.IntegerField(default=0)
    added = peewee.IntegerField(default=0)
    failed = peewee.IntegerField(default=0)
    started_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    finished_at = UTCDateTimeField(null=True)
    source_ids = ListField(default=list)

    @property
    def percent(self):
        return 100 if not self.total else round(100 * self.done / self.total)
