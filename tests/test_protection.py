"""Protect her now (issue 18): one press stops everything that could expose her, and
only an admin with a reason lifts it."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest

from amplify.audit.models import AuditEvent
from amplify.consent import ledger
from amplify.consent.clearance import clearance
from amplify.consent.models import ReviewLink
from amplify.items.changes import publish, save_item
from amplify.items.models import Item, Publication
from amplify.notifications.models import Notification
from amplify.people.models import Activist, save_activist
from amplify.protection.changes import protect
from amplify.protection.models import Protection
from amplify.protection.signals import protection_started
from amplify.reports.models import ReportShare
from amplify.reports.views import serializer
from amplify.rules import NotAllowed
from tests.test_exports import SOON


def cleared_item(app, factories, campaign, person, title, channel="x", planned=True):
    item = factories.send(factories.item(campaign, people=[(person, "quoted", None)], title=title,
                                         text=f"«Exigimos derechos» — {{{person.ref}}}", channel=channel))
    if planned:
        Item.update(planned_at=SOON).where(Item.id == item.id).execute()
    with app.app_context():
        ledger.record_decision(person, "item", item, item.content_hash, "given", method="review_page",
                               scope={"channels": [channel, "meeting"], "attribution": "full_name"})
    return Item.get_by_id(item.id)


@pytest.fixture
def her(app, factories, make_user):
    """Rosa, named in a published post, a cleared planned post and a quote for meetings;
    with a personal link; the kit was downloaded before anyone knew she was in danger."""
    rosa = factories.activist("Rosa Huamán", risk_level="medium")
    campaign = factories.campaign()
    published = cleared_item(app, factories, campaign, rosa, "Publicado")
    author = make_user("comms")
    with app.app_context():
        publication = publish(published, author, "x", "https://x.example/rosa/1")
    planned = cleared_item(app, factories, campaign, rosa, "Planificado")
    quote = cleared_item(app, factories, campaign, rosa, "Cita", channel="meeting", planned=False)
    Item.update(kind="press_quote").where(Item.id == quote.id).execute()
    link, token = factories.link(rosa)
    return {"rosa": rosa, "campaign": campaign, "published": published, "planned": planned,
            "quote": quote, "publication": publication, "link": link, "token": token}


def test_protect_now_stops_everything_that_could_expose_her(app, login, her, make_user):
    admin = make_user("admin")
    staff = login("events")
    kit = staff.get(f"/drafting/{her['campaign'].slug}/exports/kit.zip")
    assert "Rosa Huamán" in zipfile.ZipFile(io.BytesIO(kit.data)).read(
        f"{her['planned'].id:04d}-x-es.txt").decode()
    heard = []
    protection_started.connect(lambda sender, **kw: heard.append((sender.id, kw["publications"])), weak=False)

    page = staff.get(f"/people/{her['rosa'].id}/protect")
    assert page.status_code == 200 and "Protect now" in page.get_data(as_text=True)
    refused = staff.post(f"/people/{her['rosa'].id}/protect", {"reason": "  "})
    assert refused.status_code == 400 and "Say why" in refused.get_data(as_text=True)
    assert Activist.get_by_id(her["rosa"].id).protected_since is None

    done = staff.post(f"/people/{her['rosa'].id}/protect", {"reason": "Detenida tras la marcha"},
                      follow_redirects=True)
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and "Places Amplify cannot reach" in body
    rosa = Activist.get_by_id(her["rosa"].id)
    assert rosa.protected and rosa.risk_level == "high"
    # Her personal link stopped working.
    assert ReviewLink.get_by_id(her["link"].id).revoked_at is not None
    assert "no longer" in staff.client.get(f"/r/{her['token']}").get_data(as_text=True).lower() or \
        staff.client.get(f"/r/{her['token']}").status_code in (404, 410)
    # The publication is in the take-down queue, and the signal said which.
    assert Publication.get_by_id(her["publication"].id).takedown_state == "required"
    assert heard[-1][0] == rosa.id and [p.id for p in heard[-1][1]] == [her["publication"].id]
    # Every item naming her is stopped: clearance says "protected".
    with app.app_context():
        for item in (her["planned"], her["quote"]):
            result = clearance(Item.get_by_id(item.id))
            assert not result.cleared
            assert "Protected" in str(result.people[0].reason)
    assert Item.get_by_id(her["planned"].id).cleared is False
    # The checklist names the kit, who downloaded it and what it carried.
    assert "Campaign kit" in body and f"{her['campaign'].slug}-kit.zip" in body and staff.user.email in body
    # Admins are told, urgently; the audit log has it with the reason.
    note = Notification.get(Notification.user == admin.id)
    assert note.kind == "protected" and note.pressing
    event = AuditEvent.select().where(AuditEvent.action == "activist.protect").get()
    assert event.summary_data()["reason"] == "Detenida tras la marcha"
    assert event.summary_data()["takedowns"] == [her["publication"].id]

    # Pressing again says so and changes nothing.
    again = staff.post(f"/people/{rosa.id}/protect", {"reason": "otra vez"})
    assert again.status_code == 400 and "already protected" in again.get_data(as_text=True)
    assert Protection.select().count() == 1
    # No new personal link can be made for her.
    staff.post(f"/consent/people/{rosa.id}/links", {})
    assert ReviewLink.select().where(ReviewLink.activist == rosa.id).count() == 1


def test_new_items_cannot_name_her_and_her_risk_stays_high(app, factories, her, login):
    with app.app_context():
        protect(Activist.get_by_id(her["rosa"].id), None, "Amenazas")
    rosa = Activist.get_by_id(her["rosa"].id)
    with pytest.raises(NotAllowed, match="protected"):
        factories.item(her["campaign"], people=[(rosa, "named", None)], title="Nuevo")
    assert not Item.select().where(Item.title == "Nuevo").exists()
    # An item that already named her can still be edited (it stays stopped).
    item = Item.get_by_id(her["planned"].id)
    with app.app_context():
        save_item(item, people=[(rosa.id, "quoted", None)], variant_ids=[], title="Planificado 2")
    assert Item.get_by_id(item.id).cleared is False
    # Editing her profile cannot lower her risk while she is protected.

    with app.app_context():
        save_activist(rosa, risk_level="low")
    assert Activist.get_by_id(rosa.id).risk_level == "high"


def test_lifting_needs_an_admin_and_a_reason(app, login, her, make_user):
    make_user("admin")
    with app.app_context():
        protect(Activist.get_by_id(her["rosa"].id), None, "Amenazas")
    url = f"/people/{her['rosa'].id}/protect/lift"
    assert login("comms").post(url, {"lift-reason": "Ya está a salvo"}).status_code == 403
    admin = login("admin")
    refused = admin.post(url, {"lift-reason": ""})
    assert refused.status_code == 400 and "Say why" in refused.get_data(as_text=True)
    assert Activist.get_by_id(her["rosa"].id).protected
    lifted = admin.post(url, {"lift-reason": "Ya está a salvo"})
    assert lifted.status_code == 302
    rosa = Activist.get_by_id(her["rosa"].id)
    assert not rosa.protected and rosa.risk_level == "medium"
    assert Protection.get().lift_reason == "Ya está a salvo"
    assert AuditEvent.select().where(AuditEvent.action == "activist.protection_lifted").exists()
    assert not Notification.get(Notification.kind == "protected").pressing
    again = admin.post(url, {"lift-reason": "otra vez"})
    assert again.status_code == 400 and "not protected" in again.get_data(as_text=True)


def test_no_export_path_lets_a_protected_person_through(app, login, her):
    """CSV (scheduler and spreadsheet), iCal, kit, talking-point sheets, reports and share
    links — made before and after — never carry her once she is protected."""
    viewer = login("viewer")
    slug = her["campaign"].slug
    paths = [f"/drafting/{slug}/exports/hootsuite-x.csv", f"/drafting/{slug}/exports/sprout-x.csv",
             f"/drafting/{slug}/exports/publications.csv", f"/drafting/{slug}/exports/publications.ics",
             f"/drafting/{slug}/talking-points?format=md", f"/reports/campaigns/{slug}"]
    # Before: each path carries her (so the test would notice a path that never did).
    assert any("Rosa" in viewer.get(p).get_data(as_text=True) for p in paths)
    share = ReportShare.create(nonce="shared-before", kind="campaign", subject_id=her["campaign"].id,
                               since=date.today() - timedelta(days=30), until=date.today() + timedelta(days=30),
                               language="es", expires_at=ReportShare.expires_at.python_value(
                                   (date.today() + timedelta(days=5)).isoformat() + " 00:00:00"))
    with app.test_request_context():
        token = serializer().dumps({"n": share.nonce})
    before = app.test_client().get(f"/s/{token}").get_data(as_text=True)
    assert "Rosa" in before

    with app.app_context():
        protect(Activist.get_by_id(her["rosa"].id), None, "Amenazas")
    for path in paths + [f"/drafting/{slug}/exports"]:
        response = viewer.get(path)
        assert "Rosa" not in response.get_data(as_text=True), path
    kit = zipfile.ZipFile(io.BytesIO(viewer.get(f"/drafting/{slug}/exports/kit.zip").data))
    assert not any("Rosa" in kit.read(name).decode("utf-8", "replace") for name in kit.namelist())
    docx = viewer.get(f"/drafting/{slug}/talking-points?format=docx")
    if docx.mimetype.endswith("document"):
        assert b"Rosa" not in zipfile.ZipFile(io.BytesIO(docx.data)).read("word/document.xml")
    else:  # nothing left to put on a sheet: the page says so
        assert "Rosa" not in docx.get_data(as_text=True)
    shared = app.test_client()
    assert "Rosa" not in shared.get(f"/s/{token}").get_data(as_text=True)
    for table in ("publications", "first_time"):
        assert "Rosa" not in shared.get(f"/s/{token}/{table}.csv").get_data(as_text=True)
    # Publishing refuses too.
    with app.app_context(), pytest.raises(NotAllowed):
        publish(Item.get_by_id(her["planned"].id), None, "x", "https://x.example/2")


def test_her_data_is_a_zip_in_her_language_with_json_audited(app, login, factories, her):
    Activist.update(languages=["pt"], preferred_language="pt",
                    contact_channels=[{"kind": "WhatsApp", "value": "+51 900 111 222"}]).where(
        Activist.id == her["rosa"].id).execute()
    other = factories.activist("Carmen Otra")
    factories.item(her["campaign"], people=[(her["rosa"], "named", None), (other, "named", None)],
                   title="Con otra", text=f"{{{her['rosa'].ref}}} y {{{other.ref}}}")
    invitation = factories.invitation(activist=Activist.get_by_id(her["rosa"].id))
    assert login("viewer").get(f"/people/{her['rosa'].id}/data").status_code == 403
    staff = login("events")
    page = staff.get(f"/people/{her['rosa'].id}/data")
    assert page.status_code == 200 and "Português" in page.get_data(as_text=True) or "pt" in page.get_data(as_text=True)
    response = staff.post(f"/people/{her['rosa'].id}/data", {})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    folder = f"{her['rosa'].ref}-data"
    data = json.loads(archive.read(f"{folder}/data.json"))
    page = archive.read(f"{folder}/index.html").decode()
    assert '<html lang="pt">' in page and "+51 900 111 222" in page
    assert data["contact_channels"][0]["value"] == "+51 900 111 222"
    assert {i["title"] for i in data["items"]} >= {"Publicado", "Planificado", "Con otra"}
    texts = [v["text"] for i in data["items"] for v in i["versions"]]
    assert any("Rosa Huamán y …" in t for t in texts)
    assert "Carmen" not in json.dumps(data) and "Carmen" not in page
    assert len(data["decisions"]) >= 3 and data["decisions"][0]["receipt"]["header"]["record_id"]
    assert data["decisions"][-1]["notice"]["sha256"] is not None
    assert data["invitations"][0]["id"] == invitation.id
    event = AuditEvent.select().where(AuditEvent.action == "activist.data_export").get()
    assert event.actor_id == staff.user.id and event.summary_data()["language"] == "pt"


def test_her_data_for_someone_who_does_not_exist_is_not_found(login):
    staff = login("events")
    assert staff.get("/people/999999/data").status_code == 404
    assert staff.post("/people/999999/data", {}).status_code == 404
    assert staff.post("/people/999999/protect", {"reason": "x"}).status_code == 404
    assert not AuditEvent.select().where(AuditEvent.action == "activist.data_export").exists()


def test_another_persons_review_page_no_longer_names_her(app, factories, her):
    carmen = factories.activist("Carmen Otra")
    item = factories.send(factories.item(her["campaign"], people=[(her["rosa"], "named", None),
                                                                   (carmen, "named", None)],
                                         title="Dos", text=f"{{{her['rosa'].ref}}} y {{{carmen.ref}}}"))
    _link, token = factories.link(carmen)
    assert "Rosa" in app.test_client().get(f"/r/{token}").get_data(as_text=True)
    with app.app_context():
        protect(Activist.get_by_id(her["rosa"].id), None, "Amenazas")
    page = app.test_client().get(f"/r/{token}").get_data(as_text=True)
    assert "Rosa" not in page and Item.get_by_id(item.id).cleared is False


def test_a_card_cannot_quote_her_and_no_image_is_stored(app, login, her):
    from amplify.media.models import Asset

    with app.app_context():
        protect(Activist.get_by_id(her["rosa"].id), None, "Amenazas")
    assets = Asset.select().count()
    form = {"campaign": str(her["campaign"].id), "title": "Tarjeta", "template": "quote", "size": "x",
            "main_text": "Sin nosotras no funciona ninguna casa.", "person": str(her["rosa"].id),
            "attribution": "full_name", "secondary": "", "language": "es", "channel": "x"}
    refused = login("comms").post("/media/cards/new", form)
    assert refused.status_code == 400 and "is protected" in refused.get_data(as_text=True)
    assert Asset.select().count() == assets and not Item.select().where(Item.title == "Tarjeta").exists()


def test_a_pack_naming_a_protected_person_is_refused_whole(app):
    from pathlib import Path

    from amplify.campaigns.models import Campaign
    from amplify.campaigns.packs import PackError, import_pack
    from amplify.items.models import ItemPerson

    demo = Path(__file__).resolve().parents[1] / "campaigns" / "domestic-work-is-work"
    with app.app_context():
        import_pack(demo, trusted=True)
        named = ItemPerson.select().first().activist
        Item.delete().execute()
        protect(named, None, "Amenazas")
        before = Campaign.select().count()
        with pytest.raises(PackError, match="is protected"):
            import_pack(demo, trusted=True)
    assert not Item.select().exists() and Campaign.select().count() == before
