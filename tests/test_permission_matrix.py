"""Who may use which route: a permission matrix written out by hand.

The matrix is the specification, not a copy of ``PERMISSIONS``: each line says, for one
method and URL rule, which roles may use it (or ``public``: anyone, without signing in).
Every role is then tried on every route — allowed means the app neither refuses (403) nor
asks to sign in; not allowed means 403 and nothing written.

A route that is not in the matrix fails the first test with the lines to add. Adding a route
means adding one line here, deciding by hand who may use it.
"""

import pytest

from amplify.audit.models import AuditEvent
from amplify.security import ROLES
from tests.conftest import csrf_token
from tests.test_security import build, routes, world  # noqa: F401

ROLE_NAMES = ("admin", "comms", "events", "viewer")

# method  URL rule                                                        who may use it
MATRIX = """
GET  /actors/                                                         admin comms events viewer
GET  /actors/<id:actor_id>                                           admin comms events viewer
GET  /actors/<id:actor_id>/edit                                      admin comms events
POST /actors/<id:actor_id>/edit                                      admin comms events
GET  /actors/<id:actor_id>/neighbourhood.csv                         admin comms events viewer
POST /actors/<id:actor_id>/positions                                 admin comms events
POST /actors/<id:actor_id>/relationships                             admin comms events
POST /actors/<id:actor_id>/ties                                      admin comms events
GET  /actors/campaigns/<slug>                                        admin comms events viewer
GET  /actors/campaigns/<slug>/moved                                  admin comms events viewer
GET  /actors/campaigns/<slug>/moved.csv                              admin comms events viewer
GET  /actors/campaigns/<slug>/new                                    admin comms events
POST /actors/campaigns/<slug>/new                                    admin comms events
POST /actors/campaigns/<slug>/ours                                   admin comms events
POST /actors/campaigns/<slug>/shares                                 admin comms events
GET  /actors/campaigns/<slug>/spectrum.csv                           admin comms events viewer
GET  /actors/campaigns/<slug>/suggestions                            admin comms events viewer
POST /actors/relationships/<id:relationship_id>/delete               admin comms events
POST /actors/shares/<id:map_share_id>/revoke                         admin comms events
GET  /actors/shared/<token>                                          public
GET  /actors/shared/<token>/actors/<id:actor_id>                     public
POST /actors/shared/<token>/actors/<id:actor_id>                     public
POST /actors/shared/<token>/missing                                  public
GET  /actors/shared/<token>/spectrum.csv                             public
POST /actors/suggestions/<id:suggestion_id>/<any(accept,decline):decision> admin comms events
POST /auth/sessions/<id:session_id>/end                             admin comms events viewer
POST /auth/sessions/end-others                                       admin comms events viewer
POST /consent/help/<id:request_id>/handled                           admin comms events
POST /consent/links/<id:link_id>/send                                admin comms events
GET  /drafting/<slug>/exports/<any(hootsuite,sprout):scheduler>-<channel>.csv admin comms events viewer
GET  /favicon.ico                                                    public
GET  /m/<media_token>.<any(jpg,png,webp):ext>                        public
GET  /invitations/events/<id:event_id>/deadlines                     admin comms events viewer
POST /items/<id:item_id>/comments                                    admin comms events
POST /items/bulk                                                     admin comms
GET  /notifications/                                                 admin comms events viewer
POST /notifications/read                                             admin comms events viewer
POST /r/<token>/help                                                 public
GET  /r/<token>/items/<id:item_id>/withdraw                          public
POST /users/<id:user_id>/sign-out-everywhere                         admin
GET  /                                                               admin comms events viewer
GET  /assets/<path:filename>                                         public
GET  /audit/                                                         admin
GET  /auth/account                                                   admin comms events viewer
POST /auth/account                                                   admin comms events viewer
POST /auth/language                                                  public
GET  /auth/login                                                     public
POST /auth/login                                                     public
POST /auth/logout                                                    public
POST /auth/password                                                  admin comms events viewer
POST /auth/time-zone                                                 admin comms events viewer
GET  /campaigns/                                                     admin comms events viewer
GET  /campaigns/<slug>                                               admin comms events viewer
GET  /campaigns/<slug>/edit                                          admin comms
POST /campaigns/<slug>/edit                                          admin comms
GET  /campaigns/<slug>/logo.png                                      admin comms events viewer
GET  /campaigns/<slug>/messages/<key>                                admin comms events viewer
GET  /campaigns/<slug>/messages/<key>/edit                           admin comms
POST /campaigns/<slug>/messages/<key>/edit                           admin comms
GET  /campaigns/<slug>/messages/<key>/variants/<language>/edit       admin comms
POST /campaigns/<slug>/messages/<key>/variants/<language>/edit       admin comms
POST /campaigns/<slug>/messages/<key>/variants/<language>/state      admin comms
GET  /campaigns/<slug>/messages/<key>/variants/new                   admin comms
POST /campaigns/<slug>/messages/<key>/variants/new                   admin comms
GET  /campaigns/<slug>/messages/new                                  admin comms
POST /campaigns/<slug>/messages/new                                  admin comms
GET  /campaigns/new                                                  admin comms
POST /campaigns/new                                                  admin comms
GET  /consent/                                                       admin comms events viewer
GET  /consent/decisions/<id:decision_id>                             admin comms events
GET  /consent/decisions/<id:decision_id>.json                        admin comms events
GET  /consent/items/<id:item_id>/people/<id:activist_id>             admin comms events
POST /consent/items/<id:item_id>/people/<id:activist_id>             admin comms events
GET  /consent/links/<id:link_id>                                     admin comms events
POST /consent/links/<id:link_id>/revoke                              admin comms events
GET  /consent/people/<id:activist_id>                                admin comms events
POST /consent/people/<id:activist_id>/links                          admin comms events
GET  /consent/takedowns                                              admin comms events viewer
GET  /drafting/<slug>                                                admin comms
POST /drafting/<slug>                                                admin comms
GET  /drafting/<slug>/calendar                                       admin comms events viewer
GET  /drafting/<slug>/exports                                        admin comms events viewer
GET  /drafting/<slug>/exports/kit.zip                                admin comms events viewer
GET  /drafting/<slug>/exports/publications.csv                       admin comms events viewer
GET  /drafting/<slug>/exports/publications.ics                       admin comms events viewer
GET  /drafting/<slug>/talking-points                                 admin comms events viewer
POST /drafting/count                                                 admin comms
GET  /feeds/                                                         admin comms events viewer
GET  /publishing/                                                    admin comms events viewer
GET  /publishing/accounts/new                                        admin
POST /publishing/accounts/new                                        admin
POST /publishing/accounts/<id:account_id>/test                       admin
POST /publishing/accounts/<id:account_id>/delete                     admin
GET  /publishing/items/<id:item_id>/send                             admin comms
POST /publishing/items/<id:item_id>/send                             admin comms
POST /publishing/sendings/<id:sending_id>/cancel                     admin comms
POST /publishing/posts/<id:post_id>/retry                            admin comms
GET  /feeds/coverage                                                 admin comms events viewer
GET  /feeds/entries/<id:entry_id>                                    admin comms events viewer
POST /feeds/entries/<id:entry_id>/amplify                            admin comms
POST /feeds/entries/<id:entry_id>/coverage                           admin comms
POST /feeds/entries/<id:entry_id>/ignore                             admin comms
POST /feeds/entries/<id:entry_id>/propose                            admin comms
POST /feeds/entries/bulk                                             admin comms
POST /feeds/poll                                                     admin comms
GET  /feeds/poll/<id:job_id>                                         admin comms events viewer
GET  /feeds/sources.opml                                             admin comms events viewer
GET  /feeds/sources/                                                 admin comms events viewer
GET  /feeds/sources/<id:source_id>                                   admin comms events viewer
POST /feeds/sources/<id:source_id>/delete                            admin comms
GET  /feeds/sources/<id:source_id>/edit                              admin comms
POST /feeds/sources/<id:source_id>/edit                              admin comms
POST /feeds/sources/<id:source_id>/pause                             admin comms
POST /feeds/sources/<id:source_id>/resume                            admin comms
POST /feeds/sources/import                                           admin comms
GET  /feeds/sources/new                                              admin comms
POST /feeds/sources/new                                              admin comms
GET  /healthz                                                        public
GET  /invitations/                                                   admin comms events viewer
GET  /invitations/<id:invitation_id>                                 admin comms events viewer
POST /invitations/<id:invitation_id>                                 admin comms events
POST /invitations/<id:invitation_id>/advance                         admin comms events
POST /invitations/<id:invitation_id>/media-consent                   admin comms events
POST /invitations/<id:invitation_id>/outcome                         admin comms events
POST /invitations/<id:invitation_id>/support                         admin comms events
POST /invitations/<id:invitation_id>/trip                            admin comms events
POST /invitations/<id:invitation_id>/visa                            admin comms events
GET  /invitations/<id:invitation_id>/visa-letter                     admin comms events
POST /invitations/<id:invitation_id>/visa-letter                     admin comms events
GET  /invitations/deadlines                                          admin comms events viewer
POST /invitations/deadlines/remind                                   admin comms events
POST /invitations/deadlines/remind-all                               admin comms events
GET  /invitations/events/                                            admin comms events viewer
GET  /invitations/events/<id:event_id>                               admin comms events viewer
POST /invitations/events/<id:event_id>                               admin comms events
GET  /invitations/events/<id:event_id>/meetings/new                  admin comms events
POST /invitations/events/<id:event_id>/meetings/new                  admin comms events
POST /invitations/events/<id:event_id>/per-diem                      admin comms events
GET  /invitations/events/<id:event_id>/per-diem.csv                  admin comms events
GET  /invitations/meetings/<id:meeting_id>                           admin comms events viewer
POST /invitations/meetings/<id:meeting_id>                           admin comms events
GET  /invitations/meetings/<id:meeting_id>/sheet                     admin comms events viewer
POST /invitations/meetings/<id:meeting_id>/debrief                   admin comms events
POST /invitations/meetings/<id:meeting_id>/commitments               admin comms events
POST /invitations/commitments/<id:commitment_id>/done                admin comms events
GET  /invitations/events/<id:event_id>/delegation-list               admin comms events viewer
POST /invitations/events/<id:event_id>/delegation-list               admin comms events viewer
GET  /invitations/events/<id:event_id>/delegation-list.csv           admin comms events viewer
GET  /invitations/events/<id:event_id>/edit                          admin comms events
POST /invitations/events/<id:event_id>/edit                          admin comms events
GET  /invitations/events/calendar                                    admin comms events viewer
GET  /invitations/events/new                                         admin comms events
POST /invitations/events/new                                         admin comms events
GET  /invitations/fairness                                           admin comms events viewer
GET  /invitations/feeds                                              admin comms events viewer
POST /invitations/feeds                                              admin comms events viewer
GET  /invitations/feeds/<token>.ics                                  public
GET  /invitations/outbox                                             admin comms events viewer
POST /invitations/outbox/<id:reminder_id>                            admin comms events
GET  /items/                                                         admin comms events viewer
GET  /items/<id:item_id>                                             admin comms events viewer
GET  /items/<id:item_id>/edit                                        admin comms
POST /items/<id:item_id>/edit                                        admin comms
GET  /items/<id:item_id>/export.txt                                  admin comms events viewer
POST /items/<id:item_id>/publications                                admin comms
POST /items/<id:item_id>/review                                      admin comms
POST /items/<id:item_id>/safety                                      admin comms
GET  /items/new                                                      admin comms
POST /items/new                                                      admin comms
POST /items/publications/<id:publication_id>/taken-down              admin comms
GET  /media/                                                         admin comms events viewer
POST /media/                                                         admin comms
GET  /media/<sha>                                                    admin comms events viewer
GET  /media/<sha>.<ext>                                              admin comms events viewer
POST /media/<sha>/blur                                               admin comms
POST /media/<sha>/faces                                              admin comms
GET  /media/cards/new                                                admin comms
POST /media/cards/new                                                admin comms
GET  /media/cards/preview.png                                        admin comms
GET  /people/                                                        admin comms events viewer
GET  /people/<id:activist_id>/data                                   admin comms events
POST /people/<id:activist_id>/data                                   admin comms events
POST /people/<id:activist_id>/data/erase                             admin
GET  /people/<id:activist_id>/protect                                admin comms events
POST /people/<id:activist_id>/protect                                admin comms events
POST /people/<id:activist_id>/protect/lift                           admin
POST /people/<id:activist_id>/retention/keep                         admin comms events
GET  /people/retention                                               admin comms events
GET  /people/activists/                                              admin comms events viewer
GET  /people/activists/found                                         admin comms events viewer
GET  /people/activists/<id:activist_id>                              admin comms events viewer
GET  /people/activists/<id:activist_id>/contact                      admin comms events
GET  /people/activists/<id:activist_id>/edit                         admin comms events
POST /people/activists/<id:activist_id>/edit                         admin comms events
GET  /people/activists/new                                           admin comms events
POST /people/activists/new                                           admin comms events
GET  /people/organizations/                                          admin comms events viewer
GET  /people/organizations/<id:org_id>                               admin comms events viewer
GET  /people/organizations/<id:org_id>/edit                          admin comms events
POST /people/organizations/<id:org_id>/edit                          admin comms events
GET  /people/organizations/new                                       admin comms events
POST /people/organizations/new                                       admin comms events
GET  /r/<token>                                                      public
GET  /r/<token>/answers                                              public
GET  /r/<token>/decisions/<id:decision_id>                           public
GET  /r/<token>/decisions/<id:decision_id>.json                      public
GET  /r/<token>/images/<sha>.png                                     public
GET  /r/<token>/invitations                                          public
POST /r/<token>/invitations/<id:invitation_id>                       public
POST /r/<token>/invitations/<id:invitation_id>/media                 public
POST /r/<token>/items/<id:item_id>                                   public
POST /r/<token>/items/<id:item_id>/withdraw                          public
GET  /r/<token>/published                                            public
POST /r/<token>/variants/<id:variant_id>                             public
GET  /reports/                                                       admin comms events viewer
GET  /reports/campaigns/<slug>                                       admin comms events viewer
GET  /reports/campaigns/<slug>/<table>.csv                           admin comms events viewer
GET  /reports/organizations/<id:org_id>                              admin comms events viewer
GET  /reports/organizations/<id:org_id>/<table>.csv                  admin comms events viewer
POST /reports/share                                                  admin comms events
POST /reports/shares/<id:share_id>/revoke                            admin comms events
GET  /s/<token>                                                      public
GET  /s/<token>/<table>.csv                                          public
GET  /press/                                                          admin comms events viewer
GET  /press/journalists/                                              admin comms events viewer
GET  /press/journalists/<id:journalist_id>                            admin comms events viewer
GET  /press/journalists/<id:journalist_id>/contact                    admin comms events
GET  /press/journalists/<id:journalist_id>/edit                       admin comms
POST /press/journalists/<id:journalist_id>/edit                       admin comms
GET  /press/journalists/export.csv                                    admin comms
GET  /press/journalists/import                                        admin comms
POST /press/journalists/import                                        admin comms
GET  /press/journalists/new                                           admin comms
POST /press/journalists/new                                           admin comms
GET  /press/outlets/                                                  admin comms events viewer
GET  /press/outlets/<id:outlet_id>                                    admin comms events viewer
GET  /press/outlets/<id:outlet_id>/edit                               admin comms
POST /press/outlets/<id:outlet_id>/edit                               admin comms
GET  /press/outlets/new                                               admin comms
POST /press/outlets/new                                               admin comms
GET  /press/pitches/<id:pitch_id>                                     admin comms
POST /press/pitches/<id:pitch_id>                                     admin comms
POST /press/pitches/<id:pitch_id>/interview                           admin comms
POST /press/pitches/<id:pitch_id>/recalled                            admin comms
GET  /press/releases/<id:release_id>                                  admin comms events viewer
POST /press/releases/<id:release_id>/contact                          admin comms
POST /press/releases/<id:release_id>/coverage                         admin comms
GET  /press/releases/<id:release_id>/email.txt                        admin comms events viewer
POST /press/releases/<id:release_id>/embargo                          admin comms
POST /press/releases/<id:release_id>/evidence                         admin comms
GET  /press/releases/<id:release_id>/pitch                            admin comms
POST /press/releases/<id:release_id>/pitch                            admin comms
GET  /press/releases/<id:release_id>/release.docx                     admin comms events viewer
GET  /press/releases/<id:release_id>/release.pdf                      admin comms events viewer
POST /press/releases/<id:release_id>/shares                           admin comms
GET  /press/releases/new                                              admin comms
POST /press/releases/new                                              admin comms
POST /press/shares/<id:release_share_id>/revoke                       admin comms
GET  /press/spokespeople/                                             admin comms events viewer
GET  /press/spokespeople/<id:activist_id>                             admin comms events
POST /press/spokespeople/<id:activist_id>                             admin comms events
GET  /s/press/<token>                                                 public
GET  /s/press/<token>/release.docx                                    public
GET  /s/press/<token>/release.pdf                                     public
GET  /users/                                                         admin
GET  /users/<id:user_id>/edit                                        admin
POST /users/<id:user_id>/edit                                        admin
GET  /users/new                                                      admin
POST /users/new                                                      admin
GET  /vendor/htmx.min.js                                             public
"""


def written(rule):
    """A URL rule as the matrix writes it: without spaces, so each line splits in three."""
    return rule.rule.replace(" ", "")


def matrix():
    """``{(method, rule): set of roles or {"public"}}`` from the text above."""
    table = {}
    for line in MATRIX.strip().splitlines():
        method, rule, *who = line.split()
        assert (method, rule) not in table, f"listed twice: {method} {rule}"
        assert set(who) <= set(ROLE_NAMES) | {"public"} and who, f"bad roles in: {line}"
        assert "public" not in who or who == ["public"], f"public means anyone: {line}"
        table[method, rule] = set(who)
    return table


def test_the_matrix_lists_every_route_and_only_routes_that_exist(app):
    table = matrix()
    present = {(method, written(rule)) for rule, method in routes(app)}
    unlisted = sorted(present - set(table), key=lambda key: (key[1], key[0]))
    stale = sorted(set(table) - present, key=lambda key: (key[1], key[0]))
    assert not unlisted, ("routes missing from MATRIX in tests/test_permission_matrix.py — decide who "
                          "may use each and add a line:\n" + "\n".join(f"{m:<5}{r}" for m, r in unlisted))
    assert not stale, "MATRIX lists routes that no longer exist:\n" + "\n".join(f"{m:<5}{r}" for m, r in stale)


def test_the_matrix_knows_every_role():
    assert set(ROLES) == set(ROLE_NAMES)


def targets(app, world, user_id):  # noqa: F811
    """``[(method, url, allowed roles)]``, reads before writes (a write may remove what a
    later read needs)."""
    table = matrix()
    with app.test_request_context():
        found = [(method, build(rule, world, user_id=user_id), table.get((method, written(rule)), set()))
                 for rule, method in routes(app)]
    # Reads first, then writes; last, the ones that end this very session.
    return sorted(found, key=lambda target: (target[0] != "GET", any(
        end in target[1] for end in ("/sign-out-everywhere", "/auth/logout", "/auth/password"))))


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_each_role_may_use_exactly_the_routes_the_matrix_gives_it(app, world, login, role):  # noqa: F811
    from amplify.auth.models import UserSession

    session = login(role)
    token = csrf_token(session.client, "/auth/account")
    with app.app_context():  # another browser of the same person: ending it keeps this one
        UserSession.open(session.user, "192.0.2.9", "another browser")
        other = UserSession.select().where(UserSession.user == session.user.id).order_by(UserSession.id.desc()).first()
    wrong = []
    for method, url, allowed in targets(app, dict(world, session_id=other.id), session.user.id):
        if "public" in allowed:
            continue
        before = AuditEvent.select().count()
        response = session.client.open(url, method=method,
                                       data={"csrf_token": token} if method != "GET" else None)
        response.close()
        status = response.status_code
        signed_out = status == 401 or "/auth/login" in response.headers.get("Location", "")
        if role in allowed and (status == 403 or signed_out or status >= 500):
            wrong.append(f"{method} {url}: refused ({status}) but the matrix allows {role}")
        elif role not in allowed and status != 403:
            wrong.append(f"{method} {url}: answered {status} but the matrix refuses {role}")
        elif role not in allowed and AuditEvent.select().count() != before:
            wrong.append(f"{method} {url}: refused but something was recorded")
    assert not wrong, "\n".join(wrong)


def test_public_routes_answer_without_signing_in(app, world):  # noqa: F811
    client = app.test_client()
    token = csrf_token(client)
    checked = []
    for method, url, allowed in targets(app, world, 1):
        if "public" not in allowed or url == "/auth/logout":
            continue
        response = client.open(url, method=method, data={"csrf_token": token} if method != "GET" else None)
        response.close()
        assert response.status_code not in (401, 403), (method, url, response.status_code)
        assert "/auth/login" not in response.headers.get("Location", "") or url == "/auth/login", (method, url)
        checked.append(url)
    assert len(checked) >= 15


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_urls_answer_404_to_everyone(app, login, signed_in, method):
    client = login("viewer").client if signed_in else app.test_client()
    for path in ("/no-such-page", "/items/x", "/items/12/nothing", "/r", "/people/activists/new/extra"):
        response = client.open(path, method=method)
        assert response.status_code == 404, (method, path, response.status_code, signed_in)
    assert client.get("/assets/../amplify/config.py").status_code == 404


def test_things_that_do_not_exist_answer_404_to_staff(app, login):
    session = login("admin")
    for path in ("/items/999999", "/people/activists/999999", "/campaigns/no-such-campaign",
                 "/consent/decisions/999999", "/users/999999/edit"):
        assert session.get(path).status_code == 404, path
