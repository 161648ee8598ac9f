"""Events, and invitations of activists to them.

The movement chooses who speaks, the activist decides, the NGO supports: an invitation
moves only along the transitions below, and every move is recorded with who, when, why.
"""

import hashlib
import json
from datetime import date

import peewee
from flask_babel import lazy_gettext as _l

from amplify.auth.models import User
from amplify.campaigns.models import Campaign
from amplify.db import BaseModel, ListField, UTCDateTimeField, utcnow
from amplify.invitations import passports
from amplify.items.models import Item
from amplify.people.models import Activist, Organization

KINDS = {
    "conference": _l("Conference"), "ilo_un": _l("ILO / UN session"),
    "policy": _l("National policy process"), "hearing": _l("Hearing"),
    "interview": _l("Media interview"), "donor": _l("Donor meeting"), "other": _l("Other"),
}
LEVELS = {"local": _l("Local"), "national": _l("National"), "regional": _l("Regional"),
          "global": _l("Global")}
ROLES = {"speaker": _l("Speaker"), "panelist": _l("Panelist"), "delegate": _l("Delegate"),
         "observer": _l("Observer"), "interviewee": _l("Interviewee"),
         "co_organizer": _l("Co-organizer")}
STATES = {
    "opportunity": _l("Opportunity logged"),
    "offered": _l("Offered to the movement"),
    "nominated": _l("Nominated"),
    "invited": _l("Invited"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "expired": _l("Expired (no answer)"),
    "confirmed": _l("Confirmed"),
    "reserve": _l("Reserve"),
    "attended": _l("Attended"),
    "attended_remotely": _l("Attended remotely"),
    "no_show": _l("No-show"),
    "debriefed": _l("Debriefed"),
    "withdrawn": _l("Withdrew"),  # she stepped back ("Withdrawn" is a consent outcome)
    "cancelled": _l("Cancelled"),
    "refused_by_host": _l("Refused by host"),
}
OPEN = ("opportunity", "offered", "nominated", "invited", "accepted", "confirmed", "reserve")
ENDINGS = ("withdrawn", "cancelled", "refused_by_host")
TRANSITIONS = {
    "opportunity": ("offered",),
    "offered": ("nominated",),
    "nominated": ("invited",),
    "invited": ("accepted", "declined", "expired"),
    "accepted": ("confirmed", "reserve"),
    "reserve": ("confirmed",),
    "confirmed": ("attended", "attended_remotely", "no_show"),
    "attended": ("debriefed",),
    "attended_remotely": ("debriefed",),
    "no_show": (),
    "declined": (), "expired": (), "debriefed": (),
    "withdrawn": (), "cancelled": (), "refused_by_host": (),
}
# What counts as an invitation when measuring how fairly they are spread (the page and reports).
COUNTED = ("invited", "accepted", "confirmed", "reserve", "attended", "attended_remotely", "no_show",
           "debriefed", "declined", "expired")
# Her answer: staff recording it say how it was given.
ANSWERS = ("accepted", "declined")
# Moves that say what happened at the event: refused before it starts.
NEEDS_START = ("attended", "attended_remotely", "no_show", "debriefed")
# What needs a reason when chosen.
NEEDS_REASON = ("declined", "withdrawn", "cancelled", "refused_by_host", "no_show")


# What a visa letter names, and a purge deletes after the event (contact roles only).
PASSPORT_DETAILS = {"passport_name": _l("Name as in the passport"), "nationality": _l("Nationality"),
                    "passport_number": _l("Passport number")}
RISK_LEVELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
# What the person may separately agree to at the event, through the consent ledger.
MEDIA_USES = {"named": _l("Being named"), "photographed": _l("Being photographed"),
              "recorded": _l("Being recorded (audio or video)"), "quoted": _l("Being quoted")}
# Where media consent is asked: from the invitation until the event is over.
MEDIA_CONSENT_STATES = ("invited", "accepted", "confirmed", "reserve")


def terms_hash(event_id, title, starts_on, ends_on, place, online, role, activist_id):
    """SHA-256 of the terms of an invitation that a person's consent at the event covers."""
    terms = {"event": event_id, "title": title, "starts_on": starts_on.isoformat(),
             "ends_on": ends_on.isoformat(), "place": place, "online": bool(online), "role": role,
             "activist": activist_id}
    return hashlib.sha256(json.dumps(terms, sort_keys=True).encode()).hexdigest()


def allowed_next(state):
    """The states an invitation in ``state`` may move to, in the order offered to staff."""
    nexts = list(TRANSITIONS.get(state, ()))
    if state in OPEN:
        nexts += [s for s in ENDINGS if s not in nexts]
    return nexts


class Event(BaseModel):
    title = peewee.CharField()
    kind = peewee.CharField()
    level = peewee.CharField()
    host = peewee.CharField(default="")
    starts_on = peewee.DateField(index=True)
    ends_on = peewee.DateField()
    place = peewee.CharField(default="")
    country = peewee.CharField(default="")  # ISO 3166 code: passport rules per destination
    online = peewee.BooleanField(default=False)
    languages = ListField(default=list)
    interpretation = peewee.BooleanField(default=False)
    accreditation_route = peewee.TextField(default="")
    accreditation_deadline = peewee.DateField(null=True)
    seats_per_organization = peewee.IntegerField(null=True)
    links = ListField(default=list)
    frameworks = ListField(default=list)
    campaign = peewee.ForeignKeyField(Campaign, null=True, on_delete="SET NULL")
    notes = peewee.TextField(default="")
    per_diem_cents = peewee.IntegerField(null=True)  # a night, for each person travelling
    per_diem_currency = peewee.CharField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    def __str__(self):
        return self.title

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def level_label(self):
        return LEVELS.get(self.level, self.level)


class Invitation(BaseModel):
    event = peewee.ForeignKeyField(Event, backref="invitations", on_delete="CASCADE")
    activist = peewee.ForeignKeyField(Activist, null=True, on_delete="RESTRICT")
    organization = peewee.ForeignKeyField(Organization, null=True, on_delete="SET NULL")
    role = peewee.CharField()
    state = peewee.CharField(index=True, default="opportunity")
    proposed_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    decided_by = peewee.CharField(default="")  # who in the movement chose the person
    decided_on = peewee.DateField(null=True)
    answer_due = peewee.DateField(null=True)
    outcome = peewee.TextField(default="")
    visa_required = peewee.BooleanField(null=True)
    visa_letter_sent_on = peewee.DateField(null=True)
    visa_appointment_on = peewee.DateField(null=True)
    visa_lodged_on = peewee.DateField(null=True)
    visa_outcome = peewee.CharField(default="")
    passport_expiry = peewee.DateField(null=True)
    passport_number = peewee.CharField(default="")  # sensitive: purged after the event
    passport_name = peewee.CharField(default="")  # as in the passport, for the visa letter; purged too
    nationality = peewee.CharField(default="")  # ISO 3166 code, for the visa letter; purged too
    purge_on = peewee.DateField(null=True)
    risk_level = peewee.CharField(default="")
    mitigation = peewee.TextField(default="")
    checkin_contact = peewee.CharField(default="")
    travel_on = peewee.DateField(null=True)
    return_on = peewee.DateField(null=True)
    checked_in_on = peewee.DateField(null=True)
    interpretation_needed = peewee.BooleanField(default=False)
    interpreter_booked_on = peewee.DateField(null=True)
    evaluated_on = peewee.DateField(null=True)
    follow_ups = peewee.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    @property
    def title(self):
        """What the person is asked about: used in receipts and reminders."""
        return f"{self.event.title} — {self.role_label}"

    @property
    def content_hash(self):
        """The terms the person's consent at the event is about: if the event, its dates,
        place or the person's role change, an earlier answer no longer covers it."""
        event = self.event
        return terms_hash(event.id, event.title, event.starts_on, event.ends_on, event.place, event.online,
                          self.role, self.activist_id)

    @property
    def travels_on(self):
        return self.travel_on or self.event.starts_on

    @property
    def returns_on(self):
        return self.return_on or self.event.ends_on

    @property
    def nights(self):
        """Nights away, from her travel dates (the event's first and last day by default)."""
        return max(0, (self.returns_on - self.travels_on).days)

    @property
    def purge_pending(self):
        """Whether the purge date is still to come (the page says "will be purged")."""
        return self.purge_on is not None and self.purge_on > date.today()

    @property
    def passport_rule(self):
        """``(rule, day)``: until when her passport must be valid for the event's country."""
        return passports.valid_until_needed(self)

    @property
    def passport_problem(self):
        return passports.problem(self)

    @property
    def passport_details_missing(self):
        """What a visa letter needs and is not recorded (the form's labels)."""
        return [label for name, label in PASSPORT_DETAILS.items() if not getattr(self, name)]

    @property
    def has_passport_details(self):
        return bool(self.passport_number or self.passport_name or self.nationality)

    @property
    def risk_label(self):
        return RISK_LEVELS.get(self.risk_level, "")

    @property
    def state_label(self):
        return STATES.get(self.state, self.state)

    @property
    def role_label(self):
        return ROLES.get(self.role, self.role)

    def next_states(self, today=None):
        """The moves open now: what happened at the event is offered once it has started."""
        started = (today or date.today()) >= self.event.starts_on
        return [s for s in allowed_next(self.state) if started or s not in NEEDS_START]


class InvitationChange(BaseModel):
    invitation = peewee.ForeignKeyField(Invitation, backref="changes", on_delete="CASCADE")
    from_state = peewee.CharField()
    to_state = peewee.CharField()
    at = UTCDateTimeField(default=utcnow)
    by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    reason = peewee.TextField(default="")
    method = peewee.CharField(default="")  # for her answer: "review_page" or a staff method

    @property
    def method_label(self):
        from amplify.consent.models import METHODS

        return METHODS.get(self.method, "") if self.method else ""


SUPPORT_KINDS = {
    "travel": _l("Travel"), "visa_letter": _l("Visa letter"), "accommodation": _l("Accommodation"),
    "per_diem": _l("Per diem"), "interpretation": _l("Interpretation"), "childcare": _l("Childcare"),
    "accessibility": _l("Accessibility"), "security": _l("Security accompaniment"),
}
ARRANGEMENTS = {"booked": _l("Booked by us"), "reimbursed": _l("Reimbursed")}


class Support(BaseModel):
    invitation = peewee.ForeignKeyField(Invitation, backref="support", on_delete="CASCADE")
    kind = peewee.CharField()
    arrangement = peewee.CharField()
    provided = peewee.BooleanField(default=False)
    budget_cents = peewee.IntegerField(null=True)
    actual_cents = peewee.IntegerField(null=True)
    currency = peewee.CharField(max_length=3)
    receipt_noted = peewee.BooleanField(default=False)
    paid_on = peewee.DateField(null=True)
    notes = peewee.TextField(default="")

    @property
    def kind_label(self):
        return SUPPORT_KINDS.get(self.kind, self.kind)

    @property
    def arrangement_label(self):
        return ARRANGEMENTS.get(self.arrangement, self.arrangement)


def totals(lines):
    """Budget and actual per currency: amounts in different currencies are never added."""
    result = {}
    for line in lines:
        budget, actual = result.get(line.currency, (0, 0))
        result[line.currency] = (budget + (line.budget_cents or 0), actual + (line.actual_cents or 0))
    return dict(sorted(result.items()))


class CalendarFeed(BaseModel):
    """A staff member's secret calendar URL (events and deadlines), revocable at once."""

    user = peewee.ForeignKeyField(User, backref="calendar_feeds", on_delete="CASCADE")
    token = peewee.CharField(unique=True)
    created_at = UTCDateTimeField(default=utcnow)
    revoked_at = UTCDateTimeField(null=True)

    @classmethod
    def active_for(cls, user):
        return cls.select().where((cls.user == user) & cls.revoked_at.is_null()).first()


class InvitationItem(BaseModel):
    """An item published about what the person said or achieved at the event."""

    invitation = peewee.ForeignKeyField(Invitation, backref="outcome_links", on_delete="CASCADE")
    item = peewee.ForeignKeyField(Item, on_delete="CASCADE")

    class Meta:
        indexes = ((("invitation", "item"), True),)


class Meeting(BaseModel):
    """A meeting in a decision space (a ministry, an ILO committee) during an event: what
    we ask and expect there before it, what was promised after it."""

    event = peewee.ForeignKeyField(Event, backref="meetings", on_delete="CASCADE")
    title = peewee.CharField()
    space = peewee.CharField(default="")  # who we meet: "Ministerio de Trabajo", "Comité de la OIT"
    held_on = peewee.DateField()
    language = peewee.CharField(max_length=8)
    asks = peewee.TextField(default="")
    background = peewee.TextField(default="")
    objections = peewee.TextField(default="")  # anticipated objections, and our answers
    debrief = peewee.TextField(default="")
    debriefed_on = peewee.DateField(null=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    def __str__(self):
        return self.title


class MeetingAttendee(BaseModel):
    """Someone of the delegation at the meeting, through her invitation to the event."""

    meeting = peewee.ForeignKeyField(Meeting, backref="attendees", on_delete="CASCADE")
    invitation = peewee.ForeignKeyField(Invitation, on_delete="CASCADE")

    class Meta:
        indexes = ((("meeting", "invitation"), True),)


COMMITMENT_KINDS = {"commitment": _l("Commitment obtained"), "follow_up": _l("Our follow-up")}


class Commitment(BaseModel):
    """After a meeting: what someone there promised, by when ("commitment"), or what we
    must do next and who owns it ("follow_up"). Both are deadlines until done."""

    meeting = peewee.ForeignKeyField(Meeting, backref="commitments", on_delete="CASCADE")
    kind = peewee.CharField()
    who = peewee.CharField()  # who promised it, or who owns the follow-up
    what = peewee.TextField()
    due_on = peewee.DateField(null=True)
    done_on = peewee.DateField(null=True)
    created_at = UTCDateTimeField(default=utcnow)

    @property
    def kind_label(self):
        return COMMITMENT_KINDS.get(self.kind, self.kind)


# Deadlines and reminders about trip safety and passports: only roles that see contact
# details see them (never the viewer role), on every page and feed that lists them.
PRIVATE_KINDS = frozenset({"checkin", "passport", "passport_rule", "purge"})


class Reminder(BaseModel):
    """A reminder drafted for staff to send: copied into a message, or e-mailed when SMTP is
    configured. Nothing here is ever sent without a person pressing a button."""

    invitation = peewee.ForeignKeyField(Invitation, null=True, backref="reminders", on_delete="CASCADE")
    event = peewee.ForeignKeyField(Event, null=True, on_delete="CASCADE")
    kind = peewee.CharField()
    due_on = peewee.DateField()
    recipient = peewee.CharField(default="")
    subject = peewee.CharField()
    body = peewee.TextField()
    created_at = UTCDateTimeField(default=utcnow)
    created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    sent_at = UTCDateTimeField(null=True)
    sent_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    method = peewee.CharField(default="")  # "copied" or "email"
    error = peewee.TextField(default="")

    @classmethod
    def listed(cls, private):
        """Reminders to list: those about trip safety and passports only when ``private``."""
        query = cls.select()
        return query if private else query.where(cls.kind.not_in(list(PRIVATE_KINDS)))


class Deadline(BaseModel):
    """A deadline of an invitation (or an event's accreditation), as ``deadlines.py``
    computes it, stored and recomputed on every write to its invitation, event or support
    lines: dashboards then read only the window they show, through an index, instead of
    deriving every open invitation's deadlines on each request."""

    kind = peewee.CharField()
    due_on = peewee.DateField()
    invitation = peewee.ForeignKeyField(Invitation, null=True, on_delete="CASCADE", backref="+")
    event = peewee.ForeignKeyField(Event, on_delete="CASCADE", backref="+")
    commitment = peewee.ForeignKeyField(Commitment, null=True, on_delete="CASCADE", backref="+")

    class Meta:
        indexes = ((("due_on", "kind"), False),)

    @property
    def on(self):
        return self.due_on

    @property
    def label(self):
        from amplify.invitations.deadlines import KINDS  # deadlines.py imports this module

        return KINDS[self.kind]

    @property
    def key(self):
        """Names this deadline, so a reminder drafted for it can be found again."""
        if self.commitment_id:
            return f"{self.kind}:c{self.commitment_id}"
        return f"{self.kind}:{self.invitation_id if self.invitation_id else 'e' + str(self.event_id)}"

    def overdue(self, today):
        return self.due_on < today
