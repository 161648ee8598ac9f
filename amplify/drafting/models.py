"""What left Amplify as a file: each export (scheduler CSV, calendar, kit, talking-point
sheet), who made it, when, and which items it carried. Amplify cannot call a file back, so
a protection lists these for staff to contact whoever received them by hand."""

import peewee
from flask_babel import lazy_gettext as _l

from amplify.auth.models import User
from amplify.campaigns.models import Campaign
from amplify.db import BaseModel, UTCDateTimeField, database, utcnow
from amplify.items.models import Item

KINDS = {
    "scheduler": _l("Scheduler file"),
    "csv": _l("Publications spreadsheet"),
    "ical": _l("Calendar file"),
    "kit": _l("Campaign kit"),
    "sheet": _l("Talking-point sheet"),
}


class Export(BaseModel):
    kind = peewee.CharField()
    filename = peewee.CharField()
    campaign = peewee.ForeignKeyField(Campaign, on_delete="CASCADE", backref="+")
    made_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="+")
    made_at = UTCDateTimeField(default=utcnow)

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)


class ExportedItem(BaseModel):
    export = peewee.ForeignKeyField(Export, backref="items", on_delete="CASCADE")
    item = peewee.ForeignKeyField(Item, on_delete="CASCADE", backref="+", index=True)


def record_export(kind, filename, campaign, items, user):
    """Write down that ``items`` left in a file (one transaction)."""
    with database.atomic():
        export = Export.create(kind=kind, filename=filename, campaign=campaign, made_by=user)
        for item_id in sorted({item.id for item in items}):
            ExportedItem.create(export=export, item=item_id)
    return export
