"""Documents hosts and consulates ask for: a visa letter per person and the delegation
list, filled in from templates in files (``letters/``, see its README) in the event's
language, edited by staff in the browser, downloaded as Word (the list also as CSV).

PDF is not offered yet: fpdf2 (pure Python) would fit, see the README; the letters are
signed and printed from Word or LibreOffice anyway."""

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from string import Template

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from flask import current_app
from flask_babel import force_locale, format_date, gettext as _, ngettext

from amplify import pdf, spreadsheets
from amplify.i18n import country_name
from amplify.invitations.delegation import people
from amplify.invitations.models import ROLES, SUPPORT_KINDS, Invitation, Support
from amplify.invitations.naming import answers_to_be_named, may_name

LANGUAGES = ("es", "pt", "en", "fr")
WORD_LANGUAGES = {"es": "es-ES", "pt": "pt-BR", "en": "en-GB", "fr": "fr-FR"}
# Who is on the list for accreditation: she said yes (reserves wait until called in).
LISTED = ("accepted", "confirmed", "attended", "attended_remotely", "debriefed")
LIST_CAP = 1000  # the largest delegation a list is made for; beyond, the list says so
TEXT_CAP = 20_000  # an edited letter


def template_text(document, language):
    """The template of ``document`` ("visa", "delegation") in ``language``."""
    folder = Path(current_app.config["LETTERS"]) / document
    return (folder / f"{language}.txt").read_text(encoding="utf-8")


def language_for(event, preferred=None):
    """The letter's language: the one asked for, else the event's first we have, else Spanish."""
    for code in [preferred] + list(event.languages or []):
        if code in LANGUAGES:
            return code
    return "es"


def _event_values(event):
    config = current_app.config
    place = ", ".join(p for p in (event.place, country_name(event.country) if event.country else "") if p)
    return {
        "organization": config["ORGANIZATION_NAME"], "organization_address": config["ORGANIZATION_ADDRESS"],
        "organization_contact": config["ORGANIZATION_CONTACT"] or config["ORGANIZATION_EMAIL"]
        or config["ORGANIZATION_NAME"], "organization_email": config["ORGANIZATION_EMAIL"],
        "event": event.title, "host": event.host or "—", "event_place": place or "—",
        "starts_on": format_date(event.starts_on, "long"), "ends_on": format_date(event.ends_on, "long"),
        "today": format_date(date.today(), "long"),
    }


def costs(invitation, organization):
    """One line per kind of support: who pays it and how (in the current language)."""
    lines = {}
    for line in invitation.support.order_by(Support.id):
        lines.setdefault(line.kind, line.arrangement)
    if not lines:
        return _("%(organization)s covers no costs of this journey.", organization=organization)
    paid = {"booked": _("paid in advance by %(organization)s", organization=organization),
            "reimbursed": _("reimbursed by %(organization)s", organization=organization)}
    return "\n".join("– " + _("%(kind)s: %(how)s", kind=SUPPORT_KINDS.get(kind, kind), how=paid.get(how, how))
                     for kind, how in lines.items())


def fill(template, values):
    """``template`` with ``values`` put in; a line that held only placeholders left empty
    (no address configured, say) is dropped rather than left blank."""
    lines = []
    for line in template.splitlines():
        filled = Template(line).safe_substitute(values)
        if "$" in line and not filled.strip():
            continue
        lines.append(filled)
    return "\n".join(lines).strip() + "\n"


def visa_letter(invitation, language, signatory):
    """The filled-in visa letter, as text for staff to edit."""
    with force_locale(language):
        values = _event_values(invitation.event)
        values.update({
            "name": invitation.passport_name, "nationality": country_name(invitation.nationality),
            "passport_number": invitation.passport_number, "role": str(ROLES.get(invitation.role, invitation.role)),
            "travel_on": format_date(invitation.travels_on, "long"),
            "return_on": format_date(invitation.returns_on, "long"),
            "costs": costs(invitation, values["organization"]), "signatory": signatory,
        })
        return fill(template_text("visa", language), values)


@dataclass
class Listed:
    """A person on the delegation list as the chosen version shows her."""

    name: str
    nationality: str
    role: str
    organization: str


def delegation(event, passports):
    """``(listed, unnamed)``: the people on the list, and how many are not named. With
    ``passports`` (contact roles only) every person by the name in her passport (or the
    name we know her by, when it is missing); otherwise as she chose for public lists,
    and only where the campaign report would name her."""
    rows = list(people(event, LISTED).order_by(Invitation.id).limit(LIST_CAP))
    rows = [i for i in rows if i.activist_id]
    answers = {} if passports else answers_to_be_named(
        {i.id: (i.activist_id, i.content_hash) for i in rows})
    listed, unnamed = [], 0
    for invitation in rows:
        person = invitation.activist
        organization = invitation.organization.name if invitation.organization_id else (
            person.organization.name if person.organization_id else "")
        if passports:
            listed.append(Listed(invitation.passport_name or person.display_name,
                                 country_name(invitation.nationality) if invitation.nationality else "",
                                 str(invitation.role_label), organization))
        elif may_name(person.default_attribution, person.risk_level, answers.get(invitation.id),
                      person.protected):
            listed.append(Listed(person.name_for(person.default_attribution, "—"), "",
                                 str(invitation.role_label), organization))
        else:
            unnamed += 1
    return listed, unnamed


def delegation_text(event, language, count):
    """The list's opening text, filled in, for staff to edit."""
    with force_locale(language):
        values = _event_values(event)
        values["count"] = str(count)
        return fill(template_text("delegation", language), values)


def _document(language, title, author):
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    tag = WORD_LANGUAGES.get(language, language)
    for lang in document.styles.element.iter(qn("w:lang")):  # Word checks spelling in it
        lang.set(qn("w:val"), tag)
    properties = document.core_properties
    properties.language, properties.title, properties.author = tag, title, author
    properties.last_modified_by = author
    properties.created = properties.modified = datetime.combine(date.today(), datetime.min.time())
    properties.comments = properties.keywords = ""
    return document


def _paragraphs(document, text):
    """Blank lines part paragraphs; a single line break stays a break inside one."""
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        paragraph = document.add_paragraph()
        for number, line in enumerate(block.strip("\n").split("\n")):
            if number:
                paragraph.add_run().add_break()
            paragraph.add_run(line)


def _bytes(document):
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def letter_docx(text, language, title, author):
    """The letter as staff edited it, as Word."""
    document = _document(language, title, author)
    _paragraphs(document, text)
    return _bytes(document)


def letter_pdf(text, language, title, author):
    """The letter as staff edited it, as PDF."""
    return pdf.document(text, title=title, author=author, language=language)


def headers(passports):
    """The list's column names in the current language."""
    names = [_("Name as in the passport") if passports else _("Name"), _("Nationality"), _("Role"),
             _("Organization")]
    return names if passports else [names[0]] + names[2:]


def _cells(person, passports):
    cells = [person.name, person.nationality, person.role, person.organization]
    return cells if passports else [cells[0]] + cells[2:]


def delegation_docx(text, listed, unnamed, passports, language, title, author):
    """The delegation list as Word: the opening text, then a table of the people."""
    with force_locale(language):
        document = _document(language, title, author)
        _paragraphs(document, text)
        names = headers(passports)
        table = document.add_table(rows=1, cols=len(names))
        table.style = "Table Grid"
        for cell, name in zip(table.rows[0].cells, names):
            cell.text = name
        for person in listed:
            for cell, value in zip(table.add_row().cells, _cells(person, passports)):
                cell.text = value
        if unnamed:
            document.add_paragraph(not_named(unnamed))
        return _bytes(document)


def delegation_pdf(text, listed, unnamed, passports, language, title, author):
    """The delegation list as PDF: the opening text, then a table of the people."""
    with force_locale(language):
        return pdf.document(text, title=title, author=author, language=language,
                            table=(headers(passports), [_cells(person, passports) for person in listed]),
                            after=not_named(unnamed) if unnamed else "")


def not_named(count):
    return ngettext("And %(num)d more person who is not named.", "And %(num)d more people who are not named.",
                    count)


def delegation_csv(listed, unnamed, passports):
    """The delegation list as CSV: every cell safe from spreadsheet formulas."""
    rows = [_cells(person, passports) for person in listed]
    if unnamed:
        rows.append([not_named(unnamed)]
                    + [""] * (len(headers(passports)) - 1))
    return spreadsheets.write(rows, header=headers(passports))


