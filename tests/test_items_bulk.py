"""Several items at once: chosen with checkboxes, filtered finely."""

from datetime import datetime, timedelta, timezone

from amplify.items.models import Item


def test_filters_by_channel_language_person_and_planned_week(app, login, factories):
    maria = factories.activist("María Quispe")
    campaign = factories.campaign()
    x_es = factories.item(campaign, people=[(maria, "quoted", None)], title="Post X es")
    factories.item(campaign, title="Post Mastodon pt", channel="mastodon", language="pt", text="Olá")
    planned = datetime.now(timezone.utc) + timedelta(days=14)
    Item.update(planned_at=planned).where(Item.id == x_es.id).execute()
    session = login("viewer")
    assert "Post X es" not in session.get("/items/?channel=mastodon").get_data(as_text=True)
    assert "Post Mastodon pt" in session.get("/items/?language=pt").get_data(as_text=True)
    by_person = session.get(f"/items/?person={maria.id}").get_data(as_text=True)
    assert "Post X es" in by_person and "Post Mastodon pt" not in by_person
    week = planned.strftime("%G-W%V")
    in_week = session.get(f"/items/?week={week}").get_data(as_text=True)
    assert "Post X es" in in_week and "Post Mastodon pt" not in in_week
    assert session.get("/items/?week=nonsense&person=abc").status_code == 200
    assert 'name="items"' not in in_week  # a viewer has no bulk actions


def test_bulk_review_export_and_archive_without_javascript(app, login, factories):
    maria = factories.activist("María Quispe")
    campaign = factories.campaign()
    one = factories.item(campaign, people=[(maria, "quoted", None)], title="Uno")
    two = factories.item(campaign, title="Dos", text="x" * 400)  # too long for X: refused, named
    three = factories.item(campaign, title="Tres", text="Sin nadie a quien preguntar.")
    session = login("comms")
    page = session.get("/items/").get_data(as_text=True)
    assert f'name="items" value="{one.id}"' in page
    done = session.post("/items/bulk", {"items": [str(one.id), str(two.id), str(three.id)],
                                        "bulk_action": "review"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "2 items done." in text and "Dos: It is too long" in text
    states = {i.title: i.state for i in Item.select()}
    assert states == {"Uno": "in_review", "Dos": "draft", "Tres": "cleared"}
    export = session.post("/items/bulk", {"items": [str(one.id), str(three.id)], "bulk_action": "export"})
    assert export.status_code == 200 and "Sin nadie a quien preguntar." in export.get_data(as_text=True)
    assert "Uno" not in export.get_data(as_text=True)  # not cleared: not exported
    session.post("/items/bulk", {"items": [str(two.id)], "bulk_action": "archive"})
    assert "Dos" not in session.get("/items/").get_data(as_text=True)
    assert "Dos" in session.get("/items/?archived=1").get_data(as_text=True)
    assert Item.get_by_id(two.id).state == "draft"
    nothing = session.post("/items/bulk", {"bulk_action": "archive"}, follow_redirects=True)
    assert "Tick the items first." in nothing.get_data(as_text=True)
    assert login("viewer").post("/items/bulk", {"items": [str(one.id)], "bulk_action": "archive"}).status_code == 403
