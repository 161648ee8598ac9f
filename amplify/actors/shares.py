"""A campaign's power map shared with the movement (``/actors/shared/<token>``): signed,
expiring, revocable like the report share links, in the language chosen for it, with a
way to suggest a change — by name or anonymously, a limited number per hour per link.
Staff accept or decline each suggestion (``/actors/campaigns/<slug>/suggestions``).

On a shared map a high-risk activist is never named (``Actor.shared_name``).
"""

import secrets
from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from peewee import JOIN
from werkzeug.exceptions import HTTPException

from amplify import audit, security
from amplify.actors import pictures
from amplify.actors.changes import MapError, record_position, relate, save_actor, stamp
from amplify.actors.forms import MissingActorForm, ShareForm, SuggestionForm
from amplify.actors.tokens import serializer, signed_language, token_for
from amplify.actors.models import INFLUENCE, POSITIONS, Actor, MapShare, Suggestion
from amplify.actors.views import bp, find_by_name, spectrum_csv
from amplify.auth.models import User
from amplify.campaigns.models import Campaign
from amplify.consent import links
from amplify.db import database, utcnow
from amplify.people.models import Activist
from amplify.i18n import LANGUAGES
from amplify.items.forms import ActionForm
from amplify.web import handle_http_error, keyset_page, render

class ShareUnusable(HTTPException):
    code = 404


class ShareOld(HTTPException):
    code = 410


class TooManyAttempts(HTTPException):
    code = 429


SHARE_PROBLEMS = {links.OLD: ShareOld, links.GUESS: ShareUnusable, links.TOO_MANY: TooManyAttempts}


def share_url(link):
    return url_for("actors.shared_map", token=token_for(link), _external=True)


# Staff -----------------------------------------------------------------------------------------

@bp.post("/campaigns/<slug>/shares")
@security.requires("edit_people")
def share(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    form = ShareForm()
    form.language.choices = [(code, name) for code, name in LANGUAGES.items()]
    if not form.validate_on_submit() or not 1 <= (form.days.data or 0) <= 365:
        flash(_("The share link needs a language and 1 to 365 days."), "error")
        return redirect(url_for("actors.campaign_map", slug=slug))
    with database.atomic():
        link = MapShare.create(nonce=secrets.token_urlsafe(24), campaign=campaign, language=form.language.data,
                               created_by=g.user, expires_at=utcnow() + timedelta(days=form.days.data))
        audit.record("map_share.create", link, {"campaign": campaign.id, "days": form.days.data,
                                                "language": form.language.data})
    flash(_("Share link made. Copy it now: %(url)s", url=share_url(link)), "success")
    return redirect(url_for("actors.campaign_map", slug=slug))


@bp.post("/shares/<id:map_share_id>/revoke")
@security.requires("edit_people")
def revoke(map_share_id):
    link = MapShare.get_or_404(MapShare.id == map_share_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with database.atomic():
        link.revoked_at = utcnow()
        link.save()
        audit.record("map_share.revoke", link, {})
    flash(_("The share link no longer works."), "success")
    return redirect(url_for("actors.campaign_map", slug=link.campaign.slug))


@bp.get("/campaigns/<slug>/suggestions")
@security.requires("view")
def suggestions(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    state = request.args.get("state") if request.args.get("state") in ("open", "accepted", "declined") else "open"
    query = (Suggestion.select(Suggestion, Actor, User)
             .join(Actor, JOIN.LEFT_OUTER, on=(Suggestion.actor == Actor.id)).switch(Suggestion)
             .join(User, JOIN.LEFT_OUTER, on=(Suggestion.decided_by == User.id))
             .where((Suggestion.campaign == campaign) & (Suggestion.state == state)))
    return render("actors/suggestions.html", campaign=campaign, state=state, action=ActionForm(),
                  suggestions=keyset_page(query, Suggestion, [Suggestion.created_at, Suggestion.id]),
                  positions=POSITIONS, influence=INFLUENCE)


def accept_suggestion(suggestion):
    """Apply a suggestion to the map, credited to who made it; MapError when the map
    cannot take it (then nothing is applied)."""
    data, by = suggestion.data, suggestion.suggested_by or _("anonymous")
    source = _("Suggested by %(who)s through a shared link: %(reason)s", who=by, reason=data.get("reason", ""))
    with database.atomic():
        if suggestion.kind == "actor":
            save_actor(Actor(), suggestion.campaign, kind=data.get("kind", "institution"), name=data["name"],
                       role=data.get("role", ""))
        if suggestion.kind == "position":
            # Observed on the day the movement said so, not the day staff read it.
            record_position(suggestion.actor, data["position"], data.get("influence") or suggestion.actor.influence,
                            suggestion.created_at.date(), source)
        if suggestion.kind == "relationship":
            other = find_by_name(suggestion.campaign_id, data["related_to"])
            if other is None:
                raise MapError(_("No single actor of this campaign is called “%(name)s”: add them first.",
                                 name=data["related_to"]))
            relate(suggestion.actor, other, data["relationship_kind"], directed=False, strength=1, source=source)
        stamp(suggestion, "accepted")
        audit.record("map_suggestion.accepted", suggestion, {"kind": suggestion.kind})


@bp.post("/suggestions/<id:suggestion_id>/<any(accept,decline):decision>")
@security.requires("edit_people")
def decide(suggestion_id, decision):
    suggestion = Suggestion.get_or_404(Suggestion.id == suggestion_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    back = redirect(url_for("actors.suggestions", slug=suggestion.campaign.slug))
    if suggestion.state != "open":
        flash(_("This suggestion was already decided."), "error")
        return back
    if decision == "decline":
        with database.atomic():
            stamp(suggestion, "declined")
            audit.record("map_suggestion.declined", suggestion, {"kind": suggestion.kind})
        flash(_("Suggestion declined."), "success")
        return back
    try:
        accept_suggestion(suggestion)
    except MapError as error:
        flash(str(error), "error")
        return back
    flash(_("Suggestion accepted: the map has changed."), "success")
    return back


# Shared, without an account ---------------------------------------------------------------------

@bp.errorhandler(ShareUnusable)
@bp.errorhandler(ShareOld)
@bp.errorhandler(TooManyAttempts)
def unusable(error):
    return render("actors/shared_invalid.html", status=error.code, problem=error.code)


@bp.errorhandler(CSRFError)
def form_expired(error):
    """A suggestion form that lost its token (a phone's browser dropped the cookie): the
    shared map again, saying nothing was recorded, rather than a page meant for staff.
    Staff pages, and another site's post, get the usual refusal."""
    if isinstance(error, security.ForeignOrigin) or not security.is_personal(request.endpoint):
        return handle_http_error(error)
    flash(_("Nothing was recorded: this page had been open too long. Please answer again."), "error")
    return redirect(url_for("actors.shared_map", token=request.view_args["token"]), 303)


def open_share(token):
    state, link = links.open_signed(serializer(), token, 400 * 86400,
                                    lambda nonce: MapShare.get_or_none(MapShare.nonce == nonce))
    if link is None:
        g.page_language = signed_language(token)
        raise SHARE_PROBLEMS[state]()
    g.page_language = link.language
    MapShare.update(last_used_at=utcnow(), uses=MapShare.uses + 1).where(MapShare.id == link.id).execute()
    return link


def anonymous():
    return _("a movement activist (not named)")


def shared_page(token, link, missing=None, status=200):
    campaign = link.campaign
    # Each activist read with her actor: her name on a shared map depends on her risk level.
    query = (Actor.select(Actor, Activist).join(Activist, JOIN.LEFT_OUTER, on=(Actor.activist == Activist.id))
             .where(Actor.campaign == campaign))
    actors = keyset_page(query, Actor, [Actor.name, Actor.id], descending=False)
    return render("actors/shared.html", token=token, link=link, campaign=campaign,
                  spectrum=pictures.spectrum(campaign, anonymous_label=anonymous()), actors=actors,
                  anonymous=anonymous(), missing=missing or MissingActorForm(), positions=POSITIONS,
                  influence=INFLUENCE, status=status)


@bp.get("/shared/<token>")
@security.personal
def shared_map(token):
    return shared_page(token, open_share(token))


@bp.get("/shared/<token>/spectrum.csv")
@security.personal
def shared_spectrum(token):
    link = open_share(token)
    return spectrum_csv(pictures.spectrum(link.campaign, anonymous_label=anonymous()), "map-spectrum")


def flooded(link):
    """Whether this link has brought as many suggestions this hour as one link may."""
    recent = Suggestion.select().where((Suggestion.share == link)
                                       & (Suggestion.created_at >= utcnow() - timedelta(hours=1)))
    return recent.count() >= current_app.config["MAP_SUGGESTIONS_PER_HOUR"]


def suggest(link, kind, actor, data, suggested_by):
    """Record one suggestion unless the link is flooded; False when it is."""
    with database.atomic():
        if flooded(link):
            return False
        Suggestion.create(share=link, campaign=link.campaign, kind=kind, actor=actor, data=data,
                          suggested_by=(suggested_by or "").strip())
    return True


@bp.post("/shared/<token>/missing")
@security.personal
def shared_missing(token):
    link = open_share(token)
    form = MissingActorForm()
    if not form.validate_on_submit():
        return shared_page(token, link, missing=form, status=400)
    if not suggest(link, "actor", None, {"name": form.name.data.strip(), "kind": form.kind.data,
                                         "role": form.role.data or "", "reason": form.reason.data},
                   form.suggested_by.data):
        form.reason.errors = [_("This link has brought many suggestions in the last hour. Please try again later.")]
        return shared_page(token, link, missing=form, status=429)
    flash(_("Thank you: the team will look at your suggestion."), "success")
    return redirect(url_for("actors.shared_map", token=token))


@bp.route("/shared/<token>/actors/<id:actor_id>", methods=["GET", "POST"])
@security.personal
def shared_actor(token, actor_id):
    link = open_share(token)
    found = Actor.get_or_404((Actor.id == actor_id) & (Actor.campaign == link.campaign))
    form = SuggestionForm()
    status = 200
    if form.validate_on_submit():
        data = {"reason": form.reason.data}
        kind = None
        if form.position.data:
            kind, data = "position", {**data, "position": form.position.data, "influence": form.influence.data}
        elif form.related_to.data and form.relationship_kind.data:
            kind, data = "relationship", {**data, "related_to": form.related_to.data.strip(),
                                          "relationship_kind": form.relationship_kind.data}
        if kind is None:
            form.position.errors = [_("Suggest a position, or a relationship with its kind.")]
            status = 400
        elif not suggest(link, kind, found, data, form.suggested_by.data):
            form.reason.errors = [_("This link has brought many suggestions in the last hour. Please try again later.")]
            status = 429
        else:
            flash(_("Thank you: the team will look at your suggestion."), "success")
            return redirect(url_for("actors.shared_actor", token=token, actor_id=found.id))
    elif form.errors:
        status = 400
    return render("actors/shared_actor.html", token=token, link=link, actor=found, form=form,
                  name=found.shared_name(anonymous()), status=status)
