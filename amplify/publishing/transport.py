"""HTTP to a connected account's server, behind the feeds' guard against server-side
request forgery: http(s) only, every address checked before connecting (a private or
loopback server only when ``FEEDS_ALLOW_PRIVATE`` says so), no redirects, a timeout."""

import http.client
import json
import socket
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode

from flask import current_app
from flask_babel import lazy_gettext as _l

from amplify.db import utcnow
from amplify.feeds.fetch import FetchError, Limits, _PinnedHTTPS, check_url, resolve
from amplify.publishing.errors import PublishError, from_status

USER_AGENT = "Amplify publisher (+https://github.com/amplify)"
MAX_ANSWER = 2 * 1024 * 1024


@dataclass
class Answer:
    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    def json(self):
        try:
            return json.loads(self.body or b"{}")
        except ValueError:
            return {}

    def retry_after(self):
        """Seconds to wait, from ``Retry-After`` (seconds or a date), Mastodon's
        ``X-RateLimit-Reset`` (a date) or Bluesky's ``RateLimit-Reset`` (a Unix time)."""
        value = self.headers.get("retry-after", "")
        if value.isdigit():
            return int(value)
        for moment in (value, self.headers.get("x-ratelimit-reset", "")):
            until = _moment(moment)
            if until is not None:
                return max(0, int((until - utcnow()).total_seconds()))
        reset = self.headers.get("ratelimit-reset", "")
        if reset.isdigit():
            return max(0, int(reset) - int(utcnow().timestamp()))
        return None

    def error_detail(self):
        data = self.json()
        if isinstance(data, dict):
            return str(data.get("error_description") or data.get("message") or data.get("error") or "")
        return ""

    def raise_for_status(self):
        if self.status >= 400:
            raise from_status(self.status, self.error_detail(), self.retry_after())
        return self


def _moment(text):
    """An HTTP date or an ISO 8601 time (Mastodon writes either), else None."""
    if not text:
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError):
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def limits():
    return Limits(timeout=float(current_app.config["PUBLISHING_TIMEOUT"]),
                  allow_private=bool(current_app.config["FEEDS_ALLOW_PRIVATE"]))


def check_server(url):
    """Refuse (PublishError) an address the guard would not let us reach: not https (plain
    http only where private addresses are allowed, for tests and intranets), or private."""
    try:
        scheme, host, port, _ = check_url(url)
        if scheme != "https" and not current_app.config["FEEDS_ALLOW_PRIVATE"]:
            raise PublishError(_l("The server's address must start with https://."), "bad")
        resolve(host, port, limits())
    except FetchError as refused:
        raise PublishError(refused.message, "bad") from None


def call(method, url, *, query=None, json_body=None, body=None, content_type=None, headers=None):
    """One request; Answer (any status), or PublishError when the server cannot be reached."""
    if query:
        url += "?" + urlencode(query)
    try:
        scheme, host, port, path = check_url(url)
        address = resolve(host, port, limits())[0]
    except FetchError as refused:
        raise PublishError(refused.message, "bad") from None
    sent = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
    if json_body is not None:
        body, content_type = json.dumps(json_body).encode(), "application/json"
    if content_type:
        sent["Content-Type"] = content_type
    timeout = limits().timeout
    connection = _PinnedHTTPS(address, host, port, timeout) if scheme == "https" \
        else http.client.HTTPConnection(address, port, timeout=timeout)
    sent["Host"] = host if port in (80, 443) else f"{host}:{port}"
    try:
        connection.request(method, path, body=body, headers=sent)
        with connection.getresponse() as response:
            data = response.read(MAX_ANSWER)
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    except (TimeoutError, socket.timeout):
        raise PublishError(_l("The server took too long to answer."), "network") from None
    except ssl.SSLError as problem:
        raise PublishError(_l("The secure connection failed: %(why)s", why=problem.reason or problem),
                           "network") from None
    except (OSError, http.client.HTTPException):
        raise PublishError(_l("The server could not be reached."), "network") from None
    finally:
        connection.close()
