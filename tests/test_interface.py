"""The interface around every page: the language switch, names instead of codes."""

from amplify.auth.models import User
from tests.conftest import csrf_token


def test_every_page_has_a_language_switch_that_sticks_to_the_account(app, login):
    client = app.test_client()
    login_page = client.get("/auth/login").get_data(as_text=True)
    assert 'name="language" value="pt"' in login_page and "Português" in login_page
    client.post("/auth/language", data={"language": "pt", "next": "/auth/login", "csrf_token": csrf_token(client)})
    assert 'lang="pt"' in client.get("/auth/login").get_data(as_text=True)
    session = login("comms")
    page = session.get("/campaigns/").get_data(as_text=True)
    assert 'action="/auth/language"' in page and 'value="/campaigns/"' in page
    answer = session.post("/auth/language", {"language": "es", "next": "/campaigns/"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/campaigns/")
    assert User.get_by_id(session.user.id).language == "es"
    assert "Campañas" in session.get("/campaigns/", headers={"Accept-Language": "fr"}).get_data(as_text=True)



def test_the_menu_marks_the_section_and_shows_each_role_its_links_in_its_language(app, login):
    """The menu is rendered once per language, section and role in each process: each page
    still marks its own section, and nobody sees another role's links or language."""
    import re

    def menu(session, path):
        page = session.get(path).get_data(as_text=True)
        nav = page[page.index('<nav aria-label="'):page.index("</nav>")]
        return re.findall(r'<a href="([^"]+)" aria-current="page">', nav), nav

    admin, viewer = login("admin"), login("viewer")
    for path, current in (("/campaigns/", "/campaigns/"), ("/items/", "/items/"),
                          ("/people/activists/", "/people/activists/"), ("/people/organizations/", "/people/organizations/"),
                          ("/users/", "/users/")):
        assert menu(admin, path)[0] == [current], path
    assert "Staff accounts" in menu(admin, "/campaigns/")[1] and "Audit log" in menu(admin, "/campaigns/")[1]
    marked, nav = menu(viewer, "/campaigns/")
    assert marked == ["/campaigns/"] and "Staff accounts" not in nav and "Audit log" not in nav
    viewer.post("/auth/language", {"language": "es", "next": "/campaigns/"})
    assert "Campañas" in menu(viewer, "/campaigns/")[1] and "Campaigns" in menu(admin, "/campaigns/")[1]


def test_countries_and_languages_are_names_and_only_real_countries(app, login, factories):
    org = factories.organization(country="PE")
    activist = factories.activist("Rosa", country="BR", languages=["es", "nah"], organization=org.id)
    session = login("comms")
    session.post("/auth/account", {"language": "es"})
    page = session.get(f"/people/activists/{activist.id}").get_data(as_text=True)
    assert "Brasil" in page and "náhuatl" in page and ">BR<" not in page
    assert "Perú" in session.get(f"/people/organizations/{org.id}").get_data(as_text=True)
    form = session.get("/people/activists/new").get_data(as_text=True)
    assert 'value="CH"' in form and 'value="AQ"' not in form and 'value="EZ"' not in form
    assert 'value="EU"' not in form and 'value="UN"' not in form
    assert ">náhuatl<" in form and ">nah<" not in form


def test_words_plurals_future_numbers_roles_and_first_history_line(app, login, factories):
    from datetime import date, timedelta

    from amplify.invitations.models import Invitation

    session = login("admin")
    session.post("/auth/account", {"language": "es"})
    staff = session.get("/users/").get_data(as_text=True)
    assert "Administrador/a" in staff and "Administración" not in staff
    invitation = factories.invitation(activist=factories.activist())
    Invitation.update(passport_number="X1", purge_on=date.today() + timedelta(days=40)).where(
        Invitation.id == invitation.id).execute()
    page = session.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert "Se borrará el" in page and "Creada como" in page and "· → " not in page
    campaign = factories.campaign()
    empty = session.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "Esta campaña aún no tiene mensajes clave." in empty and "Ningún mensaje coincide" not in empty
    with app.test_request_context(headers={"Accept-Language": "es"}):
        from flask import render_template_string

        assert render_template_string("{{ 0|decimal }} {{ 1234.5|decimal(2) }}") == "0,0 1.234,50"
        assert render_template_string('{{ ngettext("%(num)d source failed.", "%(num)d sources failed.", 1) }}') \
            == "Falló 1 fuente."
