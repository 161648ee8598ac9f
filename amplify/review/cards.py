"""What her review page shows for each thing that waits for her: the preview exactly as it
will go out under the name she would appear with, one plain sentence saying what a yes
means, and the three answers. Where, how named and until when are collapsed with sensible
defaults (what the item fixes, else her last choice, else her default); the full notice is
one tap away. Nothing here ever shows a ``{ref}`` code."""

from babel import Locale, UnknownLocaleError
from flask_babel import format_date, get_locale, gettext as _

from amplify.campaigns.models import MessageVariant
from amplify.consent import ledger, notices
from amplify.consent.forms import DecisionForm
from amplify.consent.models import FINAL, Decision
from amplify.invitations.models import Invitation
from amplify.people.models import Activist
from amplify.items.models import CHANNELS, Item, ItemPerson, ItemVersion, anonymous_label, render_text
from amplify.textdiff import word_diff

NAMED_AS = {
    "full_name": lambda name: _("under your full name, %(name)s", name=name),
    "first_name": lambda name: _("under your first name, %(name)s", name=name),
    "pseudonym": lambda name: _("under the name %(name)s", name=name),
    "anonymous": lambda name: _("without your name"),
}


def last_attribution(activist):
    """How she chose to be named the last time she said yes to an item, if ever."""
    last = (Decision.select().where((Decision.activist == activist) & (Decision.subject_type == "item")
                                    & (Decision.outcome == "given"))
            .order_by(Decision.seq.desc()).first())
    return last.scope_data.get("attribution") if last else None


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


def version_text(item, content_hash):
    """The text of ``item`` at the version with ``content_hash``, if it was kept."""
    version = ItemVersion.get_or_none((ItemVersion.item == item) & (ItemVersion.content_hash == content_hash))
    return version.data()["text"] if version else None


def last_decided_hash(item, activist):
    decided = (Decision.select(Decision.content_hash)
               .where((Decision.activist == activist) & (Decision.subject_type == "item")
                      & (Decision.subject_id == item.id)
                      & (Decision.outcome.in_(["given", "changes_requested", "refused"])))
               .order_by(Decision.seq.desc()).first())
    return decided.content_hash if decided else None


def what_changed(item, names, since_hash):
    """Word differences from the version ``since_hash`` to the current one, both as they
    would go out (names filled in the same way), or None when there is nothing to show."""
    if not since_hash or since_hash == item.content_hash:
        return None
    old = version_text(item, since_hash)
    if old is None:
        return None
    fallback = anonymous_label(item.language)
    return word_diff(render_text(old, names, fallback), render_text(item.text, names, fallback))


def item_card(item, activist, language, form=None, seen_hash=None):
    """Everything her page shows about one item; ``seen_hash`` is the version she was
    looking at when she answered, if it was replaced meanwhile."""
    person = ItemPerson.get((ItemPerson.item == item) & (ItemPerson.activist == activist))
    until = ledger.default_valid_until(item.campaign)
    fixed = person.attribution
    attribution = fixed or last_attribution(activist) or activist.default_attribution
    if attribution == "pseudonym" and not activist.pseudonym:
        attribution = "first_name"
    face = person.appearance == "shown" and activist.face_may_be_shown
    form = form or DecisionForm(
        formdata=None, prefix=f"i{item.id}", content_hash=item.content_hash,
        channels=[item.channel], attribution=attribution, face=face, valid_until=until)
    chosen = form.attribution.data or attribution
    names = item.names_for(activist, chosen)
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
        "changes": what_changed(item, names, seen_hash or last_decided_hash(item, activist)),
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


def answers(activist, limit=50):
    """Her answers, newest first, each with what it was about — subjects read in one query
    per kind, not one per line."""
    decisions = list(activist.decisions.where(Decision.outcome.in_(list(FINAL)))
                     .order_by(Decision.seq.desc()).limit(limit))
    subjects = {}
    for kind, model in (("item", Item), ("variant", MessageVariant), ("invitation", Invitation)):
        ids = {d.subject_id for d in decisions if d.subject_type == kind}
        if ids:
            subjects.update({(kind, s.id): s for s in model.select().where(model.id.in_(ids))})
    people = {}
    item_ids = [key[1] for key in subjects if key[0] == "item"]
    if item_ids:
        for person in (ItemPerson.select(ItemPerson, Activist).join(Activist)
                       .where(ItemPerson.item.in_(item_ids))):
            people.setdefault(person.item_id, []).append(person)
    return [{"decision": d, "about": about(d, subjects.get((d.subject_type, d.subject_id)), activist,
                                           people.get(d.subject_id, []) if d.subject_type == "item" else None)}
            for d in decisions]
