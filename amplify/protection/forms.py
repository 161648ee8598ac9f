from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from amplify import limits
from amplify.forms import Form, MaxLength


class ReasonForm(Form):
    """Protecting someone and lifting it both say why (kept in the audit log)."""

    reason = TextAreaField(_l("Why"), validators=[MaxLength(limits.NOTE)])
