from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
import wtforms
from wtforms import FieldList, FormField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional

from amplify.forms import Form, MaxLength, options
from amplify.items.models import CHANNELS
from amplify.media.cards import SIZE_LABELS, TEMPLATES
from amplify.people.models import ATTRIBUTIONS
from amplify.people.picker import PersonField



class UploadForm(Form):
    image = FileField(_l("Photo"), description=_l("JPEG, PNG or WebP, up to 20 MB. Location and camera data are removed."))
    label = StringField(_l("Label (for staff)"), validators=[MaxLength(200)])


class Rectangle(wtforms.Form):
    """One region to blur: a plain wtforms sub-form (the blur form's CSRF token covers it)."""

    x = IntegerField(_l("Left (px)"), validators=[Optional(), NumberRange(min=0)])
    y = IntegerField(_l("Top (px)"), validators=[Optional(), NumberRange(min=0)])
    w = IntegerField(_l("Width (px)"), validators=[Optional(), NumberRange(min=1)])
    h = IntegerField(_l("Height (px)"), validators=[Optional(), NumberRange(min=1)])


class BlurForm(Form):
    """One row per region, and "add another" (a row more, without JavaScript; drawing on
    the photo adds rows by itself)."""

    regions = FieldList(FormField(Rectangle), min_entries=1, max_entries=40)

    def rectangles(self):
        return [(r.x.data, r.y.data, r.w.data, r.h.data) for r in self.regions
                if None not in (r.x.data, r.y.data, r.w.data, r.h.data)]


class FaceLink(wtforms.Form):
    """Whose face one found face is (a plain sub-form: the links form's token covers it)."""

    face = HiddenField()
    # Typed, not chosen from a <select> of everyone (issue 13: 40 rows × every person
    # whose face may be shown weighed megabytes at years of data).
    person = PersonField(validators=[MaxLength(200)])


class FaceLinksForm(Form):
    ROWS = 40  # faces offered for a name: beyond, a crowd is blurred by area

    faces = FieldList(FormField(FaceLink), max_entries=ROWS)


class CardForm(Form):
    campaign = SelectField(_l("Campaign"), validate_choice=False)
    template = SelectField(_l("Card"), choices=options(TEMPLATES.items()))
    size = SelectField(_l("Size"), choices=options(SIZE_LABELS.items()))
    channel = SelectField(_l("Channel"), choices=options(CHANNELS.items()))
    language = SelectField(_l("Language"))
    main_text = TextAreaField(_l("Main text"), validators=[DataRequired(), MaxLength(600)],
                         description=_l("The quote, the figure, the headline or the event."))
    secondary = StringField(_l("Second line"), validators=[MaxLength(300)],
                            description=_l("For a quote, leave empty: the person's chosen name goes here."))
    person = PersonField(_l("Person quoted or shown"), validators=[MaxLength(200)],
                         description=_l("Type part of a name or a reference, then choose."))
    attribution = SelectField(_l("Named on the card as"), choices=options(ATTRIBUTIONS.items()))
    title = StringField(_l("Title (for staff)"), validators=[DataRequired(), MaxLength(200)])

    def __init__(self, *args, campaigns=(), **kwargs):
        from amplify.campaigns.forms import content_language_choices

        super().__init__(*args, **kwargs)
        self.campaign.choices = options((str(c.id), c.name) for c in campaigns)
        self.language.choices = options(content_language_choices())
