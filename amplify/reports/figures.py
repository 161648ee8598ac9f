"""The figures of a report, computed in the database: a fixed number of queries, whatever
the amount of data (aggregates and grouped counts; lists only of what the report shows).

A *scope* says what a report covers: one campaign, or one organization's people and
messages (items that involve its people, or that were made from wording its spokespeople
approved). People are named only as they chose to be (their attribution); people who chose
anonymity are counted, never named; nothing about a person at high risk is shown unless
their consent covers it (for an event: their yes to being named there); a protected person
is never named, not even on links shared before she was protected (they read these figures
afresh at every visit).
"""

import statistics
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from peewee import JOIN, SQL, Case, fn

from amplify.campaigns.models import (
    FRAMEWORKS,
    Campaign,
    CampaignOrganization,
    MessageVariant,
)
from amplify.consent.models import Decision
from amplify.db import month_of, month_text
from amplify.feeds.models import FeedEntry
from amplify.invitations import fairness
from amplify.invitations.models import COUNTED, Commitment, Event, Invitation, Meeting, MeetingAttendee, terms_hash
from amplify.invitations.naming import answers_to_be_named, may_name
from amplify.items.models import Item, ItemPerson, ItemVariant, Publication
from amplify.people.models import Activist, Organization
from amplify.press.models import Coverage, Journalist, Outlet, Pitch, Release

ANSWERS = ("given", "refused", "changes_requested")
OUTCOMES = ("given", "refused", "changes_requested", "withdrawn")
REACHED = ("attended", "attended_remotely", "debriefed")
COMMITMENTS = 200  # the latest commitments obtained that a report lists
LEVEL_ORDER = ("local", "national", "regional", "global")


def median_of(query, column, count=None):
    """The median of ``column`` over ``query``, computed in the database: only the one or
    two middle values leave it (``count``, when known, saves counting again)."""
    count = query.count() if count is None else count
    if not count:
        return None
    middle = [row[0] for row in query.order_by(column).offset((count - 1) // 2).limit(2 - count % 2).tuples()]
    return sum(middle) / len(middle)


def start_of(day):
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


class CampaignScope:
    kind = "campaign"

    def __init__(self, campaign):
        self.campaign, self.subject = campaign, campaign
        self.title = campaign.name

    def items(self):
        return Item.select(Item.id).where(Item.campaign == self.campaign)

    def decisions(self, query):
        return query.where(Decision.subject_id.in_(self.items()))

    def invitations(self, query):
        return query.where(Event.campaign == self.campaign)

    def coverage(self, query):
        return query.where(FeedEntry.campaign == self.campaign)

    def meetings(self, query):
        return query.where(Event.campaign == self.campaign)

    def pool(self):
        org_ids = CampaignOrganization.select(CampaignOrganization.organization).where(
            CampaignOrganization.campaign == self.campaign)
        if CampaignOrganization.select().where(CampaignOrganization.campaign == self.campaign).exists():
            return Activist.select().where(Activist.organization.in_(org_ids))
        return Activist.select()

    def frameworks(self):
        return set(self.campaign.frameworks or [])


class OrganizationScope:
    kind = "organization"

    def __init__(self, organization):
        self.organization, self.subject = organization, organization
        self.title = organization.name

    def people(self):
        return Activist.select(Activist.id).where(Activist.organization == self.organization)

    def items(self):
        """Items naming, quoting or showing its people, and items made from its messages
        (message wording its spokespeople approved)."""
        theirs = ItemPerson.select(ItemPerson.item).where(ItemPerson.activist.in_(self.people()))
        from_messages = (ItemVariant.select(ItemVariant.item).join(MessageVariant)
                         .where(MessageVariant.approved_by.in_(self.people())))
        return theirs | from_messages

    def decisions(self, query):
        return query.where(Decision.activist.in_(self.people()))

    def invitations(self, query):
        return query.where(Invitation.activist.in_(self.people()) | (Invitation.organization == self.organization))

    def campaigns(self):
        return CampaignOrganization.select(CampaignOrganization.campaign).where(
            CampaignOrganization.organization == self.organization)

    def coverage(self, query):
        return query.where(FeedEntry.campaign.in_(self.campaigns()))

    def meetings(self, query):
        """Meetings its people attended."""
        attended = (MeetingAttendee.select(MeetingAttendee.meeting).join(Invitation)
                    .where(Invitation.activist.in_(self.people()) | (Invitation.organization == self.organization)))
        return query.where(Meeting.id.in_(attended))

    def pool(self):
        return Activist.select().where(Activist.organization == self.organization)

    def frameworks(self):
        found = set()
        for campaign in Campaign.select(Campaign.frameworks).where(Campaign.id.in_(self.campaigns())):
            found |= set(campaign.frameworks or [])
        return found


@dataclass
class Report:
    scope: object
    since: object
    until: object
    publications: list = field(default_factory=list)  # (month, channel, language, count)
    published: list = field(default_factory=list)  # the latest: (day, channel, url or None, named, unnamed)
    outcomes: dict = field(default_factory=dict)  # outcome -> count
    answers: int = 0
    median_answer_hours: float | None = None
    takedowns: list = field(default_factory=list)  # (channel, required, done, hours)
    median_takedown_hours: float | None = None
    invitations_by_state: dict = field(default_factory=dict)
    invitations_by_level: dict = field(default_factory=dict)
    invitations_by_role: dict = field(default_factory=dict)
    first_time_named: list = field(default_factory=list)  # (name, event title, level)
    first_time_unnamed: int = 0
    fairness: object = None
    fairness_groups: list = field(default_factory=list)  # (organization, country, pool, invited, invitations)
    coverage: list = field(default_factory=list)  # (month, count)
    press: list = field(default_factory=list)  # (outlet, country, language, sent, answered, interviews, coverage)
    press_quotes: list = field(default_factory=list)  # (day, outlet, title, url, named, unnamed)
    commitments: list = field(default_factory=list)  # (day, space, meeting, who, what, by when)
    frameworks: list = field(default_factory=list)  # (code, label)

    @property
    def first_time_total(self):
        return len(self.first_time_named) + self.first_time_unnamed


def build(scope, since, until, anonymous_label="—"):
    """Every figure of the report for ``scope`` between ``since`` and ``until`` (dates,
    both included)."""
    start, end = start_of(since), start_of(until + timedelta(days=1))
    report = Report(scope, since, until)

    # Items published, by month, channel and language (one query).
    month = month_of(Publication.published_at)
    rows = (Publication.select(month.alias("month"), Publication.channel, Item.language,
                               fn.COUNT(Publication.id).alias("n"))
            .join(Item).where(Publication.item.in_(scope.items()) & (Publication.published_at >= start)
                              & (Publication.published_at < end))
            .group_by(month, Publication.channel, Item.language).order_by(month, Publication.channel)
            .tuples())
    report.publications = [(month_text(m), channel, language, n) for m, channel, language, n in rows]

    # The latest publications, with whose consent (three queries, at most LATEST rows).
    report.published = latest_publications(scope, start, end, anonymous_label)

    # Consent outcomes on items (one query). COUNT(*), not of a column the index lacks: the
    # count is then read from the ``decision_report`` index alone (500 → 180 ms for a
    # year of a campaign at 100,000 items, PostgreSQL).
    base = Decision.select(Decision.outcome, fn.COUNT(SQL("*")), fn.COUNT(Decision.waited_seconds)).where(
        (Decision.subject_type == "item") & Decision.outcome.in_(OUTCOMES)
        & (Decision.at >= start) & (Decision.at < end))
    report.outcomes = {o: 0 for o in OUTCOMES}
    timed_count = 0
    for outcome, count, timed in scope.decisions(base).group_by(Decision.outcome).tuples():
        report.outcomes[outcome] = count
        timed_count += timed if outcome in ANSWERS else 0

    # Time from request to answer, kept on each answer when it was recorded: the median in
    # the database (one query for the count above, one for the middle values).
    answered = report.outcomes["given"] + report.outcomes["refused"] + report.outcomes["changes_requested"]
    timed = scope.decisions(Decision.select(Decision.waited_seconds).where(
        (Decision.subject_type == "item") & Decision.outcome.in_(ANSWERS) & Decision.waited_seconds.is_null(False)
        & (Decision.at >= start) & (Decision.at < end)))
    report.answers = answered
    report.median_answer_hours = median_of(timed, Decision.waited_seconds, timed_count)
    if report.median_answer_hours is not None:
        report.median_answer_hours /= 3600

    # Withdrawals: each take-down, how long it took (one query).
    takedowns = (Publication.select(Publication.channel, Publication.takedown_required_at, Publication.taken_down_at)
                 .where(Publication.item.in_(scope.items()) & Publication.takedown_required_at.is_null(False)
                        & (Publication.takedown_required_at >= start) & (Publication.takedown_required_at < end))
                 .order_by(Publication.takedown_required_at).limit(500))
    for channel, required, done in takedowns.tuples():
        required = required if required.tzinfo else required.replace(tzinfo=timezone.utc)
        done = done.replace(tzinfo=timezone.utc) if done and not done.tzinfo else done
        hours = (done - required).total_seconds() / 3600 if done else None
        report.takedowns.append((channel, required, done, hours))
    durations = [t[3] for t in report.takedowns if t[3] is not None]
    report.median_takedown_hours = statistics.median(durations) if durations else None

    # Invitations by state, level and role (one grouped query).
    in_period = (Event.starts_on >= since) & (Event.starts_on <= until)
    grouped = scope.invitations(Invitation.select(Invitation.state, Event.level, Invitation.role,
                                                  fn.COUNT(Invitation.id)).join(Event).where(in_period))
    for state, level, role, count in grouped.group_by(Invitation.state, Event.level, Invitation.role).tuples():
        report.invitations_by_state[state] = report.invitations_by_state.get(state, 0) + count
        report.invitations_by_level[level] = report.invitations_by_level.get(level, 0) + count
        report.invitations_by_role[role] = report.invitations_by_role.get(role, 0) + count
    report.invitations_by_level = {lv: report.invitations_by_level[lv] for lv in LEVEL_ORDER
                                   if lv in report.invitations_by_level}

    # People who reached a space for the first time (one query, then one for their
    # consent to be named at that event).
    earlier = Invitation.alias("earlier")
    earlier_event = Event.alias("earlier_event")
    before = (earlier.select(earlier.id).join(earlier_event, on=(earlier.event == earlier_event.id))
              .where((earlier.activist == Invitation.activist) & earlier.state.in_(REACHED)
                     & (earlier_event.starts_on < Event.starts_on)))
    reached = scope.invitations(
        Invitation.select(Invitation.id, Invitation.activist, Invitation.role, Event.id, Event.title, Event.level,
                          Event.starts_on, Event.ends_on, Event.place, Event.online, Activist.display_name,
                          Activist.pseudonym, Activist.default_attribution, Activist.risk_level,
                          Activist.protected_since)
        .join(Event).switch(Invitation).join(Activist)
        .where(in_period & Invitation.state.in_(REACHED) & ~fn.EXISTS(before)))
    firsts = {}
    for row in reached.order_by(Event.starts_on, Invitation.id).tuples():
        firsts.setdefault(row[1], Reached(*row))  # their first, if twice in the period
    named_at_event = consent_to_be_named(firsts.values())
    for first in firsts.values():
        if may_name(first.attribution, first.risk_level, named_at_event.get(first.invitation_id),
                    first.protected_since is not None):
            person = Activist(display_name=first.display_name, pseudonym=first.pseudonym)
            report.first_time_named.append((person.name_for(first.attribution, anonymous_label),
                                            first.event_title, first.level))
        else:
            report.first_time_unnamed += 1

    # Fairness over the whole pool, people with no invitation included (two queries).
    pool = {p.id: p for p in scope.pool().select(Activist.id, Activist.organization, Activist.country)}
    counts = dict(scope.invitations(
        Invitation.select(Invitation.activist, fn.COUNT(Invitation.id)).join(Event)
        .where(in_period & Invitation.state.in_(COUNTED) & Invitation.activist.is_null(False)))
        .group_by(Invitation.activist).tuples())
    counts = {person: n for person, n in counts.items() if person in pool}
    report.fairness = fairness.measure(list(pool), counts, first_timers=report.first_time_total)
    names = dict(Organization.select(Organization.id, Organization.name).tuples())
    groups = {}
    for person in pool.values():
        key = (names.get(person.organization_id, "—"), person.country)
        group = groups.setdefault(key, [0, 0, 0])
        group[0] += 1
        group[1] += 1 if counts.get(person.id) else 0
        group[2] += counts.get(person.id, 0)
    report.fairness_groups = [(org, country, *values) for (org, country), values in sorted(groups.items())]

    # Coverage mentions by month (one query; COUNT(*): from the index alone).
    month = month_of(FeedEntry.seen_at)
    coverage = scope.coverage(FeedEntry.select(month, fn.COUNT(SQL("*"))).where(
        (FeedEntry.state == "coverage") & (FeedEntry.seen_at >= start) & (FeedEntry.seen_at < end)))
    report.coverage = [(month_text(m), n) for m, n in coverage.group_by(month).order_by(month).tuples()]

    # Frameworks the work touched: the campaign's own and those of the events (one query).
    codes = scope.frameworks()
    for (listed,) in scope.invitations(Event.select(Event.frameworks).join(Invitation).where(in_period)
                                       ).distinct().tuples():
        codes |= set(listed if isinstance(listed, list) else Event.frameworks.python_value(listed))
    report.frameworks = [(code, FRAMEWORKS[code]) for code in FRAMEWORKS if code in codes]

    # Commitments obtained in meetings held in the period (one query, the latest COMMITMENTS).
    obtained = scope.meetings(
        Commitment.select(Meeting.held_on, Meeting.space, Meeting.title, Commitment.who, Commitment.what,
                          Commitment.due_on)
        .join(Meeting).join(Event)
        .where((Commitment.kind == "commitment") & (Meeting.held_on >= since) & (Meeting.held_on <= until)))
    report.commitments = list(obtained.order_by(Meeting.held_on.desc(), Commitment.id).limit(COMMITMENTS).tuples())
    return report


LATEST = 200


def with_press(report, anonymous_label):
    """``report`` with the press desk's trail filled in (five queries; the press tables
    are among those whose writes expire a cached report, ``cache.READS``)."""
    report.press, report.press_quotes = press_trail(report.scope, report.since, report.until, anonymous_label)
    return report


def press_trail(scope, since, until, anonymous_label):
    """From pitch to coverage, by outlet, country and language: pitches sent, answers,
    interviews asked for, coverage that came of them (two grouped queries); and the latest
    coverage carrying quotes, with the people quoted named as they chose (three more)."""
    start, end = start_of(since), start_of(until + timedelta(days=1))
    released = Release.select(Release.id).where(Release.item.in_(scope.items()))
    trail = {}
    for outlet, country, language, sent, answered, interviews in (
            Pitch.select(Outlet.name, Outlet.country, Item.language, fn.COUNT(Pitch.id),
                         fn.SUM(Case(None, [(Pitch.answer != "", 1)], 0)),
                         fn.SUM(Case(None, [(Pitch.answer == "interview_requested", 1)], 0)))
            .join(Journalist).join(Outlet, JOIN.LEFT_OUTER).switch(Pitch).join(Release).join(Item)
            .where(Pitch.release.in_(released) & (Pitch.sent_at >= start) & (Pitch.sent_at < end))
            .group_by(Outlet.name, Outlet.country, Item.language).tuples()):
        trail[(outlet or "", country or "", language)] = [sent, answered or 0, interviews or 0, 0]
    for outlet, country, language, count in (
            Coverage.select(Outlet.name, Outlet.country, Coverage.language, fn.COUNT(Coverage.id))
            .join(Outlet, JOIN.LEFT_OUTER)
            .where(Coverage.release.in_(released) & (Coverage.published_on >= since) & (Coverage.published_on <= until))
            .group_by(Outlet.name, Outlet.country, Coverage.language).tuples()):
        trail.setdefault((outlet or "", country or "", language), [0, 0, 0, 0])[3] = count
    rows = [(*key, *values) for key, values in sorted(trail.items())]
    carried = list(Coverage.select(Coverage, Outlet, Release).join(Outlet, JOIN.LEFT_OUTER).switch(Coverage)
                   .join(Release).where(Coverage.release.in_(released) & Coverage.quotes_carried
                                        & (Coverage.published_on >= since) & (Coverage.published_on <= until))
                   .order_by(Coverage.published_on.desc(), Coverage.id.desc()).limit(LATEST))
    said = as_they_chose({c.release.item_id for c in carried}, anonymous_label)
    quotes = [(c.published_on, c.outlet.name if c.outlet_id else "", c.title, c.url or None,
               *said.get(c.release.item_id, ([], 0))) for c in carried]
    return rows, quotes


def latest_publications(scope, start, end, anonymous_label):
    """The latest publications in the period and the people who consented to each, named
    as they chose on that item; anonymous and high-risk people counted, not named, and so
    is anyone whose last word on the item is not a yes (she withdrew, or refused a later
    version): a report never names her for an item she took back. A publication that had
    to be taken down shows no address."""
    rows = list(Publication.select(Publication.item, Publication.channel, Publication.url, Publication.published_at,
                                   Publication.takedown_state)
                .where(Publication.item.in_(scope.items()) & (Publication.published_at >= start)
                       & (Publication.published_at < end))
                .order_by(Publication.published_at.desc()).limit(LATEST).tuples())
    said = as_they_chose({row[0] for row in rows}, anonymous_label)
    return [(when.date(), channel, url if takedown == "none" and url else None, *said.get(item_id, ([], 0)))
            for item_id, channel, url, when, takedown in rows]


def as_they_chose(item_ids, anonymous_label):
    """``{item id: (names, how many not named)}``: the people of each item named as they
    chose on it; anonymous and high-risk people counted, not named, and so is anyone whose
    last word on the item is not a yes (she withdrew, or refused a later version)."""
    item_ids = list(item_ids)
    if not item_ids:
        return {}
    chosen = {}  # her last yes, refusal or withdrawal on each item: (outcome, scope)
    for subject_id, activist_id, outcome, scope_text in (
            Decision.select(Decision.subject_id, Decision.activist, Decision.outcome, Decision.scope)
            .where((Decision.subject_type == "item") & Decision.subject_id.in_(item_ids)
                   & Decision.outcome.in_(["given", "refused", "withdrawn"]))
            .order_by(Decision.seq).tuples()):
        chosen[(subject_id, activist_id)] = (outcome, scope_text)
    people = {}
    for link in (ItemPerson.select(ItemPerson.item, ItemPerson.attribution, Activist.id, Activist.display_name,
                                   Activist.pseudonym, Activist.risk_level, Activist.protected_since)
                 .join(Activist).where(ItemPerson.item.in_(item_ids))):
        people.setdefault(link.item_id, []).append((link.attribution, link.activist))
    found = {}
    for item_id in item_ids:
        named, unnamed = [], 0
        for fixed, person in people.get(item_id, []):
            outcome, scope_text = chosen.get((item_id, person.id), (None, None))
            attribution = fixed or (Decision(scope=scope_text).scope_data.get("attribution") if scope_text else None)
            if (outcome != "given" or attribution in (None, "anonymous") or person.risk_level == "high"
                    or person.protected):
                unnamed += 1
            else:
                named.append(person.name_for(attribution, anonymous_label))
        found[item_id] = (named, unnamed)
    return found


@dataclass
class Reached:
    invitation_id: int
    activist_id: int
    role: str
    event_id: int
    event_title: str
    level: str
    starts_on: object
    ends_on: object
    place: str
    online: bool
    display_name: str
    pseudonym: str
    attribution: str
    risk_level: str
    protected_since: object

    @property
    def content_hash(self):
        return terms_hash(self.event_id, self.event_title, self.starts_on, self.ends_on, self.place,
                          self.online, self.role, self.activist_id)


def consent_to_be_named(reached):
    """``{invitation id: True | False}`` where the person answered, for the event's current
    terms, whether they may be named there (one query)."""
    return answers_to_be_named({r.invitation_id: (r.activist_id, r.content_hash) for r in reached})
