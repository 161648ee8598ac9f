"""Report figures against a small world computed by hand, the anonymity and risk rules,
a query count that does not grow with the data, and the share link's limits."""

import json
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

import pytest

from amplify.consent.models import Decision
from amplify.db import database, readable
from amplify.feeds.models import FeedEntry
from amplify.invitations.models import Event, Invitation
from amplify.items.models import Publication

SINCE, UNTIL = date(2026, 9, 1), date(2026, 10, 31)


def at(day, hour=12):
    return datetime(2026, day[0], day[1], hour, tzinfo=timezone.utc)


@contextmanager
def counting_queries():
    counted = []
    original = database.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        counted.append(readable(sql))  # a prepared kept query as the SQL it runs
        return original(sql, params, *args, **kwargs)

    database.obj.execute_sql = counting
    try:
        yield counted
    finally:
        database.obj.execute_sql = original


def decide(app, person, item, outcome, when, content_hash=None, scope="{}"):
    """A decision at a chosen time, timed against its request as the ledger does."""
    from amplify.consent.ledger import waited_since_request

    content_hash = content_hash or item.content_hash
    with app.app_context(), database.atomic():
        waited = waited_since_request(person.id, "item", item.id, content_hash, when) \
            if outcome in ("given", "refused", "changes_requested") else None
        return Decision.append(at=when, activist=person.id, subject_type="item", subject_id=item.id,
                               content_hash=content_hash, outcome=outcome, scope=scope, method="review_page",
                               waited_seconds=waited)


@pytest.fixture
def world(app, factories):
    """A campaign of one organization (Sindicato) in September–October 2026:

    - items: Ana's (given after 2 h, published on X in Sept., withdrawn, taken down in 5 h),
      Bea's (refused after 4 h), Dora's (changes requested after 6 h; a 1-hour answer in
      August is outside the period), one without people (published on Mastodon in Oct., pt);
    - invitations: Ana attended a national hearing (her first) and declined a global one;
      Bea (anonymous) attended the hearing; Carla (high risk) attended the global session;
      Dora attended the hearing but had attended a space in 2025; Eva, of another
      organization, was invited to the global session; Fer (Sindicato) was never invited;
    - coverage: two mentions in September, one in October, one in November (outside), one
      of another campaign.
    """
    from amplify.campaigns.models import CampaignOrganization

    sindicato, otra = factories.organization("Sindicato"), factories.organization("Otra")
    people = {}
    for name, attribution, risk, org in (("Ana Quispe", "full_name", "low", sindicato),
                                         ("Bea Rojas", "anonymous", "low", sindicato),
                                         ("Carla Mamani", "full_name", "high", sindicato),
                                         ("Dora Silva", "pseudonym", "medium", sindicato),
                                         ("Eva Lima", "full_name", "low", otra),
                                         ("Fer Torres", "first_name", "low", sindicato)):
        people[name.split()[0].lower()] = factories.activist(
            name, default_attribution=attribution, risk_level=risk, organization=org.id,
            pseudonym="La Dora" if name.startswith("Dora") else "")
    campaign = factories.campaign("Trabajo digno", frameworks=["C189"])
    CampaignOrganization.create(campaign=campaign, organization=sindicato)
    other_campaign = factories.campaign("Otra campaña")
    p = people
    items = {}
    for key, person in (("ana", p["ana"]), ("bea", p["bea"]), ("dora", p["dora"])):
        items[key] = factories.item(campaign, people=[(person, "quoted", None)], title=f"Item {key}")
    items["none"] = factories.item(campaign, title="Sin personas", text="Texto", channel="mastodon", language="pt")
    decide(app, p["ana"], items["ana"], "requested", at((9, 2), 8))
    decide(app, p["ana"], items["ana"], "given", at((9, 2), 10),
           scope=json.dumps({"attribution": "full_name", "channels": ["x"], "face": False, "valid_until": None}))
    decide(app, p["bea"], items["bea"], "requested", at((9, 3), 8))
    decide(app, p["bea"], items["bea"], "refused", at((9, 3), 12))
    decide(app, p["dora"], items["dora"], "requested", at((8, 20), 8), content_hash="0" * 64)
    decide(app, p["dora"], items["dora"], "given", at((8, 20), 9), content_hash="0" * 64)  # August
    decide(app, p["dora"], items["dora"], "requested", at((9, 5), 8))
    decide(app, p["dora"], items["dora"], "changes_requested", at((9, 5), 14))
    decide(app, p["ana"], items["ana"], "withdrawn", at((10, 1), 9))
    Publication.create(item=items["ana"], channel="x", published_at=at((9, 4)), takedown_state="taken_down",
                       takedown_required_at=at((10, 1), 9), taken_down_at=at((10, 1), 14))
    Publication.create(item=items["none"], channel="mastodon", published_at=at((10, 10)))
    Publication.create(item=items["none"], channel="mastodon", published_at=at((11, 10)))  # outside

    hearing = factories.event(title="Audiencia", days=0, level="national", campaign=campaign.id, frameworks=[])
    Event.update(starts_on=date(2026, 9, 15), ends_on=date(2026, 9, 15)).where(Event.id == hearing.id).execute()
    session = factories.event(title="Sesión OIT", days=0, level="global", campaign=campaign.id,
                              frameworks=["C190", "CEDAW"])
    Event.update(starts_on=date(2026, 10, 5), ends_on=date(2026, 10, 9)).where(Event.id == session.id).execute()
    old = factories.event(title="Foro 2025", days=0, level="regional", campaign=other_campaign.id)
    Event.update(starts_on=date(2025, 5, 5), ends_on=date(2025, 5, 6)).where(Event.id == old.id).execute()

    def invite(event, person, state, role="speaker"):
        invitation = factories.invitation(event=Event.get_by_id(event.id), activist=person, role=role)
        Invitation.update(state=state).where(Invitation.id == invitation.id).execute()
        return Invitation.get_by_id(invitation.id)

    invitations = {
        "ana": invite(hearing, p["ana"], "attended"), "ana2": invite(session, p["ana"], "declined", "panelist"),
        "bea": invite(hearing, p["bea"], "attended", "delegate"), "carla": invite(session, p["carla"], "attended"),
        "dora": invite(hearing, p["dora"], "debriefed", "delegate"), "dora_old": invite(old, p["dora"], "attended"),
        "eva": invite(session, p["eva"], "invited", "observer"),
    }
    source = factories.feed_source(kind="monitoring")
    for title, published, target in (("Nota 1", at((9, 6)), campaign), ("Nota 2", at((9, 20)), campaign),
                                     ("Nota 3", at((10, 2)), campaign), ("Nota 4", at((11, 2)), campaign),
                                     ("Nota 5", at((9, 7)), other_campaign)):
        factories.feed_entry(source, title=title, published_at=published, state="coverage", campaign=target)
    return {"campaign": campaign, "people": p, "items": items, "invitations": invitations,
            "sindicato": sindicato, "session": session}


def build(app, scope_subject, kind="campaign"):
    from amplify.reports.figures import CampaignScope, OrganizationScope, build

    scope = CampaignScope(scope_subject) if kind == "campaign" else OrganizationScope(scope_subject)
    with app.app_context():
        return build(scope, SINCE, UNTIL, anonymous_label="anónima")


def test_campaign_figures_match_the_hand_computed_world(app, world):
    report = build(app, world["campaign"])
    assert report.publications == [("2026-09", "x", "es", 1), ("2026-10", "mastodon", "pt", 1)]
    assert report.median_answer_hours == pytest.approx(4.0)
    # Latest first; Ana's post was taken down after she withdrew: no address shown, and she
    # is no longer named for it (counted among those not named).
    assert report.published == [(date(2026, 10, 10), "mastodon", None, [], 0),
                                (date(2026, 9, 4), "x", None, [], 1)]
    assert report.outcomes == {"given": 1, "refused": 1, "changes_requested": 1, "withdrawn": 1}
    assert report.answers == 3 and report.median_answer_hours == pytest.approx(4.0)  # 2 h, 4 h, 6 h
    assert [(c, h) for c, _r, _d, h in report.takedowns] == [("x", pytest.approx(5.0))]
    assert report.median_takedown_hours == pytest.approx(5.0)
    assert report.invitations_by_state == {"attended": 3, "debriefed": 1, "declined": 1, "invited": 1}
    assert report.invitations_by_level == {"national": 3, "global": 3}
    assert report.invitations_by_role == {"speaker": 2, "panelist": 1, "delegate": 2, "observer": 1}
    # First time in a space: Ana (named in full), Bea (anonymous: counted), Carla (high risk,
    # no consent to be named there: counted). Dora had been to a space in 2025.
    assert report.first_time_named == [("Ana Quispe", "Audiencia", "national")]
    assert report.first_time_unnamed == 2 and report.first_time_total == 3
    # Pool: the Sindicato's five people; Eva belongs to another organization.
    # Invitations: Ana 2, Bea 1, Carla 1, Dora 1, Fer 0 → sorted [0,1,1,1,2], total 5.
    f = report.fairness
    assert (f.pool, f.invitations, f.distinct_people, f.first_timers) == (5, 5, 4, 3)
    assert f.gini == pytest.approx(2 * 19 / 25 - 6 / 5)  # 0.32
    assert f.hhi == pytest.approx(0.4 ** 2 + 3 * 0.2 ** 2)  # 0.28
    assert f.top5_share == pytest.approx(1.0)
    assert report.fairness_groups == [("Sindicato", "PE", 5, 4, 5)]
    assert report.coverage == [("2026-09", 2), ("2026-10", 1)]
    assert [code for code, _ in report.frameworks] == ["C189", "C190", "CEDAW"]


def test_a_high_risk_person_is_named_only_with_her_consent_for_that_event(app, world, factories):
    from amplify.invitations.changes import record_media_consent

    carla = world["invitations"]["carla"]
    with app.app_context():
        Invitation.update(state="confirmed").where(Invitation.id == carla.id).execute()
        record_media_consent(Invitation.get_by_id(carla.id), ["named", "quoted"], method="review_page")
        Invitation.update(state="attended").where(Invitation.id == carla.id).execute()
    report = build(app, world["campaign"])
    assert ("Carla Mamani", "Sesión OIT", "global") in report.first_time_named
    assert report.first_time_unnamed == 1  # Bea only
    # Her consent was for other terms (the dates moved since): not named again.
    Event.update(ends_on=date(2026, 10, 10)).where(Event.id == world["session"].id).execute()
    assert build(app, world["campaign"]).first_time_unnamed == 2


def test_a_person_who_said_no_to_being_named_at_the_event_is_not_named(app, world):
    from amplify.invitations.changes import record_media_consent

    ana = world["invitations"]["ana"]
    with app.app_context():
        Invitation.update(state="confirmed").where(Invitation.id == ana.id).execute()
        record_media_consent(Invitation.get_by_id(ana.id), ["photographed"], method="review_page")
        Invitation.update(state="attended").where(Invitation.id == ana.id).execute()
    report = build(app, world["campaign"])
    assert report.first_time_named == [] and report.first_time_unnamed == 3


def test_organization_report_is_limited_to_its_people_and_messages(app, world, factories):
    report = build(app, world["sindicato"], kind="organization")
    assert report.publications == [("2026-09", "x", "es", 1)]  # the item without people is not theirs
    # An item made from wording the Sindicato's spokesperson approved is theirs too.
    from amplify.campaigns.models import MessageVariant
    from amplify.items.models import ItemVariant

    message = factories.message(world["campaign"])
    variant = factories.variant(message)
    MessageVariant.update(state="approved", approved_by=world["people"]["ana"].id).where(
        MessageVariant.id == variant.id).execute()
    ItemVariant.create(item=world["items"]["none"], variant=variant.id)
    report = build(app, world["sindicato"], kind="organization")
    assert report.publications == [("2026-09", "x", "es", 1), ("2026-10", "mastodon", "pt", 1)]
    assert report.outcomes == {"given": 1, "refused": 1, "changes_requested": 1, "withdrawn": 1}
    assert sum(report.invitations_by_state.values()) == 5  # Eva's is not theirs
    assert report.fairness.pool == 5


def test_the_number_of_queries_does_not_grow_with_the_data(app, world, factories):
    from amplify.reports.figures import CampaignScope
    from amplify.reports.figures import build as build_report

    with app.app_context(), counting_queries() as small:
        build_report(CampaignScope(world["campaign"]), SINCE, UNTIL)
    campaign = world["campaign"]
    for n in range(30):  # ten times the items, people, invitations and mentions
        person = factories.activist(f"Persona {n}", organization=world["sindicato"].id)
        item = factories.item(campaign, people=[(person, "quoted", None)], title=f"Más {n}")
        decide(app, person, item, "requested", at((9, 10), 8))
        decide(app, person, item, "given", at((9, 10), 9 + n % 5))
        Publication.create(item=item, channel="bluesky", published_at=at((9, 11)))
        invitation = factories.invitation(event=Event.get_by_id(world["session"].id), activist=person)
        Invitation.update(state="attended").where(Invitation.id == invitation.id).execute()
        factories.feed_entry(FeedEntry.select().first().source, title=f"Más notas {n}", state="coverage",
                             campaign=campaign, published_at=at((10, 3)))
    with app.app_context(), counting_queries() as large:
        report = build_report(CampaignScope(campaign), SINCE, UNTIL)
    assert report.first_time_total == 33 and len(large) == len(small), (len(small), len(large))
    assert json.dumps(report.coverage)  # plain values, ready for CSV


def test_report_page_in_the_chosen_language_with_charts_and_csv(app, world, login):
    import csv
    import io

    session = login("viewer")
    slug = world["campaign"].slug
    page = session.get(f"/reports/campaigns/{slug}?since=2026-09-01&until=2026-10-31&lang=pt").get_data(as_text=True)
    assert '<html lang="pt">' in page and "Ana Quispe" in page and "Bea Rojas" not in page
    assert "Carla Mamani" not in page and page.count("<svg") >= 4
    english = session.get(f"/reports/campaigns/{slug}?since=2026-09-01&until=2026-10-31&lang=en").get_data(as_text=True)
    assert "People who reached a space for the first time" in english
    response = session.get(f"/reports/campaigns/{slug}/coverage.csv?since=2026-09-01&until=2026-10-31&lang=en")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert response.mimetype == "text/csv" and rows == [["Month", "Mentions"], ["2026-09", "2"], ["2026-10", "1"]]
    first = session.get(f"/reports/campaigns/{slug}/first_time.csv?since=2026-09-01&until=2026-10-31&lang=en")
    text = first.get_data(as_text=True)
    assert "Ana Quispe" in text and "Bea" not in text and "Carla" not in text and "2 more, not named" in text
    assert session.get(f"/reports/campaigns/{slug}/nothing.csv").status_code == 404
    org = session.get(f"/reports/organizations/{world['sindicato'].id}?since=2026-09-01&until=2026-10-31")
    assert org.status_code == 200 and "Sindicato" in org.get_data(as_text=True)


def test_a_bad_period_is_explained_not_a_crash(app, world, login):
    session = login("viewer")
    slug = world["campaign"].slug
    for query in ("since=2026-10-31&until=2026-09-01", "since=yesterday", "since=1900-01-01&until=2026-01-01"):
        response = session.get(f"/reports/campaigns/{slug}?{query}")
        assert response.status_code == 400 and 'role="alert"' in response.get_data(as_text=True), query


def make_share(session, world, days="30", lang="es"):
    import re

    response = session.post("/reports/share", {"kind": "campaign", "subject_id": str(world["campaign"].id),
                                               "since": "2026-09-01", "until": "2026-10-31", "lang": lang,
                                               "days": days})
    assert response.status_code == 302
    page = session.get("/reports/").get_data(as_text=True)
    return re.search(r"(/s/[A-Za-z0-9_.\-]+)", page).group(1)


def test_share_link_works_without_an_account_and_only_for_its_report(app, world, login):
    from amplify.reports.models import ReportShare

    session = login("comms")
    path = make_share(session, world)
    anonymous = app.test_client()
    page = anonymous.get(path)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="es">' in body and "<script" not in body
    assert "Ana Quispe" in body and "Bea Rojas" not in body and "noindex" in body
    assert anonymous.get(path + "/coverage.csv").status_code == 200
    assert anonymous.get("/reports/").status_code in (302, 401, 403)  # the rest stays closed
    # Tampered, or a review link's token: refused.
    assert anonymous.get(path[:-3] + "xyz").status_code == 404
    # Revoked: at once.
    share = ReportShare.get()
    assert session.post(f"/reports/shares/{share.id}/revoke", {}).status_code == 302
    assert anonymous.get(path).status_code == 410 and anonymous.get(path + "/coverage.csv").status_code == 410


def test_share_link_expires_and_bad_requests_are_refused(app, world, login):
    from amplify.db import utcnow
    from amplify.reports.models import ReportShare

    session = login("comms")
    path = make_share(session, world, days="1")
    ReportShare.update(expires_at=utcnow() - timedelta(seconds=1)).execute()
    assert app.test_client().get(path).status_code == 410  # ours, grown old: not a guess
    for days in ("0", "366", "many"):
        session.post("/reports/share", {"kind": "campaign", "subject_id": str(world["campaign"].id),
                                        "since": "2026-09-01", "until": "2026-10-31", "lang": "es", "days": days})
    assert ReportShare.select().count() == 1
    assert login("viewer").post("/reports/share", {"kind": "campaign", "subject_id": "1", "since": "2026-09-01",
                                                   "until": "2026-10-31", "lang": "es", "days": "3"}).status_code == 403


def test_guessing_share_links_is_rate_limited_but_never_refuses_a_real_one(app, world, login):
    path = make_share(login("comms"), world)
    app.config["LINK_MAX_FAILURES_PER_ADDRESS"] = 3
    client = app.test_client()
    codes = [client.get(f"/s/guess-{n}").status_code for n in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
    assert client.get(path).status_code == 200


def test_the_ledger_times_each_answer_from_its_request(app, factories):
    from amplify.consent.ledger import record_decision

    person = factories.activist("Ana Quispe")
    item = factories.send(factories.item(factories.campaign(), people=[(person, "quoted", None)]))
    with app.app_context():
        decision = record_decision(person, "item", item, item.content_hash, "given", method="review_page",
                                   scope={"channels": ["x"], "attribution": "full_name"})
        requested = Decision.get((Decision.outcome == "requested") & (Decision.activist == person.id))
    assert decision.waited_seconds == pytest.approx((decision.at - requested.at).total_seconds())
    with app.app_context():
        assert Decision.verify()[0] == Decision.select().count()  # outside the chain: it still verifies


def test_median_of_an_even_number_is_the_mean_of_the_middle_two(app, world, factories):
    from amplify.reports.figures import median_of

    items, p = world["items"], world["people"]
    decide(app, p["ana"], items["ana"], "requested", at((9, 20), 8))
    decide(app, p["ana"], items["ana"], "given", at((9, 20), 16))  # a fourth answer: 8 h
    with app.app_context():
        query = Decision.select(Decision.waited_seconds).where(Decision.waited_seconds.is_null(False)
                                                               & (Decision.at >= at((9, 1), 0)))
        assert median_of(query, Decision.waited_seconds) == pytest.approx((4 + 6) / 2 * 3600)


def test_latest_publications_name_people_only_as_they_chose_and_never_at_high_risk(app, world, factories):
    p, campaign = world["people"], world["campaign"]
    item = factories.item(campaign, people=[(p["carla"], "quoted", None), (p["dora"], "named", None),
                                            (p["bea"], "named", None)], title="Tres voces")
    for person, attribution in ((p["carla"], "full_name"), (p["dora"], "pseudonym"), (p["bea"], "anonymous")):
        decide(app, person, item, "given", at((9, 25)), scope=json.dumps(
            {"attribution": attribution, "channels": ["x"], "face": False, "valid_until": None}))
    Publication.create(item=item, channel="x", url="https://example.org/tres", published_at=at((9, 26)))
    row = next(r for r in build(app, campaign).published if r[2] == "https://example.org/tres")
    assert row[3] == ["La Dora"] and row[4] == 2  # Carla (high risk) and Bea (anonymous) are counted


def test_organization_csv(app, world, login):
    response = login("viewer").get(
        f"/reports/organizations/{world['sindicato'].id}/invitations_state.csv?since=2026-09-01&until=2026-10-31&lang=es")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    assert response.mimetype == "text/csv" and text.splitlines()[0] == "Estado,Invitaciones"
    assert "Asistió,3" in text and 'filename="' in response.headers["Content-Disposition"]


def test_a_person_who_withdrew_is_no_longer_named_for_that_item(app, world, factories, login):
    """Named as she chose while her yes stood; once she withdrew, the staff page, the CSV and
    the share link count her without her name (she stays named where her consent stands)."""
    p, campaign = world["people"], world["campaign"]
    item = factories.item(campaign, people=[(p["fer"], "quoted", "full_name")], title="Fer habla")
    decide(app, p["fer"], item, "given", at((9, 25)), scope=json.dumps(
        {"attribution": "full_name", "channels": ["x"], "face": False, "valid_until": None}))
    Publication.create(item=item, channel="x", url="https://example.org/fer", published_at=at((9, 26)))
    row = next(r for r in build(app, campaign).published if r[2] == "https://example.org/fer")
    assert row[3] == ["Fer Torres"] and row[4] == 0
    session = login("comms")
    path = make_share(session, world)
    assert "Fer Torres" in app.test_client().get(path).get_data(as_text=True)
    decide(app, p["fer"], item, "withdrawn", at((9, 28)))
    row = next(r for r in build(app, campaign).published if r[2] == "https://example.org/fer")
    assert row[3] == [] and row[4] == 1
    query = f"?since={SINCE}&until={UNTIL}"
    staff = session.get(f"/reports/campaigns/{campaign.slug}{query}").get_data(as_text=True)
    csv = session.get(f"/reports/campaigns/{campaign.slug}/published.csv{query}").get_data(as_text=True)
    shared = app.test_client().get(path).get_data(as_text=True)
    for page in (staff, csv, shared):
        assert "Fer Torres" not in page
    assert "example.org/fer" in staff
