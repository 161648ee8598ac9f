from flask_babel import lazy_gettext as _l

from amplify.forms import Form, options
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length

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
