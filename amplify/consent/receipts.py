"""Consent receipts: a page in the person's language, and JSON shaped after
ISO/IEC TS 27560:2023 (header, processing, parties, events) with W3C DPV terms.

The controller is the organisation that asks (``AMPLIFY_ORGANIZATION_*`` settings), never
the software. A receipt's id is a UUID derived from the instance's audit key and the ledger
record, so it is the same every time it is downloaded and never collides with another
installation's; the ledger record (``decision-14``, the id of schema 1) stays in the header
so receipts handed out before keep matching.
"""

import hashlib
import hmac
import uuid

from flask import current_app, jsonify

from amplify.consent.models import DPV_STATUS, Decision
from amplify.items.models import ItemPerson
from amplify.people.models import Organization

SCHEMA_VERSION = "2"
NAMESPACES = {"dpv": "https://w3id.org/dpv#", "pd": "https://w3id.org/dpv/pd#"}
PURPOSES = {
    "item": "Publication of campaign communication that names, quotes or shows the person",
    "variant": "Approval of a message variant on behalf of the movement",
    "invitation": "Naming, photographing, recording or quoting the person at an event",
}
# What personal data each way of appearing processes (DPV personal-data terms).
APPEARANCE_DATA = {"named": ["pd:Name"], "quoted": ["pd:Name", "pd:Opinion"], "shown": ["pd:Picture"]}
MEDIA_USE_DATA = {"named": ["pd:Name"], "photographed": ["pd:Picture"], "recorded": ["pd:Picture", "pd:Voice"],
                  "quoted": ["pd:Name", "pd:Opinion"]}
CONTROLLER_SETTINGS = (("contact", "ORGANIZATION_CONTACT"), ("address", "ORGANIZATION_ADDRESS"),
                       ("email", "ORGANIZATION_EMAIL"), ("privacy_policy", "PRIVACY_POLICY_URL"),
                       ("jurisdiction", "JURISDICTION"))


def history(decision):
    """This person's decisions about the same subject, up to and including ``decision``."""
    return list(Decision.select().where(
        (Decision.activist == decision.activist_id) & (Decision.subject_type == decision.subject_type)
        & (Decision.subject_id == decision.subject_id) & (Decision.seq <= decision.seq)
    ).order_by(Decision.seq))


def record_id(decision):
    """A UUID for the receipt: the same for the same ledger record on this installation,
    unguessable from another (derived from the audit key, which it does not reveal)."""
    secret = hmac.new(current_app.config["AUDIT_KEY"].encode(), b"amplify consent receipts",
                      hashlib.sha256).digest()
    return str(uuid.uuid5(uuid.UUID(bytes=secret[:16]), f"decision-{decision.seq}"))


def controller():
    """The organisation that asks for consent, with what the settings say about it."""
    config = current_app.config
    party = {"role": "controller", "name": config["ORGANIZATION_NAME"]}
    party.update({key: config[setting] for key, setting in CONTROLLER_SETTINGS if config.get(setting)})
    return party


def page_context(decision):
    """What the human-readable receipt adds to the decision: its id and who is responsible."""
    return {"record_id": record_id(decision), "controller": controller()}


def personal_data(decision, subject):
    """DPV personal-data categories the subject processes about the person, and the special
    categories among them (trade-union membership, when she is named as part of a union)."""
    scope = decision.scope_data
    if decision.subject_type == "item" and subject is not None:
        appearances = [link.appearance for link in ItemPerson.select().where(
            (ItemPerson.item == subject.id) & (ItemPerson.activist == decision.activist_id))]
        found = [term for appearance in appearances for term in APPEARANCE_DATA.get(appearance, [])]
        if scope.get("attribution") == "anonymous":
            found = [term for term in found if term != "pd:Name"]
    elif decision.subject_type == "invitation":
        found = ["pd:Name"] + [term for use in scope.get("uses") or [] for term in MEDIA_USE_DATA.get(use, [])]
    else:
        found = ["pd:Name"]
    organization = Organization.get_or_none(Organization.id == decision.activist.organization_id)
    special = []
    if organization is not None and organization.trade_union and "pd:Name" in found:
        special.append("pd:TradeUnionMembership")
    return list(dict.fromkeys(found)), special


def receipt_data(decision, subject):
    activist = decision.activist
    scope = decision.scope_data
    organization = controller()
    title = getattr(subject, "title", None) or getattr(getattr(subject, "message", None), "title", "")
    categories, special = personal_data(decision, subject)
    parties = [
        {"role": "pii_principal", "id": activist.ref, "name": activist.display_name},
        organization,
    ]
    recorder = decision.recorder
    if recorder is not None:
        parties.append({"role": "recorder", "id": recorder.email, "name": recorder.name})
    if decision.witness:
        parties.append({"role": "witness", "name": decision.witness})
    if decision.guardian_name:
        parties.append({"role": "guardian", "name": decision.guardian_name,
                        "relationship": decision.guardian_relationship})
    events = history(decision)
    given = [event for event in events if event.outcome == "given"]
    return {
        "header": {
            "schema": "Amplify consent record, shaped after ISO/IEC TS 27560:2023, with W3C DPV terms",
            "schema_version": SCHEMA_VERSION,
            "namespaces": NAMESPACES,
            "record_id": record_id(decision),
            "ledger_record": f"decision-{decision.seq}",
            "pii_principal_id": activist.ref,
        },
        "processing": {
            "subject": {"type": decision.subject_type, "id": decision.subject_id, "title": title,
                        "content_sha256": decision.content_hash},
            "notice": {"version": decision.notice_version, "language": decision.notice_language,
                       "sha256": decision.notice_hash},
            "language": decision.notice_language,
            "purposes": [PURPOSES.get(decision.subject_type, PURPOSES["item"])],
            "legal_basis": ["dpv:Consent"] + (["dpv:ExplicitlyExpressedConsent"] if special else []),
            "consent_time": given[-1].at.isoformat() if given else None,
            "personal_data": categories,
            "sensitive": bool(special),
            "special_categories": special,
            "uses_at_event": scope.get("uses"),
            "recipients": scope.get("channels", []),
            "attribution": scope.get("attribution"),
            "face_may_be_shown": scope.get("face"),
            "valid_until": scope.get("valid_until"),
            "controllers": [organization["name"]],
            "jurisdiction": organization.get("jurisdiction"),
            "privacy_policy": organization.get("privacy_policy"),
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
            for event in events
        ],
    }


def receipt_json(decision, subject):
    data = receipt_data(decision, subject)
    response = jsonify(data)
    name = f"consent-receipt-{data['header']['record_id']}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
