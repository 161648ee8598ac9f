"""Issue 19: staff put a ministry and its minister on the map, with a position and its
source, tie the minister to a union leader, share the map; someone of the movement
suggests a change from a phone without JavaScript; staff accept it and the spectrum chart
moves. The actor page and the shared map pass axe-core."""

import re

from tests.browser.conftest import serious_violations, signed_in


def cell_count(page, position, influence):
    return int(page.locator(f'#spectrum-chart g.cell[data-position="{position}"][data-influence="{influence}"]')
               .get_attribute("data-count"))


def test_power_map_from_ministry_to_an_accepted_suggestion(app, browser, live_server, make_user, factories):
    make_user("comms", email="comms@example.org")
    union = factories.organization("Sindicato del Hogar")
    factories.activist("Rosa Mamani", organization=union.id, risk_level="low", default_attribution="full_name")
    campaign = factories.campaign("Ratificar C189")

    staff = signed_in(browser, live_server, "comms@example.org")
    staff.goto(f"{live_server}/actors/campaigns/{campaign.slug}/new")
    staff.get_by_label("Name").fill("Ministerio de Trabajo")
    staff.get_by_role("button", name="Save").click()
    staff.goto(f"{live_server}/actors/campaigns/{campaign.slug}/new")
    staff.get_by_label("Kind").select_option("person")
    staff.get_by_label("Name").fill("Ana Ministra")
    staff.get_by_label("Role", exact=True).fill("Ministra de Trabajo")
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_url(re.compile(r"/actors/\d+$"))
    minister_url = staff.url
    staff.get_by_label("Position on the campaign's asks").select_option("passive_opposition")
    staff.get_by_label("Influence").select_option("high")
    staff.get_by_label("Observed on").fill("2026-10-01")
    staff.get_by_label("Source or reason").fill("Entrevista en Radio Nacional")
    staff.get_by_role("button", name="Record the position").click()
    staff.get_by_label("Other actor (name as on the map)").fill("Ministerio de Trabajo")
    staff.get_by_label("Kind of relationship").select_option("works_for")
    staff.get_by_role("button", name="Add the relationship").click()
    assert staff.locator("#history-table").get_by_text("Entrevista en Radio Nacional").is_visible()

    staff.goto(f"{live_server}/actors/campaigns/{campaign.slug}/new")
    staff.get_by_label("Movement activist").select_option(label="Rosa Mamani")
    staff.get_by_role("button", name="Bring in the activist").click()
    staff.get_by_label("Other actor (name as on the map)").fill("Ana Ministra")
    staff.get_by_label("Kind of relationship").select_option("knows")
    staff.get_by_label("Strength").select_option("3")
    staff.get_by_role("button", name="Add the relationship").click()
    assert staff.locator("#neighbourhood-chart line.tie").count() == 1

    staff.goto(minister_url)
    assert staff.get_by_role("link", name="Rosa Mamani").first.is_visible()  # who could open this door
    problems = serious_violations(staff)
    assert not problems, problems

    staff.goto(f"{live_server}/actors/campaigns/{campaign.slug}")
    assert cell_count(staff, "passive_opposition", "high") == 1
    staff.get_by_label("Language of the shared map").select_option("es")
    staff.get_by_role("button", name="Make a share link").click()
    link = staff.locator("input[id^=share-url-]").first.input_value()

    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False,
                                locale="pt-BR").new_page()
    assert phone.goto(link).status == 200 and phone.locator("html").get_attribute("lang") == "es"
    phone.get_by_role("link", name="Ana Ministra").click()
    phone.get_by_label("Posición ante las demandas de la campaña").select_option("active_ally")
    phone.get_by_label("Influencia").select_option("high")
    phone.get_by_label("Qué te lo hace pensar").fill("Lo dijo ayer en la asamblea")
    phone.get_by_label("Tu nombre").fill("Julia")
    phone.get_by_role("button", name="Enviar la sugerencia").click()
    assert phone.get_by_text("Gracias").is_visible()

    checker = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    checker.goto(link)
    problems = serious_violations(checker)
    assert not problems, problems
    assert checker.evaluate("document.documentElement.scrollWidth") <= 360

    staff.goto(f"{live_server}/actors/campaigns/{campaign.slug}/suggestions")
    assert staff.get_by_text("Julia").is_visible()
    staff.get_by_role("button", name="Accept").click()
    staff.goto(f"{live_server}/actors/campaigns/{campaign.slug}")
    assert cell_count(staff, "passive_opposition", "high") == 0
    assert cell_count(staff, "active_ally", "high") == 1
