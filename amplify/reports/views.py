"""Reports (``/reports``) for staff, and the same report shared read-only at ``/s/<token>``
with movement partners: signed, expiring, revocable, no account and no JavaScript."""

import secrets
from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from amplify import audit, security, spreadsheets
from amplify.campaigns.models import Campaign
from amplify.consent import links
from amplify.db import database, utcnow
from amplify.i18n import LANGUAGES
from amplify.items.forms import ActionForm
from amplify.people.models import Organization
from amplify.reports import cache
from amplify.reports.figures import CampaignScope, OrganizationScope
from amplify.reports.models import ReportShare
from amplify.reports.tables import tables
from amplify.web import render

bp = Blueprint("reports", __name__, url_prefix="/reports")
shared_bp = Blueprint("shared", __name__, url_prefix="/s")
SALT = "amplify.report-share"
MAX_DAYS = 3660  # ten years in one report


class ShareUnusable(HTTPException):
    code = 404


class ShareOld(HTTPException):
    code = 410


class TooManyAttempts(HTTPException):
    code = 429


def period():
    """``(since, until, problem)`` from the query string; the last twelve months by default."""
    today = date.today()
    problem = None
    try:
        until = date.fromisoformat(request.args["until"]) if request.args.get("until") else today
        since = date.fromisoformat(request.args["since"]) if request.args.get("since") else until - timedelta(days=365)
    except ValueError:
        return today - timedelta(days=365), today, _("Dates look like 2026-09-30.")
    if until < since:
        return today - timedelta(days=365), today, _("The end of the period is before its start.")
    if (until - since).days > MAX_DAYS:
        return today - timedelta(days=365), today, _("A report covers at most ten years.")
    return since, until, problem


def report_language():
    chosen = request.args.get("lang", "")
    return chosen if chosen in LANGUAGES else None


def scope_for(kind, subject_id):
    if kind == "campaign":
        campaign = Campaign.get_or_none(Campaign.id == subject_id)
        return CampaignScope(campaign) if campaign else None
    organization = Organization.get_or_none(Organization.id == subject_id)
    return OrganizationScope(organization) if organization else None


def report_context(scope, since, until):
    report = cache.report(scope, since, until, anonymous_label=_("anonymous"))
    return {"report": report, "tables": tables(report), "scope": scope, "since": since, "until": until}


def report_body(scope, since, until, csv_url):
    """The report's figures as HTML (``reports/_body.html``), kept like the figures
    themselves and made old by the same writes: a 130 KB report is rendered once per
    period, language and page it appears on (its CSV links differ), not on every view."""
    key = f"html:{scope.kind}:{scope.subject.id}:{since}:{until}:{get_locale()}:{csv_url('~')}"
    return cache.kept(key, lambda: Markup(render_template("reports/_body.html", csv_url=csv_url,
                                                          **report_context(scope, since, until))),
                      encode=str, decode=Markup)


def csv_response(scope, since, until, table_name, filename_stem):
    report = cache.report(scope, since, until, anonymous_label=_("anonymous"))
    table = next((t for t in tables(report) if t.name == table_name), None)
    if table is None:
        abort(404)
    variant = request.args.get("separator") if request.args.get("separator") in spreadsheets.SEPARATORS else "comma"
    suffix = "-semicolon" if variant == "semicolon" else ""
    return Response(table.csv(spreadsheets.SEPARATORS[variant]), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="{filename_stem}-{table_name}-{since}-{until}{suffix}.csv"'})


# Staff ------------------------------------------------------------------------------------

@bp.get("/")
@security.requires("view")
def index():
    shares = (ReportShare.select().where(ReportShare.revoked_at.is_null() & (ReportShare.expires_at > utcnow()))
              .order_by(ReportShare.created_at.desc()))
    subjects = {("campaign", c.id): c.name for c in Campaign.select()}
    subjects.update({("organization", o.id): o.name for o in Organization.select()})
    today = date.today()
    shares = list(shares)
    urls = {s.id: url_for("shared.report", token=serializer().dumps({"n": s.nonce}), _external=True)
            for s in shares}
    return render("reports/index.html", campaigns=Campaign.select().order_by(Campaign.name), urls=urls,
                  organizations=Organization.select().order_by(Organization.name), shares=shares,
                  subjects=subjects, action=ActionForm(), since=today - timedelta(days=365), until=today,
                  languages=LANGUAGES)


def staff_report(kind, subject_id, slug=None):
    language = report_language()
    if language:
        g.page_language = language
    scope = scope_for(kind, subject_id)
    if scope is None:
        abort(404)
    since, until, problem = period()
    args = {"since": since.isoformat(), "until": until.isoformat(), "lang": language or ""}
    endpoint, ids = (("reports.campaign_csv", {"slug": slug}) if kind == "campaign"
                     else ("reports.organization_csv", {"org_id": subject_id}))
    csv_url = lambda name, **more: url_for(endpoint, table=name, **ids, **args, **more)  # noqa: E731
    return render("reports/report.html", body=report_body(scope, since, until, csv_url), problem=problem,
                  kind=kind, subject_id=subject_id, scope=scope, since=since, until=until,
                  language=language or str(get_locale()), languages=LANGUAGES,
                  action=ActionForm(), status=400 if problem else 200)


@bp.get("/campaigns/<slug>")
@security.requires("view")
def campaign(slug):
    found = Campaign.get_or_404(Campaign.slug == slug)
    return staff_report("campaign", found.id, slug=slug)


@bp.get("/campaigns/<slug>/<table>.csv")
@security.requires("view")
def campaign_csv(slug, table):
    found = Campaign.get_or_404(Campaign.slug == slug)
    return staff_csv(CampaignScope(found), table, found.slug)


def staff_csv(scope, table, stem):
    if report_language():
        g.page_language = report_language()
    since, until, _problem = period()
    return csv_response(scope, since, until, table, stem)


@bp.get("/organizations/<id:org_id>")
@security.requires("view")
def organization(org_id):
    Organization.get_or_404(Organization.id == org_id)
    return staff_report("organization", org_id)


@bp.get("/organizations/<id:org_id>/<table>.csv")
@security.requires("view")
def organization_csv(org_id, table):
    found = Organization.get_or_404(Organization.id == org_id)
    return staff_csv(OrganizationScope(found), table, found.slug)


def serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


@bp.post("/share")
@security.requires("edit_people")
def share():
    """A read-only link to one report (subject, period, language), valid for some days."""
    form = ActionForm()
    kind = request.form.get("kind", "")
    subject_id = request.form.get("subject_id", "")
    days = request.form.get("days", "30")
    language = request.form.get("lang", "")
    if not form.validate_on_submit() or kind not in ("campaign", "organization") or not subject_id.isdigit():
        abort(400)
    scope = scope_for(kind, int(subject_id))
    if scope is None:
        abort(404)
    try:
        since, until = date.fromisoformat(request.form.get("since", "")), date.fromisoformat(request.form.get("until", ""))
        days = int(days)
    except ValueError:
        flash(_("The share link needs a period and a number of days."), "error")
        return redirect(url_for("reports.index"))
    if until < since or not 1 <= days <= 365 or language not in LANGUAGES:
        flash(_("The share link needs a valid period, a language, and 1 to 365 days."), "error")
        return redirect(url_for("reports.index"))
    with database.atomic():
        link = ReportShare.create(nonce=secrets.token_urlsafe(24), kind=kind, subject_id=int(subject_id),
                                  since=since, until=until, language=language, created_by=g.user,
                                  expires_at=utcnow() + timedelta(days=days))
        audit.record("report_share.create", link, {"kind": kind, "subject": int(subject_id), "days": days,
                                                   "since": since, "until": until})
    token = serializer().dumps({"n": link.nonce})
    flash(_("Share link made. Copy it now: %(url)s", url=url_for("shared.report", token=token, _external=True)),
          "success")
    return redirect(url_for("reports.index") + f"#share-{link.id}")


@bp.post("/shares/<id:share_id>/revoke")
@security.requires("edit_people")
def revoke(share_id):
    link = ReportShare.get_or_404(ReportShare.id == share_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with database.atomic():
        link.revoked_at = utcnow()
        link.save()
        audit.record("report_share.revoke", link, {})
    flash(_("The share link no longer works."), "success")
    return redirect(url_for("reports.index"))


# Shared, without an account ----------------------------------------------------------------

@shared_bp.errorhandler(ShareUnusable)
@shared_bp.errorhandler(ShareOld)
@shared_bp.errorhandler(TooManyAttempts)
def unusable(error):
    return render("reports/shared_invalid.html", status=error.code, problem=error.code)


SHARE_PROBLEMS = {links.OLD: ShareOld, links.GUESS: ShareUnusable, links.TOO_MANY: TooManyAttempts}


def open_share(token):
    state, link = links.open_signed(serializer(), token, 400 * 86400,
                                    lambda nonce: ReportShare.get_or_none(ReportShare.nonce == nonce))
    if link is None:
        raise SHARE_PROBLEMS[state]()
    g.page_language = link.language
    scope = scope_for(link.kind, link.subject_id)
    if scope is None:
        raise ShareUnusable()
    ReportShare.update(last_used_at=utcnow(), uses=ReportShare.uses + 1).where(ReportShare.id == link.id).execute()
    return link, scope


@shared_bp.get("/<token>")
@security.personal
def report(token):
    link, scope = open_share(token)
    csv_url = lambda name, **more: url_for("shared.csv", token=token, table=name, **more)  # noqa: E731
    return render("reports/shared.html", body=report_body(scope, link.since, link.until, csv_url),
                  link=link, scope=scope)


@shared_bp.get("/<token>/<table>.csv")
@security.personal
def csv(token, table):
    link, scope = open_share(token)
    return csv_response(scope, link.since, link.until, table, "report")
