from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange

from amplify.campaigns.models import CONTENT_LANGUAGES
from amplify.feeds.models import KINDS
from amplify.forms import CheckboxesField, Form, MaxLength, options
from amplify.i18n import LANGUAGES


class SourceForm(Form):
    title = StringField(_l("Name"), validators=[MaxLength(200)],
                        description=_l("How the team calls this source. Empty: the feed's own title."))
    url = StringField(_l("Feed address"), validators=[DataRequired(), MaxLength(2000)],
                      description=_l("The RSS or Atom address, https://…"))
    kind = SelectField(_l("Kind"), choices=options(KINDS.items()))
    organization = SelectField(_l("Organization"), validate_choice=False)
    campaigns = CheckboxesField(_l("Campaigns"), validate_choice=False, coerce=str)
    keywords = TextAreaField(_l("Keywords"), validators=[MaxLength(4000)],
                             description=_l("One per line. Empty: the campaigns' hashtags and names."))
    interval_minutes = IntegerField(_l("Poll every (minutes)"), default=60,
                                    validators=[NumberRange(min=5, max=10080)])
    paused = BooleanField(_l("Paused"))

    def __init__(self, *args, organizations=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = options([("", "—")] + [(str(o.id), o.name) for o in organizations])
        self.campaigns.choices = options([(str(c.id), c.name) for c in campaigns])


class OpmlForm(Form):
    file = FileField(_l("OPML file"))
    kind = SelectField(_l("Kind for feeds without one"), choices=options(KINDS.items()))


def language_choices():
    return options([(code, LANGUAGES[code]) for code in CONTENT_LANGUAGES])


class AmplifyForm(Form):
    campaign = SelectField(_l("Campaign"), validate_choice=False)
    channel = SelectField(_l("Platform"), validate_choice=False)
    language = SelectField(_l("Language"), choices=language_choices())

    def __init__(self, *args, campaigns=(), channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign.choices = options([(str(c.id), c.name) for c in campaigns])
        self.channel.choices = options(list(channels))


class ProposeForm(Form):
    campaign = SelectField(_l("Campaign"), validate_choice=False)
    language = SelectField(_l("Language"), choices=language_choices())

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign.choices = options([(str(c.id), c.name) for c in campaigns])
