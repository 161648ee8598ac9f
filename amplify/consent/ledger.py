"""Workflows that write to the consent ledger. Each runs in one transaction."""

import json
import secrets
from datetime import date, timedelta

import peewee
from peewee import fn
from flask import current_app
from flask_babel import lazy_gettext as _l

from amplify.consent.models import FINAL, STAFF_METHODS, TIMED, Decision, ReviewLink
from amplify.consent.signals import decision_recorded
from amplify.db import Shape, database, utcnow
from amplify.people.models import ATTRIBUTIONS
from amplify.rules import NotAllowed


class DecisionRefused(NotAllowed):
    """The decision cannot be recorded; ``field`` names the form field at fault."""


class StaleVersion(DecisionRefused):
    """The person decided on a version that has since been replaced."""


def subject_of(subject_type, subject_id):
    from amplify.campaigns.models import MessageVariant
    from amplify.invitations.models import Invitation
    from amplify.items.models import Item

    model = {"item": Item, "variant": MessageVariant, "invitation": Invitation}[subject_type]
    return model.get_or_none(model.id == subject_id)


def default_valid_until(campaign, today=None):
    from amplify.people.models import add_months

    return add_months(today or date.today(), campaign.consent_months or 12)


def check_scope(scope, subject_type, today=None):
    """Validate a scope the person chose (for a *given* decision on an item, or on being
    named, photographed, recorded or quoted at an event)."""
    if subject_type == "invitation":
        from amplify.invitations.models import MEDIA_USES

        uses = [u for u in scope.get("uses", []) if u in MEDIA_USES]
        if not uses:
            raise DecisionRefused(_l("Choose at least one, or answer no to all."), "uses")
        return {"uses": sorted(uses)}
    if subject_type != "item":
        return {}
    from amplify.items.models import CHANNELS

    channels = [c for c in scope.get("channels", []) if c in CHANNELS]
    if not channels:
        raise DecisionRefused(_l("Choose at least one place where it may appear."), "channels")
    if scope.get("attribution") not in ATTRIBUTIONS:
        raise DecisionRefused(_l("Choose how you want to be named."), "attribution")
    until = scope.get("valid_until")
    if until is not None:
        if isinstance(until, str):
            try:
                until = date.fromisoformat(until)
            except ValueError:
                raise DecisionRefused(_l("A date like 2027-06-30."), "valid_until") from None
        if until < (today or date.today()):
            raise DecisionRefused(_l("This date has already passed."), "valid_until")
    return {"channels": sorted(channels), "attribution": scope["attribution"],
            "face": bool(scope.get("face")), "valid_until": until.isoformat() if until else None}


def record_decision(activist, subject_type, subject, content_hash, outcome, *, method,
                    scope=None, recorded_by=None, witness="", notice=None, comment="",
                    guardian_name="", guardian_relationship="", minor_agrees=None,
                    review_link=None, request_key=None):
    """Append one decision after checking every rule; then bring the subject up to date.

    A repeated ``request_key`` (a double-submitted form) returns the decision already
    recorded. A decision about a version that was replaced raises StaleVersion.
    """
    if request_key:
        existing = Decision.get_or_none(Decision.request_key == request_key)
        if existing is not None:
            return existing
    if method in STAFF_METHODS and recorded_by is None:
        raise DecisionRefused(_l("A decision taken by phone, in person, on paper or by message "
                                 "must name the staff member who records it."), "method")
    # A withdrawal is about the version the person agreed to; anything else about the
    # version in force now.
    if outcome != "withdrawn" and content_hash != subject.content_hash:
        raise StaleVersion(_l("This version was replaced by a newer one while you were "
                              "reading. Please look at the new version."))
    if outcome == "changes_requested" and not (comment or "").strip():
        raise DecisionRefused(_l("Say what should change."), "comment")
    clean_scope = {}
    if outcome == "given":
        clean_scope = check_scope(scope or {}, subject_type)
        if activist.minor and not ((guardian_name or "").strip()
                                   and (guardian_relationship or "").strip() and minor_agrees):
            raise DecisionRefused(_l("For a minor, a guardian gives their name and relationship, "
                                     "and the minor agrees too."), "guardian_name")
    now = utcnow()
    waited = waited_since_request(activist.id, subject_type, subject.id, content_hash, now) \
        if outcome in TIMED else None
    try:
        with database.atomic():
            decision = Decision.append(
                at=now, activist=activist, subject_type=subject_type, subject_id=subject.id,
                content_hash=content_hash, outcome=outcome,
                scope=json.dumps(clean_scope, sort_keys=True), method=method,
                recorded_by=recorded_by.id if recorded_by else None, witness=(witness or "").strip(),
                notice_version=notice.version if notice else "",
                notice_language=notice.language if notice else "",
                notice_hash=notice.hash if notice else "", comment=(comment or "").strip(),
                guardian_name=(guardian_name or "").strip(),
                guardian_relationship=(guardian_relationship or "").strip(),
                minor_agrees=minor_agrees if activist.minor else None,
                review_link=review_link.id if review_link else None, request_key=request_key or None,
                waited_seconds=waited,
            )
            _after_decision(subject_type, subject, decision)
    except peewee.IntegrityError:
        if request_key:  # the same form, submitted twice at the same moment
            existing = Decision.get_or_none(Decision.request_key == request_key)
            if existing is not None:
                return existing
        raise
    decision_recorded.send(decision, subject=subject)
    return decision


def waited_since_request(activist_id, subject_type, subject_id, content_hash, answered_at):
    """Seconds from the latest request for this version to an answer at ``answered_at``
    (None when it was never requested, e.g. recorded by staff without a request)."""
    asked = (Decision.select(Decision.at).where(
        (Decision.activist == activist_id) & (Decision.subject_type == subject_type)
        & (Decision.subject_id == subject_id) & (Decision.content_hash == content_hash)
        & (Decision.outcome == "requested")).order_by(Decision.seq.desc()).first())
    return (answered_at - asked.at).total_seconds() if asked else None


def _after_decision(subject_type, subject, decision):
    if subject_type == "invitation":
        return  # consent at an event changes no workflow state; staff see it on the invitation
    if subject_type == "item":
        from amplify.items.changes import refresh_state, require_takedown

        if decision.outcome == "withdrawn":
            require_takedown(subject)
        refresh_state(subject)
    elif decision.outcome in ("given", "refused", "changes_requested"):
        from amplify.campaigns.changes import apply_spokesperson_decision

        apply_spokesperson_decision(subject, decision)


def request_decisions(item):
    """Ask everyone the item names, quotes or shows who has no decision on this version."""
    latest = Decision.latest_by_person("item", item.id)
    for person in item.people():
        current = latest.get(person.activist_id)
        if current is None or current.content_hash != item.content_hash:
            Decision.append(at=utcnow(), activist=person.activist_id, subject_type="item",
                            subject_id=item.id, content_hash=item.content_hash,
                            outcome="requested", scope="{}", method="system")


def invalidate(item, old_hash):
    """A newer version replaced ``old_hash``: decisions on it no longer count."""
    for activist_id, decision in Decision.latest_by_person("item", item.id).items():
        if decision.content_hash == old_hash and decision.outcome in ("requested", "given"):
            Decision.append(at=utcnow(), activist=activist_id, subject_type="item",
                            subject_id=item.id, content_hash=old_hash, outcome="invalidated",
                            scope="{}", method="system")


def withdraw(activist, item, *, method, recorded_by=None, comment="", review_link=None,
             request_key=None):
    """The person withdraws their consent to ``item``: every publication goes into the
    take-down queue. Allowed whenever their decision in force is *given*."""
    current = Decision.latest(activist.id, "item", item.id)
    if current is None or current.outcome != "given":
        if current is not None and current.outcome == "withdrawn":
            return current
        raise DecisionRefused(_l("There is no consent to withdraw."))
    return record_decision(activist, "item", item, current.content_hash, "withdrawn",
                           method=method, recorded_by=recorded_by, comment=comment,
                           review_link=review_link, request_key=request_key)


def expire(today=None):
    """Record expiry of every given consent whose end date has passed. Returns the items
    affected, published ones first (they need review)."""
    from amplify.items.models import Item

    today = today or date.today()
    affected = {}
    with database.atomic():
        for decision in Decision.select().where(Decision.outcome == "given").order_by(Decision.seq):
            until = decision.valid_until
            if until is None or until >= today:
                continue
            latest = Decision.latest(decision.activist_id, decision.subject_type, decision.subject_id)
            if latest.id != decision.id:
                continue
            Decision.append(at=utcnow(), activist=decision.activist_id,
                            subject_type=decision.subject_type, subject_id=decision.subject_id,
                            content_hash=decision.content_hash, outcome="expired", scope="{}",
                            method="system")
            if decision.subject_type == "item":
                item = Item.get_or_none(Item.id == decision.subject_id)
                if item is not None:
                    affected[item.id] = item
        from amplify.items.changes import refresh_state

        for item in affected.values():
            refresh_state(item)
    return sorted(affected.values(), key=lambda i: i.state != "published")


def pending_for(activist, limit=None, only=None):
    """Items waiting for this person's answer on their current version, the oldest first
    (the first ``limit``; the item ``only``, if it waits), each with ``answered_hash``: the
    version of her last answer to it (yes, no or a change asked for), if any — her card
    shows what changed since."""
    return list(PENDING.rows(activist.id, limit, only))


def _pending(activist_id, limit, only):
    from amplify.campaigns.models import Campaign
    from amplify.items.models import Item

    last_answer = (Decision.select(Decision.content_hash)
                   .where((Decision.activist == activist_id) & (Decision.subject_type == "item")
                          & (Decision.subject_id == Item.id)
                          & Decision.outcome.in_(["given", "changes_requested", "refused"]))
                   .order_by(Decision.seq.desc()).limit(1))
    query = _waiting_for(activist_id).select_extend(Campaign, last_answer.alias("answered_hash"))
    if only is not None:
        query = query.where(Item.id == only)
    return query.switch(Item).join(Campaign).order_by(Item.updated_at).limit(limit)


PENDING = Shape(_pending)  # her page asks it on every view: kept compiled (amplify.db.Shape)


def count_pending_query(activist_id):
    """How many items wait for her (``pending_for``'s count), as a query to read with others."""
    from amplify.items.models import Item

    return _waiting_for(activist_id).select(fn.COUNT(Item.id))


def _waiting_for(activist_id):
    """Her items in review or cleared that her latest decision does not answer: it is not a
    final answer to the current version. Judged in the database, so no decision row leaves
    it (her page, issue 13)."""
    from amplify.items.models import Item, ItemPerson

    answered = Decision.select(Decision.id).where(
        Decision.is_latest_of(activist_id, "item", Item.id) & (Decision.content_hash == Item.content_hash)
        & Decision.outcome.in_(FINAL))
    return (Item.select().join(ItemPerson, on=(ItemPerson.item == Item.id))
            .where((ItemPerson.activist == activist_id) & (Item.state.in_(["in_review", "cleared"]))
                   & ~fn.EXISTS(answered)))


def variants_pending_for(activist, spokesperson=None):
    """Proposed message variants this person may approve as a spokesperson — only in the
    languages she reads: nobody approves words she cannot read. Three queries, however many
    campaigns and messages there are (the rule of ``Campaign.spokespeople``, in SQL);
    ``spokesperson``, when already known, whether she speaks for any organisation."""
    from amplify.campaigns.models import Campaign, CampaignOrganization, Message, MessageVariant
    from amplify.people.models import Spokesperson

    hers = Spokesperson.select(Spokesperson.organization).where(Spokesperson.activist == activist.id)
    if not (hers.exists() if spokesperson is None else spokesperson):
        return []
    # Campaigns of an organization she speaks for, and campaigns that name no organization.
    may_approve = (Campaign.id.in_(CampaignOrganization.select(CampaignOrganization.campaign)
                                   .where(CampaignOrganization.organization.in_(hers)))
                   | Campaign.id.not_in(CampaignOrganization.select(CampaignOrganization.campaign)))
    query = (MessageVariant.select(MessageVariant, Message, Campaign).join(Message).join(Campaign)
             .where((MessageVariant.state == "proposed") & may_approve).order_by(MessageVariant.id))
    if activist.languages:
        query = query.where(MessageVariant.language.in_(list(activist.languages)))
    variants = list(query)
    latest = Decision.latest_by_subject("variant", [v.id for v in variants], activist.id)
    return [variant for variant in variants
            if (mine := latest.get(variant.id, {}).get(activist.id)) is None
            or mine.content_hash != variant.content_hash]


def consented_publications(activist, limit=None, offset=0):
    """Items with this person that went out, newest first, with the decision in force and
    publications (``limit`` of them from ``offset``: her page shows the latest few)."""
    items = list(CONSENTED.rows(activist.id, limit, offset or None))
    publications = {}
    for publication in PUBLICATIONS_OF.rows([item.id for item in items]) if items else ():
        publications.setdefault(publication.item_id, []).append(publication)
    return [(item, item.latest, publications.get(item.id, [])) for item in items]


def _consented(activist_id, limit, offset):
    from amplify.items.models import Item

    return (_went_out_with(activist_id).select_extend(Decision).switch(Item)
            .join(Decision, peewee.JOIN.LEFT_OUTER, on=Decision.is_latest_of(activist_id, "item", Item.id),
                  attr="latest")
            .order_by(Item.updated_at.desc(), Item.id.desc()).limit(limit).offset(offset))


def _publications_of(item_ids):
    from amplify.items.models import Publication

    return Publication.select().where(Publication.item.in_(item_ids)).order_by(Publication.published_at)


# Her page reads them on every view: kept compiled (amplify.db.Shape).
CONSENTED = Shape(_consented)
PUBLICATIONS_OF = Shape(_publications_of)


def count_consented_publications(activist):
    return count_consented_query(activist.id).scalar()


def count_consented_query(activist_id):
    """How many of her items went out, as a query (her page reads it with others)."""
    from amplify.items.models import Item

    return _went_out_with(activist_id).select(fn.COUNT(Item.id))


def _went_out_with(activist_id):
    """Her items, each then checked for a publication: never a list of every publication's
    item (a scan of all publications, at years of data)."""
    from amplify.items.models import Item, ItemPerson, Publication

    went_out = Publication.select(Publication.id).where(Publication.item == Item.id)
    return (Item.select().join(ItemPerson, on=(ItemPerson.item == Item.id))
            .where((ItemPerson.activist == activist_id) & fn.EXISTS(went_out)))


def create_link(activist, created_by, days=None):
    """A new personal review link for ``activist``. Returns ``(link, token)``."""
    days = days or current_app.config["REVIEW_LINK_DAYS"]
    with database.atomic():
        link = ReviewLink.create(activist=activist, nonce=secrets.token_urlsafe(24),
                                 created_by=created_by, expires_at=utcnow() + timedelta(days=days))
        from amplify import audit

        audit.record("review_link.create", activist, {"link": link.id, "days": days},
                     subject_type="activist")
    return link, token_for(link)


def token_for(link):
    from amplify.consent.links import serializer

    # Her language travels in the signed token, for the pages of a link that no longer works.
    return serializer().dumps({"n": link.nonce, "l": link.activist.page_language() or ""})


def revoke_link(link):
    from amplify import audit

    with database.atomic():
        link.revoked_at = utcnow()
        link.save()
        audit.record("review_link.revoke", link.activist, {"link": link.id}, subject_type="activist")
