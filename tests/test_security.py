"""The security baseline, checked over app.url_map so that routes added later are covered
without anyone remembering to add them here."""

import pytest

from amplify.people.models import Activist
from werkzeug.routing import Rule

from amplify.audit.models import AuditEvent
from amplify.security import PERMISSIONS, ROLES, permission_of, role_can
from tests.conftest import csrf_token, more_world

# The only endpoints anyone may reach without signing in.
PUBLIC = {"static", "htmx_js", "healthz", "auth.login", "auth.logout", "auth.choose_language",
          # The personal review pages: no account, the signed link is the key.
          "review.page", "review.decide_item", "review.decide_variant", "review.withdraw",
          "review.receipt", "review.receipt_download", "review.image",
          "review.answer_invitation", "review.media_consent", "invitations.feed",
          # Shared reports: the signed share link is the key.
          "shared.report", "shared.csv"}
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
            "reminder_id": factories.reminder(invitation).id, **more_world(factories)}


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
        targets = [(rule, method, build(rule, world, user_id=admin.user.id))
                   for rule, method in routes(app) if method in STATE_CHANGING]
    assert len(targets) >= 10
    for rule, method, url in targets:
        response = admin.client.open(url, method=method, data={"name": "x"})
        assert response.status_code == 400, (method, url)
        assert "expired" in response.get_data(as_text=True) or "Amplify" in response.get_data(as_text=True)
    assert AuditEvent.select().count() == before


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_only_what_it_should(app, world, login, role):
    session = login(role)
    with app.test_request_context():
        targets = [(rule, build(rule, world, user_id=session.user.id))
                   for rule, method in routes(app) if method == "GET" and rule.endpoint not in PUBLIC]
    for rule, url in targets:
        _, permission = permission_of(app, rule.endpoint)
        response = session.get(url)
        if role_can(role, permission):
            assert response.status_code in (200, 302, 404, 409), (role, url, response.status_code)
            assert response.status_code != 403
        else:
            assert response.status_code == 403, (role, url, response.status_code)


def test_viewer_never_sees_contact_details_or_notes(app, world, login):
    viewer = login("viewer")
    page = viewer.get(f"/people/activists/{world['activist_id']}").get_data(as_text=True)
    assert "+51 900 000 001" not in page and "Prefers calls" not in page
    assert viewer.get(f"/people/activists/{world['activist_id']}/contact").status_code == 403
    org_page = viewer.get(f"/people/organizations/{world['org_id']}").get_data(as_text=True)
    assert "Notes" not in org_page


def test_security_headers_on_every_kind_of_response(client):
    for path in ("/auth/login", "/nowhere", "/assets/css/amplify.css", "/vendor/htmx.min.js", "/healthz"):
        response = client.get(path)
        response.close()
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, path
        assert "frame-ancestors 'none'" in csp
        assert "default-src 'self'" in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_or_third_party_origin():
    from pathlib import Path
    import re

    for template in Path("templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {template}"
        assert not re.search(r"\son[a-z]+=", text), f"inline event handler in {template}"
        assert not re.search(r"(src|href)=\"https?://", text), f"third-party origin in {template}"
        assert "style=" not in text, f"inline style in {template}"
