"""An event seen as a delegation: who goes, who declined, seats per organisation, support
budgets, visas, trip risk and outcomes — computed for the event page and the documents.

Amounts are kept per currency: a total never adds euros to dollars."""

from dataclasses import dataclass, field

import peewee
from peewee import fn

from amplify.invitations.models import Event, Invitation, InvitationItem, Support
from amplify.items.models import Item
from amplify.people.models import Activist, Organization

# Who counts as going with the delegation (reserve included: she may be called in).
GOING = ("accepted", "confirmed", "reserve", "attended", "attended_remotely", "no_show", "debriefed")
# Who was asked and did not come: she said no, did not answer, or stepped back.
NOT_GOING = ("declined", "expired", "withdrawn")
# Asked, or about to be: the answer is not in yet.
ON_THE_WAY = ("opportunity", "offered", "nominated", "invited")
# Who reached a space earlier: the first time is counted against these.
REACHED = ("attended", "attended_remotely", "debriefed")
# Who takes a seat the host gave an organisation.
SEATED = ("invited", "accepted", "confirmed", "attended", "attended_remotely", "no_show", "debriefed")


def people(event, states):
    """Invitations of ``event`` in ``states``, their person and organisation joined (a
    query, paged by the caller)."""
    home = Organization.alias("home")  # hers, when the invitation names none
    return (Invitation.select(Invitation, Activist, Organization, home)
            .join(Activist, peewee.JOIN.LEFT_OUTER)
            .join(home, peewee.JOIN.LEFT_OUTER, on=(Activist.organization == home.id)).switch(Invitation)
            .join(Organization, peewee.JOIN.LEFT_OUTER, on=(Invitation.organization == Organization.id))
            .where((Invitation.event == event) & Invitation.state.in_(list(states))))


def first_timers(event, activist_ids):
    """Of these people, those who never reached a space before this event (one query)."""
    if not activist_ids:
        return set()
    before = {a for (a,) in (Invitation.select(Invitation.activist).join(Event)
                             .where(Invitation.activist.in_(list(activist_ids)) & Invitation.state.in_(REACHED)
                                    & (Event.starts_on < event.starts_on))
                             .distinct().tuples())}
    return set(activist_ids) - before


def seats(event):
    """``[(organisation name, seats taken)]``: an invitation takes a seat of its own
    organisation, or of the person's when none was named (one query)."""
    org = fn.COALESCE(Invitation.organization, Activist.organization)
    rows = (Invitation.select(org.alias("org"), fn.COUNT(Invitation.id))
            .join(Activist, peewee.JOIN.LEFT_OUTER)
            .where((Invitation.event == event) & Invitation.state.in_(list(SEATED)))
            .group_by(org).tuples())
    counts = dict(rows)
    names = dict(Organization.select(Organization.id, Organization.name)
                 .where(Organization.id.in_([o for o in counts if o])).tuples())
    return sorted(((names.get(org_id, "—"), taken) for org_id, taken in counts.items()),
                  key=lambda row: (-row[1], row[0]))


@dataclass
class Budget:
    """Support lines of an event added up per currency and per category."""

    by_currency: dict = field(default_factory=dict)  # currency: (budget, actual) in cents
    by_category: dict = field(default_factory=dict)  # (currency, kind): (budget, actual, lines)

    @property
    def empty(self):
        return not self.by_currency


def budget(event):
    """Budget against actual costs of every support line of the event's invitations,
    grouped in the database by currency and kind (one query)."""
    rows = (Support.select(Support.currency, Support.kind, fn.SUM(Support.budget_cents),
                           fn.SUM(Support.actual_cents), fn.COUNT(Support.id))
            .join(Invitation).where(Invitation.event == event)
            .group_by(Support.currency, Support.kind).order_by(Support.currency, Support.kind).tuples())
    result = Budget()
    for currency, kind, planned, spent, lines in rows:
        planned, spent = int(planned or 0), int(spent or 0)
        result.by_category[(currency, kind)] = (planned, spent, lines)
        total = result.by_currency.get(currency, (0, 0))
        result.by_currency[currency] = (total[0] + planned, total[1] + spent)
    return result


def risk_summary(event):
    """``{risk level: how many}`` of the people going ("" for not assessed yet)."""
    rows = (Invitation.select(Invitation.risk_level, fn.COUNT(Invitation.id))
            .where((Invitation.event == event) & Invitation.state.in_(list(GOING)))
            .group_by(Invitation.risk_level).tuples())
    return dict(rows)


def outcomes(event, limit=50):
    """Invitations of the event with an outcome written or items linked, and those items."""
    written = list(Invitation.select(Invitation, Activist).join(Activist, peewee.JOIN.LEFT_OUTER)
                   .where((Invitation.event == event) & (Invitation.outcome != ""))
                   .order_by(Invitation.id).limit(limit))
    items = list(Item.select(Item.id, Item.title, Item.state, InvitationItem.invitation)
                 .join(InvitationItem).join(Invitation)
                 .where(Invitation.event == event).order_by(Item.id).limit(limit))
    return written, items


# Who travels and is paid a per diem: not the reserve, not those who took part remotely.
PER_DIEM = ("accepted", "confirmed", "attended", "debriefed")


@dataclass
class PerDiem:
    """The event's per diem: its rate a night times each person's nights away."""

    rate_cents: int | None
    currency: str
    people: int = 0
    nights: int = 0

    @property
    def total_cents(self):
        return (self.rate_cents or 0) * self.nights

    def for_person(self, invitation):
        """What she is paid, or None when she is not paid a per diem or no rate is set."""
        if self.rate_cents is None or invitation.state not in PER_DIEM:
            return None
        return self.rate_cents * invitation.nights


def per_diem(event):
    """Nights of everyone paid a per diem at ``event``, added up (one query of dates)."""
    result = PerDiem(event.per_diem_cents, event.per_diem_currency)
    for travel_on, return_on in (Invitation.select(Invitation.travel_on, Invitation.return_on)
                                 .where((Invitation.event == event) & Invitation.state.in_(list(PER_DIEM)))
                                 .tuples()):
        leaves, back = travel_on or event.starts_on, return_on or event.ends_on
        result.people += 1
        result.nights += max(0, (back - leaves).days)
    return result


def per_diem_rows(event, limit=5000):
    """Everyone paid a per diem, for the finance team's file."""
    return list(people(event, PER_DIEM).order_by(Invitation.id).limit(limit))
