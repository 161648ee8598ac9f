"""Access control, CSRF and response headers: one place for every request.

Every endpoint is closed by default. A view opens itself with ``@requires(permission)``
(staff with a role that has that permission), ``@public`` (anyone) or ``@personal``
(anyone holding a personal link whose URL is the secret: ``/r/`` and ``/s/``); an
endpoint that says none of these answers 403 to everybody, so a route added later
without thought is never accidentally open. Object-level checks live on the models.
"""


import ipaddress

from flask import abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect, same_origin

from amplify.auth.models import UserSession


class ForeignOrigin(CSRFError):
    """A post that names another site as where it came from (or, over HTTPS to a staff
    page, names none)."""


class OriginCheckedCSRF(CSRFProtect):
    """Flask-WTF's token check, with our own origin rule instead of its strict referrer
    rule (``WTF_CSRF_SSL_STRICT`` is off).

    Flask-WTF demands a same-site ``Referer`` on every HTTPS post; pages that send
    ``Referrer-Policy: no-referrer`` make browsers leave it out, so nobody could sign in
    behind TLS. Browsers send ``Origin`` on every post instead, so a post is accepted when
    its ``Origin`` (or, lacking one, its ``Referer``) is this site, and refused when either
    names another site. A post over HTTPS that says neither is refused on staff pages
    (their ``same-origin`` policy makes every browser send ``Origin``), and accepted only
    on personal-link pages: their ``no-referrer`` policy makes browsers send
    ``Origin: null`` and no ``Referer`` on purpose. There the session-bound token still
    has to match, and the session cookie is ``SameSite=Lax``, so another site's post
    arrives without it and fails.
    """

    def protect(self, apply_exemptions=False):
        super().protect(apply_exemptions)
        if g.get("csrf_valid"):
            self.refuse_foreign_origin()

    def refuse_foreign_origin(self):
        origin = request.headers.get("Origin")
        if origin and origin != "null":
            if not same_origin(origin, request.host_url):
                raise ForeignOrigin("The Origin header names another site.")
            return
        if request.referrer:
            if not same_origin(request.referrer, request.host_url):
                raise ForeignOrigin("The Referer header names another site.")
            return
        if request.is_secure and not is_personal(request.endpoint):
            raise ForeignOrigin("The request says neither its Origin nor its Referer.")


csrf = OriginCheckedCSRF()

ROLES = ("admin", "comms", "events", "viewer")

PERMISSIONS = {
    "view": {"admin", "comms", "events", "viewer"},
    "see_contacts": {"admin", "comms", "events"},
    "edit_people": {"admin", "comms", "events"},
    "edit_campaigns": {"admin", "comms"},
    "manage_users": {"admin"},
    "see_audit": {"admin"},
    "lift_protection": {"admin"},
    "erase_people": {"admin"},
}


def role_can(role, permission):
    return role in PERMISSIONS[permission]


def can(permission):
    """Whether the signed-in user has ``permission`` (False for anonymous visitors)."""
    user = g.get("user")
    return user is not None and role_can(user.role, permission)


def requires(permission):
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")

    def decorate(view):
        view.amplify_permission = permission
        return view

    return decorate


def public(view):
    view.amplify_permission = None
    view.amplify_public = True
    return view


def personal(view):
    """A page reached through a personal link: public, its URL is a secret, so it is
    never cached and never named in a ``Referer``."""
    view = public(view)
    view.amplify_personal = True
    return view


def is_personal(endpoint):
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "amplify_personal", False)


def permission_of(app, endpoint):
    """``(is_public, permission)`` declared by the view behind ``endpoint``."""
    if endpoint == "static":
        return True, None
    view = app.view_functions.get(endpoint)
    if view is None:
        return False, None
    return getattr(view, "amplify_public", False), getattr(view, "amplify_permission", None)


def enforce_access():
    """``before_request`` hook: load the user and apply the endpoint's declared rule."""
    found = UserSession.find(session.get("sid"))
    g.session_row = found
    g.user = found.user if found is not None else None
    if request.endpoint is None:
        return None  # 404 / 405 follow
    is_public, permission = permission_of(current_app, request.endpoint)
    if is_public:
        return None
    if g.user is None:
        if request.method == "GET" and not request.headers.get("HX-Request"):
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    if permission is None or not role_can(g.user.role, permission):
        abort(403)
    return None


CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def security_headers(response):
    """Headers on every response. Personal-link pages keep their secret URL out of every
    ``Referer`` and every cache; staff pages name only their own origin to themselves,
    so that browsers send the ``Origin`` that the CSRF check wants."""
    personal_page = is_personal(request.endpoint)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer" if personal_page else "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if personal_page:
        response.headers["Cache-Control"] = "no-store"
    elif g.get("user") is not None:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def client_network():
    """Where a request comes from, for counting failures: the IPv4 address, or the /64
    network of an IPv6 one (one household or server holds a whole /64)."""
    address = request.remote_addr or "?"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def login_user(user):
    """A new session row and a fresh cookie (a new CSRF token with it)."""
    session.clear()
    session["sid"] = UserSession.open(user, request.remote_addr, request.headers.get("User-Agent"))
    session.permanent = True


def logout_user():
    """End the session; the page after it stays in the language of who signed out."""
    UserSession.revoke_key(session.get("sid"))
    user = g.get("user")
    lang = (user.language if user is not None else None) or session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
