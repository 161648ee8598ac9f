import io

from docx import Document
from docx.oxml.ns import qn

from amplify.consent import ledger
from amplify.items.models import Item
from amplify.people.models import Activist


def setting(app, factories):
    org = factories.organization()
    speaker = factories.activist("María Quispe", pseudonym="Flor del Valle", spokesperson_for=[org])
    campaign = factories.campaign()
    message = factories.message(campaign, title="Trabajo es trabajo", short_form="El trabajo del hogar es trabajo.",
                                long_form="Cuidamos hogares.", call_to_action="¡Ratifica el C189!",
                                evidence_figure="75,6 millones", evidence_source="https://www.ilo.org/")
    factories.approve(factories.variant(message), speaker)
    for title, channels in (("Cita para reuniones", ["meeting"]), ("Cita solo prensa", ["press"])):
        quote = factories.send(factories.item(campaign, people=[(speaker, "quoted", None)], title=title,
                                              kind="press_quote", channel="press",
                                              text=f"«{title}» — {{{speaker.ref}}}"))
        with app.app_context():
            ledger.record_decision(speaker, "item", quote, quote.content_hash, "given", method="review_page",
                                   scope={"channels": ["press"] + [c for c in channels if c != "press"],
                                          "attribution": "pseudonym"})
    return campaign


def test_sheet_lists_messages_evidence_ask_and_consented_quotes(app, factories, login):
    campaign = setting(app, factories)
    page = login("viewer").get(f"/drafting/{campaign.slug}/talking-points?audience=press&language=es")
    text = page.get_data(as_text=True)
    assert "El trabajo del hogar es trabajo." in text and "75,6 millones" in text
    assert "¡Ratifica el C189!" in text and "https://www.ilo.org/" in text
    assert "«Cita para reuniones» — Flor del Valle" in text
    assert "Cita solo prensa" not in text  # consent does not cover meeting material


def test_sheet_downloads_as_markdown_and_docx(app, factories, login):
    campaign = setting(app, factories)
    session = login("comms")
    md = session.get(f"/drafting/{campaign.slug}/talking-points?language=es&format=md").get_data(as_text=True)
    assert md.startswith("# Campaña de prueba") and "## 1. El trabajo del hogar es trabajo." in md
    assert "> «Cita para reuniones» — Flor del Valle" in md
    data = session.get(f"/drafting/{campaign.slug}/talking-points?language=es&format=docx").data
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert "1. El trabajo del hogar es trabajo." in texts and any("Flor del Valle" in t for t in texts)
    assert Item.select().count() == 2


def test_markdown_is_escaped_and_links_its_sources_for_a_commonmark_renderer(app, factories, login):
    """Message text with raw HTML and Markdown stays text; sources are links."""
    from markdown_it import MarkdownIt

    campaign = setting(app, factories)
    speaker = Activist.get()
    message = factories.message(campaign, title="Trampa", short_form="<img src=x onerror=alert(1)> **no**",
                                long_form="1. no es lista\n- tampoco\n    ni código\n[clic](https://evil.example) &amp;",
                                evidence_figure="<b>75</b>", evidence_source="https://www.ilo.org/a_b?c=1&d=2")
    factories.approve(factories.variant(message), speaker)
    md = login("comms").get(f"/drafting/{campaign.slug}/talking-points?language=es&format=md").get_data(as_text=True)
    html = MarkdownIt("commonmark").render(md)
    assert "<img" not in html and "<b>" not in html and "<strong>no</strong>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; **no**" in html
    assert "<ol" not in html and "<ul" not in html and "<pre>" not in html
    assert 'href="https://evil.example"' not in html and "[clic](https://evil.example) &amp;amp;" in html
    assert '<a href="https://www.ilo.org/a_b?c=1&amp;d=2">https://www.ilo.org/a_b?c=1&amp;d=2</a>' in html
    assert '<a href="https://www.ilo.org/">https://www.ilo.org/</a>' in html
    assert "<blockquote>" in html and "«Cita para reuniones» — Flor del Valle" in html


def test_docx_speaks_the_sheets_language_and_says_who_made_it(app, factories, login):
    from datetime import date

    from docx.shared import Mm

    campaign = setting(app, factories)
    session = login("comms")
    data = session.get(f"/drafting/{campaign.slug}/talking-points?language=es&audience=press&format=docx").data
    document = Document(io.BytesIO(data))
    properties = document.core_properties
    assert properties.language == "es-ES" and properties.title == "Campaña de prueba — Press"
    assert properties.author == "Amplify" and properties.last_modified_by == session.user.name
    assert properties.created.date() == date.today()
    langs = {el.get(qn("w:val")) for el in document.styles.element.iter(qn("w:lang"))}
    assert langs == {"es-ES"}  # not en-US: Word would mark every word misspelled
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    audience = next(p for p in document.paragraphs if p.text.startswith("Audience"))
    assert all(run.italic for run in audience.runs)
    assert any(p.text == f"Amplify · {date.today().isoformat()}" for p in document.paragraphs)
    links = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert links == ["https://www.ilo.org/"]
    headings = [p for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)


def test_docx_on_letter_paper_when_the_installation_says_so(app, factories, make_app, login):
    from docx.shared import Mm

    campaign = setting(app, factories)
    app.config["PAPER_SIZE"] = "letter"
    data = login("comms").get(f"/drafting/{campaign.slug}/talking-points?language=es&format=docx").data
    section = Document(io.BytesIO(data)).sections[0]
    assert abs(section.page_width - Mm(215.9)) < Mm(1)


def test_a_language_with_nothing_yet_is_said_not_downloaded_empty(app, factories, login):
    campaign = setting(app, factories)
    session = login("comms")
    for fmt in ("md", "docx"):
        response = session.get(f"/drafting/{campaign.slug}/talking-points?language=pt&format={fmt}")
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and response.mimetype == "text/html"
        assert "Nothing in this language yet" in page
