"""A communications officer's first journey, in Chromium, with axe-core on every page."""

import re

from tests.browser.conftest import serious_violations
from tests.conftest import PASSWORD


def check_page(page, visited):
    visited.append(page.url)
    problems = serious_violations(page)
    assert not problems, f"{page.url}: {problems}"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_create_campaign_and_bilingual_message_then_find_it(page, live_server, make_user):
    make_user("comms", email="comms@example.org")
    visited = []
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(f"{live_server}/")
    assert "/auth/login" in page.url
    check_page(page, visited)
    page.get_by_label("Email").fill("comms@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
    check_page(page, visited)

    page.locator("header.top summary").click()  # on a phone, the links are in a menu
    page.get_by_role("link", name="Campaigns").click()
    check_page(page, visited)
    page.get_by_role("link", name="New campaign").click()
    check_page(page, visited)
    page.get_by_label("Name").fill("Trabajo digno en el hogar")
    page.get_by_label("Hashtags").fill("#C189 #TrabajoDigno")
    page.get_by_label("Policymakers").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/campaigns/trabajo-digno-en-el-hogar$"))
    check_page(page, visited)

    page.get_by_role("link", name="New message").click()
    check_page(page, visited)
    page.get_by_label("Title").fill("Ratificar el Convenio 190")
    page.get_by_label("Language").select_option("es")
    page.get_by_label("Short form").fill("Una casa también es un lugar de trabajo.")
    page.get_by_label("Long form").fill("El Convenio 190 protege a las trabajadoras del hogar contra la violencia.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/messages/ratificar-el-convenio-190$"))
    check_page(page, visited)

    page.get_by_role("link", name="Add pt variant").click()
    check_page(page, visited)
    page.get_by_label("Short form").fill("Uma casa também é um local de trabalho.")
    page.get_by_label("Long form").fill("A Convenção 190 protege as trabalhadoras domésticas contra a violência.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/messages/ratificar-el-convenio-190$"))
    assert page.locator("#variant-pt").is_visible() and page.locator("#variant-es").is_visible()
    check_page(page, visited)

    page.get_by_role("link", name="Trabajo digno en el hogar").first.click()
    page.wait_for_load_state()  # htmx has wired the search before it is typed in
    search = page.get_by_label("Search messages")
    search.fill("local de trabalho")
    # htmx swaps the list in place and pushes the search to the address bar.
    page.wait_for_url(re.compile(r"q=local"))
    rows = page.locator("#message-rows")
    assert "Ratificar el Convenio 190" in rows.inner_text()
    search.fill("nada parecido")
    page.wait_for_url(re.compile(r"q=nada"))
    page.wait_for_function("document.querySelector('#message-rows').innerText.includes('No message matches')")
    check_page(page, visited)
    assert len(visited) >= 9


def test_pages_work_without_javascript(browser, live_server, make_user):
    make_user("comms", email="nojs@example.org")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Email").fill("nojs@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/campaigns/new")
    page.get_by_label("Name").fill("Sin JavaScript")
    page.get_by_role("button", name="Save").click()
    assert page.url.endswith("/campaigns/sin-javascript")
    page.get_by_label("Search messages").fill("x")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()  # the page the click opened, loaded
    assert "q=x" in page.url and "No message matches" in page.content()
    context.close()
