"""Issue 13: forms choose a person by typing, never by listing everyone — a form weighs
the same with 5 people or 5,000; the typed name is found, or answered clearly."""

import re

from amplify.items.models import Item, ItemPerson


def many(factories, count, start=0):
    for n in range(start, start + count):
        factories.activist(f"Persona con un nombre bastante largo número {n}")


def test_forms_weigh_the_same_however_many_people_there_are(app, login, factories):
    campaign = factories.campaign()
    event = factories.event()
    invitation = factories.invitation(event=event, activist=factories.activist("Ana Flores"))
    session = login("admin")
    urls = ["/items/new", f"/items/new?campaign={campaign.slug}", "/media/cards/new",
            f"/invitations/events/{event.id}", f"/invitations/{invitation.id}"]
    many(factories, 3)
    small = {url: len(session.get(url).data) for url in urls}
    many(factories, 60, start=3)
    large = {url: session.get(url) for url in urls}
    for url, response in large.items():
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "número 42" not in page, url
        assert abs(len(response.data) - small[url]) < 100, (url, small[url], len(response.data))


def test_a_person_is_found_by_name_by_name_and_reference_or_by_reference(app, login, factories):
    maria = factories.activist("María Quispe")
    campaign = factories.campaign()
    session = login("comms")
    form = {"campaign": str(campaign.id), "title": "Post", "kind": "post", "language": "es", "channel": "x",
            "text": "Sin nosotras no funciona ninguna casa", "people-0-appearance": "quoted",
            "people-0-attribution": "", "image": "", "alt_text": ""}
    for typed in ("maría quispe", f"María Quispe ({maria.ref})", maria.ref, f"  {maria.ref} "):
        assert session.post("/items/new", dict(form, **{"people-0-activist": typed})).status_code == 302, typed
    assert ItemPerson.select().where(ItemPerson.activist == maria).count() == 4
    edit = session.get(f"/items/{Item.select().first().id}/edit").get_data(as_text=True)
    assert f'value="María Quispe ({maria.ref})"' in edit  # a chosen person reads with her reference


def test_a_shared_or_unknown_name_is_answered_with_the_closest_people_and_the_input_kept(app, login, factories):
    first, second = factories.activist("Rosa Mamani"), factories.activist("Rosa Mamani")
    campaign = factories.campaign()
    session = login("comms")
    form = {"campaign": str(campaign.id), "title": "Post", "kind": "post", "language": "es", "channel": "x",
            "text": "Texto", "people-0-appearance": "quoted", "people-0-attribution": "", "image": "",
            "alt_text": ""}
    shared = session.post("/items/new", dict(form, **{"people-0-activist": "Rosa Mamani"}))
    page = shared.get_data(as_text=True)
    assert shared.status_code == 400 and Item.select().count() == 0
    assert "Several people are called “Rosa Mamani”" in page
    assert f"Rosa Mamani ({first.ref})" in page and f"Rosa Mamani ({second.ref})" in page
    assert 'value="Rosa Mamani"' in page  # what she typed stays
    unknown = session.post("/items/new", dict(form, **{"people-0-activist": "Mamani"})).get_data(as_text=True)
    assert "No one is called “Mamani”. Did you mean:" in unknown and f"({first.ref})" in unknown
    nobody = session.post("/items/new", dict(form, **{"people-0-activist": "Zzz"})).get_data(as_text=True)
    assert "No one is called “Zzz”. Type part of a name or a reference." in nobody
    long = session.post("/items/new", dict(form, **{"people-0-activist": "x" * 5000}))
    assert long.status_code == 400


def test_suggestions_are_bounded_and_work_as_htmx_options_or_a_page(app, login, factories):
    many(factories, 30)
    session = login("viewer")
    options = session.get("/people/activists/found?field=people-0-activist&people-0-activist=número+1",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    values = re.findall(r'<option value="([^"]+)">', options)
    assert len(values) == 11 and all("número 1" in v for v in values) and "<html" not in options
    everyone = session.get("/people/activists/found?q=Persona", headers={"HX-Request": "true"})
    assert everyone.get_data(as_text=True).count("<option") == 20
    page = session.get("/people/activists/found?q=n%C3%BAmero+7").get_data(as_text=True)
    assert "<html" in page and "número 7 (" in page and 'href="/people/activists/' in page
    assert session.get("/people/activists/found?q=" + "%" * 300).status_code == 200
