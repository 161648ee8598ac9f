import re

from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm

from amplify.forms import CheckboxesField, MaxLength, options, parsed_by
from wtforms import (
    BooleanField, DateField, SelectField, StringField, TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Optional

from amplify.people.models import ATTRIBUTIONS, OUR_ROLES, RISK_LEVELS

ACTIVIST_LANGUAGES = ("es", "pt", "en", "fr", "qu", "gn", "ay", "ht", "nah")
CONTACT_LINE = re.compile(r"^\s*([^:]{1,40}):\s*(\S.{0,199})$")


def country_choices():
    territories = get_locale().territories
    codes = sorted((c for c in territories if len(c) == 2 and c.isalpha()),
                   key=lambda c: territories[c])
    return [("", "—")] + [(c, territories[c]) for c in codes]


def language_choices():
    names = get_locale().languages
    return [(code, names.get(code, code)) for code in ACTIVIST_LANGUAGES]


class CountryField(SelectField):
    def __init__(self, label, **kwargs):
        super().__init__(label, validators=[DataRequired()], **kwargs)

    def pre_validate(self, form):
        self.choices = options(country_choices())
        super().pre_validate(form)


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), MaxLength(200)])
    formal = SelectField(
        _l("Kind of group"),
        choices=options([("1", _l("Formal (union, association, network)")), ("0", _l("Informal group"))]),
    )
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


class ActivistForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), MaxLength(200)])
    pseudonym = StringField(_l("Pseudonym"), validators=[MaxLength(200)])
    organization = SelectField(_l("Organization"), coerce=str, validate_choice=True)
    country = CountryField(_l("Country"))
    languages = CheckboxesField(_l("Languages"))
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
        org_choices = [(str(o.id), o.name) for o in organizations]
        self.organization.choices = options([("", _l("None"))] + org_choices)
        self.spokesperson_for.choices = options(org_choices)


    def validate_pseudonym(self, field):
        if self.default_attribution.data == "pseudonym" and not field.data.strip():
            raise ValidationError(_l("A pseudonym is needed when it is the default attribution."))
