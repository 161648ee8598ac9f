"""Sign in, sign out, own language and password (``/auth``)."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _

from amplify import audit, security
from amplify.auth.forms import LanguageForm, LoginForm, PasswordForm
from amplify.auth.models import LoginAttempt, User
from amplify.db import database, utcnow
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
        address = request.remote_addr or "unknown"
        if LoginAttempt.blocked_for(email, address):
            form.password.errors.append(
                _("Too many failed attempts. Wait %(minutes)d minutes and try again.",
                  minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
            )
            return render("auth/login.html", form=form, status=429)
        user = User.by_email(email)
        ok = user is not None and user.active and user.check_password(form.password.data)
        with database.atomic():
            LoginAttempt.create(email=email, address=address, succeeded=ok)
            if ok:
                user.last_login_at = utcnow()
                user.save()
        if ok:
            security.login_user(user)
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
    return render("auth/account.html", language_form=language_form,
                  password_form=password_form, role_labels=ROLE_LABELS)


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
                user.session_version += 1  # signs out every other session
                user.save()
                audit.record("account.password", user, {"changed": ["password"]})
            security.login_user(user)
            flash(_("Your password was changed. Other sessions were signed out."), "success")
            return redirect(url_for("auth.account"))
    return render("auth/account.html", language_form=language_form, password_form=form,
                  role_labels=ROLE_LABELS, status=form_status(form))
