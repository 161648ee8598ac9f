"""A report's figures kept between views, exact: a report is computed once per scope,
period and language, and used again only while nothing it reads has changed since.

Triggers in the database (migration 0026) raise ``report_generation.n`` inside the very
transaction that writes to any table in ``READS`` — through the ledger, a bulk update or
a migration alike. A view reads the number *before* computing and stores the figures
under it; a write committed after that read raises the number, so those figures are never
used again. A report therefore never shows a figure that a new decision, withdrawal,
publication or invitation has made false, and costs a handful of queries while nothing
changes (issue 13: at years of data the full computation takes seconds). Feed entries
raise it only when they are, or were, logged as coverage (migration 0030): no figure reads
another entry, and a feed poll brings new entries in every few minutes.
"""

import json
from dataclasses import asdict, fields
from datetime import date, datetime

from amplify.campaigns.models import FRAMEWORKS
from amplify.db import database, utcnow
from amplify.invitations.fairness import Fairness
from amplify.reports.figures import Report, build, with_press
from amplify.reports.models import ReportCache, ReportGeneration

# Every table ``figures.build`` reads: a write to any of them makes cached figures old.
READS = ("publication", "item", "item_person", "item_variant", "message_variant", "decision", "invitation",
         "event", "activist", "organization", "campaign", "campaign_organization", "feed_entry",
         "meeting", "meeting_attendee", "commitment",
         "outlet", "journalist", "release", "pitch", "press_coverage")
KEPT = 200  # reports kept at once (each a few to a few hundred KB of JSON)


def generation():
    """The number every write to a table in READS raises (one query)."""
    row = ReportGeneration.select(ReportGeneration.n).where(ReportGeneration.id == 1).tuples().first()
    return row[0] if row else None


def report(scope, since, until, anonymous_label="—"):
    """``figures.build(scope, since, until, anonymous_label)``, from the cache when nothing
    it reads changed since it was computed."""
    key = f"{scope.kind}:{scope.subject.id}:{since.isoformat()}:{until.isoformat()}:{anonymous_label}"
    return kept(key, lambda: with_press(build(scope, since, until, anonymous_label), anonymous_label),
                encode, lambda text: decode(text, scope))


def kept(key, compute, encode=json.dumps, decode=json.loads):
    """``compute()``, or what it gave when it last ran while no table in READS has changed
    since (any figure counted from those tables: a report, the coverage page's counts)."""
    now = generation()
    if now is None:  # no generation row: nothing can vouch for a cached copy
        return compute()
    row = (ReportCache.select(ReportCache.figures)
           .where((ReportCache.key == key) & (ReportCache.generation == now)).tuples().first())
    if row:
        return decode(row[0])
    found = compute()
    figures = encode(found)
    with database.atomic():
        # Copies computed at an older generation can never be used again.
        ReportCache.delete().where(ReportCache.generation < now).execute()
        (ReportCache.insert(key=key, generation=now, figures=figures, made_at=utcnow())
         .on_conflict(conflict_target=[ReportCache.key],
                      update={ReportCache.generation: now, ReportCache.figures: figures,
                              ReportCache.made_at: utcnow()})
         .execute())
        # Many periods asked for while nothing changes: keep the latest KEPT only.
        newest = ReportCache.select(ReportCache.id).order_by(ReportCache.made_at.desc(), ReportCache.id.desc())
        if ReportCache.select().count() > KEPT:
            ReportCache.delete().where(ReportCache.id.not_in(newest.limit(KEPT))).execute()
    return found


def _tagged(value):
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    raise TypeError(f"not kept in a cached report: {type(value).__name__}")


def _untagged(mapping):
    if mapping.keys() == {"datetime"}:
        return datetime.fromisoformat(mapping["datetime"])
    if mapping.keys() == {"date"}:
        return date.fromisoformat(mapping["date"])
    return mapping


def encode(found):
    """The figures of ``found`` (a Report) as JSON; framework labels, which are translated
    when shown, are kept as their codes."""
    data = {f.name: getattr(found, f.name) for f in fields(Report) if f.name != "scope"}
    data["fairness"] = asdict(found.fairness)
    data["frameworks"] = [code for code, _label in found.frameworks]
    return json.dumps(data, default=_tagged)


def decode(text, scope):
    data = json.loads(text, object_hook=_untagged)
    data["fairness"] = Fairness(**data["fairness"])
    data["frameworks"] = [(code, FRAMEWORKS[code]) for code in data["frameworks"] if code in FRAMEWORKS]
    data["outcomes"] = dict(data["outcomes"])
    return Report(scope=scope, **data)
