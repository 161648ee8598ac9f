"""Invitations (``/invitations``): the board by state, each invitation, deadlines and the outbox,
fairness, calendar feeds. Events, meetings and documents have their own views modules."""

from datetime import date, timedelta

import peewee
from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _, ngettext
from peewee import fn

from amplify import audit, security
from amplify.auth.models import User
from amplify.db import capped_counts, database, utcnow
from amplify.invitations import documents_views, event_views, fairness, meeting_views  # noqa: F401 (routes join bp)
from amplify.invitations.deadlines import GROUPS, find, grouped, in_window, still_open
from amplify.invitations.blueprint import bp
from amplify.invitations.changes import (
    add_support,
    media_consent,
    move,
    record_media_consent,
    save_outcome,
    save_trip,
    save_visa,
)
from amplify.invitations.forms import (
    MediaConsentForm,
    MoveForm,
    OutcomeForm,
    SupportForm,
    TripForm,
    VisaForm,
)
from amplify.press.models import Pitch
from amplify.invitations.models import (
    COUNTED,
    MEDIA_CONSENT_STATES,
    MEDIA_USES,
    OPEN,
    ROLES,
    STATES,
    CalendarFeed,
    Deadline,
    Event,
    Invitation,
    InvitationChange,
    InvitationItem,
    Reminder,
    Support,
    totals,
)
from amplify.items.forms import ActionForm
from amplify.items.models import Item
from amplify.people.models import Activist, Organization
from amplify.rules import NotAllowed
from amplify.web import PAGE_SIZE, int_arg, keyset_page, render

PRESS_FOLLOW_UPS_SHOWN = 50


@bp.app_context_processor
def media_use_labels():
    """Labels of what a person may agree to at an event (receipts show them)."""
    return {"media_uses": MEDIA_USES}


# Columns of the board: every state with work left (after the event: until the debrief).
BOARD_COLUMNS = OPEN + ("attended", "attended_remotely")
CARDS_PER_COLUMN = 10  # the soonest events first; "All N, a page at a time" pages the column by 50
COUNTED_UP_TO = 1000  # a column says "1000+" beyond: counting every invitation is not cheap
EVENTS_TO_FILTER = 200  # the filter lists events of the last year onwards (and the one chosen)
QUICK_MOVES = ("offered", "invited", "confirmed", "reserve", "attended", "attended_remotely",
               "debriefed")  # moves that need no reason, no name, no answer method: one button


def board_context(problem=None):
    """Invitations in columns by state, filtered by event and name: the first cards of each
    column and how many there are; ``?column=`` with ``?page=`` pages through one of them."""
    event_id, q = int_arg("event"), (request.values.get("q") or "").strip()[:100]
    paged = request.args.get("column") if request.args.get("column") in STATES else None
    page = int_arg("page", 1, maximum=100_000) if paged else 1
    # Only what a card shows: building hundreds of full rows costs more than reading them.
    query = (Invitation.select(Invitation.id, Invitation.state, Invitation.role, Invitation.event,
                               Invitation.activist, Invitation.organization, Event.id, Event.title,
                               Event.starts_on, Activist.id, Activist.display_name, Organization.id,
                               Organization.name)
             .join(Event).switch(Invitation)
             .join(Activist, peewee.JOIN.LEFT_OUTER).switch(Invitation)
             .join(Organization, peewee.JOIN.LEFT_OUTER))
    if event_id:
        query = query.where(Invitation.event == event_id)
    if q:
        query = query.where(Activist.display_name.contains(q) | Organization.name.contains(q)
                            | Event.title.contains(q))
    # Without a search, a column is counted from the invitation table alone: through the
    # index on (state, event, id), never by reading invitations in table order.
    counted = query if q else Invitation.select(Invitation.id)
    if event_id and not q:
        counted = counted.where(Invitation.event == event_id)
    # Every column counted in one round trip; then one bounded query per column.
    totals = capped_counts({state: counted.where(Invitation.state == state).select(Invitation.id)
                            for state in STATES}, COUNTED_UP_TO)
    columns = {}
    for state in STATES:
        shown = query.where(Invitation.state == state).order_by(Event.starts_on, Invitation.id)
        if state == paged:
            columns[state] = list(shown.paginate(page, PAGE_SIZE))
        else:
            columns[state] = list(shown.limit(CARDS_PER_COLUMN))
    recent = date.today() - timedelta(days=366)
    events = (Event.select(Event.id, Event.title, Event.starts_on)  # what the filter shows
              .where((Event.ends_on >= recent) | (Event.id == (event_id or 0))))
    return {"columns": columns, "totals": totals, "cap": COUNTED_UP_TO, "paged": paged, "page": page,
            "page_size": PAGE_SIZE,
            # Each label translated once, not once per card (lazy strings translate on each use).
            "states": {code: str(label) for code, label in STATES.items()},
            "roles": {code: str(label) for code, label in ROLES.items()}, "today": date.today(),
            "open_states": BOARD_COLUMNS, "action": ActionForm(),
            "quick": QUICK_MOVES, "filters": {"event": event_id, "q": q}, "problem": problem,
            "events": events.order_by(Event.starts_on.desc()).limit(EVENTS_TO_FILTER).tuples()}


@bp.get("/")
@security.requires("view")
def board():
    """Invitations in columns by state (open ones; closed ones below)."""
    return render("invitations/board.html", "invitations/_board.html", **board_context())


@bp.post("/<id:invitation_id>/advance")
@security.requires("edit_people")
def advance(invitation_id):
    """One click on the board: a move that needs no reason. Without JavaScript the board
    reloads; with htmx only the board is swapped."""
    from amplify.web import wants_fragment

    invitation = Invitation.get_or_404(Invitation.id == invitation_id)
    state = request.form.get("state", "")
    problem = None
    if not ActionForm().validate_on_submit():
        abort(400)
    if state not in QUICK_MOVES:
        problem = _("Open the invitation to give the reason for this step.")
    else:
        try:
            move(invitation, state, g.user)
        except NotAllowed as refused:
            problem = refused.message
    if wants_fragment():
        return render("invitations/_board.html", **board_context(problem))
    if problem:
        flash(problem, "error")
    else:
        flash(_("State changed to “%(state)s”.", state=STATES[invitation.state]), "success")
    return redirect(url_for("invitations.board", event=request.args.get("event"), q=request.args.get("q")))


@bp.get("/deadlines")
@security.requires("view")
def deadlines():
    """What is due and overdue, a page at a time, with a button to draft a reminder for each."""
    return deadlines_page(None)


@bp.get("/events/<id:event_id>/deadlines")
@security.requires("view")
def event_deadlines(event_id):
    """One event's deadlines, whenever they fall."""
    return deadlines_page(Event.get_or_404(Event.id == event_id))


def deadlines_page(event):
    """Overdue first, then this week, this month and later, a page at a time (read from the
    stored deadlines through their index), for every event or for one."""
    today = date.today()
    window = in_window(today, 3650, private=security.can("see_contacts"))
    if event is not None:
        window = window.where(Deadline.event == event)
    items = keyset_page(window, Deadline, [Deadline.due_on, Deadline.id], descending=False)
    invitation_ids = [d.invitation_id for d in items if d.invitation_id]
    event_ids = [d.event_id for d in items if not d.invitation_id]
    waiting = {(r.kind, r.invitation_id, r.event_id, r.due_on): r
               for r in Reminder.select().where(Reminder.sent_at.is_null() & (
                   Reminder.invitation.in_(invitation_ids) | Reminder.event.in_(event_ids)))}
    # The press desk's follow-ups, on the same dashboard (computed from their own indexed
    # column, not stored as deadlines: a pitch belongs to no event).
    follow_ups = [] if event is not None else list(
        Pitch.follow_ups(today + timedelta(days=30)).limit(PRESS_FOLLOW_UPS_SHOWN))
    return render("invitations/deadlines.html", items=items, groups=grouped(items, today), group_names=GROUPS,
                  today=today, action=ActionForm(), waiting=waiting, event=event, follow_ups=follow_ups)


@bp.post("/deadlines/remind")
@security.requires("edit_people")
def remind():
    """Draft a reminder for one deadline into the outbox (nothing is sent)."""
    from flask_babel import get_locale

    from amplify.invitations.reminders import draft

    if not ActionForm().validate_on_submit():
        abort(400)
    found = find(request.form.get("key", ""), date.today())
    if found is None:
        flash(_("That deadline is no longer due."), "error")
        return redirect(url_for("invitations.deadlines"))
    reminder = draft(found, g.user, str(get_locale()))
    return redirect(url_for("invitations.outbox") + f"#reminder-{reminder.id}")


@bp.post("/deadlines/remind-all")
@security.requires("edit_people")
def remind_all():
    """Draft reminders for everything overdue or due within three days (nothing is sent)."""
    from flask_babel import get_locale

    from amplify.invitations.reminders import draft_due

    if not ActionForm().validate_on_submit():
        abort(400)
    drafted = draft_due(date.today(), g.user, str(get_locale()))
    flash(ngettext("%(num)d reminder drafted: read it, then send it yourself.",
                   "%(num)d reminders drafted: read them, then send them yourself.", len(drafted)), "success")
    return redirect(url_for("invitations.outbox"))


@bp.get("/outbox")
@security.requires("view")
def outbox():
    """Reminders waiting to be sent by a person, and the last ones sent."""
    return outbox_page()


def outbox_page(edited=None, problem=None):
    """A page of reminders waiting (``edited`` shown as typed, with its ``problem``), which
    of them are still due, and the last ones sent."""
    from amplify.invitations.reminders import smtp_configured

    private = security.can("see_contacts")
    waiting = keyset_page(Reminder.listed(private).where(Reminder.sent_at.is_null()), Reminder,
                          [Reminder.due_on, Reminder.id], descending=False)
    if edited is not None:
        waiting.rows = [edited if r.id == edited.id else r for r in waiting.rows]
    current = still_open({r.invitation_id for r in waiting if r.invitation_id}, date.today())
    sent = (Reminder.listed(private).select(Reminder, User)
            .join(User, peewee.JOIN.LEFT_OUTER, on=(Reminder.sent_by == User.id))
            .where(Reminder.sent_at.is_null(False)).order_by(Reminder.sent_at.desc()).limit(50))
    return render("invitations/outbox.html", waiting=waiting, sent=sent, action=ActionForm(),
                  email=smtp_configured(), errors={edited.id: problem} if edited else {}, current=current,
                  status=400 if problem else 200)


@bp.post("/outbox/<id:reminder_id>")
@security.requires("edit_people")
def send_reminder(reminder_id):
    """Mark as sent by hand, send by e-mail, or discard — always a person's decision."""
    from amplify.invitations.reminders import mark_sent

    reminder = Reminder.get_or_404(Reminder.id == reminder_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    subject, body = request.form.get("subject", ""), request.form.get("body", "")
    recipient = request.form.get("recipient", "")
    problem = None
    if action == "discard" and reminder.sent_at is None:
        with database.atomic():
            audit.record("reminder.discard", reminder, {"kind": reminder.kind})
            reminder.delete_instance()
        flash(_("Reminder discarded."), "success")
        return redirect(url_for("invitations.outbox"))
    current = still_open([reminder.invitation_id], date.today())
    if action not in ("copied", "email"):
        problem = _("Choose how it was sent.")
    elif reminder.invitation_id and (reminder.kind, reminder.invitation_id) not in current:
        problem = _("This is no longer due (she answered, or the event changed): discard it.")
    elif not subject.strip() or not body.strip():
        problem = _("A reminder needs a subject and a text.")
    else:
        try:
            mark_sent(reminder, g.user, action, subject, body, recipient)
        except NotAllowed as refused:
            problem = refused.message
        else:
            flash(_("Reminder marked as sent.") if action == "copied" else _("Reminder e-mailed."), "success")
            return redirect(url_for("invitations.outbox"))
    reminder.subject, reminder.body, reminder.recipient = subject, body, recipient  # keep what they typed
    return outbox_page(reminder, problem)


def move_form(invitation, formdata=None):
    return MoveForm(formdata=formdata, states=[(s, STATES[s]) for s in invitation.next_states()])


@bp.route("/<id:invitation_id>", methods=["GET", "POST"])
@security.requires("view")
def invitation(invitation_id):
    invitation = Invitation.get_or_404(Invitation.id == invitation_id)
    form = move_form(invitation, request.form if request.method == "POST" else None)
    if request.method == "POST":
        if not security.can("edit_people"):
            abort(403)
        if form.validate_on_submit():
            activist = form.activist.chosen()
            try:
                move(invitation, form.state.data, g.user, form.reason.data, form.decided_by.data, activist,
                     method=form.method.data or "", decided_on=form.decided_on.data)
            except NotAllowed as refused:
                getattr(form, refused.field or "state").errors.append(refused.message)
            else:
                flash(_("State changed to “%(state)s”.", state=STATES[invitation.state]), "success")
                return redirect(url_for("invitations.invitation", invitation_id=invitation.id))
    return invitation_page(invitation, form=form)


def outcome_items(invitation):
    """Items to link as outcomes: published ones of the event's campaign (or of any campaign
    when the event has none), newest first, and those already linked."""
    query = Item.select().where(Item.state == "published")
    if invitation.event.campaign_id:
        query = query.where(Item.campaign == invitation.event.campaign_id)
    linked = Item.select().join(InvitationItem).where(InvitationItem.invitation == invitation)
    found = {item.id: item for item in query.order_by(Item.updated_at.desc()).limit(100)}
    found.update({item.id: item for item in linked})
    return list(found.values())


def outcome_form(invitation, formdata=None):
    form = OutcomeForm(formdata=formdata, obj=None if formdata else invitation,
                       items=outcome_items(invitation))
    if formdata is None:
        form.items.data = [str(link.item_id) for link in invitation.outcome_links]
    return form


def invitation_page(invitation, form=None, support_form=None, visa_form=None, trip_form=None,
                    outcome=None, consent_form=None):
    changes = invitation.changes.order_by(InvitationChange.at, InvitationChange.id)
    lines = list(invitation.support.order_by(Support.id))
    failed = any(f is not None and f.errors
                 for f in (form, support_form, visa_form, trip_form, outcome, consent_form))
    if visa_form is None:
        visa_form = VisaForm(obj=invitation)
        # The form's choices are words; the column is yes/no/unknown (obj would win over a keyword).
        visa_form.visa_required.data = {True: "yes", False: "no"}.get(invitation.visa_required, "")
        if not security.can("see_contacts"):
            visa_form.passport_number.data = visa_form.passport_name.data = visa_form.nationality.data = ""
    uses, decision = media_consent(invitation)
    if consent_form is None:
        consent_form = MediaConsentForm(formdata=None, uses=[u for u, yes in uses.items() if yes])
    return render("invitations/invitation.html", invitation=invitation, form=form or move_form(invitation),
                  changes=changes, states=STATES, lines=lines, totals=totals(lines),
                  support_form=support_form or SupportForm(currency="USD"), visa_form=visa_form,
                  trip_form=trip_form or TripForm(obj=invitation),
                  outcome_form=outcome or outcome_form(invitation),
                  consent_form=consent_form, uses=uses, media_labels=MEDIA_USES, consent_decision=decision,
                  consent_open=invitation.state in MEDIA_CONSENT_STATES and invitation.activist_id,
                  reminders=invitation.reminders.order_by(Reminder.created_at.desc()),
                  status=400 if failed else 200)


@bp.post("/<id:invitation_id>/trip")
@security.requires("see_contacts")
def trip(invitation_id):
    """Travel dates, safety for this trip and interpretation (sensitive: contact roles only)."""
    invitation = Invitation.get_or_404(Invitation.id == invitation_id)
    form = TripForm()
    if form.validate_on_submit():
        try:
            save_trip(invitation, travel_on=form.travel_on.data, return_on=form.return_on.data,
                      risk_level=form.risk_level.data, mitigation=form.mitigation.data or "",
                      checkin_contact=form.checkin_contact.data or "", checked_in_on=form.checked_in_on.data,
                      interpretation_needed=form.interpretation_needed.data,
                      interpreter_booked_on=form.interpreter_booked_on.data)
        except NotAllowed as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            flash(_("Trip details saved."), "success")
            return redirect(url_for("invitations.invitation", invitation_id=invitation.id) + "#trip")
    return invitation_page(invitation, trip_form=form)


@bp.post("/<id:invitation_id>/outcome")
@security.requires("edit_people")
def outcome(invitation_id):
    invitation = Invitation.get_or_404(Invitation.id == invitation_id)
    form = outcome_form(invitation, request.form)
    if form.validate_on_submit():
        try:
            save_outcome(invitation, form.outcome.data, form.follow_ups.data, form.evaluated_on.data,
                         [i for i in form.items.data if i.isdigit()] if form.items.data else [])
        except NotAllowed as refused:
            getattr(form, refused.field or "items").errors.append(refused.message)
        else:
            flash(_("Outcome saved."), "success")
            return redirect(url_for("invitations.invitation", invitation_id=invitation.id) + "#outcome")
    return invitation_page(invitation, outcome=form)


@bp.post("/<id:invitation_id>/media-consent")
@security.requires("edit_people")
def media_consent_answer(invitation_id):
    """Staff record the person's answer about being named, photographed, recorded or quoted
    at the event, given by phone, in person, on paper or by message."""
    from amplify.consent import ledger, notices

    invitation = Invitation.get_or_404(Invitation.id == invitation_id)
    form = MediaConsentForm()
    if not form.validate_on_submit():
        pass
    elif not (invitation.state in MEDIA_CONSENT_STATES and invitation.activist_id):
        form.uses.errors.append(_("Consent at the event is asked once she is invited, before the event."))
    else:
        language = notices.notice_language(invitation.activist.languages)
        try:
            record_media_consent(invitation, form.uses.data or [], method=form.method.data,
                                 recorded_by=g.user, witness=form.witness.data or "",
                                 notice=notices.for_invitation(invitation, language))
        except ledger.DecisionRefused as refused:
            form.uses.errors.append(refused.message)
        else:
            flash(_("Her answer was recorded in the consent ledger."), "success")
            return redirect(url_for("invitations.invitation", invitation_id=invitation.id) + "#media-consent")
    return invitation_page(invitation, consent_form=form)


def cents(value):
    return int(round(value * 100)) if value is not None else None


@bp.post("/<id:invitation_id>/support")
@security.requires("edit_people")
def add_support_line(invitation_id):
    invitation = Invitation.get_or_404(Invitation.id == invitation_id)
    form = SupportForm()
    if form.validate_on_submit():
        add_support(invitation, kind=form.kind.data, arrangement=form.arrangement.data,
                    provided=form.provided.data, budget_cents=cents(form.budget.data),
                    actual_cents=cents(form.actual.data), currency=form.currency.data.upper(),
                    receipt_noted=form.receipt_noted.data, paid_on=form.paid_on.data,
                    notes=(form.notes.data or "").strip())
        flash(_("Support saved."), "success")
        return redirect(url_for("invitations.invitation", invitation_id=invitation.id))
    return invitation_page(invitation, support_form=form)


@bp.post("/<id:invitation_id>/visa")
@security.requires("see_contacts")
def visa(invitation_id):
    invitation = Invitation.get_or_404(Invitation.id == invitation_id)
    form = VisaForm()
    if form.validate_on_submit():
        save_visa(invitation, visa_required={"yes": True, "no": False}.get(form.visa_required.data),
                  visa_letter_sent_on=form.visa_letter_sent_on.data,
                  visa_appointment_on=form.visa_appointment_on.data,
                  visa_lodged_on=form.visa_lodged_on.data, visa_outcome=(form.visa_outcome.data or "").strip(),
                  passport_expiry=form.passport_expiry.data,
                  passport_number=(form.passport_number.data or "").strip(),
                  passport_name=(form.passport_name.data or "").strip(), nationality=form.nationality.data or "")
        flash(_("Visa details saved."), "success")
        return redirect(url_for("invitations.invitation", invitation_id=invitation.id))
    return invitation_page(invitation, visa_form=form)


@bp.get("/fairness")
@security.requires("view")
def fairness_page():
    """How concentrated invitations are, over the whole pool (zeros count)."""
    today = date.today()
    try:
        since = date.fromisoformat(request.args.get("since", ""))
    except ValueError:
        since = today - timedelta(days=365)
    try:
        until = date.fromisoformat(request.args.get("until", ""))
    except ValueError:
        until = today + timedelta(days=365)
    org_ids = [int(i) for i in request.args.getlist("organization") if i.isdigit()]
    countries = [c for c in request.args.getlist("country") if len(c) == 2]
    pool_query = Activist.select()
    if org_ids:
        pool_query = pool_query.where(Activist.organization.in_(org_ids))
    if countries:
        pool_query = pool_query.where(Activist.country.in_(countries))
    pool = list(pool_query.order_by(Activist.display_name))
    counts = dict(Invitation.select(Invitation.activist, fn.COUNT(Invitation.id)).join(Event)
                  .where((Event.starts_on >= since) & (Event.starts_on <= until)
                         & Invitation.state.in_(COUNTED) & Invitation.activist.is_null(False))
                  .group_by(Invitation.activist).tuples())
    earlier = {row[0] for row in (Invitation.select(Invitation.activist).join(Event)
                                  .where((Event.starts_on < since) & Invitation.state.in_(COUNTED))
                                  .distinct().tuples())}
    first_timers = sum(1 for person in counts if person not in earlier)
    result = fairness.measure([p.id for p in pool], counts, first_timers)
    by_id = {p.id: p for p in pool}
    bars = sorted(((by_id[i], counts.get(i, 0)) for i in by_id), key=lambda pair: -pair[1])
    names = dict(Organization.select(Organization.id, Organization.name).tuples())
    by_group = {}
    for person in pool:
        key = (names.get(person.organization_id, "—"), person.country)
        group = by_group.setdefault(key, [0, 0])
        group[0] += 1
        group[1] += counts.get(person.id, 0)
    return render("invitations/fairness.html", result=result, bars=bars, since=since, until=until,
                  never=[by_id[i] for i in result.never_invited], groups=sorted(by_group.items()),
                  organizations=Organization.select().order_by(Organization.name),
                  chosen_orgs=set(org_ids), chosen_countries=set(countries),
                  countries=[row.country for row in Activist.select(Activist.country).distinct()
                             .order_by(Activist.country)],
                  maximum=max([c for _, c in bars] + [1]))


# Personal calendar feeds -----------------------------------------------------------------

@bp.route("/feeds", methods=["GET", "POST"])
@security.requires("view")
def feeds():
    """Your own secret calendar URL: make a new one (the old stops working) or revoke it."""
    import secrets


    form = ActionForm()
    current = CalendarFeed.active_for(g.user)
    if request.method == "POST" and form.validate_on_submit():
        with database.atomic():
            if current is not None:
                current.revoked_at = utcnow()
                current.save()
            if request.form.get("action") == "new":
                CalendarFeed.create(user=g.user, token=secrets.token_urlsafe(32))
            audit.record("calendar_feed." + ("new" if request.form.get("action") == "new" else "revoke"),
                         g.user, {}, subject_type="user")
        return redirect(url_for("invitations.feeds"))
    url = url_for("invitations.feed", token=current.token, _external=True) if current else None
    return render("invitations/feeds.html", url=url, form=form)


@bp.get("/feeds/<token>.ics")
@security.public
def feed(token):
    from flask import Response

    from amplify.invitations.feeds import build

    subscription = CalendarFeed.get_or_none((CalendarFeed.token == token) & CalendarFeed.revoked_at.is_null())
    if subscription is None or not subscription.user.active:
        abort(404)
    return Response(build(request.url_root, private=security.role_can(subscription.user.role, "see_contacts")),
                    mimetype="text/calendar",
                    headers={"Cache-Control": "private, max-age=900"})
