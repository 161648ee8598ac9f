import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("es", "pt", "en", "fr")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Every translatable string in the code and templates, extracted afresh."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([Path(sys.executable).parent / "pybabel", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "--no-location", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete_and_placeholders_match(extracted, language):
    with open(ROOT / "amplify" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"{language}: {key!r} is not translated"
        translated[key] = message
    missing = extracted - set(translated)
    assert not missing, f"{language} lacks {sorted(missing)[:5]} (run make extract-messages)"
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert not problems, problems


def test_language_follows_the_browser_then_the_user_setting(app, login):
    client = app.test_client()
    assert "Entrar" in client.get("/auth/login", headers={"Accept-Language": "pt-BR,pt;q=0.9"}).get_data(as_text=True)
    assert "Se connecter" in client.get("/auth/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    session = login("comms")
    session.post("/auth/account", {"language": "es"})
    page = session.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Campañas" in page and 'lang="es"' in page


def test_language_chosen_before_sign_in_is_kept(app):
    from tests.conftest import csrf_token

    client = app.test_client()
    client.post("/auth/language", data={"language": "pt", "next": "/auth/login",
                                        "csrf_token": csrf_token(client)})
    page = client.get("/auth/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Entrar" in page and 'lang="pt"' in page


def test_form_errors_come_in_the_users_language(app, login):
    session = login("comms")
    session.post("/auth/account", {"language": "es"})
    response = session.post("/people/organizations/new", {"name": "", "formal": "1", "country": "PE",
                                                          "our_role": "ally"})
    page = response.get_data(as_text=True)
    assert "Corrige los campos marcados abajo." in page
    assert "Este campo es obligatorio." in page  # WTForms' own message, translated


def test_a_lazy_message_holding_typed_text_is_escaped_on_a_page(app):
    from flask import render_template_string
    from flask_babel import lazy_gettext

    with app.test_request_context():
        message = lazy_gettext("“%(line)s” is not a web address (https://…).", line="<script>alert(1)</script>")
        page = render_template_string("<p>{{ message }}</p>", message=message)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
