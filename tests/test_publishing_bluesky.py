"""Publishing to a real Bluesky PDS (the reference implementation, tests/pds): the posts are
read back through the AT Protocol API, then taken down by a withdrawal.

One PDS for the whole session; skipped, saying why, only when Node is not installed."""

import json
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from amplify.db import utcnow
from amplify.items.models import Publication
from amplify.publishing import bluesky, changes, tasks
from amplify.publishing.models import RemotePost, Sending
from tests.pds import PDS, Unavailable
from tests.test_publishing import app, cleared, withdraw  # noqa: F401 (fixtures)


@pytest.fixture(scope="session")
def pds():
    try:
        server = PDS()
    except Unavailable as missing:
        pytest.skip(str(missing))
    yield server
    server.stop()


def get(pds, name, **query):
    """An XRPC query answered by the PDS itself (not through Amplify's code)."""
    try:
        with urllib.request.urlopen(f"{pds.url}/xrpc/{name}?{urlencode(query)}", timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


def records(pds):
    return get(pds, "com.atproto.repo.listRecords", repo=pds.did, collection=bluesky.POST, limit=100)[1]["records"]


def test_a_thread_goes_to_a_real_pds_as_written_and_comes_down_on_withdrawal(app, pds, cleared):  # noqa: F811
    with app.test_request_context():
        account = changes.connect_account("bluesky", "Sindicato", pds.url, "@" + pds.handle, pds.password)
    assert account.account_name == "@" + pds.handle and account.did == pds.did
    before = len(records(pds))
    text = ("¡Trabajo digno ya! — {%s} #C189 con @%s\n---\n"
            "Lee más: https://www.ilo.org/es/resource/conference-paper/convenio-189-trabajo-decente") % (
        cleared.maria.ref, pds.handle)
    item = cleared(text=text, channel="bluesky")
    with app.test_request_context():
        changes.send(changes.plan(item, account).id)
    sending = Sending.get()
    assert sending.state == "sent", sending.error
    first, second = list(sending.posts())
    assert len(records(pds)) == before + 2

    status, found = get(pds, "com.atproto.repo.getRecord", repo=pds.did, collection=bluesky.POST,
                        rkey=first.remote_key)
    post = found["value"]
    assert status == 200 and post["text"].startswith("¡Trabajo digno ya! — Flor del Valle #C189")
    assert post["langs"] == ["es"]
    assert post["embed"]["images"][0]["alt"] == "Trabajadoras del hogar en la marcha de Lima"
    raw = post["text"].encode()
    spans = {f["features"][0]["$type"].rsplit("#", 1)[1]: raw[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode()
             for f in post["facets"]}
    assert spans == {"tag": "#C189", "mention": "@" + pds.handle}  # byte offsets, after "¡" and "—"
    mention = next(f for f in post["facets"] if f["features"][0]["$type"].endswith("#mention"))
    assert mention["features"][0]["did"] == pds.did

    reply = get(pds, "com.atproto.repo.getRecord", repo=pds.did, collection=bluesky.POST,
                rkey=second.remote_key)[1]["value"]
    assert reply["reply"]["root"] == {"uri": first.uri, "cid": first.cid}
    assert reply["reply"]["parent"] == {"uri": first.uri, "cid": first.cid}
    link = reply["facets"][0]
    assert link["features"][0]["uri"] == "https://www.ilo.org/es/resource/conference-paper/convenio-189-trabajo-decente"
    shown = reply["text"].encode()[link["index"]["byteStart"]:link["index"]["byteEnd"]].decode()
    assert shown == "www.ilo.org/es/resource/…"  # as the app shows it, as the counter assumed
    assert Publication.get().url == f"https://bsky.app/profile/{pds.handle}/post/{first.remote_key}"

    # A worker killed after the PDS took the reply: the retry puts the same record again.
    RemotePost.update(uri="", cid="").where(RemotePost.id == second.id).execute()
    Sending.update(state="sending", claimed_at=utcnow() - timedelta(hours=1), publication=None).execute()
    Publication.delete().execute()
    with app.app_context():
        tasks.sweep()
    assert Sending.get().state == "sent" and len(records(pds)) == before + 2

    # The session Amplify kept ran out: it signs in again once, and goes on.
    bluesky._sessions[account.id] = (time.monotonic() + 600, "expired-token", pds.did)
    withdraw(app, cleared.maria, item)
    for post in (first, second):
        status, found = get(pds, "com.atproto.repo.getRecord", repo=pds.did, collection=bluesky.POST,
                            rkey=post.remote_key)
        assert status == 400 and found["error"] == "RecordNotFound"
    assert len(records(pds)) == before
    assert Publication.get().takedown_state == "taken_down"


def test_a_wrong_app_password_is_said_and_nothing_is_kept(app, pds):  # noqa: F811
    with app.test_request_context(), pytest.raises(changes.PublishError) as refused:
        changes.connect_account("bluesky", "Sindicato", pds.url, pds.handle, "wrong-wrong-wrong")
    assert refused.value.kind == "auth" and "app password" in str(refused.value.message)
