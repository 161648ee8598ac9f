"""Consent receipts: a page in the person's language, and JSON shaped after
ISO/IEC TS 27560:2023 (header, processing, parties, events)."""

from flask import current_app, jsonify

from amplify.consent.models import DPV_STATUS, Decision


PURPOSES = {
    "item": "Publication of campaign communication that names, quotes or shows the person",
    "variant": "Approval of a message variant on behalf of the movement",
    "invitation": "Naming, photographing, recording or quoting the person at an event",
}


def history(decision):
    """This person's decisions about the same subject, up to and including ``decision``."""
    return list(Decision.select().where(
        (Decision.activist == decision.activist_id) & (Decision.subject_type == decision.subject_type)
        & (Decision.subject_id == decision.subject_id) & (Decision.seq <= decision.seq)
    ).order_by(Decision.seq))


def receipt_data(decision, subject):
    activist = decision.activist
    scope = decision.scope_data
    organization = current_app.config["ORGANIZATION_NAME"]
    title = getattr(subject, "title", None) or getattr(getattr(subject, "message", None), "title", "")
    parties = [
        {"role": "pii_principal", "id": activist.ref, "name": activist.display_name},
        {"role": "controller", "name": organization},
    ]
    recorder = decision.recorder
    if recorder is not None:
        parties.append({"role": "recorder", "id": recorder.email, "name": recorder.name})
    if decision.witness:
        parties.append({"role": "witness", "name": decision.witness})
    if decision.guardian_name:
        parties.append({"role": "guardian", "name": decision.guardian_name,
                        "relationship": decision.guardian_relationship})
    return {
        "header": {
            "schema": "Amplify consent record, shaped after ISO/IEC TS 27560:2023",
            "schema_version": "1",
            "record_id": f"decision-{decision.seq}",
            "pii_principal_id": activist.ref,
        },
        "processing": {
            "subject": {"type": decision.subject_type, "id": decision.subject_id, "title": title,
                        "content_sha256": decision.content_hash},
            "notice": {"version": decision.notice_version, "language": decision.notice_language,
                       "sha256": decision.notice_hash},
            "language": decision.notice_language,
            "purposes": [PURPOSES.get(decision.subject_type, PURPOSES["item"])],
            "uses_at_event": scope.get("uses"),
            "recipients": scope.get("channels", []),
            "attribution": scope.get("attribution"),
            "face_may_be_shown": scope.get("face"),
            "valid_until": scope.get("valid_until"),
            "controllers": [organization],
            "withdrawal": "On the person's own review page (Withdraw), or by telling the organisation; "
                          "every publication then enters a take-down queue.",
        },
        "parties": parties,
        "events": [
            {
                "time": event.at.isoformat(),
                "type": event.outcome,
                "state": DPV_STATUS.get(event.outcome),
                "method": event.method,
                "by": "pii_principal" if event.method == "review_page" else
                      ("system" if event.method == "system" else "recorder"),
                "comment": event.comment,
                "content_sha256": event.content_hash,
                "ledger": {"seq": event.seq, "hash": event.hash, "prev_hash": event.prev_hash},
            }
            for event in history(decision)
        ],
    }


def receipt_json(decision, subject):
    response = jsonify(receipt_data(decision, subject))
    response.headers["Content-Disposition"] = f'attachment; filename="consent-receipt-{decision.seq}.json"'
    return response
