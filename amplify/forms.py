"""Small helpers shared by every domain's forms, and the base class they all use."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, TextAreaField, ValidationError, widgets
from wtforms.validators import Length, StopValidation
from wtforms.fields.choices import SelectChoice

# Line breaks as Python's str.splitlines() knows them: any of them in a name or a title
# breaks calendar files, CSV rows and mail headers.
LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
ONE_LINE_INPUTS = ("text", "email", "url", "search", "tel")


def is_one_line(field):
    """A field shown as a one-line text input (not a text area, a password or a hidden
    field)."""
    widget = field.widget
    return isinstance(widget, widgets.Input) and getattr(widget, "input_type", "") in ONE_LINE_INPUTS


def single_line(form, field):
    if isinstance(field.data, str) and LINE_BREAK.search(field.data):
        raise ValidationError(_l("This takes a single line: remove the line breaks."))


class Form(FlaskForm):
    """The base of every form: one-line fields refuse line breaks, whatever the browser
    was made to send (a text input cannot hold one; a crafted request can)."""

    def validate(self, extra_validators=None):
        extra = {name: list(found) for name, found in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if is_one_line(field):
                extra.setdefault(name, []).append(single_line)
        return super().validate(extra)


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (the field macro renders it as a
    fieldset with a legend)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def options(pairs):
    """``(value, label)`` pairs as the choices WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs]


def parsed_by(parser, message):
    """A validator: the field's text must parse with ``parser``, whose ValueError carries
    the culprit (a line number or a word), put into ``message`` as ``%(bad)s``."""

    def validate(form, field):
        try:
            parser(field.data)
        except ValueError as bad:
            raise ValidationError(message % {"bad": bad.args[0]}) from None

    return validate


LANGUAGE_LINE = re.compile(r"^\s*([a-z]{2,3})\s*:\s*(\S.*?)\s*$")


def parse_language_names(text):
    """'es: Trabajo digno' lines into ``{"es": "Trabajo digno"}``. Raises ValueError
    naming the bad line."""
    names = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = LANGUAGE_LINE.match(line)
        if not match:
            raise ValueError(number)
        names[match.group(1)] = match.group(2)
    return names


class LanguageNamesField(TextAreaField):
    """A name per language, one "es: …" line each (a campaign's name, a message's title),
    so an activist's page shows it in a language she reads."""

    def __init__(self, label, **kwargs):
        kwargs.setdefault("description", _l("One per line, as “language: name”, e.g. “es: El trabajo del hogar es trabajo”. Activists see it in a language they read, or not at all."))
        super().__init__(label, validators=[parsed_by(parse_language_names, _l(
            "Line %(bad)s is not “language: name”."))], **kwargs)

    def process_data(self, value):
        self.data = format_language_names(value) if isinstance(value, dict) else value

    @property
    def names(self):
        return parse_language_names(self.data)


def format_language_names(names):
    return "\n".join(f"{code}: {name}" for code, name in sorted((names or {}).items()))


def form_status(form):
    """400 when a submitted form is sent back with errors, else 200."""
    return 400 if form.errors else 200


class MaxLength(Length):
    """``Length(max=…)`` that ends the field's validation when the text is too long: no
    later validator (a parser, an inline check) ever sees an overlong text."""

    def __init__(self, maximum, message=None):
        super().__init__(max=maximum, message=message)

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except ValidationError as too_long:
            raise StopValidation(too_long.args[0]) from None
