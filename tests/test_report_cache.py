"""Issue 13: a report is computed once and read again from its cache while nothing it
reads changed; any write — a decision, a withdrawal, a bulk update — shows at once."""

import csv
import io
import json
import re

from amplify.db import database
from amplify.feeds.models import FeedEntry
from amplify.items.models import Publication
from tests.test_reports import SINCE, UNTIL, at, counting_queries, decide, world  # noqa: F401 (a fixture)

QUERY = f"?since={SINCE}&until={UNTIL}&lang=en"


def table(session, slug, name):
    response = session.get(f"/reports/campaigns/{slug}/{name}.csv{QUERY}")
    assert response.status_code == 200
    return dict(tuple(row) for row in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
                if len(row) == 2)


def test_a_report_seen_again_is_read_from_its_cache_in_a_few_queries(app, world, login):
    session = login("viewer")
    path = f"/reports/campaigns/{world['campaign'].slug}{QUERY}"
    with counting_queries() as first:
        page = session.get(path).get_data(as_text=True)
    with counting_queries() as again:
        again_page = session.get(path).get_data(as_text=True)
    token = re.compile(r'name="[\w-]*csrf_token"[^>]*value="[^"]*"')  # it carries the second it was made
    assert token.sub("", again_page) == token.sub("", page)
    assert len(first) >= 15 and len(again) <= 8, (len(first), len(again))


def test_a_new_decision_and_a_withdrawal_change_the_report_at_once(app, world, login, factories):
    session = login("viewer")
    slug, people, items = world["campaign"].slug, world["people"], world["items"]
    before = table(session, slug, "consent")
    assert before["Given"] == "1" and before["Withdrawn"] == "1"
    assert table(session, slug, "consent") == before  # now from the cache
    decide(app, people["bea"], items["bea"], "given", at((9, 20)), scope=json.dumps(
        {"attribution": "full_name", "channels": ["x"], "face": False, "valid_until": None}))
    after = table(session, slug, "consent")
    assert after["Given"] == "2" and after["Withdrawn"] == "1"
    decide(app, people["bea"], items["bea"], "withdrawn", at((9, 21)))
    assert table(session, slug, "consent")["Withdrawn"] == "2"


def test_bulk_writes_outside_the_ledger_change_the_report_at_once(app, world, login):
    """Triggers, not the code paths: an UPDATE of many rows, or a delete, shows too."""
    session = login("viewer")
    slug = world["campaign"].slug
    assert table(session, slug, "coverage") == {"Month": "Mentions", "2026-09": "2", "2026-10": "1"}
    with app.app_context():
        FeedEntry.update(state="new").where(FeedEntry.title == "Nota 3").execute()
    assert table(session, slug, "coverage") == {"Month": "Mentions", "2026-09": "2"}
    with app.app_context():
        Publication.delete().where(Publication.channel == "mastodon").execute()
    response = session.get(f"/reports/campaigns/{slug}/publications.csv{QUERY}").get_data(as_text=True)
    assert "Mastodon" not in response


def test_every_table_a_report_reads_has_the_trigger(app, world):
    """The tables named in the report's own queries, both scopes: each one's writes raise
    the generation (a table added to a report later without its trigger fails here)."""
    import re

    from amplify.db import is_postgres
    from amplify.migrations import available
    from amplify.reports import cache
    from amplify.reports.figures import CampaignScope, OrganizationScope, build

    migration = next(module for number, _name, module in available() if number == 26)
    assert migration.READS == cache.READS
    with app.app_context(), counting_queries() as statements:
        build(CampaignScope(world["campaign"]), SINCE, UNTIL)
        build(OrganizationScope(world["sindicato"]), SINCE, UNTIL)
    read = {name for sql in statements for name in re.findall(r'(?:FROM|JOIN) "(\w+)"', sql)}
    assert read and read <= set(cache.READS), read - set(cache.READS)
    with app.app_context():
        for name in cache.READS:
            if is_postgres():
                found = database.execute_sql("SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = %s::regclass "
                                             "AND tgname LIKE 'report_generation%%'", (name,)).fetchone()[0]
                # Rows (deferred to the commit) and TRUNCATE; feed entries' rows one trigger per event
                assert found == (4 if name == "feed_entry" else 2), name
            else:
                found = database.execute_sql("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' "
                                             "AND tbl_name = ? AND name LIKE 'report_generation%'",
                                             (name,)).fetchone()[0]
                assert found == 3, name  # INSERT, UPDATE, DELETE



def test_a_feed_poll_leaves_the_kept_reports_and_coverage_logged_changes_them(app, world, login, factories):
    """Feed entries count in a report only once logged as coverage: the new entries a poll
    brings in keep every report (and the coverage page) kept; logging one, taking one back
    or deleting one shows at once."""
    from amplify.reports.models import ReportGeneration

    session = login("viewer")
    slug = world["campaign"].slug

    def generation():
        with app.app_context():
            return ReportGeneration.get_by_id(1).n

    assert table(session, slug, "coverage") == {"Month": "Mentions", "2026-09": "2", "2026-10": "1"}
    kept_at = generation()
    source = factories.feed_source(url="https://prensa.example.org/poll.xml", kind="monitoring")
    for n in range(3):  # what a poll does: new entries, one of them then ignored
        factories.feed_entry(source, title=f"Nueva {n}", campaign=world["campaign"].id)
    with app.app_context():
        FeedEntry.update(state="ignored").where(FeedEntry.title == "Nueva 0").execute()
    assert generation() == kept_at
    with counting_queries() as read:
        assert table(session, slug, "coverage") == {"Month": "Mentions", "2026-09": "2", "2026-10": "1"}
    assert len(read) <= 8  # from the cache
    with app.app_context():
        FeedEntry.update(state="coverage", seen_at=at((10, 5))).where(FeedEntry.title == "Nueva 1").execute()
    assert table(session, slug, "coverage") == {"Month": "Mentions", "2026-09": "2", "2026-10": "2"}
    with app.app_context():
        FeedEntry.delete().where(FeedEntry.title == "Nueva 1").execute()
    assert table(session, slug, "coverage") == {"Month": "Mentions", "2026-09": "2", "2026-10": "1"}
    factories.feed_entry(source, title="Logged at once", state="coverage", campaign=world["campaign"].id,
                         seen_at=at((9, 7)))
    assert table(session, slug, "coverage") == {"Month": "Mentions", "2026-09": "3", "2026-10": "1"}


def test_only_the_latest_reports_are_kept(app, world, login, monkeypatch):
    from amplify.reports import cache
    from amplify.reports.models import ReportCache

    monkeypatch.setattr(cache, "KEPT", 4)  # each view keeps two: its figures and its HTML
    session = login("viewer")
    for month in ("06", "07", "08", "09"):
        assert session.get(f"/reports/campaigns/{world['campaign'].slug}?since=2026-{month}-01&until=2026-10-31"
                           ).status_code == 200
    with app.app_context():
        keys = [key for (key,) in ReportCache.select(ReportCache.key).tuples()]
    assert sorted(re.search(r"\d{4}-\d\d-\d\d", key).group(0) for key in keys) == [
        "2026-08-01", "2026-08-01", "2026-09-01", "2026-09-01"]
    assert sum(key.startswith("html:") for key in keys) == 2


def test_the_coverage_pages_counts_are_kept_and_follow_new_coverage_at_once(app, login, factories):
    """Counting coverage at a million entries was most of the page: the counts are kept
    like a report's figures, and a newly logged article (or one taken back) shows at once."""
    campaign = factories.campaign()
    source = factories.feed_source(kind="monitoring")
    for n in range(3):
        factories.feed_entry(source, title=f"Nota {n}", state="coverage", campaign=campaign.id)
    session = login("viewer")
    path = f"/feeds/coverage?campaign={campaign.slug}"

    def counts():
        page = session.get(path).get_data(as_text=True)
        listed = re.search(rf'campaign={campaign.slug}"[^>]*>[^<]*</a> <span class="muted">\((\d+)\)', page)
        return int(listed.group(1)), page

    with counting_queries() as first:
        assert counts()[0] == 3
    with counting_queries() as again:
        assert counts()[0] == 3
    assert len(again) < len(first)  # the second view read its counts from the cache
    factories.feed_entry(source, title="Nota nueva", state="coverage", campaign=campaign.id)
    assert counts()[0] == 4
    FeedEntry.update(state="ignored").where(FeedEntry.title == "Nota 0").execute()
    assert counts()[0] == 3


def test_the_report_page_itself_changes_at_once_after_a_decision(app, world, login):
    """The rendered report is kept too (it is 130 KB at years of data): a new answer shows
    in the very next page, staff's and the shared one alike."""
    session = login("viewer")
    slug, people, items = world["campaign"].slug, world["people"], world["items"]
    path = f"/reports/campaigns/{slug}{QUERY}"

    def answers_on_the_page():
        page = session.get(path).get_data(as_text=True)
        return int(re.search(r"<dt>Consent answers</dt><dd>(\d+)</dd>", page).group(1))

    before = answers_on_the_page()
    assert answers_on_the_page() == before  # from the cache
    decide(app, people["bea"], items["bea"], "given", at((9, 20)), scope=json.dumps(
        {"attribution": "full_name", "channels": ["x"], "face": False, "valid_until": None}))
    assert answers_on_the_page() == before + 1
