"""Fingerprints of the instance's keys (``amplify/keys.py``): Amplify refuses to start with
keys this database was not written with, instead of quietly making new ones. The rows are
written at the next start (a migration does not see the keys)."""

import peewee


def upgrade(db):
    class InstanceKey(peewee.Model):
        name = peewee.CharField(primary_key=True)
        fingerprint = peewee.CharField(max_length=64)
        recorded_at = peewee.DateTimeField()

        class Meta:
            database = db
            table_name = "instance_key"

    db.create_tables([InstanceKey])
