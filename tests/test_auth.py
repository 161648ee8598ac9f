from amplify.audit.models import AuditEvent
from amplify.auth.models import LoginAttempt, User, UserSession
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


def login_from(app, address, email, password, language="en"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/auth/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)},
                       headers={"Accept-Language": language})


def test_failures_lock_out_one_address_from_one_account_only(app, make_user):
    user, colleague = make_user("comms"), make_user("events")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert login_from(app, "198.51.100.7", user.email, "nope-nope-nope").status_code == 200
    refused = login_from(app, "198.51.100.7", user.email, PASSWORD, language="es")
    assert refused.status_code == 429 and 840 <= int(refused.headers["Retry-After"]) <= 900
    assert "Demasiados intentos fallidos desde esta conexión" in refused.get_data(as_text=True)
    assert "15 minutos" in refused.get_data(as_text=True)
    # The owner from her own connection, and a colleague from the same office, get in.
    assert login_from(app, "203.0.113.20", user.email, PASSWORD).status_code == 302
    assert login_from(app, "198.51.100.7", colleague.email, PASSWORD).status_code == 302


def test_a_stranger_cannot_lock_the_owner_out(app, make_user):
    """Guesses from many addresses slow down those addresses, never the right password
    from one that has not failed."""
    user = make_user("comms")
    for n in range(40):
        login_from(app, f"192.0.2.{n}", user.email, f"guess-number-{n}")
    assert LoginAttempt.select().count() == 40
    assert login_from(app, "203.0.113.20", user.email, PASSWORD).status_code == 302
    # An address that already failed on this account waits before its next try.
    slowed = login_from(app, "192.0.2.3", user.email, PASSWORD)
    assert slowed.status_code == 429 and "try again in" in slowed.get_data(as_text=True)
    assert LoginAttempt.select().count() == 41


def test_an_office_address_shared_with_an_attacker_still_lets_colleagues_in(app, make_user):
    users = [make_user("comms") for _ in range(3)]
    for n in range(30):
        login_from(app, "198.51.100.7", f"nobody{n}@example.org", "whatever-it-is")
    assert login_from(app, "198.51.100.7", users[0].email, "a-typo-typo").status_code == 200
    assert login_from(app, "198.51.100.7", users[0].email, PASSWORD).status_code == 429  # slowed down
    assert login_from(app, "198.51.100.7", users[1].email, PASSWORD).status_code == 302


def test_the_slow_down_doubles_and_ends(app):
    from datetime import timedelta

    from amplify.auth import throttle
    from amplify.db import utcnow

    app.config.update(LOGIN_SLOWDOWN_PER_ACCOUNT=3)
    start = utcnow()
    with app.app_context():
        for n in range(5):  # five addresses fail once each: two past the slow-down
            attempt, wait = throttle.reserve("owner@example.org", f"192.0.2.{n}", now=start)
            assert attempt is not None and not wait
        attempt, wait = throttle.reserve("owner@example.org", "192.0.2.0", now=start + timedelta(seconds=1))
        assert attempt is None and wait == timedelta(seconds=3)  # 2 ** (5 - 3) s after its failure
        attempt, wait = throttle.reserve("owner@example.org", "192.0.2.0", now=start + timedelta(seconds=4))
        assert attempt is not None
        attempt, wait = throttle.reserve("owner@example.org", "192.0.2.1", now=start + timedelta(seconds=4))
        assert attempt is None and wait == timedelta(seconds=4)  # now six failures: 8 s
        assert throttle.reserve("owner@example.org", "203.0.113.9", now=start)[0] is not None


def test_parallel_guesses_get_no_more_tries_than_the_limit(app, make_user):
    import threading

    user = make_user("comms")
    clients = []
    for _ in range(50):
        client = app.test_client()
        clients.append((client, csrf_token(client)))
    start = threading.Barrier(len(clients))
    codes = []

    def guess(client, token, n):
        start.wait()
        response = client.post("/auth/login", data={"email": user.email, "password": f"guess-{n}",
                                                    "csrf_token": token})
        codes.append(response.status_code)

    threads = [threading.Thread(target=guess, args=(client, token, n)) for n, (client, token) in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    limit = app.config["LOGIN_MAX_FAILURES"]
    assert sorted(codes) == [200] * limit + [429] * (50 - limit)
    assert LoginAttempt.select().count() == limit


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


def test_a_copied_cookie_stops_working_after_sign_out(app, login):
    session = login("comms")
    thief = app.test_client()
    thief.set_cookie("amplify_session", session.client.get_cookie("amplify_session").value)
    assert thief.get("/").status_code == 200
    session.post("/auth/logout")
    assert thief.get("/").status_code == 302
    assert session.get("/").status_code == 302
    assert UserSession.select().where(UserSession.revoked_at.is_null()).count() == 0


def test_the_account_page_lists_open_sessions_and_ends_one(app, make_user):
    user = make_user("comms")
    phone, desk = app.test_client(), app.test_client()
    phone.environ_base.update(REMOTE_ADDR="203.0.113.5", HTTP_USER_AGENT=(
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"))
    desk.environ_base.update(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
    for client in (phone, desk):
        assert post_login(client, user.email, PASSWORD).status_code == 302
    page = desk.get("/auth/account").get_data(as_text=True)
    assert "Chrome · Android" in page and "203.0.113.5" in page and "Firefox · Linux" in page
    assert "this one" in page
    # Ending another user's session is not possible; ending one's own phone session is.
    phone_session = UserSession.get(UserSession.address == "203.0.113.5")
    stranger = login_client(app, make_user("comms"))
    token = csrf_token(stranger, "/auth/account")
    assert stranger.post(f"/auth/sessions/{phone_session.id}/end", data={"csrf_token": token}).status_code == 404
    assert phone.get("/").status_code == 200
    token = csrf_token(desk, "/auth/account")
    assert desk.post(f"/auth/sessions/{phone_session.id}/end", data={"csrf_token": token}).status_code == 302
    assert phone.get("/").status_code == 302 and desk.get("/").status_code == 200
    assert "203.0.113.5" not in desk.get("/auth/account").get_data(as_text=True)
    # "Everywhere else" keeps this one.
    post_login(phone, user.email, PASSWORD)
    desk.post("/auth/sessions/end-others", data={"csrf_token": csrf_token(desk, "/auth/account")})
    assert phone.get("/").status_code == 302 and desk.get("/").status_code == 200


def login_client(app, user):
    client = app.test_client()
    assert post_login(client, user.email, PASSWORD).status_code == 302
    return client


def test_a_session_idle_longer_than_its_lifetime_is_over(app, login):
    from datetime import timedelta

    from amplify.db import utcnow

    session = login("comms")
    UserSession.update(last_seen_at=utcnow() - timedelta(hours=13)).execute()
    assert session.get("/").status_code == 302


def test_an_admin_signs_an_account_out_everywhere(app, login):
    admin = login("admin")
    target = login("events")
    also = login_client(app, target.user)
    page = admin.get(f"/users/{target.user.id}/edit").get_data(as_text=True)
    assert "Signed in on 2 devices or browsers now." in page
    assert admin.post(f"/users/{target.user.id}/sign-out-everywhere").status_code == 302
    assert target.get("/").status_code == 302 and also.get("/").status_code == 302
    assert admin.get("/").status_code == 200
    entry = AuditEvent.get(AuditEvent.action == "user.sign_out_everywhere")
    assert '"sessions": 2' in entry.summary
    assert login("viewer").post(f"/users/{target.user.id}/sign-out-everywhere").status_code == 403
