"""Workflows that change items. Each runs in one transaction and is audited."""

import json

from flask_babel import lazy_gettext as _l

from amplify import audit
from amplify.rules import NotAllowed
from amplify.campaigns.models import MessageVariant
from amplify.consent import ledger
from amplify.campaigns.changes import variant_state_changed
from amplify.consent.clearance import clearance, clearances, needs_safety_check, safety_checked
from amplify.db import database, utcnow
from amplify.items.models import (
    EDITABLE, Item, ItemImage, ItemPerson, ItemVariant, ItemVersion, Publication, SafetyCheck,
)
from amplify.items.signals import takedowns_confirmed
from amplify.media.faces import look_at_item_images, problem as faces_problem, unshown_faces
from amplify.people.models import Activist, activist_saved

JUDGED_AT_ONCE = 500


def _snapshot(item, people):
    data = item.canonical(people)
    data["variants"] = sorted(v.id for v in item.variants())
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def save_item(item, *, people, variant_ids, images=None, **fields):
    """Create or edit an item. ``people`` is ``[(activist, appearance, attribution)]``;
    ``images`` is ``[(asset, alt text)]`` (None keeps the item's images as they are).

    Any change to what would be published makes a new version with a new hash: decisions
    on the old one stop counting and the item goes back to draft. Nobody protected may be
    added (an item that already named her keeps her, so that it stays stopped).
    """
    creating = item.id is None
    if not creating and item.state not in EDITABLE:
        raise NotAllowed(_l("A published item cannot be edited. Make a new item instead."))
    _refuse_protected(item, people)
    old_hash = item.content_hash
    if isinstance(fields.get("text"), str):  # browsers send CR LF from text areas
        fields["text"] = fields["text"].replace("\r\n", "\n").replace("\r", "\n")
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) and name != "text" else value)
    with database.atomic():
        item.updated_at = utcnow()
        item.content_hash = item.content_hash or "pending"
        item.save()
        ItemPerson.delete().where(ItemPerson.item == item).execute()
        for activist, appearance, attribution in people:
            ItemPerson.create(item=item, activist=activist, appearance=appearance,
                              attribution=attribution or None)
        ItemVariant.delete().where(ItemVariant.item == item).execute()
        for variant_id in sorted(set(variant_ids)):
            ItemVariant.create(item=item, variant=variant_id)
        if images is not None:
            ItemImage.delete().where(ItemImage.item == item).execute()
            for position, (asset, alt_text) in enumerate(images):
                ItemImage.create(item=item, asset=asset, alt_text=(alt_text or "").strip(),
                                 position=position)
        people_rows = list(item.people())
        new_hash = item.compute_hash(people_rows)
        if new_hash != old_hash:
            if not creating:
                item.version += 1
                ledger.invalidate(item, old_hash)
                if item.state in ("in_review", "cleared"):
                    item.state = "draft"
            item.content_hash = new_hash
            item.save()
            ItemVersion.create(item=item, version=item.version, content_hash=new_hash,
                               snapshot=_snapshot(item, people_rows))
        store_verdicts([item])
        audit.record("item.create" if creating else "item.update", item,
                     {"version": item.version, "hash": item.content_hash, "state": item.state})
    return item


def _refuse_protected(item, people):
    """Nobody protected may be added to an item (``people`` holds activists or their ids)."""
    wanted = {getattr(activist, "id", activist) for activist, _appearance, _attribution in people}
    if item.id is not None:
        wanted -= {p.activist_id for p in ItemPerson.select().where(ItemPerson.item == item)}
    protected = Activist.select().where(Activist.id.in_(wanted or {0}) & Activist.protected_since.is_null(False)).first()
    if protected is not None:
        raise NotAllowed(_l("%(name)s is protected: no item may name, quote or show her until an "
                            "admin lifts the protection.", name=protected.display_name), field="people")


def send_for_review(item):
    """Ask every person for their decision on this exact version."""
    if item.state != "draft":
        raise NotAllowed(_l("Only a draft can be sent for review."))
    from amplify.platforms import UnknownPlatform, check

    try:
        too_long = [post for post in item.posts if not check(post, item.channel).fits]
    except UnknownPlatform:
        too_long = []  # channels that are not platforms (print, press…) have no limit
    if too_long:
        raise NotAllowed(_l("It is too long for this platform: shorten it (the counter shows "
                            "where it overflows) or make it a thread."))
    if any(not image.alt_text for image in item.images()):
        raise NotAllowed(_l("Every image needs its alt text before review."))
    look_at_item_images(item)  # a photo attached before faces were looked for
    faces = unshown_faces([item.id]).get(item.id)
    if faces:
        raise NotAllowed(faces_problem(faces))
    unapproved = [v for v in item.variants() if v.state != "approved"]
    if unapproved:
        raise NotAllowed(_l("Every message it uses must be approved by the movement first."))
    if needs_safety_check(item) and not safety_checked(item):
        raise NotAllowed(_l("It names someone at high risk: a second staff member must sign off "
                            "its safety first."))
    with database.atomic():
        item.state = "in_review"
        item.save()
        ledger.request_decisions(item)
        refresh_state(item)
        audit.record("item.send_for_review", item, {"hash": item.content_hash})
    return item


def sign_safety(item, user, note=""):
    """A second staff member (never the author) signs off this version's safety."""
    if item.author_id == user.id:
        raise NotAllowed(_l("The safety check must be done by someone other than the author."))
    with database.atomic():
        SafetyCheck.create(item=item, content_hash=item.content_hash, checked_by=user,
                           note=(note or "").strip())
        store_verdicts([item])
        audit.record("item.safety_check", item, {"hash": item.content_hash})


def refresh_state(item):
    """Derive the state from decisions and publications (after any of them changes), and
    store clearance()'s verdict on the item for the lists that must not judge every row."""
    result = clearance(item)
    if item.state in ("published", "takedown_required", "taken_down"):
        states = [p.takedown_state for p in item.publications]
        if "required" in states:
            new = "takedown_required"
        elif states and all(s == "taken_down" for s in states):
            new = "taken_down"
        else:
            new = "published"
    elif item.state in ("in_review", "cleared"):
        answered = [p.decision.outcome for p in result.people
                    if p.decision and p.decision.content_hash == item.content_hash]
        if any(outcome in ("refused", "changes_requested") for outcome in answered):
            new = "draft"
        else:
            new = "cleared" if result.consented else "in_review"
    else:
        new = item.state
    # The stored verdict is consent's; an embargo is judged at every door, by the clock.
    until = result.until if result.consented else None
    if (new, result.consented, until) != (item.state, item.cleared, item.cleared_until):
        item.state, item.cleared, item.cleared_until = new, result.consented, until
        item.save()


def store_verdicts(items, today=None):
    """Store clearance()'s verdict on each of ``items``, judged a batch at a time (after
    something the verdict reads changed: a version, a message, a person, a safety check)."""
    items = list(items)
    for start in range(0, len(items), JUDGED_AT_ONCE):
        batch = items[start:start + JUDGED_AT_ONCE]
        for item_id, result in clearances(batch, today).items():
            item = result.item
            until = result.until if result.consented else None
            if (item.cleared, item.cleared_until) != (result.consented, until):
                item.cleared, item.cleared_until = result.consented, until
                Item.update(cleared=result.consented, cleared_until=until).where(Item.id == item_id).execute()


def judge_unjudged():
    """Store the verdict of every item that has none (after the upgrade that added it)."""
    while True:
        batch = list(Item.select().where(Item.cleared.is_null()).order_by(Item.id).limit(JUDGED_AT_ONCE))
        if not batch:
            return
        with database.atomic():
            store_verdicts(batch)


@activist_saved.connect
def _rejudge_items_of(activist, **_):
    """Her risk level or being a minor is part of the verdict on every item naming her."""
    store_verdicts(Item.select().join(ItemPerson, on=(ItemPerson.item == Item.id))
                   .where(ItemPerson.activist == activist.id))


@variant_state_changed.connect
def _rejudge_items_using(variant, **_):
    """An item is cleared only while every message it uses is approved."""
    store_verdicts(Item.select().join(ItemVariant, on=(ItemVariant.item == Item.id))
                   .where(ItemVariant.variant == variant.id))


def publish(item, user, channel=None, url=""):
    """Log that a cleared item went out. Refused unless clearance says yes right now."""
    result = clearance(item)
    if result.embargo_problem:
        raise NotAllowed(result.embargo_problem)
    if not result.cleared or item.state not in ("cleared", "published"):
        raise NotAllowed(_l("Only a cleared item can be published."))
    with database.atomic():
        publication = Publication.create(item=item, channel=channel or item.channel,
                                         url=(url or "").strip(), recorded_by=user)
        item.state = "published"
        item.save()
        audit.record("item.publish", item, {"publication": publication.id, "url": publication.url,
                                            "hash": item.content_hash})
    return publication


def require_takedown(item):
    """A withdrawal: every publication still online must be taken down."""
    for publication in item.publications.where(Publication.takedown_state == "none"):
        publication.takedown_state = "required"
        publication.takedown_required_at = utcnow()
        publication.save()


def confirm_takedown(publication, user):
    if publication.takedown_state != "required":
        raise NotAllowed(_l("This publication is not waiting for a take-down."))
    with database.atomic():
        publication.takedown_state = "taken_down"
        publication.taken_down_at = utcnow()
        publication.taken_down_by = user
        publication.save()
        refresh_state(publication.item)
        audit.record("item.taken_down", publication.item, {"publication": publication.id})
    if not publication.item.publications.where(Publication.takedown_state == "required").exists():
        takedowns_confirmed.send(publication.item)


def variant_choices(campaign, language):
    """Approved variants of ``campaign`` in ``language`` to build an item from."""
    from amplify.campaigns.models import Message

    return (MessageVariant.select(MessageVariant, Message).join(Message)
            .where((Message.campaign == campaign) & (MessageVariant.language == language)
                   & (MessageVariant.state == "approved")).order_by(Message.position))


__all__ = ["NotAllowed", "save_item", "send_for_review", "sign_safety", "refresh_state", "publish",
           "require_takedown", "confirm_takedown", "variant_choices", "Item"]


def bulk_review(items):
    """Send several drafts for review; ``(how many went, [(item, why not)])``."""
    done, problems = 0, []
    for item in items:
        try:
            send_for_review(item)
        except NotAllowed as refused:
            problems.append((item, refused.message))
        else:
            done += 1
    return done, problems


def archive(items, archived=True):
    """Take items out of the lists (or bring them back); their state and consent stay."""
    with database.atomic():
        for item in items:
            item.archived_at = utcnow() if archived else None
            item.save()
            audit.record("item.archive" if archived else "item.restore", item, {})
    return len(items)
