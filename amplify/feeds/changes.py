"""Workflows for feed sources and entries: one transaction each, audited."""

import re
from xml.etree import ElementTree

from flask_babel import lazy_gettext as _l

from amplify import audit
from peewee import SQL, fn

from amplify.db import database, month_of, month_text, utcnow
from amplify.feeds.fetch import FetchError, check_url
from amplify.feeds.models import KINDS, FeedEntry, FeedSource, FeedSourceCampaign
from amplify.rules import NotAllowed


def save_source(source, *, url, kind, organization=None, campaigns=(), keywords=(), interval_minutes=60,
                paused=False, title=None):
    """Add or change a source. ``title`` is the name staff give it (None keeps the name it
    has; empty lets the feed's own title fill it on the next fetch)."""
    try:
        check_url(url)
    except FetchError as bad:
        raise NotAllowed(bad.message, "url") from None
    if kind not in KINDS:
        raise NotAllowed(_l("Choose movement channel or media monitoring."), "kind")
    clash = FeedSource.select().where(FeedSource.url == url.strip())
    if source.id:
        clash = clash.where(FeedSource.id != source.id)
    if clash.exists():
        raise NotAllowed(_l("This feed is already a source."), "url")
    creating = source.id is None
    if not creating and source.url != url.strip():
        source.etag = source.last_modified = ""  # a new address starts afresh
    source.url, source.kind, source.organization = url.strip(), kind, organization
    source.keywords = [k.strip() for k in keywords if k.strip()]
    source.interval_minutes, source.paused = interval_minutes, paused
    if title is not None:
        source.title = title.strip()[:200]
    if creating or source.next_fetch_at is None:
        source.next_fetch_at = utcnow()
    with database.atomic():
        source.save()
        FeedSourceCampaign.delete().where(FeedSourceCampaign.source == source).execute()
        for campaign in campaigns:
            FeedSourceCampaign.create(source=source, campaign=campaign)
        audit.record("feed.create" if creating else "feed.update", source,
                     {"url": source.url, "kind": kind, "paused": paused})
    return source


def set_paused(source, paused):
    source.paused = paused
    if not paused:
        source.next_fetch_at = utcnow()
    with database.atomic():
        source.save()
        audit.record("feed.pause" if paused else "feed.resume", source, {"url": source.url})


def delete_source(source):
    with database.atomic():
        audit.record("feed.delete", source, {"url": source.url, "entries": source.entries.count()})
        source.delete_instance(recursive=False)


# OPML ------------------------------------------------------------------------------------

def export_opml(sources):
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "Amplify feed sources"
    body = ElementTree.SubElement(root, "body")
    for source in sources:
        ElementTree.SubElement(body, "outline", type="rss", text=source.title or source.url,
                               title=source.title or source.url, xmlUrl=source.url,
                               category=f"/{source.kind}")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="utf-8")


ENTITY = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def import_opml(data, kind, user=None):
    """Add every feed of an OPML file not yet a source. Returns ``(added, skipped)``.
    Refuses DTDs (no entity expansion) and files that are not OPML, adding nothing."""
    if ENTITY.search(data):
        raise NotAllowed(_l("This OPML file declares a DTD or entities, which are refused."), "file")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise NotAllowed(_l("This is not an OPML file (it is not well-formed XML)."), "file") from None
    if root.tag != "opml":
        raise NotAllowed(_l("This is not an OPML file."), "file")
    found = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url:
            continue
        category = (outline.get("category") or "").strip("/")
        try:
            check_url(url)
        except FetchError:
            continue
        found.append((url, category if category in KINDS else kind, outline.get("title") or outline.get("text") or ""))
    added = skipped = 0
    with database.atomic():
        for url, source_kind, title in found:
            if FeedSource.select().where(FeedSource.url == url).exists():
                skipped += 1
                continue
            source = FeedSource.create(url=url, kind=source_kind, title=title[:200], next_fetch_at=utcnow())
            audit.record("feed.create", source, {"url": url, "kind": source_kind, "from": "opml"})
            added += 1
    return added, skipped


# Entries ---------------------------------------------------------------------------------

def _handled(entry, state, user, **fields):
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.state, entry.handled_at, entry.handled_by = state, utcnow(), user
    entry.save()
    audit.record(f"feed_entry.{state}", entry, {"source": entry.source_id, **{
        k: getattr(v, "id", v) for k, v in fields.items()}})


def named_activists(entry):
    """Activists whose display name or pseudonym the entry mentions."""
    from amplify.feeds.ingest import pattern
    from amplify.people.models import Activist

    names = {}
    for person in Activist.select():
        for name in (person.display_name.split("(")[0].strip(), (person.pseudonym or "").strip()):
            if len(name) >= 4:
                names[name.casefold()] = person
    found = pattern(list(names))
    if not found:
        return []
    haystack = f"{entry.title}\n{entry.text}"
    return list({names[m.casefold()].id: names[m.casefold()] for m in found.findall(haystack)}.values())


def amplify_entry(entry, user, *, campaign, channel, language):
    """A draft item that shares the organization's statement, attributed to it. People it
    names are on the item, so they are asked for consent like for any item."""
    from amplify.drafting.composer import compose
    from amplify.items.changes import save_item
    from amplify.items.models import Item

    if entry.source.kind != "movement":
        raise NotAllowed(_l("Only statements from movement channels are amplified; log media "
                             "coverage instead."))
    speaker = entry.source.organization.name if entry.source.organization_id else (entry.source.title or "")
    quoted = f"{speaker}: «{entry.title}»" if speaker else f"«{entry.title}»"
    # Through the composer, as any draft: the longest faithful form that fits the platform
    # (with the statement's text when it fits), the link before the campaign's hashtags.
    wording = {"long": f"{quoted} {entry.text[:2000]}".strip() if entry.text else quoted, "short": quoted}
    draft = compose(wording, channel, campaign.hashtags or [], entry.link)
    text = draft.text if draft.posts else "\n\n".join(p for p in (quoted, entry.link) if p)
    kind = "thread" if draft.posts and draft.is_thread else "post"
    with database.atomic():
        item = save_item(Item(author=user), people=[(p.id, "named", None) for p in named_activists(entry)],
                         variant_ids=[], campaign=campaign, kind=kind,
                         title=str(_l("Amplify: %(title)s", title=entry.title))[:200] or "—",
                         language=language, channel=channel, text=text, composed_text=text)
        _handled(entry, "amplified", user, item=item)
    return item


def propose_entry(entry, user, *, campaign, language):
    """A proposed message variant in the statement's own words, for the campaign's
    spokespeople to approve (nothing is used before they do)."""
    from amplify.campaigns.changes import add_message

    if not entry.title and not entry.text:
        raise NotAllowed(_l("This entry has no words to propose."))
    with database.atomic():
        message = add_message(campaign, entry.title[:200] or entry.text[:80], {
            "language": language, "short_form": entry.title[:280] or entry.text[:280],
            "long_form": entry.text[:4000] or entry.title, "call_to_action": "",
            "evidence_figure": "", "evidence_source": entry.link})
        variant = message.variant_set.first()
        _handled(entry, "proposed", user, variant=variant)
    return variant


def log_coverage(entries, user, campaign):
    with database.atomic():
        for entry in entries:
            _handled(entry, "coverage", user, campaign=campaign)
    return len(entries)


def ignore(entries, user):
    with database.atomic():
        for entry in entries:
            _handled(entry, "ignored", user)
    return len(entries)


def coverage_by_month(campaign):
    """``[(YYYY-MM, count)]`` of coverage logged for a campaign, by publication month,
    counted in the database (as the reports count it)."""
    month = month_of(FeedEntry.seen_at)
    rows = (FeedEntry.select(month, fn.COUNT(SQL("*")))  # *: answered from the index alone
            .where((FeedEntry.campaign == campaign) & (FeedEntry.state == "coverage"))
            .group_by(month).order_by(month).tuples())
    return [(month_text(m), n) for m, n in rows]
