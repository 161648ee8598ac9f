"""Campaign packs: a campaign as plain files that people can read and edit by hand.

    <folder>/campaign.toml        the campaign (slug, name, goal, lists, colours, key dates;
                                  optional [names] per language, shown to activists)
    <folder>/people.toml          optional: organizations and spokespeople the pack refers to
                                  (languages they read, optional preferred_language)
    <folder>/messages/NN-key.toml one file per message, one [variants.<lang>] table each,
                                  optional [titles] per language
    <folder>/logo.png             optional
    <folder>/items/NN-name.toml   optional seed items, each with a history that import
                                  replays through the real workflows (import only: consent
                                  decisions never leave the ledger through files)
    <folder>/events/NN-name.toml  optional seed events with invitations, replayed the same
                                  way (import only)

Import validates the whole pack before it writes anything, then writes it in one
transaction; importing the same pack again changes nothing. Approvals and consent
decisions never enter through files: a hand-edited ``state = "approved"`` is imported as
proposed (unless the database already holds that very wording approved), and item and
consent histories are not replayed — except for the demo packs that ship
with Amplify (``trusted=True``, fictional people), loaded by ``amplify init``. Export writes what import
reads, so the two round-trip. People travel with their public profile only: contact
details and notes never leave the database through a pack.
"""

import re
import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import tomli_w

from amplify import audit, limits
from amplify.calendars import is_time_zone
from amplify.campaigns.forms import HASHTAG, HEX, clean_logo, contrast_ratio, is_web_url
from amplify.campaigns.changes import set_organizations
from amplify.campaigns.models import (
    APPROVAL_METHODS, AUDIENCES, CONTENT_LANGUAGES, FRAMEWORKS, STATES, WORDING, Campaign,
    Message, MessageVariant,
)
from amplify.db import database, utcnow
from amplify.slugs import RESERVED
from amplify.people.models import (
    ATTRIBUTIONS, OUR_ROLES, RISK_LEVELS, Activist, Organization, Spokesperson, add_months,
    audit_diff,
)

LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY = re.compile(r"^[A-Z]{2}$")


class PackError(ValueError):
    """A malformed pack: names the file and the field at fault."""

    def __init__(self, file, field, problem):
        super().__init__(f"{file}: {field}: {problem}")
        self.file, self.field, self.problem = str(file), field, problem


class _Reader:
    """Typed access to one TOML table, raising PackError that names file and field."""

    def __init__(self, file, data, prefix=""):
        self.file, self.data, self.prefix = file, data, prefix

    def fail(self, field, problem):
        raise PackError(self.file, f"{self.prefix}{field}", problem)

    def get(self, field, kind, required=False, default=None, multiline=False, longest=limits.TEXT):
        """The field's value, checked for its kind; a text (or each text of a list) at most
        ``longest`` characters, checked before any pattern reads it, and one line unless
        ``multiline`` (as in the forms: a name or a title with a line break breaks
        calendars, CSVs and headers)."""
        if field not in self.data:
            if required:
                self.fail(field, "is required")
            return default
        value = self.data[field]
        if kind is list and isinstance(value, list) and any(
                isinstance(v, str) and len(v) > min(longest, limits.ADDRESS) for v in value):
            self.fail(field, f"has a text longer than {min(longest, limits.ADDRESS)} characters")
        if kind is str and isinstance(value, str) and len(value) > longest:
            self.fail(field, f"is longer than {longest} characters")
        texts = value if isinstance(value, list) else [value]
        if not multiline and any(isinstance(v, str) and LINE_BREAK.search(v.strip()) for v in texts):
            self.fail(field, "must be a single line (no line breaks)")
        if kind is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                self.fail(field, "must be a list of strings")
        elif kind is str and isinstance(value, str) and required and not value.strip():
            self.fail(field, "must not be empty")
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(field, f"must be {_KIND_NAMES.get(kind, kind.__name__)}")
        return value

    def choice(self, field, allowed, required=False, default=None):
        value = self.get(field, str, required, default)
        if value is not None and value not in allowed:
            self.fail(field, f"must be one of: {', '.join(allowed)}")
        return value

    def choices(self, field, allowed):
        values = self.get(field, list, default=[])
        for value in values:
            if value not in allowed:
                self.fail(field, f"{value!r} is not one of: {', '.join(allowed)}")
        return values

    def language_names(self, field):
        """A table ``{language: text}`` (a campaign's name, a message's title per language)."""
        names = self.table(field)
        for code, text in names.items():
            if code not in CONTENT_LANGUAGES or not isinstance(text, str) or not text.strip():
                self.fail(f"{field}.{code}", f"must be a non-empty text, for one of: {', '.join(CONTENT_LANGUAGES)}")
        return {code: text.strip() for code, text in names.items()}

    def table(self, field, required=False):
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, "is required")
            return {}
        if not isinstance(value, dict):
            self.fail(field, "must be a table")
        return value


_KIND_NAMES = {str: "text", bool: "true or false", int: "a whole number", date: "a date",
               datetime: "a date and time", dict: "a table"}


def _load_toml(path, name):
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise PackError(name, "(syntax)", str(error)) from None
    except UnicodeDecodeError:
        raise PackError(name, "(file)", "is not UTF-8 text") from None
    except OSError as error:
        raise PackError(name, "(file)", error.strerror or str(error)) from None


def read_pack(folder):
    """Parse and validate a pack folder into plain data. Raises PackError."""
    folder = Path(folder)
    if not (folder / "campaign.toml").is_file():
        raise PackError(folder / "campaign.toml", "(file)", "not found")
    reader = _Reader("campaign.toml", _load_toml(folder / "campaign.toml", "campaign.toml"))
    slug = reader.get("slug", str, required=True, longest=limits.NAME)
    if not SLUG.match(slug) or slug in RESERVED:
        reader.fail("slug", "must be lower-case letters, digits and hyphens (not 'new' or 'edit')")
    colours = _Reader("campaign.toml", reader.table("colours"), "colours.")
    campaign = {
        "slug": slug,
        "name": reader.get("name", str, required=True, longest=limits.NAME).strip(),
        "goal": reader.get("goal", str, default="", multiline=True).strip(),
        "audiences": reader.choices("audiences", list(AUDIENCES)),
        "hashtags": reader.get("hashtags", list, default=[]),
        "links": reader.get("links", list, default=[]),
        "languages": reader.choices("languages", list(CONTENT_LANGUAGES)),
        "frameworks": reader.choices("frameworks", list(FRAMEWORKS)),
        "colour_background": colours.get("background", str, default="#5b2a86").lower(),
        "colour_text": colours.get("text", str, default="#ffffff").lower(),
        "colour_accent": colours.get("accent", str, default="#f2c14e").lower(),
        "consent_months": reader.get("consent_months", int, default=12),
        "time_zone": reader.get("time_zone", str, default=""),
        "names": reader.language_names("names"),
        "key_dates": [],
    }
    if campaign["time_zone"] and not is_time_zone(campaign["time_zone"]):
        reader.fail("time_zone", "must be a time zone name such as America/Lima")
    if not 1 <= campaign["consent_months"] <= 120:
        reader.fail("consent_months", "must be between 1 and 120")
    organizations = reader.get("organizations", list, default=[])
    for tag in campaign["hashtags"]:
        if not HASHTAG.match(tag):
            reader.fail("hashtags", f"{tag!r} is not a hashtag")
    for link in campaign["links"]:
        if not is_web_url(link):
            reader.fail("links", f"{link!r} is not an http(s) address")
    for name in ("background", "text", "accent"):
        if not HEX.match(campaign[f"colour_{name}"]):
            colours.fail(name, "must be a colour like #5b2a86")
    if contrast_ratio(campaign["colour_text"], campaign["colour_background"]) < 4.5:
        colours.fail("text", "contrast with the background is below 4.5:1")
    if not campaign["languages"]:
        reader.fail("languages", "must name at least one language")
    key_dates = reader.data.get("key_dates", [])
    if not isinstance(key_dates, list):
        reader.fail("key_dates", "must be a list of tables")
    for index, entry in enumerate(key_dates):
        item = _Reader("campaign.toml", entry if isinstance(entry, dict) else {}, f"key_dates[{index}].")
        day = item.get("date", date, required=True)
        campaign["key_dates"].append({"date": day.isoformat(),
                                      "label": item.get("label", str, required=True).strip()})
    campaign["key_dates"].sort(key=lambda d: d["date"])
    logo_path = folder / "logo.png"
    if logo_path.is_file():
        try:
            campaign["logo"] = clean_logo(logo_path.read_bytes())
        except ValueError as bad:
            raise PackError("logo.png", "(file)", str(bad.args[0])) from None

    people = _read_people(folder / "people.toml") if (folder / "people.toml").is_file() else \
        {"organizations": [], "activists": []}
    known_refs = {a["ref"] for a in people["activists"]}
    known_orgs = {o["slug"] for o in people["organizations"]}
    for org_slug in organizations:
        if org_slug not in known_orgs and not Organization.select().where(
                Organization.slug == org_slug).exists():
            reader.fail("organizations", f"{org_slug!r} is not an organization of people.toml")

    messages, keys = [], set()
    message_dir = folder / "messages"
    for path in sorted(message_dir.glob("*.toml")) if message_dir.is_dir() else []:
        message = _read_message(path, known_refs)
        if message["key"] in keys:
            raise PackError(f"messages/{path.name}", "key", f"{message['key']!r} is used twice")
        keys.add(message["key"])
        messages.append(message)
    items = []
    item_dir = folder / "items"
    for path in sorted(item_dir.glob("*.toml")) if item_dir.is_dir() else []:
        items.append(_read_item(path, known_refs, {(m["key"], v["language"]) for m in messages
                                                   for v in m["variants"]}))
    from amplify.invitations.packs import read_event

    event_dir = folder / "events"
    events = [read_event(path, known_refs, known_orgs | set(organizations))
              for path in (sorted(event_dir.glob("*.toml")) if event_dir.is_dir() else [])]
    return {"campaign": campaign, "organizations": organizations, "people": people,
            "messages": messages, "items": items, "events": events}


def _read_people(path):
    data = _load_toml(path, "people.toml")
    organizations, activists, slugs = [], [], set()
    for index, entry in enumerate(data.get("organizations", [])):
        item = _Reader("people.toml", entry, f"organizations[{index}].")
        org_slug = item.get("slug", str, required=True, longest=limits.NAME)
        if not SLUG.match(org_slug):
            item.fail("slug", "must be lower-case letters, digits and hyphens")
        country = item.get("country", str, required=True, longest=limits.NAME)
        if not COUNTRY.match(country):
            item.fail("country", "must be a two-letter country code such as BR")
        organizations.append({
            "slug": org_slug, "name": item.get("name", str, required=True, longest=limits.NAME).strip(),
            "formal": item.get("formal", bool, default=True), "country": country,
            "trade_union": item.get("trade_union", bool, default=False),
            "our_role": item.choice("our_role", list(OUR_ROLES), required=True),
            "last_review_on": item.get("last_review_on", date),
            "next_review_on": item.get("next_review_on", date),
            "notes": item.get("notes", str, default="", multiline=True).strip(),
        })
        slugs.add(org_slug)
    for index, entry in enumerate(data.get("activists", [])):
        item = _Reader("people.toml", entry, f"activists[{index}].")
        ref = item.get("ref", str, required=True, longest=limits.NAME)
        if not SLUG.match(ref):
            item.fail("ref", "must be lower-case letters, digits and hyphens")
        organization = item.get("organization", str)
        if organization is not None and organization not in slugs:
            item.fail("organization", f"{organization!r} is not an organization of this file")
        speaks_for = item.get("spokesperson_for", list, default=[])
        for org_slug in speaks_for:
            if org_slug not in slugs:
                item.fail("spokesperson_for", f"{org_slug!r} is not an organization of this file")
        country = item.get("country", str, required=True, longest=limits.NAME)
        if not COUNTRY.match(country):
            item.fail("country", "must be a two-letter country code such as BR")
        activists.append({
            "ref": ref, "display_name": item.get("display_name", str, required=True,
                                                 longest=limits.NAME).strip(),
            "pseudonym": item.get("pseudonym", str, default="", longest=limits.NAME).strip(),
            "organization": organization, "country": country,
            "languages": item.get("languages", list, default=[]),
            "preferred_language": item.choice("preferred_language", ["", *CONTENT_LANGUAGES], default=""),
            "risk_level": item.choice("risk_level", list(RISK_LEVELS), required=True),
            "default_attribution": item.choice("default_attribution", list(ATTRIBUTIONS), required=True),
            "face_may_be_shown": item.get("face_may_be_shown", bool, default=False),
            "spokesperson_for": speaks_for,
        })
    return {"organizations": organizations, "activists": activists}


def _read_message(path, known_refs):
    name = f"messages/{path.name}"
    reader = _Reader(name, _load_toml(path, name))
    key = reader.get("key", str, required=True, longest=limits.NAME)
    if not SLUG.match(key) or key in RESERVED:
        reader.fail("key", "must be lower-case letters, digits and hyphens (not 'new' or 'edit')")
    message = {
        "key": key, "title": reader.get("title", str, required=True, longest=limits.NAME).strip(),
        "titles": reader.language_names("titles"),
        "position": reader.get("position", int, default=0), "variants": [],
    }
    variants = reader.table("variants", required=True)
    if not variants:
        reader.fail("variants", "must have at least one language")
    for language, data in variants.items():
        prefix = f"variants.{language}."
        if language not in CONTENT_LANGUAGES:
            reader.fail(f"variants.{language}", f"language must be one of: {', '.join(CONTENT_LANGUAGES)}")
        item = _Reader(name, data if isinstance(data, dict) else {}, prefix)
        variant = {"language": language}
        for field in WORDING:
            variant[field] = item.get(field, str, required=field in ("short_form", "long_form"),
                                      default="", multiline=field in ("short_form", "long_form")).strip()
        if variant["evidence_source"] and not is_web_url(variant["evidence_source"]):
            item.fail("evidence_source", "must be an http(s) address")
        if variant["evidence_figure"] and not variant["evidence_source"]:
            item.fail("evidence_source", "is required when there is an evidence_figure")
        variant["state"] = item.choice("state", list(STATES), default="proposed")
        variant["version"] = item.get("version", int, default=1)
        variant["state_note"] = item.get("state_note", str, default="", multiline=True).strip()
        variant["approved_by"] = item.get("approved_by", str)
        variant["approval_method"] = item.choice("approval_method", list(APPROVAL_METHODS))
        approved_at = item.get("approved_at", datetime)
        if approved_at is not None and approved_at.tzinfo is None:
            item.fail("approved_at", "must carry a UTC offset, e.g. 2025-03-08T10:00:00Z")
        variant["approved_at"] = approved_at
        if variant["state"] == "approved" and variant["approved_by"] is None:
            item.fail("approved_by", "is required for an approved variant")
        if variant["approved_by"] is not None:
            if variant["approved_by"] not in known_refs and not Activist.select().where(
                    Activist.ref == variant["approved_by"]).exists():
                item.fail("approved_by", f"{variant['approved_by']!r} is not a known activist")
            if variant["approval_method"] is None:
                item.fail("approval_method", "is required with approved_by")
            if approved_at is None:
                item.fail("approved_at", "is required with approved_by")
        message["variants"].append(variant)
    return message


HISTORY_ACTIONS = ("send_for_review", "decide", "publish", "withdraw", "taken_down")


def _read_item(path, known_refs, known_variants):
    from amplify.items.models import APPEARANCES, CHANNELS, KINDS

    name = f"items/{path.name}"
    reader = _Reader(name, _load_toml(path, name))
    item = {
        "title": reader.get("title", str, required=True, longest=limits.NAME).strip(),
        "kind": reader.choice("kind", list(KINDS), required=True),
        "language": reader.choice("language", list(CONTENT_LANGUAGES), required=True),
        "channel": reader.choice("channel", list(CHANNELS), required=True),
        "text": reader.get("text", str, required=True, multiline=True, longest=limits.POST).strip(),
        "messages": reader.get("messages", list, default=[]),
        "people": [], "history": [],
    }
    for key in item["messages"]:
        if (key, item["language"]) not in known_variants:
            reader.fail("messages", f"{key!r} has no {item['language']} variant in this pack")
    for index, entry in enumerate(reader.data.get("people", [])):
        row = _Reader(name, entry, f"people[{index}].")
        ref = row.get("ref", str, required=True)
        if ref not in known_refs:
            row.fail("ref", f"{ref!r} is not an activist of people.toml")
        item["people"].append({"ref": ref, "appearance": row.choice("appearance", list(APPEARANCES), required=True),
                               "attribution": row.choice("attribution", list(ATTRIBUTIONS))})
    refs = {p["ref"] for p in item["people"]}
    for index, entry in enumerate(reader.data.get("history", [])):
        row = _Reader(name, entry, f"history[{index}].")
        step = {"action": row.choice("action", list(HISTORY_ACTIONS), required=True)}
        if step["action"] in ("decide", "withdraw"):
            step["person"] = row.get("person", str, required=True)
            if step["person"] not in refs:
                row.fail("person", f"{step['person']!r} is not among the item's people")
        if step["action"] == "decide":
            step["outcome"] = row.choice("outcome", ["given", "refused", "changes_requested"], required=True)
            step["scope"] = {"channels": row.get("channels", list, default=[item["channel"]]),
                             "attribution": row.choice("attribution", list(ATTRIBUTIONS), default="full_name"),
                             "face": row.get("face", bool, default=False), "valid_until": None}
            step["comment"] = row.get("comment", str, default="", multiline=True)
        if step["action"] == "publish":
            step["url"] = row.get("url", str, default="")
            if step["url"] and not is_web_url(step["url"]):
                row.fail("url", "must be an http(s) address")
        item["history"].append(step)
    return item


def _import_items(campaign, items, trusted):
    """Create the pack's items not yet in the campaign (by title) and replay their history
    (only when ``trusted``: otherwise they stay drafts, since the messages they use and the
    decisions about them must come from people). Returns how many steps were not replayed."""
    from amplify.consent import ledger
    from amplify.items import changes
    from amplify.items.models import Item, Publication

    skipped = 0
    for data in items:
        if Item.select().where((Item.campaign == campaign) & (Item.title == data["title"])).exists():
            continue
        people = {ref: Activist.get(Activist.ref == ref) for ref in {p["ref"] for p in data["people"]}}
        variant_ids = [v.id for v in MessageVariant.select().join(Message).where(
            (Message.campaign == campaign) & Message.key.in_(data["messages"] or [""])
            & (MessageVariant.language == data["language"]))]
        try:
            item = changes.save_item(
                Item(), people=[(people[p["ref"]].id, p["appearance"], p["attribution"]) for p in data["people"]],
                variant_ids=variant_ids, campaign=campaign, kind=data["kind"], title=data["title"],
                language=data["language"], channel=data["channel"], text=data["text"])
        except changes.NotAllowed as refused:  # someone it names is protected: nothing imported
            raise PackError("items", data["title"], str(refused.message)) from None
        for step in data["history"]:
            item = Item.get_by_id(item.id)
            if not trusted:
                skipped += 1
                continue
            if step["action"] == "send_for_review":
                changes.send_for_review(item)
            elif step["action"] == "decide":
                ledger.record_decision(people[step["person"]], "item", item, item.content_hash,
                                       step["outcome"], method="review_page", scope=step["scope"],
                                       comment=step["comment"])
            elif step["action"] == "publish":
                changes.publish(item, None, item.channel, step["url"])
            elif step["action"] == "withdraw":
                ledger.withdraw(people[step["person"]], item, method="review_page")
            elif step["action"] == "taken_down":
                for publication in item.publications.where(Publication.takedown_state == "required"):
                    changes.confirm_takedown(publication, None)
    return skipped


@dataclass
class Imported:
    """What an import did, for the person who ran it."""

    campaign: Campaign
    approvals_held_back: list = field(default_factory=list)  # "key (language)" imported as proposed
    steps_not_replayed: int = 0  # decisions in item and event histories left out


def import_pack(folder, review_months=6, trusted=False):
    """Validate and import a pack in one transaction. Returns what was imported and what
    was held back (``Imported``). Importing the same pack twice adds nothing and records
    nothing new. Only the shipped demo packs are ``trusted`` with approvals and decisions."""
    pack = read_pack(folder)
    with database.atomic():
        org_ids = {o["slug"]: _upsert_organization(o, review_months) for o in pack["people"]["organizations"]}
        for person in pack["people"]["activists"]:
            _upsert_activist(person, org_ids)
        result = Imported(_upsert_campaign(pack["campaign"]))
        _set_campaign_organizations(result.campaign, pack["organizations"])
        for message in pack["messages"]:
            result.approvals_held_back += _upsert_message(result.campaign, message, trusted)
        result.steps_not_replayed = _import_items(result.campaign, pack["items"], trusted)
        from amplify.invitations.packs import import_events

        result.steps_not_replayed += import_events(result.campaign, pack["events"], trusted)
    return result


def _changed(instance, fields):
    changed = False
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _upsert_organization(data, review_months):
    """Organizations already in the database are kept as they are: the database, not a
    pack, is where people's records are kept up to date."""
    org = Organization.get_or_none(Organization.slug == data["slug"])
    if org is None:
        fields = dict(data)
        fields["next_review_on"] = fields["next_review_on"] or add_months(
            fields["last_review_on"] or date.today(), review_months)
        org = Organization.create(**fields)
        audit.record("organization.import", org, audit_diff(None, org.audit_view()))
    return org.id


def _upsert_activist(data, org_ids):
    person = Activist.get_or_none(Activist.ref == data["ref"])
    if person is not None:
        return person
    fields = {k: v for k, v in data.items() if k != "spokesperson_for"}
    fields["organization"] = org_ids.get(data["organization"]) if data["organization"] else None
    person = Activist.create(**fields)
    for org_slug in data["spokesperson_for"]:
        Spokesperson.create(activist=person, organization=org_ids[org_slug])
    audit.record("activist.import", person, audit_diff(None, person.audit_view()))
    return person


def _upsert_campaign(data):
    campaign = Campaign.get_or_none(Campaign.slug == data["slug"])
    fields = {k: v for k, v in data.items() if k != "slug"}
    if campaign is None:
        campaign = Campaign.create(slug=data["slug"], **fields)
        audit.record("campaign.import", campaign, audit_diff(None, campaign.audit_view()))
        return campaign
    before = campaign.audit_view()
    if campaign.logo is not None and fields.get("logo") == bytes(campaign.logo):
        del fields["logo"]  # the database may hand back a memoryview of the same bytes
    if _changed(campaign, fields):
        campaign.updated_at = utcnow()
        campaign.save()
        audit.record("campaign.import", campaign, audit_diff(before, campaign.audit_view()))
    return campaign


def _set_campaign_organizations(campaign, slugs):
    wanted = {o.id for o in Organization.select().where(Organization.slug.in_(slugs or [""]))}
    current = {o.id for o in campaign.organizations()}
    if wanted != current:
        set_organizations(campaign, wanted)
        audit.record("campaign.import", campaign, {"after": {"organizations": sorted(slugs)}})


def _held_back(variant, fields):
    """Whether the file claims an approval that the database does not already hold for
    this very wording (a file can never approve anything)."""
    claims = fields["state"] == "approved" or fields["approved_by"] is not None
    holds = (variant is not None and variant.state == "approved" and variant.version == fields["version"]
             and all(getattr(variant, name) == fields[name] for name in WORDING)
             and variant.approved_by_id == fields["approved_by"])
    return claims and not holds


def _upsert_message(campaign, data, trusted):
    """Returns the variants whose approval was imported as a proposal."""
    held_back = []
    message = Message.get_or_none((Message.campaign == campaign) & (Message.key == data["key"]))
    if message is None:
        message = Message.create(campaign=campaign, key=data["key"], title=data["title"],
                                 titles=data["titles"], position=data["position"])
        audit.record("message.import", message, {"after": {"campaign": campaign.slug,
                                                           "key": message.key, "title": message.title}})
    elif _changed(message, {"title": data["title"], "titles": data["titles"], "position": data["position"]}):
        message.save()
        audit.record("message.import", message, {"after": {"title": message.title,
                                                           "position": message.position}})
    for variant_data in data["variants"]:
        fields = dict(variant_data)
        ref = fields.pop("approved_by")
        fields["approved_by"] = Activist.get(Activist.ref == ref).id if ref else None
        variant = MessageVariant.get_or_none(
            (MessageVariant.message == message) & (MessageVariant.language == fields["language"]))
        if not trusted and _held_back(variant, fields):
            held_back.append(f"{data['key']} ({fields['language']})")
            fields.update(state="proposed" if fields["state"] == "approved" else fields["state"],
                          approved_by=None, approval_method=None, approved_at=None)
        if variant is None:
            variant = MessageVariant.create(message=message, **fields)
            audit.record("variant.import", variant, audit_diff(None, variant.audit_view()))
            continue
        before = variant.audit_view()
        current = {k: getattr(variant, k) for k in fields}
        current["approved_by"] = variant.approved_by_id
        if current != fields:
            _changed(variant, fields)
            variant.updated_at = utcnow()
            variant.save()
            audit.record("variant.import", variant, audit_diff(before, variant.audit_view()))
    return held_back


def export_pack(slug, dest):
    """Write campaign ``slug`` as a pack into folder ``dest`` (its messages/ is replaced)."""
    campaign = Campaign.get(Campaign.slug == slug)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    document = {
        "slug": campaign.slug, "name": campaign.name, "names": campaign.names, "goal": campaign.goal,
        "audiences": campaign.audiences, "hashtags": campaign.hashtags, "links": campaign.links,
        "languages": campaign.languages, "frameworks": campaign.frameworks,
        "organizations": [o.slug for o in campaign.organizations()],
        "consent_months": campaign.consent_months,
        **({"time_zone": campaign.time_zone} if campaign.time_zone else {}),
        "colours": {"background": campaign.colour_background, "text": campaign.colour_text,
                    "accent": campaign.colour_accent},
        "key_dates": [{"date": date.fromisoformat(d["date"]), "label": d["label"]}
                      for d in campaign.key_dates],
    }
    _write_toml(dest / "campaign.toml", document)
    if campaign.logo:
        (dest / "logo.png").write_bytes(bytes(campaign.logo))
    elif (dest / "logo.png").exists():
        (dest / "logo.png").unlink()

    messages = list(Message.select().where(Message.campaign == campaign).order_by(Message.position, Message.id))
    approvers = set()
    message_dir = dest / "messages"
    if message_dir.exists():
        shutil.rmtree(message_dir)
    message_dir.mkdir()
    for number, message in enumerate(messages, start=1):
        variants = {}
        for variant in message.variants():
            entry = {name: getattr(variant, name) for name in WORDING}
            entry.update({"state": variant.state, "version": variant.version})
            if variant.state_note:
                entry["state_note"] = variant.state_note
            if variant.approved_by_id:
                approvers.add(variant.approved_by_id)
                entry["approved_by"] = variant.approved_by.ref
                entry["approval_method"] = variant.approval_method
                entry["approved_at"] = variant.approved_at.astimezone(timezone.utc)
            variants[variant.language] = entry
        _write_toml(message_dir / f"{number:02d}-{message.key}.toml", {
            "key": message.key, "title": message.title, "titles": message.titles,
            "position": message.position, "variants": variants,
        })
    _export_people(dest / "people.toml", approvers, {o.id for o in campaign.organizations()})
    return dest


def _export_people(path, activist_ids, org_ids):
    if not activist_ids and not org_ids:
        if path.exists():
            path.unlink()
        return
    people = list(Activist.select().where(Activist.id.in_(list(activist_ids) or [0])).order_by(Activist.ref))
    org_ids = set(org_ids) | {p.organization_id for p in people if p.organization_id}
    speaks = {}
    for link in Spokesperson.select().where(Spokesperson.activist.in_([p.id for p in people])):
        speaks.setdefault(link.activist_id, []).append(link.organization_id)
        org_ids.add(link.organization_id)
    orgs = {o.id: o for o in Organization.select().where(Organization.id.in_(list(org_ids)))}
    document = {"organizations": [], "activists": []}
    for org in sorted(orgs.values(), key=lambda o: o.slug):
        entry = {"slug": org.slug, "name": org.name, "formal": org.formal, "country": org.country,
                 "our_role": org.our_role, "next_review_on": org.next_review_on}
        if org.trade_union:
            entry["trade_union"] = True
        if org.last_review_on:
            entry["last_review_on"] = org.last_review_on
        document["organizations"].append(entry)
    for person in people:
        entry = {"ref": person.ref, "display_name": person.display_name,
                 "pseudonym": person.pseudonym, "country": person.country,
                 "languages": person.languages, "risk_level": person.risk_level,
                 "default_attribution": person.default_attribution,
                 "face_may_be_shown": person.face_may_be_shown,
                 "spokesperson_for": sorted(orgs[i].slug for i in speaks.get(person.id, []))}
        if person.organization_id:
            entry["organization"] = orgs[person.organization_id].slug
        if person.preferred_language:
            entry["preferred_language"] = person.preferred_language
        document["activists"].append(entry)
    _write_toml(path, document)


def _write_toml(path, document):
    with open(path, "wb") as handle:
        tomli_w.dump(document, handle, multiline_strings=True)
