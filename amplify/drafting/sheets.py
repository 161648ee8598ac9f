"""Talking-point sheets for a meeting: each key message, its evidence and source, the ask,
and quotes of people who agreed to be quoted in meeting material."""

import io
from dataclasses import dataclass, field

from docx import Document
from docx.shared import Pt

from amplify.consent.clearance import clearance
from amplify.items.models import Item

QUOTE_KINDS = ("press_quote", "quote_card")
SHEET_CHANNEL = "meeting"  # consent to "Meeting handout" covers talking-point sheets


@dataclass
class Sheet:
    campaign: object
    audience: str
    language: str
    points: list = field(default_factory=list)  # message variants
    quotes: list = field(default_factory=list)  # published texts


def consented_quotes(campaign, language):
    """Cleared quotes whose every person's consent covers meeting material."""
    quotes = []
    for item in (Item.select().where((Item.campaign == campaign) & (Item.language == language)
                                     & Item.kind.in_(QUOTE_KINDS)
                                     & Item.state.in_(["cleared", "published"])).order_by(Item.id)):
        result = clearance(item)
        if result.cleared and all(SHEET_CHANNEL in p.decision.scope_data.get("channels", [])
                                  for p in result.people):
            quotes.append(result.published_text())
    return quotes


def build(campaign, audience, language, variants):
    return Sheet(campaign, audience, language, list(variants), consented_quotes(campaign, language))


def markdown(sheet, labels):
    lines = [f"# {sheet.campaign.name}", "", f"*{labels['audience']}: {sheet.audience}*", ""]
    for number, variant in enumerate(sheet.points, start=1):
        lines += [f"## {number}. {variant.short_form}", "", variant.long_form, ""]
        if variant.evidence_figure:
            source = f" ({variant.evidence_source})" if variant.evidence_source else ""
            lines += [f"**{labels['evidence']}:** {variant.evidence_figure}{source}", ""]
        if variant.call_to_action:
            lines += [f"**{labels['ask']}:** {variant.call_to_action}", ""]
    if sheet.quotes:
        lines += [f"## {labels['quotes']}", ""] + [f"> {quote}\n" for quote in sheet.quotes]
    return "\n".join(lines).rstrip() + "\n"


def docx(sheet, labels):
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(sheet.campaign.name, level=0)
    document.add_paragraph(f"{labels['audience']}: {sheet.audience}").italic = True
    for number, variant in enumerate(sheet.points, start=1):
        document.add_heading(f"{number}. {variant.short_form}", level=1)
        document.add_paragraph(variant.long_form)
        if variant.evidence_figure:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{labels['evidence']}: ").bold = True
            paragraph.add_run(variant.evidence_figure + (f" ({variant.evidence_source})"
                                                         if variant.evidence_source else ""))
        if variant.call_to_action:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{labels['ask']}: ").bold = True
            paragraph.add_run(variant.call_to_action)
    if sheet.quotes:
        document.add_heading(labels["quotes"], level=1)
        for quote in sheet.quotes:
            document.add_paragraph(quote, style="Intense Quote")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
