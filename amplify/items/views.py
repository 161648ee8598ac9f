"""Items and their path to publication (``/items``)."""

from datetime import date

import peewee

from flask import Blueprint, Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _, ngettext

from amplify import security
from amplify.calendars import Zone, is_time_zone, wall_clock, zone_for
from amplify.campaigns.forms import content_language_choices
from amplify.campaigns.models import Campaign, Message, MessageVariant
from amplify.consent.clearance import clearance
from amplify.consent.models import Decision
from amplify.drafting.views import counter_context
from amplify.forms import form_status
from amplify.items.changes import (
    NotAllowed, archive, bulk_review, confirm_takedown, publish, save_item, send_for_review, sign_safety,
)
from amplify.items.comments import ItemComment, add_comment, item_comments, mark_seen
from amplify.items.forms import ActionForm, CommentForm, ItemForm, PublicationForm, SafetyForm
from amplify.items.models import CHANNELS, STATES, Item, ItemVariant, Publication, SafetyCheck
from amplify.media.models import Asset
from amplify.publishing.models import Account, Sending
from amplify.people.models import Activist
from amplify.auth.models import User
from amplify.auth.views import safe_next
from amplify.db import Shape
from amplify.web import int_arg, keyset_page, render

bp = Blueprint("items", __name__, url_prefix="/items")
SENDINGS_SHOWN = 10  # the latest; the publishing page lists them all
HISTORY_SHOWN = 100  # the latest decisions; each person's own page and receipts keep them all
PEOPLE_TO_FILTER = 300


@bp.get("/")
@security.requires("view")
def index():
    filters = list_filters(request.args)
    zone = zone_for(g.user)  # a planned week is the viewer's week
    items = keyset_page(Item.search(**filters, zone=zone.info), Item, Item.list_order())
    # The person filter lists the first people by name (and the one chosen): bounded however
    # many people there are; anyone else is found by searching the text.
    people = (Activist.select(Activist.id, Activist.display_name)
              .where(Activist.id.in_(Activist.select(Activist.id).order_by(Activist.display_name).limit(PEOPLE_TO_FILTER))
                     | (Activist.id == (filters["person"] or 0)))
              .order_by(Activist.display_name))
    return render("items/index.html", "items/_rows.html", items=items,
                  filters=filters, states=STATES, campaigns=Campaign.select().order_by(Campaign.name),
                  channels=CHANNELS, languages=content_language_choices(), action=ActionForm(),
                  people=people, zone=zone)


def list_filters(args):
    """The list's filters from the query string; anything malformed is left out."""
    week = None
    try:  # an <input type="week">: 2026-W49
        if args.get("week"):
            week = date.fromisocalendar(*map(int, args["week"].replace("-W", " ").split()), 1)
    except ValueError:
        week = None
    return {"campaign": int_arg("campaign"), "state": args.get("state", "") if args.get("state") in STATES else "",
            "q": args.get("q", "").strip()[:200], "channel": args.get("channel", "") if args.get("channel") in CHANNELS else "",
            "language": args.get("language", "")[:8], "person": int_arg("person"), "week": week,
            "archived": args.get("archived") == "1"}


@bp.post("/bulk")
@security.requires("edit_campaigns")
def bulk():
    """Several items at once, chosen with checkboxes (no JavaScript needed): send for
    review, export the cleared ones' text, archive or bring back."""
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = [int(i) for i in request.form.getlist("items") if i.isdigit()][:500]
    chosen = list(Item.select().where(Item.id.in_(ids))) if ids else []
    back = url_for("items.index", **{k: v for k, v in request.args.items()})
    action = request.form.get("bulk_action", "")
    if not chosen:
        flash(_("Tick the items first."), "error")
        return redirect(back)
    if action == "export":
        texts = [(item, clearance(item)) for item in chosen]
        cleared = [f"# {item.title}\n\n{result.published_text()}\n" for item, result in texts if result.cleared]
        if not cleared:
            flash(_("None of the ticked items is cleared: only cleared items are exported."), "error")
            return redirect(back)
        return Response("\n".join(cleared), mimetype="text/plain",
                        headers={"Content-Disposition": 'attachment; filename="items.txt"'})
    if action == "review":
        done, problems = bulk_review(chosen)
    elif action in ("archive", "restore"):
        done, problems = archive(chosen, action == "archive"), []
    else:
        flash(_("Choose what to do with them."), "error")
        return redirect(back)
    flash(ngettext("%(num)d item done.", "%(num)d items done.", done), "success")
    for item, problem in problems:
        flash(f"{item.title}: {problem}", "error")
    return redirect(back)


def all_variant_choices():
    query = (MessageVariant.select(MessageVariant, Message, Campaign).join(Message).join(Campaign)
             .where(MessageVariant.state == "approved").order_by(Campaign.name, Message.position))
    return [(str(v.id), f"{v.message.campaign.name} · {v.message.title} ({v.language})") for v in query]


def form_zone(campaign=None):
    """The zone the planned time is shown and entered in: on a posted form, the one it was
    filled in (said on the page); else the staff member's, the campaign's, the installation's."""
    usual = zone_for(g.user, campaign)
    posted = request.form.get("planned_zone", "") if request.method == "POST" else ""
    if posted and posted != usual.name and is_time_zone(posted):
        return Zone(posted, "entered")
    return usual


def item_form(item=None, campaign=None, **kwargs):
    zone = form_zone(item.campaign if item is not None else campaign)
    if item is None and campaign is not None:
        kwargs["campaign"] = str(campaign.id)
    if item is not None:  # not obj=item: the form's people and variants are rows, not methods
        planned = wall_clock(item.planned_at, zone.name) if item.planned_at else None
        kwargs.update(title=item.title, kind=item.kind, language=item.language,
                      channel=item.channel, text=item.text, planned_at=planned)
    if item is not None:
        current = item.images().first()
        kwargs.update(image=current.asset.sha256 if current else "",
                      alt_text=current.alt_text if current else "")
    form = ItemForm(
        campaigns=Campaign.select().order_by(Campaign.name),
        variant_choices=all_variant_choices(),
        assets=Asset.select(Asset.id, Asset.sha256, Asset.label).order_by(Asset.created_at.desc()),
        zone=zone, **kwargs,
    )
    if item is not None and item.planned_at:  # an unchanged past date may stay
        form._current_planned = item.planned_at.replace(second=0, microsecond=0)
    if item is not None and request.method == "GET":
        form.campaign.data = str(item.campaign_id)
        form.variants.data = [str(v.id) for v in item.variants()]
        people = list(item.people())
        while len(form.people) < len(people) + 1:
            form.people.append_entry()
        for row, person in zip(form.people, people):
            row.activist.data = str(person.activist_id)
            row.activist.person = person.activist
            row.appearance.data = person.appearance
            row.attribution.data = person.attribution or ""
    return form


def save_from_form(form, item):
    campaign = Campaign.get_or_none(Campaign.id == int(form.campaign.data or 0))
    if campaign is None:
        form.campaign.errors.append(_("Choose a campaign."))
        return None
    variants = list(MessageVariant.select(MessageVariant, Message).join(Message).where(
        MessageVariant.id.in_([int(v) for v in form.variants.data or []])))
    wrong = [v for v in variants if v.message.campaign_id != campaign.id or v.language != form.language.data]
    if wrong or len(variants) != len(form.variants.data or []):
        form.variants.errors.append(_("Choose approved messages of this campaign, in the item's language."))
        return None
    text = form.text.data or "\n\n".join(v.short_form for v in variants)
    try:
        asset = Asset.get_or_none(Asset.sha256 == form.image.data) if form.image.data else None
        return save_item(item, people=form.chosen_people(), variant_ids=[v.id for v in variants],
                         images=[(asset, form.alt_text.data)] if asset else [],
                         campaign=campaign, kind=form.kind.data, title=form.title.data,
                         language=form.language.data, channel=form.channel.data, text=text,
                         planned_at=form.planned_utc if form.planned_at.data else None)
    except NotAllowed as refused:
        form.title.errors.append(refused.message)
        return None


@bp.route("/new", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def new():
    campaign = Campaign.get_or_none(Campaign.slug == request.args.get("campaign", ""))
    form = item_form(campaign=campaign)
    if "insert" in request.form:
        form.insert_person(request.form["insert"])
    elif form.validate_on_submit():
        item = Item(author=g.user)
        if save_from_form(form, item):
            flash(_("Item saved as a draft."), "success")
            return redirect(url_for("items.show", item_id=item.id))
    return render("items/form.html", form=form, item=None, status=form_status(form),
                  **counter_context(form.text.data, form.channel.data, form.kind.data))


@bp.get("/<id:item_id>")
@security.requires("view")
def show(item_id, comment_form=None, status=200):
    item = ITEM.first(item_id)
    if item is None:
        abort(404)
    result = clearance(item)
    comments = list(item_comments(item.id, g.user.id)) if item.has_comments else []
    mark_seen(comments, g.user)
    editor = security.can("edit_campaigns")  # only the forms the page shows are made
    return render(
        "items/show.html", item=item, clearance=result, status=status, comments=comments,
        action=ActionForm() if editor and item.state == "draft" else None,
        comment_form=comment_form or (CommentForm() if security.can("edit_people") else None),
        publication_form=PublicationForm(channel=item.channel) if editor and result.cleared else None,
        safety_form=SafetyForm() if editor and result.needs_safety and not result.safety_ok else None,
        needs_safety=result.needs_safety, safety_ok=result.safety_ok,
        safety_checks=item_safety_checks(item),
        publications=list(PUBLICATIONS.rows(item.id)) if item.has_publications else [],
        images=list(IMAGES.rows(item.id)) if item.has_images else [],
        used=list(VARIANTS_USED.rows(item.id)) if item.has_variants else [],
        sendings=list(SENDINGS.rows(item.id, SENDINGS_SHOWN)) if item.has_sendings else [],
        history=HISTORY.rows(item.id, HISTORY_SHOWN),
    )


# The item page's own queries, read on every view: kept compiled (amplify.db.Shape).
ITEM = Shape(lambda item_id: (
    Item.select(Item, Campaign, *Item.facts(),
                peewee.fn.EXISTS(ItemComment.select(ItemComment.id).where(ItemComment.item == Item.id)).alias("has_comments"),
                peewee.fn.EXISTS(Sending.select(Sending.id).where(Sending.item == Item.id)).alias("has_sendings"))
    .join(Campaign).where(Item.id == item_id)))
IMAGES = Shape(lambda item_id: Item(id=item_id).images())
VARIANTS_USED = Shape(lambda item_id: (
    MessageVariant.select(MessageVariant, Message).join(ItemVariant, on=(ItemVariant.variant == MessageVariant.id))
    .switch(MessageVariant).join(Message).where(ItemVariant.item == item_id).order_by(MessageVariant.id)))
SENDINGS = Shape(lambda item_id, limit: (
    Sending.select(Sending, Account).join(Account).where(Sending.item == item_id).order_by(Sending.id.desc()).limit(limit)))
PUBLICATIONS = Shape(lambda item_id: Publication.select().where(Publication.item == item_id).order_by(Publication.id))
HISTORY = Shape(lambda item_id, limit: (  # the columns its lines show: not the hashes, scopes, seals
    Decision.select(Decision.id, Decision.at, Decision.outcome, Decision.method, Decision.content_hash,
                    Decision.activist, Activist.id, Activist.display_name).join(Activist)
    .where((Decision.subject_type == "item") & (Decision.subject_id == item_id))
    .order_by(Decision.seq.desc()).limit(limit)))


@bp.post("/<id:item_id>/comments")
@security.requires("edit_people")
def comment(item_id):
    """A comment in the staff's discussion of the item; ``@name`` tells that colleague."""
    item = Item.get_or_404(Item.id == item_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            _comment, ambiguous = add_comment(item, g.user, form.text.data)
        except NotAllowed as problem:
            form.text.errors.append(problem.message)
        else:
            if ambiguous:
                flash(_("Several colleagues answer to @%(names)s: nobody was told. Use the start of their "
                        "e-mail address.", names=", @".join(ambiguous)), "error")
            return redirect(url_for("items.show", item_id=item.id) + "#comments")
    return show(item.id, comment_form=form, status=400)


def item_safety_checks(item):
    return (SafetyCheck.select(SafetyCheck, User).join(User)
            .where((SafetyCheck.item == item) & (SafetyCheck.content_hash == item.content_hash)))


@bp.route("/<id:item_id>/edit", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def edit(item_id):
    item = Item.get_or_404(Item.id == item_id)
    form = item_form(item)
    if "insert" in request.form:
        form.insert_person(request.form["insert"])
    elif form.validate_on_submit() and save_from_form(form, item):
        flash(_("Item saved."), "success")
        return redirect(url_for("items.show", item_id=item.id))
    return render("items/form.html", form=form, item=item, status=form_status(form),
                  people_status=clearance(item).people,
                  **counter_context(form.text.data, form.channel.data, form.kind.data))


def refused(item, problem):
    flash(problem, "error")
    return redirect(url_for("items.show", item_id=item.id))


def act(item, action, done):
    """Run a workflow on ``item``; back to its page with what happened, or why not."""
    try:
        action()
    except NotAllowed as problem:
        return refused(item, problem.message)
    flash(done, "success")
    return redirect(url_for("items.show", item_id=item.id))


@bp.post("/<id:item_id>/review")
@security.requires("edit_campaigns")
def review(item_id):
    item = Item.get_or_404(Item.id == item_id)
    if ActionForm().validate_on_submit():
        return act(item, lambda: send_for_review(item),
                   _("Sent for review. Each person can now decide from their review page."))
    return redirect(url_for("items.show", item_id=item.id))


@bp.post("/<id:item_id>/safety")
@security.requires("edit_campaigns")
def safety(item_id):
    item = Item.get_or_404(Item.id == item_id)
    form = SafetyForm()
    if not form.validate_on_submit():
        return refused(item, _("Write what you checked."))
    return act(item, lambda: sign_safety(item, g.user, form.note.data),
               _("Safety check signed for this version."))


@bp.post("/<id:item_id>/publications")
@security.requires("edit_campaigns")
def add_publication(item_id):
    item = Item.get_or_404(Item.id == item_id)
    form = PublicationForm()
    if not form.validate_on_submit():
        return refused(item, " ".join(e for errors in form.errors.values() for e in errors))
    return act(item, lambda: publish(item, g.user, form.channel.data, form.url.data),
               _("Publication logged."))


@bp.get("/<id:item_id>/export.txt")
@security.requires("view")
def export(item_id):
    """The text exactly as it may go out. Only for cleared items."""
    item = Item.get_or_404(Item.id == item_id)
    result = clearance(item)
    if not result.cleared:
        abort(409)
    return Response(result.published_text() + "\n", mimetype="text/plain",
                    headers={"Content-Disposition": f'attachment; filename="item-{item.id}-v{item.version}.txt"'})


@bp.post("/publications/<id:publication_id>/taken-down")
@security.requires("edit_campaigns")
def taken_down(publication_id):
    publication = Publication.get_or_404(Publication.id == publication_id)
    if ActionForm().validate_on_submit():
        try:
            confirm_takedown(publication, g.user)
        except NotAllowed as problem:
            flash(problem.message, "error")
        else:
            flash(_("Take-down confirmed."), "success")
    return redirect(safe_next(request.form.get("back")) if request.form.get("back")
                    else url_for("consent.takedowns"))
