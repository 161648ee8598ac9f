"""Issue 16 in a browser: the event page → her visa letter → the delegation list → a
meeting's preparation sheet → a commitment in the debrief → on the deadlines dashboard and
in the campaign report."""

import io
import re
from datetime import timedelta

from docx import Document

from tests.browser.conftest import serious_violations, signed_in


def no_violations(page):
    problems = serious_violations(page)
    assert not problems, f"{page.url}: {problems}"


def downloaded(page, click):
    with page.expect_download() as info:
        click()
    with open(info.value.path(), "rb") as handle:
        return Document(io.BytesIO(handle.read()))


def test_event_letter_list_meeting_commitment_report(app, browser, live_server, make_user, factories):
    from amplify.invitations.models import Event, Invitation

    make_user("events", email="events@example.org")
    spokesperson = factories.activist("Vocera", spokesperson_for=[factories.organization("Coordinadora")])
    campaign = factories.campaign("Ratificar el C190", languages=["es", "en"])
    message = factories.message(campaign, language="en", short_form="C190 protects domestic workers.",
                                long_form="Ratify C190 to protect those who care.")
    factories.approve(factories.variant(message, "en"), spokesperson)
    event = factories.event("ILC 2027", campaign=campaign.id, country="CH", languages=["en"])
    ana = factories.activist("Ana Quispe", default_attribution="full_name", risk_level="low",
                             organization=factories.organization("Sindicato del Hogar").id)
    invitation = factories.invitation(event=event, activist=ana)
    Invitation.update(state="confirmed", visa_required=True, passport_number="P123",
                      passport_name="ANA MARIA QUISPE", nationality="PE").where(Invitation.id == invitation.id).execute()
    event = Event.get_by_id(event.id)

    staff = signed_in(browser, live_server, "events@example.org")
    staff.goto(f"{live_server}/invitations/events/{event.id}")
    no_violations(staff)
    going = staff.get_by_role("region", name="Who is going")
    assert "Ana Quispe" in going.inner_text() and "Needed, not lodged" in going.inner_text()

    # Her visa letter: filled in, edited here, downloaded.
    going.get_by_role("link", name="Visa letter").click()
    text = staff.get_by_label("Text")
    assert "ANA MARIA QUISPE" in text.input_value() and "P123" in text.input_value()
    text.fill(text.input_value() + "\n\nSigned in Lima.")
    letter = downloaded(staff, lambda: staff.get_by_role("button", name="Download as Word").click())
    body = "\n".join(p.text for p in letter.paragraphs)
    assert "ANA MARIA QUISPE" in body and "Signed in Lima." in body and "a national of Peru" in body

    # The delegation list for accreditation.
    staff.goto(f"{live_server}/invitations/events/{event.id}")
    staff.get_by_role("link", name="Delegation list").click()
    staff.get_by_role("link", name="For accreditation").click()
    listed = downloaded(staff, lambda: staff.get_by_role("button", name="Download as Word").click())
    assert ["ANA MARIA QUISPE", "Peru", "Speaker", "Sindicato del Hogar"] in [
        [c.text for c in row.cells] for row in listed.tables[0].rows]

    # A meeting: attendees from the invitations, the sheet in the meeting's language.
    staff.goto(f"{live_server}/invitations/events/{event.id}")
    staff.get_by_role("link", name="New meeting").click()
    staff.get_by_label("Meeting", exact=True).fill("Meeting with the Labour Ministry")
    staff.get_by_label("Day").fill((event.starts_on + timedelta(days=1)).isoformat())
    staff.get_by_label("Language of the meeting").select_option("en")
    staff.get_by_label("Ana Quispe (Speaker)").check()
    staff.get_by_label("What we ask").fill("Announce the ratification.")
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_url(re.compile(r"/invitations/meetings/\d+$"))
    no_violations(staff)
    meeting_url = staff.url
    staff.get_by_role("link", name="Preparation sheet").click()
    sheet = staff.locator("article").inner_text()
    assert "Ana Quispe — Speaker" in sheet and "C190 protects domestic workers." in sheet
    assert "Announce the ratification." in sheet

    # The debrief: a commitment obtained, by a date.
    staff.goto(meeting_url)
    due = event.starts_on + timedelta(days=40)
    staff.get_by_label("Kind").select_option("commitment")
    staff.get_by_label("Who", exact=True).fill("Vice-minister Soto")
    staff.get_by_label("What", exact=True).fill("Send C190 to Congress")
    staff.get_by_label("By when").fill(due.isoformat())
    staff.get_by_role("button", name="Add").click()
    staff.wait_for_url(re.compile(r"#commitments$"))
    staff.goto(f"{live_server}/invitations/deadlines")
    assert "Vice-minister Soto: Send C190 to Congress" in staff.locator("main").inner_text()
    staff.goto(f"{live_server}/reports/campaigns/{campaign.slug}?since={event.starts_on}&until={due}&lang=en")
    section = staff.get_by_role("region", name="Commitments obtained").first
    assert "Vice-minister Soto" in section.inner_text() and "Send C190 to Congress" in section.inner_text()
