"""The desk's front page and the media list (``/press/``, ``/press/outlets``,
``/press/journalists``)."""

from datetime import date, timedelta

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _

from amplify import audit, security
from amplify.campaigns.models import Campaign
from amplify.db import database
from amplify.forms import form_status
from amplify.items.forms import ActionForm
from amplify.items.models import Item
from amplify.press.blueprint import bp
from amplify.press.changes import save_journalist, save_outlet
from amplify.press.forms import ImportForm, JournalistForm, OutletForm, words
from amplify.press.medialist import MAX_BYTES, export_csv, import_journalists
from amplify.press.models import Journalist, Outlet, Pitch, Release
from amplify.rules import NotAllowed
from amplify.web import int_arg, keyset_page, render

FOLLOW_UPS_SHOWN = 50


@bp.get("/")
@security.requires("view")
def index():
    """Releases, newest first; follow-ups due this week; journalists to ask not to use a
    quote that lost its consent."""
    releases = keyset_page(Release.select(Release, Item, Campaign).join(Item).join(Campaign),
                           Release, [Release.created_at, Release.id])
    today = date.today()
    return render("press/index.html", releases=releases, today=today,
                  follow_ups=list(Pitch.follow_ups(today + timedelta(days=7)).limit(FOLLOW_UPS_SHOWN)),
                  recalls=list(Pitch.to_recall().limit(FOLLOW_UPS_SHOWN)), action=ActionForm())


# Outlets ---------------------------------------------------------------------------------

@bp.get("/outlets/")
@security.requires("view")
def outlets():
    filters = {"q": request.args.get("q", "").strip()[:200], "tag": request.args.get("tag", "").strip()[:200]}
    return render("press/outlets.html", filters=filters,
                  outlets=keyset_page(Outlet.search(**filters), Outlet, [Outlet.name, Outlet.id], descending=False))


def outlet_fields(form):
    return dict(name=form.name.data, kind=form.kind.data, country=(form.country.data or "").upper(),
                languages=words(form.languages.data), audience=form.audience.data or "",
                links=[line.strip() for line in (form.links.data or "").splitlines() if line.strip()],
                tags=words(form.tags.data), notes=form.notes.data or "")


@bp.route("/outlets/new", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def new_outlet():
    form = OutletForm()
    if form.validate_on_submit():
        outlet = save_outlet(Outlet(), **outlet_fields(form))
        flash(_("Outlet saved."), "success")
        return redirect(url_for("press.outlet", outlet_id=outlet.id))
    return render("press/outlet_form.html", form=form, outlet=None, status=form_status(form))


@bp.get("/outlets/<id:outlet_id>")
@security.requires("view")
def outlet(outlet_id):
    found = Outlet.get_or_404(Outlet.id == outlet_id)
    return render("press/outlet.html", outlet=found,
                  journalists=keyset_page(Journalist.search(outlet=found.id), Journalist,
                                          Journalist.list_order(), descending=False))


@bp.route("/outlets/<id:outlet_id>/edit", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def edit_outlet(outlet_id):
    found = Outlet.get_or_404(Outlet.id == outlet_id)
    form = OutletForm(data=dict(name=found.name, kind=found.kind, country=found.country,
                                languages=" ".join(found.languages), audience=found.audience,
                                links="\n".join(found.links), tags=" ".join(found.tags), notes=found.notes))
    if form.validate_on_submit():
        save_outlet(found, **outlet_fields(form))
        flash(_("Outlet saved."), "success")
        return redirect(url_for("press.outlet", outlet_id=found.id))
    return render("press/outlet_form.html", form=form, outlet=found, status=form_status(form))


# Journalists -----------------------------------------------------------------------------

@bp.get("/journalists/")
@security.requires("view")
def journalists():
    filters = {"q": request.args.get("q", "").strip()[:200], "tag": request.args.get("tag", "").strip()[:200],
               "language": request.args.get("language", "").strip()[:8], "outlet": int_arg("outlet")}
    return render("press/journalists.html", "press/_journalist_rows.html", filters=filters,
                  journalists=keyset_page(Journalist.search(**filters), Journalist, Journalist.list_order(),
                                          descending=False))


def journalist_form(journalist=None):
    outlets_list = Outlet.select().order_by(Outlet.name)
    if journalist is None:
        return JournalistForm(outlets=outlets_list)
    return JournalistForm(outlets=outlets_list, data=dict(
        name=journalist.name, outlet=str(journalist.outlet_id or ""), beat=journalist.beat,
        languages=" ".join(journalist.languages), email=journalist.email,
        public_contacts=journalist.public_contacts, private_contacts=journalist.private_contacts,
        tags=" ".join(journalist.tags), notes=journalist.notes, do_not_contact=journalist.do_not_contact,
        do_not_contact_reason=journalist.do_not_contact_reason))


def journalist_from_form(form, journalist):
    """Saved, or None with the refusal put next to its field (nothing written)."""
    try:
        return save_journalist(
            journalist, name=form.name.data, outlet=int(form.outlet.data) if form.outlet.data else None,
            beat=form.beat.data or "", languages=[w.lower()[:8] for w in words(form.languages.data)],
            email=form.email.data or "", public_contacts=form.public_contacts.data or "",
            private_contacts=form.private_contacts.data or "", tags=words(form.tags.data),
            notes=form.notes.data or "", do_not_contact=form.do_not_contact.data,
            do_not_contact_reason=form.do_not_contact_reason.data or "")
    except NotAllowed as refused:
        getattr(form, refused.field or "name").errors.append(refused.message)
        return None


@bp.route("/journalists/new", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def new_journalist():
    form = journalist_form()
    if form.validate_on_submit():
        journalist = journalist_from_form(form, Journalist())
        if journalist is not None:
            flash(_("Journalist saved."), "success")
            return redirect(url_for("press.journalist", journalist_id=journalist.id))
    return render("press/journalist_form.html", form=form, journalist=None, status=form_status(form))


@bp.get("/journalists/<id:journalist_id>")
@security.requires("view")
def journalist(journalist_id):
    found = Journalist.get_or_404(Journalist.id == journalist_id)
    return render("press/journalist.html", journalist=found,
                  pitches=keyset_page(Pitch.select(Pitch, Release, Item).join(Release).join(Item)
                                      .where(Pitch.journalist == found), Pitch, [Pitch.sent_at, Pitch.id]))


@bp.get("/journalists/<id:journalist_id>/contact")
@security.requires("see_contacts")
def journalist_contact(journalist_id):
    """Private contact details are shown on request only, and every showing is audited."""
    found = Journalist.get_or_404(Journalist.id == journalist_id)
    with database.atomic():
        audit.record("journalist.contact_viewed", found, {})
    return render("press/journalist.html", "press/_journalist_contact.html", journalist=found,
                  show_contact=True, pitches=None)


@bp.route("/journalists/<id:journalist_id>/edit", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def edit_journalist(journalist_id):
    found = Journalist.get_or_404(Journalist.id == journalist_id)
    form = journalist_form(found)
    if request.method == "GET":  # the form shows the private contact details
        with database.atomic():
            audit.record("journalist.contact_viewed", found, {"via": "edit form"})
    if form.validate_on_submit():
        if journalist_from_form(form, found) is not None:
            flash(_("Journalist saved."), "success")
            return redirect(url_for("press.journalist", journalist_id=found.id))
    return render("press/journalist_form.html", form=form, journalist=found, status=form_status(form))


@bp.route("/journalists/import", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def import_list():
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors.append(_("Choose a CSV file."))
        else:
            try:
                # one byte past the cap, so an overlong file is told apart from one at it
                report = import_journalists(upload.read(MAX_BYTES + 1))
            except NotAllowed as refused:
                form.file.errors.append(refused.message)
    status = 400 if form.errors else 200
    return render("press/import.html", form=form, report=report, status=status)


@bp.get("/journalists/export.csv")
@security.requires("edit_campaigns")
def export_list():
    """The whole media list, private contacts included (for comms staff; audited)."""
    rows = Journalist.search().order_by(Journalist.name, Journalist.id)
    with database.atomic():
        audit.record("journalist.export", None, {"rows": rows.count()}, subject_type="journalist", subject_id=0)
    return Response(export_csv(rows.iterator()), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="media-list.csv"'})
