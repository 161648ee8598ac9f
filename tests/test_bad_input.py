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
]


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
        if rule.endpoint == "auth.logout":
            continue
        response = admin.post(url, {field: value for field in fields})
        assert response.status_code < 500, (url, value[:20], response.status_code)
        assert response.status_code not in (401, 403), (url, response.status_code)  # admin may post anywhere
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
