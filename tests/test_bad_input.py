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


@pytest.mark.parametrize("path", [
    "/people/activists/99999999999999999999999",
    "/people/organizations/99999999999999999999999/edit",
    "/users/99999999999999999999999/edit",
    "/people/activists/?organization=99999999999999999999999",
    "/audit/?page=99999999999999999999999",
    "/audit/?page=-5",
    "/campaigns/%00",
    "/campaigns/x?q=%00",
    "/people/activists/?q=%25%5F",
])
def test_odd_urls_are_answered_without_error(app, login, path):
    admin = login("admin")
    response = admin.get(path)
    assert response.status_code in (200, 400, 404), (path, response.status_code)


def test_output_is_escaped(app, login, factories):
    factories.organization("<img src=x onerror=alert(1)>")
    page = login("viewer").get("/people/organizations/").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page
