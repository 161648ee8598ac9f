"""Talking-point sheets for a meeting: each key message, its evidence and source, the ask,
and quotes of people who agreed to be quoted in meeting material."""

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from amplify.consent.clearance import clearance
from amplify.items.models import Item

QUOTE_KINDS = ("press_quote", "quote_card")
SHEET_CHANNEL = "meeting"  # consent to "Meeting handout" covers talking-point sheets
# Word marks spelling by language tag; the regional forms the sheets are written for.
WORD_LANGUAGES = {"es": "es-ES", "pt": "pt-BR", "en": "en-GB", "fr": "fr-FR"}
PAPER = {"a4": (Mm(210), Mm(297)), "letter": (Mm(215.9), Mm(279.4))}


@dataclass
class Sheet:
    campaign: object
    audience: str
    language: str
    points: list = field(default_factory=list)  # message variants
    quotes: list = field(default_factory=list)  # published texts
    quote_items: list = field(default_factory=list)  # the items they come from
    organization: str = ""
    made_on: date = field(default_factory=date.today)

    @property
    def empty(self):
        return not self.points and not self.quotes


def consented_quotes(campaign, language):
    """Cleared quotes whose every person's consent covers meeting material, as
    ``[(item, published text)]``."""
    quotes = []
    for item in (Item.select().where((Item.campaign == campaign) & (Item.language == language)
                                     & Item.kind.in_(QUOTE_KINDS)
                                     & Item.state.in_(["cleared", "published"])).order_by(Item.id)):
        result = clearance(item)
        if result.cleared and all(SHEET_CHANNEL in p.decision.scope_data.get("channels", [])
                                  for p in result.people):
            quotes.append((item, result.published_text()))
    return quotes


def build(campaign, audience, language, variants, organization):
    quotes = consented_quotes(campaign, language)
    return Sheet(campaign, audience, language, list(variants), [text for _item, text in quotes],
                 [item for item, _text in quotes], organization)


# What CommonMark (and GitHub's tables and strike-through) would read as markup inside a
# run of text, raw HTML and entities included; and what starts a block at the beginning of
# a line (list, heading, rule, setext underline, ordered list).
MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~]|&(?=#?\w+;))")
MARKDOWN_LINE_START = re.compile(r"^([-+=#]|\d+(?=[.)]))", re.MULTILINE)
AUTOLINK_SAFE = re.compile(r"^https?://[^\s<>]+$")


def markdown_text(text):
    """Text as CommonMark shows it literally: markup and raw HTML escaped, no line turned
    into a list, heading or code block (leading spaces dropped)."""
    escaped = MARKDOWN_INLINE.sub(r"\\\1", text or "")
    escaped = "\n".join(line.lstrip() for line in escaped.splitlines())
    return MARKDOWN_LINE_START.sub(lambda m: m.group(1) + "\\" if m.group(1).isdigit() else "\\" + m.group(1),
                                   escaped)


def markdown_link(url):
    """A source address as a link (``<https://…>``), or as escaped text if it cannot be one."""
    return f"<{url}>" if AUTOLINK_SAFE.match(url or "") else markdown_text(url)


def markdown(sheet, labels):
    lines = [f"# {markdown_text(sheet.campaign.name)}", "",
             f"*{markdown_text(labels['audience'])}: {markdown_text(sheet.audience)}*", "",
             f"{markdown_text(sheet.organization)} · {sheet.made_on.isoformat()}", ""]
    for number, variant in enumerate(sheet.points, start=1):
        lines += [f"## {number}. {markdown_text(variant.short_form)}", "", markdown_text(variant.long_form), ""]
        if variant.evidence_figure:
            source = f" ({markdown_link(variant.evidence_source)})" if variant.evidence_source else ""
            lines += [f"**{markdown_text(labels['evidence'])}:** {markdown_text(variant.evidence_figure)}{source}", ""]
        if variant.call_to_action:
            lines += [f"**{markdown_text(labels['ask'])}:** {markdown_text(variant.call_to_action)}", ""]
    if sheet.quotes:
        lines += [f"## {markdown_text(labels['quotes'])}", ""]
        for quote in sheet.quotes:
            lines += ["\n".join(f"> {line}" if line else ">" for line in markdown_text(quote).split("\n")), ""]
    return "\n".join(lines).rstrip() + "\n"


def _hyperlink(paragraph, url):
    """A clickable address (python-docx has no API for it: a w:hyperlink with its own
    relationship, in the Hyperlink style)."""
    relationship = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    properties.append(colour)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = url
    run.append(text)
    link.append(run)
    paragraph._p.append(link)


def _set_language(document, tag):
    """The document's language, so Word checks spelling in it (the template says en-US)."""
    for lang in document.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)
    document.core_properties.language = tag


def _set_paper(section, paper):
    width, height = PAPER[paper]
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2)


def docx(sheet, labels, editor, paper="a4"):
    """The sheet as Word: in the sheet's language, A4 (or Letter), with title, author (the
    organisation; the staff member who made it as last editor) and date in its properties;
    headings kept with what follows them."""
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    _set_language(document, WORD_LANGUAGES.get(sheet.language, sheet.language))
    _set_paper(document.sections[0], paper)
    made = datetime.combine(sheet.made_on, datetime.min.time())
    properties = document.core_properties
    properties.title = f"{sheet.campaign.name} — {sheet.audience}"
    properties.author, properties.last_modified_by = sheet.organization, editor
    properties.created = properties.modified = made
    properties.revision = 1
    properties.comments = ""
    properties.keywords = ""
    document.add_heading(sheet.campaign.name, level=0).paragraph_format.keep_with_next = True
    audience = document.add_paragraph()
    audience.add_run(f"{labels['audience']}: {sheet.audience}").italic = True
    document.add_paragraph(f"{sheet.organization} · {sheet.made_on.isoformat()}")
    for number, variant in enumerate(sheet.points, start=1):
        document.add_heading(f"{number}. {variant.short_form}", level=1).paragraph_format.keep_with_next = True
        document.add_paragraph(variant.long_form)
        if variant.evidence_figure:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{labels['evidence']}: ").bold = True
            paragraph.add_run(variant.evidence_figure + (" (" if variant.evidence_source else ""))
            if variant.evidence_source:
                _hyperlink(paragraph, variant.evidence_source)
                paragraph.add_run(")")
        if variant.call_to_action:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{labels['ask']}: ").bold = True
            paragraph.add_run(variant.call_to_action)
    if sheet.quotes:
        document.add_heading(labels["quotes"], level=1).paragraph_format.keep_with_next = True
        for quote in sheet.quotes:
            document.add_paragraph(quote, style="Intense Quote")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
