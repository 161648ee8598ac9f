"""Staff accounts, login attempts, the audit chain, organizations and activists."""

import peewee


def upgrade(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        email = peewee.CharField(unique=True)
        name = peewee.CharField()
        password_hash = peewee.CharField()
        role = peewee.CharField()
        language = peewee.CharField(null=True)
        active = peewee.BooleanField(default=True)
        session_version = peewee.IntegerField(default=1)
        created_at = peewee.DateTimeField()
        last_login_at = peewee.DateTimeField(null=True)

    class LoginAttempt(Base):
        email = peewee.CharField(index=True)
        address = peewee.CharField(index=True)
        at = peewee.DateTimeField(index=True)
        succeeded = peewee.BooleanField()

    class AuditEvent(Base):
        seq = peewee.IntegerField(unique=True)
        at = peewee.DateTimeField()
        actor_id = peewee.IntegerField(null=True)
        actor_label = peewee.CharField()
        action = peewee.CharField()
        subject_type = peewee.CharField()
        subject_id = peewee.CharField()
        summary = peewee.TextField()
        prev_hash = peewee.CharField(max_length=64)
        hash = peewee.CharField(max_length=64, unique=True)

        class Meta:
            indexes = ((("subject_type", "subject_id"), False),)

    class Organization(Base):
        slug = peewee.CharField(unique=True)
        name = peewee.CharField()
        formal = peewee.BooleanField(default=True)
        country = peewee.CharField(max_length=2)
        our_role = peewee.CharField()
        last_review_on = peewee.DateField(null=True)
        next_review_on = peewee.DateField(index=True)
        notes = peewee.TextField(default="")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

    class Activist(Base):
        ref = peewee.CharField(unique=True)
        display_name = peewee.CharField()
        pseudonym = peewee.CharField(default="")
        organization = peewee.ForeignKeyField(Organization, null=True, on_delete="SET NULL")
        country = peewee.CharField(max_length=2)
        languages = peewee.TextField(default="[]")
        contact_channels = peewee.TextField(default="[]")
        risk_level = peewee.CharField()
        default_attribution = peewee.CharField()
        face_may_be_shown = peewee.BooleanField(default=False)
        notes = peewee.TextField(default="")
        created_at = peewee.DateTimeField()
        updated_at = peewee.DateTimeField()

    class Spokesperson(Base):
        activist = peewee.ForeignKeyField(Activist, on_delete="CASCADE")
        organization = peewee.ForeignKeyField(Organization, on_delete="CASCADE")

        class Meta:
            indexes = ((("activist", "organization"), True),)

    db.create_tables([User, LoginAttempt, AuditEvent, Organization, Activist, Spokesperson])
