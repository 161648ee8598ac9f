from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from amplify import limits
from amplify.actors.models import INFLUENCE, POSITIONS, RELATIONSHIP_KINDS, STRENGTHS
from amplify.forms import CheckboxesField, Form, MaxLength, options
from amplify.people.forms import language_choices
from amplify.web import MAX_ID

NEW_KINDS = {"institution": _l("Institution"), "person": _l("Person")}


class ActorForm(Form):
    kind = SelectField(_l("Kind"), choices=options(list(NEW_KINDS.items())))
    name = StringField(_l("Name"), validators=[DataRequired(), MaxLength(limits.NAME)])
    role = StringField(_l("Role"), validators=[MaxLength(limits.NAME)],
                       description=_l("For a person: “Minister of Labour”, “Chair of the committee”."))
    role_since = DateField(_l("In this role since"), validators=[Optional()])
    languages = CheckboxesField(_l("Languages"))
    public_contact = StringField(_l("Public contact"), validators=[MaxLength(limits.NAME)],
                                 description=_l("An office address, switchboard or public e-mail. Never a private one."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = options(language_choices())


class PositionForm(Form):
    position = SelectField(_l("Position on the campaign's asks"), choices=options(list(POSITIONS.items())))
    influence = SelectField(_l("Influence"), choices=options(list(INFLUENCE.items())))
    on = DateField(_l("Observed on"), validators=[InputRequired(message=_l("A position needs the date it was observed."))])
    source = TextAreaField(_l("Source or reason"), validators=[DataRequired(), MaxLength(limits.NOTE)],
                           description=_l("A public statement, a vote, a meeting: what tells you so."))


class RelationshipForm(Form):
    other = StringField(_l("Other actor (name as on the map)"), validators=[DataRequired(), MaxLength(limits.NAME)])
    kind = SelectField(_l("Kind of relationship"), choices=options(list(RELATIONSHIP_KINDS.items())))
    outgoing = SelectField(_l("Direction"), choices=options([
        ("1", _l("This actor → the other")), ("0", _l("The other → this actor"))]))
    directed = BooleanField(_l("It reads one way only"), default=True)
    strength = SelectField(_l("Strength"), coerce=int, choices=options(list(STRENGTHS.items())), default=2)
    source = StringField(_l("Source"), validators=[MaxLength(limits.NOTE)])


class BringInForm(Form):
    organization = IntegerField(_l("Our organisation"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    activist = IntegerField(_l("Movement activist"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])


class TieForm(Form):
    kind = SelectField(_l("Tie"), choices=options([("audience", _l("audience of")), ("host", _l("host of"))]))
    target = SelectField(_l("Talking-point sheet or event"), choices=[])


class ShareForm(Form):
    language = SelectField(_l("Language of the shared map"))
    days = IntegerField(_l("Valid for (days)"), default=30, validators=[InputRequired()])


class SuggestionForm(Form):
    """What someone of the movement proposes through a share link."""

    suggested_by = StringField(_l("Your name (leave empty to stay anonymous)"), validators=[MaxLength(limits.NAME)])
    position = SelectField(_l("Position on the campaign's asks"),
                           choices=options([("", "—"), *POSITIONS.items()]), validators=[Optional()])
    influence = SelectField(_l("Influence"), choices=options([("", "—"), *INFLUENCE.items()]), validators=[Optional()])
    related_to = StringField(_l("Has a relationship with (name)"), validators=[MaxLength(limits.NAME)])
    relationship_kind = SelectField(_l("Kind of relationship"),
                                    choices=options([("", "—"), *RELATIONSHIP_KINDS.items()]), validators=[Optional()])
    reason = TextAreaField(_l("What makes you say so"), validators=[DataRequired(), MaxLength(limits.NOTE)])


class MissingActorForm(Form):
    suggested_by = StringField(_l("Your name (leave empty to stay anonymous)"), validators=[MaxLength(limits.NAME)])
    name = StringField(_l("Who is missing"), validators=[DataRequired(), MaxLength(limits.NAME)])
    kind = SelectField(_l("Kind"), choices=options(list(NEW_KINDS.items())))
    role = StringField(_l("Role"), validators=[MaxLength(limits.NAME)])
    reason = TextAreaField(_l("Why they matter"), validators=[DataRequired(), MaxLength(limits.NOTE)])
