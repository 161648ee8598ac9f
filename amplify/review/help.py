"""Her requests to the team from her page: "call me instead", "explain it to me"."""

from amplify import audit
from amplify.consent.signals import help_requested
from amplify.db import database
from amplify.review.models import HelpRequest


def ask_help(activist, kind, subject_type="", subject_id=None):
    """Record her request once (asking again while it is open changes nothing) and tell
    the team. Returns the open request."""
    subject_id = subject_id if subject_type else None
    existing = HelpRequest.get_or_none(
        (HelpRequest.activist == activist) & (HelpRequest.kind == kind)
        & (HelpRequest.subject_type == subject_type) & (HelpRequest.subject_id == subject_id)
        & HelpRequest.handled_at.is_null())
    if existing is not None:
        return existing
    with database.atomic():
        request = HelpRequest.create(activist=activist, kind=kind, subject_type=subject_type,
                                     subject_id=subject_id)
        audit.record("help.requested", activist, {"kind": kind, "subject_type": subject_type,
                                                  "subject_id": subject_id}, subject_type="activist")
    help_requested.send(request)
    return request

