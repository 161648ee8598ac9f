"""Workflows that change campaigns and messages: each one transaction, each audited."""

from blinker import Namespace
from flask_babel import lazy_gettext as _l

from amplify import audit
from amplify.rules import NotAllowed
from amplify.campaigns.models import (
    APPROVAL_METHODS, TRANSITIONS, WORDING, Campaign, CampaignOrganization, Message, MessageVariant,
)
from amplify.db import database, utcnow
from amplify.people.models import Activist, audit_diff
from amplify.slugs import unique_slug



def save_campaign(campaign, organization_ids=None, **fields):
    """Create or update a campaign (and, when given, the organizations it belongs to)."""
    creating = campaign.id is None
    before = None if creating else campaign.audit_view()
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.updated_at = utcnow()
    with database.atomic():
        if creating:
            campaign.slug = unique_slug(Campaign, Campaign.slug, campaign.name)
        campaign.save()
        if organization_ids is not None:
            set_organizations(campaign, organization_ids)
        audit.record("campaign.create" if creating else "campaign.update", campaign,
                     audit_diff(before, campaign.audit_view()))
    return campaign


def set_organizations(campaign, organization_ids):
    CampaignOrganization.delete().where(CampaignOrganization.campaign == campaign).execute()
    for organization_id in sorted(set(organization_ids)):
        CampaignOrganization.create(campaign=campaign, organization=organization_id)


def add_message(campaign, title, variant_fields=None):
    """A new message, optionally with its first (proposed) variant."""
    with database.atomic():
        position = (Message.select().where(Message.campaign == campaign).count()) + 1
        message = Message.create(
            campaign=campaign, title=title.strip(), position=position,
            key=unique_slug(Message, Message.key, title, scope=(Message.campaign == campaign)),
        )
        audit.record("message.create", message, {"after": {"campaign": campaign.slug,
                                                           "key": message.key, "title": message.title}})
        if variant_fields:
            save_variant(message, MessageVariant(message=message), **variant_fields)
    return message


def rename_message(message, title, titles=None):
    """A new title for staff (and, when given, its title per language for activists);
    the key (and so every link and pack file name) stays."""
    before = {"title": message.title, "titles": message.titles}
    message.title = title.strip()
    if titles is not None:
        message.titles = titles
    with database.atomic():
        message.save()
        audit.record("message.update", message, {"before": before,
                                                 "after": {"title": message.title, "titles": message.titles}})
    return message


def save_variant(message, variant, **fields):
    """Create or edit a language variant. New wording is a new version that needs
    approval again (principle 1): the variant goes back to ``proposed``."""
    creating = variant.id is None
    if not creating and variant.state == "retired":
        raise NotAllowed(_l("A retired variant cannot be edited. Add a new message instead."))
    before = None if creating else variant.audit_view()
    old_wording = None if creating else variant.wording()
    for name, value in fields.items():
        setattr(variant, name, value.strip() if isinstance(value, str) else value)
    if creating:
        variant.message, variant.state, variant.version = message, "proposed", 1
    elif variant.wording() != old_wording:
        variant.version += 1
        variant.state = "proposed"
        variant.approved_by = variant.approval_method = variant.approved_at = None
        variant.state_note = ""
    variant.updated_at = utcnow()
    with database.atomic():
        clash = MessageVariant.select().where(
            (MessageVariant.message == message) & (MessageVariant.language == variant.language)
        )
        if variant.id is not None:
            clash = clash.where(MessageVariant.id != variant.id)
        if clash.exists():
            raise NotAllowed(_l("This message already has a variant in that language."), "language")
        variant.save()
        if not creating:
            variant_state_changed.send(variant)
        audit.record("variant.create" if creating else "variant.update", variant,
                     audit_diff(before, variant.audit_view()))
    return variant


# Sent after a variant changes state; items re-judge their clearance (approved messages only).
variant_state_changed = Namespace().signal("variant-state-changed")


def change_variant_state(variant, new_state, *, approved_by=None, approval_method=None, note=""):
    """Move a variant along its allowed transitions. Approval names the spokesperson who
    approved and how; asking for changes or rejecting keeps the reason."""
    if new_state not in TRANSITIONS.get(variant.state, ()):
        raise NotAllowed(_l("This change of state is not allowed."), "state")
    if new_state == "approved":
        if approved_by is None:
            raise NotAllowed(_l("Name the spokesperson who approved it."), "approved_by")
        if not variant.message.campaign.spokespeople().where(Activist.id == approved_by).exists():
            raise NotAllowed(_l("Only a spokesperson of the movement can approve."), "approved_by")
        if approval_method not in APPROVAL_METHODS:
            raise NotAllowed(_l("Say how they approved it."), "approval_method")
    if new_state in ("changes_requested", "rejected") and not note.strip():
        raise NotAllowed(_l("Write what the movement asked for or why it was rejected."), "note")
    with database.atomic():
        _set_state(variant, new_state, approved_by=approved_by, approval_method=approval_method,
                   note=note)
        if new_state == "approved":
            # The approval is the spokesperson's decision on these exact words: it goes into
            # the consent ledger like any other decision, recorded by the staff member.
            from amplify.audit.models import current_actor
            from amplify.consent.models import Decision

            Decision.append(at=utcnow(), activist=approved_by, subject_type="variant",
                            subject_id=variant.id, content_hash=variant.content_hash,
                            outcome="given", scope="{}", method=approval_method,
                            recorded_by=current_actor()[0], comment=note.strip())
    return variant


def _set_state(variant, new_state, *, approved_by=None, approval_method=None, note=""):
    before = variant.audit_view()
    variant.state = new_state
    variant.state_note = (note or "").strip()
    if new_state == "approved":
        variant.approved_by, variant.approval_method = approved_by, approval_method
        variant.approved_at = utcnow()
    elif new_state != "retired":
        variant.approved_by = variant.approval_method = variant.approved_at = None
    variant.updated_at = utcnow()
    variant.save()
    variant_state_changed.send(variant)
    audit.record(f"variant.{new_state}", variant, audit_diff(before, variant.audit_view()))


def apply_spokesperson_decision(variant, decision):
    """A spokesperson decided on their own review page: the variant follows."""
    new_state = {"given": "approved", "refused": "rejected",
                 "changes_requested": "changes_requested"}[decision.outcome]
    if new_state not in TRANSITIONS.get(variant.state, ()):
        raise NotAllowed(_l("This change of state is not allowed."), "state")
    _set_state(variant, new_state, approved_by=decision.activist_id,
               approval_method=decision.method, note=decision.comment)


__all__ = ["NotAllowed", "save_campaign", "add_message", "rename_message", "save_variant",
           "change_variant_state", "WORDING"]
