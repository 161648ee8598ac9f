"""Pitches (``/press/releases/<id>/pitch``, ``/press/pitches/<id>``): a release sent to
journalists one message each, their answers, interviews asked for, and recalls of a
quote that lost its consent."""

from flask import flash, g, redirect, request, url_for
from flask_babel import force_locale, gettext as _

from amplify import security
from amplify.forms import form_status
from amplify.items.forms import ActionForm
from amplify.mail import smtp_configured
from amplify.people.models import Activist
from amplify.press import documents
from amplify.press.blueprint import bp
from amplify.consent.clearance import clearance
from amplify.press.changes import ask_interview, check_pitch, confirm_recall, pitch, record_answer
from amplify.press.forms import AnswerForm, InterviewForm, PitchForm
from amplify.press.models import InterviewOffer, Journalist, Pitch, Release
from amplify.press.sharing import share_url
from amplify.rules import NotAllowed
from amplify.web import render

RECIPIENTS_SHOWN = 500


def pitch_form(release):
    journalists = list(Journalist.search().where(Journalist.do_not_contact == False)  # noqa: E712 (SQL)
                       .order_by(Journalist.name, Journalist.id).limit(RECIPIENTS_SHOWN))
    item = release.item
    return PitchForm(journalists=journalists, subject=item.title,
                     method="email" if smtp_configured() else "self")


def message_for(release, result, note):
    """``body_for(journalist, share)``: each journalist's own message, greeted by name."""
    item = release.item

    def body_for(journalist, share):
        with force_locale(item.language):
            greeting = _("Dear %(name)s,", name=journalist.name)
        text = documents.email_text(release, result, share_url(share) if share else None)
        return "\n\n".join(part for part in (greeting, (note or "").strip(), text) if part)

    return body_for


@bp.route("/releases/<id:release_id>/pitch", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def new_pitch(release_id):
    found = Release.get_or_404(Release.id == release_id)
    form = pitch_form(found)
    if form.validate_on_submit():
        ids = [int(i) for i in form.journalists.data or [] if i.isdigit()]
        chosen = list(Journalist.select().where(Journalist.id.in_(ids))) if ids else []
        try:
            result = check_pitch(found, chosen, form.method.data)
            done, failed = pitch(found, chosen, method=form.method.data, user=g.user,
                                 subject=form.subject.data or found.item.title,
                                 body_for=message_for(found, result, form.note.data),
                                 follow_up_on=form.follow_up_on.data)
        except NotAllowed as refused:
            getattr(form, refused.field or "journalists").errors.append(refused.message)
        else:
            if done:
                flash(_("Pitch recorded for %(n)d journalists.", n=len(done)), "success")
            if failed:
                flash(_("The mail server refused the message to: %(names)s. Nothing was recorded for them.",
                        names=", ".join(j.name for j in failed)), "error")
            return redirect(url_for("press.release", release_id=found.id) + "#pitches")
    return render("press/pitch_form.html", form=form, release=found, item=found.item,
                  smtp=smtp_configured(), status=form_status(form))


def interviewees():
    """Who can be proposed for an interview: those who offered to give them, else the
    organisations' spokespeople."""
    offered = list(Activist.select().join(InterviewOffer, on=(InterviewOffer.activist == Activist.id))
                   .order_by(Activist.display_name))
    return offered or list(Activist.spokespeople().order_by(Activist.display_name))


@bp.route("/pitches/<id:pitch_id>", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def answer(pitch_id):
    found = Pitch.get_or_404(Pitch.id == pitch_id)
    spokespeople = interviewees()
    form = AnswerForm(spokespeople=spokespeople, data=None if request.method == "POST" else dict(
        answer=found.answer, note=found.answer_note, spokesperson=str(found.spokesperson_id or ""),
        follow_up_on=found.follow_up_on))
    if form.validate_on_submit():
        spokesperson = Activist.get_or_none(Activist.id == int(form.spokesperson.data)) \
            if form.spokesperson.data else None
        try:
            record_answer(found, answer=form.answer.data, note=form.note.data, spokesperson=spokesperson,
                          follow_up_on=form.follow_up_on.data)
        except NotAllowed as refused:
            getattr(form, refused.field or "answer").errors.append(refused.message)
        else:
            flash(_("Answer saved."), "success")
            return redirect(url_for("press.release", release_id=found.release_id) + "#pitches")
    return pitch_page(found, form, InterviewForm(protection="pseudonym"))


def pitch_page(found, form, interview_form, status=None):
    interview = found.interview
    return render("press/pitch.html", form=form, pitch=found, action=ActionForm(), interview_form=interview_form,
                  interview=interview, interview_clearance=clearance(interview) if interview else None,
                  status=status or form_status(form))


@bp.post("/pitches/<id:pitch_id>/interview")
@security.requires("edit_campaigns")
def interview(pitch_id):
    """Ask the spokesperson about the interview: an item of its own she decides on."""
    found = Pitch.get_or_404(Pitch.id == pitch_id)
    form = InterviewForm()
    if form.validate_on_submit():
        try:
            item = ask_interview(found, on=form.on.data, fmt=form.format.data, protection=form.protection.data,
                                 author=g.user)
        except NotAllowed as refused:
            getattr(form, refused.field or "protection").errors.append(refused.message)
        else:
            flash(_("Saved as a draft: send it for review so that she decides."), "success")
            return redirect(url_for("items.show", item_id=item.id))
    spokespeople = interviewees()
    answer_form = AnswerForm(spokespeople=spokespeople, formdata=None, data=dict(
        answer=found.answer, note=found.answer_note, spokesperson=str(found.spokesperson_id or ""),
        follow_up_on=found.follow_up_on))
    return pitch_page(found, answer_form, form, status=400)


@bp.post("/pitches/<id:pitch_id>/recalled")
@security.requires("edit_campaigns")
def recalled(pitch_id):
    found = Pitch.get_or_404(Pitch.id == pitch_id)
    if ActionForm().validate_on_submit():
        try:
            confirm_recall(found)
        except NotAllowed as refused:
            flash(refused.message, "error")
        else:
            flash(_("Recorded: %(name)s was asked not to use the quote.", name=found.journalist.name), "success")
    return redirect(url_for("press.index") + "#recalls")
