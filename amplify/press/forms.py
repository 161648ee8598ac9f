"""Forms of the press desk."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField,
    TimeField, ValidationError,
)
from wtforms.validators import DataRequired, Email, NumberRange, Optional

from amplify import limits
from amplify.calendars import is_time_zone
from amplify.campaigns.forms import content_language_choices, is_web_url
from amplify.forms import CheckboxesField, Form, MaxLength, options
from amplify.items.models import KINDS, PRESS_KINDS
from amplify.press.models import ANSWERS, INTERVIEW_FORMATS, METHODS, OUTLET_KINDS, PROTECTIONS

WORDS_HELP = _l("Separated by spaces or commas.")


def words(text):
    return [word for word in (text or "").replace(",", " ").split() if word][:20]


def web_addresses(form, field):
    for line in (field.data or "").splitlines():
        if line.strip() and not is_web_url(line.strip()):
            raise ValidationError(_l("“%(line)s” is not a web address (https://…).", line=line.strip()[:80]))


class OutletForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), MaxLength(limits.NAME)])
    kind = SelectField(_l("Kind"), choices=options(OUTLET_KINDS.items()))
    country = StringField(_l("Country (two letters, e.g. PE)"), validators=[Optional(), MaxLength(2)])
    languages = StringField(_l("Languages"), validators=[MaxLength(limits.NAME)], description=WORDS_HELP)
    audience = StringField(_l("Audience"), validators=[MaxLength(limits.NAME)],
                           description=_l("Who reads, listens or watches, and how many."))
    links = TextAreaField(_l("Web addresses"), validators=[MaxLength(limits.TEXT), web_addresses],
                          description=_l("One per line."))
    tags = StringField(_l("Tags"), validators=[MaxLength(limits.NAME)], description=WORDS_HELP)
    notes = TextAreaField(_l("Notes"), validators=[MaxLength(limits.TEXT)])


class JournalistForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), MaxLength(limits.NAME)])
    outlet = SelectField(_l("Outlet"), validate_choice=False)
    beat = StringField(_l("Beat"), validators=[MaxLength(limits.NAME)],
                       description=_l("What they cover, e.g. “labour, migration”."))
    languages = StringField(_l("Languages"), validators=[MaxLength(limits.NAME)], description=WORDS_HELP)
    email = EmailField(_l("Work e-mail"), validators=[Optional(), MaxLength(254), Email()],
                       description=_l("Public: where pitches go. One journalist per address."))
    public_contacts = TextAreaField(_l("Public contact details"), validators=[MaxLength(limits.NOTE)],
                                    description=_l("Desk phone, social media accounts."))
    private_contacts = TextAreaField(
        _l("Private contact details"), validators=[MaxLength(limits.NOTE)],
        description=_l("Personal phone or address: hidden by default, and every showing is recorded."))
    tags = StringField(_l("Tags"), validators=[MaxLength(limits.NAME)], description=WORDS_HELP)
    notes = TextAreaField(_l("Notes"), validators=[MaxLength(limits.TEXT)])
    do_not_contact = BooleanField(_l("Do not contact"))
    do_not_contact_reason = TextAreaField(_l("Why not"), validators=[MaxLength(limits.NOTE)])

    def __init__(self, *args, outlets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.outlet.choices = options([("", "—")] + [(str(o.id), o.name) for o in outlets])
        self.outlet_ids = {str(o.id) for o in outlets}

    def validate_outlet(self, field):
        if field.data and field.data not in self.outlet_ids:
            raise ValidationError(_l("Choose an outlet from the list."))


class ImportForm(Form):
    file = FileField(_l("CSV file"), description=_l(
        "First row: the column names. At least “name” and “email”; also “outlet”, “country”, "
        "“beat”, “languages”, “tags”, “public_contacts”, “private_contacts”, “notes”, "
        "“do_not_contact”, “do_not_contact_reason”."))


class ReleaseForm(Form):
    campaign = SelectField(_l("Campaign"), validate_choice=False)
    kind = SelectField(_l("Kind"), choices=options((k, KINDS[k]) for k in PRESS_KINDS))
    title = StringField(_l("Headline"), validators=[DataRequired(), MaxLength(limits.NAME)])
    language = SelectField(_l("Language"))
    variants = CheckboxesField(_l("Approved messages it is built from"), validate_choice=False)
    text = TextAreaField(_l("Text"), validators=[Optional(), MaxLength(limits.POST)], description=_l(
        "A person quoted is written as their {ref}: it is replaced by the name they choose. Left "
        "empty, the chosen messages' long forms are used."))
    quoted = CheckboxesField(_l("People it quotes"), validate_choice=False, description=_l(
        "Each one is asked to agree to this exact text before it goes anywhere."))
    contact_name = StringField(_l("Press contact"), validators=[MaxLength(limits.NAME)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), MaxLength(254), Email()])
    contact_phone = StringField(_l("Contact phone"), validators=[MaxLength(limits.NAME)])

    def __init__(self, *args, campaigns=(), variant_choices=(), activists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign.choices = options((str(c.id), c.name) for c in campaigns)
        self.language.choices = options(content_language_choices())
        self.variants.choices = options(variant_choices)
        self.quoted.choices = options((str(a.id), a.display_name) for a in activists)
        self.activist_ids = {str(a.id) for a in activists}

    def validate_quoted(self, field):
        if any(i not in self.activist_ids for i in field.data or []):
            raise ValidationError(_l("Choose people from the list."))


class ContactForm(Form):
    contact_name = StringField(_l("Press contact"), validators=[MaxLength(limits.NAME)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[Optional(), MaxLength(254), Email()])
    contact_phone = StringField(_l("Contact phone"), validators=[MaxLength(limits.NAME)])


class EvidenceForm(Form):
    figure = StringField(_l("Figure or fact"), validators=[DataRequired(), MaxLength(limits.NOTE)])
    source = StringField(_l("Source"), validators=[DataRequired(), MaxLength(limits.NAME)])
    url = StringField(_l("Web address of the source"), validators=[Optional(), MaxLength(limits.ADDRESS)])

    def validate_url(self, field):
        if field.data and not is_web_url(field.data.strip()):
            raise ValidationError(_l("A web address starts with https://"))


class EmbargoForm(Form):
    day = DateField(_l("Day"), validators=[Optional()])
    clock = TimeField(_l("Time"), validators=[Optional()])
    zone = StringField(_l("Time zone"), validators=[DataRequired(), MaxLength(64)],
                       description=_l("As in “America/Lima” or “Europe/Paris”."))

    def validate_zone(self, field):
        if not is_time_zone(field.data):
            raise ValidationError(_l("Not a time zone: write it as “America/Lima”."))

    def validate_clock(self, field):
        if bool(field.data) != bool(self.day.data):
            raise ValidationError(_l("Give both the day and the time (or neither, to lift the embargo)."))


class ShareForm(Form):
    days = IntegerField(_l("Valid for (days)"), default=14, validators=[DataRequired(), NumberRange(1, 90)])


class PitchForm(Form):
    journalists = CheckboxesField(_l("Journalists"), validate_choice=False)
    method = SelectField(_l("How"), choices=options(METHODS.items()))
    subject = StringField(_l("Subject of the e-mail"), validators=[MaxLength(limits.NAME)])
    note = TextAreaField(_l("A few words before it"), validators=[MaxLength(limits.NOTE)],
                         description=_l("Each journalist gets their own message, greeted by name; "
                                        "nobody sees who else received it."))
    follow_up_on = DateField(_l("Follow up on"), validators=[Optional()])

    def __init__(self, *args, journalists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.journalists.choices = options(
            (str(j.id), j.name + (f" ({j.outlet.name})" if j.outlet_id else "")) for j in journalists)


class AnswerForm(Form):
    answer = SelectField(_l("Answer"), choices=options(ANSWERS.items()))
    note = TextAreaField(_l("Note"), validators=[MaxLength(limits.NOTE)])
    spokesperson = SelectField(_l("Spokesperson proposed for the interview"), validate_choice=False)
    follow_up_on = DateField(_l("Follow up on"), validators=[Optional()])

    def __init__(self, *args, spokespeople=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.spokesperson.choices = options([("", "—")] + [(str(a.id), a.display_name) for a in spokespeople])
        self.spokesperson_ids = {str(a.id) for a in spokespeople}

    def validate_spokesperson(self, field):
        if field.data and field.data not in self.spokesperson_ids:
            raise ValidationError(_l("Choose a spokesperson from the list."))


class CoverageForm(Form):
    feed_entry = SelectField(_l("Found by the feeds"), validate_choice=False, description=_l(
        "Coverage the feeds logged for this campaign; or leave it and write the title below."))
    title = StringField(_l("Title"), validators=[MaxLength(limits.NAME)])
    url = StringField(_l("Web address"), validators=[Optional(), MaxLength(limits.ADDRESS)])
    published_on = DateField(_l("Published on"), validators=[Optional()])
    pitch = SelectField(_l("From the pitch to"), validate_choice=False)
    quotes_carried = BooleanField(_l("It carries our quotes"))

    def __init__(self, *args, pitches=(), entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pitch.choices = options([("", "—")] + [(str(p.id), p.journalist.name) for p in pitches])
        self.feed_entry.choices = options([("", "—")] + [(str(e.id), e.title[:120]) for e in entries])
        self.entries = {str(e.id): e for e in entries}

    @property
    def entry(self):
        return self.entries.get(self.feed_entry.data or "")

    def validate_feed_entry(self, field):
        if field.data and field.data not in self.entries:
            raise ValidationError(_l("Choose coverage from the list."))

    def validate_title(self, field):
        if not (field.data or "").strip() and not self.entry:
            raise ValidationError(_l("Give its title, or choose what the feeds found."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # Checked here: the field's Optional() ends its own checks when it is empty.
        if valid and not self.published_on.data and not self.entry:
            self.published_on.errors = [_l("Give the day it came out.")]
            return False
        return valid

    def validate_url(self, field):
        if field.data and not is_web_url(field.data.strip()):
            raise ValidationError(_l("A web address starts with https://"))


class InterviewForm(Form):
    on = DateField(_l("Day of the interview"), validators=[DataRequired()])
    format = SelectField(_l("Format"), choices=options(INTERVIEW_FORMATS.items()))
    protection = SelectField(_l("How she appears"), choices=options(PROTECTIONS.items()), description=_l(
        "She decides on exactly this. For a person at high risk, only with the protection she chose."))


class OfferForm(Form):
    formats = CheckboxesField(_l("Formats she accepts"), choices=options(INTERVIEW_FORMATS.items()),
                              description=_l("None ticked: she no longer offers interviews."))
    topics = TextAreaField(_l("Topics"), validators=[MaxLength(limits.NOTE)])
    availability = TextAreaField(_l("Availability"), validators=[MaxLength(limits.NOTE)],
                                 description=_l("e.g. “evenings after 18:00, not on Sundays”."))
