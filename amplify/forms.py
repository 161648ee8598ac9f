"""Small helpers shared by every domain's forms."""

from wtforms import SelectMultipleField, ValidationError, widgets
from wtforms.validators import Length, StopValidation
from wtforms.fields.choices import SelectChoice


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
