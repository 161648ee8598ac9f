from amplify.audit.models import AuditEvent
from amplify.auth.models import LoginAttempt, User
from tests.conftest import PASSWORD, csrf_token


def post_login(client, email, password):
    return client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": csrf_token(client)})


def test_login_then_logout(app, make_user):
    user = make_user("comms")
    client = app.test_client()
    response = post_login(client, user.email.upper(), PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/auth/account")})
    assert client.get("/").status_code == 302
    assert LoginAttempt.select().where(LoginAttempt.succeeded == True).count() == 1  # noqa: E712


def test_wrong_password_keeps_email_and_says_why(app, make_user):
    user = make_user("comms")
    client = app.test_client()
    response = post_login(client, user.email, "wrong-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email or password is not right." in page
    assert f'value="{user.email}"' in page
    assert client.get("/").status_code == 302


def test_login_never_redirects_off_site(app, make_user):
    user = make_user("comms")
    client = app.test_client()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                "next": "//evil.example/x",
                                                "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/"


def test_failures_per_account_are_rate_limited_even_with_the_right_password(app, make_user):
    user = make_user("comms")
    client = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        post_login(client, user.email, "nope-nope-nope")
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Another account from another address is not affected.
    other = make_user("comms")
    fresh = app.test_client()
    assert fresh.post("/auth/login", data={"email": other.email, "password": PASSWORD,
                                           "csrf_token": csrf_token(fresh)},
                      environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 302


def test_failures_per_address_are_rate_limited(make_app, make_user):
    app = make_app(LOGIN_MAX_FAILURES_PER_ADDRESS=3)
    with app.app_context():
        user = make_user("comms")
        client = app.test_client()
        for n in range(3):
            post_login(client, f"nobody{n}@example.org", "whatever-it-is")
        refused = post_login(client, user.email, PASSWORD)
        assert refused.status_code == 429
        assert "Too many failed attempts" in refused.get_data(as_text=True)
        assert client.get("/").status_code == 302  # the right password did not sign in


def test_session_cookie_is_httponly_samesite_and_secure_over_https(app, make_user):
    user = make_user("comms")
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = app.test_client()
    page = secure.get("/auth/login", base_url="https://amplify.example")
    token = csrf_token_from(page)
    response = secure.post("/auth/login", base_url="https://amplify.example",
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token},
                           headers={"Referer": "https://amplify.example/auth/login"})
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def csrf_token_from(response):
    from tests.conftest import TOKEN

    match = TOKEN.search(response.get_data(as_text=True))
    return match.group(1) or match.group(2)


def test_password_change_signs_out_other_sessions(app, login):
    first = login("comms")
    second = login(user=first.user)
    response = first.post("/auth/password", {"pw-current": "a-long-test-password",
                                             "pw-new": "another-long-password",
                                             "pw-confirm": "another-long-password"})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302
    user = User.get_by_id(first.user.id)
    assert user.check_password("another-long-password")
    entry = AuditEvent.select().where(AuditEvent.action == "account.password").get()
    assert "another-long-password" not in entry.summary and user.password_hash not in entry.summary


def test_password_change_errors_are_shown_next_to_fields(app, login):
    session = login("comms")
    response = session.post("/auth/password", {"pw-current": "wrong-one-here",
                                               "pw-new": "short", "pw-confirm": "different"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="pw-new-error"' in page and 'id="pw-confirm-error"' in page


def test_disabled_account_cannot_sign_in_and_is_signed_out(app, login):
    session = login("comms")
    User.update(active=False).where(User.id == session.user.id).execute()
    assert session.get("/").status_code == 302
    # The right password no longer opens it, and says no more than a wrong one would.
    client = app.test_client()
    response = post_login(client, session.user.email, PASSWORD)
    assert response.status_code == 200 and "Email or password is not right." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert LoginAttempt.select().where(LoginAttempt.succeeded == True).count() == 1  # noqa: E712 the first


def test_admin_manages_accounts_and_every_change_is_audited(app, login):
    admin = login("admin")
    response = admin.post("/users/new", {"email": "Nueva@Example.org", "name": "Nueva",
                                         "role": "events", "language": "es", "active": "y",
                                         "password": "a-good-long-password"})
    assert response.status_code == 302
    user = User.get(User.email == "nueva@example.org")
    assert user.role == "events" and user.language == "es"
    duplicate = admin.post("/users/new", {"email": "nueva@example.org", "name": "Otra",
                                          "role": "viewer", "language": "", "password": "a-good-long-password"})
    assert duplicate.status_code == 400
    assert "already exists" in duplicate.get_data(as_text=True)
    assert User.select().count() == 2
    response = admin.post(f"/users/{user.id}/edit", {"email": user.email, "name": "Nueva",
                                                     "role": "viewer", "language": ""})
    assert response.status_code == 302
    assert User.get_by_id(user.id).role == "viewer" and not User.get_by_id(user.id).active
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.subject_type == "user")]
    assert actions == ["user.create", "user.update"]


def test_admin_cannot_lock_themselves_out(app, login):
    admin = login("admin")
    response = admin.post(f"/users/{admin.user.id}/edit", {"email": admin.user.email,
                                                            "name": "Me", "role": "viewer",
                                                            "active": "y"})
    assert response.status_code == 400
    assert User.get_by_id(admin.user.id).role == "admin"
