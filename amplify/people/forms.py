import re

from flask_babel import lazy_gettext as _l

from amplify.forms import CheckboxesField, Form, MaxLength, options, parsed_by
from amplify.i18n import LANGUAGES, country_choices, language_name
from wtforms import (
    BooleanField, DateField, SelectField, StringField, TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Optional

from amplify.people.models import ATTRIBUTIONS, OUR_ROLES, RISK_LEVELS

ACTIVIST_LANGUAGES = ("es", "pt", "en", "fr", "qu", "gn", "ay", "ht", "nah")
CONTACT_LINE = re.compile(r"^\s*([^:]{1,40}):\s*(\S.{0,199})$")


def language_choices():
    return [(code, language_name(code)) for code in ACTIVIST_LANGUAGES]


class CountryField(SelectField):
    def __init__(self, label, **kwargs):
        super().__init__(label, validators=[DataRequired()], **kwargs)

    def pre_validate(self, form):
        self.choices = options(country_choices())
        super().pre_validate(form)


class OrganizationForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), MaxLength(200)])
    formal = SelectField(
        _l("Kind of group"),
        choices=options([("1", _l("Formal (union, association, network)")), ("0", _l("Informal group"))]),
    )
    trade_union = BooleanField(
        _l("It is a trade union"),
        description=_l("Membership of a union is special-category data: consent receipts say so."))
    country = CountryField(_l("Country"))
    our_role = SelectField(_l("Our role with them"), choices=options(list(OUR_ROLES.items())))
    last_review_on = DateField(_l("Last relationship review"), validators=[Optional()])
    next_review_on = DateField(
        _l("Next relationship review"),
        validators=[Optional()],
        description=_l("Leave empty: six months after the last review."),
    )
    notes = TextAreaField(_l("Notes"), validators=[MaxLength(5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = options(country_choices())


def parse_contacts(text):
    """'kind: value' lines into a list of dicts. Raises ValueError naming the bad line."""
    channels = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = CONTACT_LINE.match(line)
        if not match:
            raise ValueError(number)
        channels.append({"kind": match.group(1).strip(), "value": match.group(2).strip()})
    return channels


def format_contacts(channels):
    return "\n".join(f"{c['kind']}: {c['value']}" for c in channels or [])


class ActivistForm(Form):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), MaxLength(200)])
    pseudonym = StringField(_l("Pseudonym"), validators=[MaxLength(200)])
    organization = SelectField(_l("Organization"), coerce=str, validate_choice=True)
    country = CountryField(_l("Country"))
    languages = CheckboxesField(_l("Languages"), description=_l("The languages they read. Key messages are asked of them only in these."))
    preferred_language = SelectField(_l("Language of their review page"), validate_choice=False)
    contact_channels = TextAreaField(
        _l("Contact channels"),
        validators=[MaxLength(2000), parsed_by(
            parse_contacts, _l("Line %(bad)s is not “channel: address”."))],
        description=_l("One per line, as “channel: address”, e.g. “WhatsApp: +55 11 5555 0100”."),
    )
    risk_level = SelectField(_l("Risk level"), choices=options(list(RISK_LEVELS.items())))
    default_attribution = SelectField(_l("Default attribution"), choices=options(list(ATTRIBUTIONS.items())))
    face_may_be_shown = BooleanField(_l("Their face may be shown"))
    minor = BooleanField(_l("Under 18 (a guardian decides with them)"))
    spokesperson_for = CheckboxesField(_l("Spokesperson for"), coerce=str)
    notes = TextAreaField(_l("Notes"), validators=[MaxLength(5000)])

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = options(country_choices())
        self.languages.choices = options(language_choices())
        self.preferred_language.choices = options(
            [("", _l("The first language they read"))] + [(code, name) for code, name in language_choices()
                                                          if code in LANGUAGES])
        org_choices = [(str(o.id), o.name) for o in organizations]
        self.organization.choices = options([("", _l("None"))] + org_choices)
        self.spokesperson_for.choices = options(org_choices)


    def validate_preferred_language(self, field):
        if field.data and (field.data not in LANGUAGES or field.data not in (self.languages.data or [])):
            raise ValidationError(_l("Choose one of the languages they read, among those Amplify speaks."))

    def validate_pseudonym(self, field):
        if self.default_attribution.data == "pseudonym" and not field.data.strip():
            raise ValidationError(_l("A pseudonym is needed when it is the default attribution."))
