"""Direct publishing to Mastodon (against tests/fake_mastodon.py) and what every network
shares: consent asked at the moment of sending, never twice, take-down by itself."""

import re
from datetime import timedelta

import pytest

from amplify.audit.models import AuditEvent
from amplify.consent import ledger
from amplify.db import utcnow
from amplify.items.models import Item, Publication
from amplify.publishing import changes, tasks
from amplify.publishing.models import Account, RemotePost, Sending
from tests.conftest import csrf_token
from tests.fake_mastodon import TOKEN, FakeMastodon


@pytest.fixture
def app(make_app):
    return make_app(FEEDS_ALLOW_PRIVATE=True)  # the fake server is on loopback


@pytest.fixture
def mastodon(httpserver):
    return FakeMastodon(httpserver)


@pytest.fixture
def account(app, mastodon):
    with app.test_request_context():
        return changes.connect_account("mastodon", "Sindicato", mastodon.url, "", TOKEN)


@pytest.fixture
def cleared(app, factories):
    """A cleared thread on Mastodon, naming María, with a photo and its alt text."""
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle")
    campaign = factories.campaign()

    def make(text=None, kind="thread", image=True, channel="mastodon"):
        from amplify.items.changes import save_item

        item = factories.item(campaign, people=[(maria, "quoted", None)], channel=channel, kind=kind,
                              text=text or f"«El trabajo del hogar es trabajo» — {{{maria.ref}}} #C189\n---\n"
                                           "Más: https://www.ilo.org/es/convenio-189")
        if image:
            with app.app_context():
                asset = factories.image()
                save_item(Item.get_by_id(item.id), people=[(maria.id, "quoted", None)], variant_ids=[],
                          images=[(asset.id, "Trabajadoras del hogar en la marcha de Lima")])
        item = factories.send(Item.get_by_id(item.id))
        with app.app_context():
            ledger.record_decision(maria, "item", item, item.content_hash, "given", method="review_page",
                                   scope={"channels": [channel], "attribution": "pseudonym"})
        return Item.get_by_id(item.id)

    make.maria = maria
    return make


def withdraw(app, person, item):
    with app.app_context():
        ledger.record_decision(person, "item", Item.get_by_id(item.id), item.content_hash, "withdrawn",
                               method="review_page")


def test_an_admin_connects_an_account_whose_secret_is_never_shown_again(app, login, mastodon):
    admin = login("admin")
    page = admin.post("/publishing/accounts/new", data={
        "network": "mastodon", "label": "Sindicato", "server_url": mastodon.url, "secret": "wrong"})
    assert page.status_code == 400 and "The connection failed" in page.get_data(as_text=True)
    assert Account.select().count() == 0  # nothing kept when the server said no

    page = admin.post("/publishing/accounts/new", data={
        "network": "mastodon", "label": "Sindicato", "server_url": mastodon.url, "secret": TOKEN},
        follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Connected as @sindicato" in text and TOKEN not in text
    stored = Account.get()
    assert stored.secret and TOKEN not in stored.secret and stored.max_characters == 500
    assert not any(TOKEN in e.summary for e in AuditEvent.select())
    assert "Test the connection" in text
    assert admin.get("/publishing/accounts/new").status_code == 200
    assert login("comms").get("/publishing/accounts/new").status_code == 403


def test_a_server_that_is_not_https_or_is_private_is_refused(app, login):
    app.config["FEEDS_ALLOW_PRIVATE"] = False  # the guard on, as in production
    admin = login("admin")
    for url, said in (("http://social.example.org", "must start with https://"),
                      ("https://127.0.0.1:9", "private network")):
        page = admin.post("/publishing/accounts/new", data={
            "network": "mastodon", "label": "X", "server_url": url, "secret": "t"})
        assert page.status_code == 400 and said in page.get_data(as_text=True)
    assert Account.select().count() == 0


def test_publish_now_sends_the_thread_with_its_photo_alt_text_and_language(app, login, mastodon, account,
                                                                           cleared):
    item = cleared()
    page = login("comms").post(f"/publishing/items/{item.id}/send", data={"account": account.id, "when": "now"},
                               follow_redirects=True)
    assert "Sent to the worker" in page.get_data(as_text=True)
    first, second = sorted(mastodon.posts(), key=lambda s: s["id"])
    assert "Flor del Valle" in first["content"] and "María" not in first["content"]
    assert first["language"] == "es" and first["visibility"] == "public"
    assert first["media_attachments"][0]["description"] == "Trabajadoras del hogar en la marcha de Lima"
    assert second["in_reply_to_id"] == first["id"] and not second["media_attachments"]
    publication = Publication.get()
    assert publication.url == first["url"] and publication.channel == "mastodon"
    assert Item.get_by_id(item.id).state == "published"
    assert Sending.get().state == "sent"
    audit = login("admin").get("/audit/").get_data(as_text=True)
    assert "for direct publishing" in audit and "connected a publishing account" in audit
    assert TOKEN not in audit


def test_consent_is_asked_again_at_the_moment_of_sending(app, login, mastodon, account, cleared):
    item = cleared(kind="post", image=False, text="Hola {%s}" % cleared.maria.ref)
    later = (utcnow() + timedelta(hours=2)).replace(tzinfo=None)
    planned = login("comms").post(f"/publishing/items/{item.id}/send", data={
        "account": account.id, "when": "later", "planned_at": later.strftime("%Y-%m-%dT%H:%M")})
    assert planned.status_code == 302
    sending = Sending.get()
    assert sending.state == "planned" and not mastodon.posts()
    withdraw(app, cleared.maria, item)
    Sending.update(planned_at=utcnow() - timedelta(minutes=1)).execute()  # its time came
    with app.app_context():
        tasks.sweep()
    sending = Sending.get()
    assert sending.state == "refused" and "Withdrew their consent" in sending.error
    assert not mastodon.posts() and not any(m == "POST" for m, _ in mastodon.requests[2:])
    comms = login("comms")
    for page in (f"/publishing/items/{item.id}/send", f"/items/{item.id}", "/publishing/"):
        assert "Withdrew their consent" in comms.get(page).get_data(as_text=True), page


class Killed(BaseException):
    """The worker process dies (kill -9) at this point."""


def test_a_retry_after_a_crash_never_posts_twice(app, mastodon, account, cleared, monkeypatch):
    item = cleared(image=False)
    saving = RemotePost.save

    def killed_after_the_server_answered(post, *args, **kwargs):
        if post.uri:
            raise Killed()
        return saving(post, *args, **kwargs)

    with app.test_request_context():
        sending = changes.plan(item, account)
        monkeypatch.setattr(RemotePost, "save", killed_after_the_server_answered)
        with pytest.raises(Killed):
            changes.send(sending.id)
        monkeypatch.setattr(RemotePost, "save", saving)
    assert len(mastodon.posts()) == 1 and Sending.get().state == "sending"
    assert RemotePost.get(RemotePost.position == 0).uri == ""  # the answer was lost with the worker
    with app.app_context():
        assert tasks.sweep() == (0, 0)  # another worker's claim is respected for a while
        Sending.update(claimed_at=utcnow() - timedelta(hours=1)).execute()
        assert tasks.sweep() == (1, 0)
    assert len(mastodon.posts()) == 2  # the Idempotency-Key brought back the same first status
    first, second = sorted(mastodon.posts(), key=lambda s: s["id"])
    assert second["in_reply_to_id"] == first["id"]
    assert Sending.get().state == "sent" and Publication.select().count() == 1


def test_a_failed_send_is_retried_later_and_said(app, mastodon, account, cleared):
    item = cleared(image=False)
    mastodon.fail_posts = 1
    with app.test_request_context():
        sending = changes.plan(item, account)
        changes.send(sending.id)
    sending = Sending.get()
    assert sending.state == "planned" and "tries again later" in sending.error
    assert sending.next_try_at > utcnow()
    with app.app_context():
        assert changes.send(sending.id) is None  # not due yet
        Sending.update(next_try_at=utcnow()).execute()
        changes.send(sending.id)
    assert Sending.get().state == "sent" and len(mastodon.posts()) == 2


def test_a_post_longer_than_the_server_allows_is_not_sent(app, httpserver, cleared):
    small = FakeMastodon(httpserver, max_characters=20)
    with app.test_request_context():
        account = changes.connect_account("mastodon", "Pequeño", small.url, "", TOKEN)
        assert account.max_characters == 20
        sending = changes.plan(cleared(image=False), account)
        changes.send(sending.id)
    sending = Sending.get()
    assert sending.state == "failed" and "longer than this server allows (20" in sending.error
    assert not small.posts()


def test_her_withdrawal_takes_the_posts_down_and_her_page_says_when(app, login, mastodon, account, cleared,
                                                                    factories):
    item = cleared()
    with app.test_request_context():
        changes.send(changes.plan(item, account).id)
    assert len(mastodon.posts()) == 2
    mastodon.rate_limited = 1  # the first deletion meets the rate limit
    _link, token = factories.link(cleared.maria)
    her = app.test_client()
    withdrawal = f"/r/{token}/items/{item.id}/withdraw"
    assert her.post(withdrawal, data={"csrf_token": csrf_token(her, withdrawal)}).status_code == 302
    waiting = RemotePost.select().where(RemotePost.state == "deleting").count()
    assert waiting >= 1 and len(mastodon.posts()) >= 1
    queue = login("comms").get("/consent/takedowns").get_data(as_text=True)
    assert "Automatic take-down" in queue and "rate limit" in queue
    retry = RemotePost.get(RemotePost.state == "deleting").next_try_at
    assert timedelta(seconds=100) < retry - utcnow() <= timedelta(seconds=121)  # Retry-After: 120
    RemotePost.update(next_try_at=utcnow()).execute()
    with app.app_context():
        tasks.sweep()
    assert not mastodon.posts() and len(mastodon.deleted) == 2
    publication = Publication.get()
    assert publication.takedown_state == "taken_down" and publication.taken_down_at
    assert Item.get_by_id(item.id).state == "taken_down"
    assert {p.state for p in RemotePost.select()} == {"deleted"}
    assert "Quitado el" in her.get(f"/r/{token}").get_data(as_text=True)  # her page, in Spanish


def test_a_revoked_token_flags_the_account_on_the_start_page(app, login, mastodon, account, cleared):
    item = cleared(image=False)
    mastodon.token = "another"  # revoked
    with app.test_request_context():
        changes.send(changes.plan(item, account).id)
    sending = Sending.get()
    assert sending.state == "failed" and "refused the account's credentials" in sending.error
    assert Account.get().broken_at is not None
    home = login("viewer").get("/").get_data(as_text=True)
    assert re.search(r"The connected account Sindicato stopped working", home)
    assert "1 sending was not published this week: see why." in home
    admin = login("admin")
    mastodon.token = TOKEN
    page = admin.post(f"/publishing/accounts/{account.id}/test", follow_redirects=True).get_data(as_text=True)
    assert "The connection works: @sindicato" in page
    assert Account.get().broken_at is None


def test_only_a_cleared_item_on_the_accounts_network_can_be_planned(app, login, mastodon, account, factories,
                                                                   cleared):
    campaign = factories.campaign()
    draft = factories.item(campaign, channel="mastodon", text="Borrador")
    page = login("comms").post(f"/publishing/items/{draft.id}/send", data={"account": account.id, "when": "now"},
                               follow_redirects=True)
    assert "Only a cleared item can be published." in page.get_data(as_text=True)
    assert Sending.select().count() == 0
    item = cleared(image=False)
    later = login("comms").post(f"/publishing/items/{item.id}/send", data={"account": account.id,
                                                                           "when": "later"})
    assert later.status_code == 400 and "Give the date and time" in later.get_data(as_text=True)
    assert Sending.select().count() == 0
    bluesky_item = cleared(image=False, channel="bluesky")
    with app.test_request_context(), pytest.raises(changes.NotAllowed):
        changes.plan(bluesky_item, account)


def test_bluesky_facets_sit_at_utf8_byte_offsets_of_the_text_as_shown():
    from amplify.publishing import bluesky

    text, facets = bluesky.rich_text(
        "¡Ñandú! 🇵🇪 #TrabajoDigno con @ana.example.org: https://www.ilo.org/es/un-camino-muy-largo-de-verdad.",
        resolve_handle=lambda handle: "did:plc:ana" if handle == "ana.example.org" else None)
    assert text.endswith("www.ilo.org/es/un-camino….")
    raw = text.encode()
    found = [(f["features"][0]["$type"].rsplit("#", 1)[1], raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode())
             for f in facets]
    assert found == [("tag", "#TrabajoDigno"), ("mention", "@ana.example.org"),
                     ("link", "www.ilo.org/es/un-camino…")]
    assert facets[2]["features"][0]["uri"] == "https://www.ilo.org/es/un-camino-muy-largo-de-verdad"
    assert facets[1]["features"][0]["did"] == "did:plc:ana"
    assert bluesky.rich_text("sin @nadie.example.org", resolve_handle=lambda h: None)[1] == []


def test_record_keys_are_tids():
    from amplify.publishing import bluesky

    keys = [bluesky.new_tid() for _ in range(50)]
    assert all(re.fullmatch(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}", k) for k in keys)
    assert len(set(keys)) == 50


def test_how_long_to_wait_is_read_from_each_networks_headers():
    from amplify.publishing.transport import Answer

    soon = utcnow() + timedelta(seconds=90)
    assert Answer(429, {"retry-after": "30"}).retry_after() == 30
    assert 85 <= Answer(429, {"x-ratelimit-reset": soon.isoformat().replace("+00:00", "Z")}).retry_after() <= 90
    assert 85 <= Answer(429, {"ratelimit-reset": str(int(soon.timestamp()))}).retry_after() <= 90
    assert Answer(429, {}).retry_after() is None


def test_a_planned_time_that_has_passed_is_refused(app, login, mastodon, account, cleared):
    item = cleared(image=False)
    page = login("comms").post(f"/publishing/items/{item.id}/send", data={
        "account": account.id, "when": "later", "planned_at": "2020-01-01T10:00"})
    assert page.status_code == 400 and "This time has already passed." in page.get_data(as_text=True)
    assert Sending.select().count() == 0 and not mastodon.posts()


def test_a_token_without_the_write_scope_is_said_plainly(app, mastodon, account, cleared):
    mastodon.may_write = False
    with app.test_request_context():
        changes.send(changes.plan(cleared(image=False), account).id)
    sending = Sending.get()
    assert sending.state == "failed" and "lacks a permission" in sending.error
    assert "outside the authorized scopes" in sending.error and not mastodon.posts()


def test_any_take_down_required_is_carried_out_by_the_minutes_sweep(app, mastodon, account, cleared):
    """Not only a withdrawal: whatever puts a publication in the take-down queue (staff's
    "protect now", for one) has the worker delete its posts."""
    from amplify.items.changes import require_takedown

    item = cleared(image=False)
    with app.test_request_context():
        changes.send(changes.plan(item, account).id)
        require_takedown(Item.get_by_id(item.id))
        assert tasks.sweep() == (0, 1)
    assert not mastodon.posts() and Publication.get().takedown_state == "taken_down"


def test_an_account_with_posts_online_cannot_be_disconnected(app, login, mastodon, account, cleared):
    item = cleared(image=False)
    with app.test_request_context():
        changes.send(changes.plan(item, account).id)
    admin = login("admin")
    page = admin.post(f"/publishing/accounts/{account.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "still online" in page and Account.select().count() == 1
    withdraw(app, cleared.maria, item)
    page = admin.post(f"/publishing/accounts/{account.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "disconnected and its secret forgotten" in page and Account.select().count() == 0
    assert Publication.get().takedown_state == "taken_down"  # the log of what went out stays


def test_a_post_the_server_refuses_is_said_with_its_reason(app, mastodon, account, cleared):
    mastodon.max_characters = 20  # the server lowered its limit since the account was tested
    with app.test_request_context():
        changes.send(changes.plan(cleared(image=False), account).id)
    sending = Sending.get()
    assert sending.state == "failed" and "status 422" in sending.error
    assert "Text character limit of 20 exceeded" in sending.error


def test_a_server_that_cannot_be_reached_is_tried_again_later(app, mastodon, account, cleared):
    from tests.pds import free_port

    Account.update(server_url=f"http://127.0.0.1:{free_port()}").execute()  # nothing listens there
    with app.test_request_context():
        changes.send(changes.plan(cleared(image=False), Account.get()).id)
    sending = Sending.get()
    assert sending.state == "planned" and "could not be reached" in sending.error
    assert sending.next_try_at > utcnow() and Account.get().broken_at is None


def test_an_answer_that_is_not_a_status_is_retried_then_given_up(app, mastodon, account, cleared):
    mastodon.garbled = True
    with app.test_request_context():
        sending = changes.plan(cleared(image=False), account)
        for _ in range(changes.SEND_ATTEMPTS):
            Sending.update(next_try_at=None).execute()
            changes.send(sending.id)
    sending = Sending.get()
    assert sending.state == "failed" and sending.attempts == changes.SEND_ATTEMPTS
    assert "answer was not understood" in sending.error and Publication.select().count() == 0
