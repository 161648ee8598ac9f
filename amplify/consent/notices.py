"""Consent notices: versioned texts in ``consent/vN/<lang>.txt``, filled in per item."""

import hashlib
from dataclasses import dataclass
from pathlib import Path
from string import Template

from flask import current_app
from flask_babel import force_locale, format_date, gettext

NOTICE_LANGUAGES = ("es", "pt", "en", "fr")
PUBLIC_CHANNELS = {"x", "mastodon", "bluesky", "threads", "linkedin", "facebook", "instagram",
                   "tiktok", "website", "press"}


@dataclass(frozen=True)
class Notice:
    version: str
    language: str
    text: str

    @property
    def hash(self):
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def paragraphs(self):
        return [p for p in self.text.split("\n\n") if p.strip()]


def notices_dir():
    return Path(current_app.config["CONSENT_NOTICES"])


def versions():
    """Available notice versions, oldest first (``v1``, ``v2``, …)."""
    found = [p.name for p in notices_dir().iterdir() if p.is_dir() and p.name[1:].isdigit()]
    return sorted(found, key=lambda name: int(name[1:]))


def current_version():
    return versions()[-1]


def notice_language(preferred):
    """The first of ``preferred`` languages a notice exists in, else English."""
    for code in preferred or ():
        if code in NOTICE_LANGUAGES:
            return code
    return "en"


def take_back():
    """How to take it back, as her page says it (call inside ``force_locale``)."""
    return gettext("press “Take it down” on your page, or tell the person who contacted you")


def _fill(version, language, values):
    template = (notices_dir() / version / f"{language}.txt").read_text(encoding="utf-8")
    return Notice(version, language, Template(template).substitute(values).strip())


def for_item(item, language, valid_until, version=None):
    """The notice for ``item`` in ``language``, as shown before deciding."""
    from amplify.items.models import CHANNELS, KINDS

    # Names only in the notice's language: never a name in a language she may not read.
    campaign = (item.campaign.names or {}).get(language)
    with force_locale(language):
        public = item.channel in PUBLIC_CHANNELS
        values = {
            # Not the staff title: it is internal and may say things the person should not
            # read as part of what is published.
            "what": gettext("the piece shown above (%(kind)s) of the campaign “%(campaign)s”",
                            kind=str(KINDS.get(item.kind, item.kind)).lower(), campaign=campaign)
            if campaign else gettext("the piece shown above (%(kind)s)",
                                     kind=str(KINDS.get(item.kind, item.kind)).lower()),
            "where": str(CHANNELS.get(item.channel, item.channel)),
            "who_sees": gettext("anyone, on the internet; it can be copied and shared")
            if public else gettext("the people who receive it"),
            "who_asks": current_app.config["ORGANIZATION_NAME"],
            "until": format_date(valid_until, "long") if valid_until else gettext("no end date"),
            "withdraw": take_back(),
        }
    return _fill(version or current_version(), language, values)


def _open_ended(language, version, what, where, withdraw=None):
    """A notice for something public with no end date (call inside ``force_locale``)."""
    values = {
        "what": what, "where": where,
        "who_sees": gettext("anyone, on the internet; it can be copied and shared"),
        "who_asks": current_app.config["ORGANIZATION_NAME"],
        "until": gettext("no end date"),
        "withdraw": withdraw or take_back(),
    }
    return _fill(version or current_version(), language, values)


def for_variant(variant, language, version=None):
    """The notice a spokesperson reads before approving a key message."""
    title = (variant.message.titles or {}).get(language)
    campaign = (variant.message.campaign.names or {}).get(language)
    with force_locale(language):
        if title and campaign:
            what = gettext("the key message “%(title)s” of the campaign “%(campaign)s”, in these exact words",
                           title=title, campaign=campaign)
        else:
            what = gettext("the key message shown above, in these exact words")
        return _open_ended(language, version, what, gettext("posts, cards and talking points made from it"))


def for_invitation(invitation, language, version=None):
    """The notice a person reads before choosing whether they may be named, photographed,
    recorded or quoted at an event."""
    event = invitation.event
    with force_locale(language):
        return _open_ended(language, version, gettext(
            "what you say and images of you at “%(event)s” (%(when)s), only in the ways you tick below",
            event=event.title, when=format_date(event.starts_on, "long")),
            gettext("reports, posts, photos and recordings about the event"),
            gettext("untick what you no longer agree to and save, on this same page, or tell the person "
                    "who contacted you"))
