"""Organizations and activists (``/people``)."""

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from amplify import audit, security
from amplify.db import database
from amplify.people.forms import ActivistForm, OrganizationForm, format_contacts, parse_contacts
from amplify.people.models import (
    ATTRIBUTIONS, OUR_ROLES, RISK_LEVELS, Activist, Organization, save_activist, save_organization,
)
from amplify.people.forms import country_choices
from amplify.people.picker import SUGGESTED, label, suggestions
from amplify.forms import form_status
from amplify.web import int_arg, keyset_page, render

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("/")
@security.requires("view")
def index():
    return redirect(url_for("people.activists"))


# Organizations ---------------------------------------------------------------------------

@bp.get("/organizations/")
@security.requires("view")
def organizations():
    filters = {
        "q": request.args.get("q", "").strip(),
        "country": request.args.get("country", ""),
        "our_role": request.args.get("our_role", ""),
        "due": request.args.get("due") == "1",
    }
    return render(
        "people/organizations.html", "people/_organization_rows.html",
        organizations=keyset_page(Organization.search(**filters), Organization,
                                  [Organization.name, Organization.id], descending=False),
        filters=filters,
        roles=OUR_ROLES, countries=country_choices(),
    )


def organization_from_form(form, org):
    return save_organization(
        org,
        name=form.name.data, formal=form.formal.data == "1", trade_union=form.trade_union.data,
        country=form.country.data,
        our_role=form.our_role.data, last_review_on=form.last_review_on.data,
        next_review_on=form.next_review_on.data, notes=form.notes.data or "",
        review_months=current_app.config["REVIEW_MONTHS"],
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@security.requires("edit_people")
def new_organization():
    form = OrganizationForm()
    if form.validate_on_submit():
        org = organization_from_form(form, Organization())
        flash(_("Organization saved."), "success")
        return redirect(url_for("people.organization", org_id=org.id))
    return render("people/organization_form.html", form=form, org=None,
                  status=form_status(form))


@bp.get("/organizations/<id:org_id>")
@security.requires("view")
def organization(org_id):
    org = Organization.get_or_404(Organization.id == org_id)
    members = keyset_page(Activist.search(organization=org.id), Activist, Activist.list_order(),
                          descending=False)
    return render("people/organization.html", org=org, members=members,
                  notes=org.notes if security.can("see_contacts") else None)


@bp.route("/organizations/<id:org_id>/edit", methods=["GET", "POST"])
@security.requires("edit_people")
def edit_organization(org_id):
    org = Organization.get_or_404(Organization.id == org_id)
    form = OrganizationForm(obj=org, formal="1" if org.formal else "0")
    if form.validate_on_submit():
        organization_from_form(form, org)
        flash(_("Organization saved."), "success")
        return redirect(url_for("people.organization", org_id=org.id))
    return render("people/organization_form.html", form=form, org=org,
                  status=form_status(form))


# Activists -------------------------------------------------------------------------------

@bp.get("/activists/")
@security.requires("view")
def activists():
    filters = {
        "q": request.args.get("q", "").strip(),
        "organization": int_arg("organization"),
        "country": request.args.get("country", ""),
        "risk_level": request.args.get("risk_level", ""),
    }
    return render(
        "people/activists.html", "people/_activist_rows.html",
        activists=keyset_page(Activist.search(**filters), Activist, Activist.list_order(),
                              descending=False),
        filters=filters, risk_levels=RISK_LEVELS,
        organizations=Organization.select().order_by(Organization.name),
        countries=country_choices(),
    )


@bp.get("/activists/found")
@security.requires("view")
def found():
    """At most SUGGESTED people matching what was typed: the options of a form's person
    field as staff type (htmx sends the field's value under its own name, ``field``), or a
    small page to look someone's reference up without JavaScript (``q``)."""
    field = request.args.get("field", "")
    typed = (request.args.get(field, "") if field and field != "field" else "") or request.args.get("q", "")
    typed = typed.strip()[:200]
    return render("people/found.html", "people/_found.html", people=suggestions(typed), q=typed,
                  label=label, limit=SUGGESTED)


def activist_form(activist=None):
    organizations = Organization.select().order_by(Organization.name)
    if activist is None:
        return ActivistForm(organizations=organizations, risk_level="medium",
                            default_attribution="first_name")
    # Not obj=activist: obj would win over the values below, putting an Organization row,
    # a list of dicts and a query where the form wants an id, lines and ids.
    values = activist.audit_view()
    return ActivistForm(
        data=values, organizations=organizations,
        organization=str(activist.organization_id or ""),
        contact_channels=format_contacts(activist.contact_channels),
        spokesperson_for=[str(org_id) for org_id in values["spokesperson_for"]],
    )


def activist_from_form(form, activist):
    return save_activist(
        activist,
        spokesperson_for=form.spokesperson_for.data,
        display_name=form.display_name.data, pseudonym=form.pseudonym.data or "",
        organization=int(form.organization.data) if form.organization.data else None,
        country=form.country.data, languages=form.languages.data,
        preferred_language=form.preferred_language.data or "",
        contact_channels=parse_contacts(form.contact_channels.data),
        risk_level=form.risk_level.data, default_attribution=form.default_attribution.data,
        face_may_be_shown=form.face_may_be_shown.data, minor=form.minor.data,
        notes=form.notes.data or "",
    )


@bp.route("/activists/new", methods=["GET", "POST"])
@security.requires("edit_people")
def new_activist():
    form = activist_form()
    if form.validate_on_submit():
        activist = activist_from_form(form, Activist())
        flash(_("Activist saved."), "success")
        return redirect(url_for("people.activist", activist_id=activist.id))
    return render("people/activist_form.html", form=form, activist=None,
                  status=form_status(form))


@bp.get("/activists/<id:activist_id>")
@security.requires("view")
def activist(activist_id):
    person = Activist.get_or_404(Activist.id == activist_id)
    return render("people/activist.html", activist=person,
                  notes=person.notes if security.can("see_contacts") else None,
                  attributions=ATTRIBUTIONS)


@bp.get("/activists/<id:activist_id>/contact")
@security.requires("see_contacts")
def activist_contact(activist_id):
    """Contact details are shown on request only, and every showing is audited."""
    person = Activist.get_or_404(Activist.id == activist_id)
    with database.atomic():
        audit.record("activist.contact_viewed", person, {})
    return render("people/activist.html", "people/_activist_contact.html", activist=person,
                  notes=person.notes, attributions=ATTRIBUTIONS, show_contact=True)


@bp.route("/activists/<id:activist_id>/edit", methods=["GET", "POST"])
@security.requires("edit_people")
def edit_activist(activist_id):
    person = Activist.get_or_404(Activist.id == activist_id)
    form = activist_form(person)
    if request.method == "GET":  # the form shows contact details and notes
        with database.atomic():
            audit.record("activist.contact_viewed", person, {"via": "edit form"})
    if form.validate_on_submit():
        activist_from_form(form, person)
        flash(_("Activist saved."), "success")
        return redirect(url_for("people.activist", activist_id=person.id))
    return render("people/activist_form.html", form=form, activist=person,
                  status=form_status(form))
