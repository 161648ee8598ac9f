"""The personal review page: what waits for the person, what went out with their consent,
and their receipts. Reached only through a signed personal link."""

import secrets
from datetime import timedelta

from flask import Blueprint, Response, abort, flash, g, redirect, request, url_for
from flask_babel import format_date, gettext as _
from flask_wtf.csrf import CSRFError
from peewee import JOIN, Case, Select, fn
from werkzeug.exceptions import HTTPException

from amplify import security
from amplify.campaigns.models import MessageVariant
from amplify.consent import ledger, links, notices, receipts
from amplify.consent.forms import DecisionForm
from amplify.consent.models import FINAL, Decision, ReviewLink
from amplify.db import Shape, database, utcnow
from amplify.i18n import LANGUAGES
from amplify.invitations.models import MEDIA_CONSENT_STATES
from amplify.items.forms import ActionForm
from amplify.items.models import Item, ItemPerson
from amplify.people.models import ATTRIBUTIONS, Activist
from amplify.review import trips
from amplify.review.cards import (about, about_item, answered_items, answers, attribution_in, described_answers,
                                  item_cards, last_yes_scope, people_of, read_answers, said, variant_card)
from amplify.review.help import ask_help
from amplify.review.models import HELP_KINDS, HelpRequest
from amplify.web import MAX_ID, handle_http_error, render

bp = Blueprint("review", __name__, url_prefix="/r")
# She decides one thing at a time: her page shows the next thing that waits for her answer
# (an item, then a key message, then an invitation) and how many more come after it, one
# after another as she answers; a light page on a slow phone. Her next event, with what she
# agreed to there, stays in view. Her history (what went out, her answers, her invitations)
# lists the latest SHOWN_AT_ONCE (each with its "take it down" or its receipt), the rest a
# page at a time.
SHOWN_AT_ONCE = 3
EVENTS_SHOWN = 3
# The events she goes to: an invitation still to answer is asked first (yes or no), and
# how she may be shown there once she said yes.
GOING = [state for state in MEDIA_CONSENT_STATES if state != "invited"]


class LinkUnusable(HTTPException):
    """Not a link Amplify made."""
    code = 404


class LinkOld(HTTPException):
    """A link Amplify made that expired, was revoked or replaced: not a guess."""
    code = 410


class TooManyAttempts(HTTPException):
    code = 429


@bp.errorhandler(LinkUnusable)
@bp.errorhandler(LinkOld)
@bp.errorhandler(TooManyAttempts)
def link_problem(error):
    response = render("review/invalid.html", status=error.code, problem=error.code)
    if error.code == 429:
        response.headers["Retry-After"] = str(int(links.WINDOW.total_seconds()))
    return response


@bp.errorhandler(CSRFError)
def form_expired(error):
    """Her form lost its token: the browser dropped the session cookie (a phone closing its
    browser does) or the post came from elsewhere. Nothing was recorded; her page again,
    saying so, rather than an error page meant for staff. Another site's post is refused."""
    if isinstance(error, security.ForeignOrigin):
        return handle_http_error(error)
    flash(_("Nothing was recorded: this page had been open too long. Please answer again."), "error")
    return redirect(url_for("review.page", token=request.view_args["token"]), 303)


LINK_PROBLEMS = {links.OLD: LinkOld, links.GUESS: LinkUnusable, links.TOO_MANY: TooManyAttempts}


# When her link was last used (shown to staff and in her data) is kept to the minute: a page
# view writes nothing when the link was used less than a minute ago.
LAST_USED_PRECISION = timedelta(minutes=1)


def open_link(token):
    """The person's link, checked; their language for the page."""
    state, link = links.resolve(token)
    if link is None:
        # A revoked or expired link still speaks her language when Amplify signed it.
        g.page_language = links.signed_language(token) or request.accept_languages.best_match(list(LANGUAGES))
        raise LINK_PROBLEMS[state]()
    g.page_language = link.activist.page_language() or request.accept_languages.best_match(list(LANGUAGES)) or "es"
    now = utcnow()
    if link.last_used_at is None or now - link.last_used_at >= LAST_USED_PRECISION:
        ReviewLink.update(last_used_at=now).where(ReviewLink.id == link.id).execute()
        link.last_used_at = now
    return link


def page_context(link, failed=None, stale=None):
    """Her page; ``failed`` maps ``(subject_type, id)`` to a form to show again with its
    errors, ``stale`` to the version she was looking at when it was replaced: that thing
    is the one shown, else the next that waits. Every list is bounded: one thing asked, her
    next event, the latest SHOWN_AT_ONCE of her history with a link to the rest
    (``history``)."""

    activist = link.activist
    failed, stale = failed or {}, stale or {}
    answered = next(iter(failed), None) or next(iter(stale), None)  # what she just answered
    language = notice_language()
    counts = her_counts(activist)
    waiting_variants = ledger.variants_pending_for(activist, spokesperson=counts["spokesperson"] > 0)
    asked, variants = [], []
    if answered is not None and answered[0] == "item":
        asked = ledger.pending_for(activist, 1, only=answered[1])
    elif answered is not None:
        variants = [v for v in waiting_variants if ("variant", v.id) == answered]
    # What she answered no longer waits (the team took it back to change it): the next thing.
    taken_back = answered is not None and not asked and not variants
    if answered is None or taken_back:
        asked = ledger.pending_for(activist, 1)
        variants = [] if asked else waiting_variants[:1]
    invited = [] if asked or variants else list(INVITED.rows(activist.id, 1))
    published = ledger.consented_publications(activist, SHOWN_AT_ONCE)
    decisions, subjects = read_answers(activist, SHOWN_AT_ONCE)
    # The people of every item the page names, for all its lists in one query.
    people = people_of({item.id for item in asked} | {item.id for item, _decision, _pubs in published}
                       | answered_items(subjects))
    items = item_cards(asked, activist, language,
                       {key[1]: form for key, form in failed.items() if key[0] == "item"},
                       {key[1]: seen for key, seen in stale.items() if key[0] == "item"}, people,
                       attribution_in(counts["last_yes"]))
    coming = at_events(activist)
    waiting = counts["pending"] + len(waiting_variants) + counts["invited"]
    return {
        "link": link, "activist": activist, "token": request.view_args["token"], "items": items,
        "variants": [variant_card(v, activist, language, failed.get(("variant", v.id)), stale.get(("variant", v.id)))
                     for v in variants],
        "invitations": invited,
        "waiting": waiting, "waiting_more": max(0, waiting - len(items) - len(variants) - len(invited)),
        "taken_back": taken_back,
        "published": published_rows(activist, published, people), "published_total": counts["published"],
        "answers": described_answers(decisions, subjects, activist, people), "answers_total": counts["answers"],
        "help": {(h.subject_type, h.subject_id): h for h in HelpRequest.open_for(activist)},
        "action": ActionForm(),
        "at_events": coming, "events_more": max(0, counts["coming"] - len(coming)),
        "my_invitations": list(LATEST_INVITATIONS.rows(activist.id, SHOWN_AT_ONCE)),
        "invitations_total": counts["invitations"],
        "request_key": secrets.token_urlsafe(16),
    }


def her_invitations(activist_id):
    """Her invitations as her lists show them: the event's name, dates and place, her role,
    the state and the date to answer by — only those columns (not her travel or passport
    details, which these lists never show)."""
    from amplify.invitations.models import Event, Invitation

    return (Invitation.select(Invitation.id, Invitation.event, Invitation.activist, Invitation.role,
                              Invitation.state, Invitation.answer_due,
                              Event.id, Event.title, Event.starts_on, Event.ends_on, Event.place)
            .join(Event).where(Invitation.activist == activist_id))


def _invited(activist_id, limit):
    from amplify.invitations.models import Event, Invitation

    return (her_invitations(activist_id).where(Invitation.state == "invited")
            .order_by(Event.starts_on, Invitation.id).limit(limit))


def _latest_invitations(activist_id, limit):
    from amplify.invitations.models import Event, Invitation

    return her_invitations(activist_id).order_by(Event.starts_on.desc(), Invitation.id.desc()).limit(limit)


def _at_events(activist_id, limit):
    from amplify.invitations.models import Event, Invitation

    return (Invitation.select(Invitation, Event, Decision).join(Event).switch(Invitation)
            .join(Decision, JOIN.LEFT_OUTER, on=Decision.is_latest_of(activist_id, "invitation", Invitation.id),
                  attr="latest")
            .where((Invitation.activist == activist_id) & Invitation.state.in_(GOING))
            .order_by(Event.starts_on, Invitation.id).limit(limit))


# Her page reads them on every view: kept compiled (amplify.db.Shape).
INVITED, LATEST_INVITATIONS, AT_EVENTS = Shape(_invited), Shape(_latest_invitations), Shape(_at_events)


def published_page(activist, limit, offset=0):
    """What went out with her consent, newest first (``limit`` from ``offset``)."""
    published = ledger.consented_publications(activist, limit, offset)
    return published_rows(activist, published, people_of([item.id for item, _decision, _pubs in published]))


def published_rows(activist, published, people):
    """Each of ``published`` (from ``ledger.consented_publications``) as she knows it: the
    item under her chosen name, the decision in force and where it was published;
    ``people`` holds the ``people_of`` those items."""
    return [{"item": item, "decision": decision, "publications": pubs,
             "about": about_item(item, activist, decision.scope_data.get("attribution") if decision else None,
                                 people.get(item.id, []))}
            for item, decision, pubs in published]


def answers_total(activist):
    return _answered(activist.id).scalar()


def _answered(activist_id):
    return Decision.select(fn.COUNT(Decision.id)).where(
        (Decision.activist == activist_id) & Decision.outcome.in_(list(FINAL)))


def her_counts(activist):
    """What her page needs to know about her, in one query: how many items wait for her
    answer (``ledger.pending_for``), invitations wait for her answer, events she goes to
    (``coming``), invitations she had, things went out with her consent, answers she gave,
    organisations she speaks for; and the scope of her last yes (``last_yes``)."""
    names = ("pending", "invited", "coming", "invitations", "published", "answers", "spokesperson", "last_yes")
    return dict(zip(names, HER_COUNTS.first(activist.id)))


def _her_counts(activist_id):
    from amplify.invitations.models import Invitation
    from amplify.people.models import Spokesperson

    def invitations(condition=None):
        counted = fn.COUNT(Case(None, [(condition, 1)])) if condition is not None else fn.COUNT(Invitation.id)
        return Invitation.select(counted).where(Invitation.activist == activist_id)

    return Select(columns=[
        ledger.count_pending_query(activist_id),
        invitations(Invitation.state == "invited"), invitations(Invitation.state.in_(GOING)),
        invitations(), ledger.count_consented_query(activist_id), _answered(activist_id),
        Spokesperson.select(fn.COUNT(Spokesperson.id)).where(Spokesperson.activist == activist_id),
        last_yes_scope(activist_id),
    ]).bind(database).tuples()


HER_COUNTS = Shape(_her_counts)  # on every view of her page: kept compiled (amplify.db.Shape)


def at_events(activist):
    """Her next EVENTS_SHOWN events (she said she will go), each with what she agreed to
    there (named, photographed, recorded, quoted), the notice she reads before choosing and
    what to do for the trip."""
    from amplify.invitations.changes import media_consent
    from amplify.invitations.models import MEDIA_USES

    shown = list(AT_EVENTS.rows(activist.id, EVENTS_SHOWN))
    support = trips.support_by_invitation(shown)
    rows = []
    for invitation in shown:
        uses, decision = media_consent(invitation, invitation.latest)
        answered = any(value is not None for value in uses.values())
        rows.append({"invitation": invitation, "uses": uses, "labels": MEDIA_USES, "decision": decision,
                     "notice": notices.for_invitation(invitation, notice_language()),
                     "trip": trips.trip(invitation, support.get(invitation.id, []), answered)
                     if invitation.state in trips.HER_TRIPS else None})
    return rows


@bp.get("/<token>")
@security.personal
def page(token):
    link = open_link(token)
    return render("review/page.html", **page_context(link))


# Her history, a page at a time: everything published with her consent (each with its
# "take it down"), every answer (each with its receipt), every invitation.
HISTORY_PAGE = 20


@bp.get("/<token>/published")
@security.personal
def published(token):
    link = open_link(token)
    return history(token, link, "published", ledger.count_consented_publications(link.activist),
                   lambda limit, offset: published_page(link.activist, limit, offset))


@bp.get("/<token>/answers")
@security.personal
def all_answers(token):
    link = open_link(token)
    return history(token, link, "answers", answers_total(link.activist),
                   lambda limit, offset: answers(link.activist, limit, offset))


@bp.get("/<token>/invitations")
@security.personal
def invitations(token):
    from amplify.invitations.models import Event, Invitation

    link = open_link(token)
    hers = her_invitations(link.activist.id).order_by(Event.starts_on.desc(), Invitation.id.desc())
    return history(token, link, "invitations", hers.count(),
                   lambda limit, offset: list(hers.limit(limit).offset(offset)))


def history(token, link, what, total, rows):
    """Page ``?page=`` of one of her lists (a page number out of range or malformed gives
    the first page)."""
    pages = max(1, -(-total // HISTORY_PAGE))
    number = request.args.get("page", 1, type=int) or 1
    if not 1 <= number <= pages:
        number = 1
    return render("review/history.html", what=what, token=token, activist=link.activist, total=total,
                  rows=rows(HISTORY_PAGE, (number - 1) * HISTORY_PAGE), number=number, pages=pages)


def decided(token, decision):
    messages = {"given": _("Thank you. Your yes was recorded."),
                "refused": _("Thank you. Your no was recorded: it will not be published."),
                "changes_requested": _("Thank you. Your request for a change was sent to the team."),
                "withdrawn": _("Your consent was withdrawn. We are taking it down everywhere.")}
    flash(messages.get(decision.outcome, _("Recorded.")), "success")
    return redirect(url_for("review.page", token=token))  # the thanks, then the next thing


def not_waiting(token, link, request_key=None):
    """A form about something that no longer waits for her (answered already, withdrawn,
    no longer hers): her page again, saying so -- a repeated answer gets the same thanks
    as the first, and never "this link does not work"."""
    repeated = Decision.get_or_none(Decision.request_key == request_key) if request_key else None
    if repeated is not None and repeated.activist_id == link.activist_id:
        return decided(token, repeated)
    flash(_("This no longer waits for your answer. Your earlier answers are kept."), "info")
    return redirect(url_for("review.page", token=token))


def notice_language():
    return g.page_language if g.page_language in notices.NOTICE_LANGUAGES else "en"


def already_answered(token, link, subject_type, subject, form):
    """A second answer to the version she already answered (the form sent again, from
    the back button or another tab): say what we have, never "this link does not work"."""
    latest = Decision.latest(link.activist_id, subject_type, subject.id)
    if latest is None or latest.outcome not in FINAL or latest.content_hash != form.content_hash.data \
            or (form.request_key.data and latest.request_key == form.request_key.data):
        return None
    flash(_("We already have your answer from %(when)s: %(answer)s.",
            when=format_date(latest.at, "long"), answer=said(latest)), "success")
    return redirect(url_for("review.page", token=token))


def answer(token, link, subject_type, subject, form, notice):
    """Record the person's yes, no or change request on ``subject``; else show the page
    again with what went wrong (a replaced version: 409, with what changed shown inside
    the card she answered)."""
    repeated = already_answered(token, link, subject_type, subject, form)
    if repeated is not None:
        return repeated
    if form.answer.data not in ("given", "refused", "changes_requested"):
        form.answer.errors = [_("Choose yes, no or change something.")]  # a tuple until validated
    elif form.validate_on_submit():
        try:
            decision = ledger.record_decision(
                link.activist, subject_type, subject, form.content_hash.data, form.answer.data,
                method="review_page", scope=form.scope(), notice=notice, comment=form.comment.data,
                guardian_name=form.guardian_name.data,
                guardian_relationship=form.guardian_relationship.data,
                minor_agrees=form.minor_agrees.data, review_link=link,
                request_key=form.request_key.data)
        except ledger.StaleVersion:
            return render("review/page.html", status=409,
                          **page_context(link, stale={(subject_type, subject.id): form.content_hash.data}))
        except ledger.DecisionRefused as problem:
            getattr(form, problem.field or "answer").errors.append(problem.message)
        else:
            return decided(token, decision)
    return render("review/page.html", status=400,
                  **page_context(link, {(subject_type, subject.id): form}))


@bp.post("/<token>/items/<id:item_id>")
@security.personal
def decide_item(token, item_id):
    link = open_link(token)
    item = Item.get_or_none(Item.id == item_id)
    if item is None or not ItemPerson.select().where(
            (ItemPerson.item == item) & (ItemPerson.activist == link.activist)).exists():
        return not_waiting(token, link, request.form.get(f"i{item_id}-request_key"))
    form = DecisionForm(prefix=f"i{item.id}")
    notice = notices.for_item(item, notice_language(),
                              form.valid_until.data or ledger.default_valid_until(item.campaign))
    return answer(token, link, "item", item, form, notice)


@bp.post("/<token>/variants/<id:variant_id>")
@security.personal
def decide_variant(token, variant_id):
    link = open_link(token)
    variant = MessageVariant.get_or_none(MessageVariant.id == variant_id)
    if variant is None or not variant.message.campaign.spokespeople().where(
            Activist.id == link.activist_id).exists():
        return not_waiting(token, link, request.form.get(f"v{variant_id}-request_key"))
    form = DecisionForm(prefix=f"v{variant.id}")
    if variant not in ledger.variants_pending_for(link.activist):
        repeated = already_answered(token, link, "variant", variant, form)
        if repeated is not None:
            return repeated
        flash(_("This message no longer waits for your answer."), "success")
        return redirect(url_for("review.page", token=token))
    return answer(token, link, "variant", variant, form,
                  notices.for_variant(variant, notice_language()))


@bp.post("/<token>/invitations/<id:invitation_id>")
@security.personal
def answer_invitation(token, invitation_id):
    from amplify.invitations.changes import answer
    from amplify.invitations.models import Invitation
    from amplify.rules import NotAllowed

    link = open_link(token)
    invitation = Invitation.get_or_none(Invitation.id == invitation_id)
    if invitation is None or invitation.activist_id != link.activist_id or not ActionForm().validate_on_submit():
        return not_waiting(token, link)
    try:
        answer(invitation, link.activist, request.form.get("response", ""), request.form.get("comment", ""))
    except NotAllowed as problem:
        flash(problem.message, "error")
    else:
        flash(_("Thank you. Your answer was sent to the team."), "success")
    return redirect(url_for("review.page", token=token))  # what she was told, then the next thing


@bp.post("/<token>/invitations/<id:invitation_id>/media")
@security.personal
def media_consent(token, invitation_id):
    """Her own, separate answer about being named, photographed, recorded or quoted at the
    event: what she ticks is a yes, nothing ticked is a no."""
    from amplify.invitations.changes import record_media_consent
    from amplify.invitations.models import Invitation

    link = open_link(token)
    invitation = Invitation.get_or_none(Invitation.id == invitation_id)
    if invitation is None or invitation.activist_id != link.activist_id or not ActionForm().validate_on_submit():
        return not_waiting(token, link)
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


@bp.route("/<token>/items/<id:item_id>/withdraw", methods=["GET", "POST"])
@security.personal
def withdraw(token, item_id):
    """A second look before taking it down (GET: "Take it down from X and Y?"), then the
    withdrawal itself (POST) — without JavaScript."""
    link = open_link(token)
    item = Item.get_or_none(Item.id == item_id)
    if item is None or not ItemPerson.select().where(
            (ItemPerson.item == item) & (ItemPerson.activist == link.activist)).exists():
        return not_waiting(token, link, request.form.get("request_key"))
    if request.method == "GET":
        decision = Decision.latest(link.activist_id, "item", item.id)
        return render("review/withdraw.html", item=item, token=token, action=ActionForm(),
                      about=about_item(item, link.activist, decision.scope_data.get("attribution")
                                       if decision else None),
                      places=[p.channel_label for p in item.publications if p.takedown_state == "none"]
                      or [item.channel_label], request_key=secrets.token_urlsafe(16))
    if not ActionForm().validate_on_submit():
        return not_waiting(token, link, request.form.get("request_key"))
    try:
        decision = ledger.withdraw(link.activist, item, method="review_page", review_link=link,
                                   request_key=request.form.get("request_key") or None)
    except ledger.DecisionRefused as problem:
        flash(problem.message, "error")
        return redirect(url_for("review.page", token=token))
    flash(_("Done. We are taking it down everywhere; below you see when each place is done."), "success")
    return redirect(url_for("review.page", token=token) + f"#published-{item.id}")


@bp.post("/<token>/help")
@security.personal
def ask_for_help(token):
    """She would rather be called (or met), or needs something explained: staff see the
    request and are notified; nothing is decided for her."""
    link = open_link(token)
    kind = request.form.get("kind", "")
    subject_type = request.form.get("subject_type", "")
    subject_id = request.form.get("subject_id", type=int)
    if subject_id is not None and not 1 <= subject_id <= MAX_ID:
        raise LinkUnusable()
    if kind not in HELP_KINDS or subject_type not in ("", "item", "variant") \
            or not ActionForm().validate_on_submit():
        raise LinkUnusable()
    if subject_type and not concerns(link.activist, subject_type, subject_id):
        raise LinkUnusable()
    ask_help(link.activist, kind, subject_type, subject_id)
    flash(_("Thank you. Someone from the team will call you. Nothing goes out before you say yes.")
          if kind == "call" else
          _("Thank you. Someone from the team will explain it to you in your language."), "success")
    anchor = f"#{subject_type}-{subject_id}" if subject_type else ""
    return redirect(url_for("review.page", token=token) + anchor)


@bp.get("/<token>/images/<sha>.png")
@security.personal
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
        abort(404)
    return Response(preview_png(sha), mimetype="image/png")


def concerns(activist, subject_type, subject_id):
    """Whether the item names, quotes or shows her, or the message waits for her approval."""
    if subject_type == "item":
        return ItemPerson.select().where((ItemPerson.item == subject_id) & (ItemPerson.activist == activist)).exists()
    return any(v.id == subject_id for v in ledger.variants_pending_for(activist))


def own_decision(link, decision_id):
    decision = Decision.get_or_none((Decision.id == decision_id) & (Decision.activist == link.activist))
    if decision is None:
        abort(404)
    return decision, ledger.subject_of(decision.subject_type, decision.subject_id)


@bp.get("/<token>/decisions/<id:decision_id>")
@security.personal
def receipt(token, decision_id):
    link = open_link(token)
    decision, subject = own_decision(link, decision_id)
    return render("review/receipt.html", decision=decision, subject=subject, token=token,
                  activist=link.activist, attributions=ATTRIBUTIONS,
                  about=about(decision, subject, link.activist), **receipts.page_context(decision))


@bp.get("/<token>/decisions/<id:decision_id>.json")
@security.personal
def receipt_download(token, decision_id):
    link = open_link(token)
    decision, subject = own_decision(link, decision_id)
    return receipts.receipt_json(decision, subject)

