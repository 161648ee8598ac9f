"""The media list, releases, their share links, pitches and coverage.

A journalist's *private* contact details (a personal mobile, a home address) are like an
activist's: shown only to roles that see contacts, on request, and every showing is
audited. Their work e-mail is public and is where a pitch goes; it is also what tells two
rows apart (``email_key``, lower-cased), so the list never holds one person twice.
"""

import peewee
from flask_babel import lazy_gettext as _l

from amplify.auth.models import User
from amplify.db import BaseModel, ListField, UTCDateTimeField, utcnow
from amplify.feeds.models import FeedEntry
from amplify.items.models import Item
from amplify.people.models import Activist

OUTLET_KINDS = {
    "newspaper": _l("Newspaper"), "magazine": _l("Magazine"), "radio": _l("Radio"),
    "tv": _l("TV"), "online": _l("Online"), "agency": _l("News agency"),
    "podcast": _l("Podcast"), "other": _l("Other"),
}
METHODS = {"email": _l("E-mail from Amplify"), "self": _l("I sent it myself")}
ANSWERS = {
    "": _l("No answer yet"),
    "interested": _l("Interested"),
    "will_cover": _l("Will cover it"),
    "interview_requested": _l("Interview requested"),
    "declined": _l("Declined"),
}


INTERVIEW_FORMATS = {"print": _l("Print"), "radio": _l("Radio"), "tv": _l("TV"), "online": _l("Online")}
# How she appears in an interview; each one is a fixed attribution and appearance on the
# interview item, so her decision covers exactly that.
PROTECTIONS = {
    "named": _l("Under her name, face and voice"),
    "no_face": _l("Under her name, without showing her face"),
    "pseudonym": _l("Under her pseudonym, without showing her face"),
    "voice_only": _l("Anonymous, voice only"),
}
PROTECTION_TERMS = {  # (attribution, appearance)
    "named": ("full_name", "shown"), "no_face": ("full_name", "quoted"),
    "pseudonym": ("pseudonym", "quoted"), "voice_only": ("anonymous", "quoted"),
}


def email_key(email):
    return (email or "").strip().lower()


class Outlet(BaseModel):
    name = peewee.CharField()
    kind = peewee.CharField()
    country = peewee.CharField(default="")
    languages = ListField(default=list)
    audience = peewee.CharField(default="")
    links = ListField(default=list)
    tags = ListField(default=list)
    notes = peewee.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)

    def __str__(self):
        return self.name

    @property
    def kind_label(self):
        return OUTLET_KINDS.get(self.kind, self.kind)

    @classmethod
    def search(cls, q="", country="", tag=""):
        query = cls.select()
        if q:
            query = query.where(cls.name.contains(q))
        if country:
            query = query.where(cls.country == country)
        if tag:
            query = query.where(cls.tags.contains(f'"{tag}"'))
        return query


class Journalist(BaseModel):
    name = peewee.CharField()
    outlet = peewee.ForeignKeyField(Outlet, null=True, on_delete="SET NULL", backref="journalists")
    beat = peewee.CharField(default="")
    languages = ListField(default=list)
    email = peewee.CharField(default="")  # work address: public, where pitches go
    email_key = peewee.CharField(default="", index=True)
    public_contacts = peewee.TextField(default="")
    private_contacts = peewee.TextField(default="")  # only for contact roles, on request, audited
    tags = ListField(default=list)
    notes = peewee.TextField(default="")
    do_not_contact = peewee.BooleanField(default=False)
    do_not_contact_reason = peewee.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    def __str__(self):
        return self.name

    @classmethod
    def by_email(cls, email):
        key = email_key(email)
        return cls.get_or_none(cls.email_key == key) if key else None

    @classmethod
    def search(cls, q="", outlet=None, tag="", language=""):
        query = cls.select(cls, Outlet).join(Outlet, peewee.JOIN.LEFT_OUTER)
        if q:
            query = query.where(cls.name.contains(q) | cls.beat.contains(q) | cls.email.contains(q))
        if outlet:
            query = query.where(cls.outlet == outlet)
        if tag:
            query = query.where(cls.tags.contains(f'"{tag}"'))
        if language:
            query = query.where(cls.languages.contains(f'"{language}"'))
        return query

    @classmethod
    def list_order(cls):
        return [cls.name, cls.id]


class Release(BaseModel):
    """The press desk's side of a press release or story pitch (an item): its contact
    person and evidence. Translations share a ``family`` (the first language's release)."""

    item = peewee.ForeignKeyField(Item, unique=True, on_delete="CASCADE", backref="+")
    family = peewee.ForeignKeyField("self", null=True, on_delete="SET NULL", backref="translations")
    contact_name = peewee.CharField(default="")
    contact_email = peewee.CharField(default="")
    contact_phone = peewee.CharField(default="")
    created_at = UTCDateTimeField(default=utcnow)

    def evidence(self):
        return self.evidence_rows.order_by(Evidence.position, Evidence.id)

    def languages(self):
        """Every release of its family (itself included), with their items."""
        root = self.family_id or self.id
        return (Release.select(Release, Item).join(Item)
                .where((Release.id == root) | (Release.family == root)).order_by(Item.language))

    def pitches(self):
        """Its pitches, newest first, with their journalist and proposed spokesperson."""
        return (Pitch.select(Pitch, Journalist, Activist).join(Journalist).switch(Pitch)
                .join(Activist, peewee.JOIN.LEFT_OUTER, on=(Pitch.spokesperson == Activist.id))
                .where(Pitch.release == self).order_by(Pitch.sent_at.desc(), Pitch.id.desc()))

    def coverage_found(self):
        return (Coverage.select(Coverage, Outlet).join(Outlet, peewee.JOIN.LEFT_OUTER)
                .where(Coverage.release == self).order_by(Coverage.published_on.desc(), Coverage.id.desc()))


class Evidence(BaseModel):
    release = peewee.ForeignKeyField(Release, on_delete="CASCADE", backref="evidence_rows")
    figure = peewee.TextField()
    source = peewee.CharField()
    url = peewee.TextField(default="")
    position = peewee.IntegerField(default=0)

    class Meta:
        table_name = "release_evidence"


class ReleaseShare(BaseModel):
    """A signed, expiring, revocable link to one release (for one journalist, or for
    whoever staff hand it to): the only way an embargoed release leaves Amplify."""

    release = peewee.ForeignKeyField(Release, on_delete="CASCADE", backref="shares")
    journalist = peewee.ForeignKeyField(Journalist, null=True, on_delete="SET NULL")
    nonce = peewee.CharField(unique=True)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    expires_at = UTCDateTimeField()
    revoked_at = UTCDateTimeField(null=True)
    last_used_at = UTCDateTimeField(null=True)
    uses = peewee.IntegerField(default=0)

    def usable(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or utcnow())


class Pitch(BaseModel):
    """One release sent to one journalist: when, how, the version sent, and what came
    back. ``recall_required_at``: a quote in it lost its consent after it went out, so the
    journalist must be asked not to use it (``recall_done_at`` once staff did)."""

    release = peewee.ForeignKeyField(Release, on_delete="CASCADE", backref="pitch_rows")
    journalist = peewee.ForeignKeyField(Journalist, on_delete="CASCADE", backref="pitches")
    method = peewee.CharField()
    content_hash = peewee.CharField(max_length=64)
    share = peewee.ForeignKeyField(ReleaseShare, null=True, on_delete="SET NULL")
    sent_at = UTCDateTimeField(default=utcnow)
    sent_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    answer = peewee.CharField(default="")
    answer_note = peewee.TextField(default="")
    answered_at = UTCDateTimeField(null=True)
    follow_up_on = peewee.DateField(null=True, index=True)
    spokesperson = peewee.ForeignKeyField(Activist, null=True, on_delete="SET NULL")
    recall_required_at = UTCDateTimeField(null=True, index=True)
    recall_done_at = UTCDateTimeField(null=True)
    # The interview asked for, as an item of its own that the spokesperson decides on.
    interview = peewee.ForeignKeyField(Item, null=True, on_delete="SET NULL", backref="+")

    @property
    def method_label(self):
        return METHODS.get(self.method, self.method)

    @property
    def answer_label(self):
        return ANSWERS.get(self.answer, self.answer)

    @classmethod
    def follow_ups(cls, until):
        """Pitches whose follow-up is due by ``until`` (and overdue ones), not answered."""
        return (cls.select(cls, Journalist, Release, Item)
                .join(Journalist).switch(cls).join(Release).join(Item)
                .where(cls.follow_up_on.is_null(False) & (cls.follow_up_on <= until) & (cls.answer == ""))
                .order_by(cls.follow_up_on, cls.id))

    @classmethod
    def to_recall(cls):
        return (cls.select(cls, Journalist, Release, Item)
                .join(Journalist).switch(cls).join(Release).join(Item)
                .where(cls.recall_required_at.is_null(False) & cls.recall_done_at.is_null())
                .order_by(cls.recall_required_at, cls.id))


class Coverage(BaseModel):
    """A piece of coverage (found by the feeds or logged by hand) and the release and
    pitch it came from."""

    release = peewee.ForeignKeyField(Release, on_delete="CASCADE", backref="coverage")
    pitch = peewee.ForeignKeyField(Pitch, null=True, on_delete="SET NULL")
    feed_entry = peewee.ForeignKeyField(FeedEntry, null=True, on_delete="SET NULL")
    outlet = peewee.ForeignKeyField(Outlet, null=True, on_delete="SET NULL")
    title = peewee.CharField()
    url = peewee.TextField(default="")
    language = peewee.CharField(max_length=8, default="")
    published_on = peewee.DateField()
    quotes_carried = peewee.BooleanField(default=False)
    recorded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "press_coverage"


class InterviewOffer(BaseModel):
    """A spokesperson willing to give interviews: on which topics, when, and in which
    formats (print, radio, TV, online). Whether her face may be seen, her risk level and
    her languages stay on her activist record; an interview is still asked of her, each
    time, as a decision of its own."""

    activist = peewee.ForeignKeyField(Activist, unique=True, on_delete="CASCADE", backref="+")
    topics = peewee.TextField(default="")
    availability = peewee.TextField(default="")
    formats = ListField(default=list)
    updated_at = UTCDateTimeField(default=utcnow)

    @property
    def format_labels(self):
        return [INTERVIEW_FORMATS.get(f, f) for f in self.formats]

    @classmethod
    def listed(cls):
        return cls.select(cls, Activist).join(Activist).order_by(Activist.display_name, cls.id)
