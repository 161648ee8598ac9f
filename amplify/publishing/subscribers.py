"""Publishing reacts to the ledger: a withdrawal (or anything else that makes an item's
publications "take-down required") starts deleting its posts at once. The minute's sweep
(``tasks.sweep``) catches any other way a publication came to need a take-down."""

from amplify.consent.signals import decision_recorded
from amplify.publishing import changes, tasks


def connect():
    decision_recorded.connect(on_decision)


def on_decision(decision, subject=None):
    if decision.subject_type != "item" or decision.outcome != "withdrawn":
        return
    for sending_id in changes.start_takedowns(decision.subject_id):
        tasks.take_down_job(sending_id)
