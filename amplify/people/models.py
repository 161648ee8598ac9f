"""Organizations and activists. Activists' data is sensitive: contact details and notes
are only for roles that need them, and every look at contact details is audited."""

import calendar
from datetime import date

import peewee
from blinker import Namespace
from flask_babel import lazy_gettext as _l

from amplify.db import BaseModel, JSONField, ListField, UTCDateTimeField, utcnow
from amplify.i18n import LANGUAGES

OUR_ROLES = {
    "facilitator": _l("Facilitator"),
    "ally": _l("Ally"),
    "resource_partner": _l("Resource partner"),
    "amplifier": _l("Amplifier"),
}
RISK_LEVELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
ATTRIBUTIONS = {
    "full_name": _l("Full name"),
    "first_name": _l("First name only"),
    "pseudonym": _l("Pseudonym"),
    "anonymous": _l("Anonymous"),
}
# Fields whose values never go into the audit log: only the fact that they changed.
SENSITIVE = ("contact_channels", "notes")


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def audit_diff(before, after):
    """Before/after of the fields that changed, with sensitive values masked."""
    changed = {k for k in after if (before or {}).get(k) != after.get(k)}
    mask = lambda data: {  # noqa: E731
        k: ("…" if k in SENSITIVE else v) for k, v in data.items() if k in changed
    }
    return {"before": mask(before) if before else None, "after": mask(after)}


class Organization(BaseModel):
    slug = peewee.CharField(unique=True)
    name = peewee.CharField()
    formal = peewee.BooleanField(default=True)
    trade_union = peewee.BooleanField(default=False)  # membership is special-category data
    country = peewee.CharField(max_length=2)
    our_role = peewee.CharField()
    last_review_on = peewee.DateField(null=True)
    next_review_on = peewee.DateField(index=True)
    notes = peewee.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    def __str__(self):
        return self.name

    @property
    def role_label(self):
        return OUR_ROLES.get(self.our_role, self.our_role)

    def review_due(self, today=None):
        return self.next_review_on <= (today or date.today())

    def audit_view(self):
        return {
            "name": self.name, "slug": self.slug, "formal": self.formal, "trade_union": self.trade_union,
            "country": self.country,
            "our_role": self.our_role, "last_review_on": self.last_review_on,
            "next_review_on": self.next_review_on, "notes": self.notes,
        }

    @classmethod
    def due_for_review(cls, today=None):
        return cls.select().where(cls.next_review_on <= (today or date.today())).order_by(
            cls.next_review_on
        )

    @classmethod
    def search(cls, q="", country="", our_role="", due=False):
        query = cls.select().order_by(cls.name)
        if q:
            query = query.where(cls.name.contains(q))
        if country:
            query = query.where(cls.country == country)
        if our_role:
            query = query.where(cls.our_role == our_role)
        if due:
            query = query.where(cls.next_review_on <= date.today())
        return query


class Activist(BaseModel):
    ref = peewee.CharField(unique=True)
    display_name = peewee.CharField()
    pseudonym = peewee.CharField(default="")
    organization = peewee.ForeignKeyField(
        Organization, null=True, backref="members", on_delete="SET NULL"
    )
    country = peewee.CharField(max_length=2)
    languages = ListField(default=list)  # the languages she reads
    preferred_language = peewee.CharField(max_length=8, default="")
    contact_channels = JSONField(default=list)
    risk_level = peewee.CharField()
    default_attribution = peewee.CharField()
    face_may_be_shown = peewee.BooleanField(default=False)
    minor = peewee.BooleanField(default=False)
    notes = peewee.TextField(default="")
    # Set while she is protected (``amplify.protection``): clearance stops every item
    # naming her and reports count her as anonymous until an admin lifts it.
    protected_since = UTCDateTimeField(null=True)
    # Set once her personal data was erased on her request: she is a pseudonym from then on.
    erased_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    def __str__(self):
        return self.display_name

    @property
    def protected(self):
        return self.protected_since is not None

    def name_for(self, attribution, anonymous_label):
        """How this person is named under ``attribution``."""
        if attribution == "full_name":
            return self.display_name
        if attribution == "first_name":
            return self.display_name.split()[0] if self.display_name.split() else self.display_name
        if attribution == "pseudonym" and self.pseudonym:
            return self.pseudonym
        return anonymous_label

    def reads(self, language):
        """Whether she reads ``language`` (someone with no languages recorded is not
        excluded from anything)."""
        return not self.languages or language in self.languages

    def page_language(self):
        """The interface language of her own pages: the one she prefers, else the first she
        reads that Amplify speaks, else None (then the phone's language)."""
        return next((code for code in [self.preferred_language, *self.languages] if code in LANGUAGES), None)

    @property
    def risk_label(self):
        return RISK_LEVELS.get(self.risk_level, self.risk_level)

    @property
    def attribution_label(self):
        return ATTRIBUTIONS.get(self.default_attribution, self.default_attribution)

    def spokesperson_for(self):
        return (
            Organization.select()
            .join(Spokesperson, on=(Spokesperson.organization == Organization.id))
            .where(Spokesperson.activist == self)
            .order_by(Organization.name)
        )

    def audit_view(self):
        return {
            "display_name": self.display_name, "ref": self.ref, "pseudonym": self.pseudonym,
            "organization": self.organization_id, "country": self.country,
            "languages": self.languages, "preferred_language": self.preferred_language,
            "contact_channels": self.contact_channels,
            "risk_level": self.risk_level, "default_attribution": self.default_attribution,
            "face_may_be_shown": self.face_may_be_shown, "minor": self.minor, "notes": self.notes,
            "spokesperson_for": sorted(o.id for o in self.spokesperson_for()) if self.id else [],
        }

    @classmethod
    def search(cls, q="", organization=None, country="", risk_level="", spokespeople=False):
        query = cls.select(cls, Organization).join(
            Organization, peewee.JOIN.LEFT_OUTER, on=(cls.organization == Organization.id)
        ).order_by(cls.display_name)
        if q:
            query = query.where(cls.display_name.contains(q) | cls.pseudonym.contains(q))
        if organization:
            query = query.where(cls.organization == organization)
        if country:
            query = query.where(cls.country == country)
        if risk_level:
            query = query.where(cls.risk_level == risk_level)
        if spokespeople:
            query = query.where(cls.id.in_(Spokesperson.select(Spokesperson.activist)))
        return query

    @classmethod
    def list_order(cls):
        """By name; the id breaks ties so that pages never overlap."""
        return [cls.display_name, cls.id]

    @classmethod
    def spokespeople(cls):
        return cls.search(spokespeople=True)


class Spokesperson(BaseModel):
    """An activist speaks for an organization (and may approve its messages)."""

    activist = peewee.ForeignKeyField(Activist, on_delete="CASCADE")
    organization = peewee.ForeignKeyField(Organization, on_delete="CASCADE")

    class Meta:
        indexes = ((("activist", "organization"), True),)


def save_organization(org, *, name, formal, country, our_role, last_review_on, next_review_on,
                      notes, review_months, trade_union=False):
    """Create or update an organization in one audited transaction."""
    from amplify import audit
    from amplify.db import database
    from amplify.slugs import unique_slug

    creating = org.id is None
    before = None if creating else org.audit_view()
    org.name, org.formal, org.country, org.our_role = name.strip(), formal, country, our_role
    org.last_review_on, org.notes, org.trade_union = last_review_on, notes.strip(), trade_union
    if next_review_on is None:
        next_review_on = add_months(last_review_on or date.today(), review_months)
    org.next_review_on = next_review_on
    org.updated_at = utcnow()
    with database.atomic():
        if creating:
            org.slug = unique_slug(Organization, Organization.slug, name)
        org.save()
        audit.record("organization.create" if creating else "organization.update", org,
                     audit_diff(before, org.audit_view()))
    return org


# Sent after an activist is saved; items re-judge their clearance (risk level, minor).
activist_saved = Namespace().signal("activist-saved")


def save_activist(activist, spokesperson_for=(), **fields):
    """Create or update an activist and the organizations they speak for, audited."""
    from amplify import audit
    from amplify.db import database
    from amplify.slugs import unique_slug

    creating = activist.id is None
    before = None if creating else activist.audit_view()
    for name, value in fields.items():
        setattr(activist, name, value.strip() if isinstance(value, str) else value)
    if activist.protected:  # her risk stays high until an admin lifts the protection
        activist.risk_level = "high"
    activist.updated_at = utcnow()
    with database.atomic():
        if creating:
            activist.ref = unique_slug(Activist, Activist.ref, activist.display_name)
        activist.save()
        wanted = {int(i) for i in spokesperson_for}
        Spokesperson.delete().where(
            (Spokesperson.activist == activist) & Spokesperson.organization.not_in(wanted or {0})
        ).execute()
        existing = {s.organization_id for s in Spokesperson.select().where(Spokesperson.activist == activist)}
        for org_id in sorted(wanted - existing):
            Spokesperson.create(activist=activist, organization=org_id)
        audit.record("activist.create" if creating else "activist.update", activist,
                     audit_diff(before, activist.audit_view()))
        if not creating:
            activist_saved.send(activist)
    return activist
