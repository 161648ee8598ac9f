"""The one function that decides whether an item may go out.

An item is cleared only when every person it names, quotes or shows has, as their decision
in force, a *given* decision for the item's current content hash whose scope covers the
item's channel, the way they appear and the attribution used, and has not expired; when
every message variant it uses is approved; when every face found on its photos is blurred
or is the face of a person it shows (``amplify.media.faces``); if it names someone at high
risk, when a second staff member signed off its safety for this exact version; and, for an
item under embargo (a press release), only once the embargo has passed. Nobody protected
(``amplify.protection``) may be named, quoted or shown, whatever she said before. Exports,
"mark as published", the press desk's documents and e-mails and the item's state all ask
this function, and nothing else. An embargoed release leaves only through its signed link
(``/s/press/``), which shows what ``consented`` allows, stamped "embargoed until …".
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_datetime, lazy_gettext as _l

from amplify.campaigns.models import Message, MessageVariant
from amplify.consent.models import Decision
from amplify.db import Shape, utcnow
from amplify.items.models import Item, ItemPerson, ItemVariant, SafetyCheck, anonymous_label
from amplify.media.faces import problem as faces_problem, unshown_faces
from amplify.people.models import Activist

REASONS = {
    None: _l("Has not been asked yet"),
    "requested": _l("Has not answered yet"),
    "refused": _l("Said no"),
    "changes_requested": _l("Asked for a change"),
    "withdrawn": _l("Withdrew their consent"),
    "expired": _l("Consent expired"),
    "invalidated": _l("Decided on an earlier version"),
    "protected": _l("Protected: nothing may name, quote or show her until an admin lifts it"),
}


@dataclass
class PersonStatus:
    person: ItemPerson
    decision: Decision | None
    ok: bool
    reason: object = None
    name: str = ""


@dataclass
class Clearance:
    item: Item
    people: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    embargoed_until: object = None  # the embargo's moment, while it has not passed
    needs_safety: bool = False  # it names someone at high risk: a second sign-off is needed
    safety_ok: bool = False  # that sign-off was given for this version by another staff member

    @property
    def consented(self):
        """Everyone agreed to this version and nothing else stands in the way, embargo
        aside: what the item's state and stored verdict say, and what a signed embargo link
        may show."""
        return not self.problems and all(p.ok for p in self.people)

    @property
    def cleared(self):
        """It may go out to the public now."""
        return self.consented and self.embargoed_until is None

    @property
    def embargo_problem(self):
        if self.embargoed_until is None:
            return None
        return _l("Embargoed until %(when)s: before then it is shared only through its signed link.",
                  when=format_datetime(self.item.embargo_local, "medium", rebase=False)  # in its own zone
                  + " " + (self.item.embargo_zone or "UTC"))

    @property
    def waiting(self):
        return [p for p in self.people if not p.ok]

    @property
    def until(self):
        """The first day it is no longer cleared by the passing of time (None: never)."""
        ends = [p.decision.valid_until for p in self.people if p.decision and p.decision.valid_until]
        return min(ends) if ends else None

    def published_text(self):
        """The text exactly as it goes out: each person named as their decision says."""
        return self.item.render({p.person.activist.ref: p.name for p in self.people if p.ok})


def _person_status(item, person, decision, today):
    if person.activist.protected:
        return PersonStatus(person, decision, False, REASONS["protected"])
    if decision is None:
        return PersonStatus(person, None, False, REASONS[None])
    if decision.content_hash != item.content_hash:
        reason = REASONS["invalidated"] if decision.outcome in ("given", "invalidated", "requested") \
            else REASONS.get(decision.outcome)
        return PersonStatus(person, decision, False, reason)
    if decision.outcome != "given":
        return PersonStatus(person, decision, False, REASONS.get(decision.outcome, decision.outcome))
    scope = decision.scope_data
    if item.channel not in scope.get("channels", []):
        return PersonStatus(person, decision, False, _l("Did not agree to this channel"))
    until = decision.valid_until
    if until is not None and until < today:
        return PersonStatus(person, decision, False, REASONS["expired"])
    if person.appearance == "shown" and not scope.get("face"):
        return PersonStatus(person, decision, False, _l("Did not agree to show their face"))
    attribution = scope.get("attribution")
    if person.attribution and attribution != person.attribution:
        return PersonStatus(person, decision, False, _l("Chose another attribution"))
    if person.activist.minor and not (decision.guardian_name and decision.minor_agrees):
        return PersonStatus(person, decision, False, _l("A guardian and the minor must both agree"))
    name = person.activist.name_for(attribution, anonymous_label(item.language))
    return PersonStatus(person, decision, True, None, name)


def clearance(item, today=None, now=None):
    """Whether ``item`` may go out now, and if not, who or what it waits for."""
    return clearances([item], today, now)[item.id]


def clearances(items, today=None, now=None):
    """``{item id: Clearance}`` for many items in seven queries, whatever their number (a
    list page judges its rows at once, by the same rules as one item)."""
    today = today or date.today()
    now = now or utcnow()
    items = list(items)
    ids = [item.id for item in items]
    results = {item.id: Clearance(item) for item in items}
    if not ids:
        return results
    people = {item_id: [] for item_id in ids}
    for person in PEOPLE.rows(ids):
        people[person.item_id].append(person)
    latest = Decision.latest_by_subject("item", ids)
    checked = {}
    with_checks, with_variants = having(items, "has_safety_checks"), having(items, "has_variants")
    for check in SAFETY_CHECKS.rows(with_checks) if with_checks else ():
        checked.setdefault(check.item_id, []).append(check)
    for variant in UNAPPROVED_VARIANTS.rows(with_variants) if with_variants else ():
        results[variant.itemvariant.item_id].problems.append(
            _l("The message “%(title)s” (%(language)s) is not approved.",
               title=variant.message.title, language=variant.language))
    for item_id, count in unshown_faces(having(items, "has_images")).items():
        results[item_id].problems.append(faces_problem(count))
    for item in items:
        result, decided = results[item.id], latest.get(item.id, {})
        if item.embargoed(now):
            result.embargoed_until = item.embargo_until
        for person in people[item.id]:
            result.people.append(_person_status(item, person, decided.get(person.activist_id), today))
        result.needs_safety = any(p.activist.risk_level == "high" for p in people[item.id])
        result.safety_ok = _signed_off(item, checked.get(item.id, ()))
        if result.needs_safety and not result.safety_ok:
            result.problems.append(_l("It names someone at high risk: a second staff member must "
                                      "sign off its safety."))
    return results


def having(items, fact):
    """The ids of ``items`` that may have ``fact``: an item read with ``Item.facts()`` says
    whether it has it, any other may."""
    return [item.id for item in items if getattr(item, fact, True)]


# Every item page and every list that judges clearance reads these (amplify.db.Shape).
PEOPLE = Shape(lambda ids: (
    ItemPerson.select(ItemPerson, Activist).join(Activist)
    .where(ItemPerson.item.in_(ids)).order_by(Activist.display_name, ItemPerson.id)))
SAFETY_CHECKS = Shape(lambda ids: SafetyCheck.select().where(SafetyCheck.item.in_(ids)))
UNAPPROVED_VARIANTS = Shape(lambda ids: (
    MessageVariant.select(MessageVariant, Message, ItemVariant.item)
    .join(ItemVariant, on=(ItemVariant.variant == MessageVariant.id))
    .switch(MessageVariant).join(Message)
    .where(ItemVariant.item.in_(ids) & (MessageVariant.state != "approved"))
    .order_by(MessageVariant.id)))


def needs_safety_check(item):
    return any(p.activist.risk_level == "high" for p in item.people())


def safety_checked(item):
    """Signed off for this exact version by someone other than the item's author."""
    return _signed_off(item, SafetyCheck.select().where(SafetyCheck.item == item))


def _signed_off(item, checks):
    return any(check.content_hash == item.content_hash and check.checked_by_id != item.author_id
               for check in checks)
