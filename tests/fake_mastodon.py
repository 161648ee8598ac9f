"""A Mastodon server for the tests, on pytest-httpserver: the documented endpoints Amplify
uses, answering with the documented entities (Account, Instance, MediaAttachment, Status,
Error), the ``Idempotency-Key`` behaviour, asynchronous media (202, then poll), 404 for a
deleted status, and 429 with ``Retry-After`` / ``X-RateLimit-Reset`` on demand.

What only a real instance can confirm: how long it remembers an idempotency key (about an
hour), its real rate-limit windows, media processing times, and the exact wording of its
errors.
"""

import itertools
import json
import re
from email.utils import format_datetime

from werkzeug.wrappers import Response

from amplify.db import utcnow

TOKEN = "good-token"


class FakeMastodon:
    def __init__(self, httpserver, max_characters=500):
        self.server = httpserver
        self.url = httpserver.url_for("").rstrip("/")
        self.max_characters = max_characters
        self.statuses, self.media, self.keys = {}, {}, {}
        self.deleted = set()
        self.ids = itertools.count(110_000_000_000_000_001)
        self.token = TOKEN
        self.rate_limited = 0  # answer this many next requests with 429
        self.fail_posts = 0  # answer this many next POST /statuses with 503
        self.may_write = True  # False: the token lacks the write:statuses scope
        self.garbled = False  # True: POST /statuses answers 200 with something not a Status
        self.requests = []
        httpserver.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    # What the tests look at ---------------------------------------------------------------
    def posts(self):
        return [s for i, s in self.statuses.items() if i not in self.deleted]

    # The server ---------------------------------------------------------------------------
    def handle(self, request):
        self.requests.append((request.method, request.path))
        if self.rate_limited:
            self.rate_limited -= 1
            return self.json({"error": "Too many requests"}, 429,
                             {"Retry-After": "120", "X-RateLimit-Reset": format_datetime(utcnow(), usegmt=True)})
        if request.path == "/api/v2/instance":
            return self.json({"domain": "social.example", "configuration": {
                "statuses": {"max_characters": self.max_characters, "max_media_attachments": 4,
                             "characters_reserved_per_url": 23},
                "media_attachments": {"image_size_limit": 16777216}}})
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.json({"error": "The access token is invalid"}, 401)
        route = (request.method, request.path)
        if route == ("GET", "/api/v1/accounts/verify_credentials"):
            return self.json({"id": "1", "username": "sindicato", "acct": "sindicato",
                              "display_name": "Sindicato", "url": f"{self.url}/@sindicato"})
        if route == ("POST", "/api/v2/media"):
            return self.upload(request)
        match = re.fullmatch(r"/api/v1/media/(\d+)", request.path)
        if match and request.method == "GET":
            media = self.media.get(match.group(1))
            if media is None:
                return self.json({"error": "Record not found"}, 404)
            media["url"] = f"{self.url}/media/{media['id']}.jpg"  # processed by now
            return self.json(media)
        if route == ("POST", "/api/v1/statuses"):
            return self.post(request)
        match = re.fullmatch(r"/api/v1/statuses/(\d+)", request.path)
        if match:
            status_id = match.group(1)
            if status_id not in self.statuses or status_id in self.deleted:
                return self.json({"error": "Record not found"}, 404)
            if request.method == "DELETE":
                self.deleted.add(status_id)
                return self.json({**self.statuses[status_id], "text": self.statuses[status_id]["content"]})
            return self.json(self.statuses[status_id])
        return self.json({"error": "Not found"}, 404)

    def upload(self, request):
        upload = request.files.get("file")
        if upload is None:
            return self.json({"error": "Validation failed: File can't be blank"}, 422)
        media_id = str(next(self.ids))
        self.media[media_id] = {"id": media_id, "type": "image", "url": None, "preview_url": None,
                                "description": request.form.get("description") or None,
                                "blurhash": None, "meta": {}, "size": len(upload.read())}
        return self.json(self.media[media_id], 202)  # processed asynchronously

    def post(self, request):
        if not self.may_write:
            return self.json({"error": "This action is outside the authorized scopes"}, 403)
        if self.garbled:
            return self.json({"ok": True})
        key = request.headers.get("Idempotency-Key")
        if key and key in self.keys:
            return self.json(self.statuses[self.keys[key]])
        if self.fail_posts:
            self.fail_posts -= 1
            return self.json({"error": "Service unavailable"}, 503)
        body = request.get_json()
        text = body.get("status") or ""
        if len(text) > self.max_characters:
            return self.json({"error": f"Validation failed: Text character limit of {self.max_characters} "
                                       "exceeded"}, 422)
        parent = body.get("in_reply_to_id")
        if parent and parent not in self.statuses:
            return self.json({"error": "Record not found"}, 404)
        status_id = str(next(self.ids))
        self.statuses[status_id] = {
            "id": status_id, "uri": f"{self.url}/users/sindicato/statuses/{status_id}",
            "url": f"{self.url}/@sindicato/{status_id}", "created_at": utcnow().isoformat(),
            "content": f"<p>{text}</p>", "visibility": body.get("visibility", "public"),
            "language": body.get("language"), "in_reply_to_id": parent,
            "media_attachments": [self.media[m] for m in body.get("media_ids") or []],
            "account": {"id": "1", "acct": "sindicato"}, "sensitive": False, "spoiler_text": "",
        }
        if key:
            self.keys[key] = status_id
        return self.json(self.statuses[status_id])

    @staticmethod
    def json(data, status=200, headers=None):
        return Response(json.dumps(data), status=status, headers=headers or {},
                        content_type="application/json")
