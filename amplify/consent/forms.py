import secrets

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField,
    ValidationError,
)
from wtforms.validators import Optional

from amplify.consent.models import STAFF_METHODS
from amplify.forms import CheckboxesField, Form, MaxLength, options
from amplify.items.models import CHANNELS
from amplify.people.models import ATTRIBUTIONS

ANSWERS = {"given": _l("Yes"), "refused": _l("No"), "changes_requested": _l("Change something")}


class DecisionForm(Form):
    """A person's answer about one exact version, with the scope they choose."""

    content_hash = HiddenField()
    request_key = HiddenField()
    answer = HiddenField()
    channels = CheckboxesField(_l("Where it may appear"), choices=options(CHANNELS.items()))
    attribution = RadioField(_l("How to name me"), choices=options(ATTRIBUTIONS.items()),
                             validate_choice=False)
    face = BooleanField(_l("My face may be shown"))
    valid_until = DateField(_l("Until"), validators=[Optional()])
    comment = TextAreaField(_l("What should change? (or any comment)"),
                            validators=[MaxLength(2000)])
    guardian_name = StringField(_l("Guardian's name"), validators=[MaxLength(200)])
    guardian_relationship = StringField(_l("Relationship to the minor"),
                                        validators=[MaxLength(200)])
    minor_agrees = BooleanField(_l("I, the minor, agree too"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.request_key.data:
            self.request_key.data = secrets.token_urlsafe(16)

    def scope(self):
        return {"channels": self.channels.data or [], "attribution": self.attribution.data,
                "face": self.face.data, "valid_until": self.valid_until.data}


class StaffDecisionForm(DecisionForm):
    """A decision given by phone, in person, on paper or by message, recorded by staff."""

    outcome = SelectField(_l("Decision"), choices=options(list(ANSWERS.items())
                                                            + [("withdrawn", _l("Withdraws consent"))]))
    method = SelectField(_l("How it was given"), choices=options(STAFF_METHODS.items()))
    witness = StringField(_l("Witness (optional)"), validators=[MaxLength(200)])
    notice_version = SelectField(_l("Notice that was read"), validate_choice=False)
    notice_language = SelectField(_l("In which language"), validate_choice=False)
    confirm_withdrawal = BooleanField(_l("Yes: record her withdrawal; every publication of this item goes "
                                         "into the take-down queue"))

    def validate_confirm_withdrawal(self, field):
        if self.outcome.data == "withdrawn" and not field.data:
            raise ValidationError(_l("A withdrawal takes down every publication of this item: tick to confirm "
                                     "it is what she asked for."))
