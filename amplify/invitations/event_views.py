"""Events (``/invitations/events``): the list, a calendar, the form, and each event's page
— the home of its delegation."""

from datetime import date, timedelta

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from amplify import security, spreadsheets
from amplify.campaigns.forms import parse_links
from amplify.campaigns.models import Campaign
from amplify.forms import form_status
from amplify.invitations import delegation
from amplify.invitations.blueprint import bp
from amplify.invitations.changes import add_invitation, save_event, save_per_diem
from amplify.invitations.deadlines import between, in_window
from amplify.invitations.forms import EventForm, InvitationForm, PerDiemForm
from amplify.invitations.models import RISK_LEVELS, SUPPORT_KINDS, Deadline, Event, Invitation, Meeting
from amplify.people.models import Organization
from amplify.rules import NotAllowed
from amplify.web import keyset_page, render

DEADLINES_SHOWN = 20  # the event's own deadlines page lists them all
MEETINGS_SHOWN = 100


@bp.get("/events/")
@security.requires("view")
def events():
    return render("invitations/events.html",
                  events=keyset_page(Event.select(), Event, [Event.starts_on, Event.id]))


@bp.get("/events/calendar")
@security.requires("view")
def calendar_page():
    """Events and deadlines by month, a row per week (no JavaScript)."""
    from amplify.calendars import month

    today = date.today()
    shown = month(request.args.get("month"), today)
    by_day = {}
    for event in Event.select().where((Event.starts_on <= shown.end) & (Event.ends_on >= shown.start)):
        day = max(event.starts_on, shown.start)
        while day <= min(event.ends_on, shown.end):
            by_day.setdefault(day, {"events": [], "due": []})["events"].append(event)
            day += timedelta(days=1)
    if shown.end >= today - timedelta(days=366):
        for item in between(today, shown.start, shown.end, private=security.can("see_contacts")):
            by_day.setdefault(item.on, {"events": [], "due": []})["due"].append(item)
    return render("invitations/calendar.html", weeks=shown.weeks, month=shown.first, by_day=by_day,
                  today=today, previous=shown.previous, following=shown.following)


def event_fields(form):
    return {
        "title": form.title.data.strip(), "kind": form.kind.data, "level": form.level.data,
        "host": (form.host.data or "").strip(), "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data, "place": (form.place.data or "").strip(), "country": form.country.data or "",
        "online": form.online.data, "interpretation": form.interpretation.data,
        "accreditation_route": (form.accreditation_route.data or "").strip(),
        "accreditation_deadline": form.accreditation_deadline.data,
        "seats_per_organization": form.seats_per_organization.data,
        "links": parse_links(form.links.data), "frameworks": form.frameworks.data,
        "campaign": int(form.campaign.data) if form.campaign.data else None,
        "notes": (form.notes.data or "").strip(),
    }


def event_form_page(form, event):
    if form.validate_on_submit():
        try:
            saved = save_event(event, **event_fields(form))
        except NotAllowed as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            flash(_("Event saved."), "success")
            return redirect(url_for("invitations.event", event_id=saved.id))
    return render("invitations/event_form.html", form=form, event=event if event.id else None,
                  status=form_status(form))


@bp.route("/events/new", methods=["GET", "POST"])
@security.requires("edit_people")
def new_event():
    form = EventForm(campaigns=Campaign.select().order_by(Campaign.name))
    return event_form_page(form, Event())


@bp.route("/events/<id:event_id>/edit", methods=["GET", "POST"])
@security.requires("edit_people")
def edit_event(event_id):
    event = Event.get_or_404(Event.id == event_id)
    form = EventForm(obj=event, campaigns=Campaign.select().order_by(Campaign.name))
    if request.method == "GET":
        form.links.data = "\n".join(event.links)
        form.campaign.data = str(event.campaign_id or "")
    return event_form_page(form, event)


def invitation_form():
    return InvitationForm(organizations=Organization.select().order_by(Organization.name))


@bp.route("/events/<id:event_id>", methods=["GET", "POST"])
@security.requires("view")
def event(event_id):
    """The event as its delegation's home, and a form to log an invitation to it."""
    event = Event.get_or_404(Event.id == event_id)
    form = invitation_form()
    if request.method == "POST":
        if not security.can("edit_people"):
            abort(403)
        if form.validate_on_submit():
            activist = form.activist.chosen()
            organization = Organization.get_or_none(Organization.id == int(form.organization.data)) \
                if form.organization.data else None
            if form.activist.data and activist is None:
                form.activist.errors.append(_("Choose people from the list."))
            else:
                try:
                    add_invitation(event, g.user, activist=activist, organization=organization,
                                   role=form.role.data, answer_due=form.answer_due.data)
                except NotAllowed as refused:
                    form.activist.errors.append(refused.message)
                else:
                    flash(_("Invitation logged."), "success")
                    return redirect(url_for("invitations.event", event_id=event.id))
    return render("invitations/event.html", form=form, status=form_status(form),
                  **delegation_context(event))


def per_diem_form(event):
    return PerDiemForm(formdata=None, rate=event.per_diem_cents / 100 if event.per_diem_cents is not None else None,
                       currency=event.per_diem_currency)


@bp.post("/events/<id:event_id>/per-diem")
@security.requires("edit_people")
def per_diem(event_id):
    """Set the event's per-diem rate a night, and its currency."""
    event = Event.get_or_404(Event.id == event_id)
    form = PerDiemForm()
    if form.validate_on_submit():
        rate = int(round(form.rate.data * 100)) if form.rate.data is not None else None
        try:
            save_per_diem(event, rate, (form.currency.data or "").strip())
        except NotAllowed as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            flash(_("Per diem saved."), "success")
            return redirect(url_for("invitations.event", event_id=event.id) + "#per-diem")
    return render("invitations/event.html", form=invitation_form(), status=400,
                  **delegation_context(event, per_diem=form))


@bp.get("/events/<id:event_id>/per-diem.csv")
@security.requires("see_contacts")
def per_diem_csv(event_id):
    """Per diem of each person travelling, for the finance team (travel dates: contact
    roles only), every cell safe from spreadsheet formulas."""
    event = Event.get_or_404(Event.id == event_id)
    summary = delegation.per_diem(event)
    rate = f"{summary.rate_cents / 100:.2f}" if summary.rate_cents is not None else ""
    rows = []
    for invitation in delegation.per_diem_rows(event):
        paid = summary.for_person(invitation)
        rows.append([invitation.activist.display_name if invitation.activist_id else "—", str(invitation.role_label),
                     invitation.travels_on.isoformat(), invitation.returns_on.isoformat(), invitation.nights, rate,
                     summary.currency, f"{paid / 100:.2f}" if paid is not None else ""])
    rows.append([_("Total"), "", "", "", summary.nights, rate, summary.currency,
                 f"{summary.total_cents / 100:.2f}" if summary.rate_cents is not None else ""])
    header = [_("Person"), _("Role"), _("Travels on"), _("Returns on"), _("Nights"), _("Per diem a night"),
              _("Currency"), _("Per diem")]
    return Response(spreadsheets.write(rows, header=header), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="per-diem-{event.id}.csv"'})


def delegation_context(event, per_diem=None):
    """What the event page shows of its delegation; trip risk and visas only to roles that
    see contact details."""
    private = security.can("see_contacts")
    going = keyset_page(delegation.people(event, delegation.GOING), Invitation, [Invitation.id],
                        descending=False)
    declined = keyset_page(delegation.people(event, delegation.NOT_GOING), Invitation, [Invitation.id],
                           descending=False, cursor="declined_after")
    others = keyset_page(delegation.people(event, delegation.ON_THE_WAY), Invitation, [Invitation.id],
                         descending=False, cursor="others_after")
    deadlines = list(in_window(date.today(), 3650, private).where(Deadline.event == event)
                     .order_by(Deadline.due_on, Deadline.kind, Deadline.id).limit(DEADLINES_SHOWN + 1))
    written, items = delegation.outcomes(event)
    return {"event": event, "going": going, "declined": declined, "others": others,
            "first_time": delegation.first_timers(event, [i.activist_id for i in going if i.activist_id]),
            "seats": delegation.seats(event), "deadlines": deadlines[:DEADLINES_SHOWN],
            "more_deadlines": len(deadlines) > DEADLINES_SHOWN, "today": date.today(),
            "budget": delegation.budget(event), "private": private,
            "risks": delegation.risk_summary(event) if private else {},
            "outcomes": written, "outcome_items": items, "support_kinds": SUPPORT_KINDS,
            "risk_levels": RISK_LEVELS, "per_diem": delegation.per_diem(event),
            "per_diem_form": per_diem or per_diem_form(event),
            "meetings": list(event.meetings.order_by(Meeting.held_on, Meeting.id).limit(MEETINGS_SHOWN))}
