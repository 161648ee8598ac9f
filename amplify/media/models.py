"""Stored images, by content hash, in the database (one SQLite file, or PostgreSQL behind
several app servers, holds everything)."""

import hashlib

import peewee

from amplify.auth.models import User
from amplify.db import BaseModel, UTCDateTimeField, utcnow
from amplify.media.scrub import describe, scrub_image
from amplify.people.models import Activist


class Asset(BaseModel):
    sha256 = peewee.CharField(max_length=64, unique=True)
    data = peewee.BlobField()
    mime = peewee.CharField()
    width = peewee.IntegerField()
    height = peewee.IntegerField()
    label = peewee.CharField(default="")
    derived_from = peewee.CharField(max_length=64, null=True)  # the image it was blurred from
    uploaded_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    faces_found = peewee.IntegerField(null=True)  # None: never looked at (cards, older photos)

    @property
    def extension(self):
        return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[self.mime]

    @classmethod
    def store(cls, clean_bytes, label="", derived_from=None, uploaded_by=None):
        """Keep already-scrubbed bytes (the same bytes twice are one asset)."""
        sha = hashlib.sha256(clean_bytes).hexdigest()
        existing = cls.get_or_none(cls.sha256 == sha)
        if existing is not None:
            return existing
        mime, width, height = describe(clean_bytes)
        return cls.create(sha256=sha, data=clean_bytes, mime=mime, width=width, height=height,
                          label=label, derived_from=derived_from, uploaded_by=uploaded_by)

    @classmethod
    def upload(cls, raw_bytes, label="", uploaded_by=None):
        """Scrub, store, and propose every face found as a region to blur. The raw bytes
        are never kept."""
        asset = cls.store(scrub_image(raw_bytes), label=label, uploaded_by=uploaded_by)
        if asset.faces_found is None:
            asset.look_for_faces()
        return asset

    def look_for_faces(self):
        """Run the detector and keep what it found (replacing what was kept before)."""
        from amplify.media.detect import detect

        boxes, found = detect(bytes(self.data))
        Face.delete().where(Face.asset == self).execute()
        for x, y, w, h in boxes:
            Face.create(asset=self, x=x, y=y, w=w, h=h)
        self.faces_found = found
        self.save(only=[Asset.faces_found])

    def faces(self):
        return list(Face.select(Face, Activist).join(Activist, peewee.JOIN.LEFT_OUTER)
                    .where(Face.asset == self).order_by(Face.id))


class Face(BaseModel):
    """A face the detector found on an asset (a box in its pixels). On a blurred copy it is
    marked ``blurred`` when the regions blurred cover it. ``activist``: staff said whose
    face it is; it may then stay visible in an item that shows her and where she agreed."""

    asset = peewee.ForeignKeyField(Asset, on_delete="CASCADE", index=True)
    x = peewee.IntegerField()
    y = peewee.IntegerField()
    w = peewee.IntegerField()
    h = peewee.IntegerField()
    blurred = peewee.BooleanField(default=False)
    activist = peewee.ForeignKeyField(Activist, null=True, on_delete="SET NULL")

    @property
    def box(self):
        return (self.x, self.y, self.w, self.h)
