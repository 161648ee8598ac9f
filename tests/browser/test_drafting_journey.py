"""The drafting journey of issue 4, in Chromium: compose from an approved message for three
platforms, overflow the X text, send for review, consent, export, publish."""

import re
from datetime import date, timedelta

from tests.browser.conftest import serious_violations, signed_in


def test_compose_overflow_consent_export_publish(app, browser, live_server, make_user, factories):
    make_user("comms", email="comms@example.org")
    org = factories.organization()
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", languages=["es"],
                               spokesperson_for=[org])
    campaign = factories.campaign("Trabajo digno", hashtags=["#C189"], links=["https://www.ilo.org/"])
    message = factories.message(campaign, title="Trabajo es trabajo",
                                short_form="El trabajo del hogar es trabajo.",
                                long_form="Cuidamos hogares para que otras personas puedan trabajar.",
                                call_to_action="¡Ratifica el C189!")
    factories.approve(factories.variant(message), maria)

    staff = signed_in(browser, live_server, "comms@example.org")

    staff.goto(f"{live_server}/campaigns/{campaign.slug}")
    staff.get_by_role("link", name="Compose posts").click()
    staff.get_by_label("Trabajo es trabajo").check()
    staff.get_by_role("button", name="Preview drafts").click()
    assert staff.locator("article.draft").count() == 3
    assert not serious_violations(staff)
    staff.get_by_role("button", name="Create these drafts").click()
    staff.wait_for_load_state()  # the page the click opened, loaded
    assert "3 drafts created" in staff.content()

    staff.get_by_role("link", name=re.compile(r"Trabajo es trabajo · X")).click()
    item_url = staff.url
    staff.get_by_role("link", name="Edit").first.click()
    staff.wait_for_load_state()  # htmx has wired the field before it is typed in
    text = staff.get_by_label("Text", exact=True)
    text.fill("x" * 300)
    text.press("End")  # a keyup: htmx asks the server for the count
    staff.wait_for_selector("#counter mark")
    assert "20 too many" in staff.locator("#counter").inner_text()
    assert staff.locator("#counter mark").inner_text() == "x" * 20
    assert not serious_violations(staff)

    text.fill("«Cuidamos hogares» — {%s} ¡Ratifica el C189! #C189" % maria.ref)
    staff.locator("#people-0-activist").fill("María Quispe")
    staff.locator("#people-0-appearance").select_option("quoted")
    staff.get_by_label("Planned publication").fill(f"{date.today() + timedelta(days=2)}T10:30")
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_url(item_url)
    assert "Not from approved wording" in staff.content()
    staff.get_by_role("button", name="Send for review").click()

    _, token = factories.link(maria)
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False).new_page()
    phone.goto(f"{live_server}/r/{token}")
    card = phone.locator("article.card").filter(has_text="Cuidamos hogares")
    assert card.locator(".provenance ins").count() >= 1  # she sees the team's own words marked
    card.locator("summary", has_text="Cambiar dónde, tu nombre o hasta cuándo").click()
    card.get_by_label(re.compile("Flor del Valle")).check()
    card.get_by_role("button", name="Sí, estoy de acuerdo").click()
    phone.wait_for_load_state()  # the page the click opened, loaded
    assert "Gracias" in phone.content()

    staff.goto(f"{live_server}/drafting/{campaign.slug}/exports")
    assert not serious_violations(staff)
    csv_text = staff.context.request.get(f"{live_server}/drafting/{campaign.slug}/exports/hootsuite-x.csv").text()
    assert "— Flor del Valle ¡Ratifica el C189! #C189" in csv_text
    assert (date.today() + timedelta(days=2)).strftime("%d/%m/%Y") + " 10:30" in csv_text

    staff.goto(item_url)
    staff.get_by_label("Address of the publication").fill("https://x.example/status/1")
    staff.get_by_role("button", name="Mark as published").click()
    staff.wait_for_load_state()  # the page the click opened, loaded
    assert "Publication logged." in staff.content()
    assert "https://x.example/status/1" in staff.content()
