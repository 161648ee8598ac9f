"""Is her passport valid long enough for where she goes? Rules per destination country
live in ``passport_rules.toml`` with their source; a country without a rule is never
"fine": staff are told to check with the consulate."""

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from amplify.people.models import add_months

RULES_FILE = Path(__file__).with_name("passport_rules.toml")


@dataclass(frozen=True)
class Rule:
    name: str
    months: int
    after: str  # "departure" or "arrival"
    source: str
    checked: date
    unverified: bool = False


@cache
def rules():
    """``{country code: Rule}`` read from the data file."""
    with open(RULES_FILE, "rb") as handle:
        data = tomllib.load(handle)
    found = {}
    for name, entry in data.items():
        rule = Rule(name, entry["months"], entry["after"], entry["source"], entry["checked"],
                    entry.get("unverified", False))
        for country in entry["countries"]:
            found[country] = rule
    return found


def valid_until_needed(invitation):
    """``(rule, date)``: the day her passport must still be valid, by the rule of the event's
    country; ``(None, None)`` when no rule is known for it."""
    rule = rules().get(invitation.event.country or "")
    if rule is None:
        return None, None
    start = invitation.returns_on if rule.after == "departure" else invitation.travels_on
    return rule, add_months(start, rule.months)


LONGEST_RULE_MONTHS = 6  # no rule in the file asks for more after the return


def problem(invitation):
    """``"too_soon"`` when the passport expires before the destination's rule allows;
    ``"no_rule"`` when no rule covers the destination and the passport would not meet the
    longest rule we know (check with the consulate); else None. Nothing to say while the
    expiry date is not known."""
    if not invitation.passport_expiry:
        return None
    rule, needed = valid_until_needed(invitation)
    if rule is None:
        safe = add_months(invitation.returns_on, LONGEST_RULE_MONTHS)
        return "no_rule" if invitation.passport_expiry < safe else None
    return "too_soon" if invitation.passport_expiry < needed else None
