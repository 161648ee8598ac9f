"""Bluesky (AT Protocol) in plain HTTP XRPC: a session from the handle and app password,
``uploadBlob`` for images, ``putRecord`` with a record key chosen before sending (a retry
lands on the same record), ``deleteRecord`` and ``getRecord`` to take down and confirm.

Plain HTTP rather than the ``atproto`` SDK for the same reason as Mastodon: each request
goes through ``transport.call`` and its guard; the SDK brings its own HTTP stack.
"""

import random
import time
from datetime import timezone

import regex
from flask_babel import lazy_gettext as _l

from amplify.db import utcnow
from amplify.platforms import measure
from amplify.publishing.errors import PublishError
from amplify.publishing.transport import call

DEFAULT_PDS = "https://bsky.social"
POST = "app.bsky.feed.post"
MAX_GRAPHEMES, MAX_BYTES = 300, 3000
MAX_IMAGE_BYTES = 1_000_000
SESSION_SECONDS = 600  # a session is reused for ten minutes (createSession is rate limited)
_sessions = {}  # account id -> (expires at, access token, did)

_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
URL = regex.compile(r"https?://([^\s/?#]+)([^\s]*)", regex.IGNORECASE)
TRAILING = ".,;:!?)]}\"'"
TAG = regex.compile(r"(?:^|(?<=\s))#([^\d\s\p{P}][^\s#]*|\d+[^\d\s\p{P}][^\s#]*)")
MENTION = regex.compile(r"(?:^|(?<=[\s(]))@([a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9-]+)+)")


def new_tid():
    """A record key in AT Protocol's TID form: microseconds since 1970 and a random clock
    id, 13 characters of sortable base32."""
    value = (int(time.time() * 1_000_000) << 10) | random.getrandbits(10)
    value &= (1 << 63) - 1
    return "".join(_TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def xrpc(server, method, name, token=None, **kwargs):
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return call(method, server.rstrip("/") + "/xrpc/" + name, headers=headers, **kwargs)


def sign_in(account, password):
    """``{account_name, did}``: a session opened with the handle and app password."""
    answer = xrpc(account.server_url, "POST", "com.atproto.server.createSession",
                  json_body={"identifier": account.handle, "password": password})
    if answer.status == 401:
        raise PublishError(_l("The handle or app password is wrong, or the app password was "
                              "revoked."), "auth")
    data = answer.raise_for_status().json()
    if not data.get("accessJwt") or not data.get("did"):
        raise PublishError(_l("This server does not answer like a Bluesky server."), "bad")
    _sessions[account.id] = (time.monotonic() + SESSION_SECONDS, data["accessJwt"], data["did"])
    return {"account_name": "@" + data.get("handle", account.handle), "did": data["did"],
            "access": data["accessJwt"]}


def check(account, password):
    found = sign_in(account, password)
    return {"account_name": found["account_name"], "did": found["did"]}


def shorten(url):
    """A link as the Bluesky app shows it (host and the first 13 characters of the path)."""
    match = URL.match(url)
    host, rest = match.group(1), match.group(2)
    return host + (rest[:13] + "…" if len(rest) > 15 else rest)


def rich_text(text, resolve_handle=lambda handle: None):
    """``(text, facets)``: links shortened as the app shows them, and a facet for each link,
    hashtag and mention (a handle that resolves to a DID) at its UTF-8 byte offsets."""
    out, facets, position = [], [], 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        out.append(text[position:match.start()])
        start = len("".join(out).encode())
        shown = shorten(url)
        out.append(shown)
        facets.append({"index": {"byteStart": start, "byteEnd": start + len(shown.encode())},
                       "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}]})
        position = match.start() + len(url)
    out.append(text[position:])
    final = "".join(out)
    for match in TAG.finditer(final):
        tag = match.group(1).rstrip(TRAILING)
        start = len(final[:match.start()].encode())
        facets.append({"index": {"byteStart": start, "byteEnd": start + len(("#" + tag).encode())},
                       "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}]})
    for match in MENTION.finditer(final):
        handle = match.group(1).rstrip(TRAILING)
        did = resolve_handle(handle)
        if did:
            start = len(final[:match.start()].encode())
            facets.append({"index": {"byteStart": start, "byteEnd": start + len(("@" + handle).encode())},
                           "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}]})
    facets.sort(key=lambda facet: facet["index"]["byteStart"])
    return final, facets


class Session:
    """Posting as one account: a session opened (or reused) with its app password."""

    def __init__(self, account, password):
        self.account, self.password = account, password
        cached = _sessions.get(account.id)
        if cached and cached[0] > time.monotonic():
            self.token, self.did = cached[1], cached[2]
        else:
            self._sign_in()

    def _sign_in(self):
        found = sign_in(self.account, self.password)
        self.token, self.did = found["access"], found["did"]

    def _call(self, method, name, **kwargs):
        answer = xrpc(self.account.server_url, method, name, self.token, **kwargs)
        if answer.status in (400, 401) and answer.json().get("error") in ("ExpiredToken", "InvalidToken"):
            self._sign_in()  # a session kept from earlier ran out: a new one, once
            answer = xrpc(self.account.server_url, method, name, self.token, **kwargs)
        return answer

    def check_lengths(self, texts):
        for text in texts:
            if measure(text, "bluesky") > MAX_GRAPHEMES or len(text.encode()) > MAX_BYTES:
                raise PublishError(_l("A post is longer than Bluesky allows (300 characters)."),
                                   "refused")

    def resolve_handle(self, handle):
        answer = self._call("GET", "com.atproto.identity.resolveHandle", query={"handle": handle})
        return answer.json().get("did") if answer.status == 200 else None

    def upload(self, asset, alt):
        data = bytes(asset.data)
        if len(data) > MAX_IMAGE_BYTES:
            raise PublishError(_l("An image is larger than Bluesky accepts (1 MB)."), "refused")
        blob = self._call("POST", "com.atproto.repo.uploadBlob", body=data,
                          content_type=asset.mime).raise_for_status().json()["blob"]
        return {"alt": alt, "image": blob,
                "aspectRatio": {"width": asset.width, "height": asset.height}}

    def post(self, remote, text, language, images, parent, root):
        """Put one post record under its key chosen in advance; fills ``remote``."""
        if not remote.remote_key:
            raise ValueError("the record key is chosen (and saved) before sending")
        shown, facets = rich_text(text, self.resolve_handle)
        record = {"$type": POST, "text": shown, "createdAt": remote.created_at_text,
                  "langs": [language]}
        if facets:
            record["facets"] = facets
        if images:
            record["embed"] = {"$type": "app.bsky.embed.images",
                               "images": [self.upload(asset, alt) for asset, alt in images]}
        if parent is not None:
            record["reply"] = {"root": {"uri": root.uri, "cid": root.cid},
                               "parent": {"uri": parent.uri, "cid": parent.cid}}
        answer = self._call("POST", "com.atproto.repo.putRecord", json_body={
            "repo": self.did, "collection": POST, "rkey": remote.remote_key, "record": record})
        data = answer.raise_for_status().json()
        handle = self.account.account_name.lstrip("@") or self.did
        remote.uri, remote.cid = data["uri"], data["cid"]
        remote.url = f"https://bsky.app/profile/{handle}/post/{remote.remote_key}"

    def delete(self, remote):
        self._call("POST", "com.atproto.repo.deleteRecord", json_body={
            "repo": self.did, "collection": POST, "rkey": remote.remote_key}).raise_for_status()

    def gone(self, remote):
        answer = self._call("GET", "com.atproto.repo.getRecord", query={
            "repo": self.did, "collection": POST, "rkey": remote.remote_key})
        if answer.status == 200:
            return False
        if answer.status in (400, 404) and answer.json().get("error") in ("RecordNotFound", "NotFound"):
            return True
        answer.raise_for_status()
        return False


def created_at():
    """The record's createdAt, fixed once so a retried putRecord writes the same record."""
    return utcnow().astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
