"""Sign in, sign out, own language and password (``/auth``)."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, request, session, url_for
from flask_babel import format_timedelta, gettext as _

from amplify import audit, security
from amplify.auth import throttle
from amplify.auth.forms import LanguageForm, LoginForm, PasswordForm, TimeZoneForm
from amplify.auth.models import User, UserSession
from amplify.db import database, utcnow
from amplify.items.forms import ActionForm
from amplify.users.forms import ROLE_LABELS
from amplify.forms import form_status
from amplify.web import render

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target):
    """Only same-site paths; anything else goes home."""
    if not target:
        return url_for("home.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("home.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
@security.public
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        email = User.normalise_email(form.email.data)
        attempt, wait = throttle.reserve(email, security.client_network())
        if attempt is None:
            form.password.errors.append(
                _("Too many failed attempts from this connection. You can try again in %(wait)s.",
                  wait=format_timedelta(wait, granularity="second", threshold=0.9)))
            response = render("auth/login.html", form=form, status=429)
            response.headers["Retry-After"] = str(max(1, int(wait.total_seconds() + 0.999)))
            return response
        user = User.by_email(email)
        ok = user is not None and user.active and user.check_password(form.password.data)
        with database.atomic():
            throttle.settle(attempt, ok)
            if ok:
                user.last_login_at = utcnow()
                user.save()
                security.login_user(user)
        if ok:
            return redirect(safe_next(form.next.data))
        form.password.errors.append(_("Email or password is not right."))
        return render("auth/login.html", form=form, status=200)
    return render("auth/login.html", form=form)


@bp.post("/logout")
@security.public
def logout():
    security.logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/language")
@security.public
def choose_language():
    """The language switch in every page's header: kept on the account of who is signed
    in, in the session cookie before signing in."""
    form = LanguageForm()
    if form.validate_on_submit():
        if g.get("user") is not None:
            save_language(g.user, form.language.data)
        elif form.language.data:
            session["lang"] = form.language.data
        else:
            session.pop("lang", None)
    return redirect(safe_next(request.form.get("next")))


def save_language(user, language):
    before = user.audit_view()
    with database.atomic():
        user.language = language or None
        user.save()
        audit.record("account.language", user, {"before": before, "after": user.audit_view()})


@bp.route("/account", methods=["GET", "POST"])
@security.requires("view")
def account():
    user = g.user
    language_form = LanguageForm(language=user.language or "")
    password_form = PasswordForm(prefix="pw")
    if request.method == "POST" and language_form.validate_on_submit():
        save_language(user, language_form.language.data)
        flash(_("Your language was saved."), "success")
        return redirect(url_for("auth.account"))
    return render("auth/account.html", **account_context(language_form, password_form))


@bp.post("/time-zone")
@security.requires("view")
def choose_time_zone():
    """The staff member's own time zone: planned times are entered and shown in it."""
    user = g.user
    form = TimeZoneForm(prefix="tz")
    if not form.validate_on_submit():
        return render("auth/account.html", status=form_status(form),
                      **account_context(LanguageForm(language=user.language or ""), PasswordForm(prefix="pw"),
                                        form))
    before = user.audit_view()
    with database.atomic():
        user.time_zone = form.time_zone.data or ""
        user.save()
        audit.record("account.time_zone", user, {"before": before, "after": user.audit_view()})
    flash(_("Your time zone was saved."), "success")
    return redirect(url_for("auth.account"))


def account_context(language_form, password_form, time_zone_form=None):
    """The account page: settings forms, and the sessions open in the user's name."""
    sessions = UserSession.open_ones().where(UserSession.user == g.user)
    return {"language_form": language_form, "password_form": password_form, "role_labels": ROLE_LABELS,
            "time_zone_form": time_zone_form or TimeZoneForm(prefix="tz", time_zone=g.user.time_zone),
            "sessions": sessions.order_by(UserSession.last_seen_at.desc()), "current_session": g.session_row,
            "action": ActionForm()}


@bp.post("/sessions/<id:session_id>/end")
@security.requires("view")
def end_session(session_id):
    """Sign out one of one's own sessions (a lost phone, a shared computer)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    if not UserSession.revoke((UserSession.id == session_id) & (UserSession.user == g.user)):
        abort(404)
    if session_id == g.session_row.id:
        security.logout_user()
        return redirect(url_for("auth.login"))
    flash(_("That session was signed out."), "success")
    return redirect(url_for("auth.account") + "#sessions")


@bp.post("/sessions/end-others")
@security.requires("view")
def end_other_sessions():
    if not ActionForm().validate_on_submit():
        abort(400)
    UserSession.revoke((UserSession.user == g.user) & (UserSession.id != g.session_row.id))
    flash(_("Your other sessions were signed out."), "success")
    return redirect(url_for("auth.account") + "#sessions")


@bp.post("/password")
@security.requires("view")
def change_password():
    user = g.user
    language_form = LanguageForm(language=user.language or "")
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        if not user.check_password(form.current.data):
            form.current.errors.append(_("This is not your current password."))
        else:
            with database.atomic():
                user.set_password(form.new.data)
                user.save()
                UserSession.revoke_all(user)  # a copied cookie dies with the old password
                audit.record("account.password", user, {"changed": ["password"]})
                security.login_user(user)
            flash(_("Your password was changed. Other sessions were signed out."), "success")
            return redirect(url_for("auth.account"))
    return render("auth/account.html", status=form_status(form), **account_context(language_form, form))
