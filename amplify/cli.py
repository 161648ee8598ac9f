"""The ``amplify`` command: a Flask CLI group bound to ``create_app``."""

import secrets
import sys
from pathlib import Path

import click
from flask import current_app, g
from flask.cli import FlaskGroup, with_appcontext

from amplify import audit, keys, migrations
from amplify.audit.models import AuditEvent
from amplify.chain import ChainBroken
from amplify.db import connection, database
from amplify.keys import KeysDoNotMatch


def _create_app():
    from amplify import create_app

    try:
        return create_app()
    except KeysDoNotMatch as refused:
        raise click.ClickException(str(refused)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=False,
             add_version_option=False)
def main():
    """Amplify: carry the movement's message further, with consent for every item."""


def register_commands(app):
    """Commands are attached to the app too, so ``flask --app amplify`` works the same."""
    for command in (init, run, worker, db_group, user_group, campaign_group, audit_group, consent_group,
                    invitations_group, feeds_group):
        app.cli.add_command(command)


def _as_cli():
    g.actor_label = "cli"


def _upgrade():
    applied = migrations.upgrade(database.obj)
    for name in applied:
        click.echo(f"applied migration {name}")
    keys.remember(current_app.config)
    if "0016_bounded_pages" in applied:
        _derive_stored_state()
    click.echo(f"database at version {migrations.current_version(database.obj)}")


def _derive_stored_state():
    """Fill what migration 0016 added from the live rules: each item's clearance verdict
    and every invitation's deadlines."""
    from amplify.invitations import deadlines
    from amplify.items.changes import judge_unjudged

    judge_unjudged()
    deadlines.rebuild()
    click.echo("stored each item's clearance and every deadline")


@click.command()
@with_appcontext
def init():
    """Create or upgrade the database, load the demo packs into an empty database, and
    make sure an admin account exists."""
    from amplify.auth.models import User
    from amplify.campaigns.models import Campaign
    from amplify.campaigns.packs import PackError, import_pack
    from amplify.people.models import Organization

    _as_cli()
    with connection():
        _upgrade()
        if not Campaign.select().exists() and not Organization.select().exists():
            packs = Path(current_app.config["DEMO_PACKS"])
            for folder in sorted(p for p in packs.iterdir() if (p / "campaign.toml").is_file()) \
                    if packs.is_dir() else []:
                try:
                    imported = import_pack(folder, current_app.config["REVIEW_MONTHS"], trusted=True)
                except PackError as error:
                    raise click.ClickException(f"demo pack {folder.name}: {error}") from None
                click.echo(f"loaded demo campaign {imported.campaign.slug}")
        if not User.select().where(User.role == "admin").exists():
            import os

            email = User.normalise_email(os.environ.get("AMPLIFY_ADMIN_EMAIL") or "admin@amplify.local")
            password = os.environ.get("AMPLIFY_ADMIN_PASSWORD") or ""
            generated = not password
            if generated:
                password = secrets.token_urlsafe(12)
            _create_user(email, "admin", password, name="Admin")
            click.echo(f"created admin account {email}")
            if generated:
                click.echo(f"its password (shown once): {password}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="PORT", default=5000, show_default=True, type=int)
@with_appcontext
def run(host, port):
    """Serve Amplify for one machine (use gunicorn for many users; see README)."""
    from werkzeug.serving import run_simple

    from amplify.feeds.tasks import start_in_process

    consumer = start_in_process()
    click.echo(f"Amplify on http://{host}:{port}/" + (" (with a background worker)" if consumer else ""))
    run_simple(host, port, current_app._get_current_object(), threaded=True)


@click.command()
@click.option("--workers", default=2, show_default=True, type=int)  # as tasks.WORKERS
@with_appcontext
def worker(workers):
    """Run background jobs (feed polling on schedule, "poll now"): beside gunicorn."""
    from amplify.feeds.tasks import huey

    click.echo("Amplify worker: " + type(huey.storage).__name__)
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


@click.group("db")
def db_group():
    """Database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply pending numbered migrations."""
    with connection():
        _upgrade()


@click.group("user")
def user_group():
    """Staff accounts."""


def _create_user(email, role, password, name=None):
    from amplify.auth.models import User

    with database.atomic():
        user = User(email=email, name=name or email.split("@")[0], role=role)
        user.set_password(password)
        user.save()
        audit.record("user.create", user, {"after": user.audit_view()})
    return user


@user_group.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "comms", "events", "viewer"]), required=True)
@click.option("--name", default=None, help="Display name (default: the part before @).")
@with_appcontext
def user_add(email, role, name):
    """Add a staff account. The password is asked for, or read from standard input."""
    from amplify.auth.forms import MIN_PASSWORD
    from amplify.auth.models import User

    _as_cli()
    email = User.normalise_email(email)
    if "@" not in email:
        raise click.BadParameter("not an email address", param_hint="EMAIL")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password needs at least {MIN_PASSWORD} characters")
    with connection():
        if User.by_email(email) is not None:
            raise click.ClickException(f"an account for {email} already exists")
        _create_user(email, role, password, name)
    click.echo(f"created {role} account {email}")


@click.group("campaign")
def campaign_group():
    """Campaign packs (plain files)."""


@campaign_group.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def campaign_import(path):
    """Import (or update) a campaign from a pack folder."""
    from amplify.campaigns.packs import PackError, import_pack

    _as_cli()
    with connection():
        try:
            imported = import_pack(path, current_app.config["REVIEW_MONTHS"])
        except PackError as error:
            raise click.ClickException(f"{error.file}: {error.field}: {error.problem}") from None
    click.echo(f"imported campaign {imported.campaign.slug}")
    if imported.approvals_held_back:
        click.echo(f"{len(imported.approvals_held_back)} approvals imported as proposed (approvals never enter "
                   f"through files; ask the spokespeople again): {', '.join(imported.approvals_held_back)}")
    if imported.steps_not_replayed:
        click.echo(f"{imported.steps_not_replayed} steps of the pack's item and event histories (reviews, "
                   "consent decisions, publications) were not replayed: items stay drafts, and people "
                   "decide on their own review page")


@campaign_group.command("export")
@click.argument("slug")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def campaign_export(slug, dest):
    """Write campaign SLUG as a pack into folder DEST."""
    from amplify.campaigns.models import Campaign
    from amplify.campaigns.packs import export_pack

    with connection():
        if not Campaign.select().where(Campaign.slug == slug).exists():
            raise click.ClickException(f"no campaign {slug!r}")
        export_pack(slug, dest)
    click.echo(f"exported {slug} to {dest}")


@click.group("audit")
def audit_group():
    """The audit log."""


_EXPECT = click.option("--expect", metavar="HASH", help="a head hash an outside witness kept: the chain "
                                                          "must still contain it")
_RESET = click.option("--reset-checkpoint", is_flag=True,
                      help="after restoring an older backup on purpose: check the chain on its own "
                           "and make its head the new checkpoint")


def _verify_chain(model, name, unit, units, expect, reset):
    """Verify one chain and print what it was held against; exit 1 when it is broken."""
    with connection():
        try:
            if reset:
                old, new = model.reset_checkpoint(expect)
                _as_cli()
                with database.atomic():
                    audit.record("chain.checkpoint_reset", None,
                                 {"chain": name, "before": old and old._asdict(), "after": new._asdict()},
                                 subject_type="chain", subject_id=model._meta.table_name)
            count, head = model.verify(expect)
            checkpoint = model.checkpoint()
            erased = model.erased_count()
        except ChainBroken as broken:
            where = f" at {unit} {broken.seq}" if broken.seq is not None else ""
            click.echo(f"{name} {'cannot be verified' if broken.wrong_key else 'BROKEN'}{where}: "
                       f"{broken.reason}", err=True)
            sys.exit(1)
    click.echo(f"{name} intact: {count} {units}, head {head}")
    click.echo(f"{erased} {units} with erased personal data (sealed or committed: they still verify)")
    if checkpoint is None:
        click.echo(f"checkpoint: none yet ({model.checkpoint_path()} is written after the next change)")
    else:
        behind = f"; the chain extends it by {count - checkpoint.length}" if count > checkpoint.length else ""
        click.echo(f"checkpoint: {checkpoint.length} {units}, head {checkpoint.head} "
                   f"({model.checkpoint_path()}){behind}")
    if expect:
        click.echo(f"witnessed head {expect} is in the chain")


@audit_group.command("verify")
@_EXPECT
@_RESET
@with_appcontext
def audit_verify(expect, reset_checkpoint):
    """Recompute the hash chain and hold it against its checkpoint; exit 1 naming the
    first bad entry."""
    _verify_chain(AuditEvent, "audit chain", "entry", "entries", expect, reset_checkpoint)


@click.group("consent")
def consent_group():
    """The consent ledger."""


@consent_group.command("verify")
@_EXPECT
@_RESET
@with_appcontext
def consent_verify(expect, reset_checkpoint):
    """Recompute the ledger's hash chain and hold it against its checkpoint; exit 1
    naming the first bad record."""
    from amplify.consent.models import Decision

    _verify_chain(Decision, "consent ledger", "record", "records", expect, reset_checkpoint)


@consent_group.command("expire")
@with_appcontext
def consent_expire():
    """Record consents whose end date passed; list published items that need review."""
    from amplify.consent import ledger

    _as_cli()
    with connection():
        items = ledger.expire()
        for item in items:
            note = "PUBLISHED, review it" if item.state == "published" else item.state
            click.echo(f"expired consent: item {item.id} {item.title!r} ({note})")
    click.echo(f"{len(items)} item(s) affected")


@click.group("invitations")
def invitations_group():
    """Invitations to events."""


@invitations_group.command("expire")
@with_appcontext
def invitations_expire():
    """Mark invitations still unanswered a week after their answer date as expired (run daily)."""
    from datetime import date

    from amplify.invitations.changes import expire_unanswered

    _as_cli()
    with connection():
        moved = expire_unanswered(date.today())
        for invitation in moved:
            click.echo(f"expired: invitation {invitation.id} ({invitation.event.title}), answer due "
                       f"{invitation.answer_due}")
    click.echo(f"{len(moved)} invitation(s) expired")


@invitations_group.command("remind")
@with_appcontext
def invitations_remind():
    """Draft reminders for deadlines overdue or due within 3 days into the outbox (run daily;
    nothing is sent: staff read and send them)."""
    from datetime import date

    from amplify.invitations.reminders import draft_due

    _as_cli()
    with connection():
        drafted = draft_due(date.today())
        for reminder in drafted:
            click.echo(f"drafted: {reminder.subject}")
    click.echo(f"{len(drafted)} reminder(s) drafted")


@invitations_group.command("purge")
@with_appcontext
def invitations_purge():
    """Delete sensitive fields (passport numbers) whose purge date has come (run daily)."""
    from datetime import date

    from amplify.invitations.changes import purge

    _as_cli()
    with connection():
        count = purge(date.today())
    click.echo(f"purged {count} invitation(s)")


@click.group("feeds")
def feeds_group():
    """Feed sources: the movement's statements and media monitoring."""


@feeds_group.command("add")
@click.argument("url")
@click.option("--kind", type=click.Choice(["movement", "monitoring"]), required=True)
@click.option("--organization", "organization_slug", help="slug of the organization that publishes it")
@click.option("--campaign", "campaign_slugs", multiple=True, help="slug of a campaign (repeatable)")
@click.option("--interval", default=60, show_default=True, type=click.IntRange(5, 10080),
              help="minutes between polls")
@with_appcontext
def feeds_add(url, kind, organization_slug, campaign_slugs, interval):
    """Add a feed source."""
    from amplify.campaigns.models import Campaign
    from amplify.feeds.changes import save_source
    from amplify.feeds.models import FeedSource
    from amplify.people.models import Organization
    from amplify.rules import NotAllowed

    _as_cli()
    with connection():
        organization = None
        if organization_slug:
            organization = Organization.get_or_none(Organization.slug == organization_slug)
            if organization is None:
                raise click.ClickException(f"no organization {organization_slug!r}")
        campaigns = []
        for slug in campaign_slugs:
            campaign = Campaign.get_or_none(Campaign.slug == slug)
            if campaign is None:
                raise click.ClickException(f"no campaign {slug!r}")
            campaigns.append(campaign)
        try:
            source = save_source(FeedSource(), url=url, kind=kind, organization=organization,
                                 campaigns=campaigns, interval_minutes=interval)
        except NotAllowed as refused:
            raise click.ClickException(str(refused.message)) from None
    click.echo(f"added source {source.id}: {source.url}")


@feeds_group.command("poll")
@click.option("--all", "everything", is_flag=True, help="every active source, not only those due")
@with_appcontext
def feeds_poll(everything):
    """Poll the sources that are due (or all active ones) now, in this process."""
    from amplify.feeds.ingest import due_sources, poll
    from amplify.feeds.models import FeedSource

    _as_cli()
    failed = 0
    with connection():
        sources = list(FeedSource.select().where(~FeedSource.paused) if everything else due_sources())
        for source in sources:
            added = poll(source)
            state = f"error: {source.last_error}" if source.last_error else f"{added} new"
            failed += bool(source.last_error)
            click.echo(f"{source.url}: {state}" + (f" (warning: {source.warning})" if source.warning else ""))
    click.echo(f"polled {len(sources)} source(s), {failed} failed")
