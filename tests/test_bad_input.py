"""Hostile or broken input gets a clear answer, never a 500."""

import pytest

from tests.test_security import STATE_CHANGING, build, routes, world  # noqa: F401

NASTY = [
    "",
    "x" * 100_000,
    "\x00",
    "<script>alert(1)</script>",
    "'; DROP TABLE activist; --",
    "😀" * 50,
    "١٢٣",
    "../../etc/passwd",
    "99999999999999999999",  # more than SQLite's 64 bits, in a field or an id
]


# They end the admin's own session (world's session id 1 is hers), and read no field.
SIGNS_THE_WALKER_OUT = {"auth.logout", "auth.end_session", "users.sign_out_everywhere"}


@pytest.mark.parametrize("value", NASTY, ids=range(len(NASTY)))
def test_every_form_survives_nasty_values(app, world, login, value):  # noqa: F811
    admin = login("admin")
    with app.test_request_context():
        targets = [(rule, method, build(rule, world, user_id=admin.user.id))
                   for rule, method in routes(app) if method in STATE_CHANGING]
    fields = ["name", "email", "title", "short_form", "long_form", "display_name", "country",
              "our_role", "language", "hashtags", "links", "key_dates", "colour_text",
              "last_review_on", "organization", "state", "s-es-state", "s-es-approved_by",
              "contact_channels", "password", "role", "risk_level", "formal", "evidence_source"]
    for rule, method, url in targets:
        if rule.endpoint in SIGNS_THE_WALKER_OUT:
            continue
        response = admin.post(url, {field: value for field in fields})
        assert response.status_code < 500, (url, value[:20], response.status_code)
        assert response.status_code not in (401, 403), (url, response.status_code)  # admin may post anywhere
        if response.mimetype.startswith("text/"):  # a page, not a Word file made from the form
            assert "<script>alert(1)</script>" not in response.get_data(as_text=True), url  # echoed, escaped


@pytest.mark.parametrize("path, status, says", [  # "says": on the page; her name: only if no filter
    ("/people/activists/99999999999999999999999", 404, "There is nothing at this address."),
    ("/people/organizations/99999999999999999999999/edit", 404, "There is nothing at this address."),
    ("/users/99999999999999999999999/edit", 404, "There is nothing at this address."),
    ("/people/activists/?organization=99999999999999999999999", 200, "Lucía Prueba"),  # an id out of range: no filter
    ("/audit/?page=99999999999999999999999", 200, "Audit"),
    ("/audit/?page=-5", 200, "Audit"),
    ("/campaigns/%00", 400, "The form could not be accepted."),
    ("/campaigns/x?q=%00", 400, "The form could not be accepted."),
    ("/people/activists/?q=%25%5F", 200, "Activists"),
])
def test_odd_urls_are_answered_without_error(app, login, factories, path, status, says):
    factories.activist("Lucía Prueba")  # "%_" unescaped in a LIKE would list her
    admin = login("admin")
    response = admin.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == status, (path, response.status_code)
    assert says in page, path
    if path.startswith("/people/activists/?") and says != "Lucía Prueba":
        assert "Lucía Prueba" not in page, path


def test_output_is_escaped(app, login, factories):
    factories.organization("<img src=x onerror=alert(1)>")
    page = login("viewer").get("/people/organizations/").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_every_form_refuses_line_breaks_in_its_one_line_fields(app):
    """Every form class derives from the base that refuses them (a new form cannot forget)."""
    import importlib
    import pkgutil

    import amplify
    from flask_wtf import FlaskForm

    from amplify.forms import Form

    for module in pkgutil.walk_packages(amplify.__path__, "amplify."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(FlaskForm) if c.__module__.startswith("amplify.")]
    assert len(ours) > 20 and all(issubclass(c, Form) for c in ours), [c for c in ours if not issubclass(c, Form)]


def test_a_campaign_name_with_a_line_break_is_refused_with_input_kept(app, login):
    from amplify.campaigns.models import Campaign

    session = login("comms")
    for name in ("Dos\nlíneas", "Dos\rlíneas", "Dos\u2028líneas"):
        response = session.post("/campaigns/new", {"name": name, "languages": ["es"], "colour_background": "#5b2a86",
                                                   "colour_text": "#ffffff", "colour_accent": "#f2c14e",
                                                   "goal": "Una meta\nen dos líneas", "consent_months": "12"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and 'id="name-error"' in page
        assert "This takes a single line: remove the line breaks." in page and "líneas" in page
        assert 'id="goal-error"' not in page  # a text area keeps its lines
    assert Campaign.select().count() == 0


def test_a_pack_with_a_line_break_in_a_name_is_refused(app, tmp_path):
    import pytest

    from amplify.campaigns.packs import PackError, import_pack
    from tests.test_packs import broken_copy

    pack = broken_copy(tmp_path, "campaign.toml", 'name = "Domestic', 'name = "Two\\nlines. Domestic')
    with app.app_context(), pytest.raises(PackError) as refused:
        import_pack(pack)
    assert refused.value.field == "name" and "single line" in refused.value.problem


def test_a_number_too_large_for_the_database_is_bad_input_not_a_crash(app, client):
    """A number beyond what SQLite holds (64 bits) that some check missed: a 400 saying the
    form was not accepted, never the server's error page."""
    from amplify import security

    @security.public
    def overflowing():
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    app.add_url_rule("/overflowing", "overflowing", overflowing)
    page = client.get("/overflowing")
    assert page.status_code == 400 and "could not be accepted" in page.get_data(as_text=True)
