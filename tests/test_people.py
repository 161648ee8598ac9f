from datetime import date

from amplify.audit.models import AuditEvent
from amplify.people.models import Activist, Organization, Spokesperson, add_months


def test_add_months_clamps_to_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), 6) == date(2026, 7, 15)


def test_create_organization_schedules_next_review_six_months_after_last(app, login):
    session = login("events")
    response = session.post("/people/organizations/new", {
        "name": "Colectiva del Puerto", "formal": "0", "country": "CL", "our_role": "ally",
        "last_review_on": "2026-08-31", "next_review_on": "", "notes": "Reuniones los martes",
    })
    assert response.status_code == 302
    org = Organization.get(Organization.name == "Colectiva del Puerto")
    assert (org.formal, org.country, org.our_role) == (False, "CL", "ally")
    assert org.next_review_on == date(2027, 2, 28)
    assert org.slug == "colectiva-del-puerto"
    event = AuditEvent.get(AuditEvent.action == "organization.create")
    assert "Reuniones" not in event.summary  # notes are sensitive: only "changed" is kept


def test_organization_form_errors_keep_the_input(app, login):
    session = login("comms")
    response = session.post("/people/organizations/new", {
        "name": "", "formal": "1", "country": "XX", "our_role": "amplifier",
        "last_review_on": "not-a-date", "notes": "kept text",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="name-error"' in page and 'id="country-error"' in page
    assert 'id="last_review_on-error"' in page
    assert "kept text" in page
    assert Organization.select().count() == 0


def test_reviews_due_are_listed(app, login, factories):
    factories.organization("Overdue Union", last_review_on=date(2020, 1, 1))
    factories.organization("Fresh Union", last_review_on=date.today())
    session = login("viewer")
    home = session.get("/").get_data(as_text=True)
    assert "Overdue Union" in home and "Fresh Union" not in home
    listing = session.get("/people/organizations/?due=1").get_data(as_text=True)
    assert "Overdue Union" in listing and "Fresh Union" not in listing


def test_create_activist_with_contacts_and_spokesperson_role(app, login, factories):
    org = factories.organization()
    session = login("events")
    response = session.post("/people/activists/new", {
        "display_name": "Carmen Rojas", "pseudonym": "", "organization": str(org.id),
        "country": "PE", "languages": ["es", "qu"], "risk_level": "high",
        "default_attribution": "first_name", "spokesperson_for": [str(org.id)],
        "contact_channels": "WhatsApp: +51 900 111 222\nSignal: carmen.77", "notes": "",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    person = Activist.get(Activist.display_name == "Carmen Rojas")
    assert person.languages == ["es", "qu"]
    assert person.contact_channels == [{"kind": "WhatsApp", "value": "+51 900 111 222"},
                                       {"kind": "Signal", "value": "carmen.77"}]
    assert [o.id for o in person.spokesperson_for()] == [org.id]
    assert not person.face_may_be_shown
    event = AuditEvent.get(AuditEvent.action == "activist.create")
    assert "+51 900 111 222" not in event.summary


def test_activist_form_refuses_bad_contacts_and_missing_pseudonym(app, login):
    session = login("comms")
    response = session.post("/people/activists/new", {
        "display_name": "Sin Seudónimo", "organization": "", "country": "BR",
        "risk_level": "low", "default_attribution": "pseudonym",
        "contact_channels": "just a number 555", "pseudonym": "",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 1 is not" in page and 'id="pseudonym-error"' in page
    assert "just a number 555" in page and "Sin Seudónimo" in page
    assert Activist.select().count() == 0


def test_editing_spokesperson_links_replaces_them(app, login, factories):
    a, b = factories.organization("A"), factories.organization("B")
    person = factories.activist(spokesperson_for=[a])
    session = login("comms")
    response = session.post(f"/people/activists/{person.id}/edit", {
        "display_name": person.display_name, "organization": "", "country": "PE",
        "risk_level": "medium", "default_attribution": "first_name",
        "spokesperson_for": [str(b.id)], "contact_channels": "", "pseudonym": "",
    })
    assert response.status_code == 302
    assert [s.organization_id for s in Spokesperson.select().where(Spokesperson.activist == person)] == [b.id]


def test_contact_details_are_shown_on_request_and_audited(app, login, factories):
    person = factories.activist(contact_channels=[{"kind": "Phone", "value": "+55 11 5555 0100"}],
                                notes="Lives near the market")
    session = login("events")
    page = session.get(f"/people/activists/{person.id}").get_data(as_text=True)
    assert "+55 11 5555 0100" not in page
    assert AuditEvent.select().where(AuditEvent.action == "activist.contact_viewed").count() == 0
    fragment = session.get(f"/people/activists/{person.id}/contact", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "+55 11 5555 0100" in text and "Lives near the market" in text
    assert "<html" not in text
    viewed = AuditEvent.get(AuditEvent.action == "activist.contact_viewed")
    assert viewed.subject_id == str(person.id) and viewed.actor_id == session.user.id
    full = session.get(f"/people/activists/{person.id}/contact").get_data(as_text=True)
    assert "<html" in full and "+55 11 5555 0100" in full


def test_activist_search_and_filters(app, login, factories):
    org = factories.organization()
    factories.activist("Juana Pérez", organization=org.id, risk_level="high")
    factories.activist("Beatriz Lima", country="BR", pseudonym="Bia")
    session = login("viewer")
    assert "Beatriz" in session.get("/people/activists/?q=bia").get_data(as_text=True)
    page = session.get("/people/activists/?risk_level=high").get_data(as_text=True)
    assert "Juana" in page and "Beatriz" not in page
    page = session.get("/people/activists/?country=BR").get_data(as_text=True)
    assert "Beatriz" in page and "Juana" not in page
    fragment = session.get("/people/activists/?q=juana", headers={"HX-Request": "true"})
    assert fragment.headers["Vary"] == "HX-Request" or "HX-Request" in fragment.headers["Vary"]
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Juana" in fragment.get_data(as_text=True)


def test_unknown_ids_are_404(app, login):
    session = login("admin")
    for path in ("/people/activists/999", "/people/organizations/999/edit", "/users/999/edit",
                 "/campaigns/nope", "/people/activists/999/contact"):
        response = session.get(path)
        assert response.status_code == 404, path
        assert "There is nothing at this address." in response.get_data(as_text=True)


def test_edit_form_shows_what_she_has_and_a_save_keeps_it(app, factories, login):
    org = factories.organization()
    person = factories.activist(contact_channels=[{"kind": "WhatsApp", "value": "+51 900 000 001"}],
                                organization=org.id, spokesperson_for=[org])
    session = login("events")
    page = session.get(f"/people/activists/{person.id}/edit").get_data(as_text=True)
    assert "WhatsApp: +51 900 000 001" in page and "&#39;kind&#39;" not in page
    assert f'<option selected value="{org.id}">' in page
    assert f'checked id="spokesperson_for-0" name="spokesperson_for" type="checkbox" value="{org.id}"' in page
    # A post without those fields (a hand-made request) keeps them and is no error.
    response = session.post(f"/people/activists/{person.id}/edit", {
        "display_name": "Lucía Prueba", "country": "PE", "risk_level": "medium",
        "default_attribution": "first_name", "spokesperson_for": [str(org.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)
    saved = Activist.get_by_id(person.id)
    assert saved.contact_channels == [{"kind": "WhatsApp", "value": "+51 900 000 001"}]
    assert saved.organization_id == org.id
