"""Faces nobody agreed to show (issue 18, part 3): found on upload, proposed as regions to
blur, and an item with a photo goes to review only once each is blurred or is the face of
a person the item shows who agreed to show it. The face-bearing photo is NASA's portrait
of the astronaut Eileen Collins (public domain) as scikit-image ships it; read from the
package's folder, so the test does not import scikit-image."""

import importlib.util
import io
import json
import pathlib

from PIL import Image

from amplify.consent.clearance import clearance
from amplify.consent.models import Decision
from amplify.db import database, utcnow
from amplify.items.models import Item
from amplify.media.detect import MAX_PROPOSALS, covered, detect, proposals
from amplify.media.faces import link
from amplify.media.models import Asset, Face

SKIMAGE_DATA = pathlib.Path(importlib.util.find_spec("skimage").origin).parent / "data"
FACE = (177, 67, 93, 93)  # her face in astronaut.png (512 × 512), as the cascade itself sees it


def package_image(name):
    return (SKIMAGE_DATA / name).read_bytes()


def as_jpeg(name):
    """The package's PNG as a JPEG a phone would send (and small enough that the test client
    does not spool it to a file)."""
    out = io.BytesIO()
    with Image.open(io.BytesIO(package_image(name))) as image:
        image.convert("RGB").save(out, format="JPEG", quality=92)
    return out.getvalue()


def upload(session, name, label):
    response = session.post("/media/", {"image": (io.BytesIO(as_jpeg(name)), name + ".jpg"), "label": label},
                            content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return Asset.get(Asset.label == label)


def photo_item(session, campaign, asset, people=()):
    data = {"campaign": str(campaign.id), "title": "Foto de la marcha", "kind": "photo",
            "language": "es", "channel": "instagram", "text": "Trabajadoras en marcha",
            "image": asset.sha256, "alt_text": "Una mujer sonríe con un traje espacial"}
    for n, (activist, appearance) in enumerate(people):
        data.update({f"people-{n}-activist": str(activist.id), f"people-{n}-appearance": appearance,
                     f"people-{n}-attribution": ""})
    response = session.post("/items/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return Item.select().order_by(Item.id.desc()).get(), data


def test_a_face_in_package_data_is_found_on_upload_and_proposed_as_a_region(app, login):
    session = login("comms")
    asset = upload(session, "astronaut.png", "Astronauta")
    faces = asset.faces()
    assert asset.faces_found == 1 and len(faces) == 1
    assert covered(FACE, [faces[0].box])  # the proposed region covers her whole face
    assert faces[0].w < 200  # and not the whole photo
    page = session.get(f"/media/{asset.sha256}").get_data(as_text=True)
    assert "Faces found: 1" in page and "to blur" in page
    assert f'name="regions-0-x" type="number" value="{faces[0].x}"' in page
    assert f'name="regions-0-w" type="number" value="{faces[0].w}"' in page


def test_a_photo_with_no_face_is_fine(app, login, factories):
    session = login("comms")
    asset = upload(session, "coffee.png", "Café")
    assert asset.faces_found == 0 and asset.faces() == []
    page = session.get(f"/media/{asset.sha256}").get_data(as_text=True)
    assert "No face was found" in page and 'name="regions-0-x" type="number" value=""' in page
    item, _data = photo_item(session, factories.campaign(), asset)
    session.post(f"/items/{item.id}/review", {})
    assert Item.get_by_id(item.id).state == "cleared"


def test_send_to_review_is_refused_until_the_face_is_blurred(app, login, factories):
    session = login("comms")
    campaign = factories.campaign()
    asset = upload(session, "astronaut.png", "Astronauta")
    item, data = photo_item(session, campaign, asset)
    refused = session.post(f"/items/{item.id}/review", {}, follow_redirects=True)
    assert "A photo shows 1 face(s) nobody agreed to show" in refused.get_data(as_text=True)
    assert Item.get_by_id(item.id).state == "draft"
    assert any("face(s) nobody agreed" in str(p) for p in clearance(item).problems)

    # The proposed region, as the page filled it in, makes the blurred copy.
    face = asset.faces()[0]
    session.post(f"/media/{asset.sha256}/blur", {"regions-0-x": face.x, "regions-0-y": face.y,
                                                 "regions-0-w": face.w, "regions-0-h": face.h})
    blurred = Asset.get(Asset.derived_from == asset.sha256)
    assert [f.blurred for f in blurred.faces()] == [True]
    assert detect(bytes(blurred.data))[1] == 0  # the detector no longer sees a face there
    page = session.get(f"/media/{blurred.sha256}").get_data(as_text=True)
    assert "blurred" in page and 'name="regions-0-x" type="number" value=""' in page

    session.post(f"/items/{item.id}/edit", dict(data, image=blurred.sha256))
    session.post(f"/items/{item.id}/review", {})
    assert Item.get_by_id(item.id).state == "cleared"


def test_a_region_beside_the_face_does_not_count_as_blurring_it(app, login, factories):
    session = login("comms")
    asset = upload(session, "astronaut.png", "Astronauta")
    session.post(f"/media/{asset.sha256}/blur", {"regions-0-x": 300, "regions-0-y": 300,
                                                 "regions-0-w": 100, "regions-0-h": 100})
    blurred = Asset.get(Asset.derived_from == asset.sha256)
    assert [f.blurred for f in blurred.faces()] == [False]
    item, _data = photo_item(session, factories.campaign(), blurred)
    session.post(f"/items/{item.id}/review", {})
    assert Item.get_by_id(item.id).state == "draft"


def test_a_linked_consenting_person_lets_her_face_through(app, login, factories):
    session = login("comms")
    campaign = factories.campaign()
    shy = factories.activist("Rosa Tímida", face_may_be_shown=False)
    eileen = factories.activist("Eileen Prueba", face_may_be_shown=True)
    other = factories.activist("Otra Persona", face_may_be_shown=True)
    asset = upload(session, "astronaut.png", "Astronauta")
    face = asset.faces()[0]
    page = session.get(f"/media/{asset.sha256}").get_data(as_text=True)
    # Typed, never a list of everyone (issue 13): the page names nobody until asked.
    assert "Eileen Prueba" not in page and "Rosa Tímida" not in page and 'list="people-found"' in page

    # Someone whose face may not be shown cannot be linked: said on her row, input kept.
    refused = session.post(f"/media/{asset.sha256}/faces", {"faces-0-face": face.id,
                                                            "faces-0-person": "Rosa Tímida"})
    assert refused.status_code == 400
    assert "Rosa Tímida has not agreed that her face may be shown" in refused.get_data(as_text=True)
    assert f'value="Rosa Tímida ({shy.ref})"' in refused.get_data(as_text=True)
    assert Face.get_by_id(face.id).activist_id is None
    answer = session.post(f"/media/{asset.sha256}/faces", {"faces-0-face": face.id, "faces-0-person": "x'; --"})
    assert answer.status_code == 400 and "No one is called" in answer.get_data(as_text=True)
    assert Face.get_by_id(face.id).activist_id is None
    with app.app_context():  # and link() itself, whatever form reached it
        link(Asset.get_by_id(asset.id), {face.id: shy.id})
    assert Face.get_by_id(face.id).activist_id is None

    # Linked to her (typed as the picker fills it in), but the item shows someone else: still refused.
    session.post(f"/media/{asset.sha256}/faces", {"faces-0-face": face.id,
                                                  "faces-0-person": f"Eileen Prueba ({eileen.ref})"})
    assert Face.get_by_id(face.id).activist_id == eileen.id
    assert "may stay visible: Eileen Prueba" in session.get(f"/media/{asset.sha256}").get_data(as_text=True)
    item, _data = photo_item(session, campaign, asset, people=[(other, "shown")])
    session.post(f"/items/{item.id}/review", {})
    assert Item.get_by_id(item.id).state == "draft"

    # Named but not shown: still refused. Shown: it goes, and waits for her own yes to her face.
    item, _data = photo_item(session, campaign, asset, people=[(eileen, "named")])
    session.post(f"/items/{item.id}/review", {})
    assert Item.get_by_id(item.id).state == "draft"
    item, _data = photo_item(session, campaign, asset, people=[(eileen, "shown")])
    session.post(f"/items/{item.id}/review", {})
    item = Item.get_by_id(item.id)
    assert item.state == "in_review" and not clearance(item).problems
    for face_in_scope, cleared in ((False, False), (True, True)):
        with app.app_context(), database.atomic():
            Decision.append(at=utcnow(), activist=eileen.id, subject_type="item", subject_id=item.id,
                            content_hash=item.content_hash, outcome="given", method="review_page",
                            scope=json.dumps({"channels": ["instagram"], "attribution": "first_name",
                                              "face": face_in_scope, "valid_until": "2999-12-31"}))
        assert clearance(item).cleared is cleared

    # Unlinking her face holds the item at once (its stored verdict too).
    session.post(f"/media/{asset.sha256}/faces", {"faces-0-face": face.id, "faces-0-person": ""})
    assert clearance(item).problems and Item.get_by_id(item.id).cleared is False


def test_a_photo_attached_before_faces_were_looked_for_is_looked_at_on_review(app, login, factories):
    session = login("comms")
    asset = upload(session, "astronaut.png", "Astronauta")
    Face.delete().execute()
    Asset.update(faces_found=None).execute()  # as a photo uploaded before this code
    item, _data = photo_item(session, factories.campaign(), asset)
    assert not clearance(item).problems  # never judged on what nobody looked at…
    session.post(f"/items/{item.id}/review", {})
    assert Item.get_by_id(item.id).state == "draft"  # …but looked at before review
    assert Asset.get_by_id(asset.id).faces_found == 1


def test_odd_images_give_no_face_and_no_error():
    tiny, grey, rgba, palette = (io.BytesIO() for _ in range(4))
    Image.new("RGB", (8, 8), "white").save(tiny, format="PNG")
    Image.new("L", (900, 30), 128).save(grey, format="PNG")
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(rgba, format="WEBP")
    Image.new("P", (200, 300)).save(palette, format="PNG")
    for data in (tiny, grey, rgba, palette):
        assert detect(data.getvalue()) == ([], 0)


def test_a_crowd_is_proposed_in_at_most_forty_regions_that_cover_every_face():
    faces = [(x * 37, y * 41, 30, 34) for x in range(20) for y in range(15)]  # 300 faces
    regions = proposals(faces)
    assert len(regions) <= MAX_PROPOSALS
    assert all(covered(face, regions, share=1.0) for face in faces)
    assert proposals(faces[:5]) == faces[:5]


def test_the_face_is_found_in_a_downscaled_12_megapixel_photo():
    canvas = Image.new("RGB", (4000, 3000), (120, 110, 100))
    with Image.open(io.BytesIO(package_image("astronaut.png"))) as image:
        canvas.paste(image.convert("RGB").resize((2048, 2048)), (1000, 500))
    out = io.BytesIO()
    canvas.save(out, format="JPEG", quality=85)
    boxes, found = detect(out.getvalue())
    x, y, w, h = FACE
    assert found == 1 and covered((1000 + 4 * x, 500 + 4 * y, 4 * w, 4 * h), boxes)


def test_a_forged_or_expired_links_form_is_refused_whole(app, login, factories):
    session = login("comms")
    eileen = factories.activist("Eileen Prueba", face_may_be_shown=True)
    asset = upload(session, "astronaut.png", "Astronauta")
    face = asset.faces()[0]
    forged = session.client.post(f"/media/{asset.sha256}/faces", data={
        "faces-0-face": face.id, "faces-0-person": eileen.id,
        "faces-7-face": "999", "faces-7-person": eileen.id})  # no CSRF token
    assert forged.status_code == 400
    assert Face.get_by_id(face.id).activist_id is None
    session.post(f"/media/{asset.sha256}/faces", {"faces-0-face": "999", "faces-0-person": eileen.id})
    assert Face.select().where(Face.activist.is_null(False)).count() == 0  # not a face of this photo


def test_a_crowd_is_capped_and_said_so(app, login, factories, monkeypatch):
    monkeypatch.setattr("amplify.media.detect.MAX_FACES", 12)
    crowd = Image.new("RGB", (1600, 1200), (200, 200, 190))
    with Image.open(io.BytesIO(package_image("astronaut.png"))) as image:
        head = image.convert("RGB").crop((130, 20, 320, 230)).resize((171, 189))
    for row in range(6):
        for column in range(9):
            crowd.paste(head, (column * 176, row * 196))
    out = io.BytesIO()
    crowd.save(out, format="JPEG", quality=60)
    assert len(out.getvalue()) < 500_000  # not spooled to a file by the test client
    session = login("comms")
    response = session.post("/media/", {"image": (io.BytesIO(out.getvalue()), "crowd.jpg"), "label": "Multitud"},
                            content_type="multipart/form-data")
    asset = Asset.get(Asset.label == "Multitud")
    assert asset.faces_found > 12 and len(asset.faces()) == 12
    page = session.get(response.headers["Location"]).get_data(as_text=True)
    assert "Only the 12 largest are kept" in page
    assert 'name="regions-11-x"' in page and 'name="regions-12-x"' not in page
