"""Issue 14 on a phone: 360 × 740, JavaScript off, in es, pt, en and fr. The first thing
waiting for every demo activist shows its preview, its plain sentence and all three
answers without scrolling; then one journey per language through every step she meets."""

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import serious_violations

DEMO = Path(__file__).resolve().parents[2] / "campaigns" / "domestic-work-is-work"
PHONE = {"width": 360, "height": 740}
LANGUAGES = ("es", "pt", "en", "fr")


def phone(browser, language):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale=language)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def axe_clean(browser, url, language):
    """axe-core runs JavaScript, which her page never needs: the same URL in a phone-sized
    context with JavaScript on. Also: no sideways scrolling, and the page's language."""
    context = browser.new_context(viewport=PHONE, locale=language)
    page = context.new_page()
    page.goto(url)
    problems = serious_violations(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert not problems, f"{url}: {problems}"
    assert width <= PHONE["width"], url


def inside_first_screen(page, locator):
    box = locator.bounding_box()
    assert box is not None, locator
    return box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_thing_waiting_fits_the_first_screen(app, browser, live_server, language):
    from amplify.campaigns.packs import import_pack
    from amplify.consent import ledger
    from amplify.items.changes import send_for_review
    from amplify.items.models import Item
    from amplify.people.models import Activist

    with app.app_context():
        import_pack(DEMO, trusted=True)
        for item in Item.select().where(Item.state == "draft"):
            send_for_review(item)  # everything waiting at once: the heaviest pages
        Activist.update(preferred_language=language).execute()
        links = {a.ref: ledger.create_link(a, None)[1] for a in Activist.select()}
    checked = 0
    for ref, token in links.items():
        page = phone(browser, language)
        page.goto(f"{live_server}/r/{token}")
        assert page.locator("html").get_attribute("lang") == language
        card = page.locator("article[id^='item-'], article[id^='variant-']").first
        if not card.count():
            page.context.close()
            continue
        for part in (card.locator(".preview"), card.locator(".sentence"), *(
                card.locator(".answers button").nth(i) for i in range(3))):
            assert inside_first_screen(page, part), (ref, language, part)
        checked += 1
        page.context.close()
    assert checked >= 2  # María (a thread) and Ana (a post, then a key message)


TEXT = {
    "es": {"yes": "Sí, estoy de acuerdo", "change": "Cambiar algo", "thanks_yes": "Tu sí quedó registrado",
           "already": "Ya tenemos tu respuesta del", "stale": "El equipo cambió esto mientras leías",
           "take_down": "Quitarlo", "confirm": "Sí, quitarlo", "progress": "Esperando que lo quiten",
           "dead": "Este enlace no funciona", "old": "Este enlace ya no está en uso", "receipt": "Ver el comprobante", "write": "Para pedir un cambio"},
    "pt": {"yes": "Sim, concordo", "change": "Mudar algo", "thanks_yes": "O seu sim foi registrado",
           "already": "Já temos a sua resposta de", "stale": "A equipe mudou isto enquanto você lia",
           "take_down": "Tirar do ar", "confirm": "Sim, tirar do ar", "progress": "Esperando ser tirado do ar",
           "dead": "Este link não funciona", "old": "Este link não está mais em uso", "receipt": "Ver o comprovante", "write": "Para pedir uma mudança"},
    "en": {"yes": "Yes, I agree", "change": "Change something", "thanks_yes": "Your yes was recorded",
           "already": "We already have your answer from", "stale": "The team changed this while you were reading",
           "take_down": "Take it down", "confirm": "Yes, take it down", "progress": "Waiting to be taken down",
           "dead": "This link does not work", "old": "This link is no longer in use", "receipt": "See the receipt", "write": "To ask for a change"},
    "fr": {"yes": "Oui, j’accepte", "change": "Changer quelque chose", "thanks_yes": "Votre oui est enregistré",
           "already": "Nous avons déjà votre réponse du", "stale": "L’équipe a changé ceci pendant que vous lisiez",
           "take_down": "Le retirer", "confirm": "Oui, le retirer", "progress": "En attente de retrait",
           "dead": "Ce lien ne fonctionne pas", "old": "Ce lien n’est plus utilisé", "receipt": "Voir le reçu", "write": "Pour demander un changement"},
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_her_journey(app, browser, live_server, factories, language):
    from amplify.consent.models import Decision, ReviewLink
    from amplify.db import utcnow
    from amplify.items.changes import publish, save_item, send_for_review
    from amplify.items.models import Item

    words = TEXT[language]
    her = factories.activist("Dora Lima", pseudonym="Dora do Sul", languages=[language],
                             preferred_language=language)
    campaign = factories.campaign("Trabajo digno")
    first = factories.send(factories.item(campaign, people=[(her, "quoted", None)], language=language,
                                          text="«Sin nosotras no funciona ninguna casa» — {%s}" % her.ref))
    second = factories.send(factories.item(campaign, people=[(her, "named", None)], language=language,
                                           title="Segundo", text="{%s} habla hoy en la radio." % her.ref))
    third = factories.send(factories.item(campaign, people=[(her, "named", None)], language=language,
                                          title="Tercero", text="Hoy {%s} firma la carta." % her.ref))
    _link, token = factories.link(her)
    url = f"{live_server}/r/{token}"
    page = phone(browser, language)
    earlier = phone(browser, language)  # the same page left open in another tab
    earlier.goto(url)

    # Open the link: three things wait; the first is answered with one tap on "yes".
    page.goto(url)
    assert page.locator("html").get_attribute("lang") == language
    assert "{" not in page.content()
    axe_clean(browser, url, language)
    first_card = page.locator(f"#item-{first.id}")
    assert inside_first_screen(page, first_card.get_by_role("button", name=words["yes"]))
    first_card.get_by_role("button", name=words["yes"]).click()
    page.wait_for_load_state()  # the page the click opened, loaded
    assert words["thanks_yes"] in page.content()

    # Ask for a change on the second: the comment is written first, behind one tap.
    second_card = page.locator(f"#item-{second.id}")
    second_card.locator("summary", has_text=words["write"]).click()
    second_card.locator("textarea").fill("Mejor sin mi nombre")
    second_card.get_by_role("button", name=words["change"]).click()
    assert Decision.latest(her.id, "item", second.id).outcome == "changes_requested"

    # The same yes sent again from the other tab: "we already have your answer", never a dead link.
    earlier.locator(f"#item-{first.id}").get_by_role("button", name=words["yes"]).click()
    earlier.wait_for_load_state()  # the page the click opened, loaded
    assert words["already"] in earlier.content()
    assert words["dead"] not in earlier.content()
    assert Decision.select().where((Decision.subject_id == first.id) & (Decision.outcome == "given")).count() == 1

    # A stale version: staff edit the third while she reads; she answers; the card shows what changed.
    page.goto(url)
    with app.app_context():
        item = Item.get_by_id(third.id)
        save_item(item, people=[(her.id, "named", None)], variant_ids=[], text=item.text + " ¡Ya!")
        send_for_review(Item.get_by_id(third.id))
    page.locator(f"#item-{third.id}").get_by_role("button", name=words["yes"]).click()
    stale_card = page.locator(f"#item-{third.id}")
    assert words["stale"] in stale_card.inner_text()
    assert stale_card.locator(".changes ins").first.inner_text() == "¡Ya!"
    assert page.url.endswith(f"#item-{third.id}")

    # Withdraw the published first item, with a second look, then see the progress.
    with app.app_context():
        publish(Item.get_by_id(first.id), None, "x", "https://x.example/status/9")
    page.goto(url)
    page.locator(f"#published-{first.id}").get_by_role("link", name=words["take_down"]).click()
    axe_clean(browser, page.url, language)
    page.get_by_role("button", name=words["confirm"]).click()
    assert words["progress"] in page.locator(f"#published-{first.id}").inner_text()

    # Her answers, each named; the receipt opens as a page.
    answers = page.locator(".answers-list li")
    assert "Sin nosotras no funciona ninguna casa" in page.locator(".answers-list").inner_text()
    answers.first.get_by_role("link", name=words["receipt"]).click()
    page.wait_for_load_state()  # the page the click opened, loaded
    assert page.locator("h1").count() == 1 and "{" not in page.content()
    axe_clean(browser, page.url, language)

    # Expired, then revoked: the page says so in her language, whatever the phone speaks.
    other_phone = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="de-DE").new_page()
    ReviewLink.update(expires_at=utcnow() - timedelta(minutes=1)).execute()
    other_phone.goto(url)
    assert words["old"] in other_phone.content() and words["dead"] not in other_phone.content()
    assert other_phone.locator("html").get_attribute("lang") == language
    ReviewLink.update(expires_at=utcnow() + timedelta(days=1), revoked_at=utcnow()).execute()
    other_phone.goto(url)
    assert words["old"] in other_phone.content()
    axe_clean(browser, url, language)
