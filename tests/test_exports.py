import csv
import io
import re
import zipfile
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from amplify.consent import ledger
from amplify.items.models import Item

# On the hour, three days ahead: 0, 5 and 10 minutes past are on Hootsuite's grid.
SOON = datetime.now(timezone.utc).replace(microsecond=0, second=0, minute=0) + timedelta(days=3)
TEXTS = ["Texto 0 — Flor del Valle", "Texto 1 — Flor del Valle"]


def clear(app, person, item, channels=("x",)):
    with app.app_context():
        ledger.record_decision(person, "item", item, item.content_hash, "given", method="review_page",
                               scope={"channels": list(channels), "attribution": "pseudonym"})
    return Item.get_by_id(item.id)


@pytest.fixture
def planned(app, factories):
    """Three items on X: one cleared and planned, one cleared and planned 5 minutes later,
    one not cleared. The campaign has a link, which no scheduler row may add."""
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle")
    campaign = factories.campaign(links=["https://www.ilo.org/"])
    items = []
    for n, minutes in enumerate((0, 5, 10)):
        item = factories.send(factories.item(campaign, people=[(maria, "quoted", None)],
                                             title=f"Post {n}", text=f"Texto {n} — {{{maria.ref}}}"))
        Item.update(planned_at=SOON + timedelta(minutes=minutes)).where(Item.id == item.id).execute()
        items.append(Item.get_by_id(item.id))
    for item in items[:2]:
        clear(app, maria, item)
    campaign.maria = maria
    return campaign, items


def rows(body, header=False):
    assert body.startswith("\ufeff"), "spreadsheets need the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body[1:])))[1 if header else 0:]


def another(app, factories, campaign, title, text, minutes, channel="x", kind="post"):
    item = factories.send(factories.item(campaign, people=[(campaign.maria, "quoted", None)], title=title,
                                         text=text, channel=channel, kind=kind))
    Item.update(planned_at=SOON + timedelta(minutes=minutes)).where(Item.id == item.id).execute()
    return clear(app, campaign.maria, Item.get_by_id(item.id), channels=(channel,))


def test_hootsuite_rows_carry_exactly_the_cleared_text_and_nothing_added(login, planned):
    campaign, items = planned
    response = login("viewer").get(f"/drafting/{campaign.slug}/exports/hootsuite-x.csv")
    table = rows(response.get_data(as_text=True))
    assert [len(r) for r in table] == [2, 2]  # date-time, message: no URL column
    assert [r[1] for r in table] == TEXTS  # byte for byte what Flor del Valle agreed to
    assert table[0][0] == SOON.strftime("%d/%m/%Y %H:%M")
    assert all(datetime.strptime(r[0], "%d/%m/%Y %H:%M").minute % 5 == 0 for r in table)
    assert 'filename="' + campaign.slug + '-hootsuite-x-UTC.csv"' in response.headers["Content-Disposition"]


def test_published_items_are_left_out_of_scheduler_files(app, login, planned):
    from amplify.items.changes import publish

    campaign, items = planned
    with app.app_context():
        publish(Item.get_by_id(items[0].id), None, "x", "https://x.example/1")
    session = login("comms")
    for scheduler in ("hootsuite", "sprout"):
        body = session.get(f"/drafting/{campaign.slug}/exports/{scheduler}-x.csv").get_data(as_text=True)
        assert "Texto 0" not in body and "Texto 1" in body
    generic = rows(session.get(f"/drafting/{campaign.slug}/exports/publications.csv").get_data(as_text=True))
    assert [(r[2], r[3]) for r in generic[1:]] == [("published", TEXTS[0]), ("cleared", TEXTS[1])]


def test_sprout_csv_follows_its_documented_columns_and_says_what_it_moved(login, planned):
    campaign, _ = planned
    session = login("comms")
    body = session.get(f"/drafting/{campaign.slug}/exports/sprout-x.csv").get_data(as_text=True)
    table = rows(body)
    assert table[0] == ["date", "time_24hr", "message_text"]  # case-sensitive, as documented
    assert [r[2] for r in table[1:]] == TEXTS
    for day, hour, _text in table[1:]:
        datetime.strptime(day, "%d/%m/%Y")  # dd/mm/yyyy, never ISO
        assert re.fullmatch(r"[0-2]\d:[0-5]\d", hour)
    first, second = (datetime.strptime(f"{r[0]} {r[1]}", "%d/%m/%Y %H:%M") for r in table[1:])
    assert second - first == timedelta(minutes=10)
    american = rows(session.get(f"/drafting/{campaign.slug}/exports/sprout-x.csv?order=mdy").get_data(as_text=True))
    assert american[1][0] == SOON.strftime("%m/%d/%Y")
    page = session.get(f"/drafting/{campaign.slug}/exports").get_data(as_text=True)
    moved = (SOON + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M")
    assert f"Post 1: {moved} → <strong>{(SOON + timedelta(minutes=10)):%Y-%m-%d %H:%M}</strong>" in page
    assert "as Sprout Social requires" in page


def test_times_are_written_in_the_campaigns_time_zone_or_the_one_chosen(app, login, planned):
    from amplify.campaigns.models import Campaign

    campaign, _ = planned
    Campaign.update(time_zone="America/Lima").where(Campaign.id == campaign.id).execute()
    session = login("comms")
    response = session.get(f"/drafting/{campaign.slug}/exports/hootsuite-x.csv")
    lima = SOON.astimezone(ZoneInfo("America/Lima"))
    assert rows(response.get_data(as_text=True))[0][0] == lima.strftime("%d/%m/%Y %H:%M")
    assert "hootsuite-x-America_Lima.csv" in response.headers["Content-Disposition"]
    response = session.get(f"/drafting/{campaign.slug}/exports/sprout-x.csv?tz=America/Sao_Paulo")
    sao_paulo = SOON.astimezone(ZoneInfo("America/Sao_Paulo"))
    assert rows(response.get_data(as_text=True), header=True)[0][1] == sao_paulo.strftime("%H:%M")
    assert "America_Sao_Paulo" in response.headers["Content-Disposition"]
    page = session.get(f"/drafting/{campaign.slug}/exports").get_data(as_text=True)
    assert "Times are written in America/Lima" in page
    assert session.get(f"/drafting/{campaign.slug}/exports?tz=Mars/Olympus").status_code == 200


def test_hootsuite_times_move_to_its_five_minute_grid_and_the_page_says_so(app, factories, login, planned):
    campaign, _ = planned
    another(app, factories, campaign, "A las siete", "Siete minutos", 17)
    session = login("comms")
    table = rows(session.get(f"/drafting/{campaign.slug}/exports/hootsuite-x.csv").get_data(as_text=True))
    assert table[-1] == [(SOON + timedelta(minutes=20)).strftime("%d/%m/%Y %H:%M"), "Siete minutos"]
    page = session.get(f"/drafting/{campaign.slug}/exports").get_data(as_text=True)
    assert "as Hootsuite requires" in page and "A las siete" in page


def test_what_a_scheduler_cannot_take_as_it_is_is_left_out_and_said(app, factories, login, planned):
    campaign, _ = planned
    another(app, factories, campaign, "Fórmula", "=HYPERLINK(\"http://evil.example\")", 30)
    another(app, factories, campaign, "Foto", "Una foto", 40, channel="instagram", kind="photo")
    soon = another(app, factories, campaign, "Ya casi", "Dentro de poco", 0)
    Item.update(planned_at=datetime.now(timezone.utc) + timedelta(minutes=3)).where(Item.id == soon.id).execute()
    session = login("comms")
    body = session.get(f"/drafting/{campaign.slug}/exports/hootsuite-x.csv").get_data(as_text=True)
    assert "HYPERLINK" not in body and "Dentro de poco" not in body
    assert rows(session.get(f"/drafting/{campaign.slug}/exports/sprout-instagram.csv")
                .get_data(as_text=True), header=True) == []
    page = session.get(f"/drafting/{campaign.slug}/exports").get_data(as_text=True)
    assert "spreadsheets run as a formula" in page and "a photo or a card with no image attached" in page
    assert "less than 10 minutes from now" in page


def test_only_real_social_networks_get_scheduler_files(app, factories, login, planned):
    campaign, _ = planned
    another(app, factories, campaign, "Cita", "Una cita para la prensa", 50, channel="press", kind="press_quote")
    session = login("comms")
    page = session.get(f"/drafting/{campaign.slug}/exports").get_data(as_text=True)
    assert "hootsuite-press" not in page and "sprout-press" not in page and "hootsuite-x" in page
    assert session.get(f"/drafting/{campaign.slug}/exports/hootsuite-press.csv").status_code == 404
    assert session.get(f"/drafting/{campaign.slug}/exports/sprout-press.csv").status_code == 404


def test_generic_csv(login, planned):
    campaign, items = planned
    session = login("comms")
    table = rows(session.get(f"/drafting/{campaign.slug}/exports/publications.csv").get_data(as_text=True))
    assert table[0] == ["planned_at", "channel", "state", "message", "api_text", "item", "content_sha256"]
    assert table[1][0].endswith("+00:00") and table[1][6] == items[0].content_hash


def test_ical_is_valid_for_strict_parsers_and_keeps_one_uid_per_item(app, login, planned):
    from amplify.campaigns.models import Campaign
    from amplify.items.changes import save_item

    campaign, items = planned
    Campaign.update(name="Dos\nlíneas; y, comas").where(Campaign.id == campaign.id).execute()  # older data
    session = login("comms")
    response = session.get(f"/drafting/{campaign.slug}/exports/publications.ics")
    assert response.status_code == 200
    parsed = vobject.readOne(response.get_data(as_text=True))
    parsed.validate(raiseException=True)  # DTSTAMP and UID on every VEVENT
    assert parsed.contents["x-wr-calname"][0].value == "Dos\nlíneas; y, comas — publications"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 2 and "Flor del Valle" in str(events[0]["DESCRIPTION"])
    assert str(events[0]["UID"]) == f"amplify-item-{items[0].id}@localhost"  # the server's host name
    # An edit makes a new version (its consent starts again); once cleared, the same UID.
    item = Item.get_by_id(items[0].id)
    with app.app_context():
        save_item(item, people=[(campaign.maria.id, "quoted", None)], variant_ids=[], campaign=campaign,
                  kind="post", title=item.title, language="es", channel="x", text="Texto 0 editado — {%s}"
                  % campaign.maria.ref)
        item = factories_send(item)
    clear(app, campaign.maria, item)
    again = Calendar.from_ical(session.get(f"/drafting/{campaign.slug}/exports/publications.ics").data
                               ).walk("VEVENT")
    edited = next(e for e in again if "editado" in str(e["DESCRIPTION"]))
    assert Item.get_by_id(item.id).version == 2 and str(edited["UID"]) == str(events[0]["UID"])
    assert edited["SEQUENCE"] == 2 and edited["DTSTAMP"].dt > events[0]["DTSTAMP"].dt - timedelta(seconds=1)


def factories_send(item):
    from amplify.items.changes import send_for_review

    send_for_review(Item.get_by_id(item.id))
    return Item.get_by_id(item.id)


def test_kit_zip_holds_every_cleared_text(login, planned):
    campaign, _ = planned
    data = login("comms").get(f"/drafting/{campaign.slug}/exports/kit.zip").data
    with zipfile.ZipFile(io.BytesIO(data)) as kit:
        names = kit.namelist()
        assert "README.txt" in names and len(names) == 3
        assert any("Flor del Valle" in kit.read(n).decode() for n in names)
        for entry in kit.infolist():  # a regular file, readable by everyone once unzipped
            assert entry.external_attr >> 16 == 0o100644, (entry.filename, oct(entry.external_attr >> 16))


def test_unknown_channel_is_404(login, planned):
    campaign, _ = planned
    response = login("comms").get(f"/drafting/{campaign.slug}/exports/hootsuite-myspace.csv")
    assert response.status_code == 404 and "There is nothing at this address." in response.get_data(as_text=True)
    assert response.mimetype == "text/html"  # an error page, not an empty CSV
    assert login("comms").get(f"/drafting/{campaign.slug}/exports/buffer-x.csv").status_code == 404


def test_calendar_shows_planned_items_and_key_dates(login, factories, planned):
    campaign, items = planned
    from amplify.campaigns.models import Campaign

    Campaign.update(key_dates=[{"date": f"2011-{SOON.month:02d}-{SOON.day:02d}", "label": "Aniversario"}]).execute()
    page = login("viewer").get(f"/drafting/{campaign.slug}/calendar?month={SOON:%Y-%m}").get_data(as_text=True)
    assert "Post 0" in page and "Post 2" in page and "Aniversario (2011)" in page
    viewer = login("viewer")
    nonsense = viewer.get(f"/drafting/{campaign.slug}/calendar?month=nonsense")
    assert nonsense.status_code == 200  # the current month, as with no month asked
    # The language switch returns to this very URL; a CSRF token carries the second it was made.
    back_here = re.compile(r'name="next" value="[^"]*"|name="[\w-]*csrf_token"[^>]*value="[^"]*"')
    assert back_here.sub("", nonsense.get_data(as_text=True)) == back_here.sub(
        "", viewer.get(f"/drafting/{campaign.slug}/calendar").get_data(as_text=True))


def test_planned_date_in_the_past_is_refused_with_input_kept(login, factories):
    campaign = factories.campaign()
    session = login("comms")
    response = session.post("/items/new", {"campaign": str(campaign.id), "title": "Viejo", "kind": "post",
                                           "language": "es", "channel": "x", "text": "Hola",
                                           "planned_at": "2020-01-01T10:00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="planned_at-error"' in page and "Viejo" in page
    assert Item.select().count() == 0
