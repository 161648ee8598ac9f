"""Issue 13: the capped counts of the board's columns and of the feeds inbox are read from
an index alone (migration 0026), never by reading invitations or feed entries in table
order. On PostgreSQL sequential scans are switched off for the EXPLAIN: on a test's few
rows the planner would rightly read the table; what is checked is that an index-only path
exists, the one it takes at 100,000 invitations and 1,000,000 entries."""

import re

from amplify.db import database, is_postgres


def plan(sql, params):
    with database.atomic() as transaction:
        if is_postgres():
            database.execute_sql("SET LOCAL enable_seqscan = off")
            rows = [row[0] for row in database.execute_sql("EXPLAIN " + sql, params).fetchall()]
        else:
            rows = [row[-1] for row in database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
        transaction.rollback()
    return "\n".join(rows)


def from_index_alone(text, index):
    if is_postgres():
        return f"Index Only Scan using {index} " in text and "Seq Scan on" not in text
    return f"USING COVERING INDEX {index} " in text and not re.search(r"^SCAN (?!_wrapped|counted_|CONSTANT ROW)", text, re.M)


def test_board_and_inbox_count_from_an_index_alone(app, login, factories):
    source = factories.feed_source(kind="monitoring")
    event = factories.event()
    for n in range(3):
        factories.feed_entry(source, title=f"Nota {n}")
        factories.invitation(event=event, activist=factories.activist(f"Persona {n}"))
    session = login("viewer")
    captured = []
    original = database.obj.execute_sql

    def keeping(sql, params=None, *args, **kwargs):
        captured.append((sql, params))
        return original(sql, params, *args, **kwargs)

    database.obj.execute_sql = keeping
    try:
        for path in ("/invitations/", f"/invitations/?event={event.id}", "/feeds/?kind=monitoring"):
            assert session.get(path).status_code == 200
    finally:
        database.obj.execute_sql = original
    # Each page counts all its columns (or kinds) in one query: a SELECT of capped counts.
    counts = [(sql, params) for sql, params in captured if sql.startswith("SELECT (SELECT COUNT(*) FROM (SELECT")]
    board = [c for c in counts if '"invitation"' in c[0]]
    inbox = [c for c in counts if '"feed_entry"' in c[0] and '"source_id" IN' in c[0]]
    assert len(board) == 2 and all(sql.count("SELECT COUNT(*)") >= 8 for sql, _ in board) and inbox
    with app.app_context():
        for sql, params in board:
            assert "JOIN" not in sql, sql  # no search: the invitation table alone
            assert from_index_alone(plan(sql, params), "invitation_state_event"), plan(sql, params)
        for sql, params in inbox:
            assert from_index_alone(plan(sql, params), "feed_entry_state_source"), plan(sql, params)


def test_an_actors_page_reads_the_talking_point_sheets_it_offers_through_their_index(app, login, factories):
    """Migration 0029: the sheets an actor can be tied to are read through
    ``item (campaign_id, kind, id)``, not by walking the campaign's items newest first."""
    from amplify.actors.forms import TieForm
    from amplify.actors.views import tie_choices
    from amplify.campaigns.models import Campaign

    campaign = factories.campaign()
    factories.item(campaign, kind="talking_points")
    captured = []
    original = database.obj.execute_sql

    def keeping(sql, params=None, *args, **kwargs):
        captured.append((sql, params))
        return original(sql, params, *args, **kwargs)

    with app.test_request_context():
        database.obj.execute_sql = keeping
        try:
            form = tie_choices(TieForm(), Campaign.get_by_id(campaign.id))
        finally:
            database.obj.execute_sql = original
        assert [label for _value, label in form.target.choices][0].startswith("Talking-point sheet")
        sheets = [(sql, params) for sql, params in captured if '"kind" = ' in sql and 'FROM "item"' in sql]
        assert len(sheets) == 1
        text = plan(*sheets[0])
        assert "item_campaign_kind" in text and "Seq Scan" not in text and not re.search(r"^SCAN t1$", text, re.M), text
