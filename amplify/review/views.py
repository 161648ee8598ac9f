"""The personal review page: what waits for the person, what went out with their consent,
and their receipts. Reached only through a signed personal link."""

import secrets

from flask import Blueprint, Response, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from amplify import security
from amplify.campaigns.models import MessageVariant
from amplify.consent import ledger, links, notices
from amplify.consent.forms import DecisionForm
from amplify.consent.models import Decision
from amplify.consent.receipts import receipt_json
from amplify.db import utcnow
from amplify.i18n import LANGUAGES
from amplify.items.forms import ActionForm
from amplify.items.models import Item, ItemImage, ItemPerson, ItemVersion
from amplify.media.models import Asset
from amplify.people.models import ATTRIBUTIONS, Activist
from amplify.textdiff import word_diff
from amplify.web import render

bp = Blueprint("review", __name__, url_prefix="/r")
# Items and events shown at once on her page: a slow phone gets a light page; answering
# one brings the next.
SHOWN_AT_ONCE = 10


class LinkUnusable(HTTPException):
    code = 404


class TooManyAttempts(HTTPException):
    code = 429


@bp.errorhandler(LinkUnusable)
@bp.errorhandler(TooManyAttempts)
def link_problem(error):
    return render("review/invalid.html", status=error.code, too_many=error.code == 429)


def open_link(token):
    """The person's link, checked; their language for the page."""
    if links.too_many_failures():
        raise TooManyAttempts()
    link = links.resolve(token)
    if link is None:
        raise LinkUnusable()
    activist = link.activist
    g.page_language = next((code for code in activist.languages if code in LANGUAGES), None) \
        or request.accept_languages.best_match(list(LANGUAGES)) or "es"
    link.last_used_at = utcnow()
    link.save()
    return link


def previous_texts(items, activist):
    """``{item id: text}`` of the last version this person decided on, for the items
    replaced since (two queries for all of them)."""
    ids = [item.id for item in items]
    decided = {}
    for decision in (Decision.select(Decision.subject_id, Decision.content_hash)
                     .where((Decision.activist == activist) & (Decision.subject_type == "item")
                            & Decision.subject_id.in_(ids)
                            & (Decision.outcome.in_(["given", "changes_requested", "refused"])))
                     .order_by(Decision.seq)):
        decided[decision.subject_id] = decision.content_hash
    replaced = {item.id: decided[item.id] for item in items
                if item.id in decided and decided[item.id] != item.content_hash}
    if not replaced:
        return {}
    versions = ItemVersion.select().where(ItemVersion.item.in_(list(replaced))
                                          & ItemVersion.content_hash.in_(list(replaced.values())))
    return {v.item_id: v.data()["text"] for v in versions if replaced[v.item_id] == v.content_hash}


def item_cards(items, activist, failed=None):
    """A card per item waiting for her, read in a fixed number of queries however many
    items wait (her part in each, everyone named, images, the versions she decided on)."""
    items = list(items)
    ids = [item.id for item in items]
    people, mine, images = {i: [] for i in ids}, {}, {i: [] for i in ids}
    for person in (ItemPerson.select(ItemPerson, Activist).join(Activist)
                   .where(ItemPerson.item.in_(ids)).order_by(Activist.display_name)):
        people[person.item_id].append(person)
        if person.activist_id == activist.id:
            mine[person.item_id] = person
    for image in (ItemImage.select(ItemImage, Asset).join(Asset).where(ItemImage.item.in_(ids))
                  .order_by(ItemImage.position, ItemImage.id)):
        images[image.item_id].append(image)
    old = previous_texts(items, activist)
    return [item_card(item, activist, (failed or {}).get(("item", item.id)), person=mine[item.id],
                      people=people[item.id], images=images[item.id], old=old.get(item.id))
            for item in items]


def item_card(item, activist, form=None, *, person=None, people=None, images=None, old=None):
    """One item's card; ``item_cards`` passes what it read for all of them at once."""
    if person is None:
        return item_cards([item], activist, {("item", item.id): form} if form else None)[0]
    until = ledger.default_valid_until(item.campaign)
    form = form or DecisionForm(
        formdata=None, prefix=f"i{item.id}", content_hash=item.content_hash,
        channels=[item.channel], attribution=person.attribution or activist.default_attribution,
        face=person.appearance == "shown" and activist.face_may_be_shown, valid_until=until)
    names = {code: activist.name_for(code, _("a domestic worker")) for code in
             ([person.attribution] if person.attribution else ["full_name", "first_name", "pseudonym", "anonymous"])
             if code != "pseudonym" or activist.pseudonym}
    return {
        "item": item, "person": person, "form": form, "names": names, "images": images,
        "preview": item.preview_for(activist, form.attribution.data or activist.default_attribution, people),
        "notice": notices.for_item(item, notice_language(), form.valid_until.data or until),
        "changes": word_diff(old, item.text) if old else None,
    }


def variant_card(variant, form=None):
    form = form or DecisionForm(formdata=None, prefix=f"v{variant.id}", content_hash=variant.content_hash)
    return {"variant": variant, "form": form, "notice": notices.for_variant(variant, notice_language())}


def page_context(link, failed=None):
    from amplify.invitations.models import Event, Invitation

    activist = link.activist
    mine = list(Invitation.select(Invitation, Event).join(Event)
                .where(Invitation.activist == activist).order_by(Event.starts_on.desc()))
    pending = ledger.pending_for(activist)
    items = item_cards(pending[:SHOWN_AT_ONCE], activist, failed)
    coming, events_more = at_events(mine)
    variants = [variant_card(v, failed.get(("variant", v.id)) if failed else None)
                for v in ledger.variants_pending_for(activist)]
    return {
        "link": link, "activist": activist, "token": request.view_args["token"], "items": items,
        "variants": variants, "published": ledger.consented_publications(activist),
        "decisions": activist.decisions.where(Decision.outcome != "requested").order_by(Decision.seq.desc()).limit(50),
        "action": ActionForm(),
        "invitations": sorted((i for i in mine if i.state == "invited"), key=lambda i: i.event.starts_on)[:SHOWN_AT_ONCE],
        "at_events": coming, "events_more": events_more,
        "items_more": max(0, len(pending) - SHOWN_AT_ONCE),
        "my_invitations": mine,
        "request_key": secrets.token_urlsafe(16),
    }


def at_events(invitations):
    """Her next SHOWN_AT_ONCE coming events (from ``invitations``, all of hers), with what she
    agreed to there (named, photographed, recorded, quoted) and the notice she reads before
    choosing; and how many more come later."""
    from amplify.invitations.changes import media_consent
    from amplify.invitations.models import MEDIA_CONSENT_STATES, MEDIA_USES

    coming = sorted((i for i in invitations if i.state in MEDIA_CONSENT_STATES), key=lambda i: i.event.starts_on)
    shown = coming[:SHOWN_AT_ONCE]
    latest = Decision.latest_by_subject("invitation", [i.id for i in shown], shown[0].activist_id) if shown else {}
    rows = []
    for invitation in shown:
        uses, decision = media_consent(invitation, latest.get(invitation.id, {}).get(invitation.activist_id))
        rows.append({"invitation": invitation, "uses": uses, "labels": MEDIA_USES, "decision": decision,
                     "notice": notices.for_invitation(invitation, notice_language())})
    return rows, len(coming) - len(shown)


@bp.get("/<token>")
@security.public
def page(token):
    link = open_link(token)
    return render("review/page.html", **page_context(link))


def decided(token, decision):
    messages = {"given": _("Thank you. Your yes was recorded."),
                "refused": _("Thank you. Your no was recorded: it will not be published."),
                "changes_requested": _("Thank you. Your request for a change was sent to the team."),
                "withdrawn": _("Your consent was withdrawn. We are taking it down everywhere.")}
    flash(messages.get(decision.outcome, _("Recorded.")), "success")
    return redirect(url_for("review.page", token=token) + f"#decision-{decision.id}")


def notice_language():
    return g.page_language if g.page_language in notices.NOTICE_LANGUAGES else "en"


def answer(token, link, subject_type, subject, form, notice):
    """Record the person's yes, no or change request on ``subject``; else show the page
    again with what went wrong (a replaced version: 409, with the new version shown)."""
    if form.answer.data not in ("given", "refused", "changes_requested"):
        form.answer.errors.append(_("Choose yes, no or change something."))
    elif form.validate_on_submit():
        try:
            decision = ledger.record_decision(
                link.activist, subject_type, subject, form.content_hash.data, form.answer.data,
                method="review_page", scope=form.scope(), notice=notice, comment=form.comment.data,
                guardian_name=form.guardian_name.data,
                guardian_relationship=form.guardian_relationship.data,
                minor_agrees=form.minor_agrees.data, review_link=link,
                request_key=form.request_key.data)
        except ledger.StaleVersion as stale:
            return render("review/page.html", status=409, stale=stale.message, **page_context(link))
        except ledger.DecisionRefused as problem:
            getattr(form, problem.field or "answer").errors.append(problem.message)
        else:
            return decided(token, decision)
    return render("review/page.html", status=400,
                  **page_context(link, {(subject_type, subject.id): form}))


@bp.post("/<token>/items/<id:item_id>")
@security.public
def decide_item(token, item_id):
    link = open_link(token)
    item = Item.get_or_none(Item.id == item_id)
    if item is None or not ItemPerson.select().where(
            (ItemPerson.item == item) & (ItemPerson.activist == link.activist)).exists():
        raise LinkUnusable()
    form = DecisionForm(prefix=f"i{item.id}")
    notice = notices.for_item(item, notice_language(),
                              form.valid_until.data or ledger.default_valid_until(item.campaign))
    return answer(token, link, "item", item, form, notice)


@bp.post("/<token>/variants/<id:variant_id>")
@security.public
def decide_variant(token, variant_id):
    link = open_link(token)
    variant = MessageVariant.get_or_none(MessageVariant.id == variant_id)
    if variant is None or variant not in ledger.variants_pending_for(link.activist):
        raise LinkUnusable()
    form = DecisionForm(prefix=f"v{variant.id}")
    return answer(token, link, "variant", variant, form,
                  notices.for_variant(variant, notice_language()))


@bp.post("/<token>/invitations/<id:invitation_id>")
@security.public
def answer_invitation(token, invitation_id):
    from amplify.invitations.changes import answer
    from amplify.invitations.models import Invitation
    from amplify.rules import NotAllowed

    link = open_link(token)
    invitation = Invitation.get_or_none(Invitation.id == invitation_id)
    if invitation is None or invitation.activist_id != link.activist_id or not ActionForm().validate_on_submit():
        raise LinkUnusable()
    try:
        answer(invitation, link.activist, request.form.get("response", ""), request.form.get("comment", ""))
    except NotAllowed as problem:
        flash(problem.message, "error")
    else:
        flash(_("Thank you. Your answer was sent to the team."), "success")
    return redirect(url_for("review.page", token=token) + f"#invitation-{invitation.id}")


@bp.post("/<token>/invitations/<id:invitation_id>/media")
@security.public
def media_consent(token, invitation_id):
    """Her own, separate answer about being named, photographed, recorded or quoted at the
    event: what she ticks is a yes, nothing ticked is a no."""
    from amplify.invitations.changes import record_media_consent
    from amplify.invitations.models import MEDIA_CONSENT_STATES, Invitation

    link = open_link(token)
    invitation = Invitation.get_or_none(Invitation.id == invitation_id)
    if invitation is None or invitation.activist_id != link.activist_id or not ActionForm().validate_on_submit():
        raise LinkUnusable()
    if invitation.state not in MEDIA_CONSENT_STATES:
        flash(_("This event is over or no longer planned."), "error")
    elif request.form.get("content_hash") != invitation.content_hash:
        flash(_("The event changed while you were reading. Please look at it again."), "error")
    else:
        try:
            record_media_consent(
                invitation, request.form.getlist("uses"), method="review_page", review_link=link,
                notice=notices.for_invitation(invitation, notice_language()),
                request_key=request.form.get("request_key") or None,
                guardian_name=request.form.get("guardian_name", ""),
                guardian_relationship=request.form.get("guardian_relationship", ""),
                minor_agrees=request.form.get("minor_agrees") == "y")
        except ledger.DecisionRefused as problem:
            flash(problem.message, "error")
        else:
            flash(_("Thank you. Your choice was recorded."), "success")
    return redirect(url_for("review.page", token=token) + f"#event-{invitation.id}")


@bp.post("/<token>/items/<id:item_id>/withdraw")
@security.public
def withdraw(token, item_id):
    link = open_link(token)
    item = Item.get_or_none(Item.id == item_id)
    if item is None or not ActionForm().validate_on_submit():
        raise LinkUnusable()
    try:
        decision = ledger.withdraw(link.activist, item, method="review_page", review_link=link,
                                   request_key=request.form.get("request_key") or None)
    except ledger.DecisionRefused as problem:
        flash(problem.message, "error")
        return redirect(url_for("review.page", token=token))
    return decided(token, decision)


@bp.get("/<token>/images/<sha>.png")
@security.public
def image(token, sha):
    """A small preview of an image of an item that names, quotes or shows this person."""
    from amplify.items.models import ItemImage
    from amplify.media.models import Asset
    from amplify.media.thumbnails import preview_png

    link = open_link(token)
    attached = (ItemImage.select().join(Asset).switch(ItemImage)
                .join(ItemPerson, on=(ItemPerson.item == ItemImage.item))
                .where((Asset.sha256 == sha) & (ItemPerson.activist == link.activist)).exists())
    if not attached:
        raise LinkUnusable()
    return Response(preview_png(sha), mimetype="image/png",
                    headers={"Cache-Control": "private, max-age=3600"})


def own_decision(link, decision_id):
    decision = Decision.get_or_none((Decision.id == decision_id) & (Decision.activist == link.activist))
    if decision is None:
        raise LinkUnusable()
    return decision, ledger.subject_of(decision.subject_type, decision.subject_id)


@bp.get("/<token>/decisions/<id:decision_id>")
@security.public
def receipt(token, decision_id):
    link = open_link(token)
    decision, subject = own_decision(link, decision_id)
    return render("review/receipt.html", decision=decision, subject=subject, token=token,
                  activist=link.activist, attributions=ATTRIBUTIONS)


@bp.get("/<token>/decisions/<id:decision_id>.json")
@security.public
def receipt_download(token, decision_id):
    link = open_link(token)
    decision, subject = own_decision(link, decision_id)
    return receipt_json(decision, subject)

