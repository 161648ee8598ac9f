"""Workflows of the press desk. Each runs in one transaction and is audited; anything the
rules refuse raises ``NotAllowed`` before a row is written.

What may leave Amplify is decided by ``clearance()`` alone: a public document or e-mail
text needs ``cleared`` (consent, and the embargo passed); a signed share link needs
``consented`` and stamps every page and document "embargoed until …".
"""

import secrets
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale, format_date, gettext, lazy_gettext as _l

from amplify import audit
from amplify.consent.clearance import clearance
from amplify.consent.signals import decision_recorded
from amplify.db import database, utcnow
from amplify.items.changes import save_item
from amplify.items.models import Item
from amplify.mail import FAILURES, send_mail, smtp_configured
from amplify.press.models import (
    INTERVIEW_FORMATS, PROTECTION_TERMS, PROTECTIONS, Coverage, Evidence, InterviewOffer, Journalist, Pitch, Release,
    ReleaseShare, email_key,
)
from amplify.rules import NotAllowed

SHARE_DAYS = 30


def save_outlet(outlet, **fields):
    creating = outlet.id is None
    for name, value in fields.items():
        setattr(outlet, name, value.strip() if isinstance(value, str) else value)
    with database.atomic():
        outlet.save()
        audit.record("outlet.create" if creating else "outlet.update", outlet, {"name": outlet.name})
    return outlet


def duplicate_of(journalist, email):
    """Another journalist already on the list with this e-mail (None if there is none)."""
    key = email_key(email)
    if not key:
        return None
    query = Journalist.select().where(Journalist.email_key == key)
    if journalist.id is not None:
        query = query.where(Journalist.id != journalist.id)
    return query.first()


def save_journalist(journalist, **fields):
    """Create or edit a journalist; refused when another one has the same e-mail."""
    creating = journalist.id is None
    email = (fields.get("email", journalist.email) or "").strip()
    other = duplicate_of(journalist, email)
    if other is not None:
        raise NotAllowed(_l("%(name)s already has this e-mail on the media list: edit that entry "
                            "instead.", name=other.name), "email")
    for name, value in fields.items():
        setattr(journalist, name, value.strip() if isinstance(value, str) else value)
    journalist.email_key = email_key(journalist.email)
    if not journalist.do_not_contact:
        journalist.do_not_contact_reason = ""
    elif not journalist.do_not_contact_reason:
        raise NotAllowed(_l("Say why they must not be contacted, so colleagues know."),
                         "do_not_contact_reason")
    journalist.updated_at = utcnow()
    with database.atomic():
        journalist.save()
        audit.record("journalist.create" if creating else "journalist.update", journalist,
                     {"name": journalist.name, "do_not_contact": journalist.do_not_contact})
    return journalist


# Releases ---------------------------------------------------------------------------------

def create_release(*, campaign, kind, title, language, text, variant_ids, people, author,
                   contact_name="", contact_email="", contact_phone="", family=None):
    """A press release or story pitch: an item on the press channel, built from approved
    messages (its quotes go through consent like any item), with the desk's own record."""
    if not variant_ids:
        raise NotAllowed(_l("Build it from at least one approved message."), "variants")
    with database.atomic():
        item = save_item(Item(author=author), people=people, variant_ids=variant_ids, campaign=campaign,
                         kind=kind, title=title, language=language, channel="press", text=text)
        release = Release.create(item=item, family=family, contact_name=contact_name.strip(),
                                 contact_email=contact_email.strip(), contact_phone=contact_phone.strip())
        if family is not None and family.item.embargo_until:
            item.embargo_until, item.embargo_zone = family.item.embargo_until, family.item.embargo_zone
            item.save()
        audit.record("release.create", release, {"item": item.id, "family": family.id if family else None})
    return release


def save_contact(release, *, contact_name, contact_email, contact_phone):
    with database.atomic():
        release.contact_name, release.contact_email = contact_name.strip(), contact_email.strip()
        release.contact_phone = contact_phone.strip()
        release.save()
        audit.record("release.contact", release, {})


def add_evidence(release, *, figure, source, url=""):
    with database.atomic():
        position = release.evidence_rows.count()
        row = Evidence.create(release=release, figure=figure.strip(), source=source.strip(),
                              url=(url or "").strip(), position=position)
        audit.record("release.evidence", release, {"evidence": row.id})
    return row


def set_embargo(release, local, zone, now=None):
    """The embargo, a wall-clock time in ``zone``, for the release and its translations
    (None lifts it). A moment already past is refused: it would embargo nothing."""
    when = None
    if local is not None:
        when = local.replace(tzinfo=ZoneInfo(zone))
        if when <= (now or utcnow()):
            raise NotAllowed(_l("The embargo must be in the future."), "embargo_at")
    with database.atomic():
        for member in release.languages():
            Item.update(embargo_until=when, embargo_zone=zone if when else "").where(
                Item.id == member.item_id).execute()
        audit.record("release.embargo", release, {"until": when.isoformat() if when else None, "zone": zone})


def make_share(release, user, days=SHARE_DAYS, journalist=None):
    """A signed link for the release, valid ``days``; refused until everyone quoted agreed."""
    if not clearance(release.item).consented:
        raise NotAllowed(_l("Everyone it quotes must agree to this version before it is shared."))
    with database.atomic():
        share = ReleaseShare.create(release=release, journalist=journalist, nonce=secrets.token_urlsafe(24),
                                    created_by=user, expires_at=utcnow() + timedelta(days=days))
        audit.record("release_share.create", release, {"share": share.id, "days": days,
                                                       "journalist": journalist.id if journalist else None})
    return share


def revoke_share(share):
    with database.atomic():
        share.revoked_at = utcnow()
        share.save()
        audit.record("release_share.revoke", share.release, {"share": share.id})


# Pitches ----------------------------------------------------------------------------------

def check_pitch(release, journalists, method):
    """Why these journalists cannot be pitched this release now (NotAllowed), checked for
    all of them before anything is sent or written."""
    if not journalists:
        raise NotAllowed(_l("Choose at least one journalist."), "journalists")
    barred = [j.name for j in journalists if j.do_not_contact]
    if barred:
        raise NotAllowed(_l("Marked “do not contact”: %(names)s. Take them off the list of recipients.",
                            names=", ".join(barred)), "journalists")
    result = clearance(release.item)
    if not result.consented:
        raise NotAllowed(_l("Everyone it quotes must agree to this version before it is pitched."))
    if method == "email":
        if not smtp_configured():
            raise NotAllowed(_l("E-mail is not configured on this server: send it yourself and "
                                "record it as such."), "method")
        without = [j.name for j in journalists if not j.email]
        if without:
            raise NotAllowed(_l("No e-mail address for: %(names)s.", names=", ".join(without)), "journalists")
    return result


def pitch(release, journalists, *, method, user, subject, body_for, follow_up_on=None):
    """Record (and, by e-mail, send) the release to each journalist: one message each,
    addressed to that journalist alone, so nobody sees who else got it. An embargoed
    release goes as a signed link of its own per journalist, never as its text.

    ``body_for(journalist, share)`` writes the message. Returns ``(pitches, failed)``:
    a journalist whose message the server refused is in ``failed`` and has no pitch.
    """
    result = check_pitch(release, journalists, method)
    item = release.item
    embargoed = result.embargoed_until is not None
    done, failed = [], []
    for journalist in journalists:
        try:
            with database.atomic():  # a message the server refused leaves no pitch, no link
                share = make_share(release, user, journalist=journalist) if embargoed else None
                row = Pitch.create(release=release, journalist=journalist, method=method,
                                   content_hash=item.content_hash, share=share, sent_by=user,
                                   follow_up_on=follow_up_on)
                audit.record("pitch.create", release, {"pitch": row.id, "journalist": journalist.id,
                                                       "method": method, "hash": item.content_hash})
                if method == "email":
                    send_mail(journalist.email, subject, body_for(journalist, share))
        except FAILURES:
            failed.append(journalist)
            continue
        done.append(row)
    return done, failed


def record_answer(pitch_row, *, answer, note="", spokesperson=None, follow_up_on=None):
    if answer == "interview_requested" and spokesperson is None:
        raise NotAllowed(_l("Propose a spokesperson for the interview."), "spokesperson")
    with database.atomic():
        pitch_row.answer, pitch_row.answer_note = answer, (note or "").strip()
        pitch_row.answered_at = utcnow() if answer else None
        pitch_row.spokesperson = spokesperson if answer == "interview_requested" else None
        pitch_row.follow_up_on = follow_up_on
        pitch_row.save()
        audit.record("pitch.answer", pitch_row.release, {"pitch": pitch_row.id, "answer": answer})


STRENGTH = ("full_name", "first_name", "pseudonym", "anonymous")  # how much of her name shows, most first


def interview_allowed(activist, protection):
    """Why ``protection`` is not one she can be asked about (NotAllowed), if it is not: her
    face only where she allows it; for a person at high risk, never more of her name than
    her own choice shows."""
    attribution, appearance = PROTECTION_TERMS[protection]
    if appearance == "shown" and not activist.face_may_be_shown:
        raise NotAllowed(_l("She does not want her face shown: choose a protection without it."), "protection")
    if attribution == "pseudonym" and not activist.pseudonym:
        raise NotAllowed(_l("She has no pseudonym yet: add one on her page first."), "protection")
    if activist.risk_level == "high" and (
            STRENGTH.index(attribution) < STRENGTH.index(activist.default_attribution)
            or attribution in ("full_name", "first_name")):
        raise NotAllowed(_l("She is at high risk: only with the protection she chose (pseudonym or "
                            "anonymous, and no face)."), "protection")


def ask_interview(pitch_row, *, on, fmt, protection, author, today=None):
    """The interview a journalist asked for, as an item of its own (kind "interview") that
    the proposed spokesperson decides on like any item: its text says the outlet, the day,
    the format and how she appears, in her language, and its attribution and appearance are
    fixed to that protection. A person at high risk also needs a second staff member's
    safety sign-off, as for every item."""
    activist = pitch_row.spokesperson
    if pitch_row.answer != "interview_requested" or activist is None:
        raise NotAllowed(_l("Record the interview request and the spokesperson proposed first."))
    if pitch_row.interview_id is not None:
        raise NotAllowed(_l("She is already asked about this interview."))
    if on < (today or date.today()):
        raise NotAllowed(_l("The interview cannot be in the past."), "on")
    interview_allowed(activist, protection)
    offer = InterviewOffer.get_or_none(InterviewOffer.activist == activist)
    if offer is not None and fmt not in offer.formats:
        raise NotAllowed(_l("She offered interviews only as: %(formats)s.",
                            formats=", ".join(str(label) for label in offer.format_labels)), "format")
    attribution, appearance = PROTECTION_TERMS[protection]
    journalist = pitch_row.journalist
    release = pitch_row.release
    language = activist.page_language() or release.item.language
    outlet = journalist.outlet.name if journalist.outlet_id else journalist.name
    with force_locale(language):
        text = gettext("Interview with %(person)s for %(outlet)s (journalist: %(journalist)s) on %(day)s, "
                       "%(format)s. %(protection)s.", person="{%s}" % activist.ref, outlet=outlet,
                       journalist=journalist.name, day=format_date(on, "long"),
                       format=str(INTERVIEW_FORMATS[fmt]).lower(), protection=str(PROTECTIONS[protection]))
        title = gettext("Interview: %(outlet)s, %(day)s", outlet=outlet, day=on.isoformat())
    with database.atomic():
        item = save_item(Item(author=author), people=[(activist.id, appearance, attribution)], variant_ids=[],
                         campaign=release.item.campaign, kind="interview", title=title[:200], language=language,
                         channel="press", text=text)
        pitch_row.interview = item
        pitch_row.save()
        audit.record("pitch.interview", release, {"pitch": pitch_row.id, "item": item.id,
                                                  "protection": protection})
    return item


def save_offer(activist, *, topics, availability, formats):
    """Her willingness to give interviews (no format: she no longer offers any)."""
    with database.atomic():
        offer = InterviewOffer.get_or_none(InterviewOffer.activist == activist)
        if not formats:
            if offer is not None:
                offer.delete_instance()
                audit.record("interview_offer.delete", activist, {})
            return None
        offer = offer or InterviewOffer(activist=activist)
        offer.topics, offer.availability = topics.strip(), availability.strip()
        offer.formats, offer.updated_at = [f for f in INTERVIEW_FORMATS if f in formats], utcnow()
        offer.save()
        audit.record("interview_offer.update", activist, {"formats": offer.formats})
    return offer


def confirm_recall(pitch_row):
    """Staff asked the journalist not to use the quote that lost its consent."""
    if pitch_row.recall_required_at is None or pitch_row.recall_done_at is not None:
        raise NotAllowed(_l("Nothing to ask this journalist."))
    with database.atomic():
        pitch_row.recall_done_at = utcnow()
        pitch_row.save()
        audit.record("pitch.recalled", pitch_row.release, {"pitch": pitch_row.id})


@decision_recorded.connect
def _recall_lost_quotes(decision, subject=None, **_):
    """A quote of a pitched release lost its consent (withdrawn, or its version voided):
    every journalist who received it must be asked not to use it."""
    if decision.subject_type != "item":
        return
    release = Release.get_or_none(Release.item == decision.subject_id)
    if release is None or clearance(release.item).consented:
        return
    with database.atomic():
        count = (Pitch.update(recall_required_at=utcnow())
                 .where((Pitch.release == release) & Pitch.recall_required_at.is_null()).execute())
        if count:
            audit.record("pitch.recall_required", release, {"pitches": count, "decision": decision.id})


# Coverage ---------------------------------------------------------------------------------

def link_coverage(release, *, title, url, published_on, user, pitch_row=None, outlet=None,
                  language="", quotes_carried=False, feed_entry=None):
    """Coverage that came from this release (and pitch): logged by hand or from the feeds."""
    if pitch_row is not None and pitch_row.release_id != release.id:
        raise NotAllowed(_l("That pitch is of another release."), "pitch")
    if outlet is None and pitch_row is not None:
        outlet = pitch_row.journalist.outlet
    with database.atomic():
        row = Coverage.create(release=release, pitch=pitch_row, feed_entry=feed_entry, outlet=outlet,
                              title=title.strip(), url=(url or "").strip(),
                              language=language or release.item.language, published_on=published_on,
                              quotes_carried=quotes_carried, recorded_by=user)
        audit.record("coverage.link", release, {"coverage": row.id, "pitch": pitch_row.id if pitch_row else None})
    return row
