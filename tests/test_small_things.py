"""Small things people expect: copy buttons, named feed sources, a confirmation before a
staff-recorded withdrawal, one blur row at a time."""

import io

from PIL import Image

from amplify.consent.models import Decision
from amplify.feeds.models import FeedSource
from amplify.media.models import Asset
from tests.test_consent import decide


def test_copy_buttons_beside_personal_links(app, login, factories):
    maria = factories.activist("María Quispe")
    session = login("comms")
    made = session.post(f"/consent/people/{maria.id}/links", {}, follow_redirects=True).get_data(as_text=True)
    assert 'data-copy="link-url"' in made
    feed = session.post("/invitations/feeds", {"action": "new"}, follow_redirects=True).get_data(as_text=True)
    assert 'data-copy="feed-url"' in feed


def test_a_feed_source_has_a_name_staff_give_it(app, login):
    session = login("comms")
    response = session.post("/feeds/sources/new", {"title": "Comunicados de la federación",
                                                   "url": "https://movimiento.example.org/feed.xml",
                                                   "kind": "movement", "organization": "",
                                                   "keywords": "", "interval_minutes": "60"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert FeedSource.get().title == "Comunicados de la federación"
    assert session.post("/feeds/sources/new", {"title": "x" * 201, "url": "https://otro.example.org/feed.xml",
                                               "kind": "movement", "interval_minutes": "60"}).status_code == 400


def test_a_staff_recorded_withdrawal_asks_for_confirmation(app, login, factories):
    maria = factories.activist("María Quispe")
    item = factories.send(factories.item(factories.campaign(), people=[(maria, "quoted", None)]))
    decide(app, maria, item, scope={"channels": ["x"], "attribution": "pseudonym", "face": False,
                                    "valid_until": None})
    session = login("events")
    url = f"/consent/items/{item.id}/people/{maria.id}"
    data = {"content_hash": item.content_hash, "request_key": "w1", "outcome": "withdrawn", "method": "phone",
            "witness": "", "notice_version": "v1", "notice_language": "es", "channels": ["x"],
            "attribution": "pseudonym", "valid_until": "", "comment": "Lo pidió por teléfono"}
    asked = session.post(url, data)
    page = asked.get_data(as_text=True)
    assert asked.status_code == 400 and "tick to confirm" in page and 'name="confirm_withdrawal"' in page
    assert "Lo pidió por teléfono" in page
    assert Decision.latest(maria.id, "item", item.id).outcome == "given"
    assert session.post(url, dict(data, confirm_withdrawal="y")).status_code == 302
    assert Decision.latest(maria.id, "item", item.id).outcome == "withdrawn"


def test_blur_form_shows_one_row_and_adds_another(app, login):
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 10, 10)).save(out, format="PNG")
    with app.app_context():
        asset = Asset.upload(out.getvalue(), label="Foto")
    session = login("comms")
    page = session.get(f"/media/{asset.sha256}").get_data(as_text=True)
    assert page.count('class="rect"') == 1 and "Add another region" in page
    more = session.post(f"/media/{asset.sha256}/blur", {"regions-0-x": "1", "regions-0-y": "2", "regions-0-w": "3",
                                                       "regions-0-h": "4", "add_region": "1"})
    page = more.get_data(as_text=True)
    assert more.status_code == 200 and page.count('class="rect"') == 2 and 'value="3"' in page
    assert Asset.select().count() == 1
