"""``/people/<id>/protect``: protect her now, see every consequence, lift it (an admin).
``/people/<id>/data``: everything Amplify holds about her, on request; erase it (an admin).
``/people/retention``: whose contact, passport and trip data the daily purge takes next."""

from datetime import date


from flask import Blueprint, Response, abort, current_app, flash, g, redirect, url_for
from flask_babel import gettext as _

from amplify import security
from amplify.audit.models import AuditEvent
from amplify.items.forms import ActionForm
from amplify.items.models import Item, Publication
from amplify.people.models import Activist
from amplify.protection import access, changes, erasure, retention
from amplify.protection.forms import ReasonForm
from amplify.protection.models import Protection
from amplify.rules import NotAllowed
from amplify.web import render

bp = Blueprint("protection", __name__, url_prefix="/people")
SHOWN = 100  # items and take-downs shown on the page (the newest)


def protect_page(activist, form=None, lift_form=None, status=200, problem=None):
    item_ids = changes.items_naming(activist).select(Item.id)
    return render(
        "protection/protect.html", status=status, activist=activist,
        protection=Protection.current(activist),
        history=list(Protection.select().where(Protection.activist == activist)
                     .order_by(Protection.id.desc()).limit(SHOWN)),
        items=list(changes.items_naming(activist).order_by(Item.updated_at.desc()).limit(SHOWN)),
        takedowns=list(Publication.select(Publication, Item).join(Item)
                       .where(Publication.item.in_(item_ids) & (Publication.takedown_state == "required"))
                       .order_by(Publication.takedown_required_at).limit(SHOWN)),
        checklist=changes.unreachable(activist) if activist.protected else [],
        form=form or ReasonForm(), lift_form=lift_form or ReasonForm(prefix="lift"), problem=problem,
    )


@bp.get("/<id:activist_id>/protect")
@security.requires("edit_people")
def protect(activist_id):
    return protect_page(Activist.get_or_404(Activist.id == activist_id))


@bp.post("/<id:activist_id>/protect")
@security.requires("edit_people")
def protect_now(activist_id):
    activist = Activist.get_or_404(Activist.id == activist_id)
    form, problem = ReasonForm(), None
    if form.validate_on_submit():
        try:
            changes.protect(activist, g.user, form.reason.data)
        except NotAllowed as refused:
            if refused.field == "reason":
                form.reason.errors.append(refused.message)
            else:
                problem = refused.message
        else:
            flash(_("%(name)s is protected. Work through the list of places Amplify cannot reach.",
                    name=activist.display_name), "success")
            return redirect(url_for("protection.protect", activist_id=activist.id))
    return protect_page(Activist.get_by_id(activist.id), form=form, status=400, problem=problem)


@bp.post("/<id:activist_id>/protect/lift")
@security.requires("lift_protection")
def lift(activist_id):
    activist = Activist.get_or_404(Activist.id == activist_id)
    form, problem = ReasonForm(prefix="lift"), None
    if form.validate_on_submit():
        try:
            changes.lift(activist, g.user, form.reason.data)
        except NotAllowed as refused:
            if refused.field == "reason":
                form.reason.errors.append(refused.message)
            else:
                problem = refused.message
        else:
            flash(_("The protection of %(name)s is lifted. Check the items naming her: each goes out "
                    "again only where her consent still holds.", name=activist.display_name), "success")
            return redirect(url_for("protection.protect", activist_id=activist.id))
    return protect_page(activist, lift_form=form, status=400, problem=problem)


def data_page(activist, erase_form=None, problem=None, status=200):
    made = (AuditEvent.for_subject("activist", activist.id)
            .where(AuditEvent.action == "activist.data_export").limit(SHOWN))
    return render("protection/data.html", status=status, activist=activist, form=ActionForm(), made=list(made),
                  language=access.language_of(activist), erase_form=erase_form or ReasonForm(prefix="erase"),
                  still_up=list(erasure.publications_up(activist).limit(SHOWN)), problem=problem)


@bp.get("/<id:activist_id>/data")
@security.requires("see_contacts")
def data(activist_id):
    return data_page(Activist.get_or_404(Activist.id == activist_id))


@bp.post("/<id:activist_id>/data/erase")
@security.requires("erase_people")
def erase(activist_id):
    activist = Activist.get_or_404(Activist.id == activist_id)
    form, problem = ReasonForm(prefix="erase"), None
    if form.validate_on_submit():
        try:
            erasure.erase(activist, form.reason.data)
        except NotAllowed as refused:
            if refused.field == "reason":
                form.reason.errors.append(refused.message)
            else:
                problem = refused.message
        else:
            flash(_("Her personal data was erased. The consent ledger still proves what was decided."), "success")
            return redirect(url_for("protection.data", activist_id=activist.id))
    return data_page(activist, erase_form=form, problem=problem, status=400)


@bp.post("/<id:activist_id>/data")
@security.requires("see_contacts")
def download_data(activist_id):
    activist = Activist.get_or_404(Activist.id == activist_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    body, filename = access.data_zip(activist)
    return Response(body, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


def retention_page(form=None, problem_for=None, status=200):
    return render("protection/retention.html", status=status, due=retention.coming_up(date.today()),
                  months=current_app.config["RETENTION_MONTHS"], form=form or ReasonForm(),
                  problem_for=problem_for, listed=retention.LISTED)


@bp.get("/retention")
@security.requires("see_contacts")
def retention_list():
    return retention_page()


@bp.post("/<id:activist_id>/retention/keep")
@security.requires("edit_people")
def keep(activist_id):
    activist = Activist.get_or_404(Activist.id == activist_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            retention.keep(activist, g.user, form.reason.data)
        except NotAllowed as refused:
            form.reason.errors.append(refused.message)
        else:
            flash(_("The data of %(name)s is kept: the retention period starts again today.",
                    name=activist.display_name), "success")
            return redirect(url_for("protection.retention_list"))
    return retention_page(form, problem_for=activist.id, status=400)
