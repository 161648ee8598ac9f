"""What her review page shows for each thing that waits for her: the preview exactly as it
will go out under the name she would appear with, one plain sentence saying what a yes
means, and the three answers. Where, how named and until when are collapsed with sensible
defaults (what the item fixes, else her last choice, else her default); the full notice is
one tap away. Nothing here ever shows a ``{ref}`` code."""

import json

from babel import Locale, UnknownLocaleError
from flask_babel import format_date, get_locale, gettext as _, lazy_gettext as _l

from amplify.campaigns.models import MessageVariant
from amplify.consent import clearance, ledger, notices
from amplify.consent.forms import DecisionForm
from amplify.consent.models import FINAL, Decision
from amplify.invitations.models import Invitation
from amplify.items.models import CHANNELS, Item, ItemVersion, anonymous_label, render_text
from amplify.db import Shape
from amplify.textdiff import word_diff

# Her answers in her words (staff pages say "Given", "Refused").
SAID = {
    "given": _l("You said yes"),
    "refused": _l("You said no"),
    "changes_requested": _l("You asked for a change"),
    "withdrawn": _l("You took it back"),
}


def said(decision):
    return SAID.get(decision.outcome, decision.outcome_label)


NAMED_AS = {
    "full_name": lambda name: _("under your full name, %(name)s", name=name),
    "first_name": lambda name: _("under your first name, %(name)s", name=name),
    "pseudonym": lambda name: _("under the name %(name)s", name=name),
    "anonymous": lambda name: _("without your name"),
}


def last_yes_scope(activist_id):
    """The scope of her last yes to an item, as a query (her page reads it with her counts)."""
    return (Decision.select(Decision.scope).where((Decision.activist == activist_id) & (Decision.subject_type == "item")
                                                  & (Decision.outcome == "given"))
            .order_by(Decision.seq.desc()).limit(1))


def attribution_in(scope):
    """The attribution a decision's stored scope (JSON text) names, if any."""
    return json.loads(scope).get("attribution") if scope else None


def plain_sentence(item, activist, attribution, channels, until, face):
    """One sentence a reader with primary schooling understands: where, under which name,
    who sees it, until when — and that she can take it back."""
    where = ", ".join(str(CHANNELS.get(c, c)) for c in channels) or str(CHANNELS.get(item.channel, item.channel))
    name = activist.name_for(attribution, anonymous_label(item.language))
    named = NAMED_AS.get(attribution, NAMED_AS["anonymous"])(name)
    when = format_date(until, "long") if until else _("with no end date")
    if item.channel in notices.PUBLIC_CHANNELS:
        sentence = _("It will be published on %(where)s %(named)s, visible to anyone, until %(until)s.",
                     where=where, named=named, until=when)
    else:
        sentence = _("It will go out on %(where)s %(named)s, only to the people who receive it, "
                     "until %(until)s.", where=where, named=named, until=when)
    parts = [sentence]
    if face is not None:
        parts.append(_("Your face will be seen.") if face else _("Your face will not be seen."))
    parts.append(_("You can take it back at any time."))
    return " ".join(parts)


def what_changed(item, names, old_text):
    """Word differences from an earlier version's text to the current one, both as they
    would go out (names filled in the same way), or None when there is nothing to show."""
    if old_text is None:
        return None
    fallback = anonymous_label(item.language)
    return word_diff(render_text(old_text, names, fallback), render_text(item.text, names, fallback))


def people_of(item_ids):
    """``{item id: [ItemPerson with its activist]}`` for many items, in one query."""
    people = {}
    if item_ids:
        for person in clearance.PEOPLE.rows(sorted(item_ids)):
            people.setdefault(person.item_id, []).append(person)
    return people


def item_cards(items, activist, language, failed, stale, people, last):
    """The cards of ``items`` (all waiting for ``activist``, as ``ledger.pending_for`` gives
    them), read in a fixed number of queries however many there are: the images of every
    item and the earlier versions she answered, each in one query.
    ``failed`` maps an item id to a form to show again, ``stale`` to the version she was
    looking at when it was replaced; ``people`` holds the ``people_of`` these items (her
    page reads them for all its lists at once), ``last`` her last choice of name (from
    ``last_yes_scope``)."""
    ids = [item.id for item in items]
    if not ids:
        return []
    # The version she was looking at, else that of her last answer (read with the item).
    earlier = {item.id: stale.get(item.id) or item.answered_hash for item in items}
    earlier = {item_id: h for item_id, h in earlier.items() if h}
    texts = {}
    if earlier:
        for version in VERSIONS.rows(sorted(earlier), sorted(set(earlier.values()))):
            texts[(version.item_id, version.content_hash)] = version.data()["text"]
    images = {}
    for image in IMAGES_OF.rows(ids):
        images.setdefault(image.item_id, []).append(image)
    cards = []
    for item in items:
        since = earlier.get(item.id)
        old_text = texts.get((item.id, since)) if since and since != item.content_hash else None
        card = item_card(item, activist, language, people.get(item.id, []), last, old_text,
                         form=failed.get(item.id), seen_hash=stale.get(item.id))
        cards.append(dict(card, images=images.get(item.id, [])))
    return cards


def item_card(item, activist, language, people, last, old_text, form=None, seen_hash=None):
    """Everything her page shows about one item, from what ``item_cards`` read: the item's
    ``people`` (ItemPerson rows with their activists), her ``last`` choice of name, and the
    text of the version she answered before (``old_text``), if it was replaced since;
    ``seen_hash`` is the version she was looking at when she answered, if it was replaced
    meanwhile."""
    person = next(p for p in people if p.activist_id == activist.id)
    until = ledger.default_valid_until(item.campaign)
    fixed = person.attribution
    attribution = fixed or last or activist.default_attribution
    if attribution == "pseudonym" and not activist.pseudonym:
        attribution = "first_name"
    face = person.appearance == "shown" and activist.face_may_be_shown
    form = form or DecisionForm(
        formdata=None, prefix=f"i{item.id}", content_hash=item.content_hash,
        channels=[item.channel], attribution=attribution, face=face, valid_until=until)
    chosen = form.attribution.data or attribution
    names = item.names_for(activist, chosen, people)
    options = {code: activist.name_for(code, anonymous_label(item.language)) for code in
               ([fixed] if fixed else ["full_name", "first_name", "pseudonym", "anonymous"])
               if code != "pseudonym" or activist.pseudonym}
    marks = item.provenance(names)
    return {
        "item": item, "person": person, "form": form, "names": options,
        "preview": render_text(item.text, names, anonymous_label(item.language)),
        "sentence": plain_sentence(item, activist, chosen, form.channels.data or [item.channel],
                                   form.valid_until.data or until,
                                   form.face.data if person.appearance == "shown" else None),
        "notice": notices.for_item(item, language, form.valid_until.data or until),
        "stale": bool(seen_hash and seen_hash != item.content_hash),
        "foreign": None if activist.reads(item.language) else language_name(item.language),
        "campaign": item.campaign.name_for(activist),
        "changes": what_changed(item, names, old_text),
        "team_words": marks if item.composed_text and any(kind == "ins" for kind, _text in marks) else None,
    }


def variant_card(variant, activist, language, form=None, seen_hash=None):
    form = form or DecisionForm(formdata=None, prefix=f"v{variant.id}", content_hash=variant.content_hash)
    return {"variant": variant, "form": form, "notice": notices.for_variant(variant, language),
            "title": variant.message.title_for(activist), "foreign": None,
            "stale": bool(seen_hash and seen_hash != variant.content_hash)}


def language_name(code):
    """``code`` named in the page's language ("inglés" for en on a Spanish page)."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


def excerpt(text, words=12):
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def about_item(item, activist, attribution=None, people=None):
    """What an item is, in her words: kind, where, and its first words as they go out."""
    names = item.names_for(activist, attribution or activist.default_attribution, people)
    return _("%(kind)s on %(where)s: “%(start)s”", kind=item.kind_label, where=item.channel_label,
             start=excerpt(render_text(item.text, names, anonymous_label(item.language))))


def about_variant(variant, activist):
    return _("Key message: “%(start)s”", start=variant.message.title_for(activist)
             or excerpt(variant.short_form))


def about(decision, subject, activist, people=None):
    """One line saying what ``decision`` was about, for her list of answers and receipts."""
    if subject is None:
        return _("Something that was deleted since")
    if decision.subject_type == "item":
        return about_item(subject, activist, decision.scope_data.get("attribution"), people)
    if decision.subject_type == "variant":
        return about_variant(subject, activist)
    return _("At the event “%(event)s”", event=subject.event.title)


def answers(activist, limit=50, offset=0):
    """Her answers, newest first (``limit`` of them from ``offset``), each with what it was
    about — subjects read in one query per kind, not one per line."""
    decisions, subjects = read_answers(activist, limit, offset)
    return described_answers(decisions, subjects, activist, people_of(answered_items(subjects)))


def read_answers(activist, limit, offset=0):
    """``(decisions, {(kind, id): subject})``: her answers, newest first, and what they were about."""
    decisions = list(ANSWERS.rows(activist.id, limit, offset or None))
    subjects = {}
    for kind, shape in SUBJECTS.items():
        ids = sorted({d.subject_id for d in decisions if d.subject_type == kind})
        if ids:
            subjects.update({(kind, s.id): s for s in shape.rows(ids)})
    return decisions, subjects


def _by_ids(model):
    return Shape(lambda ids: model.select().where(model.id.in_(ids)))


# Her page reads them on every view: kept compiled (amplify.db.Shape).
ANSWERS = Shape(lambda activist_id, limit, offset: (
    Decision.select().where((Decision.activist == activist_id) & Decision.outcome.in_(list(FINAL)))
    .order_by(Decision.seq.desc()).limit(limit).offset(offset)))
SUBJECTS = {"item": _by_ids(Item), "variant": _by_ids(MessageVariant), "invitation": _by_ids(Invitation)}
VERSIONS = Shape(lambda item_ids, hashes: (
    ItemVersion.select().where(ItemVersion.item.in_(item_ids) & ItemVersion.content_hash.in_(hashes))))
IMAGES_OF = Shape(Item.images_of)  # not the bytes


def answered_items(subjects):
    return {key[1] for key in subjects if key[0] == "item"}


def described_answers(decisions, subjects, activist, people):
    """Her answers as her lists show them: each with one line saying what it was about;
    ``people`` holds the ``people_of`` the items among ``subjects``."""
    return [{"decision": d, "said": said(d),
             "about": about(d, subjects.get((d.subject_type, d.subject_id)), activist,
                            people.get(d.subject_id, []) if d.subject_type == "item" else None)}
            for d in decisions]
