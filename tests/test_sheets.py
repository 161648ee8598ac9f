import io

from docx import Document

from amplify.consent import ledger
from amplify.items.models import Item


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
