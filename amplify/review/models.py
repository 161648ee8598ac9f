"""What an activist asks of the team from her page, and how her personal link reached her."""

import peewee
from flask_babel import lazy_gettext as _l

from amplify.auth.models import User
from amplify.consent.models import ReviewLink
from amplify.db import BaseModel, Shape, UTCDateTimeField, utcnow
from amplify.people.models import Activist

HELP_KINDS = {"call": _l("Asks to be called or met instead of deciding on the page"),
              "explain": _l("Asks to have it explained (not in a language she reads)")}
SENDING_METHODS = {"whatsapp": _l("WhatsApp"), "sms": _l("SMS"), "email": _l("E-mail"),
                   "qr": _l("QR code shown")}


class HelpRequest(BaseModel):
    """She would rather talk (``call``) or needs it explained (``explain``), about one
    thing waiting for her, or in general (no subject). Open until staff mark it handled."""

    activist = peewee.ForeignKeyField(Activist, backref="help_requests", on_delete="CASCADE")
    kind = peewee.CharField()
    subject_type = peewee.CharField(default="")
    subject_id = peewee.IntegerField(null=True)
    note = peewee.TextField(default="")
    created_at = UTCDateTimeField(default=utcnow)
    handled_at = UTCDateTimeField(null=True)
    handled_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")

    @property
    def kind_label(self):
        return HELP_KINDS.get(self.kind, self.kind)

    @classmethod
    def open_for(cls, activist):
        return OPEN_HELP.rows(activist.id)



OPEN_HELP = Shape(lambda activist_id: (  # on every view of her page: kept compiled (amplify.db.Shape)
    HelpRequest.select().where((HelpRequest.activist == activist_id) & HelpRequest.handled_at.is_null())
    .order_by(HelpRequest.created_at)))


class LinkSending(BaseModel):
    """Staff sent her personal link (how, who, when). The link itself is never stored here
    nor in the audit log: whoever holds it can answer in her name."""

    activist = peewee.ForeignKeyField(Activist, on_delete="CASCADE")
    review_link = peewee.ForeignKeyField(ReviewLink, null=True, on_delete="SET NULL")
    method = peewee.CharField()
    sent_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    at = UTCDateTimeField(default=utcnow)

    @property
    def method_label(self):
        return SENDING_METHODS.get(self.method, self.method)
