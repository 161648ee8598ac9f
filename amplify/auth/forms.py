from flask_babel import lazy_gettext as _l

from amplify.forms import Form, options
from flask import current_app
from wtforms import EmailField, HiddenField, PasswordField, SelectField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from amplify.calendars import is_time_zone, time_zones
from amplify.i18n import LANGUAGES

MIN_PASSWORD = 10


class LoginForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=1024)],
        description=_l("At least %(n)d characters.", n=MIN_PASSWORD),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )


class LanguageForm(Form):
    language = SelectField(
        _l("Language"),
        choices=options([("", _l("As my browser asks"))] + list(LANGUAGES.items())),
    )


class TimeZoneForm(Form):
    time_zone = SelectField(
        _l("Your time zone"), validate_choice=False,
        description=_l("Planned times are entered and shown in it. Without one, each campaign's "
                       "time zone is used."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = options(
            [("", _l("Each campaign's (else this installation's: %(zone)s)", zone=current_app.config["TIMEZONE"]))]
            + [(name, name) for name in time_zones()])

    def validate_time_zone(self, field):
        if field.data and not is_time_zone(field.data):
            raise ValidationError(_l("Choose a time zone from the list."))
