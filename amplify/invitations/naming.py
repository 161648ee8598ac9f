"""Whether a person may be named for an invitation, outside the team: one rule for the
campaign report and the public delegation list.

Anonymity is never broken; a person at high risk is named only where she said, for the
event's current terms, that she may be named there; anyone else is named unless she said
no to being named at that event."""

from amplify.consent.models import Decision


def answers_to_be_named(terms):
    """``{invitation id: True | False}`` where the person answered, for the event's current
    terms, whether they may be named there (one query). ``terms`` maps each invitation id
    to ``(activist id, content hash of its current terms)``."""
    if not terms:
        return {}
    latest = {}
    for decision in (Decision.select(Decision.subject_id, Decision.activist, Decision.content_hash,
                                     Decision.outcome, Decision.scope)
                     .where((Decision.subject_type == "invitation") & Decision.subject_id.in_(list(terms)))
                     .order_by(Decision.seq)):
        latest[(decision.subject_id, decision.activist_id)] = decision
    answers = {}
    for invitation_id, (activist_id, content_hash) in terms.items():
        decision = latest.get((invitation_id, activist_id))
        if decision is None or decision.content_hash != content_hash:
            continue
        answers[invitation_id] = decision.outcome == "given" and "named" in decision.scope_data.get("uses", [])
    return answers


def may_name(attribution, risk_level, answer):
    """``answer``: her answer about being named at the event (True, False, or None when she
    gave none for its current terms)."""
    if attribution == "anonymous":
        return False
    return answer is True or (risk_level != "high" and answer is not False)
