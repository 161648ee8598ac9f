"""The audit log, for admins (``/audit``)."""

from flask import Blueprint, request

from amplify import security
from amplify.audit.models import AuditEvent, verify
from amplify.audit.sentences import sentences
from amplify.chain import ChainBroken
from amplify.web import int_arg, render

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 50


@bp.get("/")
@security.requires("see_audit")
def index():
    page = int_arg("page", default=1, maximum=100_000)
    query = AuditEvent.select().order_by(AuditEvent.seq.desc())
    subject = request.args.get("subject_type", "")
    if subject:
        query = query.where(AuditEvent.subject_type == subject)
    events = list(query.paginate(page, PAGE))
    try:
        count, head = verify()
        broken = None
    except ChainBroken as error:
        count, head, broken = None, None, error
    return render("audit/index.html", "audit/_rows.html", events=events, page=page, said=sentences(events),
                  has_next=len(events) == PAGE, subject=subject, count=count, head=head,
                  broken=broken)
