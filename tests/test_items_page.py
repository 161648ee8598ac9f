"""The item's page as staff read it: who is asked, how people are named in the text."""

from amplify.items.models import Item


def test_an_item_naming_nobody_says_nobody_to_ask_and_keeps_its_state(app, login, factories):
    campaign = factories.campaign()
    item = factories.item(campaign, text="El trabajo del hogar es trabajo. #C189")
    session = login("comms")
    page = session.get(f"/items/{item.id}").get_data(as_text=True)
    assert "Nobody to ask" in page and "everyone agreed" not in page
    assert page.count("state-draft") >= 2  # in the heading and beside "Nobody to ask"
    assert Item.get_by_id(item.id).state == "draft"


def test_people_are_named_by_their_real_ref_inserted_shown_and_suggested(app, login, factories):
    maria = factories.activist("María Quispe (ficticia)")
    campaign = factories.campaign()
    session = login("comms")
    assert "{%s}" % maria.ref in session.get(f"/people/activists/{maria.id}").get_data(as_text=True)
    form = {"campaign": str(campaign.id), "title": "Post", "kind": "post", "language": "es", "channel": "x",
            "text": "Sin nosotras no funciona ninguna casa —", "people-0-activist": str(maria.id),
            "people-0-appearance": "quoted", "people-0-attribution": "", "image": "", "alt_text": ""}
    # Without JavaScript, "Insert in text" appends her ref and saves nothing.
    inserted = session.post("/items/new", dict(form, insert="0"))
    page = inserted.get_data(as_text=True)
    assert inserted.status_code == 200 and Item.select().count() == 0
    assert "Sin nosotras no funciona ninguna casa — {%s}</textarea>" % maria.ref in page
    nobody = session.post("/items/new", dict(form, insert="1"))
    assert nobody.status_code == 400 and "Choose the person first, then insert." in nobody.get_data(as_text=True)
    # A mistyped ref is answered with the closest one.
    wrong = session.post("/items/new", dict(form, text="— {maria-quispe}"))
    assert wrong.status_code == 400
    assert "Did you mean {%s}?" % maria.ref in wrong.get_data(as_text=True)
    outside = session.post("/items/new", dict(form, text="— {maria-quispe}", **{"people-0-activist": ""}))
    assert "Add the person to the people below." in outside.get_data(as_text=True)
    assert Item.select().count() == 0
