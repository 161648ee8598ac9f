"""Mastodon's documented API (and the fediverse servers that speak it), in plain HTTP.

Plain HTTP rather than Mastodon.py: Amplify needs six endpoints, and every request must go
through the guard against server-side request forgery (``transport.call``), which a
client library with its own HTTP stack would step around.
"""

import time
import uuid

from flask_babel import lazy_gettext as _l

from amplify.platforms import measure
from amplify.publishing.errors import PublishError
from amplify.publishing.transport import call

DEFAULT_MAX_CHARACTERS = 500
MEDIA_POLLS = 20  # a large file is processed asynchronously (202): ask this many times


def _url(account, path):
    return account.server_url.rstrip("/") + path


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def check(account, token):
    """``{account_name, max_characters}`` when the token works (PublishError otherwise)."""
    me = call("GET", _url(account, "/api/v1/accounts/verify_credentials"), headers=_auth(token))
    me.raise_for_status()
    data = me.json()
    if not isinstance(data, dict) or not data.get("acct"):
        raise PublishError(_l("This server does not answer like Mastodon."), "bad")
    limit = DEFAULT_MAX_CHARACTERS
    instance = call("GET", _url(account, "/api/v2/instance"))
    if instance.status == 200:
        statuses = (instance.json().get("configuration") or {}).get("statuses") or {}
        limit = int(statuses.get("max_characters") or DEFAULT_MAX_CHARACTERS)
    return {"account_name": "@" + data["acct"], "max_characters": limit}


class Session:
    """Posting as one account (the token, and the server's limit)."""

    def __init__(self, account, token):
        self.account, self.token = account, token

    def check_lengths(self, texts):
        limit = self.account.max_characters or DEFAULT_MAX_CHARACTERS
        for text in texts:
            if measure(text, "mastodon") > limit:
                raise PublishError(_l("A post is longer than this server allows (%(limit)s "
                                      "characters).", limit=limit), "refused")

    def upload(self, asset, alt):
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n'
                 .encode() + alt.encode() + b"\r\n"]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="image.{asset.extension}"\r\nContent-Type: {asset.mime}\r\n\r\n'
                     .encode() + bytes(asset.data) + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        answer = call("POST", _url(self.account, "/api/v2/media"), body=b"".join(parts),
                      content_type=f"multipart/form-data; boundary={boundary}",
                      headers=_auth(self.token)).raise_for_status()
        media = answer.json()
        for _ in range(MEDIA_POLLS):
            if answer.status == 200 and media.get("url"):
                return media["id"]
            time.sleep(0.5)
            answer = call("GET", _url(self.account, f"/api/v1/media/{media['id']}"),
                          headers=_auth(self.token))
            if answer.status not in (200, 206):
                answer.raise_for_status()
            media = answer.json()
        raise PublishError(_l("The server did not finish processing an image."), "server")

    def post(self, remote, text, language, images, parent, idempotency_key):
        """Publish one status (a reply to ``parent`` in a thread); fills ``remote``."""
        media_ids = [self.upload(asset, alt) for asset, alt in images]
        body = {"status": text, "language": language, "visibility": "public", "media_ids": media_ids}
        if parent is not None:
            body["in_reply_to_id"] = parent.remote_key
        answer = call("POST", _url(self.account, "/api/v1/statuses"), json_body=body,
                      headers={**_auth(self.token), "Idempotency-Key": idempotency_key})
        status = answer.raise_for_status().json()
        remote.remote_key, remote.uri, remote.url = str(status["id"]), status.get("uri", ""), \
            status.get("url") or status.get("uri", "")

    def delete(self, remote):
        answer = call("DELETE", _url(self.account, f"/api/v1/statuses/{remote.remote_key}"),
                      headers=_auth(self.token))
        if answer.status != 404:
            answer.raise_for_status()

    def gone(self, remote):
        """Read it back: True once the server says it does not exist."""
        answer = call("GET", _url(self.account, f"/api/v1/statuses/{remote.remote_key}"),
                      headers=_auth(self.token))
        if answer.status in (404, 410):
            return True
        answer.raise_for_status()
        return False
