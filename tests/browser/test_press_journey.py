"""Issue 20: a release from an approved message quoting María, who agrees; an embargo and
its signed link, opened by a journalist on a phone (stamped, axe-clean, no sideways
scroll); a pitch recorded, an interview asked for, coverage linked; the campaign report
shows the trail."""

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from amplify.consent import ledger
from amplify.items.models import Item
from amplify.press.models import Journalist, Outlet
from tests.browser.conftest import serious_violations, signed_in


def test_from_an_approved_message_to_coverage_in_the_report(app, browser, live_server, make_user, factories):
    make_user("comms", email="comms@example.org")
    org = factories.organization("Sindicato del Valle")
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", organization=org.id,
                               spokesperson_for=[org])
    campaign = factories.campaign("Trabajo digno")
    variant = factories.variant(factories.message(campaign, title="Cuidados"))
    factories.approve(variant, maria)
    with app.app_context():
        outlet = Outlet.create(name="Radio Mar", kind="radio", country="PE")
        Journalist.create(name="Ana Pérez", email="ana@radio.example", email_key="ana@radio.example", outlet=outlet)

    staff = signed_in(browser, live_server, "comms@example.org")
    staff.goto(f"{live_server}/press/releases/new")
    staff.get_by_label("Headline").fill("Las trabajadoras del hogar exigen el C189")
    staff.get_by_label(re.compile("Cuidados")).check()
    staff.get_by_label("Text").fill("«Sin nosotras no hay cuidados», dice {%s}." % maria.ref)
    staff.get_by_label("María Quispe").check()
    staff.get_by_role("button", name="Save as a draft").click()
    staff.wait_for_url(re.compile(r"/press/releases/\d+$"))
    release_url = staff.url
    item = Item.get(Item.kind == "press_release")
    factories.send(item)
    with app.app_context():
        item = Item.get_by_id(item.id)
        ledger.record_decision(maria, "item", item, item.content_hash, "given", method="review_page",
                               scope={"channels": ["press"], "attribution": "pseudonym"})

    local = datetime.now(timezone.utc).astimezone(ZoneInfo("America/Lima")) + timedelta(days=2)
    staff.goto(release_url)
    staff.get_by_label("Day", exact=True).fill(local.date().isoformat())
    staff.get_by_label("Time", exact=True).fill("10:00")
    staff.get_by_label("Time zone").fill("America/Lima")
    staff.get_by_role("button", name="Save the embargo").click()
    assert staff.get_by_text("Embargoed until").first.is_visible()
    assert staff.get_by_role("link", name="Word document").count() == 0
    staff.get_by_role("button", name="Make a signed link").click()
    link = staff.locator("input[aria-label='Signed link']").first.input_value()

    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    assert phone.goto(link).status == 200
    assert phone.get_by_text(re.compile("EMBARGADO HASTA")).count() == 2
    assert phone.get_by_text(re.compile("Flor del Valle")).is_visible()
    problems = serious_violations(phone)
    assert not problems, problems
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    staff.get_by_role("link", name="Pitch to journalists").click()
    staff.get_by_label(re.compile("Ana Pérez")).check()
    staff.get_by_label("How").select_option("self")
    staff.get_by_role("button", name="Send or record").click()
    staff.get_by_role("link", name="No answer yet").click()
    staff.get_by_label("Answer", exact=True).select_option("interview_requested")
    staff.get_by_label("Spokesperson proposed for the interview").select_option(label="María Quispe")
    staff.get_by_role("button", name="Save").click()
    staff.get_by_role("link", name="Interview requested").click()
    staff.get_by_label("Day of the interview").fill((date.today() + timedelta(days=4)).isoformat())
    staff.get_by_role("button", name="Ask her").click()
    staff.wait_for_url(re.compile(r"/items/\d+$"))
    assert staff.get_by_text(re.compile("Radio Mar")).first.is_visible()

    staff.goto(release_url)
    staff.get_by_label("Title").fill("Trabajadoras exigen el C189")
    staff.get_by_label("Published on").fill(date.today().isoformat())
    staff.get_by_label("From the pitch to").select_option(label="Ana Pérez")
    staff.get_by_label("It carries our quotes").check()
    staff.get_by_role("button", name="Link coverage").click()
    assert staff.get_by_text("Trabajadoras exigen el C189").is_visible()

    staff.goto(f"{live_server}/reports/campaigns/{campaign.slug}")
    trail = staff.locator("section[aria-labelledby='t-press']")
    assert trail.get_by_role("cell", name="Radio Mar").is_visible()
    assert staff.locator("section[aria-labelledby='t-press_quotes']").get_by_text("Flor del Valle").is_visible()
