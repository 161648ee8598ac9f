import io

from PIL import Image

from amplify.items.models import Item, ItemImage
from amplify.media.models import Asset
from tests.test_media_scrub import jpeg_with_everything


def test_upload_stores_only_the_scrubbed_image(app, login):
    session = login("comms")
    raw = jpeg_with_everything()
    response = session.post("/media/", {"image": (io.BytesIO(raw), "retrato.jpg"), "label": "Retrato"},
                            content_type="multipart/form-data")
    assert response.status_code == 302
    asset = Asset.get()
    assert b"Rosa" not in bytes(asset.data) and bytes(asset.data) != raw
    served = session.get(f"/media/{asset.sha256}.jpg")
    assert served.data == bytes(asset.data) and served.mimetype == "image/jpeg"
    again = session.post("/media/", {"image": (io.BytesIO(raw), "otra.jpg"), "label": "Otra"},
                         content_type="multipart/form-data")
    assert again.status_code == 302 and Asset.select().count() == 1  # stored once, by content hash


def test_upload_refuses_a_fake_jpeg_with_the_message_next_to_the_field(app, login):
    session = login("comms")
    response = session.post("/media/", {"image": (io.BytesIO(b"<script>alert(1)</script>"), "foto.jpg"),
                                        "label": "Falsa"}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="image-error"' in page and "not a JPEG, PNG or WebP" in page
    assert 'value="Falsa"' in page and Asset.select().count() == 0
    assert login("viewer").post("/media/", {"label": "x"}).status_code == 403


def test_blur_makes_a_new_irreversible_copy(app, login, factories):
    image = Image.effect_noise((120, 80), 90).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    with app.app_context():
        asset = Asset.upload(out.getvalue(), label="Ruido")
    session = login("comms")
    response = session.post(f"/media/{asset.sha256}/blur", {
        "regions-0-x": "10", "regions-0-y": "10", "regions-0-w": "40", "regions-0-h": "30"})
    assert response.status_code == 302
    blurred = Asset.get(Asset.derived_from == asset.sha256)
    with Image.open(io.BytesIO(bytes(blurred.data))) as after, Image.open(io.BytesIO(bytes(asset.data))) as before:
        region_after = after.crop((12, 12, 48, 38)).convert("L")
        region_before = before.crop((12, 12, 48, 38)).convert("L")
        outside_same = after.crop((70, 50, 110, 75)).tobytes() == before.crop((70, 50, 110, 75)).tobytes()
    spread = lambda img: img.getextrema()[1] - img.getextrema()[0]  # noqa: E731
    assert spread(region_after) < spread(region_before) / 2  # the detail is gone
    assert outside_same
    nothing = session.post(f"/media/{asset.sha256}/blur", {"regions-0-x": ""})
    assert nothing.status_code == 400


def test_images_are_in_the_hash_and_need_alt_text_before_review(app, login, factories):
    campaign = factories.campaign()
    photo = factories.image()
    session = login("comms")
    data = {"campaign": str(campaign.id), "title": "Foto", "kind": "photo", "language": "es",
            "channel": "instagram", "text": "Trabajadoras en marcha", "image": photo.sha256, "alt_text": ""}
    session.post("/items/new", data)
    item = Item.get()
    first_hash = item.content_hash
    session.post(f"/items/{item.id}/review", {})
    assert Item.get_by_id(item.id).state == "draft"
    session.post(f"/items/{item.id}/edit", dict(data, alt_text="Mujeres con pancartas en una plaza"))
    item = Item.get_by_id(item.id)
    assert item.content_hash != first_hash and ItemImage.get().alt_text.startswith("Mujeres")
    other = factories.image(colour=(10, 200, 10), label="Otra")
    session.post(f"/items/{item.id}/edit", dict(data, image=other.sha256, alt_text="Mujeres con pancartas en una plaza"))
    assert Item.get_by_id(item.id).content_hash != item.content_hash
    session.post(f"/items/{item.id}/review", {})
    assert Item.get_by_id(item.id).state == "cleared"
    too_long = session.post(f"/items/{item.id}/edit", dict(data, channel="x", alt_text="a" * 1001))
    assert too_long.status_code == 400 and "At most 1000 characters" in too_long.get_data(as_text=True)


def test_card_becomes_an_item_whose_hash_covers_the_image(app, login, factories):
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle")
    campaign = factories.campaign()
    session = login("comms")
    form = {"campaign": str(campaign.id), "title": "Tarjeta", "template": "quote", "size": "x",
            "main_text": "Sin nosotras no funciona ninguna casa.", "person": str(maria.id),
            "attribution": "pseudonym", "secondary": "", "language": "es", "channel": "x"}
    preview = session.get("/media/cards/preview.png", query_string=form)
    assert preview.status_code == 200 and preview.data.startswith(b"\x89PNG")
    assert session.get("/media/cards/preview.png", query_string=dict(form, campaign=str(10 ** 20))).status_code == 404
    assert session.post("/media/cards/new", form).status_code == 302
    item = Item.get()
    assert item.kind == "quote_card" and [p.attribution for p in item.people()] == ["pseudonym"]
    image = item.images(with_data=True).get()
    with Image.open(io.BytesIO(bytes(image.asset.data))) as card:
        assert card.size == (1200, 675)
    assert image.asset.sha256 in item.versions.get().snapshot
    refused = session.post("/media/cards/new", dict(form, main_text="Trabajo digno 💪"))
    assert refused.status_code == 400 and "💪" in refused.get_data(as_text=True)
    assert Item.select().count() == 1


def test_the_person_sees_the_card_on_her_page_and_only_her_images(app, login, factories):
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle")
    other = factories.activist("Otra")
    campaign = factories.campaign()
    session = login("comms")
    session.post("/media/cards/new", {"campaign": str(campaign.id), "title": "Tarjeta", "template": "quote",
                                      "size": "story", "main_text": "Sin nosotras no funciona ninguna casa.",
                                      "person": str(maria.id), "attribution": "pseudonym", "secondary": "",
                                      "language": "es", "channel": "instagram"})
    item = Item.get()
    session.post(f"/items/{item.id}/review", {})
    sha = item.images().get().asset.sha256
    _, token = factories.link(maria)
    client = app.test_client()
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert f"/r/{token}/images/{sha}.png" in page
    preview = client.get(f"/r/{token}/images/{sha}.png")
    # Her image is as personal as her page: kept in no cache, its URL sent to no one.
    assert preview.headers["Cache-Control"] == "no-store"
    assert preview.headers["Referrer-Policy"] == "no-referrer"
    with Image.open(io.BytesIO(preview.data)) as small:
        assert small.width == 640 and small.height == 1138
    _, other_token = factories.link(other)
    assert client.get(f"/r/{other_token}/images/{sha}.png").status_code == 404


def test_preview_of_a_card_shows_it_and_creates_nothing(app, login, factories):
    campaign = factories.campaign()
    session = login("comms")
    form = {"campaign": str(campaign.id), "title": "Tarjeta", "template": "quote", "size": "x",
            "main_text": "Sin nosotras no funciona ninguna casa.", "person": "", "attribution": "pseudonym",
            "secondary": "Flor", "language": "es", "channel": "x", "action": "preview"}
    for _ in range(2):
        page = session.post("/media/cards/new", form)
        assert page.status_code == 200
        assert "/media/cards/preview.png?" in page.get_data(as_text=True)
        assert "action=preview" not in page.get_data(as_text=True)
    assert Item.select().count() == 0 and Asset.select().count() == 0
    assert session.post("/media/cards/new", dict(form, action="create")).status_code == 302
    assert Item.select().count() == 1
