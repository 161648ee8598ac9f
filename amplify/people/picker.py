"""Choosing a person in a form without listing everyone (issue 13: at 5,000 people a
``<select>`` per row weighed megabytes). Staff type a name or a reference; the server finds
the person. With htmx, typing fills a ``<datalist>`` with at most ``SUGGESTED`` matches
from ``/people/activists/found``; without JavaScript, an unknown or shared name is answered
with a clear message and the closest names. Either way a page holds only what was typed."""

import re

from flask import url_for
from flask_babel import lazy_gettext as _l
from peewee import fn
from wtforms import StringField
from wtforms.validators import ValidationError

from amplify.people.models import Activist

SUGGESTED = 20
DATALIST = "people-found"  # templates/people/_datalist.html: one per form, shared by its fields
_REF_AT_END = re.compile(r"\(([^()]+)\)\s*$")


def label(activist):
    """How a chosen person reads in the field: name and reference, unique."""
    return f"{activist.display_name} ({activist.ref})"


def suggestions(text, limit=SUGGESTED):
    """At most ``limit`` people whose name, pseudonym or reference contains ``text``, by name."""
    text = text.strip()
    if not text:
        return []
    return list(Activist.select(Activist.id, Activist.display_name, Activist.ref)
                .where(Activist.display_name.contains(text) | Activist.pseudonym.contains(text)
                       | Activist.ref.contains(text))
                .order_by(Activist.display_name, Activist.id).limit(limit))


def find(text):
    """``(activist, problem)`` for what staff typed: "Name (ref)" as suggested, a reference,
    a name only one person has, or a person's id."""
    text = " ".join(text.split())
    at_end = _REF_AT_END.search(text)
    ref = at_end.group(1).strip() if at_end else text
    person = Activist.get_or_none(Activist.ref == ref)
    if person is not None:
        return person, None
    name = text[:at_end.start()].strip() if at_end else text
    same = list(Activist.select().where(fn.LOWER(Activist.display_name) == name.lower())
                .order_by(Activist.id).limit(6))
    if len(same) == 1:
        return same[0], None
    if not same and text.isdigit():  # an id, as the former <select> posted (and scripts may)
        person = Activist.get_or_none(Activist.id == int(text)) if len(text) < 10 else None
        if person is not None:
            return person, None
    if same:
        return None, str(_l("Several people are called “%(name)s”; choose one: %(people)s.", name=name,
                            people="; ".join(label(p) for p in same[:5])))
    close = suggestions(name, 5)
    if close:
        return None, str(_l("No one is called “%(name)s”. Did you mean: %(people)s?", name=name,
                            people="; ".join(label(p) for p in close)))
    return None, str(_l("No one is called “%(name)s”. Type part of a name or a reference.", name=name))


class PersonField(StringField):
    """A person typed by name or reference. ``data`` is the chosen person's id as a string
    (or ``""``), as a ``<select>`` of ids gave; ``person`` is the activist."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person, self.problem, self.typed = None, None, None

    def process_data(self, value):
        self.data = str(value) if value not in (None, "") else ""

    def process_formdata(self, valuelist):
        self.typed = (valuelist[0] if valuelist else "").strip()
        self.person, self.problem = find(self.typed) if self.typed else (None, None)
        self.data = str(self.person.id) if self.person else ""

    def pre_validate(self, form):
        if self.problem:
            raise ValidationError(self.problem)

    def chosen(self):
        """The activist named by ``data`` (read once), or None."""
        if self.person is None and self.data and str(self.data).isdigit():
            self.person = Activist.get_or_none(Activist.id == int(self.data))
        return self.person

    def _value(self):
        if self.typed is not None and (self.problem or not self.person):
            return self.typed  # what was typed stays, with its message
        person = self.chosen()
        return label(person) if person else ""

    def __call__(self, **kwargs):
        kwargs.setdefault("list", DATALIST)
        kwargs.setdefault("autocomplete", "off")
        kwargs.setdefault("hx-get", url_for("people.found", field=self.name))
        kwargs.setdefault("hx-trigger", "input changed delay:300ms")
        kwargs.setdefault("hx-target", f"#{DATALIST}")
        kwargs.setdefault("hx-swap", "innerHTML")
        return super().__call__(**kwargs)
