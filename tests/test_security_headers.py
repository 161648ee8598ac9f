"""Every security header, exactly, on every kind of response; and what signing in and out
leaves in the session."""

import pytest

from tests.conftest import PASSWORD, csrf_token

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")

# Referrer-Policy by kind of page: the one place to change when the policy changes.
REFERRER_POLICY = {
    "anonymous": "same-origin",  # sign-in page, errors, assets, health check
    "staff": "same-origin",  # pages for signed-in staff: browsers then send Origin for CSRF
    "review": "no-referrer",  # /r/…: the token is in the URL
    "shared": "no-referrer",  # /s/…: the token is in the URL
}

SAME_EVERYWHERE = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def assert_headers(response, kind, signed_in=False, https=False):
    response.close()
    for name, value in SAME_EVERYWHERE.items():
        assert response.headers.get(name) == value, (name, response.request.path)
    assert response.headers.get("Referrer-Policy") == REFERRER_POLICY[kind], response.request.path
    assert response.headers.get("Strict-Transport-Security") == ("max-age=31536000" if https else None)
    if signed_in:
        assert response.headers.get("Cache-Control") == "no-store", response.request.path


@pytest.fixture
def shared_report(app, factories, login):
    """A live share link to a campaign report, made through the real form."""
    import re

    campaign = factories.campaign()
    session = login("comms")
    session.post("/reports/share", {"kind": "campaign", "subject_id": str(campaign.id), "since": "2026-01-01",
                                    "until": "2026-12-31", "lang": "es", "days": "7"})
    found = re.search(r"/s/[A-Za-z0-9_.\-]+", session.get("/reports/").get_data(as_text=True))
    return found.group(0) if found else None


@pytest.mark.parametrize("path, status", [
    ("/auth/login", 200), ("/nowhere", 404), ("/assets/css/amplify.css", 200),
    ("/vendor/htmx.min.js", 200), ("/healthz", 200), ("/items/", 302), ("/s/not-a-token", 404),
])
def test_anonymous_responses_carry_every_header(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_headers(response, "shared" if path.startswith("/s/") else "anonymous")
    assert response.headers.get("Cache-Control") != "no-store" or path.startswith("/s/")


def test_staff_pages_refusals_and_errors_carry_every_header_and_are_not_stored(login):
    viewer = login("viewer")
    for path, status in (("/", 200), ("/users/", 403), ("/items/999999", 404), ("/consent/", 200)):
        response = viewer.get(path)
        assert response.status_code == status, path
        assert_headers(response, "staff", signed_in=True)


def test_https_adds_strict_transport_security(client):
    assert_headers(client.get("/auth/login", base_url="https://amplify.example"), "anonymous", https=True)


def test_review_pages_carry_every_header(client, factories):
    person = factories.activist("María Quispe")
    _, token = factories.link(person)
    response = client.get(f"/r/{token}")
    assert response.status_code == 200
    assert_headers(response, "review")
    unusable = client.get("/r/not-a-token")
    assert_headers(unusable, "review")


def test_shared_report_pages_carry_every_header(client, shared_report):
    assert shared_report, "no share link on the report page"
    response = client.get(shared_report)
    assert response.status_code == 200
    assert_headers(response, "shared")


def test_signing_in_clears_what_the_session_held_before(app, make_user):
    """A session planted before sign-in (session fixation) carries nothing across."""
    user = make_user("comms")
    client = app.test_client()
    token = csrf_token(client)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["next_step"] = "/users/"
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    with client.session_transaction() as session:
        assert "planted" not in session and "next_step" not in session
        assert session["sid"]
    assert client.get("/").status_code == 200  # the new session is hers


def test_signing_out_keeps_only_the_language(app, login):
    session = login("comms")
    session.post("/auth/language", {"language": "pt"})
    session.post("/auth/logout", {})
    with session.client.session_transaction() as stored:
        assert set(stored) == {"lang"} and stored["lang"] == "pt"
    assert session.get("/").status_code == 302
    assert '<html lang="pt">' in session.get("/auth/login").get_data(as_text=True)


@pytest.mark.parametrize("address, network", [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),  # one household or server holds a /64
    ("::ffff:203.0.113.7", "203.0.113.7"),  # IPv4 written as IPv6: the same address
    ("unix-socket", "unix-socket"),
])
def test_sign_in_attempts_are_counted_per_address_or_ipv6_network(app, address, network):
    from amplify import security

    with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
        assert security.client_network() == network


def test_a_view_names_a_known_permission_and_an_unknown_endpoint_has_none(app):
    from amplify import security

    with pytest.raises(ValueError, match="unknown permission 'see_everything'"):
        security.requires("see_everything")
    assert security.permission_of(app, "no.such_page") == (False, None)
    assert security.permission_of(app, "people.activists") == (False, "view")
