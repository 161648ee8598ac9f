"""Issue 5's journey in Chromium: upload a photo, blur a region by drawing it, make a card,
send it for review, and export it after consent."""

import io
import re
import zipfile

from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations
from tests.conftest import PASSWORD
from tests.test_media_scrub import jpeg_with_everything


def test_upload_blur_card_consent_export(app, browser, live_server, make_user, factories, tmp_path):
    make_user("comms", email="comms@example.org")
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", languages=["es"])
    campaign = factories.campaign("Trabajo digno")
    photo = tmp_path / "marcha.jpg"
    photo.write_bytes(jpeg_with_everything(size=(400, 300), orientation=1))

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.set_default_timeout(15000)
    staff.goto(f"{live_server}/auth/login")
    staff.get_by_label("Email").fill("comms@example.org")
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Sign in").click()

    staff.get_by_role("link", name="Photos").click()
    staff.get_by_label("Photo", exact=True).set_input_files(str(photo))
    staff.get_by_label("Label (for staff)").fill("Marcha")
    staff.get_by_role("button", name="Upload").click()
    staff.wait_for_load_state()  # the page the click opened, loaded
    assert "without its location and camera data" in staff.content()
    assert not serious_violations(staff)

    image = staff.locator("#blur-image")
    box = image.bounding_box()
    staff.mouse.move(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.1)
    staff.mouse.down()
    staff.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5, steps=5)
    staff.mouse.up()
    assert int(staff.locator("#regions-0-w").input_value()) > 50  # drawn, in real pixels
    staff.get_by_role("button", name="Make a blurred copy").click()
    staff.wait_for_load_state()  # the page the click opened, loaded
    assert "cannot be recovered" in staff.content()
    assert "Blurred copy of" in staff.content()

    staff.goto(f"{live_server}/media/cards/new?campaign={campaign.slug}")
    staff.get_by_label("Title (for staff)").fill("Tarjeta de María")
    staff.get_by_label("Main text").fill("Sin nosotras no funciona ninguna casa.")
    staff.get_by_label("Person quoted or shown").fill("María Quispe")
    staff.get_by_label("Named on the card as").select_option("pseudonym")
    preview = staff.locator("#card-preview")
    # The live preview, loaded and decoded (Playwright retries the check; no sleeps).
    expect(preview).to_have_js_property("naturalWidth", 1200, timeout=30_000)
    assert not serious_violations(staff)
    staff.get_by_role("button", name="Make the card").click()
    staff.wait_for_url(re.compile(r"/items/\d+$"))
    item_url = staff.url
    staff.get_by_role("button", name="Send for review").click()
    staff.wait_for_load_state()  # the page the click opened, loaded
    assert "In review" in staff.content()

    _, token = factories.link(maria)
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.goto(f"{live_server}/r/{token}")
    card_image = phone.locator("img.item-image")
    card_image.scroll_into_view_if_needed()  # previews load lazily on the phone
    expect(card_image).to_have_js_property("naturalWidth", 640, timeout=30_000)
    assert not serious_violations(phone)
    card = phone.locator("article.card").filter(has_text="Sin nosotras")
    card.get_by_role("button", name="Sí, estoy de acuerdo").click()
    phone.wait_for_load_state()  # the page the click opened, loaded
    assert "Gracias" in phone.content()

    staff.goto(item_url)
    assert "Cleared: everyone agreed" in staff.content()
    kit = staff.context.request.get(f"{live_server}/drafting/{campaign.slug}/exports/kit.zip")
    with zipfile.ZipFile(io.BytesIO(kit.body())) as archive:
        pngs = [n for n in archive.namelist() if n.endswith(".png")]
        assert len(pngs) == 1
        with Image.open(io.BytesIO(archive.read(pngs[0]))) as exported:
            assert exported.size == (1200, 675)
