"""The worker's publishing jobs, on the feeds' huey: "send now", take-downs started by a
withdrawal, and each minute a sweep of what is due (planned times, retries, sendings a
killed worker left behind)."""

from huey import crontab

from amplify.db import utcnow
from amplify.feeds.tasks import _with_app, huey
from amplify.publishing import changes


@huey.task()
def send_job(sending_id):
    _with_app(changes.send, sending_id)


@huey.task()
def take_down_job(sending_id):
    _with_app(changes.take_down, sending_id)


def queue(sending):
    """Hand a planned sending to the worker: at once, or at its time (the minute's sweep
    sends it anyway should this job be lost)."""
    if sending.planned_at <= utcnow():
        send_job(sending.id)
    else:
        send_job.schedule((sending.id,), eta=sending.planned_at)


def sweep():
    """Send what is due and delete what must come down, one by one."""
    changes.start_takedowns()
    sends, deletions = changes.due_work()
    for sending_id in sends:
        changes.send(sending_id)
    for sending_id in deletions:
        changes.take_down(sending_id)
    return len(sends), len(deletions)


# No huey lock: a lock a killed worker held would stay taken and stop every later sweep.
# Two sweeps at once are safe: a sending is claimed by one UPDATE, a deletion is repeatable.
@huey.periodic_task(crontab(minute="*"))
def publishing_sweep():
    _with_app(sweep)
