"""Connected accounts, sendings (an item going to an account, now or at a planned time) and
the remote posts each sending made (one per post of a thread), with their take-down."""

import peewee
from flask_babel import lazy_gettext as _l

from amplify.auth.models import User
from amplify.db import BaseModel, UTCDateTimeField, utcnow
from amplify.items.models import Item, Publication

NETWORKS = {"mastodon": "Mastodon", "bluesky": "Bluesky"}
SENDING_STATES = {
    "planned": _l("Planned"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "refused": _l("Not sent: not cleared"),
    "failed": _l("Failed"),
    "cancelled": _l("Cancelled"),
}
POST_STATES = {
    "online": _l("Online"),
    "deleting": _l("Being taken down"),
    "deleted": _l("Taken down"),
    "failed": _l("Take-down failed"),
}


class Account(BaseModel):
    """A Mastodon or Bluesky account Amplify posts as. ``secret`` (the access token or app
    password) is encrypted with the instance's publishing key and never shown again."""

    network = peewee.CharField()
    label = peewee.CharField()
    server_url = peewee.CharField(max_length=2000)  # Mastodon instance, or Bluesky PDS
    handle = peewee.CharField(default="")  # Bluesky: the handle to sign in with
    secret = peewee.TextField()
    account_name = peewee.CharField(default="")  # as the server names it, after a test
    did = peewee.CharField(default="")  # Bluesky: the repository
    max_characters = peewee.IntegerField(null=True)  # Mastodon: the server's own limit
    last_error = peewee.TextField(default="")
    broken_at = UTCDateTimeField(null=True)  # set when its credentials stopped working
    checked_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "publishing_account"

    def __str__(self):
        return f"{self.label} ({self.network_label})"

    @property
    def network_label(self):
        return NETWORKS.get(self.network, self.network)

    @classmethod
    def for_channel(cls, channel):
        return cls.select().where(cls.network == channel).order_by(cls.label)

    @classmethod
    def broken(cls):
        return cls.select().where(cls.broken_at.is_null(False)).order_by(cls.label)


class Sending(BaseModel):
    """An item to send to an account at ``planned_at``. ``key`` is decided when it is
    planned and makes every retry land on the same posts (never twice)."""

    item = peewee.ForeignKeyField(Item, backref="sendings", on_delete="CASCADE")
    account = peewee.ForeignKeyField(Account, backref="sendings", on_delete="RESTRICT")
    planned_at = UTCDateTimeField(index=True)
    state = peewee.CharField(default="planned", index=True)
    key = peewee.CharField(max_length=64, unique=True)
    attempts = peewee.IntegerField(default=0)
    claimed_at = UTCDateTimeField(null=True)  # a worker is on it since (a crash leaves it set)
    next_try_at = UTCDateTimeField(null=True)
    error = peewee.TextField(default="")
    publication = peewee.ForeignKeyField(Publication, null=True, on_delete="SET NULL")
    requested_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    sent_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = "publishing_sending"

    @property
    def state_label(self):
        return SENDING_STATES.get(self.state, self.state)

    def posts(self):
        return self.remote_posts.order_by(RemotePost.position)


class RemotePost(BaseModel):
    """One post on the network. Its ``remote_key`` is chosen before sending (Bluesky: the
    record key; Mastodon: the status id, known once it answered)."""

    sending = peewee.ForeignKeyField(Sending, backref="remote_posts", on_delete="CASCADE")
    position = peewee.IntegerField()
    remote_key = peewee.CharField(default="")
    created_at_text = peewee.CharField(default="")  # Bluesky: the record's createdAt, fixed
    uri = peewee.TextField(default="")
    cid = peewee.CharField(default="")
    url = peewee.TextField(default="")
    state = peewee.CharField(default="online", index=True)  # before sending: "online" with no uri
    attempts = peewee.IntegerField(default=0)
    next_try_at = UTCDateTimeField(null=True)
    error = peewee.TextField(default="")
    deleted_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = "publishing_post"
        indexes = ((("sending", "position"), True),)

    @property
    def state_label(self):
        return POST_STATES.get(self.state, self.state)

    @property
    def sent(self):
        return bool(self.uri)
