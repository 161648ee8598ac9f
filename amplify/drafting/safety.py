"""A safety check of draft text before it goes to review: what could expose someone.

Activism is criminalised in several countries: a phone number, an e-mail address, a street
address or coordinates in a post can lead to a person; so can the real name of someone at
high risk written out instead of the attribution they chose.
"""

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import fn

from amplify.people.models import Activist

from amplify import limits

PHONE = re.compile(r"(?<![\w/])\+?\d[\d\s().-]{6,}\d(?![\w/])")
# A match starts only where a run of local-part characters starts: tried from every
# position of a long run, the pattern took quadratic time (20,000 letters: 1.5 s).
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
STREET = re.compile(
    r"\b(?:calle|avenida|av\.|rua|travessa|jir[oó]n|jr\.|carrera|pasaje|street|road|avenue|"
    r"rue|boulevard|chemin)\s+[^\n,.;]{1,40}?(?:,\s*)?\d{1,5}\b", re.IGNORECASE)  # "Rua X, 88" too
COORDINATES = re.compile(r"-?\d{1,2}\.\d{3,}\s*[,;]\s*-?\d{1,3}\.\d{3,}")
URLISH = re.compile(r"https?://\S+")

KINDS = {
    "phone": _l("A phone number"),
    "email": _l("An e-mail address"),
    "street": _l("A street address"),
    "coordinates": _l("Map coordinates"),
    "high_risk_name": _l("The real name of someone at high risk"),
}


@dataclass(frozen=True)
class Warning:
    kind: str
    excerpt: str

    @property
    def label(self):
        return KINDS[self.kind]


def _digits(text):
    return sum(ch.isdigit() for ch in text)


def check_text(text, high_risk=()):
    """Warnings for ``text`` (its first ``limits.POST`` characters: no item is longer).
    ``high_risk`` are the activists at high risk to look for (their real name written
    out, rather than as a ``{ref}`` token)."""
    text = text[:limits.POST]
    found = []
    without_urls = URLISH.sub(" ", text)
    coordinates = list(COORDINATES.finditer(without_urls))
    for match in PHONE.finditer(without_urls):
        inside = any(c.start() <= match.end() and match.start() <= c.end() for c in coordinates)
        if _digits(match.group()) >= 8 and not inside:
            found.append(Warning("phone", match.group().strip()))
    found += [Warning("email", m.group()) for m in EMAIL.finditer(without_urls)]
    found += [Warning("street", m.group()) for m in STREET.finditer(without_urls)]
    found += [Warning("coordinates", m.group()) for m in coordinates]
    lowered = text.casefold()
    for person in high_risk:
        for name in {person.display_name, person.display_name.split(" (")[0]}:
            if len(name) >= 4 and name.casefold() in lowered:
                found.append(Warning("high_risk_name", name))
                break
    return found


def high_risk_people():
    """The people at high risk, read again only when someone was added, changed or removed
    (the editor's counter asks on every keystroke). The stamp — the latest change and the
    number of people — is one indexed query, and it moves in every worker at once."""
    stamp = Activist.select(fn.MAX(Activist.updated_at), fn.COUNT(Activist.id)).tuples().first()
    cache = current_app.extensions.setdefault("amplify.high_risk", {})
    if cache.get("stamp") != stamp:
        cache["people"] = list(Activist.select(Activist.display_name).where(Activist.risk_level == "high"))
        cache["stamp"] = stamp
    return cache["people"]

