"""The feeds journey of issue 7 in Chromium: add a movement source, "poll now" with its
progress bar, find the statement in the inbox, amplify it, and send the draft for review."""

import re
from pathlib import Path

from tests.browser.conftest import serious_violations, signed_in

FEEDS = Path(__file__).parent.parent / "feeds"


def no_violations(page):
    problems = serious_violations(page)
    assert not problems, f"{page.url}: {problems}"


def test_poll_now_to_an_amplified_item_in_review(app, browser, live_server, make_user, factories, httpserver):
    from amplify.feeds.models import FeedEntry
    from amplify.items.models import Item

    app.config["FEEDS_ALLOW_PRIVATE"] = True  # the movement's site is the local test server
    httpserver.expect_request("/comunicados.xml").respond_with_data(
        (FEEDS / "rss20.xml").read_bytes(), content_type="application/rss+xml")
    make_user("comms", email="comms@example.org")
    org = factories.organization("Sindicato del Valle")
    factories.activist("María Quispe", organization=org.id, languages=["es"])
    factories.campaign("Trabajo digno", hashtags=["#TrabajoDigno"])

    staff = signed_in(browser, live_server, "comms@example.org")
    staff.goto(f"{live_server}/feeds/sources/new")
    no_violations(staff)
    staff.get_by_label("Feed address").fill(httpserver.url_for("/comunicados.xml"))
    staff.get_by_label("Kind").select_option("movement")
    staff.get_by_label("Organization").select_option(label="Sindicato del Valle")
    staff.get_by_label("Trabajo digno").check()
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_url(re.compile(r"/feeds/sources/\d+$"))

    staff.get_by_role("button", name="Poll now").click()
    staff.wait_for_url(re.compile(r"/feeds/poll/\d+$"))
    bar = staff.locator("progress#poll-bar")
    assert bar.get_attribute("max") == "1" and bar.get_attribute("value") == "1"
    assert "Done: 3 new entries." in staff.content()
    no_violations(staff)

    staff.get_by_role("link", name="Open the inbox").click()
    staff.wait_for_url(re.compile(r"/feeds/$"))
    assert staff.locator("mark", has_text="TrabajoDigno").count() >= 1
    no_violations(staff)
    staff.get_by_role("link", name="Asamblea nacional de trabajadoras del hogar").click()
    staff.wait_for_url(re.compile(r"/feeds/entries/\d+$"))
    no_violations(staff)
    staff.get_by_label("Campaign").first.select_option(label="Trabajo digno")
    staff.get_by_label("Platform").select_option("mastodon")
    staff.get_by_label("Language").first.select_option("es")
    staff.get_by_role("button", name="Draft an item").click()
    staff.wait_for_url(re.compile(r"/items/\d+/edit$"))
    item = Item.get()
    assert item.text.startswith("Sindicato del Valle: «Asamblea nacional de trabajadoras del hogar»")

    staff.goto(f"{live_server}/items/{item.id}")
    staff.get_by_role("button", name="Send for review").click()
    staff.wait_for_load_state()
    assert "In review" in staff.content()
    assert Item.get().state == "in_review"  # María is named: she is asked first
    assert FeedEntry.get(FeedEntry.item == item.id).state == "amplified"
