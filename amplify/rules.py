"""The error every workflow raises when the rules refuse a change."""


class NotAllowed(ValueError):
    """A change the rules do not allow. ``message`` is for the user (translatable);
    ``field`` names the form field to show it next to, if any."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = message
        self.field = field
