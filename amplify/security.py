"""Access control, CSRF and response headers: one place for every request.

Every endpoint is closed by default. A view opens itself with ``@requires(permission)``
(staff with a role that has that permission) or ``@public`` (anyone); an endpoint that
says neither answers 403 to everybody, so a route added later without thought is never
accidentally open. Object-level checks live on the models.
"""


from flask import abort, current_app, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

ROLES = ("admin", "comms", "events", "viewer")

PERMISSIONS = {
    "view": {"admin", "comms", "events", "viewer"},
    "see_contacts": {"admin", "comms", "events"},
    "edit_people": {"admin", "comms", "events"},
    "edit_campaigns": {"admin", "comms"},
    "manage_users": {"admin"},
    "see_audit": {"admin"},
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
    from amplify.auth.models import User

    g.user = User.from_session(session)
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
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if g.get("user") is not None:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


def login_user(user):
    session.clear()
    session["uid"] = user.id
    session["sv"] = user.session_version
    session.permanent = True


def logout_user():
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
