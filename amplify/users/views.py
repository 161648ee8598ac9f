"""Staff accounts, managed by admins (``/users``)."""

import peewee
from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from amplify import audit, security
from amplify.auth.models import User, UserSession
from amplify.db import database
from amplify.items.forms import ActionForm
from amplify.users.forms import ROLE_LABELS, UserForm
from amplify.forms import form_status
from amplify.web import render

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("/")
@security.requires("manage_users")
def index():
    users = User.select().order_by(User.active.desc(), User.email)
    return render("users/index.html", users=users, role_labels=ROLE_LABELS)


def save_user(form, user):
    """Apply the form to ``user`` in one transaction, audited. False when the email is taken."""
    creating = user.id is None
    before = None if creating else user.audit_view()
    user.email = User.normalise_email(form.email.data)
    user.name = form.name.data.strip()
    user.role = form.role.data
    user.language = form.language.data or None
    user.active = form.active.data
    password_changed = bool(form.password.data)
    if password_changed:
        user.set_password(form.password.data)
    try:
        with database.atomic():
            user.save()
            if password_changed:
                UserSession.revoke_all(user)
            summary = {"before": before, "after": user.audit_view()}
            if password_changed:
                summary["changed"] = ["password"]
            audit.record("user.create" if creating else "user.update", user, summary)
    except peewee.IntegrityError:
        form.email.errors.append(_("An account with this email already exists."))
        return False
    return True


@bp.route("/new", methods=["GET", "POST"])
@security.requires("manage_users")
def new():
    form = UserForm(role="comms")
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("A new account needs a password."))
        elif save_user(form, User()):
            flash(_("Account created."), "success")
            return redirect(url_for("users.index"))
    return render("users/form.html", form=form, user=None, status=form_status(form))


@bp.route("/<id:user_id>/edit", methods=["GET", "POST"])
@security.requires("manage_users")
def edit(user_id):
    user = User.get_or_404(User.id == user_id)
    form = UserForm(obj=user, language=user.language or "")
    if form.validate_on_submit():
        if user.id == g.user.id and (form.role.data != "admin" or not form.active.data):
            form.role.errors.append(_("You cannot remove your own administrator access."))
        elif save_user(form, user):
            flash(_("Account saved."), "success")
            return redirect(url_for("users.index"))
    return render("users/form.html", form=form, user=user, status=form_status(form),
                  open_sessions=UserSession.open_ones().where(UserSession.user == user).count(),
                  action=ActionForm())


@bp.post("/<id:user_id>/sign-out-everywhere")
@security.requires("manage_users")
def sign_out_everywhere(user_id):
    """End every session of an account at once (a lost laptop, someone leaving)."""
    user = User.get_or_404(User.id == user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with database.atomic():
        ended = UserSession.revoke_all(user)
        audit.record("user.sign_out_everywhere", user, {"sessions": ended})
    flash(_("%(name)s was signed out everywhere.", name=user), "success")
    return redirect(url_for("users.edit", user_id=user.id))
