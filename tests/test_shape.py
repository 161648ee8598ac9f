"""Queries kept compiled (``amplify.db.Shape``): the same rows as the query they keep,
for every kind of value, compiled once per kind."""

from datetime import datetime, timedelta, timezone

import peewee
import pytest

from amplify.db import Shape, database, utcnow
from amplify.items.models import Item, ItemPerson
from amplify.people.models import Activist
from tests.conftest import USE_PG
from tests.test_reports import counting_queries


def test_a_kept_query_gives_the_rows_its_query_gives_for_each_new_value(app, factories):
    campaign = factories.campaign()
    ana, bea = factories.activist("Ana Prueba"), factories.activist("Bea Prueba")
    first = factories.item(campaign, people=[(ana, "quoted", None)])
    second = factories.item(campaign, people=[(ana, "quoted", None), (bea, "named", None)])
    built = []

    def people(item_ids, appearance):
        built.append((item_ids, appearance))
        return (ItemPerson.select(ItemPerson, Activist).join(Activist)
                .where(ItemPerson.item.in_(item_ids) & (ItemPerson.appearance == appearance))
                .order_by(ItemPerson.id))

    kept = Shape(people)
    with app.app_context():
        for ids, appearance in (([first.id], "quoted"), ([second.id], "quoted"), ([second.id], "named"),
                                ([first.id, second.id], "quoted"), ([first.id + second.id + 1], "quoted")):
            got = [(p.item_id, p.activist.display_name) for p in kept.rows(ids, appearance)]
            want = [(p.item_id, p.activist.display_name) for p in people(ids, appearance)]
            assert got == want
        assert [(p.item_id, p.activist.display_name) for p in kept.rows([first.id, second.id], "quoted")] == [
            (first.id, "Ana Prueba"), (second.id, "Ana Prueba")]
        assert kept.first([second.id], "named").activist.display_name == "Bea Prueba"
        assert kept.first([first.id], "shown") is None
    # Built once for one id and once for two (the list's length is part of its kind), plus
    # the five direct calls above that check it.
    assert [len(ids) for ids, _ in built].count(1) == 1 + 4 and [len(ids) for ids, _ in built].count(2) == 1 + 1


def test_none_datetimes_and_row_types_are_kept_as_the_query_has_them(app, factories):
    campaign = factories.campaign()
    planned = factories.item(campaign, title="Planned")
    factories.item(campaign, title="Unplanned")
    soon = utcnow().replace(microsecond=0) + timedelta(days=2)
    with app.app_context():
        Item.update(planned_at=soon).where(Item.id == planned.id).execute()
        kept = Shape(lambda when, campaign_id: (
            Item.select(Item.title).where((Item.planned_at == when) & (Item.campaign == campaign_id))
            .order_by(Item.id).tuples()))
        assert list(kept.rows(None, campaign.id)) == [("Unplanned",)]  # IS NULL, not = NULL
        assert list(kept.rows(soon, campaign.id)) == [("Planned",)]
        madrid = soon.astimezone(timezone(timedelta(hours=1)))  # the same instant, another offset
        assert list(kept.rows(madrid, campaign.id)) == [("Planned",)]
        assert list(kept.rows(soon + timedelta(seconds=1), campaign.id)) == []
        counted = Shape(lambda campaign_id: Item.select(peewee.fn.COUNT(Item.id).alias("n"))
                        .where(Item.campaign == campaign_id).dicts())
        assert counted.first(campaign.id) == {"n": 2}


def test_a_query_that_changes_or_writes_its_values_into_the_sql_is_refused(app):
    with app.app_context():
        inlined = Shape(lambda item_id: Item.select().where(Item.id == peewee.SQL(str(item_id))))
        with pytest.raises(ValueError, match="cannot be kept compiled"):
            inlined.rows(1)
        with pytest.raises(TypeError):
            Shape(lambda value: Item.select().where(Item.id == value)).rows(1.5)
        with pytest.raises(TypeError):
            Shape(lambda value: Item.select().where(Item.planned_at == value)).rows(datetime(2026, 1, 1))


@pytest.mark.skipif(not USE_PG, reason="PostgreSQL's prepared statements")
def test_postgresql_plans_a_kept_query_once_per_connection_and_recovers_from_a_failed_run(app, factories, monkeypatch):
    from amplify import db

    campaign = factories.campaign()
    item = factories.item(campaign, title="Prepared")
    kept = Shape(lambda item_id: Item.select(Item.title).where(Item.id == item_id).tuples())

    def prepared(fragment):
        return database.execute_sql("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                                    (f"%{fragment}%",)).fetchone()[0]

    by_id, by_title = 'SELECT "t1"."title" FROM "item" AS "t1" WHERE ("t1"."id" = $1)', '("t1"."title" = $1)'
    with app.app_context():
        database.connect(reuse_if_open=True)
        assert list(kept.rows(item.id)) == [("Prepared",)]
        assert list(kept.rows(item.id + 1)) == []
        assert prepared(by_id) == 1  # planned once for both
        with counting_queries() as read:
            list(kept.rows(item.id))
        assert read == ['SELECT "t1"."title" FROM "item" AS "t1" WHERE ("t1"."id" = %s)']  # as a log reads it
        # A first run that fails (out of bigint's range) inside a transaction: the statement
        # it prepared outlives the rollback, and the next run must not prepare that name again.
        fresh = Shape(lambda item_id: Item.select(Item.id).where(Item.id == item_id).tuples())
        for _ in range(2):
            with pytest.raises(peewee.DataError):
                with database.atomic():
                    list(fresh.rows(2 ** 70))
        assert list(fresh.rows(item.id)) == [(item.id,)] and list(kept.rows(item.id)) == [("Prepared",)]
        other = Shape(lambda title: Item.select(Item.id).where(Item.title == title).tuples())
        monkeypatch.setattr(db, "PREPARED_PER_CONNECTION", 1)  # a second form makes it start again
        assert list(other.rows("Prepared")) == [(item.id,)]
        assert prepared(by_title) == 1 and prepared(by_id) == 0
        assert list(kept.rows(item.id)) == [("Prepared",)]
        database.close()
