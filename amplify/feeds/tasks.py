"""Background work with huey: feeds polled on schedule, "poll now" jobs, and each morning
the invitations' housekeeping (expire unanswered, draft reminders, purge what is due).

Jobs are kept in SQLite in the instance folder, or in Redis when ``REDIS_URL`` is set.
``amplify run`` starts a worker thread itself; with gunicorn, run ``amplify worker`` (or
``huey_consumer amplify.feeds.tasks.huey``) beside it and set ``AMPLIFY_WORKER=external``.
"""

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer

from amplify.config import DEFAULTS, from_environment
from amplify.files import create_private, private_folder


def make_huey(config):
    if config.get("REDIS_URL"):
        return RedisHuey("amplify", url=config["REDIS_URL"])
    return SqliteHuey("amplify", filename=_jobs_file(config.get("INSTANCE_PATH") or DEFAULTS["INSTANCE_PATH"]))


def _jobs_file(instance_path):
    """The SQLite file of the job queue, created private (jobs carry what they work on)."""
    path = private_folder(instance_path) / "jobs.sqlite3"
    create_private(path)
    return str(path)


huey = make_huey({**DEFAULTS, **from_environment()})
# Two at least: polling (bounded by the fetch deadline) never holds up the morning work
# (expiring, reminders, the passport purge) or a "poll now".
WORKERS = 2
_app = None


def bind(app):
    """Tasks run against this app (the consumer makes its own when none is bound)."""
    global _app
    _app = app
    if isinstance(huey, SqliteHuey):  # this app's instance folder keeps its jobs
        huey.storage_kwargs["filename"] = _jobs_file(app.config["INSTANCE_PATH"])
    huey._immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    huey.storage = huey.create_storage()


def _with_app(function, *args):
    if has_app_context():
        return function(*args)
    app = _app
    if app is None:
        from amplify import create_app

        app = create_app()
    with app.app_context():
        return function(*args)


def run_job(job_id):
    """Poll the sources of a "poll now" job one by one, counting progress as it goes."""
    from amplify.db import utcnow
    from amplify.feeds.ingest import poll_many
    from amplify.feeds.models import FeedSource, PollJob

    job = PollJob.get_or_none(PollJob.id == job_id)
    if job is None:
        return

    def count(source, added):
        PollJob.update(done=PollJob.done + 1, added=PollJob.added + added,
                       failed=PollJob.failed + int(bool(source.last_error))).where(PollJob.id == job_id).execute()

    sources = list(FeedSource.select().where(FeedSource.id.in_([int(i) for i in job.source_ids])))
    poll_many(sources, done=count)
    gone = len(job.source_ids) - len(sources)  # deleted since the job was queued
    PollJob.update(done=PollJob.done + gone, finished_at=utcnow()).where(PollJob.id == job_id).execute()


def poll_due():
    from amplify.feeds.ingest import due_sources, poll_many

    return poll_many(due_sources())


@huey.task()
def poll_job(job_id):
    _with_app(run_job, job_id)


@huey.periodic_task(crontab(minute="*"))
@huey.lock_task("poll-due-sources")
def poll_due_sources():
    """Each minute; a run that finds the last one still going (many slow sources) is
    skipped rather than polling the same sources twice."""
    _with_app(poll_due)


def daily():
    """Each morning: expire unanswered invitations, draft reminders, purge what is due."""
    from datetime import date

    from amplify.invitations.changes import expire_unanswered, purge
    from amplify.invitations.reminders import draft_due

    today = date.today()
    expire_unanswered(today)
    draft_due(today)
    purge(today)


@huey.periodic_task(crontab(hour="6", minute="0"))
def daily_invitation_work():
    _with_app(daily)


class InProcessConsumer(Consumer):
    """A consumer in threads of the web process: it leaves the server's signals alone."""

    def _set_signal_handlers(self):
        pass


def start_in_process():
    if huey.immediate or current_app.config.get("WORKER") != "thread":
        return None
    consumer = InProcessConsumer(huey, workers=WORKERS, periodic=True, worker_type="thread")
    consumer.start()
    return consumer


# A consumer started as ``huey_consumer amplify.feeds.tasks.huey`` must know every task on
# this huey, also those of the packages built on it (imported last: they import ``huey``).
import amplify.publishing.tasks  # noqa: E402,F401
