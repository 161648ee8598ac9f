"""Time zones: each staff member enters and reads planned times in their own zone (else the
campaign's, else the installation's); times are stored in UTC, across daylight-saving
changes, and every time shown names its zone and offset."""

from datetime import datetime, timezone

import pytest

from amplify.audit.models import AuditEvent
from amplify.auth.models import User
from amplify.calendars import TimeDoesNotExist, to_utc, utc_offset
from amplify.items.models import Item

UTC = timezone.utc


def new_item(session, campaign, planned, title="Con hora"):
    return session.post(f"/items/new?campaign={campaign.slug}",
                        {"campaign": str(campaign.id), "title": title, "kind": "post", "language": "es",
                         "channel": "x", "text": "Hola", "planned_at": planned})


def signed_in(login, make_user, role, zone):
    return login(role, user=make_user(role, time_zone=zone))


@pytest.mark.parametrize("wall, zone, utc", [
    ("2030-03-30 10:00", "Europe/Madrid", "2030-03-30 09:00"),  # winter time, UTC+1
    ("2030-04-01 10:00", "Europe/Madrid", "2030-04-01 08:00"),  # summer time, UTC+2
    ("2030-10-27 02:30", "Europe/Madrid", "2030-10-27 01:30"),  # happens twice: the later one
    ("2030-03-09 10:00", "America/New_York", "2030-03-09 15:00"),  # EST, UTC-5
    ("2030-03-11 10:00", "America/New_York", "2030-03-11 14:00"),  # EDT, UTC-4
    ("2030-01-15 10:00", "America/Sao_Paulo", "2030-01-15 13:00"),  # no daylight saving since 2019
    ("2030-07-15 10:00", "America/Sao_Paulo", "2030-07-15 13:00"),
    ("2030-07-15 10:00", "America/Mexico_City", "2030-07-15 16:00"),  # none since 2022
])
def test_wall_clock_times_become_utc_across_daylight_saving(wall, zone, utc):
    moment = to_utc(datetime.fromisoformat(wall), zone)
    assert moment == datetime.fromisoformat(utc).replace(tzinfo=UTC)


def test_a_time_the_clocks_skip_does_not_exist():
    with pytest.raises(TimeDoesNotExist):
        to_utc(datetime(2030, 3, 31, 2, 30), "Europe/Madrid")
    with pytest.raises(TimeDoesNotExist):
        to_utc(datetime(2030, 3, 10, 2, 30), "America/New_York")
    assert utc_offset(datetime(2030, 7, 1, tzinfo=UTC), "Europe/Madrid") == "UTC+02:00"
    assert utc_offset(datetime(2030, 1, 1, tzinfo=UTC), "America/Sao_Paulo") == "UTC-03:00"


def test_staff_set_their_time_zone_on_their_account_page(login):
    session = login("viewer")
    page = session.get("/auth/account").get_data(as_text=True)
    assert '<option value="Europe/Madrid">Europe/Madrid</option>' in page
    response = session.post("/auth/time-zone", {"tz-time_zone": "Europe/Madrid"})
    assert response.status_code == 302
    assert User.get_by_id(session.user.id).time_zone == "Europe/Madrid"
    assert AuditEvent.select().where(AuditEvent.action == "account.time_zone").count() == 1
    audit = login("admin").get("/audit/").get_data(as_text=True)
    assert "Viewer changed their time zone to Europe/Madrid" in audit


def test_a_zone_not_in_the_list_is_refused_and_nothing_changes(login):
    session = login("comms")
    response = session.post("/auth/time-zone", {"tz-time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    assert User.get_by_id(session.user.id).time_zone == ""


def test_a_time_entered_in_madrid_is_read_in_new_york(login, make_user, factories):
    campaign = factories.campaign()
    madrid = signed_in(login, make_user, "comms", "Europe/Madrid")
    form = madrid.get(f"/items/new?campaign={campaign.slug}").get_data(as_text=True)
    assert "In Europe/Madrid, your time zone" in form
    assert new_item(madrid, campaign, "2030-03-30T10:00").status_code == 302
    item = Item.get(Item.title == "Con hora")
    assert item.planned_at == datetime(2030, 3, 30, 9, 0, tzinfo=UTC)
    page = madrid.get(f"/items/{item.id}").get_data(as_text=True)
    assert "10:00" in page and "Europe/Madrid (UTC+01:00)" in page

    new_york = signed_in(login, make_user, "comms", "America/New_York")
    page = new_york.get(f"/items/{item.id}").get_data(as_text=True)
    assert "5:00" in page and "America/New_York (UTC-04:00)" in page  # New York is on summer time already
    assert 'datetime="2030-03-30T09:00+00:00"' in page
    form = new_york.get(f"/items/{item.id}/edit").get_data(as_text=True)
    assert 'value="2030-03-30T05:00"' in form and "In America/New_York, your time zone" in form
    # Saved again from New York without a change: the same moment.
    response = new_york.post(f"/items/{item.id}/edit", {
        "campaign": str(campaign.id), "title": "Con hora", "kind": "post", "language": "es", "channel": "x",
        "text": "Hola", "planned_at": "2030-03-30T05:00", "planned_zone": "America/New_York"})
    assert response.status_code == 302
    assert Item.get_by_id(item.id).planned_at == datetime(2030, 3, 30, 9, 0, tzinfo=UTC)


def test_after_the_clocks_change_the_same_wall_time_is_an_hour_earlier_in_utc(login, make_user, factories):
    campaign = factories.campaign()
    madrid = signed_in(login, make_user, "comms", "Europe/Madrid")
    new_item(madrid, campaign, "2030-04-01T10:00", title="Verano")
    assert Item.get(Item.title == "Verano").planned_at == datetime(2030, 4, 1, 8, 0, tzinfo=UTC)
    page = madrid.get(f"/items/{Item.get(Item.title == 'Verano').id}").get_data(as_text=True)
    assert "Europe/Madrid (UTC+02:00)" in page


def test_a_skipped_time_is_refused_with_the_input_kept(login, make_user, factories):
    campaign = factories.campaign()
    madrid = signed_in(login, make_user, "comms", "Europe/Madrid")
    response = new_item(madrid, campaign, "2030-03-31T02:30", title="Hora fantasma")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "does not exist in Europe/Madrid" in page
    assert 'value="2030-03-31T02:30"' in page and "Hora fantasma" in page
    assert Item.select().count() == 0


def test_without_a_zone_of_ones_own_the_campaigns_is_used(login, factories):
    lima = factories.campaign(name="En Lima", time_zone="America/Lima")
    session = login("comms")
    form = session.get(f"/items/new?campaign={lima.slug}").get_data(as_text=True)
    assert "In America/Lima, the campaign&#39;s time zone" in form
    new_item(session, lima, "2030-06-01T10:00")
    assert Item.get(Item.title == "Con hora").planned_at == datetime(2030, 6, 1, 15, 0, tzinfo=UTC)
    plain = factories.campaign(name="Sin zona")
    form = session.get(f"/items/new?campaign={plain.slug}").get_data(as_text=True)
    assert "In UTC, this installation&#39;s time zone" in form


def test_the_form_keeps_the_zone_it_was_filled_in(login, make_user, factories):
    """A time typed while the page said "Lima" stays a Lima time, even if the campaign
    chosen before saving has another zone."""
    lima = factories.campaign(name="En Lima", time_zone="America/Lima")
    madrid_campaign = factories.campaign(name="En Madrid", time_zone="Europe/Madrid")
    session = login("comms")
    session.post(f"/items/new?campaign={lima.slug}", {
        "campaign": str(madrid_campaign.id), "title": "Cambio", "kind": "post", "language": "es",
        "channel": "x", "text": "Hola", "planned_at": "2030-06-01T10:00", "planned_zone": "America/Lima"})
    assert Item.get(Item.title == "Cambio").planned_at == datetime(2030, 6, 1, 15, 0, tzinfo=UTC)
    # A zone that is not one (a forged form) is ignored: the page's own zone is used.
    session.post(f"/items/new?campaign={lima.slug}", {
        "campaign": str(lima.id), "title": "Forjado", "kind": "post", "language": "es",
        "channel": "x", "text": "Hola", "planned_at": "2030-06-01T10:00", "planned_zone": "Mars/Olympus"})
    assert Item.get(Item.title == "Forjado").planned_at == datetime(2030, 6, 1, 15, 0, tzinfo=UTC)


def test_the_calendar_puts_an_item_on_the_viewers_day(login, make_user, factories):
    campaign = factories.campaign()
    item = factories.item(campaign, title="Madrugada")
    Item.update(planned_at=datetime(2030, 4, 1, 2, 0, tzinfo=UTC)).where(Item.id == item.id).execute()
    new_york = signed_in(login, make_user, "viewer", "America/New_York")
    page = new_york.get(f"/drafting/{campaign.slug}/calendar?month=2030-03").get_data(as_text=True)
    assert "Times in America/New_York." in page
    day = page.split('datetime="2030-03-31"', 1)[1].split("</li>", 1)[0]
    assert "22:00" in day and "Madrugada" in day
    madrid = signed_in(login, make_user, "viewer", "Europe/Madrid")
    page = madrid.get(f"/drafting/{campaign.slug}/calendar?month=2030-04").get_data(as_text=True)
    day = page.split('datetime="2030-04-01"', 1)[1].split("</li>", 1)[0]
    assert "04:00" in day and "Madrugada" in day


def test_the_planned_week_filter_is_the_viewers_week(login, make_user, factories):
    campaign = factories.campaign()
    item = factories.item(campaign, title="Domingo noche")
    Item.update(planned_at=datetime(2030, 4, 1, 2, 0, tzinfo=UTC)).where(Item.id == item.id).execute()
    new_york = signed_in(login, make_user, "viewer", "America/New_York")  # Sunday 31 March, 22:00
    assert "Domingo noche" in new_york.get("/items/?week=2030-W13").get_data(as_text=True)
    assert "Domingo noche" not in new_york.get("/items/?week=2030-W14").get_data(as_text=True)
    utc = login("viewer")  # no zone of her own: the installation's, UTC (Monday 1 April)
    assert "Domingo noche" in utc.get("/items/?week=2030-W14").get_data(as_text=True)


def test_moments_in_the_audit_log_read_in_the_viewers_zone(login, make_user):
    """Issue 15's last gap: the audit log, comments and receipts gave UTC without saying
    so. A moment is now written in the viewer's zone (else the installation's)."""
    from amplify.db import database

    madrid = signed_in(login, make_user, "admin", "Europe/Madrid")
    assert madrid.post("/auth/time-zone", {"tz-time_zone": "Europe/Madrid"}).status_code == 302  # audited
    AuditEvent.update(at=datetime(2030, 1, 15, 23, 30, tzinfo=UTC)).execute()  # a winter night
    page = madrid.get("/audit/").get_data(as_text=True)
    assert "1/16/30, 12:30" in page and "1/15/30, 11:30" not in page  # 00:30 the next day in Madrid
    lima = signed_in(login, make_user, "admin", "America/Lima")
    AuditEvent.update(at=datetime(2030, 1, 15, 23, 30, tzinfo=UTC)).execute()
    assert "1/15/30, 6:30" in lima.get("/audit/").get_data(as_text=True)
    database.close()
