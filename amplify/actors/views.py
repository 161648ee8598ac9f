"""The power map for staff (``/actors``): a campaign's actors, their positions and
relationships, and its pictures with their tables and CSV files. Share links and the
movement's suggestions live in ``amplify/actors/shares.py``."""

from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from peewee import JOIN

from amplify import security, spreadsheets
from amplify.actors import graph, pictures
from amplify.actors.changes import MapError, bring_in, record_position, relate, remove_relationship, save_actor, tie
from amplify.actors.forms import ActorForm, BringInForm, PositionForm, RelationshipForm, ShareForm, TieForm
from amplify.actors.tokens import token_for
from amplify.actors.models import (
    INFLUENCE, KINDS, POSITIONS, Actor, ActorTie, MapShare, Position, Relationship,
)
from amplify.campaigns.models import Campaign
from amplify.db import utcnow
from amplify.forms import form_status
from amplify.i18n import LANGUAGES
from amplify.invitations.models import Event
from amplify.items.forms import ActionForm
from amplify.items.models import Item
from amplify.people.models import Activist, Organization
from amplify.web import keyset_page, render

bp = Blueprint("actors", __name__, url_prefix="/actors")


def csv_file(rows, header, stem):
    variant = request.args.get("separator") if request.args.get("separator") in spreadsheets.SEPARATORS else "comma"
    suffix = "-semicolon" if variant == "semicolon" else ""
    return Response(spreadsheets.write(rows, header, spreadsheets.SEPARATORS[variant]), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{stem}{suffix}.csv"'})


def spectrum_csv(spectrum, stem):
    # Labels translated once, not once per row: thousands of lazy strings cost seconds.
    kinds, positions, influence = (labels(KINDS), labels(POSITIONS), labels(INFLUENCE))
    return csv_file([(name, kinds.get(kind, kind), positions.get(position, position),
                      influence.get(level, level), str(on) if on else "")
                     for _id, name, kind, position, level, on in spectrum.rows],
                    [_("Actor"), _("Kind"), _("Position"), _("Influence"), _("Since")], stem)


def labels(choices):
    return {key: str(label) for key, label in choices.items()}


# The campaign's map ------------------------------------------------------------------------

@bp.get("/")
@security.requires("view")
def index():
    campaigns = keyset_page(Campaign.select(), Campaign, [Campaign.name, Campaign.id], descending=False)
    return render("actors/index.html", campaigns=campaigns)


@bp.get("/campaigns/<slug>")
@security.requires("view")
def campaign_map(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    stale = request.args.get("stale") == "1"
    query = Actor.of(campaign)
    if stale:
        query = query.where(Actor.id.in_(Actor.stale_positions().where(Actor.campaign == campaign).select(Actor.id)))
    actors = keyset_page(query, Actor, [Actor.name, Actor.id], descending=False)
    shares = list(MapShare.select().where((MapShare.campaign == campaign) & MapShare.revoked_at.is_null()
                                          & (MapShare.expires_at > utcnow())).order_by(MapShare.id.desc()).limit(20))
    share_form = ShareForm()
    share_form.language.choices = [(code, name) for code, name in LANGUAGES.items()]
    urls = {link.id: url_for("actors.shared_map", token=token_for(link), _external=True) for link in shares}
    return render("actors/map.html", campaign=campaign, spectrum=pictures.spectrum(campaign), actors=actors, urls=urls,
                  stale=stale, shares=shares, share_form=share_form, action=ActionForm(),
                  positions=POSITIONS, influence=INFLUENCE)


@bp.get("/campaigns/<slug>/spectrum.csv")
@security.requires("view")
def spectrum_file(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    return spectrum_csv(pictures.spectrum(campaign), f"{campaign.slug}-spectrum")


def period():
    """``(since, until, problem)`` from the query string; the last six months by default."""
    today = date.today()
    try:
        until = date.fromisoformat(request.args["until"]) if request.args.get("until") else today
        since = date.fromisoformat(request.args["since"]) if request.args.get("since") else until - timedelta(days=182)
    except ValueError:
        return today - timedelta(days=182), today, _("Dates look like 2026-09-30.")
    if until < since:
        return today - timedelta(days=182), today, _("The end of the period is before its start.")
    return since, until, None


@bp.get("/campaigns/<slug>/moved")
@security.requires("view")
def moved(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    since, until, problem = period()
    return render("actors/moved.html", campaign=campaign, moved=pictures.moved(campaign, since, until),
                  positions=POSITIONS, problem=problem, status=400 if problem else 200)


@bp.get("/campaigns/<slug>/moved.csv")
@security.requires("view")
def moved_file(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    since, until, _problem = period()
    found = pictures.moved(campaign, since, until)
    positions = labels(POSITIONS)
    return csv_file([(name, positions.get(before, ""), positions.get(after, "")) for _id, name, before, after
                     in found.movers],
                    [_("Actor"), str(since), str(until)], f"{campaign.slug}-moved-{since}-{until}")


@bp.route("/campaigns/<slug>/new", methods=["GET", "POST"])
@security.requires("edit_people")
def new_actor(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    form = ActorForm()
    if form.validate_on_submit():
        actor = save_actor(Actor(), campaign, kind=form.kind.data, name=form.name.data.strip(),
                           role=form.role.data or "", role_since=form.role_since.data,
                           languages=form.languages.data or [], public_contact=form.public_contact.data or "")
        flash(_("Actor saved. Now say where they stand."), "success")
        return redirect(url_for("actors.actor", actor_id=actor.id))
    return render("actors/actor_form.html", campaign=campaign, form=form, actor=None, bring=BringInForm(),
                  organizations=Organization.select().order_by(Organization.name).limit(500),
                  activists=Activist.select().order_by(Activist.display_name).limit(500),
                  status=form_status(form))


@bp.route("/<id:actor_id>/edit", methods=["GET", "POST"])
@security.requires("edit_people")
def edit_actor(actor_id):
    found = Actor.get_or_404(Actor.id == actor_id)
    if found.ours:
        abort(404)  # our organisations and activists are edited on their own pages
    form = ActorForm(obj=found)
    if form.validate_on_submit():
        save_actor(found, found.campaign, kind=form.kind.data, name=form.name.data.strip(), role=form.role.data or "",
                   role_since=form.role_since.data, languages=form.languages.data or [],
                   public_contact=form.public_contact.data or "")
        flash(_("Actor saved."), "success")
        return redirect(url_for("actors.actor", actor_id=found.id))
    return render("actors/actor_form.html", campaign=found.campaign, form=form, actor=found, status=form_status(form))


@bp.post("/campaigns/<slug>/ours")
@security.requires("edit_people")
def bring_in_ours(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    form = BringInForm()
    if not form.validate_on_submit():
        abort(400)
    organization = Organization.get_or_none(Organization.id == form.organization.data) if form.organization.data else None
    activist = Activist.get_or_none(Activist.id == form.activist.data) if form.activist.data else None
    if (organization is None) == (activist is None):
        flash(_("Choose one organisation or one activist."), "error")
        return redirect(url_for("actors.new_actor", slug=slug))
    actor = bring_in(campaign, organization=organization, activist=activist)
    return redirect(url_for("actors.actor", actor_id=actor.id))


# One actor ------------------------------------------------------------------------------------

def actor_page(actor, position_form=None, relationship_form=None, tie_form=None, status=200):
    ties, layout, drawn = graph.neighbourhood(actor)
    paths = graph.door_openers(actor)
    on_paths = {node for path in paths for node in path}
    names = {row.id: row for row in Actor.select(*graph.NAMED).where(Actor.id.in_(list(on_paths | drawn | {actor.id})))}
    history = keyset_page(Position.select().where(Position.actor == actor), Position, [Position.observed_on, Position.id],
                          cursor="history_after")
    links = list(ActorTie.select(ActorTie, Item, Event)
                 .join(Item, JOIN.LEFT_OUTER, on=(ActorTie.item == Item.id)).switch(ActorTie)
                 .join(Event, JOIN.LEFT_OUTER, on=(ActorTie.event == Event.id))
                 .where(ActorTie.actor == actor).order_by(ActorTie.id).limit(100))
    return render("actors/actor.html", actor=actor, campaign=actor.campaign, ties=ties, layout=layout,
                  drawn=drawn, paths=paths, names=names, history=history, links=links,
                  position_form=position_form or PositionForm(position=actor.position, influence=actor.influence,
                                                              on=date.today()),
                  relationship_form=relationship_form or RelationshipForm(),
                  tie_form=tie_form or tie_choices(TieForm(), actor.campaign), action=ActionForm(), status=status)


TIES_OFFERED = 100  # the latest talking-point sheets and events of the campaign


def tie_choices(form, campaign):
    """The talking-point sheets and events of the campaign that the actor can be tied to."""
    sheets = (Item.select(Item.id, Item.title).where((Item.campaign == campaign) & (Item.kind == "talking_points"))
              .order_by(Item.id.desc()).limit(TIES_OFFERED))
    events = (Event.select(Event.id, Event.title).where(Event.campaign == campaign)
              .order_by(Event.starts_on.desc(), Event.id.desc()).limit(TIES_OFFERED))
    form.target.choices = ([(f"item-{row.id}", _("Talking-point sheet: %(title)s", title=row.title)) for row in sheets]
                           + [(f"event-{row.id}", _("Event: %(title)s", title=row.title)) for row in events])
    return form


@bp.get("/<id:actor_id>")
@security.requires("view")
def actor(actor_id):
    return actor_page(Actor.get_or_404(Actor.id == actor_id))


@bp.get("/<id:actor_id>/neighbourhood.csv")
@security.requires("view")
def neighbourhood_file(actor_id):
    found = Actor.get_or_404(Actor.id == actor_id)
    ties, _layout, _drawn = graph.neighbourhood(found)
    return csv_file([(found.name if row.outgoing else row.other.name, str(row.kind_label),
                      row.other.name if row.outgoing else found.name,
                      _("one way") if row.directed else _("both ways"), str(row.strength_label), row.source)
                     for row in ties],
                    [_("From"), _("Relationship"), _("To"), _("Direction"), _("Strength"), _("Source")],
                    f"actor-{found.id}-neighbourhood")


@bp.post("/<id:actor_id>/positions")
@security.requires("edit_people")
def add_position(actor_id):
    found = Actor.get_or_404(Actor.id == actor_id)
    form = PositionForm()
    if form.validate_on_submit():
        try:
            record_position(found, form.position.data, form.influence.data, form.on.data, form.source.data)
        except MapError as error:
            form.on.errors = [str(error)]
        else:
            flash(_("Position recorded."), "success")
            return redirect(url_for("actors.actor", actor_id=found.id))
    return actor_page(found, position_form=form, status=400)


def find_by_name(campaign_id, name):
    """The one actor of the campaign called ``name``, or None. Case is ignored in Python:
    SQLite's LOWER() knows only ASCII, and maps are named in Spanish and Portuguese."""
    wanted = name.strip()
    exact = list(Actor.select().where((Actor.campaign == campaign_id) & (Actor.name == wanted)).limit(2))
    if exact:
        return exact[0] if len(exact) == 1 else None
    folded = wanted.casefold()
    matches = [actor_id for actor_id, actor_name in Actor.select(Actor.id, Actor.name)
               .where(Actor.campaign == campaign_id).tuples() if actor_name.casefold() == folded]
    return Actor.get_by_id(matches[0]) if len(matches) == 1 else None


@bp.post("/<id:actor_id>/relationships")
@security.requires("edit_people")
def add_relationship(actor_id):
    found = Actor.get_or_404(Actor.id == actor_id)
    form = RelationshipForm()
    if form.validate_on_submit():
        other = find_by_name(found.campaign_id, form.other.data)
        if other is None:
            form.other.errors = [_("No single actor of this campaign has that name.")]
        else:
            start, end = (found, other) if form.outgoing.data == "1" else (other, found)
            try:
                relate(start, end, form.kind.data, directed=form.directed.data, strength=form.strength.data,
                       source=form.source.data)
            except MapError as error:
                form.other.errors = [str(error)]
            else:
                flash(_("Relationship recorded."), "success")
                return redirect(url_for("actors.actor", actor_id=found.id))
    return actor_page(found, relationship_form=form, status=400)


@bp.post("/relationships/<id:relationship_id>/delete")
@security.requires("edit_people")
def delete_relationship(relationship_id):
    found = Relationship.get_or_404(Relationship.id == relationship_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    back = request.form.get("back", "")
    back = int(back) if back.isdigit() else found.from_actor_id
    remove_relationship(found)
    flash(_("Relationship removed."), "success")
    return redirect(url_for("actors.actor", actor_id=back if back in (found.from_actor_id, found.to_actor_id)
                            else found.from_actor_id))


@bp.post("/<id:actor_id>/ties")
@security.requires("edit_people")
def add_tie(actor_id):
    found = Actor.get_or_404(Actor.id == actor_id)
    form = TieForm()
    tie_choices(form, found.campaign)
    if form.validate_on_submit():
        kind_of, _dash, number = form.target.data.partition("-")
        item = Item.get_or_none(Item.id == int(number)) if kind_of == "item" else None
        event = Event.get_or_none(Event.id == int(number)) if kind_of == "event" else None
        try:
            if (item, event) == (None, None):
                raise MapError(_("Choose something of this campaign."))
            tie(found, form.kind.data, item=item, event=event)
        except MapError as error:
            form.target.errors = [str(error)]
        else:
            flash(_("Tie recorded."), "success")
            return redirect(url_for("actors.actor", actor_id=found.id))
    return actor_page(found, tie_form=form, status=400)

