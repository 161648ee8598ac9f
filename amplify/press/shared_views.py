"""A release through its signed link (``/s/press/<token>``), for the journalist it was
made for: in the release's language, stamped "embargoed until …" on the page and in the
document while the embargo runs. It shows only what everyone quoted agreed to; a link to a
release whose consent lapsed says it is no longer available."""

from flask import Response, g, make_response
from werkzeug.exceptions import HTTPException

from amplify import security
from amplify.consent import links
from amplify.consent.clearance import clearance
from amplify.db import utcnow
from amplify.press import documents
from amplify.press.blueprint import shared_bp
from amplify.press.models import ReleaseShare
from amplify.press.sharing import open_share
from amplify.web import render


class ShareUnusable(HTTPException):
    code = 404


class ShareOld(HTTPException):
    code = 410


class TooManyAttempts(HTTPException):
    code = 429


PROBLEMS = {links.OLD: ShareOld, links.GUESS: ShareUnusable, links.TOO_MANY: TooManyAttempts}


@shared_bp.errorhandler(ShareUnusable)
@shared_bp.errorhandler(ShareOld)
@shared_bp.errorhandler(TooManyAttempts)
def unusable(error):
    return render("reports/shared_invalid.html", status=error.code, problem=error.code)


def opened(token):
    """``(share, release, clearance)`` of a usable link whose release may be shown."""
    state, share = open_share(token)
    if share is None:
        raise PROBLEMS[state]()
    release = share.release
    item = release.item
    g.page_language = item.language
    result = clearance(item)
    if not result.consented:
        raise ShareOld()
    ReleaseShare.update(last_used_at=utcnow(), uses=ReleaseShare.uses + 1).where(
        ReleaseShare.id == share.id).execute()
    return share, release, result


def not_indexed(response):
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@shared_bp.get("/<token>")
@security.personal
def release(token):
    share, found, result = opened(token)
    return not_indexed(make_response(render(
        "press/shared.html", release=found, item=found.item, clearance=result, token=token,
        embargo=documents.embargo_line(found.item) if result.embargoed_until else "",
        text=result.published_text(), evidence=list(found.evidence()))))


@shared_bp.get("/<token>/release.docx")
@security.personal
def release_docx(token):
    return release_file(token, documents.docx, "docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@shared_bp.get("/<token>/release.pdf")
@security.personal
def release_pdf(token):
    return release_file(token, documents.pdf_document, "pdf", "application/pdf")


def release_file(token, make, extension, mimetype):
    """The release as a file for the journalist the link was made for, stamped while its
    embargo lasts."""
    share, found, result = opened(token)
    body = make(found, result, embargoed=result.embargoed_until is not None)
    return not_indexed(Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="release-{found.id}.{extension}"'}))
