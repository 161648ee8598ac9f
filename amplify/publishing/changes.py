"""Publishing workflows: connecting an account, planning a sending, sending it (the worker
asks ``clearance()`` at that moment), and taking down what went out.

Network calls never run inside a database transaction: each step commits what it learnt
(a record key chosen, a post's address) before the next call, so a worker killed at any
point resumes on the same keys and lands on the same posts.
"""

import uuid
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, lazy_gettext as _l

from amplify import audit
from amplify.consent.clearance import clearance
from amplify.db import database, utcnow
from amplify.items.changes import confirm_takedown, publish
from amplify.items.models import THREAD_BREAK, Item, Publication
from amplify.publishing import bluesky, mastodon, vault
from amplify.publishing.errors import PublishError
from amplify.publishing.models import Account, RemotePost, Sending
from amplify.publishing.transport import check_server
from amplify.rules import NotAllowed

CLIENTS = {"mastodon": mastodon, "bluesky": bluesky}
MAX_BACKOFF = timedelta(hours=1)
TAKEDOWN_ATTEMPTS = 12  # then it waits for staff, in the take-down queue
SEND_ATTEMPTS = 8  # then the sending is marked failed, with the last reason


def _said(message):
    """A message kept in the database, in the instance's language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return str(message)


def _test(account, secret):
    """Ask the server who the account is; fills the account's name (PublishError)."""
    check_server(account.server_url)
    found = CLIENTS[account.network].check(account, secret)
    account.account_name = found["account_name"]
    account.did = found.get("did", account.did)
    account.max_characters = found.get("max_characters", account.max_characters)
    account.checked_at, account.broken_at, account.last_error = utcnow(), None, ""


def connect_account(network, label, server_url, handle, secret, user=None):
    """A new connected account, kept only when the server accepted its credentials."""
    account = Account(network=network, label=label.strip(), server_url=server_url.strip().rstrip("/"),
                      handle=(handle or "").strip().lstrip("@"))
    _test(account, secret)
    account.secret = vault.seal(secret)
    with database.atomic():
        account.save()
        audit.record("publishing.account_connected", account,
                     {"network": network, "server": account.server_url, "name": account.account_name})
    return account


def test_account(account):
    """Test the connection again; the account is flagged broken when it fails."""
    try:
        _test(account, vault.unseal(account.secret))
    except PublishError as problem:
        mark_broken(account, problem)
        raise
    account.save()


def mark_broken(account, problem):
    account.last_error = _said(problem.message)
    if problem.kind in ("auth", "bad"):
        account.broken_at = account.broken_at or utcnow()
    account.checked_at = utcnow()
    account.save()


def disconnect(account):
    """Forget an account (its secret with it); refused while posts it made are online."""
    live = (RemotePost.select().join(Sending)
            .where((Sending.account == account) & (RemotePost.state != "deleted")).exists())
    if live:
        raise NotAllowed(_l("Posts made with this account are still online: take them down first."))
    with database.atomic():
        Sending.delete().where(Sending.account == account).execute()
        audit.record("publishing.account_disconnected", account, {"name": account.account_name})
        account.delete_instance()


def plan(item, account, when=None, user=None):
    """Plan ``item`` for ``account`` at ``when`` (None: now). Refused unless it is cleared
    now; the worker asks again when it sends."""
    if account.network != item.channel:
        raise NotAllowed(_l("This account is not on the item's platform."))
    if not clearance(item).cleared or item.state not in ("cleared", "published"):
        raise NotAllowed(_l("Only a cleared item can be published."))
    with database.atomic():
        sending = Sending.create(item=item, account=account, planned_at=when or utcnow(),
                                 key=uuid.uuid4().hex, requested_by=user)
        audit.record("publishing.planned", item, {"sending": sending.id, "account": account.id,
                                                  "at": sending.planned_at.isoformat()})
    return sending


def cancel(sending):
    if sending.state != "planned":
        raise NotAllowed(_l("Only a planned sending can be cancelled."))
    with database.atomic():
        sending.state = "cancelled"
        sending.save()
        audit.record("publishing.cancelled", sending.item, {"sending": sending.id})


def _claim(sending_id):
    """Take the sending for this worker (False: another has it, or it is not due). A claim
    older than PUBLISHING_RETRY_MINUTES belongs to a worker that died."""
    now = utcnow()
    stale = now - timedelta(minutes=current_app.config["PUBLISHING_RETRY_MINUTES"])
    due = (Sending.state == "planned") & (Sending.planned_at <= now) \
        & (Sending.next_try_at.is_null() | (Sending.next_try_at <= now))
    return bool(Sending.update(state="sending", claimed_at=now, attempts=Sending.attempts + 1)
                .where((Sending.id == sending_id) & (due | ((Sending.state == "sending")
                                                            & (Sending.claimed_at < stale))))
                .execute())


def _back_off(attempts, problem):
    wait = timedelta(seconds=problem.retry_after) if problem.retry_after is not None \
        else min(timedelta(seconds=30 * 2 ** min(attempts, 10)), MAX_BACKOFF)
    return utcnow() + wait


def _texts(item, result):
    text = result.published_text()
    if item.kind != "thread":
        return [text.strip()]
    return [post.strip() for post in THREAD_BREAK.split(text) if post.strip()]


def _prepare_posts(sending, count):
    """A row per post, each with its key chosen and committed before anything is sent."""
    existing = {post.position: post for post in sending.remote_posts}
    posts = []
    for position in range(count):
        post = existing.get(position)
        if post is None:
            post = RemotePost.create(
                sending=sending, position=position,
                remote_key=bluesky.new_tid() if sending.account.network == "bluesky" else "",
                created_at_text=bluesky.created_at())
        posts.append(post)
    return posts


def send(sending_id):
    """Send one due sending (the worker's job). Nothing goes out unless clearance() says
    yes now; what it says otherwise is kept on the sending for the author."""
    if not _claim(sending_id):
        return None
    sending = Sending.get_by_id(sending_id)
    item, account = sending.item, sending.account
    result = clearance(item)
    if not result.cleared or item.state not in ("cleared", "published"):
        reasons = [_said(p) for p in result.problems] + \
            [f"{p.person.activist.display_name}: {_said(p.reason)}" for p in result.waiting]
        _finish(sending, "refused", _said(_l("Not sent: it is no longer cleared.")) + " " + "; ".join(reasons))
        return sending
    try:
        texts = _texts(item, result)
        client = CLIENTS[account.network]
        session = client.Session(account, vault.unseal(account.secret))
        session.check_lengths(texts)
        posts = _prepare_posts(sending, len(texts))
        images = [(image.asset, image.alt_text) for image in item.images(with_data=True)]
        for position, (text, post) in enumerate(zip(texts, posts)):
            if post.sent:
                continue  # sent before a crash or a retry
            parent = posts[position - 1] if position else None
            if account.network == "mastodon":
                session.post(post, text, item.language, images if position == 0 else [], parent,
                             f"amplify-{sending.key}-{position}")
            else:
                session.post(post, text, item.language, images if position == 0 else [], parent, posts[0])
            post.save()
    except (KeyError, TypeError, AttributeError):  # an answer without the fields the API documents
        problem = PublishError(_l("The server's answer was not understood."), "server")
        _give_up_or_retry(sending, account, problem)
        return sending
    except PublishError as problem:
        _give_up_or_retry(sending, account, problem)
        return sending
    _published(sending, item, posts)
    return sending


def _give_up_or_retry(sending, account, problem):
    if problem.kind == "auth":
        mark_broken(account, problem)
    if problem.retryable and sending.attempts < SEND_ATTEMPTS:
        Sending.update(state="planned", next_try_at=_back_off(sending.attempts, problem),
                       error=_said(problem.message), claimed_at=None).where(Sending.id == sending.id).execute()
    else:
        _finish(sending, "failed", _said(problem.message))


def _finish(sending, state, error=""):
    with database.atomic():
        Sending.update(state=state, error=error, claimed_at=None).where(Sending.id == sending.id).execute()
        audit.record("publishing." + state, sending.item, {"sending": sending.id, "why": error})


def _published(sending, item, posts):
    """Log the publication with the first post's address; if consent went away while the
    posts were being sent, they are taken down at once instead."""
    try:
        with database.atomic():
            publication = publish(Item.get_by_id(item.id), None, sending.account.network, posts[0].url)
            Sending.update(state="sent", publication=publication, sent_at=utcnow(), error="",
                           claimed_at=None).where(Sending.id == sending.id).execute()
    except NotAllowed:
        _finish(sending, "refused", _said(_l("Consent changed while it was being sent: the posts "
                                             "are being taken down.")))
        _start_deleting(sending)


# Take-down ------------------------------------------------------------------------------

def _start_deleting(sending):
    return (RemotePost.update(state="deleting", next_try_at=utcnow(), attempts=0)
            .where((RemotePost.sending == sending.id) & (RemotePost.state == "online")
                   & (RemotePost.uri != "")).execute())


def start_takedowns(item_id=None):
    """Every sent post whose publication must come down starts being deleted. Returns the
    sendings concerned (for the worker to work on)."""
    query = (Sending.select().join(Publication, on=(Sending.publication == Publication.id))
             .where((Publication.takedown_state == "required") & (Sending.state == "sent")))
    if item_id is not None:
        query = query.where(Sending.item == item_id)
    started = []
    for sending in query:
        if _start_deleting(sending):
            started.append(sending.id)
    return started


def take_down(sending_id):
    """Delete the due posts of one sending, read each back to confirm it is gone, and
    confirm the publication's take-down when all are. Failures wait longer each time."""
    sending = Sending.get_or_none(Sending.id == sending_id)
    if sending is None:
        return
    now = utcnow()
    due = list(sending.remote_posts.where(
        (RemotePost.state == "deleting") & (RemotePost.next_try_at.is_null() | (RemotePost.next_try_at <= now)))
        .order_by(RemotePost.position.desc()))  # replies first, the way a person would
    if not due:
        return
    account = sending.account
    try:
        session = CLIENTS[account.network].Session(account, vault.unseal(account.secret))
    except PublishError as problem:
        return _delete_failed(due, problem, account)
    for post in due:
        try:
            session.delete(post)
            if not session.gone(post):
                raise PublishError(_l("The server still shows the post after deleting it."), "server")
        except PublishError as problem:
            _delete_failed([post], problem, account)
            continue
        RemotePost.update(state="deleted", deleted_at=utcnow(), error="", next_try_at=None) \
            .where(RemotePost.id == post.id).execute()
    _confirm_if_all_gone(sending)


def _delete_failed(posts, problem, account):
    if problem.kind == "auth":
        mark_broken(account, problem)
    for post in posts:
        attempts = post.attempts + 1
        gives_up = not problem.retryable and attempts >= 3 or attempts >= TAKEDOWN_ATTEMPTS
        RemotePost.update(attempts=attempts, error=_said(problem.message),
                          state="failed" if gives_up else "deleting",
                          next_try_at=None if gives_up else _back_off(attempts, problem)) \
            .where(RemotePost.id == post.id).execute()


def _confirm_if_all_gone(sending):
    if sending.remote_posts.where(RemotePost.state != "deleted").exists():
        return
    publication = Publication.get_or_none(Publication.id == sending.publication_id)
    if publication is not None and publication.takedown_state == "required":
        confirm_takedown(publication, None)


def retry_takedown(post):
    """Staff ask for another try of a take-down that gave up."""
    RemotePost.update(state="deleting", attempts=0, next_try_at=utcnow()).where(
        (RemotePost.id == post.id) & (RemotePost.state == "failed")).execute()


def due_work(now=None):
    """``(sending ids to send, sending ids with deletions due)`` for the minute's sweep."""
    now = now or utcnow()
    stale = now - timedelta(minutes=current_app.config["PUBLISHING_RETRY_MINUTES"])
    sends = [s.id for s in Sending.select(Sending.id).where(
        ((Sending.state == "planned") & (Sending.planned_at <= now)
         & (Sending.next_try_at.is_null() | (Sending.next_try_at <= now)))
        | ((Sending.state == "sending") & (Sending.claimed_at < stale))).order_by(Sending.planned_at)]
    deletions = sorted({p.sending_id for p in RemotePost.select(RemotePost.sending).where(
        (RemotePost.state == "deleting") & (RemotePost.next_try_at.is_null() | (RemotePost.next_try_at <= now)))})
    return sends, deletions
