"""Her data, on request: a ZIP of everything Amplify holds about one person — profile,
contact details, items naming her with their versions, her decisions with receipts,
invitations with support and trips, the notices she was shown — as a page in her language
and as JSON. Other people's names never leave in it: the texts name her and put "…" where
someone else is named."""

import io
import json
import time
import zipfile
from datetime import date, datetime

from flask import current_app, render_template
from flask_babel import force_locale

from amplify import audit
from amplify.audit.models import AuditEvent
from amplify.campaigns.models import MessageVariant
from amplify.consent import notices, receipts
from amplify.consent.models import Decision, ReviewLink
from amplify.db import database
from amplify.invitations.models import Invitation, InvitationChange, Support
from amplify.items.models import Item, ItemPerson, ItemVersion, render_text
from amplify.people.models import Organization
from amplify.protection.models import Protection
from amplify.review.models import HelpRequest, LinkSending


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _notice(decision, subject):
    """The notice she was shown before this decision: its text when Amplify can rebuild it
    exactly (same fingerprint), else only its version, language and fingerprint."""
    shown = {"version": decision.notice_version, "language": decision.notice_language,
             "sha256": decision.notice_hash, "text": None}
    if not decision.notice_version or subject is None:
        return shown
    try:
        if decision.subject_type == "item":
            notice = notices.for_item(subject, decision.notice_language, decision.valid_until,
                                      decision.notice_version)
        elif decision.subject_type == "variant":
            notice = notices.for_variant(subject, decision.notice_language, decision.notice_version)
        else:
            notice = notices.for_invitation(subject, decision.notice_language, decision.notice_version)
    except (OSError, KeyError, ValueError):
        return shown  # that version's file is gone: the fingerprint still says which it was
    if notice.hash == decision.notice_hash:
        shown["text"] = notice.text
    return shown


def _items(activist):
    names = {activist.ref: activist.display_name}
    found = []
    for link in (ItemPerson.select(ItemPerson, Item).join(Item)
                 .where(ItemPerson.activist == activist.id).order_by(Item.id)):
        item = link.item
        versions = [{"version": v.version, "content_sha256": v.content_hash, "made_at": v.created_at,
                     "text": render_text(v.data().get("text", ""), names)}
                    for v in ItemVersion.select().where(ItemVersion.item == item.id).order_by(ItemVersion.version)]
        found.append({"id": item.id, "title": item.title, "kind": item.kind, "channel": item.channel,
                      "language": item.language, "state": item.state, "appearance": link.appearance,
                      "attribution": link.attribution, "version": item.version,
                      "publications": [{"channel": p.channel, "url": p.url, "published_at": p.published_at,
                                        "takedown": p.takedown_state} for p in item.publications],
                      "versions": versions})
    return found


def _decisions(activist):
    subjects = {}
    found = []
    for decision in Decision.select().where(Decision.activist == activist.id).order_by(Decision.seq):
        key = (decision.subject_type, decision.subject_id)
        if key not in subjects:
            model = {"item": Item, "variant": MessageVariant, "invitation": Invitation}.get(decision.subject_type)
            subjects[key] = model.get_or_none(model.id == decision.subject_id) if model else None
        subject = subjects[key]
        found.append({
            "seq": decision.seq, "at": decision.at, "subject_type": decision.subject_type,
            "subject_id": decision.subject_id, "content_sha256": decision.content_hash,
            "outcome": decision.outcome, "scope": decision.scope_data, "method": decision.method,
            "witness": decision.witness, "comment": decision.comment,
            "guardian_name": decision.guardian_name, "notice": _notice(decision, subject),
            "receipt": receipts.receipt_data(decision, subject),
        })
    return found


def _invitations(activist):
    found = []
    for invitation in (Invitation.select().where(Invitation.activist == activist.id).order_by(Invitation.id)):
        event = invitation.event
        found.append({
            "id": invitation.id, "event": event.title, "starts_on": event.starts_on, "ends_on": event.ends_on,
            "place": event.place, "role": invitation.role, "state": invitation.state,
            "decided_by": invitation.decided_by, "decided_on": invitation.decided_on,
            "outcome": invitation.outcome,
            "visa": {"required": invitation.visa_required, "letter_sent_on": invitation.visa_letter_sent_on,
                     "appointment_on": invitation.visa_appointment_on, "lodged_on": invitation.visa_lodged_on,
                     "outcome": invitation.visa_outcome, "passport_expiry": invitation.passport_expiry,
                     "passport_number": invitation.passport_number},
            "trip": {"travel_on": invitation.travel_on, "return_on": invitation.return_on,
                     "risk_level": invitation.risk_level, "mitigation": invitation.mitigation,
                     "checkin_contact": invitation.checkin_contact, "checked_in_on": invitation.checked_in_on},
            "support": [{"kind": s.kind, "arrangement": s.arrangement, "provided": s.provided,
                         "currency": s.currency, "budget_cents": s.budget_cents, "actual_cents": s.actual_cents,
                         "paid_on": s.paid_on, "notes": s.notes}
                        for s in Support.select().where(Support.invitation == invitation.id).order_by(Support.id)],
            "changes": [{"from": c.from_state, "to": c.to_state, "at": c.at, "reason": c.reason}
                        for c in InvitationChange.select().where(InvitationChange.invitation == invitation.id)
                        .order_by(InvitationChange.id)],
        })
    return found


def gather(activist):
    """Everything held about ``activist``, as a JSON-able mapping."""
    organization = Organization.get_or_none(Organization.id == activist.organization_id)
    return {
        "made_at": datetime.now().astimezone(),
        "organization_holding_it": current_app.config["ORGANIZATION_NAME"],
        "profile": {
            "ref": activist.ref, "display_name": activist.display_name, "pseudonym": activist.pseudonym,
            "organization": organization.name if organization else None, "country": activist.country,
            "languages": activist.languages, "preferred_language": activist.preferred_language,
            "risk_level": activist.risk_level, "default_attribution": activist.default_attribution,
            "face_may_be_shown": activist.face_may_be_shown, "minor": activist.minor,
            "spokesperson_for": [org.name for org in activist.spokesperson_for()],
            "protected_since": activist.protected_since, "notes": activist.notes,
            "created_at": activist.created_at, "updated_at": activist.updated_at,
        },
        "contact_channels": activist.contact_channels,
        "items": _items(activist),
        "decisions": _decisions(activist),
        "invitations": _invitations(activist),
        "help_requests": [{"kind": h.kind, "note": h.note, "at": h.created_at, "handled_at": h.handled_at}
                          for h in HelpRequest.select().where(HelpRequest.activist == activist.id)
                          .order_by(HelpRequest.id)],
        "personal_links": [{"made_at": link.created_at, "expires_at": link.expires_at,
                            "revoked_at": link.revoked_at, "last_used_at": link.last_used_at}
                           for link in ReviewLink.select().where(ReviewLink.activist == activist.id)
                           .order_by(ReviewLink.id)],
        "links_sent": [{"at": s.at, "method": s.method}
                       for s in LinkSending.select().where(LinkSending.activist == activist.id)
                       .order_by(LinkSending.id)],
        "protections": [{"started_at": p.started_at, "reason": p.reason, "lifted_at": p.lifted_at,
                         "lift_reason": p.lift_reason}
                        for p in Protection.select().where(Protection.activist == activist.id)
                        .order_by(Protection.id)],
        "audit_log": [{"at": e.at, "action": e.action}
                      for e in AuditEvent.for_subject("activist", activist.id).order_by(AuditEvent.seq)],
    }


def _entry(name):
    entry = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o100644 << 16
    return entry


def language_of(activist):
    return activist.page_language() or current_app.config["BABEL_DEFAULT_LOCALE"]


def data_zip(activist):
    """The ZIP (bytes) and its file name; the making of it is audited."""
    data = gather(activist)
    language = language_of(activist)
    with force_locale(language):
        page = render_template("protection/access.html", data=data, language=language)
    folder = f"{activist.ref}-data"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry(f"{folder}/index.html"), page)
        archive.writestr(_entry(f"{folder}/data.json"),
                         json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=_plain))
    with database.atomic():
        audit.record("activist.data_export", activist, {
            "language": language, "items": len(data["items"]), "decisions": len(data["decisions"]),
            "invitations": len(data["invitations"])})
    return out.getvalue(), f"{folder}.zip"
