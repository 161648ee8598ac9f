from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.fields import DateTimeLocalField
from wtforms.validators import DataRequired, Optional

from amplify import limits
from amplify.forms import Form, MaxLength, options, single_line
from amplify.publishing.models import NETWORKS


class AccountForm(Form):
    network = SelectField(_l("Network"), choices=options(NETWORKS.items()))
    label = StringField(_l("Name"), validators=[DataRequired(), MaxLength(limits.NAME), single_line],
                        description=_l("How the team calls this account."))
    server_url = StringField(_l("Server"), validators=[MaxLength(limits.ADDRESS), single_line],
                             description=_l("Mastodon: the instance, https://…. Bluesky: empty for "
                                            "bsky.social, or your own PDS."))
    handle = StringField(_l("Bluesky handle"), validators=[MaxLength(limits.NAME), single_line],
                         description=_l("Bluesky only, e.g. union.bsky.social."))
    secret = PasswordField(_l("Access token or app password"),
                           validators=[DataRequired(), MaxLength(limits.NAME), single_line],
                           description=_l("Mastodon: an access token with the write:statuses, "
                                          "write:media and read:statuses scopes. Bluesky: an app "
                                          "password. Kept encrypted, never shown again."))

    def validate_handle(self, field):
        if self.network.data == "bluesky" and not (field.data or "").strip():
            raise ValueError(_l("Bluesky needs the account's handle."))

    def validate_server_url(self, field):
        if self.network.data == "mastodon" and not (field.data or "").strip():
            raise ValueError(_l("Mastodon needs the instance's address."))


class SendForm(Form):
    account = SelectField(_l("Account"), validate_choice=False)
    when = RadioField(_l("When"), choices=options([("now", _l("Now")), ("later", _l("At a planned time"))]),
                      default="now")
    planned_at = DateTimeLocalField(_l("Planned time"), validators=[Optional()],
                                    format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def __init__(self, *args, accounts=(), zone="UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.account.choices = options([(str(a.id), str(a)) for a in accounts])
        self.planned_at.description = _l("In the campaign's time zone (%(zone)s).", zone=zone)

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.when.data == "later" and self.planned_at.data is None and not self.planned_at.errors:
            self.planned_at.errors.append(_l("Give the date and time to publish."))
            return False
        return valid
