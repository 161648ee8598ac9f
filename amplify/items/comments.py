"""The staff's discussion of an item: who said what, when. ``@name`` mentions a
colleague, who finds it on her start page. Comments never leave the staff's pages: no
export, no review page and no pack carries them."""

import re

import peewee
from flask_babel import lazy_gettext as _l
from slugify import slugify

from amplify import audit
from amplify.auth.models import User
from amplify.db import BaseModel, Shape, UTCDateTimeField, database, utcnow
from amplify.items.models import Item
from amplify.rules import NotAllowed

MAX_LENGTH = 4000
MENTION = re.compile(r"(?<![\w@])@([\w][\w.\-]*[\w]|[\w])")


class ItemComment(BaseModel):
    item = peewee.ForeignKeyField(Item, backref="comments", on_delete="CASCADE")
    author = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    text = peewee.TextField()
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "item_comment"


class CommentMention(BaseModel):
    """A colleague named in a comment; seen once she opens it from her start page."""

    comment = peewee.ForeignKeyField(ItemComment, backref="mentions", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, backref="mentions", on_delete="CASCADE")
    seen_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "comment_mention"
        indexes = ((("comment", "user"), True),)

    @classmethod
    def unseen_for(cls, user):
        return (cls.select(cls, ItemComment, Item).join(ItemComment).join(Item)
                .where((cls.user == user) & cls.seen_at.is_null()).order_by(ItemComment.created_at.desc()))


def handles(user):
    """What ``@`` may be followed by to name ``user``: her e-mail's local part, her name
    and her first name, as slugs (``@ana.souza``, ``@ana-souza``, ``@ana``)."""
    name = slugify(user.name or "")
    return {user.email.split("@", 1)[0].lower(), name, name.split("-", 1)[0]} - {""}


def mentioned(text, author):
    """The active colleagues ``text`` names with ``@``; a handle two people share names
    neither (the writer is told)."""
    wanted = {m.lower() for m in MENTION.findall(text)}
    if not wanted:
        return [], []
    owners = {}
    for user in User.select().where(User.active == True):  # noqa: E712 (peewee)
        for handle in handles(user) & wanted:
            owners.setdefault(handle, []).append(user)
    found = {users[0].id: users[0] for handle, users in owners.items() if len(users) == 1}
    ambiguous = sorted(handle for handle, users in owners.items() if len(users) > 1)
    found.pop(getattr(author, "id", None), None)
    return list(found.values()), ambiguous


def add_comment(item, author, text):
    """Keep a comment and the mentions in it; returns ``(comment, ambiguous handles)``."""
    text = (text or "").strip()
    if not text:
        raise NotAllowed(_l("Write the comment."), "text")
    if len(text) > MAX_LENGTH:
        raise NotAllowed(_l("At most %(n)d characters.", n=MAX_LENGTH), "text")
    users, ambiguous = mentioned(text, author)
    with database.atomic():
        comment = ItemComment.create(item=item, author=author, text=text)
        for user in users:
            CommentMention.create(comment=comment, user=user)
        audit.record("item.comment", item, {"comment": comment.id, "mentions": sorted(u.id for u in users)})
    return comment, ambiguous


def item_comments(item_id, user_id):
    """The item's comments, oldest first, with their authors; ``new_to_me`` marks those
    that mention ``user_id`` and that she has not seen yet."""
    return COMMENTS.rows(item_id, user_id)


def _comments(item_id, user_id):
    unseen = (CommentMention.select(CommentMention.id)
              .where((CommentMention.comment == ItemComment.id) & (CommentMention.user == user_id)
                     & CommentMention.seen_at.is_null()))
    return (ItemComment.select(ItemComment, User.id, User.name, peewee.fn.EXISTS(unseen).alias("new_to_me"))
            .join(User, peewee.JOIN.LEFT_OUTER).where(ItemComment.item == item_id)
            .order_by(ItemComment.created_at, ItemComment.id))


COMMENTS = Shape(_comments)  # read on every view of an item: kept compiled (amplify.db.Shape)


def mark_seen(comments, user):
    """Her mentions in these comments count as seen once she has opened the item (a write
    only when one is new to her)."""
    new = [comment.id for comment in comments if comment.new_to_me]
    if new:
        (CommentMention.update(seen_at=utcnow())
         .where((CommentMention.user == user) & CommentMention.seen_at.is_null() & CommentMention.comment.in_(new))
         .execute())
