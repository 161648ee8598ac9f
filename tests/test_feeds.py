"""Feeds, fetched from a real local HTTP server (pytest-httpserver): formats, encodings,
hostile HTML, conditional GET, redirects, timeouts, size cap, private addresses,
de-duplication, and every inbox action."""

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR
from werkzeug import Response

from amplify.feeds.models import FeedEntry, FeedSource, PollJob

FEEDS = Path(__file__).parent / "feeds"
RSS = "application/rss+xml"


@pytest.fixture
def feeds_app(app):
    app.config["FEEDS_ALLOW_PRIVATE"] = True  # the test server is on 127.0.0.1
    return app


def serve(httpserver, name, path=None, content_type=RSS, **headers):
    path = path or f"/{name}"
    httpserver.expect_request(path).respond_with_data((FEEDS / name).read_bytes(), content_type=content_type,
                                                      headers=headers)
    return httpserver.url_for(path)


def poll_url(app, factories, url, **fields):
    from amplify.feeds.ingest import poll

    source = factories.feed_source(url=url, **fields)
    with app.app_context():
        added = poll(FeedSource.get_by_id(source.id))
    return FeedSource.get_by_id(source.id), added


@pytest.mark.parametrize("name, titles", [
    ("rss20.xml", {"El trabajo del hogar es trabajo: exigimos ratificar el C189",
                   "Asamblea nacional de trabajadoras del hogar", "Sin enlace ni identificador"}),
    ("rss091.xml", {"Boletín de octubre"}),
    ("atom.xml", {"Trabalho doméstico é trabalho"}),
    ("rdf.xml", {"Trabajadoras migrantes y el C189"}),
    ("latin1.xml", {"Trabajadoras del hogar en España: ¡C189 ya!"}),
])
def test_every_format_and_encoding_is_read(feeds_app, httpserver, factories, name, titles):
    source, added = poll_url(feeds_app, factories, serve(httpserver, name))
    assert {e.title for e in FeedEntry.select()} == titles and added == len(titles)
    assert source.last_error == "" and source.warning == "" and source.last_success_at is not None


def test_ill_formed_and_wrongly_encoded_feeds_are_kept_with_a_warning(feeds_app, httpserver, factories):
    source, added = poll_url(feeds_app, factories, serve(httpserver, "illformed.xml"))
    assert added >= 1 and "Diputadas debaten el Convenio 189 & la ley" in {e.title for e in FeedEntry.select()}
    assert "not well-formed" in source.warning and source.last_error == ""
    other, added = poll_url(feeds_app, factories, serve(httpserver, "wrong-encoding.xml"))
    titles = [e.title for e in FeedEntry.select().where(FeedEntry.source == other.id)]
    assert titles and "trabajo del hogar" in titles[0] and other.warning


def test_polling_again_adds_nothing_and_an_unchanged_feed_costs_a_304(feeds_app, httpserver, factories):
    from amplify.feeds.ingest import poll

    body = (FEEDS / "rss20.xml").read_bytes()
    url = httpserver.url_for("/feed")
    # First poll: no validators sent; the answer carries an ETag.
    httpserver.expect_oneshot_request("/feed").respond_with_data(body, content_type=RSS, headers={"ETag": '"v1"'})
    source, added = poll_url(feeds_app, factories, url)
    assert added == 3 and source.etag == '"v1"'
    httpserver.clear_all_handlers()
    httpserver.expect_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    with feeds_app.app_context():
        assert poll(FeedSource.get_by_id(source.id)) == 0
    assert FeedEntry.select().count() == 3 and FeedSource.get_by_id(source.id).last_error == ""
    assert httpserver.log[-1][0].headers["If-None-Match"] == '"v1"'
    # A server without validators: the same entries again are recognised (guid, link, else hash).
    httpserver.clear_all_handlers()
    httpserver.expect_request("/feed").respond_with_data(body, content_type=RSS)
    with feeds_app.app_context():
        assert poll(FeedSource.get_by_id(source.id)) == 0
    assert FeedEntry.select().count() == 3


def test_redirects_are_followed_up_to_the_limit(feeds_app, httpserver, factories):
    feed = serve(httpserver, "atom.xml", path="/final", content_type="application/atom+xml")
    httpserver.expect_request("/moved").respond_with_data("", status=301, headers={"Location": feed})
    source, added = poll_url(feeds_app, factories, httpserver.url_for("/moved"))
    assert added == 1
    for number in range(7):
        httpserver.expect_request(f"/loop{number}").respond_with_data(
            "", status=302, headers={"Location": f"/loop{number + 1}"})
    looping, added = poll_url(feeds_app, factories, httpserver.url_for("/loop0"))
    assert added == 0 and "Too many redirects" in looping.last_error and looping.failures == 1


def test_a_slow_server_times_out_and_the_source_backs_off(feeds_app, httpserver, factories):
    feeds_app.config["FEEDS_TIMEOUT"] = 0.3
    given_up = threading.Event()

    def slow(request):
        given_up.wait(30)  # no answer until the test has seen the client give up
        return Response((FEEDS / "rss20.xml").read_bytes(), content_type=RSS)

    httpserver.expect_request("/slow").respond_with_handler(slow)
    try:
        source, added = poll_url(feeds_app, factories, httpserver.url_for("/slow"), interval_minutes=30)
        assert added == 0 and "too long" in source.last_error and source.failures == 1
        assert source.next_fetch_at - source.last_fetch_at == timedelta(minutes=60)  # 30 min × 2¹
        from amplify.feeds.ingest import poll

        with feeds_app.app_context():
            poll(source)
        assert source.failures == 2 and source.next_fetch_at - source.last_fetch_at == timedelta(minutes=120)
    finally:
        given_up.set()


def test_oversized_feeds_are_refused_with_or_without_a_declared_length(feeds_app, httpserver, factories):
    feeds_app.config["FEEDS_MAX_BYTES"] = 1000
    big = b"<rss>" + b" " * 5000 + b"</rss>"
    httpserver.expect_request("/declared").respond_with_data(big, content_type=RSS)
    httpserver.expect_request("/streamed").respond_with_handler(
        lambda request: Response((big[i:i + 512] for i in range(0, len(big), 512)), content_type=RSS))
    for path in ("/declared", "/streamed"):
        source, added = poll_url(feeds_app, factories, httpserver.url_for(path))
        assert added == 0 and "larger than" in source.last_error, path


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.5", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
                                     "224.0.0.1"])
def test_private_loopback_link_local_and_metadata_addresses_are_refused(address):
    from amplify.feeds.fetch import forbidden

    assert forbidden(address)


@pytest.mark.parametrize("address", [
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b::a01:203",  # NAT64 to loopback, metadata, 10/8
    "64:ff9b:1::7f00:1", "64:ff9b:1:ab::808:808",  # NAT64 for local use: refused whole
    "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2002:c0a8:1::1",  # 6to4 of loopback, metadata, 192.168/16
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo: client 127.0.0.1
    "::127.0.0.1", "::a9fe:a9fe", "::ffff:0:127.0.0.1", "::ffff:0:a9fe:a9fe",  # compatible, translated
    "2600::5efe:7f00:1", "2600::200:5efe:a00:1",  # ISATAP interface identifiers
])
def test_ipv6_addresses_that_embed_a_private_ipv4_address_are_refused(address):
    from amplify.feeds.fetch import forbidden

    assert forbidden(address)


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8",
                                     "2600::200:5efe:808:808", "2606:4700::1111"])
def test_ipv6_addresses_that_embed_a_public_ipv4_address_pass(address):
    from amplify.feeds.fetch import forbidden

    assert not forbidden(address)


def test_a_nat64_literal_is_refused_before_any_request(app, factories, httpserver):
    source, added = poll_url(app, factories, "http://[64:ff9b::7f00:1]/feed.xml")
    assert added == 0 and "private network" in source.last_error
    sixtofour, _ = poll_url(app, factories, "http://[2002:a9fe:a9fe::1]/latest/meta-data/")
    assert "private network" in sixtofour.last_error and not httpserver.log


def test_fetching_a_private_address_is_refused_before_any_request(app, httpserver, factories):
    url = serve(httpserver, "rss20.xml")
    source, added = poll_url(app, factories, url)  # FEEDS_ALLOW_PRIVATE is off by default
    assert added == 0 and "private network" in source.last_error and not httpserver.log
    metadata, _ = poll_url(app, factories, "http://169.254.169.254/latest/meta-data/")
    assert "private network" in metadata.last_error
    named, _ = poll_url(app, factories, f"http://127.0.0.1:{httpserver.port}/other.xml")
    assert "private network" in named.last_error and not httpserver.log
    from amplify.feeds.fetch import forbidden

    assert not forbidden("93.184.216.34") and not forbidden("2606:4700::1111")


def test_only_http_and_https_sources(app, login):
    session = login("comms")
    for url in ("file:///etc/passwd", "ftp://example.org/feed", "gopher://x", "javascript:alert(1)",
                "https://user:pw@example.org/feed"):
        response = session.post("/feeds/sources/new", {"url": url, "kind": "movement", "interval_minutes": "60"})
        assert response.status_code == 400 and url.split(":")[0] in response.get_data(as_text=True), url
    assert FeedSource.select().count() == 0


def test_hostile_html_never_reaches_the_staff_browser(feeds_app, httpserver, factories, login):
    source, added = poll_url(feeds_app, factories, serve(httpserver, "hostile.xml"))
    entry = FeedEntry.get()
    assert entry.link == ""  # a javascript: link is dropped
    session = login("comms")
    for path in ("/feeds/", f"/feeds/entries/{entry.id}", f"/feeds/sources/{source.id}"):
        page = session.get(path).get_data(as_text=True).lower()
        body = page.split("<main", 1)[1]
        for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "<style", "<iframe", "<svg on",
                    "<object", "<form action=\"https://evil", "tracker.example.net", "position:fixed",
                    "alert(1)", "<img"):
            assert bad not in body, (path, bad)
    page = session.get(f"/feeds/entries/{entry.id}").get_data(as_text=True)
    assert 'href="https://ok.example.org/nota"' in page and 'rel="noopener noreferrer nofollow"' in page
    assert "Hola" in page


def test_keywords_are_marked_and_high_risk_names_flagged(feeds_app, httpserver, factories, login):
    factories.activist("María Quispe", risk_level="high")
    campaign = factories.campaign(hashtags=["#TrabajoDigno"])
    poll_url(feeds_app, factories, serve(httpserver, "rss20.xml"), campaigns=[campaign])
    flagged = FeedEntry.get(FeedEntry.title == "Asamblea nacional de trabajadoras del hogar")
    assert flagged.high_risk == ["María Quispe"]
    matched = FeedEntry.get(FeedEntry.guid == "sindicato-2026-001")
    assert "trabajodigno" in matched.matched
    page = login("comms").get("/feeds/").get_data(as_text=True)
    assert "<mark>TrabajoDigno</mark>" in page and "Names a person at high risk" in page


def test_every_inbox_action(feeds_app, httpserver, factories, login):
    from amplify.campaigns.models import MessageVariant
    from amplify.items.models import Item, ItemPerson

    org = factories.organization("Sindicato del Valle")
    maria = factories.activist("María Quispe", organization=org.id)
    campaign = factories.campaign("Trabajo digno")
    source, _ = poll_url(feeds_app, factories, serve(httpserver, "rss20.xml"), organization=org,
                         campaigns=[campaign])
    monitoring, _ = poll_url(feeds_app, factories, serve(httpserver, "atom.xml", path="/press"), kind="monitoring")
    session = login("comms")
    statement = FeedEntry.get(FeedEntry.title == "Asamblea nacional de trabajadoras del hogar")
    # Amplify: a draft item in the organization's words, attributed, with the person it names.
    bad = session.post(f"/feeds/entries/{statement.id}/amplify", {"a-campaign": "999", "a-channel": "x",
                                                                  "a-language": "es"})
    assert bad.status_code == 400 and Item.select().count() == 0
    made = session.post(f"/feeds/entries/{statement.id}/amplify", {"a-campaign": str(campaign.id),
                                                                   "a-channel": "mastodon", "a-language": "es"})
    item = Item.get()
    assert made.status_code == 302 and f"/items/{item.id}/edit" in made.headers["Location"]
    assert item.text.startswith("Sindicato del Valle: «Asamblea nacional") and item.composed_text == item.text
    assert item.state == "draft" and [p.activist_id for p in ItemPerson.select()] == [maria.id]
    assert FeedEntry.get_by_id(statement.id).state == "amplified"
    # Media coverage is logged, never amplified as if it were the movement's voice.
    press = FeedEntry.get(FeedEntry.source == monitoring.id)
    refused = session.post(f"/feeds/entries/{press.id}/amplify", {"a-campaign": str(campaign.id),
                                                                  "a-channel": "x", "a-language": "es"})
    assert refused.status_code == 400 and Item.select().count() == 1
    # Propose as message: a proposed variant for the spokespeople.
    proposal = FeedEntry.get(FeedEntry.guid == "sindicato-2026-001")
    assert session.post(f"/feeds/entries/{proposal.id}/propose", {"p-campaign": str(campaign.id),
                                                                  "p-language": "es"}).status_code == 302
    variant = MessageVariant.get()
    assert variant.state == "proposed" and variant.evidence_source == proposal.link
    # Log as coverage, ignore; in bulk too.
    assert session.post(f"/feeds/entries/{press.id}/coverage", {"campaign": str(campaign.id)}).status_code == 302
    last = FeedEntry.get(FeedEntry.title == "Sin enlace ni identificador")
    assert session.post(f"/feeds/entries/{last.id}/ignore", {}).status_code == 302
    assert {e.state for e in FeedEntry.select()} == {"amplified", "proposed", "coverage", "ignored"}
    page = session.get(f"/feeds/coverage?campaign={campaign.slug}").get_data(as_text=True)
    assert "Trabalho doméstico é trabalho" in page and "<svg" in page
    assert login("viewer").post(f"/feeds/entries/{last.id}/ignore", {}).status_code == 403


def test_bulk_actions(feeds_app, httpserver, factories, login):
    campaign = factories.campaign("Trabajo digno")
    poll_url(feeds_app, factories, serve(httpserver, "rss20.xml"))
    ids = [str(e.id) for e in FeedEntry.select()]
    session = login("comms")
    no_campaign = session.post("/feeds/entries/bulk", {"entry": ids[:2], "action": "coverage", "campaign": ""})
    assert no_campaign.status_code == 302 and not FeedEntry.select().where(FeedEntry.state != "new").exists()
    session.post("/feeds/entries/bulk", {"entry": ids[:2], "action": "coverage", "campaign": str(campaign.id)})
    session.post("/feeds/entries/bulk", {"entry": ids[2:], "action": "ignore"})
    states = sorted(e.state for e in FeedEntry.select())
    assert states == ["coverage", "coverage", "ignored"]


def test_sources_pause_delete_and_opml_round_trip(feeds_app, factories, login):
    import io

    session = login("comms")
    assert "[]" not in session.get("/feeds/sources/new").get_data(as_text=True).split('id="keywords"')[1][:80]
    response = session.post("/feeds/sources/new", {"url": "https://sindicato.example.org/feed", "kind": "movement",
                                                   "interval_minutes": "30", "keywords": "C189\nTrabajo digno"})
    source = FeedSource.get()
    assert response.status_code == 302 and source.keywords == ["C189", "Trabajo digno"]
    twice = session.post("/feeds/sources/new", {"url": "https://sindicato.example.org/feed", "kind": "movement",
                                                "interval_minutes": "30"})
    assert twice.status_code == 400 and FeedSource.select().count() == 1
    session.post(f"/feeds/sources/{source.id}/pause", {})
    assert FeedSource.get().paused
    opml = session.get("/feeds/sources.opml").data
    assert b'xmlUrl="https://sindicato.example.org/feed"' in opml
    session.post(f"/feeds/sources/{source.id}/delete", {})
    assert FeedSource.select().count() == 0
    imported = session.post("/feeds/sources/import", {"kind": "monitoring", "file": (io.BytesIO(opml), "f.opml")},
                            content_type="multipart/form-data")
    assert imported.status_code == 302 and FeedSource.get().kind == "movement"  # the category was kept
    evil = b'<?xml version="1.0"?><!--' + b"x" * 10000 + b'--><!DOCTYPE opml [<!ENTITY x "y">]><opml><body/></opml>'
    refused = session.post("/feeds/sources/import", {"kind": "movement", "file": (io.BytesIO(evil), "e.opml")},
                           content_type="multipart/form-data")
    assert refused.status_code == 400 and "DTD" in refused.get_data(as_text=True)
    junk = session.post("/feeds/sources/import", {"kind": "movement", "file": (io.BytesIO(b"not xml"), "j.opml")},
                        content_type="multipart/form-data")
    assert junk.status_code == 400 and FeedSource.select().count() == 1


def test_poll_now_shows_progress_to_the_end(feeds_app, httpserver, factories, login):
    factories.feed_source(url=serve(httpserver, "rss20.xml"))
    httpserver.expect_request("/missing").respond_with_data("gone", status=404)
    factories.feed_source(url=httpserver.url_for("/missing"))
    session = login("comms")
    response = session.post("/feeds/poll", {})
    job = PollJob.get()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/feeds/poll/{job.id}")
    assert job.done == 2 and job.added == 3 and job.failed == 1 and job.finished_at
    page = session.get(f"/feeds/poll/{job.id}").get_data(as_text=True)
    assert '<progress id="poll-bar" max="2" value="2">' in page and "status 404" in page
    fragment = session.get(f"/feeds/poll/{job.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.startswith('<div id="progress"') and "hx-trigger" not in fragment


def test_progress_of_an_unfinished_poll_refreshes_itself(app, login):
    from amplify.db import utcnow

    job = PollJob.create(total=4, done=1, source_ids=["1", "2", "3", "4"])
    session = login("viewer")
    page = session.get(f"/feeds/poll/{job.id}").get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page and '<meta http-equiv="refresh" content="2">' in page
    assert "worker may not be running" not in page
    waiting = PollJob.create(total=2, done=0, source_ids=["1", "2"], created_at=utcnow() - timedelta(minutes=2))
    assert "worker may not be running" in session.get(f"/feeds/poll/{waiting.id}").get_data(as_text=True)


def test_cli_adds_and_polls(feeds_app, httpserver, runner_for, factories):
    runner = runner_for(feeds_app)
    url = serve(httpserver, "rss20.xml")
    result = runner.invoke(args=["feeds", "add", url, "--kind", "movement"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(args=["feeds", "add", "ftp://x.example.org/f", "--kind", "movement"])
    assert bad.exit_code != 0 and "http" in bad.output
    polled = runner.invoke(args=["feeds", "poll", "--all"])
    assert polled.exit_code == 0 and "3 new" in polled.output and "1 source(s), 0 failed" in polled.output
    again = runner.invoke(args=["feeds", "poll", "--all"])
    assert "0 new" in again.output and FeedEntry.select().count() == 3


def test_a_worker_thread_runs_poll_now_in_the_background(make_app, httpserver, factories):
    """The real queue (SQLite in the instance folder) and a real consumer thread, as
    `amplify run` starts it: the job is done by the worker, not by the request."""
    from amplify.feeds import tasks

    app = make_app(JOBS_IMMEDIATE=False, FEEDS_ALLOW_PRIVATE=True)
    source = factories.feed_source(url=serve(httpserver, "rss20.xml"))
    # Not due yet, so the minute's scheduled poll (which the consumer may start first) leaves
    # it to "poll now": otherwise both fetch it and the job rightly finds nothing new.
    from amplify.db import utcnow
    FeedSource.update(next_fetch_at=utcnow() + timedelta(hours=1)).where(FeedSource.id == source.id).execute()
    job = PollJob.create(total=1, source_ids=[str(source.id)])
    ran, queued = threading.Event(), []

    def on_done(signal, task, *args, **kwargs):
        if task.id in queued:  # not a periodic task that happened to run first
            ran.set()

    tasks.huey.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)(on_done)
    with app.app_context():
        queued.append(tasks.poll_job(job.id).id)  # enqueued: nothing runs yet
        assert PollJob.get_by_id(job.id).done == 0 and not httpserver.log
        consumer = tasks.start_in_process()
    try:
        assert ran.wait(120), "the worker did not run the job"  # told by the worker, not polled
    finally:
        consumer.stop(graceful=True)
        tasks.huey.disconnect_signal(on_done, SIGNAL_COMPLETE, SIGNAL_ERROR)
    finished = PollJob.get_by_id(job.id)
    assert finished.finished_at and finished.added == 3 and FeedEntry.select().count() == 3
    assert len(httpserver.log) == 1


def test_the_schedule_polls_only_active_sources_that_are_due(feeds_app, httpserver, factories):
    from amplify.db import utcnow
    from amplify.feeds import tasks

    due = factories.feed_source(url=serve(httpserver, "rss20.xml"))
    paused = factories.feed_source(url=serve(httpserver, "atom.xml"), paused=True)
    later = factories.feed_source(url=serve(httpserver, "rdf.xml"))
    FeedSource.update(next_fetch_at=utcnow() + timedelta(minutes=30)).where(FeedSource.id == later.id).execute()
    with feeds_app.app_context():
        assert tasks.poll_due() == 3
    polled = {e.source_id for e in FeedEntry.select()}
    assert polled == {due.id} and FeedSource.get_by_id(paused.id).last_fetch_at is None
    again = FeedSource.get_by_id(due.id)
    assert again.next_fetch_at - again.last_fetch_at == timedelta(minutes=60)  # its interval
    with feeds_app.app_context():
        assert tasks.poll_due() == 0  # nothing is due any more


def test_amplify_goes_through_the_composer(app, login, factories):
    from amplify.items.models import Item
    from amplify.platforms import check

    org = factories.organization("Sindicato del Valle")
    campaign = factories.campaign("Trabajo digno", hashtags=["#TrabajoDigno"])
    source = factories.feed_source(organization=org, campaigns=[campaign])
    long_text = "Exigimos la ratificación del Convenio 189 y su aplicación efectiva. " * 20
    entry = factories.feed_entry(source, title="Comunicado de la asamblea nacional", text=long_text,
                                 link="https://sindicato.example.org/comunicados/asamblea")
    response = login("comms").post(f"/feeds/entries/{entry.id}/amplify", {
        "a-campaign": str(campaign.id), "a-channel": "x", "a-language": "es"})
    item = Item.get()
    assert response.status_code == 302 and item.kind == "post"
    assert check(item.text, "x").fits  # the short form, since the statement is too long for X
    assert item.text.startswith("Sindicato del Valle: «Comunicado de la asamblea nacional»")
    assert "https://sindicato.example.org/comunicados/asamblea" in item.text and "#TrabajoDigno" in item.text


def test_editing_a_source_and_resuming_it(feeds_app, factories, login):
    source = factories.feed_source(url="https://sindicato.example.org/feed", paused=True)
    FeedSource.update(etag='"v9"', next_fetch_at=None).where(FeedSource.id == source.id).execute()
    session = login("comms")
    form = session.get(f"/feeds/sources/{source.id}/edit").get_data(as_text=True)
    assert 'value="https://sindicato.example.org/feed"' in form
    saved = session.post(f"/feeds/sources/{source.id}/edit", {
        "url": "https://sindicato.example.org/nuevo.xml", "kind": "monitoring", "interval_minutes": "15",
        "keywords": "huelga", "paused": "y"})
    edited = FeedSource.get_by_id(source.id)
    assert saved.status_code == 302 and edited.url.endswith("nuevo.xml") and edited.kind == "monitoring"
    assert edited.etag == "" and edited.keywords == ["huelga"] and edited.interval_minutes == 15  # a new address starts afresh
    bad = session.post(f"/feeds/sources/{source.id}/edit", {"url": "https://x.example.org/f", "kind": "movement",
                                                           "interval_minutes": "1"})
    assert bad.status_code == 400 and FeedSource.get_by_id(source.id).interval_minutes == 15
    assert session.post(f"/feeds/sources/{source.id}/resume", {}).status_code == 302
    resumed = FeedSource.get_by_id(source.id)
    assert not resumed.paused and resumed.next_fetch_at is not None


class TricklingServer:
    """A raw HTTP server that sends one byte every ``gap`` seconds — of its headers or of
    its body — for at most ``length`` seconds: no read ever times out. It notes when the
    client went away."""

    def __init__(self, in_headers=False, gap=0.02, length=8.0):
        import socket
        import threading

        self.in_headers, self.gap, self.length = in_headers, gap, length
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.gone_at = None
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        connection, _ = self.listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                               + (b"" if self.in_headers else b"\r\n"))
            started = time.monotonic()
            try:
                while time.monotonic() - started < self.length:
                    connection.sendall(b"X-Slow: 1\r\n" if self.in_headers else b" ")
                    time.sleep(self.gap)
            except OSError:
                pass
            self.gone_at = time.monotonic()

    def close(self):
        self.thread.join()
        self.listener.close()


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_a_server_that_trickles_is_cut_at_the_total_deadline(in_headers):
    from amplify.feeds.fetch import FetchError, Limits, fetch

    server = TricklingServer(in_headers=in_headers, gap=0.05)  # 100 header lines (the most http.client reads) take 5 s
    started = time.monotonic()
    with pytest.raises(FetchError) as refused:
        fetch(f"http://127.0.0.1:{server.port}/feed", limits=Limits(timeout=5, total=0.5, allow_private=True))
    assert time.monotonic() - started < 4  # the server would trickle for 8 s
    assert "too long" in str(refused.value.message)
    server.close()
    assert server.gone_at - started < 4


def test_one_slow_source_does_not_hold_up_the_others(feeds_app, httpserver, factories):
    from amplify.feeds.ingest import poll_many

    feeds_app.config["FEEDS_DEADLINE"] = 1.0
    server = TricklingServer(length=8.0)
    slow = factories.feed_source(url=f"http://127.0.0.1:{server.port}/feed")  # first in line
    arrivals = []

    def answer(request):
        arrivals.append(time.monotonic())
        return Response((FEEDS / "rss20.xml").read_bytes(), content_type=RSS)

    httpserver.expect_request("/fast").respond_with_handler(answer)
    fast = [factories.feed_source(url=httpserver.url_for("/fast") + f"?n={n}") for n in range(3)]
    stored = []
    with feeds_app.app_context():
        poll_many([FeedSource.get_by_id(s.id) for s in [slow] + fast],
                  done=lambda source, added: stored.append((source.id, time.monotonic())))
    server.close()
    assert "too long" in FeedSource.get_by_id(slow.id).last_error
    assert all(FeedSource.get_by_id(s.id).last_success_at for s in fast)
    # The fast feeds were fetched and stored while the slow one was still trickling.
    assert len(arrivals) == 3 and max(arrivals) < server.gone_at
    assert [source_id for source_id, _ in stored][-1] == slow.id
    assert all(when < server.gone_at for source_id, when in stored if source_id != slow.id)


def test_polling_due_sources_cannot_overlap(feeds_app, factories):
    from huey.exceptions import TaskLockedException

    from amplify.feeds.tasks import WORKERS, huey, poll_due_sources

    assert WORKERS >= 2  # the morning work and "poll now" never wait behind polling
    with huey.lock_task("poll-due-sources"):
        with pytest.raises(TaskLockedException):
            poll_due_sources.call_local()
