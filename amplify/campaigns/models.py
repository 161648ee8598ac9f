"""Campaigns and the movement's key messages.

A message has one variant per language; each variant carries its own approval state.
Only the movement approves: moving a variant to ``approved`` names the spokesperson and
how they approved, and any later change of wording makes a new version that has to be
approved again.
"""

import hashlib
import json

import peewee
from flask import current_app
from flask_babel import lazy_gettext as _l

from amplify.db import BaseModel, JSONField, ListField, UTCDateTimeField, utcnow
from amplify.people.models import Activist, Organization, Spokesperson

AUDIENCES = {
    "public": _l("General public"),
    "employers": _l("Employers"),
    "policymakers": _l("Policymakers"),
    "press": _l("Press"),
    "donors": _l("Donors"),
}
FRAMEWORKS = {
    "C189": _l("ILO C189 — Domestic Workers Convention"),
    "C190": _l("ILO C190 — Violence and Harassment Convention"),
    "CEDAW": _l("CEDAW"),
    "SDG5.2": _l("SDG target 5.2 — violence against women"),
    "SDG5.4": _l("SDG target 5.4 — unpaid care and domestic work"),
    "SDG8.5": _l("SDG target 8.5 — decent work, equal pay"),
    "SDG8.7": _l("SDG target 8.7 — forced labour"),
    "SDG8.8": _l("SDG target 8.8 — labour rights"),
    "SDG10.7": _l("SDG target 10.7 — safe migration"),
}
CONTENT_LANGUAGES = ("es", "pt", "en", "fr")
STATES = {
    "proposed": _l("Proposed"),
    "approved": _l("Approved"),
    "changes_requested": _l("Changes requested"),
    "rejected": _l("Rejected"),
    "retired": _l("Retired"),
}
TRANSITIONS = {
    "proposed": ("approved", "changes_requested", "rejected"),
    "changes_requested": ("proposed", "rejected"),
    "rejected": ("proposed",),
    "approved": ("retired",),
    "retired": (),
}
APPROVAL_METHODS = {
    "in_person": _l("In person"),
    "meeting": _l("In a meeting of the organization"),
    "phone": _l("By phone"),
    "messaging_app": _l("Messaging app"),
    "email": _l("Email"),
    "paper": _l("Signed paper form"),
}
# How a spokesperson's own decision on their review page shows (never chosen by staff).
APPROVAL_METHOD_LABELS = {**APPROVAL_METHODS, "review_page": _l("Own review page")}
# The wording fields: changing any of them makes a new version.
WORDING = ("short_form", "long_form", "call_to_action", "evidence_figure", "evidence_source")


def first_in(by_language, activist):
    """``by_language[code]`` for her page's language, else the first language she reads."""
    for code in [activist.page_language(), *activist.languages]:
        if code and by_language.get(code):
            return by_language[code]
    return None


class Campaign(BaseModel):
    slug = peewee.CharField(unique=True)
    name = peewee.CharField()
    goal = peewee.TextField(default="")
    audiences = ListField(default=list)
    hashtags = ListField(default=list)
    links = ListField(default=list)
    key_dates = JSONField(default=list)
    languages = ListField(default=list)
    frameworks = ListField(default=list)
    colour_background = peewee.CharField(max_length=7, default="#5b2a86")
    colour_text = peewee.CharField(max_length=7, default="#ffffff")
    colour_accent = peewee.CharField(max_length=7, default="#f2c14e")
    logo = peewee.BlobField(null=True)
    consent_months = peewee.IntegerField(default=12)
    time_zone = peewee.CharField(default="")  # IANA name; empty: the installation's AMPLIFY_TIMEZONE
    names = JSONField(default=dict)  # {language: the name in that language}, for her page
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    def __str__(self):
        return self.name

    def zone_name(self):
        """The campaign's time zone, or the installation's when it has none of its own."""
        return self.time_zone or current_app.config["TIMEZONE"]

    def name_for(self, activist):
        """The campaign's name in the language of her page, else in another she reads —
        or None: an activist is never shown a language she does not read."""
        return first_in(self.names or {}, activist)

    def organizations(self):
        """The movement organizations whose campaign this is."""
        return (Organization.select()
                .join(CampaignOrganization, on=(CampaignOrganization.organization == Organization.id))
                .where(CampaignOrganization.campaign == self).order_by(Organization.name))

    def spokespeople(self):
        """Who may approve this campaign's messages: spokespeople of its organizations
        (of any organization while the campaign names none)."""
        query = Activist.spokespeople()
        org_ids = [o.id for o in self.organizations()]
        if org_ids:
            query = query.where(Activist.id.in_(
                Spokesperson.select(Spokesperson.activist).where(Spokesperson.organization.in_(org_ids))))
        return query

    def audit_view(self):
        return {
            "slug": self.slug, "name": self.name, "names": self.names, "goal": self.goal,
            "audiences": self.audiences, "hashtags": self.hashtags, "links": self.links,
            "key_dates": self.key_dates, "languages": self.languages,
            "frameworks": self.frameworks, "colour_background": self.colour_background,
            "colour_text": self.colour_text, "colour_accent": self.colour_accent,
            "logo": bool(self.logo), "consent_months": self.consent_months, "time_zone": self.time_zone,
            "organizations": [o.slug for o in self.organizations()] if self.id else [],
        }

    def messages_matching(self, q="", language="", state=""):
        """This campaign's messages, with their variants, filtered for the list."""
        query = Message.select().where(Message.campaign == self)
        variant_filter = MessageVariant.select(MessageVariant.message)
        if q:
            variant_filter = variant_filter.where(
                MessageVariant.short_form.contains(q) | MessageVariant.long_form.contains(q)
            )
            query = query.where(Message.title.contains(q) | Message.id.in_(variant_filter))
            variant_filter = MessageVariant.select(MessageVariant.message)
        if language:
            query = query.where(Message.id.in_(variant_filter.where(MessageVariant.language == language)))
        if state:
            query = query.where(Message.id.in_(
                MessageVariant.select(MessageVariant.message).where(MessageVariant.state == state)))
        messages = list(query.order_by(Message.position, Message.id))
        by_message = {}
        if messages:
            for variant in MessageVariant.select().where(
                MessageVariant.message.in_([m.id for m in messages])
            ).order_by(MessageVariant.language):
                by_message.setdefault(variant.message_id, []).append(variant)
        for message in messages:
            message.loaded_variants = by_message.get(message.id, [])
        return messages

    @classmethod
    def with_counts(cls):
        """Every campaign with its number of messages and of approved variants."""
        approved = (
            MessageVariant.select(peewee.fn.COUNT(MessageVariant.id))
            .join(Message).where((Message.campaign == cls.id) & (MessageVariant.state == "approved"))
        )
        messages = Message.select(peewee.fn.COUNT(Message.id)).where(Message.campaign == cls.id)
        return cls.select(
            cls, messages.alias("message_count"), approved.alias("approved_count")
        ).order_by(cls.name)


class CampaignOrganization(BaseModel):
    campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE")
    organization = peewee.ForeignKeyField(Organization, on_delete="CASCADE")

    class Meta:
        indexes = ((("campaign", "organization"), True),)


class Message(BaseModel):
    campaign = peewee.ForeignKeyField(Campaign, backref="messages", on_delete="CASCADE")
    key = peewee.CharField()
    title = peewee.CharField()
    position = peewee.IntegerField(default=0)
    titles = JSONField(default=dict)  # {language: the title in that language}, for her page
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("campaign", "key"), True),)

    def __str__(self):
        return self.title

    def title_for(self, activist):
        """The title in a language she reads (her page's first), or None."""
        return first_in(self.titles or {}, activist)

    def variants(self):
        return self.variant_set.order_by(MessageVariant.language)

    def variant(self, language):
        return self.variant_set.where(MessageVariant.language == language).first()


class MessageVariant(BaseModel):
    message = peewee.ForeignKeyField(Message, backref="variant_set", on_delete="CASCADE")
    language = peewee.CharField(max_length=8)
    short_form = peewee.TextField()
    long_form = peewee.TextField()
    call_to_action = peewee.TextField(default="")
    evidence_figure = peewee.TextField(default="")
    evidence_source = peewee.TextField(default="")
    state = peewee.CharField(index=True, default="proposed")
    version = peewee.IntegerField(default=1)
    approved_by = peewee.ForeignKeyField(Activist, null=True, on_delete="SET NULL")
    approval_method = peewee.CharField(null=True)
    approved_at = UTCDateTimeField(null=True)
    state_note = peewee.TextField(default="")
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("message", "language"), True),)

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)

    @property
    def approval_method_label(self):
        return APPROVAL_METHOD_LABELS.get(self.approval_method, self.approval_method)

    def next_states(self):
        return TRANSITIONS.get(self.state, ())

    def wording(self):
        return {name: getattr(self, name) for name in WORDING}

    @property
    def content_hash(self):
        """SHA-256 of the exact wording in its language: what a spokesperson approves."""
        canonical = json.dumps({"language": self.language, **self.wording()}, sort_keys=True,
                               ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def audit_view(self):
        return {
            "message": self.message_id, "language": self.language, **self.wording(),
            "state": self.state, "version": self.version, "approved_by": self.approved_by_id,
            "approval_method": self.approval_method, "state_note": self.state_note,
        }
