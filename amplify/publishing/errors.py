"""What can go wrong when talking to a network, said plainly, and whether to try again."""

from flask_babel import lazy_gettext as _l

# kind -> whether a later try may succeed
RETRYABLE = {"auth": False, "refused": False, "rate": True, "network": True, "server": True,
             "bad": False}


class PublishError(Exception):
    """A network said no, or could not be reached. ``message`` is for staff."""

    def __init__(self, message, kind="bad", retry_after=None):
        super().__init__(str(message))
        self.message, self.kind, self.retry_after = message, kind, retry_after

    @property
    def retryable(self):
        return RETRYABLE.get(self.kind, False)


def from_status(status, detail, retry_after=None):
    """The PublishError for an HTTP answer that is not a success."""
    detail = (detail or "")[:300]
    if status == 401 or status == 403:
        return PublishError(_l("The server refused the account's credentials (the token or app "
                               "password was revoked, or lacks a permission): %(detail)s",
                               detail=detail), "auth")
    if status == 429:
        return PublishError(_l("The server's rate limit was reached; Amplify tries again later."),
                            "rate", retry_after)
    if status >= 500:
        return PublishError(_l("The server had a problem (status %(status)s); Amplify tries again "
                               "later.", status=status), "server", retry_after)
    return PublishError(_l("The server refused the post (status %(status)s): %(detail)s",
                           status=status, detail=detail), "refused")
