"""The personal review page, as an activist's phone sees it."""

import re
from datetime import timedelta

import pytest

from amplify.consent.models import Decision, LinkAttempt, ReviewLink
from amplify.db import utcnow
from amplify.items.models import Item
from tests.conftest import TOKEN


@pytest.fixture
def person(app, factories):
    org = factories.organization()
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", organization=org.id,
                               languages=["es"], spokesperson_for=[org])
    campaign = factories.campaign()
    item = factories.send(factories.item(campaign, people=[(maria, "quoted", None)]))
    link, token = factories.link(maria)
    return {"maria": maria, "item": item, "token": token, "link": link, "campaign": campaign}


def form_fields(page, prefix):
    token = TOKEN.search(page).group(1) or TOKEN.search(page).group(2)
    content_hash = re.search(rf'id="{prefix}-content_hash" name="{prefix}-content_hash" type="hidden" value="([0-9a-f]+)"', page).group(1)
    key = re.search(rf'id="{prefix}-request_key" name="{prefix}-request_key" type="hidden" value="([^"]+)"', page).group(1)
    return {"csrf_token": token, f"{prefix}-content_hash": content_hash, f"{prefix}-request_key": key}


def test_page_lists_what_waits_in_the_persons_language(client, person):
    response = client.get(f"/r/{person['token']}", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'lang="es"' in page and "Hola, María Quispe" in page
    assert "Flor del Valle" in page  # the pseudonym option shows the exact name
    assert "Puedes decir que no." in page  # the notice, in Spanish
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "<script" not in page


def test_page_is_light(client, person):
    page = client.get(f"/r/{person['token']}")
    css = client.get("/assets/css/review.css")
    weight = len(page.data) + len(css.data)
    css.close()
    assert weight < 30 * 1024, weight
    assert "htmx" not in page.get_data(as_text=True)


def test_yes_with_pseudonym_clears_the_item(client, person):
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    prefix = f"i{person['item'].id}"
    data = form_fields(page, prefix) | {f"{prefix}-channels": ["x"], f"{prefix}-attribution": "pseudonym",
                                        f"{prefix}-answer": "given", f"{prefix}-valid_until": ""}
    response = client.post(f"/r/{person['token']}/items/{person['item'].id}", data=data)
    assert response.status_code == 302
    decision = Decision.latest(person["maria"].id, "item", person["item"].id)
    assert (decision.outcome, decision.method, decision.review_link) == ("given", "review_page", person["link"].id)
    assert decision.scope_data["attribution"] == "pseudonym"
    assert decision.notice_language == "es" and decision.notice_version == "v2"
    assert Item.get_by_id(person["item"].id).state == "cleared"
    again = client.post(f"/r/{person['token']}/items/{person['item'].id}", data=data)
    assert again.status_code == 302
    assert Decision.select().where(Decision.outcome == "given").count() == 1
    after = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gracias" in after and "Nada te espera" in after


def test_changes_needs_a_comment_and_keeps_the_form(client, person):
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    prefix = f"i{person['item'].id}"
    data = form_fields(page, prefix) | {f"{prefix}-answer": "changes_requested", f"{prefix}-comment": ""}
    response = client.post(f"/r/{person['token']}/items/{person['item'].id}", data=data)
    assert response.status_code == 400
    assert "Di qué debería cambiar." in response.get_data(as_text=True)
    data[f"{prefix}-comment"] = "Prefiero mi seudónimo"
    assert client.post(f"/r/{person['token']}/items/{person['item'].id}", data=data).status_code == 302
    assert Item.get_by_id(person["item"].id).state == "draft"


def test_one_thing_at_a_time_and_an_answer_that_needs_more_shows_the_thing_she_answered(client, person, factories):
    """Her page asks one thing; a form she sent for another (an older tab, the back button)
    that needs more comes back with that thing, its error and what she typed."""
    from amplify.invitations.models import Invitation

    first, maria = person["item"], person["maria"]
    second = factories.send(factories.item(person["campaign"], people=[(maria, "quoted", None)], title="Segundo"))
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert page.count("<article") == 1 and f'id="item-{first.id}"' in page
    assert "2 cosas esperan tu respuesta" in page and "Te espera 1 cosa más" in page

    prefix = f"i{second.id}"  # the form of the second, as an older page showed it
    data = {"csrf_token": form_fields(page, f"i{first.id}")["csrf_token"],
            f"{prefix}-content_hash": Item.get_by_id(second.id).content_hash, f"{prefix}-request_key": "k-2",
            f"{prefix}-answer": "changes_requested", f"{prefix}-comment": ""}
    response = client.post(f"/r/{person['token']}/items/{second.id}", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and body.count("<article") == 1
    assert f'id="item-{second.id}"' in body and "Di qué debería cambiar." in body

    # With every item answered, an invitation is asked.
    event = factories.event("Conferencia de la OIT")
    invitation = Invitation.create(event=event, activist=maria, role="speaker", state="invited")
    for item in (first, second):
        fields = form_fields(client.get(f"/r/{person['token']}").get_data(as_text=True), f"i{item.id}")
        assert client.post(f"/r/{person['token']}/items/{item.id}", data=fields | {
            f"i{item.id}-answer": "refused"}).status_code == 302
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert f'id="invitation-{invitation.id}"' in page and "Conferencia de la OIT" in page
    assert "1 cosa espera tu respuesta" in page and "cosa más" not in page and "cosas más" not in page


def test_decision_on_a_replaced_version_is_refused_with_the_new_one_shown(app, client, person, factories):
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    prefix = f"i{person['item'].id}"
    data = form_fields(page, prefix) | {f"{prefix}-channels": ["x"], f"{prefix}-attribution": "pseudonym",
                                        f"{prefix}-answer": "given"}
    with app.app_context():
        from amplify.items.changes import save_item, send_for_review

        item = Item.get_by_id(person["item"].id)
        save_item(item, people=[(person["maria"].id, "quoted", None)], variant_ids=[],
                  text=item.text + " ¡Ya!")
        send_for_review(Item.get_by_id(item.id))
    response = client.post(f"/r/{person['token']}/items/{person['item'].id}", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    card = body[body.index(f'id="item-{person["item"].id}"'):]
    card = card[:card.index("</article>")]
    # Inside the card she answered: that it changed, and what changed from the version she saw.
    assert "El equipo cambió esto mientras leías" in card and "<ins>¡Ya!</ins>" in card
    assert Decision.select().where(Decision.outcome == "given").count() == 0


def test_an_item_the_team_took_back_while_she_read_is_not_recorded_and_the_next_thing_comes(app, client, person,
                                                                                            factories):
    """Staff edit the item she is reading (it goes back to draft): her yes is not recorded,
    her page says so, and shows what waits next — never an empty page."""
    from amplify.items.changes import save_item

    first, maria = person["item"], person["maria"]
    second = factories.send(factories.item(person["campaign"], people=[(maria, "quoted", None)], title="Segundo"))
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    prefix = f"i{first.id}"
    data = form_fields(page, prefix) | {f"{prefix}-channels": ["x"], f"{prefix}-attribution": "pseudonym",
                                        f"{prefix}-answer": "given"}
    with app.app_context():
        item = Item.get_by_id(first.id)
        save_item(item, people=[(maria.id, "quoted", None)], variant_ids=[], text=item.text + " ¡Ya!")
    assert Item.get_by_id(first.id).state == "draft"
    response = client.post(f"/r/{person['token']}/items/{first.id}", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "El equipo está cambiando lo que respondías" in body
    assert body.count("<article") == 1 and f'id="item-{second.id}"' in body
    assert not Decision.select().where((Decision.subject_id == first.id) & (Decision.outcome == "given")).exists()


def test_a_key_message_waits_only_for_a_spokesperson(client, person, factories):
    """A campaign that names no organisation may be approved by any spokesperson — not by
    someone who speaks for none."""
    campaign = factories.campaign("Sin organización")
    factories.variant(factories.message(campaign, title="Mensaje abierto", titles={"es": "Mensaje abierto"}))
    outsider = factories.activist("No vocera", languages=["es"])
    _link, token = factories.link(outsider)
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Mensaje abierto" not in page and "Nada te espera." in page
    spokes = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert "2 cosas esperan tu respuesta" in spokes  # María speaks for her organisation: item + message


def test_the_next_card_names_her_as_she_chose_last_time(client, person, factories):
    """Where, how named and until when are collapsed with her usual choices: the name she
    chose at her last yes is the one checked on the next card."""
    second = factories.send(factories.item(person["campaign"], people=[(person["maria"], "quoted", None)],
                                           title="Segundo"))
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    prefix = f"i{person['item'].id}"
    checked = re.search(rf'name="{prefix}-attribution" type="radio" value="(\w+)" checked', page).group(1)
    chosen = "first_name" if checked != "first_name" else "full_name"
    data = form_fields(page, prefix) | {f"{prefix}-channels": ["x"], f"{prefix}-attribution": chosen,
                                        f"{prefix}-answer": "given"}
    assert client.post(f"/r/{person['token']}/items/{person['item'].id}", data=data).status_code == 302
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert re.search(rf'name="i{second.id}-attribution" type="radio" value="(\w+)" checked', page).group(1) == chosen


def test_after_her_answer_she_sees_the_thanks_and_the_next_thing_at_the_top(client, person, factories):
    second = factories.send(factories.item(person["campaign"], people=[(person["maria"], "quoted", None)],
                                           title="Segundo"))
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    prefix = f"i{person['item'].id}"
    data = form_fields(page, prefix) | {f"{prefix}-channels": ["x"], f"{prefix}-attribution": "pseudonym",
                                        f"{prefix}-answer": "given"}
    response = client.post(f"/r/{person['token']}/items/{person['item'].id}", data=data)
    assert response.status_code == 302 and response.headers["Location"] == f"/r/{person['token']}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert page.index("Gracias. Tu sí quedó registrado") < page.index(f'id="item-{second.id}"')


def test_her_events_are_those_she_goes_to_an_invitation_is_asked_first(client, person, factories):
    """An invitation still to answer is asked (yes or no) on its own card; "At your events"
    lists the events she said she goes to, the soonest first — not the one she is asked about."""
    from amplify.invitations.models import Invitation

    maria = person["maria"]
    going = factories.invitation(factories.event("Conferencia Internacional del Trabajo", days=40), maria)
    Invitation.update(state="accepted").where(Invitation.id == going.id).execute()
    asked = factories.invitation(factories.event("Audiencia pública", days=10), maria)
    Invitation.update(state="invited").where(Invitation.id == asked.id).execute()
    person_item = person["item"]
    Item.update(state="draft").where(Item.id == person_item.id).execute()  # nothing else waits
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert f'id="invitation-{asked.id}"' in page and f'id="event-{going.id}"' in page
    assert f'id="event-{asked.id}"' not in page and "1 cosa espera tu respuesta" in page


def test_what_changed_is_shown_after_an_edit(app, client, person):
    from amplify.consent import ledger
    from amplify.items.changes import save_item, send_for_review

    with app.app_context():
        item = Item.get_by_id(person["item"].id)
        ledger.record_decision(person["maria"], "item", item, item.content_hash, "given",
                               method="review_page", scope={"channels": ["x"], "attribution": "full_name"})
        save_item(Item.get_by_id(item.id), people=[(person["maria"].id, "quoted", None)], variant_ids=[],
                  text=item.text.replace("trabajo»", "empleo»"))
        send_for_review(Item.get_by_id(item.id))
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert "Qué cambió desde tu última respuesta" in page
    assert "<del>trabajo»</del>" in page and "<ins>empleo»</ins>" in page


def test_withdraw_from_the_page_and_see_the_takedown(app, client, person, login):
    from amplify.consent import ledger
    from amplify.items.changes import publish

    with app.app_context():
        item = Item.get_by_id(person["item"].id)
        ledger.record_decision(person["maria"], "item", item, item.content_hash, "given",
                               method="review_page", scope={"channels": ["x"], "attribution": "pseudonym"})
        publish(Item.get_by_id(item.id), None, "x", "https://x.example/status/1")
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert "https://x.example/status/1" in page and "Quitarlo" in page
    withdraw_url = f"/r/{person['token']}/items/{person['item'].id}/withdraw"
    assert f'href="{withdraw_url}"' in page  # a link to a second look, not a one-tap button
    confirm = client.get(withdraw_url).get_data(as_text=True)
    assert "¿Quitarlo de X?" in confirm and "Sí, quitarlo" in confirm and "No, déjalo" in confirm
    assert Item.get_by_id(person["item"].id).state == "published"  # looking changes nothing
    token = TOKEN.search(confirm)
    key = re.search(r'name="request_key" value="([^"]+)"', confirm).group(1)
    response = client.post(withdraw_url, data={"csrf_token": token.group(1) or token.group(2), "request_key": key})
    assert response.status_code == 302
    assert Item.get_by_id(person["item"].id).state == "takedown_required"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Lo estamos quitando de todas partes" in page and "Esperando que lo quiten" in page
    with app.app_context():
        from amplify.items.changes import confirm_takedown
        from amplify.items.models import Publication

        confirm_takedown(Publication.get(), None)
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert "Quitado el" in page


@pytest.mark.parametrize("spoil, status", [("forged", 404), ("garbage", 404), ("expired", 410), ("revoked", 410)])
def test_unusable_links_reveal_nothing(client, person, spoil, status):
    token = person["token"]
    if spoil == "forged":
        token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    elif spoil == "expired":
        ReviewLink.update(expires_at=utcnow() - timedelta(minutes=1)).execute()
    elif spoil == "revoked":
        ReviewLink.update(revoked_at=utcnow()).execute()
    else:
        token = "not-a-token"
    response = client.get(f"/r/{token}", headers={"Accept-Language": "pt-BR"})
    body = response.get_data(as_text=True)
    assert response.status_code == status
    assert "María" not in body and "Flor" not in body
    if status == 404:  # a guess, not signed by Amplify: counted, in the phone's language
        assert "Este link não funciona" in body and "link novo" in body and LinkAttempt.select().count() == 1
    else:  # a link we signed, grown old: her language (from the token); neither a guess nor "does not work"
        assert "Este enlace ya no está en uso" in body and 'lang="es"' in body and "no funciona" not in body
        assert LinkAttempt.select().count() == 0


def test_guessing_never_locks_a_valid_link_out(app, person, client, factories):
    limit = app.config["LINK_MAX_FAILURES_PER_ADDRESS"]
    codes = [client.get(f"/r/bad-token-{n}").status_code for n in range(limit + 5)]
    assert codes == [404] * limit + [429] * 5
    assert LinkAttempt.select().count() == limit  # past the limit, guesses cost no writes
    refused = client.get("/r/bad-token-again", headers={"Accept-Language": "en"})
    assert "Too many attempts" in refused.get_data(as_text=True) and refused.headers["Retry-After"] == "900"
    # From the very same address, her real link opens, and an old one is called old.
    assert client.get(f"/r/{person['token']}").status_code == 200
    old, token = factories.link(person["maria"])
    ReviewLink.update(revoked_at=utcnow()).where(ReviewLink.id == old.id).execute()
    assert client.get(f"/r/{token}").status_code == 410


def test_tampering_with_one_link_is_limited_per_prefix_from_any_address(app, person):
    payload, stamp, _ = person["token"].split(".")
    limit = app.config["LINK_MAX_FAILURES_PER_PREFIX"]
    codes = []
    for n in range(limit + 2):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n}"
        codes.append(client.get(f"/r/{payload}.{stamp}.forged{n}").status_code)
    assert codes == [404] * limit + [429] * 2
    assert app.test_client().get(f"/r/{person['token']}").status_code == 200


def test_a_repeated_answer_is_thanked_again_not_refused(client, person):
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    prefix = f"i{person['item'].id}"
    data = form_fields(page, prefix) | {f"{prefix}-channels": ["x"], f"{prefix}-attribution": "pseudonym",
                                        f"{prefix}-answer": "given", f"{prefix}-valid_until": ""}
    for _ in range(2):
        response = client.post(f"/r/{person['token']}/items/{person['item'].id}", data=data, follow_redirects=True)
        assert response.status_code == 200 and "Gracias. Tu sí quedó registrado." in response.get_data(as_text=True)
    assert Decision.select().where(Decision.outcome == "given").count() == 1


def test_receipts_are_only_the_persons_own(app, client, person, factories):
    from amplify.consent import ledger

    other = factories.activist("Otra Persona")
    item2 = factories.send(factories.item(person["campaign"], people=[(other, "named", None)], title="otro"))
    with app.app_context():
        item = Item.get_by_id(person["item"].id)
        mine = ledger.record_decision(person["maria"], "item", item, item.content_hash, "given",
                                      method="review_page", scope={"channels": ["x"], "attribution": "pseudonym"})
    theirs = Decision.latest(other.id, "item", item2.id)
    page = client.get(f"/r/{person['token']}/decisions/{mine.id}")
    assert page.status_code == 200 and "Tu comprobante" in page.get_data(as_text=True)
    data = client.get(f"/r/{person['token']}/decisions/{mine.id}.json").get_json()
    assert data["header"]["pii_principal_id"] == person["maria"].ref
    assert client.get(f"/r/{person['token']}/decisions/{theirs.id}").status_code == 404


def test_staff_make_show_and_revoke_links(app, login, person):
    session = login("events")
    response = session.post(f"/consent/people/{person['maria'].id}/links", {})
    assert response.status_code == 302
    link_page = session.get(response.headers["Location"]).get_data(as_text=True)
    url = re.search(r'id="link-url" type="text" readonly value="([^"]+)"', link_page).group(1)
    assert "<svg" in link_page and "/r/" in url
    link = ReviewLink.select().order_by(ReviewLink.id.desc()).first()
    anonymous = app.test_client()
    assert anonymous.get(url.split("localhost", 1)[1]).status_code == 200
    session.post(f"/consent/links/{link.id}/revoke", {})
    assert anonymous.get(url.split("localhost", 1)[1]).status_code == 410
    assert login("viewer").get(f"/consent/people/{person['maria'].id}").status_code == 403


def test_spokesperson_approves_a_message_on_her_page(client, person, factories):
    from amplify.campaigns.models import MessageVariant

    from amplify.campaigns.models import Message

    message = factories.message(person["campaign"], title="Ratify C190 (staff title)")
    variant = factories.variant(message)
    # One thing at a time: the item that waits first, then the message.
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert page.count("<article") == 1 and f'id="item-{person["item"].id}"' in page and "Mensaje clave" not in page
    assert "Te espera 1 cosa más" in page
    item_prefix = f"i{person['item'].id}"
    data = form_fields(page, item_prefix) | {f"{item_prefix}-answer": "given", f"{item_prefix}-channels": "x",
                                             f"{item_prefix}-attribution": "pseudonym"}
    assert client.post(f"/r/{person['token']}/items/{person['item'].id}", data=data).status_code == 302
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    # The staff title is in no known language: she is shown none rather than one she may not read.
    assert "Mensaje clave para aprobar" in page and "Ratify C190" not in page
    Message.update(titles={"es": "Ratificar el C190", "en": "Ratify C190"}).where(Message.id == message.id).execute()
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert "Ratificar el C190" in page and "Ratify C190" not in page
    prefix = f"v{variant.id}"
    data = form_fields(page, prefix) | {f"{prefix}-answer": "given"}
    assert client.post(f"/r/{person['token']}/variants/{variant.id}", data=data).status_code == 302
    approved = MessageVariant.get_by_id(variant.id)
    assert (approved.state, approved.approved_by_id, approved.approval_method) == (
        "approved", person["maria"].id, "review_page")
    outsider = factories.activist("No vocera")
    _, token = factories.link(outsider)
    other = factories.message(person["campaign"], title="Otro")
    assert "Otro" not in client.get(f"/r/{token}").get_data(as_text=True)
    # Not hers to answer: her page again, nothing recorded, never "this link does not work".
    refused = client.post(f"/r/{token}/variants/{factories.variant(other).id}", data=data, follow_redirects=True)
    assert refused.status_code == 200 and "no funciona" not in refused.get_data(as_text=True)
    assert not Decision.select().where(Decision.activist == outsider.id).exists()
    # Her answer sent twice (a double tap, the back button): what we have, never "does not work".
    answers = Decision.select().where(Decision.subject_type == "variant").count()
    again = client.post(f"/r/{person['token']}/variants/{variant.id}", data=data, follow_redirects=True)
    assert again.status_code == 200 and "no funciona" not in again.get_data(as_text=True)
    assert "Hola, María" in again.get_data(as_text=True)  # her page again
    assert Decision.select().where(Decision.subject_type == "variant").count() == answers  # recorded once


def test_sending_the_form_without_choosing_an_answer_says_so(client, person):
    """Found by the permission matrix (a post with no answer was a 500)."""
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    prefix = f"i{person['item'].id}"
    response = client.post(f"/r/{person['token']}/items/{person['item'].id}",
                           data=form_fields(page, prefix) | {f"{prefix}-channels": ["x"]})
    assert response.status_code == 400
    assert "Elige sí, no o cambiar algo." in response.get_data(as_text=True)
    assert Decision.latest(person["maria"].id, "item", person["item"].id).outcome == "requested"


def test_her_page_reads_in_the_same_queries_with_one_thing_waiting_or_many(app, client, person, factories):
    """Issue 13: cards, images, earlier versions, what went out and the messages she may
    approve are read in a fixed number of queries, not one or more per thing."""
    from amplify.campaigns.models import CampaignOrganization
    from amplify.items.models import Publication
    from tests.test_bounded_pages import measure

    maria, campaign = person["maria"], person["campaign"]
    CampaignOrganization.create(campaign=campaign, organization=maria.organization_id)
    other = factories.campaign("Otra campaña")  # names no organization: any spokesperson approves
    path = f"/r/{person['token']}"

    def more(n):
        for k in range(n):
            factories.message(campaign, title=f"Mensaje {n}-{k}")
            factories.message(other, title=f"Otro mensaje {n}-{k}")
            factories.message(campaign, title=f"En portugués {n}-{k}", language="pt")  # she reads only es
            factories.send(factories.item(campaign, people=[(maria, "quoted", None)], title=f"Más {n}-{k}"))
            out = factories.item(campaign, people=[(maria, "quoted", None)], title=f"Publicado {n}-{k}")
            Publication.create(item=out, channel="x", url=f"https://example.org/{out.id}", published_at=utcnow())

    more(1)
    small = measure(app, client, [path])[path]
    more(6)
    large = measure(app, client, [path])[path]
    page = client.get(path).get_data(as_text=True)
    # 1 + 7 items and 7 + 7 messages in Spanish wait (none in Portuguese): the oldest item
    # is asked, the other 21 are counted and come one after another.
    assert page.count("<article") == 1 and page.count('<article id="item-') == 1
    assert "22 cosas esperan tu respuesta" in page and "Te esperan 21 cosas más" in page
    assert page.count("example.org/") == 2 * 3  # the latest 3 of the 7 that went out: link text and href
    assert small[0] == large[0], (small, large)


def test_her_history_lists_show_the_latest_and_page_through_the_rest(app, client, person, factories):
    """Issue 13: what went out with her consent, her answers and her invitations are bounded
    on her page; every one stays reachable (each with its "take it down"), only hers."""
    from amplify.consent import ledger
    from amplify.items.models import Publication

    maria, campaign, token = person["maria"], person["campaign"], person["token"]
    other = factories.activist("Ana Souza")
    out = []
    for k in range(23):
        item = factories.send(factories.item(campaign, people=[(maria, "quoted", None)], title=f"Salió {k}"))
        with app.app_context():
            ledger.record_decision(maria, "item", item, item.content_hash, "given", method="review_page",
                                   scope={"channels": ["x"], "attribution": "pseudonym"})
        Publication.create(item=item, channel="x", url=f"https://x.example/{item.id}", published_at=utcnow())
        out.append(item.id)
    theirs = factories.item(campaign, people=[(other, "quoted", None)], title="De Ana")
    Publication.create(item=theirs, channel="x", url=f"https://x.example/{theirs.id}", published_at=utcnow())

    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert page.count('<li id="published-') == 3  # the latest three, each with its "take it down"
    assert page.count("/withdraw\"") == 3
    assert f'href="/r/{token}/published"' in page and "Ver las 23 cosas publicadas" in page
    assert page.count('<li id="decision-') == 3 and "Ver tus 23 respuestas" in page

    seen, takedowns = [], 0
    for number in (1, 2):
        listed = client.get(f"/r/{token}/published?page={number}").get_data(as_text=True)
        assert f"Página {number} de 2" in listed
        seen += [int(i) for i in re.findall(r'<li id="published-(\d+)"', listed)]
        takedowns += listed.count("/withdraw\"")
    assert sorted(seen) == sorted(out) and len(seen) == 23  # each once, newest first, none of Ana's
    assert takedowns == 23 and f"x.example/{theirs.id}" not in listed
    answers = client.get(f"/r/{token}/answers?page=2").get_data(as_text=True)
    assert answers.count('<li id="decision-') == 3 and answers.count("Ver el comprobante") == 3

    for bad in ("0", "-1", "999", "abc", "1e9", "2" * 40):  # the first page, never a 500
        response = client.get(f"/r/{token}/published?page={bad}")
        assert response.status_code == 200 and "Página 1 de 2" in response.get_data(as_text=True)


def test_when_her_link_was_last_used_is_kept_to_the_minute_without_a_write_per_view(client, person):
    """Issue 13: staff (and her data export) see when her link was last used; a page view
    writes it only when the link was not used in the last minute."""
    from tests.test_reports import counting_queries

    link, token = person["link"], person["token"]
    assert ReviewLink.get_by_id(link.id).last_used_at is None
    client.get(f"/r/{token}")
    first = ReviewLink.get_by_id(link.id).last_used_at
    assert first is not None and utcnow() - first < timedelta(seconds=30)
    with counting_queries() as counted:
        assert client.get(f"/r/{token}").status_code == 200
    assert not [sql for sql in counted if sql.lstrip().upper().startswith("UPDATE")]
    assert ReviewLink.get_by_id(link.id).last_used_at == first

    earlier = utcnow() - timedelta(minutes=2)
    ReviewLink.update(last_used_at=earlier).where(ReviewLink.id == link.id).execute()
    client.get(f"/r/{token}")
    assert ReviewLink.get_by_id(link.id).last_used_at > earlier + timedelta(minutes=1)


def test_call_me_is_offered_once_with_the_thing_asked_or_on_its_own(client, person):
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    card = page[page.index(f'id="item-{person["item"].id}"'):page.index("</article>")]
    assert page.count("Prefiero hablar: llámenme") == 1 and "Prefiero hablar: llámenme" in card
    Item.update(state="draft").where(Item.id == person["item"].id).execute()  # nothing waits
    page = client.get(f"/r/{person['token']}").get_data(as_text=True)
    assert "Nada te espera." in page and page.count("Prefiero hablar: llámenme") == 1
