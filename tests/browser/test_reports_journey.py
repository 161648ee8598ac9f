"""Issue 8: a movement partner opens a shared report on a phone, JavaScript off; the page
passes axe-core without serious or critical violations and does not scroll sideways."""

import re

from tests.browser.conftest import serious_violations, signed_in


def test_shared_report_on_a_phone_without_javascript(app, browser, live_server, make_user, factories):
    from amplify.campaigns.models import CampaignOrganization
    from amplify.items.changes import publish

    make_user("comms", email="comms@example.org")
    org = factories.organization("Sindicato del Valle")
    ana = factories.activist("Ana Quispe", organization=org.id, default_attribution="full_name", risk_level="low")
    campaign = factories.campaign("Trabajo digno")
    CampaignOrganization.create(campaign=campaign, organization=org)
    item = factories.send(factories.item(campaign, title="Sin personas", text="El trabajo del hogar es trabajo."))
    factories.in_context(publish)(item, None, "x", "https://example.org/post/1")
    factories.invitation(event=factories.event(campaign=campaign.id, days=-5), activist=ana)

    staff = signed_in(browser, live_server, "comms@example.org")
    staff.goto(f"{live_server}/reports/campaigns/{campaign.slug}?lang=es")
    assert staff.locator("svg.chart").count() >= 2
    problems = serious_violations(staff)
    assert not problems, problems
    staff.get_by_role("button", name="Crear un enlace para compartir").click()
    staff.wait_for_url(re.compile(r"/reports/"))
    link = staff.locator("input[id^=share-url-]").first.input_value()

    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False,
                                locale="pt-BR").new_page()
    response = phone.goto(link)
    assert response.status == 200 and phone.locator("html").get_attribute("lang") == "es"
    assert phone.get_by_role("heading", name="Informe: Trabajo digno").is_visible()
    assert phone.locator("svg.chart").count() >= 2 and phone.locator("table").count() >= 5
    assert phone.locator("script").count() == 0
    csv = phone.request.get(link + "/publications.csv")
    assert csv.status == 200 and "X" in csv.text()

    # axe-core needs JavaScript: the same shared page in a JavaScript-enabled phone context.
    checker = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    checker.goto(link)
    problems = serious_violations(checker)
    assert not problems, problems
    assert checker.evaluate("document.documentElement.scrollWidth") <= 360
