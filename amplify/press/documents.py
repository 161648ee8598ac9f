"""A release as it leaves Amplify: a Word document and an e-mail text, in the release's
language. Both are made only from what ``clearance()`` allows (the caller passes its
verdict); under embargo each carries "embargoed until …" on every page and at the top."""

import io
import re

from docx import Document
from docx.shared import Pt
from flask_babel import force_locale, format_datetime, gettext

from amplify import pdf
from amplify.drafting.sheets import WORD_LANGUAGES, _hyperlink, _set_language, _set_paper

# Word refuses characters XML cannot hold (NUL and most control characters).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
WEB_ADDRESS = re.compile(r"^https?://\S+$")


def _xml_safe(text):
    return NOT_XML.sub("", text or "")


def embargo_line(item):
    """``EMBARGOED UNTIL 3 Dec 2026, 10:00 (America/Lima)`` in the item's language, or ""."""
    if item.embargo_until is None:
        return ""
    with force_locale(item.language):
        return gettext("EMBARGOED UNTIL %(when)s (%(zone)s)",
                       when=format_datetime(item.embargo_local, "medium", rebase=False),  # in its own zone
                       zone=item.embargo_zone or "UTC")


def _labels(language):
    with force_locale(language):
        return {"evidence": gettext("Evidence"), "contact": gettext("Press contact"),
                "kind": {"press_release": gettext("Press release"),
                         "story_pitch": gettext("Story pitch")}}


def docx(release, result, embargoed=False):
    """The release as Word, A4, in its language; ``embargoed`` stamps every page."""
    item = release.item
    labels = _labels(item.language)
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    _set_language(document, WORD_LANGUAGES.get(item.language, item.language))
    section = document.sections[0]
    _set_paper(section, "a4")
    properties = document.core_properties
    properties.title, properties.author, properties.comments = _xml_safe(item.title), "", ""
    stamp = embargo_line(item) if embargoed else ""
    if stamp:
        header = section.header.paragraphs[0]
        header.add_run(stamp).bold = True
        document.add_paragraph().add_run(stamp).bold = True
    document.add_paragraph(labels["kind"].get(item.kind, ""))
    document.add_heading(_xml_safe(item.title), level=0)
    for paragraph in _xml_safe(result.published_text()).split("\n\n"):
        document.add_paragraph(paragraph.strip())
    evidence = list(release.evidence())
    if evidence:
        document.add_heading(labels["evidence"], level=1).paragraph_format.keep_with_next = True
        for row in evidence:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(_xml_safe(f"{row.figure} — {row.source}"))
            if WEB_ADDRESS.match(row.url):
                paragraph.add_run(" ")
                _hyperlink(paragraph, row.url)
    if release.contact_name:
        document.add_heading(labels["contact"], level=1).paragraph_format.keep_with_next = True
        document.add_paragraph(_xml_safe(" · ".join(
            part for part in (release.contact_name, release.contact_email, release.contact_phone) if part)))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_document(release, result, embargoed=False):
    """The release as PDF, A4, in its language; ``embargoed`` stamps every page."""
    item = release.item
    labels = _labels(item.language)
    stamp = embargo_line(item) if embargoed else ""
    parts = [labels["kind"].get(item.kind, ""), item.title.upper(), result.published_text(),
             *_evidence_and_contact(release, labels, "•")]
    return pdf.document("\n\n".join(p for p in parts if p), title=item.title, author="", language=item.language,
                        stamp=stamp)


def email_text(release, result, link=None):
    """The release as plain e-mail text; under embargo, only the embargo line and the
    signed ``link`` (the text itself never travels in an e-mail before its time)."""
    item = release.item
    labels = _labels(item.language)
    if link:
        with force_locale(item.language):
            return "\n\n".join([embargo_line(item), item.title,
                                gettext("Read it here (this link is for you only): %(link)s", link=link)]) + "\n"
    parts = [item.title, result.published_text(), *_evidence_and_contact(release, labels, "-")]
    return "\n\n".join(parts) + "\n"


def _evidence_and_contact(release, labels, bullet):
    """The plain-text paragraphs after the release's text: its evidence, one ``bullet``
    line a figure, and the press contact (each only when there is one)."""
    parts = []
    evidence = list(release.evidence())
    if evidence:
        parts.append(labels["evidence"] + ":\n" + "\n".join(
            f"{bullet} {row.figure} — {row.source}" + (f" <{row.url}>" if row.url else "") for row in evidence))
    if release.contact_name:
        parts.append(labels["contact"] + ": " + " · ".join(
            part for part in (release.contact_name, release.contact_email, release.contact_phone) if part))
    return parts
