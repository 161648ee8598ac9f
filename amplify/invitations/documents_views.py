"""Documents of an event's delegation: the visa letter of one person
(``/invitations/<id>/visa-letter``, contact roles only) and the delegation list
(``/invitations/events/<id>/delegation-list``), each filled in from its template, edited in
the browser, then downloaded."""

from flask import Response, abort, g, request

from amplify import audit, security
from amplify.db import database
from amplify.forms import form_status
from amplify.invitations import documents
from amplify.invitations.blueprint import bp
from amplify.invitations.forms import DocumentForm
from amplify.invitations.models import Event, Invitation
from amplify.web import render

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def as_pdf():
    """Which of the form's two buttons was pressed: "Download as PDF" or as Word."""
    return request.form.get("format") == "pdf"


def download(body, mimetype, filename):
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def chosen_language(event):
    return documents.language_for(event, request.values.get("language"))


@bp.route("/<id:invitation_id>/visa-letter", methods=["GET", "POST"])
@security.requires("see_contacts")
def visa_letter(invitation_id):
    """Her visa letter, filled in from the template in the event's language (or the one
    chosen), edited here, downloaded as Word or PDF. The audit log keeps that it was made."""
    invitation = Invitation.get_or_404(Invitation.id == invitation_id)
    if not invitation.activist_id:
        abort(404)
    language = chosen_language(invitation.event)
    missing = invitation.passport_details_missing
    form = DocumentForm(language=language)
    if request.method == "POST" and not missing and form.validate_on_submit():
        with database.atomic():
            audit.record("invitation.letter", invitation, {"language": language,  # never the text
                                                          "format": "pdf" if as_pdf() else "docx"})
        made = documents.letter_pdf if as_pdf() else documents.letter_docx
        return download(made(form.text.data, language, invitation.event.title, g.user.name),
                        PDF if as_pdf() else WORD,
                        f"visa-letter-{invitation.id}-{language}.{'pdf' if as_pdf() else 'docx'}")
    if request.method == "GET" and not missing:
        form.text.data = documents.visa_letter(invitation, language, g.user.name)
    return render("invitations/visa_letter.html", invitation=invitation, form=form, missing=missing,
                  language=language, languages=documents.LANGUAGES,
                  status=400 if request.method == "POST" else form_status(form))


def list_version():
    """``True`` for the accreditation version (names as in passports: contact roles only)."""
    passports = request.values.get("version") == "passports"
    if passports and not security.can("see_contacts"):
        abort(403)
    return passports


@bp.route("/events/<id:event_id>/delegation-list", methods=["GET", "POST"])
@security.requires("view")
def delegation_list(event_id):
    """The delegation list: for accreditation (names as in passports) or public (names as
    each person chose, only where a report would name her); its opening text edited here."""
    event = Event.get_or_404(Event.id == event_id)
    passports, language = list_version(), chosen_language(event)
    listed, unnamed = documents.delegation(event, passports)
    form = DocumentForm(language=language)
    if request.method == "POST" and form.validate_on_submit():
        with database.atomic():
            audit.record("event.delegation_list", event, {"language": language, "passports": passports,
                                                          "format": "pdf" if as_pdf() else "docx"})
        made = documents.delegation_pdf if as_pdf() else documents.delegation_docx
        return download(made(form.text.data, listed, unnamed, passports, language, event.title, g.user.name),
                        PDF if as_pdf() else WORD,
                        f"delegation-{event.id}-{language}.{'pdf' if as_pdf() else 'docx'}")
    if request.method == "GET":
        form.text.data = documents.delegation_text(event, language, len(listed) + unnamed)
    return render("invitations/delegation_list.html", event=event, form=form, listed=listed, unnamed=unnamed,
                  passports=passports, language=language, languages=documents.LANGUAGES,
                  headers=documents.headers(passports), not_named=documents.not_named(unnamed) if unnamed else "",
                  status=form_status(form))


@bp.get("/events/<id:event_id>/delegation-list.csv")
@security.requires("view")
def delegation_list_csv(event_id):
    """The delegation list as CSV (every cell safe from spreadsheet formulas)."""
    event = Event.get_or_404(Event.id == event_id)
    passports = list_version()
    listed, unnamed = documents.delegation(event, passports)
    if passports:
        with database.atomic():
            audit.record("event.delegation_list", event, {"format": "csv", "passports": True})
    name = "accreditation" if passports else "public"
    return download(documents.delegation_csv(listed, unnamed, passports), "text/csv; charset=utf-8",
                    f"delegation-{event.id}-{name}.csv")


