"""Issue 19: the power map — positions over time, relationships and their bad input, the
pictures against their tables, door-opening paths, share links and suggestions, and the
safety rule for high-risk activists on shared maps."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from amplify.actors import graph, pictures
from amplify.actors.changes import MapError, bring_in, record_position, relate, save_actor
from amplify.actors.models import Actor, MapShare, Position, Relationship, Suggestion
from amplify.db import utcnow
from tests.test_reports import counting_queries

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def in_app(app):
    """A request context for tests that call the map's functions directly (and make no
    requests: the test client would share its ``g``)."""
    with app.test_request_context():
        yield


def actor(campaign, name, kind="institution", **fields):
    return save_actor(Actor(), campaign, kind=kind, name=name, **fields)


@pytest.fixture
def ministry_world(app, factories):
    with app.test_request_context():
        return build_world(factories)


def build_world(factories):
    """A hand-made map: a ministry and its minister, a committee, an employers' association,
    a union leader (one of ours) who knows an adviser who advises the minister."""
    campaign = factories.campaign("Ratificar C189")
    union = factories.organization("Sindicato de Trabajadoras del Hogar")
    leader = factories.activist("Rosa Mamani", organization=union.id, risk_level="low",
                                default_attribution="full_name")
    w = {"campaign": campaign}
    w["ministry"] = actor(campaign, "Ministerio de Trabajo")
    w["minister"] = actor(campaign, "Ana Ministra", kind="person", role="Ministra de Trabajo")
    w["committee"] = actor(campaign, "Comisión de Trabajo del Congreso")
    w["employers"] = actor(campaign, "Asociación de Empleadores")
    w["adviser"] = actor(campaign, "Pedro Asesor", kind="person")
    w["union"] = bring_in(campaign, organization=union)
    w["leader"] = bring_in(campaign, activist=leader)
    relate(w["minister"], w["ministry"], "works_for", source="Sitio del ministerio")
    relate(w["leader"], w["union"], "member_of")
    relate(w["leader"], w["adviser"], "knows", directed=False, strength=3, source="Conocidos desde 2019")
    relate(w["adviser"], w["minister"], "advises", strength=2)
    relate(w["employers"], w["leader"], "opposes")
    record_position(w["ministry"], "neutral", "high", date(2026, 1, 10), "Declaración pública")
    record_position(w["ministry"], "passive_ally", "high", date(2026, 6, 1), "Reunión del 1 de junio")
    record_position(w["minister"], "passive_opposition", "high", date(2026, 2, 1), "Entrevista en radio")
    record_position(w["committee"], "unknown", "medium", date(2026, 3, 1), "Sin información")
    record_position(w["employers"], "active_opposition", "medium", date(2026, 1, 5), "Comunicado")
    return {k: Actor.get_by_id(v.id) if isinstance(v, Actor) else v for k, v in w.items()}


def test_positions_keep_their_history_and_the_latest_date_wins(ministry_world, in_app):
    ministry = ministry_world["ministry"]
    # Recorded late, but observed earlier: the current position stays the June one.
    record_position(ministry, "active_opposition", "low", date(2025, 12, 1), "Archivo de 2025")
    ministry = Actor.get_by_id(ministry.id)
    assert (ministry.position, ministry.influence, ministry.position_on) == ("passive_ally", "high", date(2026, 6, 1))
    assert [p.position for p in Position.select().where(Position.actor == ministry).order_by(Position.observed_on)] == [
        "active_opposition", "neutral", "passive_ally"]
    campaign = ministry_world["campaign"]
    assert pictures.positions_on(campaign, date(2026, 1, 31))[ministry.id] == "neutral"
    assert pictures.positions_on(campaign, date(2026, 6, 1))[ministry.id] == "passive_ally"
    assert ministry.id not in pictures.positions_on(campaign, date(2025, 11, 30))


def test_bad_relationships_are_refused_and_nothing_is_written(ministry_world, in_app):
    w = ministry_world
    before = Relationship.select().count()
    with pytest.raises(MapError, match="two different actors"):
        relate(w["ministry"], w["ministry"], "knows")
    relate(w["minister"], w["committee"], "member_of")
    relate(w["committee"], w["ministry"], "member_of")
    with pytest.raises(MapError, match="already, directly or not, a member of"):
        relate(w["ministry"], w["minister"], "member_of")
    with pytest.raises(MapError, match="date"):
        record_position(w["ministry"], "neutral", "low", None, "sin fecha")
    assert Relationship.select().count() == before + 2


def test_who_could_open_the_door(ministry_world, in_app):
    w = ministry_world
    paths = graph.door_openers(w["minister"])
    # Rosa knows the adviser, who advises the minister; the employers only oppose.
    assert paths[0] == [w["leader"].id, w["adviser"].id, w["minister"].id]
    assert all(w["employers"].id not in path for path in paths)
    assert all(path[0] in (w["leader"].id, w["union"].id) for path in paths)
    assert graph.door_openers(w["committee"]) == []
    assert graph.door_openers(w["leader"]) == []


def test_kept_paths_and_picture_follow_every_write_to_the_map(app, ministry_world, in_app):
    """Issue 13: the paths and the neighbourhood's layout are kept between views, and a
    write to actors or relationships, by any route (the map's own functions, a bulk update,
    a deletion), is seen at once."""
    from amplify.db import database

    w = ministry_world
    leader, adviser, minister, committee = w["leader"], w["adviser"], w["minister"], w["committee"]
    assert graph.door_openers(committee) == []
    before = graph.generation()
    with counting_queries() as counted:  # kept: only the number is read, not the ties
        assert graph.door_openers(committee) == []
    assert len(counted) == 1 and "map_generation" in counted[0]
    assert graph.generation() == before  # a view writes nothing

    relate(minister, committee, "member_of")
    assert graph.generation() != before
    assert graph.door_openers(committee) == [[leader.id, adviser.id, minister.id, committee.id]]

    # Written behind the map's back: a tie's kind changed in one statement, then deleted.
    Relationship.update(kind="opposes").where((Relationship.from_actor == adviser)
                                              & (Relationship.to_actor == minister)).execute()
    assert graph.door_openers(committee) == []
    Relationship.update(kind="advises").where((Relationship.from_actor == adviser)
                                              & (Relationship.to_actor == minister)).execute()
    assert graph.door_openers(committee)[0][-1] == committee.id
    _ties, layout, drawn = graph.neighbourhood(leader)
    assert drawn == set(layout) - {leader.id}
    with database.atomic():
        Relationship.delete().where(Relationship.from_actor == minister).execute()
    assert graph.door_openers(committee) == []
    _ties, after, drawn_after = graph.neighbourhood(minister)
    assert set(after) == {minister.id} | drawn_after and committee.id not in drawn_after

    # An actor renamed reorders equal ties: the picture is computed again.
    stamp = graph.generation()
    Actor.update(name="Zeta Asesor").where(Actor.id == adviser.id).execute()
    assert graph.generation() != stamp


def svg_of(html, element_id):
    match = re.search(rf'<svg[^>]*id="{element_id}".*?</svg>', html, re.S)
    assert match, element_id
    return ET.fromstring(match.group(0).replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def table_of(html, element_id):
    match = re.search(rf'<table id="{element_id}">.*?</table>', html, re.S)
    assert match, element_id
    return ET.fromstring(re.sub(r"&\w+;", "", match.group(0)))


def test_spectrum_chart_carries_the_numbers_of_its_table(ministry_world, login):
    w = ministry_world
    page = login("viewer").get(f"/actors/campaigns/{w['campaign'].slug}").get_data(as_text=True)
    chart, table = svg_of(page, "spectrum-chart"), table_of(page, "spectrum-table")
    assert chart.find(f"{SVG}title").text == "Spectrum of allies" and chart.find(f"{SVG}desc") is not None
    drawn = {(g.get("data-position"), g.get("data-influence")): int(g.find(f"{SVG}text[@class='count']").text)
             for g in chart.iter(f"{SVG}g") if g.get("class") == "cell"}
    positions = [th.get("data-position") for th in table.find("thead").iter("th") if th.get("data-position")]
    tabled = {(position, row.get("data-influence")): int(td.text)
              for row in table.find("tbody") for position, td in zip(positions, row.findall("td"))}
    assert drawn == tabled
    assert drawn["passive_ally", "high"] == 1 and drawn["active_opposition", "medium"] == 1
    assert drawn["unknown", "low"] == 3  # the adviser and our two, never assessed
    # Each dot is an actor, named in its title.
    dots = {c.find(f"{SVG}title").text for c in chart.iter(f"{SVG}circle")}
    assert {"Ministerio de Trabajo", "Ana Ministra", "Rosa Mamani"} <= dots


def test_neighbourhood_picture_and_table_show_the_same_ties_the_same_way_twice(ministry_world, login):
    w = ministry_world
    session = login("viewer")
    first = session.get(f"/actors/{w['leader'].id}").get_data(as_text=True)
    second = session.get(f"/actors/{w['leader'].id}").get_data(as_text=True)
    chart, table = svg_of(first, "neighbourhood-chart"), table_of(first, "neighbourhood-table")
    lines = {(int(l.get("data-from")), int(l.get("data-to")), l.get("data-kind")) for l in chart.iter(f"{SVG}line")}
    rows = {(int(r.get("data-from")), int(r.get("data-to")), r.get("data-kind")) for r in table.find("tbody")}
    assert lines == rows == {(w["leader"].id, w["union"].id, "member_of"), (w["leader"].id, w["adviser"].id, "knows"),
                             (w["employers"].id, w["leader"].id, "opposes")}
    assert svg_of(second, "neighbourhood-chart") is not None
    same = lambda html: re.search(r'<svg[^>]*id="neighbourhood-chart".*?</svg>', html, re.S).group(0)  # noqa: E731
    assert same(first) == same(second)
    csv = session.get(f"/actors/{w['leader'].id}/neighbourhood.csv").get_data(as_text=True)
    assert csv.count("\r\n") == 4 and "Conocidos desde 2019" in csv


def test_moved_chart_matches_its_table_and_names_who_moved(ministry_world, login):
    w = ministry_world
    session = login("viewer")
    page = session.get(f"/actors/campaigns/{w['campaign'].slug}/moved?since=2026-01-31&until=2026-06-30")
    html = page.get_data(as_text=True)
    chart, table = svg_of(html, "moved-chart"), table_of(html, "moved-table")
    bars = {g.get("data-position"): (int(g.get("data-before")), int(g.get("data-after")))
            for g in chart.iter(f"{SVG}g") if g.get("class") == "bars"}
    rows = {r.get("data-position"): (int(r.findall("td")[0].text), int(r.findall("td")[1].text))
            for r in table.find("tbody")}
    assert bars == rows
    assert bars["neutral"] == (1, 0) and bars["passive_ally"] == (0, 1) and bars["unknown"] == (0, 1)
    assert "Ministerio de Trabajo</a>: Neutral → Passive ally" in html
    csv = session.get(f"/actors/campaigns/{w['campaign'].slug}/moved.csv?since=2026-01-31&until=2026-06-30")
    assert "Ministerio de Trabajo,Neutral,Passive ally" in csv.get_data(as_text=True)


def test_spectrum_csv_is_formula_safe(app, factories, login):
    campaign = factories.campaign()
    with app.test_request_context():
        actor(campaign, "=HYPERLINK(\"http://evil\")")
    csv = login("viewer").get(f"/actors/campaigns/{campaign.slug}/spectrum.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv and csv.startswith("\ufeff")


def test_staff_forms_refuse_bad_input_with_clear_messages(app, ministry_world, login):
    w = ministry_world
    with app.test_request_context():
        actor(w["campaign"], "Ángela Ávila", kind="person")
    session = login("comms")
    response = session.post(f"/actors/{w['ministry'].id}/positions",
                            {"position": "active_ally", "influence": "high", "on": "", "source": "Votó a favor"})
    assert response.status_code == 400
    assert "A position needs the date it was observed." in response.get_data(as_text=True)
    assert "Votó a favor" in response.get_data(as_text=True)  # the input is kept
    response = session.post(f"/actors/{w['ministry'].id}/relationships",
                            {"other": "ministerio de trabajo", "kind": "knows", "outgoing": "1", "strength": "2"})
    assert response.status_code == 400 and "two different actors" in response.get_data(as_text=True)
    response = session.post(f"/actors/{w['ministry'].id}/relationships",
                            {"other": "Nadie", "kind": "knows", "outgoing": "1", "strength": "2"})
    assert "No single actor of this campaign has that name." in response.get_data(as_text=True)
    response = session.post(f"/actors/{w['ministry'].id}/relationships",
                            {"other": "ANA MINISTRA", "kind": "member_of", "outgoing": "0", "strength": "3",
                             "directed": "y", "source": "Organigrama"})
    assert response.status_code == 302
    assert Relationship.get(Relationship.source == "Organigrama").from_actor_id == w["minister"].id
    response = session.post(f"/actors/{w['ministry'].id}/relationships",
                            {"other": "ángela ávila", "kind": "knows", "outgoing": "1", "strength": "1"})
    assert response.status_code == 302  # case is ignored beyond ASCII too
    response = session.post(f"/actors/relationships/{Relationship.select().first().id}/delete", {"back": "x"})
    assert response.status_code == 302


def share_token(app, link):
    from amplify.actors.tokens import token_for

    with app.test_request_context():
        return token_for(link)


def test_share_link_shows_the_map_in_its_language_and_never_names_a_high_risk_activist(app, ministry_world, factories,
                                                                                       login):
    w = ministry_world
    hidden = factories.activist("Carmen Escondida", risk_level="high", default_attribution="full_name")
    with app.test_request_context():
        bring_in(w["campaign"], activist=hidden)
    session = login("comms")
    response = session.post(f"/actors/campaigns/{w['campaign'].slug}/shares", {"language": "es", "days": "30"})
    assert response.status_code == 302
    link = MapShare.get()
    token = share_token(app, link)
    page = app.test_client().get(f"/actors/shared/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="es"' in html and "Espectro de aliados" in html
    assert "Carmen" not in html and "Escondida" not in html and "Rosa Mamani" in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    csv = app.test_client().get(f"/actors/shared/{token}/spectrum.csv").get_data(as_text=True)
    assert "Carmen" not in csv
    with app.test_request_context():
        for n in range(3):
            bring_in(w["campaign"], activist=factories.activist(f"Otra {n}", risk_level="high"))
    assert count_queries(app.test_client(), f"/actors/shared/{token}") == count_queries(
        app.test_client(), f"/actors/shared/{token}?per_page=2")
    hidden_actor = Actor.get(Actor.activist == hidden)
    assert "Carmen" not in app.test_client().get(f"/actors/shared/{token}/actors/{hidden_actor.id}").get_data(as_text=True)
    # The staff see her name.
    assert "Carmen Escondida" in session.get(f"/actors/{hidden_actor.id}").get_data(as_text=True)


def test_share_link_limits_revoked_expired_tampered(app, ministry_world, login):
    link = MapShare.create(nonce="n1", campaign=ministry_world["campaign"], language="pt",
                           expires_at=utcnow() + timedelta(days=1))
    token = share_token(app, link)
    client = app.test_client()
    assert client.get(f"/actors/shared/{token}").status_code == 200
    assert client.get(f"/actors/shared/{token[:-2]}xx").status_code == 404
    MapShare.update(expires_at=utcnow() - timedelta(minutes=1)).execute()
    assert client.get(f"/actors/shared/{token}").status_code == 410
    MapShare.update(expires_at=utcnow() + timedelta(days=1)).execute()
    session = login("comms")
    assert session.post(f"/actors/shares/{link.id}/revoke").status_code == 302
    response = client.get(f"/actors/shared/{token}")
    assert response.status_code == 410 and "não" in response.get_data(as_text=True).lower()


def suggestion_client(app, token):
    from tests.conftest import csrf_token

    client = app.test_client()
    return client, csrf_token(client, f"/actors/shared/{token}")


def test_suggestions_accepted_and_declined_with_their_history(app, ministry_world, login):
    w = ministry_world
    link = MapShare.create(nonce="n2", campaign=w["campaign"], language="es", expires_at=utcnow() + timedelta(days=3))
    token = share_token(app, link)
    client, csrf = suggestion_client(app, token)
    minister = w["minister"]
    response = client.post(f"/actors/shared/{token}/actors/{minister.id}",
                           data={"csrf_token": csrf, "position": "active_ally", "influence": "high",
                                 "reason": "Lo dijo en la asamblea", "suggested_by": "Julia"})
    assert response.status_code == 302
    client.post(f"/actors/shared/{token}/missing", data={"csrf_token": csrf, "name": "Defensoría del Pueblo",
                                                         "kind": "institution", "reason": "Opina sobre C189"})
    client.post(f"/actors/shared/{token}/actors/{minister.id}",
                data={"csrf_token": csrf, "related_to": "Nadie Conocido", "relationship_kind": "knows",
                      "reason": "Se conocen"})
    first, missing, related = Suggestion.select().order_by(Suggestion.id)
    assert (first.suggested_by, missing.suggested_by, missing.kind) == ("Julia", "", "actor")
    session = login("comms")
    assert session.post(f"/actors/suggestions/{first.id}/accept").status_code == 302
    assert Actor.get_by_id(minister.id).position == "active_ally"
    assert "Julia" in Position.select().order_by(Position.id.desc()).first().source
    session.post(f"/actors/suggestions/{missing.id}/decline")
    assert not Actor.select().where(Actor.name == "Defensoría del Pueblo").exists()
    # A relationship to someone not on the map cannot be accepted: nothing half-written.
    response = session.post(f"/actors/suggestions/{related.id}/accept", follow_redirects=True)
    assert "add them first" in response.get_data(as_text=True)
    assert Suggestion.get_by_id(related.id).state == "open"
    history = session.get(f"/actors/campaigns/{w['campaign'].slug}/suggestions?state=accepted").get_data(as_text=True)
    assert "Julia" in history and "Decided by" in history
    declined = session.get(f"/actors/campaigns/{w['campaign'].slug}/suggestions?state=declined").get_data(as_text=True)
    assert "Anonymous" in declined and "Defensoría del Pueblo" in declined


def test_a_suggestion_flood_from_one_link_is_held_back(app, make_app, ministry_world):
    link = MapShare.create(nonce="n3", campaign=ministry_world["campaign"], language="en",
                           expires_at=utcnow() + timedelta(days=3))
    token = share_token(app, link)
    app.config["MAP_SUGGESTIONS_PER_HOUR"] = 2
    client, csrf = suggestion_client(app, token)
    answers = [client.post(f"/actors/shared/{token}/missing",
                           data={"csrf_token": csrf, "name": f"Actor {n}", "kind": "person", "reason": "Importa"}
                           ).status_code for n in range(3)]
    assert answers == [302, 302, 429]
    assert Suggestion.select().count() == 2


def test_stale_positions_are_asked_for_with_the_six_monthly_reviews(app, ministry_world, login):
    w = ministry_world
    with app.test_request_context():
        record_position(w["committee"], "neutral", "medium", date.today() - timedelta(days=200), "Hace mucho")
        record_position(w["employers"], "active_opposition", "medium", date.today(), "Hoy")
    home = login("viewer").get("/").get_data(as_text=True)
    assert "Positions to review on the power map" in home
    section = home.split("Positions to review on the power map")[1]
    assert "Comisión de Trabajo del Congreso" in section and "Asociación de Empleadores" not in section


def test_the_audit_log_names_the_actor_and_what_was_recorded(ministry_world, login):
    w = ministry_world
    admin = login("admin")
    admin.post(f"/actors/{w['committee'].id}/positions",
               {"position": "passive_ally", "influence": "medium", "on": "2026-11-01", "source": "Votación"})
    page = admin.get("/audit/").get_data(as_text=True)
    assert (f'recorded where <a href="/actors/{w["committee"].id}">Comisión de Trabajo del Congreso</a> stands'
            in page)


def test_an_actor_is_edited_and_our_own_are_not_edited_here(ministry_world, login):
    w = ministry_world
    session = login("events")
    response = session.post(f"/actors/{w['minister'].id}/edit", {"kind": "person", "name": "Ana Ministra",
                                                                  "role": "Ex ministra", "languages": ["es"]})
    assert response.status_code == 302 and Actor.get_by_id(w["minister"].id).role == "Ex ministra"
    assert session.post(f"/actors/{w['minister'].id}/edit", {"kind": "person", "name": ""}).status_code == 400
    assert session.get(f"/actors/{w['union'].id}/edit").status_code == 404


def count_queries(session, path):
    from amplify.db import database

    counted, original = [], database.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        counted.append(sql)
        return original(sql, params, *args, **kwargs)

    database.obj.execute_sql = counting
    try:
        assert session.get(path).status_code == 200
    finally:
        database.obj.execute_sql = original
    return len(counted)


def test_map_and_actor_pages_read_the_same_number_of_queries_as_the_map_grows(app, ministry_world, login):
    w = ministry_world
    session = login("viewer")
    paths = [f"/actors/campaigns/{w['campaign'].slug}", f"/actors/{w['minister'].id}",
             f"/actors/campaigns/{w['campaign'].slug}/moved", f"/actors/{w['leader'].id}"]
    before = [count_queries(session, path) for path in paths]
    with app.test_request_context():
        for n in range(12):
            extra = actor(w["campaign"], f"Diputada {n}", kind="person")
            record_position(extra, "neutral", "medium", date(2026, 5, n + 1), "Sesión")
            relate(extra, w["minister"], "knows", directed=False)
            relate(w["leader"], extra, "knows", directed=False)
    assert [count_queries(session, path) for path in paths] == before
