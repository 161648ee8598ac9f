"""Behind a TLS proxy, as the README deploys it (``AMPLIFY_PROXIES=1``): Chromium speaks
HTTPS, the app hears plain HTTP with ``X-Forwarded-*`` headers. Staff sign in and submit
forms; the activist answers from her personal page, which sends no ``Referer``."""

import shutil
import ssl
import subprocess
import threading

import pytest
from werkzeug.serving import make_server

from amplify.consent.models import Decision
from amplify.auth.models import User


class TlsTerminatingProxy:
    """What nginx or Caddy does in front of Amplify: TLS ends here, and the request goes
    on as plain HTTP naming the original scheme, client and host in ``X-Forwarded-*``."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        forwarded = dict(environ)
        forwarded["HTTP_X_FORWARDED_PROTO"] = environ["wsgi.url_scheme"]
        forwarded["HTTP_X_FORWARDED_FOR"] = environ["REMOTE_ADDR"]
        forwarded["HTTP_X_FORWARDED_HOST"] = environ["HTTP_HOST"]
        forwarded["wsgi.url_scheme"] = "http"
        forwarded["HTTP_HOST"] = "127.0.0.1:8000"
        return self.app(forwarded, start_response)


@pytest.fixture
def https_server(make_app, tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    app = make_app(PROXIES=1)
    server = make_server("127.0.0.1", 0, TlsTerminatingProxy(app), threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"https://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


def test_staff_sign_in_and_submit_forms_behind_https(browser, https_server, make_user):
    from tests.conftest import PASSWORD

    app, base = https_server
    user = make_user("comms", email="comms@example.org")
    context = browser.new_context(ignore_https_errors=True, locale="en-GB")
    staff = context.new_page()
    staff.set_default_timeout(15000)
    posts = []
    staff.on("request", lambda request: posts.append(request.headers) if request.method == "POST" else None)
    staff.goto(f"{base}/auth/login")
    staff.get_by_label("Email").fill(user.email)
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Sign in").click()
    staff.wait_for_url(f"{base}/")
    assert "did not come from Amplify" not in staff.content()
    cookie = next(c for c in context.cookies() if c["name"] == "amplify_session")
    assert cookie["secure"] and cookie["httpOnly"]

    staff.goto(f"{base}/auth/account")
    staff.get_by_label("Language").select_option("es")
    staff.locator("form").filter(has=staff.get_by_label("Language")).get_by_role("button").click()
    staff.wait_for_url(f"{base}/auth/account")
    assert User.get_by_id(user.id).language == "es"
    assert all(headers.get("origin") == base for headers in posts) and len(posts) == 2
    context.close()


def test_the_activist_answers_from_her_page_behind_https(browser, https_server, factories):
    app, base = https_server
    maria = factories.activist("María Quispe", languages=["es"])
    item = factories.send(factories.item(factories.campaign(), people=[(maria, "quoted", None)]))
    _, token = factories.link(maria)
    context = browser.new_context(ignore_https_errors=True, java_script_enabled=False, locale="es-PE",
                                  viewport={"width": 360, "height": 740})
    phone = context.new_page()
    posts = []
    phone.on("request", lambda request: posts.append(request.headers) if request.method == "POST" else None)
    response = phone.goto(f"{base}/r/{token}")
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    phone.get_by_role("button", name="Sí, estoy de acuerdo").click()
    phone.wait_for_load_state()  # the page the click opened, loaded
    assert "Gracias. Tu sí quedó registrado." in phone.content()
    # Her page names no one its secret address: the browser sent no Referer.
    assert posts and all("referer" not in headers for headers in posts)
    decision = Decision.latest(maria.id, "item", item.id)
    assert decision.outcome == "given" and decision.method == "review_page"
    context.close()
