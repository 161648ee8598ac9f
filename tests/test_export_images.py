"""Images in scheduler exports: Sprout Social's file carries a cleared item's image as a
signed, expiring address that Amplify serves only while the item stays cleared; Hootsuite's
has no column for it; the kit holds the scrubbed files with their alt text."""

import html
import io
import zipfile
from urllib.parse import urlsplit
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from amplify.consent import ledger
from amplify.items.models import Item
from amplify.media import links as media_links
from amplify.media.models import Asset
from tests.test_exports import SOON, rows

ALT = "Trabajadoras del hogar marchan con pancartas"


def photo_with_camera_details():
    """A JPEG whose EXIF names the camera maker (it must never leave Amplify)."""
    picture = Image.new("RGB", (80, 60), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "CameraMakerSecret"
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif.tobytes())
    assert b"CameraMakerSecret" in out.getvalue()
    return Asset.upload(out.getvalue(), label="Marcha")


@pytest.fixture
def with_image(app, factories):
    from amplify.items.changes import save_item

    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", face_may_be_shown=True)
    campaign = factories.campaign()
    asset = factories.in_context(photo_with_camera_details)()
    item = factories.in_context(save_item)(
        Item(), people=[(maria.id, "shown", None)], variant_ids=[], images=[(asset, ALT)], campaign=campaign,
        kind="photo", title="Foto de la marcha", language="es", channel="x", text="En la marcha — {%s}" % maria.ref)
    item = factories.send(item)
    with app.app_context():
        ledger.record_decision(maria, "item", item, item.content_hash, "given", method="review_page",
                               scope={"channels": ["x"], "attribution": "pseudonym", "face": True})
    Item.update(planned_at=SOON).where(Item.id == item.id).execute()
    campaign.maria = maria
    return campaign, Item.get_by_id(item.id), asset


def sprout_rows(session, campaign):
    return rows(session.get(f"/drafting/{campaign.slug}/exports/sprout-x.csv").get_data(as_text=True))


def image_path(url):
    return urlsplit(url).path


def test_sprout_file_carries_a_signed_image_address_that_serves_the_scrubbed_image(app, login, with_image):
    campaign, item, asset = with_image
    session = login("comms")
    table = sprout_rows(session, campaign)
    assert table[0] == ["date", "time_24hr", "message_text", "image_url"]
    url = table[1][3]
    assert url.startswith("http://localhost/m/") and url.endswith(".jpg") and table[1][2] == "En la marcha — Flor del Valle"
    response = app.test_client().get(image_path(url))  # no account: the scheduler fetches it
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.data == bytes(asset.data) and b"CameraMakerSecret" not in response.data
    assert response.headers["Cache-Control"] == "no-store"
    page = session.get(f"/drafting/{campaign.slug}/exports").get_data(as_text=True)
    assert "With their image" in page and "Foto de la marcha" in page


def test_hootsuite_has_no_image_column_so_the_post_is_left_out_and_said(login, with_image):
    campaign, _item, _asset = with_image
    session = login("comms")
    assert rows(session.get(f"/drafting/{campaign.slug}/exports/hootsuite-x.csv").get_data(as_text=True)) == []
    page = html.unescape(session.get(f"/drafting/{campaign.slug}/exports").get_data(as_text=True))
    assert "Hootsuite's bulk file has no column for images" in page


def test_the_address_expires(app, login, with_image):
    campaign, item, _asset = with_image
    with app.test_request_context():
        expires = media_links.expiry(item, datetime.now(timezone.utc))
        assert expires >= item.planned_at + timedelta(days=1)  # still there when the scheduler posts
        url = media_links.image_url(item, item.images().first(), datetime.now(timezone.utc) - timedelta(seconds=1))
    response = app.test_client().get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 410 and "This image address is no longer in use" in page
    assert "Foto de la marcha" not in page and "Flor del Valle" not in page and "María" not in page


def test_a_withdrawal_stops_the_address_at_once(app, login, with_image):
    campaign, item, _asset = with_image
    path = image_path(sprout_rows(login("comms"), campaign)[1][3])
    client = app.test_client()
    assert client.get(path).status_code == 200
    with app.app_context():
        ledger.withdraw(campaign.maria, Item.get_by_id(item.id), method="review_page")
    response = client.get(path)
    assert response.status_code == 410 and b"CameraMakerSecret" not in response.data
    assert "withdr" not in response.get_data(as_text=True).lower()  # never says why


def test_an_edit_stops_the_address_of_the_old_version(app, factories, login, with_image):
    from amplify.items.changes import save_item

    campaign, item, asset = with_image
    path = image_path(sprout_rows(login("comms"), campaign)[1][3])
    with app.app_context():
        save_item(Item.get_by_id(item.id), people=[(campaign.maria.id, "shown", None)], variant_ids=[],
                  images=[(asset, ALT)], campaign=campaign, kind="photo", title=item.title, language="es",
                  channel="x", text="Otro texto — {%s}" % campaign.maria.ref)
    assert app.test_client().get(path).status_code == 410


def test_a_tampered_address_is_refused(app, factories, login, with_image):
    campaign, item, _asset = with_image
    path = image_path(sprout_rows(login("comms"), campaign)[1][3])
    token = path[len("/m/"):-len(".jpg")]
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = app.test_client().get(f"/m/{tampered}.jpg")
    assert response.status_code == 403 and "This link does not work" in response.get_data(as_text=True)
    assert app.test_client().get(f"/m/{token}.png").status_code == 410  # not this image's type
    other = factories.in_context(Asset.upload)(photo_bytes(), label="Otra")
    with app.test_request_context():  # signed by Amplify, but for an image the item does not carry
        forged = media_links.serializer().dumps({"i": item.id, "a": other.sha256, "h": item.content_hash,
                                                 "e": int((datetime.now(timezone.utc) + timedelta(days=1)).timestamp())})
    assert app.test_client().get(f"/m/{forged}.jpg").status_code == 410


def photo_bytes():
    out = io.BytesIO()
    Image.new("RGB", (30, 30), (10, 200, 10)).save(out, format="JPEG")
    return out.getvalue()


def test_several_images_do_not_fit_sprouts_one_image_column(app, factories, login, with_image):
    from amplify.items.changes import save_item

    campaign, item, asset = with_image
    second = factories.in_context(Asset.upload)(photo_bytes(), label="Segunda")
    with app.app_context():
        save_item(Item.get_by_id(item.id), people=[(campaign.maria.id, "shown", None)], variant_ids=[],
                  images=[(asset, ALT), (second, "Otra foto")], campaign=campaign, kind="photo",
                  title=item.title, language="es", channel="x", text=item.text)
    again = factories.send(Item.get_by_id(item.id))
    with app.app_context():
        ledger.record_decision(campaign.maria, "item", again, again.content_hash, "given", method="review_page",
                               scope={"channels": ["x"], "attribution": "pseudonym", "face": True})
    session = login("comms")
    assert sprout_rows(session, campaign) == [["date", "time_24hr", "message_text"]]
    assert "one image per post" in session.get(f"/drafting/{campaign.slug}/exports").get_data(as_text=True)


def test_the_kit_holds_the_scrubbed_image_and_its_alt_text(login, with_image):
    campaign, item, asset = with_image
    data = login("viewer").get(f"/drafting/{campaign.slug}/exports/kit.zip").data
    with zipfile.ZipFile(io.BytesIO(data)) as kit:
        picture = f"{item.id:04d}-image-1.jpg"
        assert picture in kit.namelist()
        assert kit.read(picture) == bytes(asset.data) and b"CameraMakerSecret" not in kit.read(picture)
        readme = kit.read("README.txt").decode()
        assert f"{picture} — alt text: {ALT}" in readme and "metadata (camera, GPS) removed" in readme
