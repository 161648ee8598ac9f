import io
import re
from datetime import date
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from amplify.calendars import is_time_zone, time_zones
from amplify.forms import CheckboxesField, Form, LanguageNamesField, MaxLength, options, parsed_by
from amplify.i18n import language_name
from flask_wtf.file import FileField
from PIL import Image
from wtforms import (
    ColorField, IntegerField, SelectField, StringField, TextAreaField, ValidationError,
)
from wtforms.validators import DataRequired, NumberRange, Optional

from amplify.campaigns.models import (
    APPROVAL_METHODS, AUDIENCES, CONTENT_LANGUAGES, FRAMEWORKS,
)

HASHTAG = re.compile(r"^#\w{1,100}$")
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_SIDE = 1024


def content_language_choices():
    return [(code, language_name(code)) for code in CONTENT_LANGUAGES]


def parse_hashtags(text):
    tags = []
    for raw in re.split(r"[\s,]+", text or ""):
        if not raw:
            continue
        tag = raw if raw.startswith("#") else f"#{raw}"
        if not HASHTAG.match(tag):
            raise ValueError(raw)
        if tag not in tags:
            tags.append(tag)
    return tags


def is_web_url(text):
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text


def parse_links(text):
    links = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if not is_web_url(line):
            raise ValueError(line)
        links.append(line)
    return links


def parse_key_dates(text):
    """Lines of 'YYYY-MM-DD label' into ``[{"date": iso, "label": str}]``."""
    dates = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day, _, label = line.partition(" ")
        try:
            date.fromisoformat(day)
        except ValueError:
            raise ValueError(number) from None
        if not label.strip():
            raise ValueError(number)
        dates.append({"date": day, "label": label.strip()})
    return sorted(dates, key=lambda d: d["date"])


def format_key_dates(dates):
    return "\n".join(f"{d['date']} {d['label']}" for d in dates or [])


def relative_luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a, b):
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def clean_logo(data):
    """A logo goes through ``scrub_image`` like every stored image, then becomes a PNG at
    most 1024 px a side. Raises ValueError with the reason for the user."""
    from amplify.media.scrub import ImageRefused, scrub_image

    if len(data) > LOGO_MAX_BYTES:
        raise ValueError(_l("The logo is larger than 2 MB."))
    try:
        clean = scrub_image(data)
    except ImageRefused:
        raise ValueError(_l("The logo must be a PNG, JPEG or WebP image.")) from None
    with Image.open(io.BytesIO(clean)) as image:
        logo = image.convert("RGBA")
    logo.thumbnail((LOGO_SIDE, LOGO_SIDE))
    out = io.BytesIO()
    logo.save(out, format="PNG", optimize=True)
    return out.getvalue()


class CampaignForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), MaxLength(200)])
    goal = TextAreaField(_l("Goal"), validators=[MaxLength(5000)])
    audiences = CheckboxesField(_l("Audiences"), choices=options(list(AUDIENCES.items())))
    hashtags = StringField(
        _l("Hashtags"),
        validators=[MaxLength(1000),
                    parsed_by(parse_hashtags, _l("“%(bad)s” is not a hashtag."))],
        description=_l("Separated by spaces, e.g. #C189 #TrabajoDigno"),
    )
    links = TextAreaField(
        _l("Links"),
        validators=[MaxLength(5000), parsed_by(
            parse_links, _l("“%(bad)s” is not a web address (http:// or https://)."))],
        description=_l("One web address per line."),
    )
    key_dates = TextAreaField(
        _l("Key dates"),
        validators=[MaxLength(5000), parsed_by(
            parse_key_dates, _l("Line %(bad)s is not “YYYY-MM-DD what happens”."))],
        description=_l("One per line: date (YYYY-MM-DD), a space, then what happens."),
    )
    languages = CheckboxesField(_l("Languages"))
    names = LanguageNamesField(_l("In each language (for activists)"))
    frameworks = CheckboxesField(_l("Frameworks it advances"), choices=options(list(FRAMEWORKS.items())))
    colour_background = ColorField(_l("Card background colour"), default="#5b2a86")
    colour_text = ColorField(_l("Card text colour"), default="#ffffff")
    colour_accent = ColorField(_l("Card accent colour"), default="#f2c14e")
    logo = FileField(_l("Logo for cards"), description=_l("PNG, JPEG or WebP, up to 2 MB."))
    organizations = CheckboxesField(
        _l("Movement organizations"), validate_choice=True,
        description=_l("Their spokespeople approve this campaign's messages."))
    consent_months = IntegerField(
        _l("Consent lasts (months)"), default=12, validators=[NumberRange(min=1, max=120)],
        description=_l("The end date people see by default when they agree."))
    time_zone = SelectField(
        _l("Time zone"), validate_choice=False,
        description=_l("Scheduler files give times in this zone, as Hootsuite and Sprout Social "
                       "read them in the account's zone."))

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = options(content_language_choices())
        self.organizations.choices = options((str(o.id), o.name) for o in organizations)
        self.time_zone.choices = options([("", _l("This installation's (%(zone)s)",
                                                  zone=current_app.config["TIMEZONE"]))]
                                         + [(name, name) for name in time_zones()])
        self.cleaned_logo = None




    def validate_time_zone(self, field):
        if field.data and not is_time_zone(field.data):
            raise ValidationError(_l("Choose a time zone from the list."))

    def validate_languages(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))

    def _check_hex(self, field):
        if not HEX.match(field.data or ""):
            raise ValidationError(_l("A colour like #5b2a86."))

    validate_colour_background = _check_hex
    validate_colour_accent = _check_hex

    def validate_colour_text(self, field):
        self._check_hex(field)
        background = self.colour_background.data or ""
        if HEX.match(background) and contrast_ratio(field.data, background) < 4.5:
            raise ValidationError(_l(
                "Text and background contrast is %(ratio).1f:1; cards need at least 4.5:1.",
                ratio=contrast_ratio(field.data, background),
            ))

    def validate_logo(self, field):
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        try:
            self.cleaned_logo = clean_logo(upload.read())
        except ValueError as bad:
            raise ValidationError(bad.args[0]) from None


class VariantForm(Form):
    language = SelectField(_l("Language"))
    short_form = TextAreaField(_l("Short form"), validators=[DataRequired(), MaxLength(500)],
                               description=_l("One or two sentences, for posts and cards."))
    long_form = TextAreaField(_l("Long form"), validators=[DataRequired(), MaxLength(5000)])
    call_to_action = StringField(_l("Call to action"), validators=[MaxLength(500)])
    evidence_figure = StringField(_l("Evidence (figure)"), validators=[MaxLength(500)])
    evidence_source = StringField(_l("Source of the evidence (web address)"),
                                  validators=[Optional(), MaxLength(1000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = options(content_language_choices())

    def validate_evidence_source(self, field):
        if field.data and not is_web_url(field.data.strip()):
            raise ValidationError(_l("A web address starting with http:// or https://."))

    def validate_evidence_figure(self, field):
        if field.data and not (self.evidence_source.data or "").strip():
            raise ValidationError(_l("A figure needs its source."))

    def variant_fields(self):
        return {name: (getattr(self, name).data or "") for name in
                ("language", "short_form", "long_form", "call_to_action",
                 "evidence_figure", "evidence_source")}


TITLE = StringField(_l("Title"), validators=[DataRequired(), MaxLength(200)],
                    description=_l("A short name for staff, e.g. “Ratify C190”."))


class MessageForm(VariantForm):
    title = TITLE


class MessageTitleForm(Form):
    title = TITLE
    titles = LanguageNamesField(_l("In each language (for activists)"))


class VariantStateForm(Form):
    state = SelectField(_l("New state"))
    # Both are checked by change_variant_state, which knows the state they matter for.
    approved_by = SelectField(_l("Approved by (spokesperson)"), coerce=str, validate_choice=False)
    approval_method = SelectField(_l("How they approved"), validate_choice=False,
                                  choices=options([("", "—")] + list(APPROVAL_METHODS.items())))
    note = TextAreaField(_l("Note (what was asked for, or why)"), validators=[MaxLength(2000)])

    def __init__(self, *args, states=(), spokespeople=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = options(list(states))
        self.approved_by.choices = options([("", "—")] + [(str(a.id), a.display_name) for a in spokespeople])
