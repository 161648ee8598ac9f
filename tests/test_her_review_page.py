"""Issue 14: her review page — answer first, in her words and her language."""

import re
from pathlib import Path

import pytest

from amplify.consent.models import Decision
from amplify.items.models import Item
from amplify.review.models import HelpRequest
from tests.conftest import TOKEN
from tests.test_review_page import form_fields

DEMO = Path(__file__).resolve().parents[1] / "campaigns" / "domestic-work-is-work"


@pytest.fixture
def maria(app, factories):
    org = factories.organization()
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", organization=org.id,
                               languages=["es", "qu"], spokesperson_for=[org])
    campaign = factories.campaign()
    return {"activist": maria, "campaign": campaign, "org": org}


def test_the_page_opens_with_the_count_the_preview_the_sentence_and_the_answers(client, factories, maria):
    item = factories.send(factories.item(maria["campaign"], people=[(maria["activist"], "quoted", None)],
                                         text="«Queremos contrato» — {%s}" % maria["activist"].ref))
    _link, token = factories.link(maria["activist"])
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "1 cosa espera tu respuesta." in page
    card = page[page.index(f'id="item-{item.id}"'):]
    # The order she meets: preview with her name, one plain sentence, the three answers, then the rest.
    preview = card.index("«Queremos contrato» — María")
    sentence = card.index("Se publicará en X con tu nombre de pila, María, a la vista de cualquiera, hasta el")
    answers = card.index("Sí, estoy de acuerdo")
    notice = card.index("<summary>Todo sobre este pedido</summary>")
    assert preview < sentence < answers < notice
    assert "Puedes retirarlo cuando quieras." in card
    assert "{" not in page.replace("{}", "")  # never a {ref} code


def test_team_words_compare_the_text_as_it_goes_out(app, client, factories, maria):
    """Only what the team really added is marked: the name filled in is not the team's."""

    activist = maria["activist"]
    item = factories.item(maria["campaign"], people=[(activist, "quoted", None)],
                          text="El trabajo del hogar es trabajo. ¡Firma ya! — {%s}" % activist.ref)
    with app.app_context():
        # Composed from approved wording that already named her the same way.
        Item.update(composed_text="El trabajo del hogar es trabajo. — {%s}" % activist.ref).where(
            Item.id == item.id).execute()
        marks = Item.get_by_id(item.id).provenance(Item.get_by_id(item.id).names_for(activist, "full_name"))
    assert [text for kind, text in marks if kind == "ins"] == ["¡Firma ya!"]
    assert all("{" not in text for _kind, text in marks)
    factories.send(Item.get_by_id(item.id))
    _link, token = factories.link(activist)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    box = page[page.index("Palabras que el equipo añadió o cambió"):]
    box = box[:box.index("</details>")]
    assert "<ins>¡Firma ya!</ins>" in box and "<ins>" not in box.replace("<ins>¡Firma ya!</ins>", "")
    assert "{" not in box


def test_no_team_words_box_when_the_team_wrote_it_all(client, factories, maria):
    factories.send(factories.item(maria["campaign"], people=[(maria["activist"], "quoted", None)]))
    _link, token = factories.link(maria["activist"])
    assert "Palabras que el equipo" not in client.get(f"/r/{token}").get_data(as_text=True)


def test_variants_are_asked_only_in_languages_she_reads(app, factories, maria):
    from amplify.consent import ledger

    factories.message(maria["campaign"], "Mensaje", language="es")
    factories.message(maria["campaign"], "Message", language="en", short_form="Domestic work is work.",
                      long_form="Domestic work is work, with every right.")
    with app.app_context():
        languages = [v.language for v in ledger.variants_pending_for(maria["activist"])]
    assert languages == ["es"]


def test_a_repeated_answer_says_what_we_have(client, factories, maria):
    message = factories.message(maria["campaign"], "Mensaje", language="es")
    variant = factories.variant(message)
    _link, token = factories.link(maria["activist"])
    page = client.get(f"/r/{token}").get_data(as_text=True)
    data = form_fields(page, f"v{variant.id}") | {f"v{variant.id}-answer": "given"}
    assert client.post(f"/r/{token}/variants/{variant.id}", data=data).status_code == 302
    again = dict(data, **{f"v{variant.id}-request_key": "another-tab"})
    response = client.post(f"/r/{token}/variants/{variant.id}", data=again, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ya tenemos tu respuesta del" in body and "Dijiste sí." in body
    assert "no funciona" not in body
    assert Decision.select().where(Decision.outcome == "given").count() == 1


def test_her_answers_say_what_each_was_about(app, client, factories, maria):
    from amplify.consent import ledger

    activist = maria["activist"]
    item = factories.send(factories.item(maria["campaign"], people=[(activist, "quoted", None)],
                                         text="«Sin nosotras no funciona ninguna casa» — {%s}" % activist.ref))
    with app.app_context():
        decision = ledger.record_decision(activist, "item", item, item.content_hash, "given", method="review_page",
                                          scope={"channels": ["x"], "attribution": "pseudonym"})
    _link, token = factories.link(activist)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    row = page[page.index(f'id="decision-{decision.id}"'):]
    row = row[:row.index("</li>")]
    assert "Publicación en redes sociales en X: ««Sin nosotras no funciona ninguna casa» — Flor del Valle»" in row
    assert "Dijiste sí" in row and "Dado" not in row and "Ver el comprobante" in row
    receipt = client.get(f"/r/{token}/decisions/{decision.id}").get_data(as_text=True)
    assert "Flor del Valle" in receipt and "Post de prueba" not in receipt  # not the staff's title


def test_an_item_in_a_language_she_does_not_read_says_so_and_she_can_ask(client, factories, maria):
    item = factories.send(factories.item(maria["campaign"], people=[(maria["activist"], "quoted", None)],
                                         language="en", text="Domestic work is work — {%s}" % maria["activist"].ref))
    _link, token = factories.link(maria["activist"])
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Esto está escrito en inglés, y nos dijiste que no lo lees." in page
    csrf = TOKEN.search(page)
    response = client.post(f"/r/{token}/help", data={"csrf_token": csrf.group(1) or csrf.group(2), "kind": "explain",
                                                     "subject_type": "item", "subject_id": item.id})
    assert response.status_code == 302
    client.post(f"/r/{token}/help", data={"csrf_token": csrf.group(1) or csrf.group(2), "kind": "explain",
                                          "subject_type": "item", "subject_id": item.id})
    assert [(h.kind, h.subject_id) for h in HelpRequest.select()] == [("explain", item.id)]
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Nos pediste que te lo explicáramos el" in page


def test_help_about_someone_elses_item_is_refused(client, factories, maria):
    other = factories.activist("Otra Persona")
    item = factories.send(factories.item(maria["campaign"], people=[(other, "quoted", None)]))
    _link, token = factories.link(maria["activist"])
    page = client.get(f"/r/{token}").get_data(as_text=True)
    csrf = TOKEN.search(page)
    response = client.post(f"/r/{token}/help", data={"csrf_token": csrf.group(1) or csrf.group(2), "kind": "call",
                                                     "subject_type": "item", "subject_id": item.id})
    assert response.status_code == 404
    for beyond in (10 ** 20, 2 ** 31, 0, -5):  # no number the database cannot hold reaches it (SQLite: 64 bits)
        response = client.post(f"/r/{token}/help", data={"csrf_token": csrf.group(1) or csrf.group(2), "kind": "call",
                                                         "subject_type": "item", "subject_id": beyond})
        assert response.status_code == 404, beyond
    assert HelpRequest.select().count() == 0


def test_every_page_declares_no_icon_and_the_icon_url_answers_nothing(client, factories, maria):
    _link, token = factories.link(maria["activist"])
    assert '<link rel="icon" href="data:,">' in client.get(f"/r/{token}").get_data(as_text=True)
    assert client.get("/favicon.ico").status_code == 204


def test_link_language_travels_in_the_token(app, factories, maria):
    from amplify.consent import links

    _link, token = factories.link(maria["activist"])
    with app.test_request_context():
        assert links.signed_language(token) == "es"
        assert links.signed_language(token[:-3] + "abc") is None
    assert re.match(r"^[\w.-]+$", token)


def test_campaign_names_and_message_titles_per_language_come_from_the_pack(app, tmp_path):
    from amplify.campaigns.models import Message
    from amplify.campaigns.packs import export_pack, import_pack
    from amplify.people.models import Activist

    with app.app_context():
        campaign = import_pack(DEMO, trusted=True).campaign
        ana = Activist.get(Activist.ref == "ana-souza-ficticia")
        assert campaign.name_for(ana) == "Trabalho doméstico é trabalho: C189 e C190 nas Américas"
        lucia = Activist.get(Activist.ref == "lucia-fernandes-ficticia")
        Activist.update(languages=["ht"]).where(Activist.id == lucia.id).execute()
        assert campaign.name_for(Activist.get_by_id(lucia.id)) is None  # none rather than one she cannot read
        message = Message.get(Message.key == "free-from-violence")
        assert message.title_for(ana).startswith("Uma casa é um local de trabalho")
        export_pack(campaign.slug, tmp_path)
    assert 'fr = "Le travail domestique est un travail' in (tmp_path / "campaign.toml").read_text()


def test_staff_set_the_language_of_her_page_among_those_she_reads(login, factories):
    maria = factories.activist("María Quispe", languages=["es", "qu"])
    session = login("comms")
    form = {"display_name": "María Quispe", "country": "PE", "languages": ["es", "qu"], "organization": "",
            "risk_level": "medium", "default_attribution": "first_name", "preferred_language": "pt"}
    response = session.post(f"/people/activists/{maria.id}/edit", form)
    assert response.status_code == 400 and "among those Amplify speaks" in response.get_data(as_text=True)
    form["languages"] = ["es", "qu", "pt"]
    assert session.post(f"/people/activists/{maria.id}/edit", form).status_code == 302
    from amplify.people.models import Activist

    assert Activist.get_by_id(maria.id).page_language() == "pt"
