"""Meetings of an event (``/invitations/meetings``): preparation, the sheet (printable and
Word), the debrief, commitments obtained and our follow-ups."""

from datetime import date

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_babel import force_locale, gettext as _

from amplify import security
from amplify.forms import form_status
from amplify.i18n import LANGUAGES
from amplify.invitations import meetings
from amplify.invitations.blueprint import bp
from amplify.invitations.forms import CommitmentForm, DebriefForm, MeetingForm
from amplify.invitations.models import Commitment, Event, Meeting, MeetingAttendee
from amplify.items.forms import ActionForm
from amplify.rules import NotAllowed
from amplify.web import render

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def meeting_form(event, meeting=None, formdata=None):
    form = MeetingForm(formdata=formdata, obj=meeting if formdata is None else None,
                       invitations=meetings.attendee_choices(event))
    if formdata is None and meeting is not None and meeting.id:
        form.attendees.data = [str(a.invitation_id) for a in meeting.attendees]
    elif formdata is None:
        form.language.data = next((code for code in event.languages if code in LANGUAGES), "es")
    return form


def save_from(form, meeting):
    """Save the meeting as the form says; the form carries the refusal, if any."""
    try:
        return meetings.save_meeting(meeting, form.attendees.data or [], title=form.title.data,
                                     space=form.space.data or "", held_on=form.held_on.data,
                                     language=form.language.data, asks=form.asks.data or "",
                                     background=form.background.data or "", objections=form.objections.data or "")
    except NotAllowed as refused:
        getattr(form, refused.field).errors.append(refused.message)
        return None


@bp.route("/events/<id:event_id>/meetings/new", methods=["GET", "POST"])
@security.requires("edit_people")
def new_meeting(event_id):
    event = Event.get_or_404(Event.id == event_id)
    form = meeting_form(event, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        saved = save_from(form, Meeting(event=event))
        if saved is not None:
            flash(_("Meeting saved."), "success")
            return redirect(url_for("invitations.meeting", meeting_id=saved.id))
    return render("invitations/meeting_form.html", form=form, event=event, meeting=None, status=form_status(form))


@bp.route("/meetings/<id:meeting_id>", methods=["GET", "POST"])
@security.requires("view")
def meeting(meeting_id):
    """A meeting: its preparation (editable), debrief, commitments and follow-ups."""
    meeting = Meeting.get_or_404(Meeting.id == meeting_id)
    form = meeting_form(meeting.event, meeting, request.form if request.method == "POST" else None)
    if request.method == "POST":
        if not security.can("edit_people"):
            abort(403)
        if form.validate_on_submit() and save_from(form, meeting) is not None:
            flash(_("Meeting saved."), "success")
            return redirect(url_for("invitations.meeting", meeting_id=meeting.id))
    return meeting_page(meeting, form=form)


def meeting_page(meeting, form=None, debrief_form=None, commitment_form=None):
    failed = any(f is not None and f.errors for f in (form, debrief_form, commitment_form))
    return render("invitations/meeting.html", meeting=meeting,
                  form=form or meeting_form(meeting.event, meeting),
                  debrief_form=debrief_form or DebriefForm(obj=meeting),
                  commitment_form=commitment_form or CommitmentForm(formdata=None),
                  commitments=meeting.commitments.order_by(Commitment.due_on.is_null(), Commitment.due_on,
                                                           Commitment.id),
                  attendees=MeetingAttendee.select().where(MeetingAttendee.meeting == meeting).count(),
                  action=ActionForm(), today=date.today(), status=400 if failed else 200)


@bp.get("/meetings/<id:meeting_id>/sheet")
@security.requires("view")
def meeting_sheet(meeting_id):
    """The preparation sheet: printable, or Word with ``?format=docx``."""
    meeting = Meeting.get_or_404(Meeting.id == meeting_id)
    prepared = meetings.sheet(meeting)
    if request.args.get("format") == "docx":
        return Response(meetings.docx(prepared, g.user.name), mimetype=WORD, headers={
            "Content-Disposition": f'attachment; filename="meeting-{meeting.id}-{meeting.language}.docx"'})
    with force_locale(meeting.language):  # the sheet speaks the meeting's language
        headings, unnamed = meetings.labels(), meetings.unnamed_text(prepared.unnamed)
    return render("invitations/meeting_sheet.html", sheet=prepared, meeting=meeting, headings=headings,
                  unnamed=unnamed)


@bp.post("/meetings/<id:meeting_id>/debrief")
@security.requires("edit_people")
def meeting_debrief(meeting_id):
    meeting = Meeting.get_or_404(Meeting.id == meeting_id)
    form = DebriefForm()
    if form.validate_on_submit():
        meetings.save_debrief(meeting, form.debrief.data or "", form.debriefed_on.data)
        flash(_("Debrief saved."), "success")
        return redirect(url_for("invitations.meeting", meeting_id=meeting.id) + "#debrief")
    return meeting_page(meeting, debrief_form=form)


@bp.post("/meetings/<id:meeting_id>/commitments")
@security.requires("edit_people")
def add_commitment(meeting_id):
    """A commitment obtained, or a follow-up of ours: a deadline from its due date on."""
    meeting = Meeting.get_or_404(Meeting.id == meeting_id)
    form = CommitmentForm()
    if form.validate_on_submit():
        try:
            meetings.add_commitment(meeting, form.kind.data, form.who.data, form.what.data, form.due_on.data)
        except NotAllowed as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            flash(_("Saved: it shows on the deadlines until it is done."), "success")
            return redirect(url_for("invitations.meeting", meeting_id=meeting.id) + "#commitments")
    return meeting_page(meeting, commitment_form=form)


@bp.post("/commitments/<id:commitment_id>/done")
@security.requires("edit_people")
def commitment_done(commitment_id):
    commitment = Commitment.get_or_404(Commitment.id == commitment_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    meetings.mark_done(commitment, date.today())
    flash(_("Marked as done."), "success")
    return redirect(url_for("invitations.meeting", meeting_id=commitment.meeting_id) + "#commitments")
