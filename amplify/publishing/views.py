"""Publishing (``/publishing``): connected accounts, sending an item now or at a planned
time, and the queue of sendings and automatic take-downs."""

from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from amplify import security
from amplify.consent.clearance import clearance
from amplify.db import utcnow
from amplify.forms import form_status
from amplify.items.forms import ActionForm
from amplify.items.models import Item
from amplify.publishing import bluesky, changes, tasks
from amplify.publishing.errors import PublishError
from amplify.publishing.forms import AccountForm, SendForm
from amplify.publishing.models import NETWORKS, Account, RemotePost, Sending
from amplify.rules import NotAllowed
from amplify.web import keyset_page, render

bp = Blueprint("publishing", __name__, url_prefix="/publishing")


def remote_posts_by_publication(publications):
    """``{publication id: [its posts]}`` for many publications in one query (the take-down
    queue shows each one's progress)."""
    found = {}
    ids = [p.id for p in publications]
    if ids:
        for post in (RemotePost.select(RemotePost, Sending).join(Sending).where(Sending.publication.in_(ids))
                     .order_by(RemotePost.position, RemotePost.id)):
            found.setdefault(post.sending.publication_id, []).append(post)
    return found


@bp.app_template_global()
def broken_accounts():
    return list(Account.broken())


@bp.app_template_global()
def publishing_problems():
    """``(sendings that failed or were refused this week, take-downs that gave up)`` for
    the start page."""
    week = utcnow() - timedelta(days=7)
    return (Sending.select().where(Sending.state.in_(["failed", "refused"]) & (Sending.created_at >= week))
            .count(), RemotePost.select().where(RemotePost.state == "failed").count())


@bp.app_template_global()
def can_publish_directly(item):
    return item.channel in NETWORKS


@bp.get("/")
@security.requires("view")
def index():
    sendings = keyset_page(Sending.select(Sending, Item, Account).join(Item).switch(Sending).join(Account),
                           Sending, [Sending.id])
    deleting = list(RemotePost.select().where(RemotePost.state.in_(["deleting", "failed"]))
                    .order_by(RemotePost.id).limit(200))
    return render("publishing/index.html", accounts=list(Account.select().order_by(Account.label)),
                  sendings=sendings, deleting=deleting, action=ActionForm())


@bp.route("/accounts/new", methods=["GET", "POST"])
@security.requires("manage_users")
def new_account():
    form = AccountForm()
    if form.validate_on_submit():
        server = form.server_url.data.strip() or (bluesky.DEFAULT_PDS if form.network.data == "bluesky" else "")
        try:
            account = changes.connect_account(form.network.data, form.label.data, server,
                                              form.handle.data, form.secret.data, g.user)
        except PublishError as problem:
            form.secret.errors.append(_("The connection failed: %(why)s", why=problem.message))
        else:
            flash(_("Connected as %(name)s.", name=account.account_name), "success")
            return redirect(url_for("publishing.index"))
    return render("publishing/account_form.html", form=form, status=form_status(form))


@bp.post("/accounts/<id:account_id>/test")
@security.requires("manage_users")
def test_account(account_id):
    account = Account.get_or_404(Account.id == account_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        changes.test_account(account)
    except PublishError as problem:
        flash(_("The connection failed: %(why)s", why=problem.message), "error")
    else:
        flash(_("The connection works: %(name)s.", name=account.account_name), "success")
    return redirect(url_for("publishing.index"))


@bp.post("/accounts/<id:account_id>/delete")
@security.requires("manage_users")
def delete_account(account_id):
    account = Account.get_or_404(Account.id == account_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        changes.disconnect(account)
    except NotAllowed as problem:
        flash(problem.message, "error")
    else:
        flash(_("The account was disconnected and its secret forgotten."), "success")
    return redirect(url_for("publishing.index"))


def _zone(item):
    return ZoneInfo(item.campaign.zone_name())


@bp.route("/items/<id:item_id>/send", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def send(item_id):
    item = Item.get_or_404(Item.id == item_id)
    accounts = list(Account.for_channel(item.channel))
    form = SendForm(accounts=accounts, zone=item.campaign.zone_name())
    if form.validate_on_submit():
        account = next((a for a in accounts if str(a.id) == form.account.data), None)
        when = None
        if form.when.data == "later":
            when = form.planned_at.data.replace(tzinfo=_zone(item)).astimezone(timezone.utc)
        if account is None:
            form.account.errors.append(_("Choose a connected account on the item's platform."))
        elif when is not None and when < utcnow() - timedelta(minutes=1):
            form.planned_at.errors.append(_("This time has already passed."))
        else:
            try:
                sending = changes.plan(item, account, when, g.user)
            except NotAllowed as problem:
                flash(problem.message, "error")
            else:
                tasks.queue(sending)
                if when is None:
                    flash(_("Sent to the worker: it checks consent once more, then publishes."), "success")
                else:
                    flash(_("Planned. Consent is checked again at that moment."), "success")
                return redirect(url_for("publishing.send", item_id=item.id))
    return render("publishing/send.html", item=item, form=form, accounts=accounts,
                  cleared=clearance(item).cleared and item.state in ("cleared", "published"),
                  sendings=list(item.sendings.order_by(Sending.id.desc()).limit(50)),
                  action=ActionForm(), status=form_status(form))


@bp.post("/sendings/<id:sending_id>/cancel")
@security.requires("edit_campaigns")
def cancel(sending_id):
    sending = Sending.get_or_404(Sending.id == sending_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        changes.cancel(sending)
    except NotAllowed as problem:
        flash(problem.message, "error")
    else:
        flash(_("Cancelled."), "success")
    return redirect(url_for("publishing.send", item_id=sending.item_id))


@bp.post("/posts/<id:post_id>/retry")
@security.requires("edit_campaigns")
def retry(post_id):
    post = RemotePost.get_or_404(RemotePost.id == post_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    changes.retry_takedown(post)
    tasks.take_down_job(post.sending_id)
    flash(_("The take-down is tried again."), "success")
    return redirect(url_for("publishing.index"))
