"""The one function that decides whether an item may go out.

An item is cleared only when every person it names, quotes or shows has, as their decision
in force, a *given* decision for the item's current content hash whose scope covers the
item's channel, the way they appear and the attribution used, and has not expired; when
every message variant it uses is approved; and, if it names someone at high risk, when a
second staff member signed off its safety for this exact version. Exports, "mark as
published" and the item's state all ask this function, and nothing else.
"""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from amplify.consent.models import Decision
from amplify.items.models import Item, ItemPerson, SafetyCheck, anonymous_label

REASONS = {
    None: _l("Has not been asked yet"),
    "requested": _l("Has not answered yet"),
    "refused": _l("Said no"),
    "changes_requested": _l("Asked for a change"),
    "withdrawn": _l("Withdrew their consent"),
    "expired": _l("Consent expired"),
    "invalidated": _l("Decided on an earlier version"),
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

    @property
    def cleared(self):
        return not self.problems and all(p.ok for p in self.people)

    @property
    def waiting(self):
        return [p for p in self.people if not p.ok]

    def published_text(self):
        """The text exactly as it goes out: each person named as their decision says."""
        return self.item.render({p.person.activist.ref: p.name for p in self.people if p.ok})


def _person_status(item, person, decision, today):
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


def clearance(item, today=None):
    """Whether ``item`` may go out now, and if not, who or what it waits for."""
    today = today or date.today()
    result = Clearance(item)
    latest = Decision.latest_by_person("item", item.id)
    for person in item.people():
        result.people.append(_person_status(item, person, latest.get(person.activist_id), today))
    for variant in item.variants():
        if variant.state != "approved":
            result.problems.append(_l("The message “%(title)s” (%(language)s) is not approved.",
                                      title=variant.message.title, language=variant.language))
    if needs_safety_check(item) and not safety_checked(item):
        result.problems.append(_l("It names someone at high risk: a second staff member must "
                                  "sign off its safety."))
    return result


def needs_safety_check(item):
    return any(p.activist.risk_level == "high" for p in item.people())


def safety_checked(item):
    """Signed off for this exact version by someone other than the item's author."""
    checks = SafetyCheck.select().where((SafetyCheck.item == item)
                                        & (SafetyCheck.content_hash == item.content_hash))
    return any(check.checked_by_id != item.author_id for check in checks)
