"""The audit log, for admins (``/audit``)."""

from flask import Blueprint, request

from amplify import security
from amplify.audit.models import AuditEvent, ChainBroken, verify
from amplify.web import render

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE = 50


@bp.get("/")
@security.requires("see_audit")
def index():
    page = max(request.args.get("page", 1, type=int), 1)
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
    return render("audit/index.html", "audit/_rows.html", events=events, page=page,
                  has_next=len(events) == PAGE, subject=subject, count=count, head=head,
                  broken=broken)
