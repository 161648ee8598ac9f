"""The consent journey of issue 3: staff in a desktop browser, the activist on a phone
without JavaScript, each page checked with axe-core."""

import re

from tests.browser.conftest import serious_violations, signed_in


def no_violations(page):
    problems = serious_violations(page)
    assert not problems, f"{page.url}: {problems}"


def phone_checks(browser, url):
    """axe-core needs JavaScript, which the activist's phone page runs without: check the
    same page in a JavaScript-enabled phone-sized context."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-PE")
    page = context.new_page()
    page.goto(url)
    no_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_consent_from_request_to_takedown(app, browser, live_server, make_user, factories):
    from amplify.consent import ledger
    from amplify.items.changes import publish
    from amplify.items.models import Item

    make_user("comms", email="comms@example.org")
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", languages=["es"])
    campaign = factories.campaign("Trabajo digno")
    earlier = factories.send(factories.item(campaign, people=[(maria, "quoted", None)],
                                            title="Post anterior"))
    with app.app_context():
        ledger.record_decision(maria, "item", earlier, earlier.content_hash, "given",
                               method="review_page", scope={"channels": ["x"], "attribution": "full_name"})
        publish(Item.get_by_id(earlier.id), None, "x", "https://example.org/anterior")

    staff = signed_in(browser, live_server, "comms@example.org")

    # Staff create an item naming María and send it for review.
    staff.goto(f"{live_server}/items/new")
    staff.get_by_label("Campaign").select_option(label="Trabajo digno")
    staff.get_by_label("Title").fill("Cita del día")
    staff.get_by_label("Language").select_option("es")
    staff.get_by_label("Channel").select_option("x")
    staff.get_by_label("Text", exact=True).fill("«Sin nosotras no funciona ninguna casa» — {%s}" % maria.ref)
    staff.locator("#people-0-activist").fill("María Quispe")
    staff.locator("#people-0-appearance").select_option("quoted")
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_url(re.compile(r"/items/\d+$"))
    item_url = staff.url
    no_violations(staff)
    staff.get_by_role("button", name="Send for review").click()
    staff.wait_for_load_state()  # the page the click opened, loaded
    assert "In review" in staff.content()

    # A personal link for María, with its QR code.
    staff.get_by_role("link", name="Personal link").first.click()
    no_violations(staff)
    staff.get_by_role("button", name="Make a new personal link").click()
    assert staff.locator(".qr svg").count() == 1
    no_violations(staff)
    link = staff.locator("#link-url").input_value()

    # María, on her phone, without JavaScript: reads the notice, says yes as her pseudonym.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False,
                                locale="es-PE").new_page()
    phone.goto(link)
    assert "Hola, María Quispe" in phone.content()
    # The full notice is one tap away, without JavaScript.
    assert not phone.get_by_text("Puedes decir que no.").first.is_visible()
    phone.locator("summary", has_text="Todo sobre este pedido").first.click()
    assert phone.get_by_text("Puedes decir que no.").first.is_visible()
    phone_checks(browser, link)
    card = phone.locator("article.card").filter(has_text="Sin nosotras")
    card.locator("summary", has_text="Cambiar dónde, tu nombre o hasta cuándo").click()
    card.get_by_label(re.compile("Flor del Valle")).check()
    card.get_by_role("button", name="Sí, estoy de acuerdo").click()
    phone.wait_for_load_state()  # the page the click opened, loaded
    assert "Gracias. Tu sí quedó registrado." in phone.content()
    phone_checks(browser, link)

    # The item is cleared and its export names her by her pseudonym.
    staff.goto(item_url)
    assert "Cleared: everyone agreed to this exact version." in staff.content()
    export = staff.context.request.get(item_url + "/export.txt")
    assert export.ok and "— Flor del Valle" in export.text()

    # Staff change one word: no longer cleared, and María sees what changed.
    staff.get_by_role("link", name="Edit").first.click()
    staff.get_by_label("Text", exact=True).fill("«Sin nosotras no funciona ningún hogar» — {%s}" % maria.ref)
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_load_state()  # the page the click opened, loaded
    assert "Cleared: everyone agreed" not in staff.content()
    assert staff.context.request.get(item_url + "/export.txt").status == 409
    staff.get_by_role("button", name="Send for review").click()
    phone.goto(link)
    changed = phone.locator(".changes")
    assert "Qué cambió desde tu última respuesta" in changed.inner_text()
    assert changed.locator("del").first.inner_text() == "ninguna casa»"
    assert changed.locator("ins").first.inner_text() == "ningún hogar»"

    # María withdraws the earlier published item: it enters the take-down queue.
    phone.locator("#published-%d" % earlier.id).get_by_role("link", name="Quitarlo").click()
    phone.get_by_role("button", name="Sí, quitarlo").click()
    phone.wait_for_load_state()  # the page the click opened, loaded
    assert "Lo estamos quitando de todas partes" in phone.content()
    assert "Esperando que lo quiten" in phone.locator("#published-%d" % earlier.id).inner_text()
    staff.goto(f"{live_server}/consent/takedowns")
    assert "https://example.org/anterior" in staff.content()
    no_violations(staff)
