"""Stored images, by content hash, in the database (one SQLite file, or PostgreSQL behind
several app servers, holds everything)."""

import hashlib

import peewee

from amplify.auth.models import User
from amplify.db import BaseModel, UTCDateTimeField, utcnow
from amplify.media.scrub import describe, scrub_image


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
        """Scrub, then store. The raw bytes are never kept."""
        return cls.store(scrub_image(raw_bytes), label=label, uploaded_by=uploaded_by)
