"""The item's page as staff read it: who is asked, how people are named in the text."""

import io
import zipfile

from amplify.items.models import Item
from tests.test_consent import decide


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


def test_staff_discuss_an_item_and_a_mention_reaches_the_colleague(app, login, factories, make_user):
    from amplify.drafting import exports
    from amplify.items.comments import CommentMention, ItemComment


    maria = factories.activist("María Quispe")
    campaign = factories.campaign()
    item = factories.item(campaign, people=[(maria, "quoted", None)])
    ana = make_user("events", email="ana.souza@example.org", name="Ana Souza")
    session = login("comms")
    too_long = session.post(f"/items/{item.id}/comments", {"text": "x" * 4001})
    assert too_long.status_code == 400 and "x" * 4001 in too_long.get_data(as_text=True)
    assert session.post(f"/items/{item.id}/comments", {"text": "  "}).status_code == 400
    assert ItemComment.select().count() == 0
    said = session.post(f"/items/{item.id}/comments", {"text": "@ana ¿revisas la cita secreta-123?"})
    assert said.status_code == 302
    assert [m.user_id for m in CommentMention.select()] == [ana.id]
    written = session.get(f"/items/{item.id}").get_data(as_text=True)
    assert "secreta-123" in written and "Mentions you" not in written  # the writer is not named
    colleague = login(user=ana)
    home = colleague.get("/").get_data(as_text=True)
    assert "Comms mentioned you about “Post de prueba”" in home
    seen = colleague.get(f"/items/{item.id}").get_data(as_text=True)
    assert seen.count("Mentions you") == 1  # marked on the comment that names her, this once
    assert CommentMention.get().seen_at is not None
    assert "mentioned you" not in colleague.get("/").get_data(as_text=True)
    assert "Mentions you" not in colleague.get(f"/items/{item.id}").get_data(as_text=True)
    assert login("viewer").post(f"/items/{item.id}/comments", {"text": "hola"}).status_code == 403
    # Never out of the staff's pages: not on her review page, not in any export.
    factories.send(item)
    _, token = factories.link(maria)
    assert "secreta-123" not in app.test_client().get(f"/r/{token}").get_data(as_text=True)
    decide(app, maria, item, scope={"channels": ["x"], "attribution": "pseudonym", "face": False,
                                    "valid_until": None})
    assert Item.get_by_id(item.id).state == "cleared"
    with app.test_request_context():
        campaign = Item.get_by_id(item.id).campaign
        files = zipfile.ZipFile(io.BytesIO(exports.kit_zip(campaign)))
        kit = b"".join(files.read(name) for name in files.namelist())
        assert "El trabajo del hogar es trabajo".encode() in kit and b"secreta-123" not in kit
