"""Server-side sessions, so that signing out, a new password or an admin's "sign out
everywhere" ends a session even where its cookie was copied; failed review-link guesses
counted per token prefix as well as per address."""

import peewee
from playhouse.migrate import SchemaMigrator, migrate


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        class Meta:
            table_name = "user"

    class UserSession(Base):
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        key_hash = peewee.CharField(unique=True)
        created_at = peewee.DateTimeField()
        last_seen_at = peewee.DateTimeField()
        address = peewee.CharField(default="")
        agent = peewee.CharField(default="")
        revoked_at = peewee.DateTimeField(null=True)

    db.create_tables([UserSession])
    migrator = SchemaMigrator.from_database(db)
    migrate(
        # A session row replaces the version number the cookie used to carry.
        migrator.drop_column("user", "session_version"),
        migrator.add_column("link_attempt", "prefix", peewee.CharField(default="")),
        migrator.add_index("link_attempt", ("prefix",)),
    )
