from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from amplify import limits
from amplify.campaigns.forms import parse_links
from amplify.campaigns.models import FRAMEWORKS
from amplify.consent.models import STAFF_METHODS
from amplify.forms import CheckboxesField, Form, MaxLength, options, parsed_by
from amplify.i18n import LANGUAGES, country_choices
from amplify.people.picker import PersonField
from amplify.invitations.models import (
    ARRANGEMENTS,
    COMMITMENT_KINDS,
    KINDS,
    LEVELS,
    MEDIA_USES,
    RISK_LEVELS,
    ROLES,
    SUPPORT_KINDS,
)


class EventForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), MaxLength(200)])
    kind = SelectField(_l("Kind"), choices=options(KINDS.items()))
    level = SelectField(_l("Level"), choices=options(LEVELS.items()))
    host = StringField(_l("Host"), validators=[MaxLength(200)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[MaxLength(200)])
    country = SelectField(_l("Country"), validate_choice=False,
                          description=_l("Where she travels to: passport validity rules depend on it."))
    online = BooleanField(_l("Online"))
    interpretation = BooleanField(_l("Interpretation provided"))
    accreditation_route = TextAreaField(_l("Accreditation route"), validators=[MaxLength(2000)])
    accreditation_deadline = DateField(_l("Accreditation deadline"), validators=[Optional()])
    seats_per_organization = IntegerField(_l("Seats per organization"),
                                          validators=[Optional(), NumberRange(min=1, max=1000)])
    links = TextAreaField(_l("Links"), validators=[MaxLength(5000), parsed_by(
        parse_links, _l("“%(bad)s” is not a web address (http:// or https://)."))],
        description=_l("One web address per line."))
    frameworks = CheckboxesField(_l("Frameworks"), choices=options(FRAMEWORKS.items()))
    campaign = SelectField(_l("Campaign"), validate_choice=False)
    notes = TextAreaField(_l("Notes"), validators=[MaxLength(5000)])

    def __init__(self, *args, campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign.choices = options([("", "—")] + [(str(c.id), c.name) for c in campaigns])
        self.country.choices = options(country_choices())


    def validate_country(self, field):
        if field.data and field.data not in {code for code, _name in country_choices()}:
            raise ValidationError(_l("Choose a country from the list."))


class InvitationForm(Form):
    activist = PersonField(_l("Activist"), validators=[MaxLength(200)],
                           description=_l("Type part of a name or a reference, then choose. Leave empty when an "
                                          "organization is asked to choose."))
    organization = SelectField(_l("Organization asked to choose"), validate_choice=False)
    role = SelectField(_l("Role"), choices=options(ROLES.items()))
    answer_due = DateField(_l("Answer due"), validators=[Optional()])

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization.choices = options([("", "—")] + [(str(o.id), o.name) for o in organizations])


class MoveForm(Form):
    state = SelectField(_l("New state"), validate_choice=False)
    reason = TextAreaField(_l("Why (required to decline, withdraw, cancel, for a refusal or a no-show)"),
                           validators=[MaxLength(2000)])
    decided_by = StringField(_l("Who in the movement chose (for a nomination)"), validators=[MaxLength(200)],
                             description=_l("Who, not when: the date has its own field."))
    decided_on = DateField(_l("When the movement decided (for a nomination)"), validators=[Optional()],
                           description=_l("Empty: today."))
    activist = PersonField(_l("Activist chosen"), validators=[MaxLength(200)],
                           description=_l("Type part of a name or a reference, then choose."))
    method = SelectField(_l("How she answered (when you record her yes or no)"), validate_choice=False,
                         choices=options([("", "—")] + list(STAFF_METHODS.items())))

    def __init__(self, *args, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = options(states)


class SupportForm(Form):
    kind = SelectField(_l("Support"), choices=options(SUPPORT_KINDS.items()))
    arrangement = SelectField(_l("Arrangement"), choices=options(ARRANGEMENTS.items()))
    provided = BooleanField(_l("Provided"))
    budget = DecimalField(_l("Budget"), places=2, validators=[Optional(), NumberRange(min=0)])
    actual = DecimalField(_l("Actual cost"), places=2, validators=[Optional(), NumberRange(min=0)])
    currency = StringField(_l("Currency (ISO code, e.g. USD)"), validators=[DataRequired(), Length(min=3, max=3)])
    receipt_noted = BooleanField(_l("Receipt noted"))
    paid_on = DateField(_l("Paid on"), validators=[Optional()])
    notes = StringField(_l("Notes"), validators=[MaxLength(500)])

    def validate_currency(self, field):
        if not (field.data or "").isalpha():
            raise ValidationError(_l("Three letters, e.g. USD, EUR, BRL."))


class VisaForm(Form):
    visa_required = SelectField(_l("Visa required"), choices=options(
        [("", _l("Not known yet")), ("yes", _l("Yes")), ("no", _l("No"))]))
    visa_letter_sent_on = DateField(_l("Invitation letter sent"), validators=[Optional()])
    visa_appointment_on = DateField(_l("Visa appointment"), validators=[Optional()])
    visa_lodged_on = DateField(_l("Application lodged"), validators=[Optional()])
    visa_outcome = StringField(_l("Outcome"), validators=[MaxLength(200)])
    passport_expiry = DateField(_l("Passport expiry"), validators=[Optional()])
    passport_number = StringField(_l("Passport number"), validators=[MaxLength(40)],
                                  description=_l("Sensitive: deleted on the purge date after the event."))
    passport_name = StringField(_l("Name as in the passport"), validators=[MaxLength(200)],
                                description=_l("For the visa letter; deleted with the passport number."))
    nationality = SelectField(_l("Nationality"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = options(country_choices())

    def validate_nationality(self, field):
        if field.data and field.data not in {code for code, _name in country_choices()}:
            raise ValidationError(_l("Choose a country from the list."))


class TripForm(Form):
    """Dates of travel, safety for this trip, interpretation."""

    travel_on = DateField(_l("Travels on"), validators=[Optional()],
                          description=_l("Empty: the first day of the event."))
    return_on = DateField(_l("Returns on"), validators=[Optional()],
                          description=_l("Empty: the last day of the event."))
    risk_level = SelectField(_l("Risk for this trip"), choices=options(
        [("", _l("Not assessed yet"))] + list(RISK_LEVELS.items())))
    mitigation = TextAreaField(_l("Mitigation"), validators=[MaxLength(4000)],
                               description=_l("What we do to reduce the risk: who travels with her, "
                                              "where she stays, what is not published."))
    checkin_contact = StringField(_l("Check-in contact"), validators=[MaxLength(200)],
                                  description=_l("Who she checks in with during the trip and after "
                                                 "return."))
    checked_in_on = DateField(_l("Safe return confirmed on"), validators=[Optional()])
    interpretation_needed = BooleanField(_l("Needs an interpreter"))
    interpreter_booked_on = DateField(_l("Interpreter booked on"), validators=[Optional()])

    def validate_return_on(self, field):
        if field.data and self.travel_on.data and field.data < self.travel_on.data:
            raise ValidationError(_l("The return cannot be before the departure."))


class OutcomeForm(Form):
    outcome = TextAreaField(_l("What was said or achieved"), validators=[MaxLength(8000)])
    follow_ups = TextAreaField(_l("Follow-ups"), validators=[MaxLength(4000)])
    evaluated_on = DateField(_l("Evaluation done on"), validators=[Optional()])
    items = CheckboxesField(_l("Items published about it"), validate_choice=False, coerce=str)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items.choices = options([(str(i.id), i.title) for i in items])


class MediaConsentForm(Form):
    """Staff recording the person's answer about being named, photographed, recorded or
    quoted at the event, with how it was given."""

    uses = CheckboxesField(_l("She agrees to"), choices=options(MEDIA_USES.items()),
                           description=_l("Nothing ticked records a no."))
    method = SelectField(_l("How she answered"), choices=options(STAFF_METHODS.items()))
    witness = StringField(_l("Witness (optional)"), validators=[MaxLength(200)])


class DocumentForm(Form):
    """A letter or list filled in from its template, as staff edited it before download."""

    language = SelectField(_l("Language"), choices=options(LANGUAGES.items()))
    text = TextAreaField(_l("Text"), validators=[DataRequired(), MaxLength(20_000)],
                         description=_l("Edit as you need: this text goes into the document as it is here."))


class PerDiemForm(Form):
    """The per diem paid a night to each person travelling to the event."""

    rate = DecimalField(_l("Per diem a night"), places=2, validators=[
        Optional(), NumberRange(min=0, message=_l("A per diem cannot be negative.")),
        NumberRange(max=10_000, message=_l("A per diem is between 0 and 10,000 a night: check the amount."))],
        description=_l("Paid for each night away, from her travel dates. Empty: no per diem."))
    currency = StringField(_l("Currency (ISO code, e.g. USD)"), validators=[MaxLength(3)])

    def validate_currency(self, field):
        value = (field.data or "").strip()
        if self.rate.data is not None and not (len(value) == 3 and value.isalpha()):
            raise ValidationError(_l("Three letters, e.g. USD, EUR, BRL."))


class MeetingForm(Form):
    """A meeting in a decision space, and what we prepare for it."""

    title = StringField(_l("Meeting"), validators=[DataRequired(), MaxLength(limits.NAME)],
                        description=_l("E.g. “Meeting with the Labour Ministry's delegation”."))
    space = StringField(_l("Who we meet"), validators=[MaxLength(limits.NAME)],
                        description=_l("A ministry, a committee, a delegation."))
    held_on = DateField(_l("Day"), validators=[DataRequired()])
    language = SelectField(_l("Language of the meeting"), choices=options(LANGUAGES.items()))
    attendees = CheckboxesField(_l("Who attends from the delegation"), coerce=str, validate_choice=False)
    asks = TextAreaField(_l("What we ask"), validators=[MaxLength(limits.TEXT)])
    background = TextAreaField(_l("Background"), validators=[MaxLength(limits.TEXT)])
    objections = TextAreaField(_l("Objections we expect, and our answers"), validators=[MaxLength(limits.TEXT)])

    def __init__(self, *args, invitations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees.choices = options([(str(i.id), f"{i.activist.display_name} ({i.role_label})")
                                          for i in invitations])


class DebriefForm(Form):
    debrief = TextAreaField(_l("What happened"), validators=[MaxLength(limits.TEXT)])
    debriefed_on = DateField(_l("Debriefed on"), validators=[Optional()])


class CommitmentForm(Form):
    """One commitment obtained (who promised what, by when) or one follow-up of ours."""

    kind = SelectField(_l("Kind"), choices=options(COMMITMENT_KINDS.items()))
    who = StringField(_l("Who"), validators=[DataRequired(), MaxLength(limits.NAME)],
                      description=_l("Who promised it, or who of us owns the follow-up."))
    what = TextAreaField(_l("What"), validators=[DataRequired(), MaxLength(2000)])
    due_on = DateField(_l("By when"), validators=[Optional()])
