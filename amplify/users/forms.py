from flask_babel import lazy_gettext as _l

from amplify.forms import Form, options
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from amplify.auth.forms import MIN_PASSWORD
from amplify.i18n import LANGUAGES

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "comms": _l("Communications officer"),
    "events": _l("Events officer"),
    "viewer": _l("Reader"),
}


class UserForm(Form):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Role"), choices=options(list(ROLE_LABELS.items())))
    language = SelectField(_l("Language"), choices=options([("", _l("As the browser asks"))] + list(LANGUAGES.items())))
    active = BooleanField(_l("Active (may sign in)"), default=True)
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_PASSWORD, max=1024)],
        description=_l("At least %(n)d characters. Leave empty to keep the current one.", n=MIN_PASSWORD),
    )
