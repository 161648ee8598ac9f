"""Seed events in campaign packs: ``<folder>/events/NN-name.toml``.

Import only, like seed items: each invitation's history is replayed through the real
workflows (every move checked against the transition table and recorded). Dates may be
absolute (``starts_on = 2027-06-01``) or relative to the day of import
(``starts_in_days = 40``), so a demo always has something coming up.
"""

from datetime import date, timedelta

from amplify.campaigns.forms import is_web_url
from amplify.campaigns.models import FRAMEWORKS
from amplify.invitations.models import (
    ARRANGEMENTS,
    KINDS,
    LEVELS,
    NEEDS_START,
    RISK_LEVELS,
    ROLES,
    STATES,
    SUPPORT_KINDS,
    allowed_next,
)


def _day(reader, name, today, required=False):
    """``name`` as a date, or ``name`` with ``_on`` swapped for ``_in_days`` relative to today."""
    relative = name.replace("_on", "_in_days").replace("_deadline", "_in_days")
    if relative in reader.data:
        return today + timedelta(days=reader.get(relative, int))
    return reader.get(name, date, required=required)


def read_event(path, known_refs, known_orgs, today=None):
    from amplify.campaigns.packs import _load_toml, _Reader

    today = today or date.today()
    name = f"events/{path.name}"
    reader = _Reader(name, _load_toml(path, name))
    event = {
        "title": reader.get("title", str, required=True).strip(),
        "kind": reader.choice("kind", list(KINDS), required=True),
        "level": reader.choice("level", list(LEVELS), required=True),
        "host": reader.get("host", str, default="").strip(),
        "starts_on": _day(reader, "starts_on", today, required=True),
        "place": reader.get("place", str, default="").strip(),
        "country": reader.get("country", str, default="").strip().upper(),
        "online": reader.get("online", bool, default=False),
        "languages": reader.get("languages", list, default=[]),
        "interpretation": reader.get("interpretation", bool, default=False),
        "accreditation_route": reader.get("accreditation_route", str, default="", multiline=True).strip(),
        "accreditation_deadline": _day(reader, "accreditation_deadline", today),
        "seats_per_organization": reader.get("seats_per_organization", int),
        "links": reader.get("links", list, default=[]),
        "frameworks": reader.choices("frameworks", list(FRAMEWORKS)),
        "notes": reader.get("notes", str, default="", multiline=True).strip(),
        "invitations": [],
    }
    event["ends_on"] = event["starts_on"] + timedelta(days=reader.get("days", int, default=1) - 1)
    if event["ends_on"] < event["starts_on"]:
        reader.fail("days", "must be 1 or more")
    for link in event["links"]:
        if not is_web_url(link):
            reader.fail("links", f"{link!r} is not an http(s) address")
    for index, entry in enumerate(reader.data.get("invitations", [])):
        row = _Reader(name, entry, f"invitations[{index}].")
        invitation = {
            "person": row.get("person", str), "organization": row.get("organization", str),
            "role": row.choice("role", list(ROLES), required=True),
            "decided_by": row.get("decided_by", str, default=""),
            "moves": row.choices("moves", list(STATES)),
            "reason": row.get("reason", str, default="", multiline=True),
            "visa_required": row.get("visa_required", bool),
            "risk_level": row.choice("risk_level", list(RISK_LEVELS)) or "",
            "mitigation": row.get("mitigation", str, default="", multiline=True),
            "checkin_contact": row.get("checkin_contact", str, default=""),
            "interpretation_needed": row.get("interpretation_needed", bool, default=False),
            "outcome": row.get("outcome", str, default="", multiline=True),
            "media_uses": row.get("media_uses", list),
            "support": [],
        }
        if invitation["person"] and invitation["person"] not in known_refs:
            row.fail("person", f"{invitation['person']!r} is not an activist of people.toml")
        if invitation["organization"] and invitation["organization"] not in known_orgs:
            row.fail("organization", f"{invitation['organization']!r} is not an organization of people.toml")
        state = "opportunity"
        for move in invitation["moves"]:
            if move not in allowed_next(state):
                row.fail("moves", f"cannot go from {state} to {move}")
            if move in NEEDS_START and event["starts_on"] > today:
                row.fail("moves", f"cannot be {move} before the event starts")
            state = move
        for number, line in enumerate(entry.get("support", [])):
            item = _Reader(name, line, f"invitations[{index}].support[{number}].")
            budget = line.get("budget")
            if budget is not None and (isinstance(budget, bool) or not isinstance(budget, (int, float))
                                       or budget < 0):
                item.fail("budget", "must be an amount of 0 or more")
            invitation["support"].append({
                "kind": item.choice("kind", list(SUPPORT_KINDS), required=True),
                "arrangement": item.choice("arrangement", list(ARRANGEMENTS), required=True),
                "currency": item.get("currency", str, required=True).upper(),
                "budget_cents": int(round(budget * 100)) if budget is not None else None,
                "provided": item.get("provided", bool, default=False),
            })
        event["invitations"].append(invitation)
    return event


def import_events(campaign, events, trusted=False):
    """Create the pack's events not yet there (by title) and replay their invitations. A
    person's consent to media uses enters only from a ``trusted`` (shipped demo) pack.
    Returns how many such decisions were left out."""
    from amplify.invitations import changes
    from amplify.invitations.models import Event
    from amplify.people.models import Activist, Organization

    skipped = 0
    for data in events:
        if Event.select().where(Event.title == data["title"]).exists():
            continue
        fields = {k: v for k, v in data.items() if k != "invitations"}
        event = changes.save_event(Event(), campaign=campaign, **fields)
        for row in data["invitations"]:
            activist = Activist.get(Activist.ref == row["person"]) if row["person"] else None
            organization = Organization.get(Organization.slug == row["organization"]) \
                if row["organization"] else None
            invitation = changes.add_invitation(event, None, activist=activist, organization=organization,
                                                role=row["role"], answer_due=None)
            for move in row["moves"]:
                changes.move(invitation, move, None, row["reason"] if move in changes.NEEDS_REASON else "",
                             decided_by=row["decided_by"] or None, method="system")
            if row["visa_required"] is not None:
                changes.save_visa(invitation, visa_required=row["visa_required"])
            if row["risk_level"] or row["interpretation_needed"]:
                changes.save_trip(invitation, risk_level=row["risk_level"], mitigation=row["mitigation"],
                                  checkin_contact=row["checkin_contact"],
                                  interpretation_needed=row["interpretation_needed"])
            for line in row["support"]:
                changes.add_support(invitation, **line)
            if row["outcome"]:
                changes.save_outcome(invitation, row["outcome"], "", None, [])
            if row["media_uses"] is not None and activist is not None and not trusted:
                skipped += 1
            elif row["media_uses"] is not None and activist is not None:
                changes.record_media_consent(invitation, row["media_uses"], method="review_page")
    return skipped
