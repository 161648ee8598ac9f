"""The security baseline, checked over app.url_map so that routes added later are covered
without anyone remembering to add them here."""

import re
from pathlib import Path

import pytest

from amplify.people.models import Activist
from werkzeug.routing import Rule

from amplify.audit.models import AuditEvent
from amplify.security import PERMISSIONS, is_personal, permission_of
from tests.conftest import PASSWORD, TOKEN, csrf_token, more_world

# The only endpoints anyone may reach without signing in.
PUBLIC = {"static", "htmx_js", "healthz", "favicon", "auth.login", "auth.logout", "auth.choose_language",
          # The personal review pages: no account, the signed link is the key.
          "review.page", "review.decide_item", "review.decide_variant", "review.withdraw",
          "review.receipt", "review.receipt_download", "review.image", "review.published",
          "review.all_answers", "review.invitations",
          "review.answer_invitation", "review.media_consent", "review.ask_for_help", "invitations.feed",
          # Shared reports: the signed share link is the key.
          "shared.report", "shared.csv",
          # A release shared with a journalist: the signed share link is the key.
          "press_shared.release", "press_shared.release_docx", "press_shared.release_pdf",
          # Images in scheduler files: the signed, expiring address is the key.
          "media_links.image",
          # Shared power maps: the signed share link is the key.
          "actors.shared_map", "actors.shared_spectrum", "actors.shared_actor", "actors.shared_missing"}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def world(factories):
    """One of everything, so that every URL can be built with ids that exist."""
    org = factories.organization()
    speaker = factories.activist(organization=org.id, spokesperson_for=[org],
                                 contact_channels=[{"kind": "WhatsApp", "value": "+51 900 000 001"}],
                                 notes="Prefers calls after 18:00")
    campaign = factories.campaign()
    message = factories.message(campaign)
    item = factories.send(factories.item(campaign, people=[(speaker, "quoted", None)]))
    nobody = factories.send(factories.item(campaign, title="Sin personas", text="Texto"))
    from amplify.consent.models import Decision
    from amplify.items.changes import publish

    with_app = factories.in_context
    publication = with_app(publish)(nobody, None, "x", "https://example.org/post/1")
    link, token = factories.link(speaker)
    asset = factories.image()
    invitation = factories.invitation(activist=Activist.get_by_id(speaker.id))
    return {"org_id": org.id, "activist_id": speaker.id, "slug": campaign.slug,
            "key": message.key, "language": "es", "item_id": item.id,
            "decision_id": Decision.select().first().id, "link_id": link.id,
            "publication_id": publication.id, "token": token, "variant_id": message.variant_set.first().id,
            "channel": "x", "scheduler": "hootsuite",
            "sha": asset.sha256, "ext": asset.extension,
            "event_id": invitation.event_id, "invitation_id": invitation.id,
            "reminder_id": factories.reminder(invitation).id, "session_id": 1, **more_world(factories)}


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def build(rule: Rule, values, user_id=None):
    args = {}
    for name in rule.arguments:
        if name == "user_id":
            args[name] = user_id
        elif name == "filename":
            args[name] = "css/amplify.css"
        else:
            assert name in values, f"add a value for URL argument {name!r} ({rule.rule}) to world()"
            args[name] = values[name]
    return rule.rule if not args else _fill(rule, args)


def _fill(rule, args):
    from flask import url_for

    return url_for(rule.endpoint, **args)


def test_every_route_declares_who_may_use_it(app):
    for rule in app.url_map.iter_rules():
        is_public, permission = permission_of(app, rule.endpoint)
        if rule.endpoint in PUBLIC:
            assert is_public, f"{rule.endpoint} should be public"
        else:
            assert not is_public, f"{rule.endpoint} is public but not in the allowlist"
            assert permission in PERMISSIONS, f"{rule.endpoint} declares no permission"


def test_anonymous_visitors_are_refused_everywhere_but_the_allowlist(app, world):
    client = app.test_client()
    token = csrf_token(client)
    checked = 0
    with app.test_request_context():
        targets = [(rule, method, build(rule, world, user_id=1)) for rule, method in routes(app)]
    for rule, method, url in targets:
        if rule.endpoint in PUBLIC:
            continue
        data = {"csrf_token": token} if method in STATE_CHANGING else None
        response = client.open(url, method=method, data=data)
        if method == "GET":
            assert response.status_code == 302, url
            assert "/auth/login" in response.headers["Location"], url
        else:
            assert response.status_code == 401, (method, url)
        checked += 1
    assert checked >= 20


def test_state_changing_routes_refuse_requests_without_csrf_token(app, world, login):
    admin = login("admin")
    before = AuditEvent.select().count()
    with app.test_request_context():
        targets = [(is_personal(rule.endpoint), method, build(rule, world, user_id=admin.user.id))
                   for rule, method in routes(app) if method in STATE_CHANGING]
    assert len(targets) >= 10
    for personal, method, url in targets:
        response = admin.client.open(url, method=method, data={"name": "x"})
        if personal:  # her page (or the shared map) again, saying nothing was recorded
            assert response.status_code == 303, url
            assert response.headers["Location"].startswith(("/r/", "/actors/shared/")), url
            continue
        assert response.status_code == 400, (method, url)
        assert "This form has expired or did not come from Amplify." in response.get_data(as_text=True), url
    assert AuditEvent.select().count() == before


# Which role reaches which route: the literal matrix in tests/test_permission_matrix.py.


def test_viewer_never_sees_contact_details_or_notes(app, world, login):
    viewer = login("viewer")
    page = viewer.get(f"/people/activists/{world['activist_id']}").get_data(as_text=True)
    assert "+51 900 000 001" not in page and "Prefers calls" not in page
    assert viewer.get(f"/people/activists/{world['activist_id']}/contact").status_code == 403
    org_page = viewer.get(f"/people/organizations/{world['org_id']}").get_data(as_text=True)
    assert "Notes" not in org_page


# Security headers, exactly and on every kind of response: tests/test_security_headers.py.


def test_no_template_has_inline_script_or_third_party_origin():
    templates = sorted((Path(__file__).resolve().parent.parent / "templates").rglob("*.html"))
    assert len(templates) >= 50, "the templates folder was not found"
    for template in templates:
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {template}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {template}"
        assert not re.search(r"(src|href)=\"https?://", text), f"third-party origin in {template}"
        assert "style=" not in text, f"inline style in {template}"


def test_every_personal_link_route_is_personal(app):
    """``/r/`` and ``/s/`` URLs carry their secret: each of their routes says so."""
    from amplify.security import is_personal

    found = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(("/r/", "/s/"))]
    assert len(found) >= 10
    with app.test_request_context():
        for rule in found:
            assert is_personal(rule.endpoint), rule.rule
            assert permission_of(app, rule.endpoint) == (True, None), rule.rule


def test_personal_pages_are_never_cached_nor_named_in_a_referer(app, world):
    from amplify.consent.models import Decision
    from amplify.reports.views import serializer
    from amplify.reports.models import ReportShare

    with app.test_request_context():
        share = serializer().dumps({"n": ReportShare.get_by_id(world["share_id"]).nonce})
    decision = Decision.select().where(Decision.activist == world["activist_id"]).first()
    client = app.test_client()
    token = world["token"]
    for path in (f"/r/{token}", f"/r/{token}/decisions/{decision.id}", f"/r/{token}/decisions/{decision.id}.json",
                 f"/s/{share}", f"/s/{share}/coverage.csv", f"/r/{token}/images/{'0' * 64}.png", "/r/not-a-link"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["Referrer-Policy"] == "no-referrer", path


HTTPS = "https://amplify.example"


def https_login(app, user, **headers):
    client = app.test_client()
    page = client.get("/auth/login", base_url=HTTPS).get_data(as_text=True)
    token = TOKEN.search(page)
    return client.post("/auth/login", base_url=HTTPS, headers=headers,
                       data={"email": user.email, "password": PASSWORD,
                             "csrf_token": token.group(1) or token.group(2)})


@pytest.mark.parametrize("headers, status", [
    ({"Origin": HTTPS}, 302),
    ({"Origin": HTTPS, "Referer": HTTPS + "/auth/login"}, 302),
    ({"Referer": HTTPS + "/auth/login"}, 302),
    ({}, 400),  # says neither where it came from: every browser sends Origin on a post
    ({"Origin": "null"}, 400),
    ({"Origin": "https://evil.example"}, 400),
    ({"Origin": "http://amplify.example"}, 400),  # the plain-http site is another origin
    ({"Origin": "https://evil.example", "Referer": HTTPS + "/auth/login"}, 400),
    ({"Referer": "https://evil.example/amplify.example/auth/login"}, 400),
    ({"Origin": "null", "Referer": "https://evil.example/"}, 400),
])
def test_sign_in_over_https_checks_where_the_post_came_from(app, make_user, headers, status):
    response = https_login(app, make_user("comms"), **headers)
    assert response.status_code == status, response.get_data(as_text=True)
    if status == 400:
        assert "did not come from Amplify" in response.get_data(as_text=True)


def test_over_plain_http_another_sites_origin_is_refused_too(app, make_user):
    user = make_user("comms")
    for headers, status in (({"Origin": "http://evil.example"}, 400), ({"Referer": "http://evil.example/"}, 400),
                            ({"Origin": "http://localhost"}, 302), ({}, 302)):
        client = app.test_client()
        response = client.post("/auth/login", headers=headers, data={"email": user.email, "password": PASSWORD,
                                                                       "csrf_token": csrf_token(client)})
        assert response.status_code == status, headers


@pytest.mark.parametrize("headers, status", [
    ({"Origin": "null"}, 302),  # what a browser sends from her no-referrer page
    ({}, 302),
    ({"Origin": HTTPS}, 302),
    ({"Origin": "https://evil.example"}, 400),
    ({"Referer": "https://evil.example/"}, 400),
])
def test_her_own_answer_over_https_is_accepted_and_another_sites_is_not(app, factories, headers, status):
    from amplify.consent.models import Decision

    maria = factories.activist("María Quispe")
    item = factories.send(factories.item(factories.campaign(), people=[(maria, "quoted", None)]))
    _, token = factories.link(maria)
    client = app.test_client()
    page = client.get(f"/r/{token}", base_url=HTTPS).get_data(as_text=True)
    prefix = f"i{item.id}"
    fields = {name: re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)
              for name in (f"{prefix}-csrf_token", f"{prefix}-content_hash", f"{prefix}-request_key")}
    response = client.post(f"/r/{token}/items/{item.id}", base_url=HTTPS, headers=headers,
                           data=fields | {f"{prefix}-channels": ["x"], f"{prefix}-attribution": "first_name",
                                          f"{prefix}-answer": "given", f"{prefix}-valid_until": ""})
    assert response.status_code == status, response.get_data(as_text=True)
    answered = Decision.select().where((Decision.activist == maria.id) & (Decision.outcome == "given")).count()
    assert answered == (1 if status == 302 else 0)


def test_her_answer_with_a_lost_session_brings_her_back_to_answer_again(app, factories):
    from amplify.consent.models import Decision

    maria = factories.activist("María Quispe")
    item = factories.send(factories.item(factories.campaign(), people=[(maria, "quoted", None)]))
    _, token = factories.link(maria)
    phone = app.test_client()  # her browser closed: no session cookie, so no valid token
    response = phone.post(f"/r/{token}/items/{item.id}", data={f"i{item.id}-answer": "given"},
                          headers={"Accept-Language": "es"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Hola, María Quispe" in page
    assert "No se registró nada" in page
    assert not Decision.select().where((Decision.activist == maria.id) & (Decision.outcome == "given")).exists()
