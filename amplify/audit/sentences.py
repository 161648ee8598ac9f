"""The audit log and histories read as sentences: "Ana changed her language to Portuguese",
"Invitation of María to ILC 2027: accepted", each subject named and linked to its page.
Names are read in one query per kind of subject for a whole page of entries."""

import json

import peewee
from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from amplify.actors.models import Actor
from amplify.auth.models import User
from amplify.campaigns.models import STATES as VARIANT_STATES, Campaign, Message, MessageVariant
from amplify.feeds.models import ENTRY_STATES, FeedEntry, FeedSource
from amplify.i18n import language_name
from amplify.invitations.models import STATES as INVITATION_STATES, Event, Invitation, Meeting
from amplify.items.models import Item
from amplify.people.models import Activist, Organization
from amplify.press.models import Journalist, Outlet, Release

# What someone did, by the last part of the action; %(subject)s is the linked subject.
VERBS = {
    "create": _l("%(who)s created %(subject)s"),
    "update": _l("%(who)s changed %(subject)s"),
    "import": _l("%(who)s imported %(subject)s"),
    "delete": _l("%(who)s deleted %(subject)s"),
    "pause": _l("%(who)s paused or resumed %(subject)s"),
    "password": _l("%(who)s changed their password"),
    "contact_viewed": _l("%(who)s looked at the contact details of %(subject)s"),
    "send_for_review": _l("%(who)s sent %(subject)s for review"),
    "publish": _l("%(who)s logged a publication of %(subject)s"),
    "taken_down": _l("%(who)s confirmed a take-down of %(subject)s"),
    "safety_check": _l("%(who)s signed the safety check of %(subject)s"),
    "comment": _l("%(who)s commented on %(subject)s"),
    "support": _l("%(who)s recorded support for %(subject)s"),
    "visa": _l("%(who)s updated the visa details of %(subject)s"),
    "trip": _l("%(who)s updated the trip of %(subject)s"),
    "outcome": _l("%(who)s recorded the outcome of %(subject)s"),
    "purge": _l("%(who)s purged the passport number of %(subject)s"),
    "letter": _l("%(who)s made a visa letter for %(subject)s"),
    "delegation_list": _l("%(who)s made the delegation list of %(subject)s"),
    "per_diem": _l("%(who)s set the per diem of %(subject)s"),
    "debrief": _l("%(who)s recorded the debrief of %(subject)s"),
    "commitment": _l("%(who)s recorded a commitment or follow-up of %(subject)s"),
    "commitment_done": _l("%(who)s marked a commitment or follow-up of %(subject)s as done"),
    "draft": _l("%(who)s drafted %(subject)s"),
    "sent": _l("%(who)s sent %(subject)s"),
    "discard": _l("%(who)s discarded %(subject)s"),
    "revoke": _l("%(who)s revoked %(subject)s"),
    "shown": _l("%(who)s showed %(subject)s"),
    "archive": _l("%(who)s archived %(subject)s"),
    "restore": _l("%(who)s brought back %(subject)s"),
    "planned": _l("%(who)s planned %(subject)s for direct publishing"),
    "cancelled": _l("%(who)s cancelled a sending of %(subject)s"),
    "refused": _l("%(subject)s was not sent: it was no longer cleared"),
    "failed": _l("Sending %(subject)s failed"),
    "account_connected": _l("%(who)s connected a publishing account"),
    "account_disconnected": _l("%(who)s disconnected a publishing account"),
    "save": _l("%(who)s changed %(subject)s"),
    "position": _l("%(who)s recorded where %(subject)s stands"),
    "relationship": _l("%(who)s recorded a relationship of %(subject)s"),
}
STATE_LABELS = {"invitation": INVITATION_STATES, "messagevariant": VARIANT_STATES, "feedentry": ENTRY_STATES}


def _ids(values):
    return [int(v) for v in values if str(v).isdigit()]


def _names(subject_type, ids):
    """``{id: (name, url)}`` for subjects of one kind."""
    ids = _ids(ids)
    if not ids:
        return {}
    if subject_type == "item":
        return {str(i.id): (i.title, url_for("items.show", item_id=i.id))
                for i in Item.select(Item.id, Item.title).where(Item.id.in_(ids))}
    if subject_type == "activist":
        return {str(a.id): (a.display_name, url_for("people.activist", activist_id=a.id))
                for a in Activist.select(Activist.id, Activist.display_name).where(Activist.id.in_(ids))}
    if subject_type == "organization":
        return {str(o.id): (o.name, url_for("people.organization", org_id=o.id))
                for o in Organization.select(Organization.id, Organization.name).where(Organization.id.in_(ids))}
    if subject_type == "campaign":
        return {str(c.id): (c.name, url_for("campaigns.show", slug=c.slug))
                for c in Campaign.select().where(Campaign.id.in_(ids))}
    if subject_type == "event":
        return {str(e.id): (e.title, url_for("invitations.event", event_id=e.id))
                for e in Event.select(Event.id, Event.title).where(Event.id.in_(ids))}
    if subject_type == "meeting":
        return {str(m.id): (m.title, url_for("invitations.meeting", meeting_id=m.id))
                for m in Meeting.select(Meeting.id, Meeting.title).where(Meeting.id.in_(ids))}
    if subject_type == "user":
        return {str(u.id): (u.name or u.email, url_for("users.edit", user_id=u.id))
                for u in User.select(User.id, User.name, User.email).where(User.id.in_(ids))}
    if subject_type == "message":
        return {str(m.id): (m.title, url_for("campaigns.message", slug=m.campaign.slug, key=m.key))
                for m in Message.select(Message, Campaign).join(Campaign).where(Message.id.in_(ids))}
    if subject_type in ("messagevariant", "variant"):  # the audit's name, the ledger's
        query = (MessageVariant.select(MessageVariant, Message, Campaign).join(Message).join(Campaign)
                 .where(MessageVariant.id.in_(ids)))
        return {str(v.id): (f"{v.message.title} ({language_name(v.language)})",
                            url_for("campaigns.message", slug=v.message.campaign.slug, key=v.message.key))
                for v in query}
    if subject_type == "invitation":
        query = (Invitation.select(Invitation, Event, Activist, Organization).join(Event).switch(Invitation)
                 .join(Activist, peewee.JOIN.LEFT_OUTER).switch(Invitation)
                 .join(Organization, peewee.JOIN.LEFT_OUTER).where(Invitation.id.in_(ids)))
        return {str(i.id): (str(_l("invitation of %(person)s to %(event)s", event=i.event.title,
                                   person=i.activist.display_name if i.activist_id
                                   else (i.organization.name if i.organization_id else "—"))),
                            url_for("invitations.invitation", invitation_id=i.id)) for i in query}
    if subject_type == "feedsource":
        return {str(s.id): (s.title or s.url, url_for("feeds.source", source_id=s.id))
                for s in FeedSource.select().where(FeedSource.id.in_(ids))}
    if subject_type == "actor":
        return {str(a.id): (a.name, url_for("actors.actor", actor_id=a.id))
                for a in Actor.select(Actor.id, Actor.name).where(Actor.id.in_(ids))}
    if subject_type == "feedentry":
        return {str(e.id): (e.title, url_for("feeds.entry", entry_id=e.id))
                for e in FeedEntry.select(FeedEntry.id, FeedEntry.title).where(FeedEntry.id.in_(ids))}
    if subject_type == "journalist":
        return {str(j.id): (j.name, url_for("press.journalist", journalist_id=j.id))
                for j in Journalist.select(Journalist.id, Journalist.name).where(Journalist.id.in_(ids))}
    if subject_type == "outlet":
        return {str(o.id): (o.name, url_for("press.outlet", outlet_id=o.id))
                for o in Outlet.select(Outlet.id, Outlet.name).where(Outlet.id.in_(ids))}
    if subject_type == "release":
        return {str(r.id): (r.item.title, url_for("press.release", release_id=r.id))
                for r in Release.select(Release.id, Item.title).join(Item).where(Release.id.in_(ids))}
    return {}


def subjects(pairs):
    """``{(type, id): (name, url)}`` for ``(type, id)`` pairs, one query per type."""
    by_type = {}
    for subject_type, subject_id in pairs:
        by_type.setdefault(subject_type, set()).add(str(subject_id))
    found = {}
    for subject_type, ids in by_type.items():
        for subject_id, named in _names(subject_type, ids).items():
            found[(subject_type, subject_id)] = named
    return found


def link(named, fallback):
    if named is None:
        return escape(fallback)
    name, url = named
    return Markup('<a href="%s">%s</a>') % (url, name)


def sentences(events):
    """``{event.seq: Markup}``: each audit entry as a sentence with its subject linked."""
    named = subjects((e.subject_type, e.subject_id) for e in events)
    people = {u.id: u.name or u.email for u in User.select(User.id, User.name, User.email)
              .where(User.id.in_({e.actor_id for e in events if e.actor_id}))}
    said = {}
    for event in events:
        who = people.get(event.actor_id, event.actor_label)
        kind, _, verb = event.action.partition(".")
        subject = link(named.get((event.subject_type, event.subject_id)),
                       f"{event.subject_type} {event.subject_id}")
        states = STATE_LABELS.get(event.subject_type, {})
        if event.action == "account.language":
            after = (json.loads(event.summary or "{}").get("after") or {}).get("language")
            text = _l("%(who)s changed their language to %(language)s", who=who,
                      language=language_name(after) if after else _l("the browser's choice"))
            said[event.seq] = escape(text)
        elif event.action == "account.time_zone":
            after = (json.loads(event.summary or "{}").get("after") or {}).get("time_zone")
            text = _l("%(who)s changed their time zone to %(zone)s", who=who,
                      zone=after or _l("the campaign's"))
            said[event.seq] = escape(text)
        elif verb in states:
            said[event.seq] = Markup("%s: <strong>%s</strong>") % (subject, states[verb])
        elif verb in VERBS:
            said[event.seq] = Markup(escape(str(VERBS[verb]))) % {"who": who, "subject": subject}
        else:
            said[event.seq] = Markup("%s · <code>%s</code> · %s") % (who, event.action, subject)
    return said
