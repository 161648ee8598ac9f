"""From fetched bytes to entries: parsed with feedparser, sanitized with nh3, matched
against keywords and the names of people at high risk, de-duplicated per source."""

import hashlib
import html
import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import datetime, timedelta, timezone

import feedparser
import nh3
from flask import current_app
from flask_babel import lazy_gettext as _l

from amplify.db import database, utcnow
from amplify.limits import FEED_HTML, FEED_TEXT, FEED_TITLE
from amplify.feeds.fetch import FetchError, Limits, fetch
from amplify.feeds.models import FeedEntry, FeedSource
from amplify.people.models import Activist

# What survives of an entry's HTML: text structure and http(s) links. No images or media
# (no remote resources), no style, no scripts, no event handlers.
TAGS = {"p", "br", "a", "em", "strong", "b", "i", "ul", "ol", "li", "blockquote", "q", "cite", "code", "pre"}
ATTRIBUTES = {"a": {"href", "title"}}
SCHEMES = {"http", "https", "mailto"}
MAX_BACKOFF = timedelta(hours=24)
SPACES = re.compile(r"\s+")


def sanitize(markup):
    return nh3.clean(markup or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES,
                     link_rel="noopener noreferrer nofollow", clean_content_tags={"script", "style"})


def plain(markup):
    """Text only: tags dropped (script and style with their content), entities decoded."""
    text = nh3.clean(markup or "", tags=set(), clean_content_tags={"script", "style"})
    return SPACES.sub(" ", html.unescape(text)).strip()


def entry_text(entry, summary_html):
    """An entry's title and text as plain text, each cut to its cap before any keyword or
    name is looked for in them."""
    return (plain(entry.get("title", "")[:FEED_HTML])[:FEED_TITLE],
            plain(summary_html)[:FEED_TEXT])


def web_link(value):
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


def entry_key(guid, link, title, content):
    """Same entry, same key: its guid, else its link, else its title and content."""
    basis = f"g:{guid}" if guid else f"l:{link}" if link else f"h:{title}\n{content}"
    return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()


def pattern(words):
    """One case-insensitive regex for whole words or phrases (``#Tag`` also matches ``Tag``)."""
    terms = sorted({w.strip().lstrip("#") for w in words if len(w.strip().lstrip("#")) >= 3},
                   key=len, reverse=True)
    if not terms:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE)


def keywords_of(source):
    """The source's own keywords, else its campaigns' hashtags and names."""
    return keywords_of_all([source])[source.id]


def keywords_of_all(sources):
    """``{source id: keywords}`` for many sources, in one query for their campaigns."""
    from amplify.campaigns.models import Campaign
    from amplify.feeds.models import FeedSourceCampaign

    found = {s.id: list(s.keywords) for s in sources}
    needing = [s.id for s in sources if not s.keywords]
    if needing:
        for link in (FeedSourceCampaign.select(FeedSourceCampaign.source, Campaign.name, Campaign.hashtags)
                     .join(Campaign).where(FeedSourceCampaign.source.in_(needing)).objects()):
            found[link.source_id] += [link.name] + list(link.hashtags or [])
    return found


def high_risk_names():
    """``{name as written: display name}`` of every person at high risk: the display name
    (without a parenthesis) and the pseudonym."""
    names = {}
    for person in Activist.select(Activist.display_name, Activist.pseudonym).where(Activist.risk_level == "high"):
        for name in (person.display_name.split("(")[0].strip(), (person.pseudonym or "").strip()):
            if len(name) >= 4:
                names[name.casefold()] = person.display_name
    return names


def _when(parsed):
    stamp = parsed.get("published_parsed") or parsed.get("updated_parsed")
    try:
        return datetime(*stamp[:6], tzinfo=timezone.utc) if stamp else None
    except (TypeError, ValueError):
        return None


def parse(body, content_type=""):
    """feedparser on the bytes, with its own sanitizer off: nh3 sanitizes what we keep."""
    headers = {"content-type": content_type} if content_type else {}
    return feedparser.parse(body, response_headers=headers, sanitize_html=False,
                            resolve_relative_uris=False)


def ingest(source, body, content_type="", now=None):
    """Store the new entries of ``body``. Returns ``(added, warning)``."""
    now = now or utcnow()
    parsed = parse(body, content_type)
    warning = ""
    if parsed.bozo:
        problem = parsed.get("bozo_exception")
        warning = str(_l("The feed is not well-formed; what could be read was kept (%(problem)s).",
                         problem=f"{type(problem).__name__}: {str(problem)[:200]}" if problem else "?"))
    if not parsed.entries and not parsed.feed.get("title"):
        warning = str(_l("No feed was found at this address (is it a web page?)."))
    keywords = pattern(keywords_of(source))
    risky = high_risk_names()
    risky_pattern = pattern(list(risky))
    # First the keys (cheap: guid or link), so entries seen before cost no sanitizing.
    candidates = []
    for entry in parsed.entries:
        content = entry.get("content", [{}])[0].get("value", "") if entry.get("content") else ""
        summary_html = (content or entry.get("summary", ""))[:FEED_HTML]
        guid, link = (entry.get("id") or "").strip()[:2000], web_link(entry.get("link"))[:2000]
        title = text = None
        if not (guid or link):
            title, text = entry_text(entry, summary_html)
            if not (title or text):
                continue  # nothing usable in this entry
        candidates.append((entry_key(guid, link, title, text), entry, guid, link, summary_html, title, text))
    keys = [c[0] for c in candidates]
    existing = set()
    for start in range(0, len(keys), 500):
        existing |= {row.key for row in FeedEntry.select(FeedEntry.key).where(
            (FeedEntry.source == source.id) & FeedEntry.key.in_(keys[start:start + 500]))}
    fresh, seen = [], set(existing)
    for key, entry, guid, link, summary_html, title, text in candidates:
        if key in seen:
            continue
        seen.add(key)
        if title is None:
            title, text = entry_text(entry, summary_html)
        haystack = f"{title}\n{text}"
        fresh.append({"source": source.id, "key": key, "guid": guid, "link": link, "title": title,
                      "summary": sanitize(summary_html), "text": text, "published_at": _when(entry),
                      "fetched_at": now, "seen_at": _when(entry) or now, "state": "new",
                      "matched": sorted({m.casefold() for m in keywords.findall(haystack)}) if keywords else [],
                      "high_risk": sorted({risky[m.casefold()] for m in risky_pattern.findall(haystack)})
                      if risky_pattern else []})
    with database.atomic():
        for start in range(0, len(fresh), 200):
            FeedEntry.insert_many(fresh[start:start + 200]).execute()
        if not source.title and parsed.feed.get("title"):
            source.title = plain(parsed.feed["title"])[:200]
    return len(fresh), warning


def limits():
    config = current_app.config
    return Limits(timeout=config["FEEDS_TIMEOUT"], total=config["FEEDS_DEADLINE"],
                  max_bytes=config["FEEDS_MAX_BYTES"], allow_private=config["FEEDS_ALLOW_PRIVATE"])


def _fetch(source, settings):
    """The source's feed, or the FetchError that says why not (network only: no database,
    so it can run in a thread of its own)."""
    try:
        return fetch(source.url, source.etag, source.last_modified, settings)
    except FetchError as failure:
        return failure


def _record(source, fetched, now):
    """Ingest what ``_fetch`` brought and update the source. Returns the number added; a
    failure is recorded on the source, with back-off."""
    source.last_fetch_at = now
    if isinstance(fetched, FetchError):
        source.failures += 1
        source.last_error = str(fetched.message)
        delay = min(timedelta(minutes=source.interval_minutes) * 2 ** min(source.failures, 8), MAX_BACKOFF)
        source.next_fetch_at = now + delay
        source.save()
        return 0
    added, warning = (0, source.warning) if fetched.status == 304 else \
        ingest(source, fetched.body, fetched.headers.get("content-type", ""), now)
    if fetched.status == 200:
        source.etag = fetched.headers.get("etag", "")[:250]
        source.last_modified = fetched.headers.get("last-modified", "")[:250]
    source.failures, source.last_error, source.warning = 0, "", warning
    source.last_success_at = now
    source.next_fetch_at = now + timedelta(minutes=source.interval_minutes)
    source.save()
    return added


def poll(source, now=None):
    """Fetch and ingest one source, updating its state. Returns the number added (0 for
    an unchanged feed or a failure)."""
    return _record(source, _fetch(source, limits()), now or utcnow())


def poll_many(sources, now=None, done=None):
    """Poll ``sources`` with their fetches side by side (``FEEDS_PARALLEL`` at a time): a
    slow or trickling server holds only its own thread, and only until the fetch deadline.
    Each feed is stored as soon as its fetch ends, here, in the calling thread (the only
    one that touches the database). ``done(source, added)`` follows each. Returns the
    number of entries added."""
    now, settings, total = now or utcnow(), limits(), 0
    sources = list(sources)
    if not sources:
        return 0
    with ThreadPoolExecutor(max_workers=min(current_app.config["FEEDS_PARALLEL"], len(sources))) as pool:
        fetches = {pool.submit(_fetch, source, settings): source for source in sources}
        for finished in as_completed(fetches):
            source = fetches[finished]
            added = _record(source, finished.result(), now)
            total += added
            if done is not None:
                done(source, added)
    return total


def due_sources(now=None):
    now = now or utcnow()
    return FeedSource.select().where(~FeedSource.paused & (FeedSource.next_fetch_at.is_null()
                                                            | (FeedSource.next_fetch_at <= now)))
