import csv
import io
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from amplify.consent import ledger
from amplify.items.models import Item

SOON = datetime.now(timezone.utc).replace(microsecond=0, second=0) + timedelta(days=3)


@pytest.fixture
def planned(app, factories):
    """Three items on X: one cleared and planned, one cleared and planned 5 minutes later,
    one not cleared."""
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle")
    campaign = factories.campaign(links=["https://www.ilo.org/"])
    items = []
    for n, minutes in enumerate((0, 5, 10)):
        item = factories.send(factories.item(campaign, people=[(maria, "quoted", None)],
                                             title=f"Post {n}", text=f"Texto {n} — {{{maria.ref}}}"))
        Item.update(planned_at=SOON + timedelta(minutes=minutes)).where(Item.id == item.id).execute()
        items.append(Item.get_by_id(item.id))
    with app.app_context():
        for item in items[:2]:
            ledger.record_decision(maria, "item", item, item.content_hash, "given", method="review_page",
                                   scope={"channels": ["x"], "attribution": "pseudonym"})
    return campaign, items


def rows(body, header=False):
    return list(csv.reader(io.StringIO(body)))[1 if header else 0:]


def test_hootsuite_csv_has_no_header_and_only_cleared_items(login, planned):
    campaign, items = planned
    body = login("viewer").get(f"/drafting/{campaign.slug}/exports/hootsuite-x.csv").get_data(as_text=True)
    table = rows(body)
    assert [r[1] for r in table] == ["Texto 0 — Flor del Valle", "Texto 1 — Flor del Valle"]
    assert table[0][0] == SOON.strftime("%d/%m/%Y %H:%M") and table[0][2] == "https://www.ilo.org/"


def test_sprout_csv_has_its_headers_and_keeps_posts_ten_minutes_apart(login, planned):
    campaign, _ = planned
    body = login("comms").get(f"/drafting/{campaign.slug}/exports/sprout-x.csv").get_data(as_text=True)
    table = rows(body)
    assert table[0] == ["date", "time_24hr", "message_text"]
    first = datetime.strptime(f"{table[1][0]} {table[1][1]}", "%Y-%m-%d %H:%M")
    second = datetime.strptime(f"{table[2][0]} {table[2][1]}", "%Y-%m-%d %H:%M")
    assert second - first == timedelta(minutes=10)


def test_generic_csv_and_ical(login, planned):
    campaign, items = planned
    session = login("comms")
    table = rows(session.get(f"/drafting/{campaign.slug}/exports/publications.csv").get_data(as_text=True))
    assert table[0] == ["planned_at", "channel", "message", "api_text", "item", "content_sha256"]
    assert table[1][0].endswith("+00:00") and table[1][5] == items[0].content_hash
    calendar = Calendar.from_ical(session.get(f"/drafting/{campaign.slug}/exports/publications.ics").data)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 2 and "Flor del Valle" in str(events[0]["DESCRIPTION"])


def test_kit_zip_holds_every_cleared_text(login, planned):
    campaign, _ = planned
    data = login("comms").get(f"/drafting/{campaign.slug}/exports/kit.zip").data
    with zipfile.ZipFile(io.BytesIO(data)) as kit:
        names = kit.namelist()
        assert "README.txt" in names and len(names) == 3
        assert any("Flor del Valle" in kit.read(n).decode() for n in names)


def test_unknown_channel_is_404(login, planned):
    campaign, _ = planned
    response = login("comms").get(f"/drafting/{campaign.slug}/exports/hootsuite-myspace.csv")
    assert response.status_code == 404 and "There is nothing at this address." in response.get_data(as_text=True)
    assert response.mimetype == "text/html"  # an error page, not an empty CSV


def test_calendar_shows_planned_items_and_key_dates(login, factories, planned):
    campaign, items = planned
    from amplify.campaigns.models import Campaign

    Campaign.update(key_dates=[{"date": f"2011-{SOON.month:02d}-{SOON.day:02d}", "label": "Aniversario"}]).execute()
    page = login("viewer").get(f"/drafting/{campaign.slug}/calendar?month={SOON:%Y-%m}").get_data(as_text=True)
    assert "Post 0" in page and "Post 2" in page and "Aniversario (2011)" in page
    viewer = login("viewer")
    nonsense = viewer.get(f"/drafting/{campaign.slug}/calendar?month=nonsense")
    assert nonsense.status_code == 200  # the current month, as with no month asked
    assert nonsense.get_data(as_text=True) == viewer.get(f"/drafting/{campaign.slug}/calendar").get_data(as_text=True)


def test_planned_date_in_the_past_is_refused_with_input_kept(login, factories):
    campaign = factories.campaign()
    session = login("comms")
    response = session.post("/items/new", {"campaign": str(campaign.id), "title": "Viejo", "kind": "post",
                                           "language": "es", "channel": "x", "text": "Hola",
                                           "planned_at": "2020-01-01T10:00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="planned_at-error"' in page and "Viejo" in page
    assert Item.select().count() == 0
