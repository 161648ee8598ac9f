import difflib
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
import wtforms
from wtforms import (
    DateTimeLocalField, FieldList, FormField, HiddenField, SelectField, StringField, TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Optional

from amplify import limits
from amplify.calendars import TimeDoesNotExist, to_utc
from amplify.campaigns.forms import content_language_choices, is_web_url
from amplify.forms import CheckboxesField, Form, MaxLength, options
from amplify.items.models import APPEARANCES, CHANNELS, KINDS, TOKEN
from amplify.people.models import ATTRIBUTIONS, Activist
from amplify.people.picker import PersonField

PERSON_ROWS = 3
# Said under the planned time: which zone it is in, and whose zone that is.
ZONE_HINTS = {
    "yours": _l("In %(zone)s, your time zone (change it on your account page)."),
    "campaign": _l("In %(zone)s, the campaign's time zone (set your own on your account page)."),
    "installation": _l("In %(zone)s, this installation's time zone (set your own on your account page)."),
    "entered": _l("In %(zone)s, the time zone this form was filled in."),
}


class PersonRow(wtforms.Form):
    """One person the item names, quotes or shows (a row of the people table). A plain
    wtforms form: as a sub-form it has no CSRF token of its own (the item form's covers it)."""

    # Checked by ItemForm.validate_people, for the rows that name someone (empty rows are
    # left alone).
    activist = PersonField(_l("Person"), validators=[MaxLength(200)],
                           description=_l("Type part of a name or a reference, then choose."))
    appearance = SelectField(_l("How they appear"), choices=options(APPEARANCES.items()),
                             validate_choice=False)
    attribution = SelectField(
        _l("Attribution"), validate_choice=False,
        choices=options([("", _l("As the person chooses"))] + list(ATTRIBUTIONS.items())),
    )


class ItemForm(Form):
    campaign = SelectField(_l("Campaign"), validate_choice=False)
    kind = SelectField(_l("Kind"), choices=options(KINDS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(), MaxLength(200)],
                        description=_l("For staff, e.g. “C190 anniversary post”."))
    language = SelectField(_l("Language"))
    channel = SelectField(_l("Channel"), choices=options(CHANNELS.items()))
    variants = CheckboxesField(_l("Approved messages it is built from"), validate_choice=False)
    text = TextAreaField(
        _l("Text"), validators=[Optional(), MaxLength(limits.POST)],
        description=_l("A person is written as their {ref} (“Insert in text” beside each person below "
                       "puts it in; every person's page shows it): it is replaced by the name they "
                       "choose. Left empty, the chosen messages' short forms are used."),
    )
    people = FieldList(FormField(PersonRow), min_entries=PERSON_ROWS)
    image = SelectField(_l("Image"), validate_choice=False)
    alt_text = TextAreaField(
        _l("Alt text of the image"), validators=[MaxLength(2000)],
        description=_l("What the image shows, for people who cannot see it. Required before review; "
                       "X allows 1000 characters, Mastodon 1500, Bluesky 2000."))
    planned_at = DateTimeLocalField(_l("Planned publication"), validators=[Optional()],
                                    format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    planned_zone = HiddenField()  # the zone the time was shown and entered in

    def __init__(self, *args, campaigns=(), variant_choices=(), assets=(), zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.planned_utc = None  # the planned time in UTC, once validated
        if zone is not None:
            self.planned_zone.data = zone.name
            self.planned_at.description = ZONE_HINTS[zone.source] % {"zone": zone.name}
        self.image.choices = options([("", _l("No image"))] + [(a.sha256, a.label or a.sha256[:12]) for a in assets])
        self.asset_shas = {a.sha256 for a in assets}
        self.campaign.choices = options((str(c.id), c.name) for c in campaigns)
        self.language.choices = options(content_language_choices())
        self.variants.choices = options(variant_choices)

    def insert_person(self, row_index):
        """Append the {ref} of the person chosen in a row to the text (the "Insert in text"
        button without JavaScript, which inserts it at the cursor instead)."""
        rows = list(self.people)
        row = rows[int(row_index)] if row_index.isdigit() and int(row_index) < len(rows) else None
        person = row.activist.chosen() if row is not None else None
        ref = person.ref if person is not None else None
        if ref is None:
            self.people.errors = [str(_l("Choose the person first, then insert."))]
            return
        self.text.data = f"{(self.text.data or '').rstrip()} {{{ref}}}".lstrip()

    def chosen_people(self):
        """``[(activist_id, appearance, attribution)]`` from the filled-in rows."""
        chosen = []
        for row in self.people:
            if row.activist.data:
                chosen.append((int(row.activist.data), row.appearance.data,
                               row.attribution.data or None))
        return chosen

    def validate_people(self, field):
        rows = [row for row in field if row.activist.data]
        ids = [row.activist.data for row in rows]
        for row in rows:
            if row.appearance.data not in APPEARANCES:
                row.appearance.errors.append(_l("Choose how they appear."))
            if (row.attribution.data or "") not in ("", *ATTRIBUTIONS):
                row.attribution.errors.append(_l("Choose an attribution."))
        if any(row.appearance.errors or row.attribution.errors for row in rows):
            raise ValidationError(_l("Check the people below."))
        if len(ids) != len(set(ids)):
            raise ValidationError(_l("Each person once, please."))

    def validate_image(self, field):
        if field.data and field.data not in self.asset_shas:
            raise ValidationError(_l("Choose an uploaded image."))

    def validate_alt_text(self, field):
        from amplify.platforms import UnknownPlatform, rule

        try:
            limit = rule(self.channel.data).get("alt_limit")
        except UnknownPlatform:
            limit = None
        if limit and len(field.data or "") > limit:
            raise ValidationError(_l("At most %(n)d characters on this platform.", n=limit))

    def validate_planned_at(self, field):
        if not field.data:
            return
        try:
            self.planned_utc = to_utc(field.data, self.zone.name)
        except TimeDoesNotExist:
            raise ValidationError(_l("This time does not exist in %(zone)s: the clocks skip it that night "
                                     "(daylight saving). Choose another time.", zone=self.zone.name))
        now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
        if self.planned_utc < now and self.planned_utc != getattr(self, "_current_planned", None):
            raise ValidationError(_l("This date has already passed."))

    def validate_text(self, field):
        refs = set(TOKEN.findall(field.data or ""))
        chosen = {row.activist.chosen().ref for row in self.people if row.activist.chosen()}
        unknown = sorted(refs - chosen)
        if unknown:
            problem = _l("The text names {%(ref)s}, who is not among the people below.", ref=unknown[0])
            close = closest_ref(unknown[0], chosen) or closest_ref(unknown[0], similar_refs(unknown[0]))
            if close in chosen:
                hint = _l("Did you mean {%(ref)s}?", ref=close)
            elif close:
                hint = _l("Did you mean {%(ref)s}? Add the person to the people below.", ref=close)
            else:
                hint = ""
            raise ValidationError(f"{problem} {hint}".strip())
        if not (field.data or "").strip() and not self.variants.data:
            raise ValidationError(_l("Write the text, or choose the messages it is built from."))


def similar_refs(ref, limit=500):
    """References that start like ``ref`` (a bounded few, however many people there are)."""
    return [r for (r,) in Activist.select(Activist.ref).where(Activist.ref.startswith(ref[:3]))
            .order_by(Activist.ref).limit(limit).tuples()]


def closest_ref(ref, refs):
    """The ref most like a mistyped one (``maria-quispe`` → ``maria-quispe-ficticia``)."""
    close = difflib.get_close_matches(ref, sorted(refs), n=1, cutoff=0.6)
    return close[0] if close else None


class PublicationForm(Form):
    channel = SelectField(_l("Channel"), choices=options(CHANNELS.items()))
    url = StringField(_l("Address of the publication"), validators=[Optional(), MaxLength(2000)])

    def validate_url(self, field):
        if field.data and not is_web_url(field.data.strip()):
            raise ValidationError(_l("A web address starting with http:// or https://."))


class SafetyForm(Form):
    note = TextAreaField(_l("What you checked"), validators=[DataRequired(), MaxLength(2000)],
                         description=_l("Face, exact place, name: what could expose the person, "
                                        "and why this version is safe."))


class CommentForm(Form):
    text = TextAreaField(_l("Comment"), validators=[DataRequired(), MaxLength(4000)],
                         description=_l("Seen by staff only, never exported. @ and the start of a "
                                        "colleague's e-mail address (@ana) tells her."))


class ActionForm(Form):
    """A button that changes state (CSRF only)."""
