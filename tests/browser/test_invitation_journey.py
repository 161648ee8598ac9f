"""The invitations journey of issue 6: an event team member on a desktop, the activist on
her phone without JavaScript; staff pages checked with axe-core."""

import re
from datetime import date, timedelta

from tests.browser.conftest import serious_violations, signed_in
from tests.browser.test_consent_journey import phone_checks


def no_violations(page):
    problems = serious_violations(page)
    assert not problems, f"{page.url}: {problems}"


def test_event_offer_nominate_accept_visa_deadline_attend_debrief(app, browser, live_server, make_user,
                                                                  factories):
    from amplify.consent.models import Decision
    from amplify.invitations.models import Event, Invitation

    make_user("events", email="events@example.org")
    org = factories.organization("Sindicato del Valle")
    factories.activist("María Quispe", languages=["es"], organization=org.id)
    starts = date.today() + timedelta(days=45)

    staff = signed_in(browser, live_server, "events@example.org")

    # Create the event.
    staff.goto(f"{live_server}/invitations/events/new")
    no_violations(staff)
    staff.get_by_label("Title").fill("Audiencia en el Congreso")
    staff.get_by_label("Kind").select_option("hearing")
    staff.get_by_label("Level").select_option("national")
    staff.get_by_label("Starts on").fill(starts.isoformat())
    staff.get_by_label("Ends on").fill(starts.isoformat())
    staff.get_by_label("Place").fill("Lima")
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_url(re.compile(r"/invitations/events/\d+$"))
    no_violations(staff)

    # Offer it to the organization: the movement chooses who goes.
    staff.get_by_label("Organization asked to choose").select_option(label="Sindicato del Valle")
    staff.get_by_label("Role").select_option("speaker")
    staff.get_by_role("button", name="Log it").click()
    staff.get_by_role("link", name="Sindicato del Valle").click()
    staff.wait_for_url(re.compile(r"/invitations/\d+$"))
    invitation_url = staff.url

    def step(state, **fields):
        staff.get_by_label("New state").select_option(state)
        for label, value in fields.items():
            staff.get_by_label(label, exact=False).fill(value)  # the person is typed: a name or a reference
        staff.get_by_role("button", name="Save", exact=True).click()
        staff.wait_for_url(re.compile(r"/invitations/\d+$"))

    step("offered")
    # Nominating without naming who chose is refused, with the input kept.
    staff.get_by_label("New state").select_option("nominated")
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.wait_for_load_state()  # the page the click opened, loaded
    assert "Name who in the movement chose the person" in staff.content()
    step("nominated", **{"Who in the movement chose": "Asamblea del sindicato", "Activist chosen": "María Quispe"})
    step("invited")
    assert "Invited" in staff.content()
    no_violations(staff)

    # A personal link for María.
    staff.get_by_role("link", name="Personal link").click()
    staff.get_by_role("button", name="Make a new personal link").click()
    link = staff.locator("#link-url").input_value()

    # María, on her phone, without JavaScript: accepts, and chooses what may happen at the event.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False,
                                locale="es-PE").new_page()
    phone.goto(link)
    card = phone.locator("article.card").filter(has_text="Audiencia en el Congreso").first
    card.get_by_role("button", name="Sí, iré").click()
    phone.wait_for_load_state()  # the page the click opened, loaded
    assert "Gracias" in phone.content()
    event_card = phone.locator("#event-%d" % Invitation.get().id)
    event_card.get_by_label("Que te nombren").check()
    event_card.get_by_label("Que te citen").check()
    event_card.get_by_role("button", name="Guardar mi elección").click()
    phone.wait_for_load_state()  # the page the click opened, loaded
    assert "Tu elección quedó registrada" in phone.content()
    phone_checks(browser, link)
    assert Invitation.get().state == "accepted"
    assert Decision.get(Decision.subject_type == "invitation").scope_data == {"uses": ["named", "quoted"]}

    # Staff record visa and travel support.
    staff.goto(invitation_url)
    assert "Accepted" in staff.content()
    staff.get_by_label("Visa required").select_option("yes")
    staff.get_by_label("Passport number").fill("PE1234567")
    staff.get_by_role("button", name="Save visa details").click()
    staff.get_by_text("Add support").click()
    staff.get_by_label("Support", exact=True).select_option("travel")
    staff.get_by_label("Arrangement").select_option("booked")
    staff.get_by_label("Budget").fill("650")
    staff.get_by_label("Currency (ISO code, e.g. USD)").fill("USD")
    staff.locator("form[action$='/support'] button[type=submit]").click()
    staff.wait_for_load_state()  # the page the click opened, loaded
    assert "budget 650.00, actual 0.00" in staff.content()
    no_violations(staff)

    # The dashboard shows the visa deadline: 15 days before travel plus a 7-day margin.
    staff.goto(f"{live_server}/invitations/deadlines")
    visa_day = starts - timedelta(days=22)
    row = staff.locator("li").filter(has_text="Visa application")
    assert row.count() == 1 and visa_day.isoformat() in row.inner_html()
    no_violations(staff)

    # After the event: confirmed, attended, debriefed.
    staff.goto(invitation_url)
    assert "Own review page" in staff.content()  # her yes came from her own page: the history says so
    step("confirmed")
    # Time passes: the event has started (what happened there is refused before its start).
    Event.update(starts_on=date.today() - timedelta(days=3), ends_on=date.today() - timedelta(days=1)).execute()
    staff.reload()
    step("attended")
    step("debriefed")
    assert Invitation.get().state == "debriefed"
    assert "Debriefed" in staff.content()
    no_violations(staff)
