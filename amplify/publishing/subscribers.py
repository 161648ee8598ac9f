"""Publishing reacts to the ledger and to protection: a withdrawal or a "protect now"
starts deleting the posts at once. The minute's sweep (``tasks.sweep``) catches any other
way a publication came to need a take-down."""

from amplify.consent.signals import decision_recorded
from amplify.protection.signals import protection_started
from amplify.publishing import changes, tasks


def connect():
    decision_recorded.connect(on_decision)
    protection_started.connect(on_protection)


def on_protection(activist, protection=None, publications=()):
    for item_id in sorted({publication.item_id for publication in publications}):
        for sending_id in changes.start_takedowns(item_id):
            tasks.take_down_job(sending_id)


def on_decision(decision, subject=None):
    if decision.subject_type != "item" or decision.outcome != "withdrawn":
        return
    for sending_id in changes.start_takedowns(decision.subject_id):
        tasks.take_down_job(sending_id)
