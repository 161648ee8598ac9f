from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, ValidationError

from amplify.forms import CheckboxesField, Form, options
from amplify.platforms import platforms


class ComposeForm(Form):
    campaign = HiddenField()
    variants = CheckboxesField(_l("Approved messages"))
    platforms = CheckboxesField(_l("Platforms"))

    def __init__(self, *args, variant_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.variants.choices = options(variant_choices)
        self.platforms.choices = options(platforms().items())

    def validate_variants(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one approved message."))

    def validate_platforms(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one platform."))
