"""Feeds (``/feeds``): the inbox of new entries, sources, "poll now" with progress, coverage."""


from flask import Blueprint, Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _, ngettext
from markupsafe import Markup, escape
from peewee import SQL, fn

from amplify import security
from amplify.campaigns.models import Campaign
from amplify.db import capped_counts
from amplify.feeds import changes
from amplify.feeds.forms import AmplifyForm, OpmlForm, ProposeForm, SourceForm
from amplify.feeds.ingest import keywords_of, keywords_of_all, pattern, sanitize
from amplify.feeds.models import ENTRY_STATES, KINDS, FeedEntry, FeedSource, PollJob
from amplify.forms import form_status
from amplify.items.forms import ActionForm
from amplify.people.models import Organization
from amplify.reports.cache import kept
from amplify.platforms import platforms
from amplify.rules import NotAllowed
from amplify.web import int_arg, keyset_page, render

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
PAGE = 50
COUNTED_UP_TO = 1000  # badges and totals say "1000+" beyond: counting a million rows is not cheap


@bp.app_template_filter("highlight")
def highlight(text, words):
    """``text`` escaped, with each of ``words`` (whole words, any case) in <mark>."""
    found = pattern(words or [])
    if not found or not text:
        return escape(text or "")
    pieces = []
    for number, piece in enumerate(found.split(text)):
        pieces.append(Markup("<mark>%s</mark>") % piece if number % 2 else escape(piece))
    return Markup("").join(pieces)


@bp.app_template_filter("sanitized")
def sanitized(markup):
    """Stored entry HTML was sanitized on the way in; it is sanitized again on the way out."""
    return Markup(sanitize(markup))


def campaigns():
    return Campaign.select().order_by(Campaign.name)


# The inbox -------------------------------------------------------------------------------

@bp.get("/")
@security.requires("view")
def inbox():
    """New entries by kind of source, newest first, with keywords marked."""
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else "movement"
    state = request.args.get("state") if request.args.get("state") in ENTRY_STATES else "new"
    source_id = int_arg("source")
    page = int_arg("page", 1, maximum=100000)
    sources = {s.id: s for s in FeedSource.select()}
    # Entries are filtered by their sources' ids, not through a join on the kind: a kind with
    # few entries is then found through the index instead of by reading every entry.
    of_kind = {k: [i for i, s in sources.items() if s.kind == k] for k in KINDS}
    query = (FeedEntry.select(FeedEntry, FeedSource).join(FeedSource)
             .where(FeedEntry.source.in_(of_kind[kind]) & (FeedEntry.state == state)))
    if source_id:
        query = query.where(FeedEntry.source == source_id)
    entries = list(query.order_by(FeedEntry.published_at.desc(nulls="LAST"), FeedEntry.id.desc())
                   .paginate(page, PAGE + 1))
    more, entries = len(entries) > PAGE, entries[:PAGE]
    words = keywords_of_all(sources.values())
    counts = capped_counts({k: FeedEntry.select(FeedEntry.id).where(
        FeedEntry.source.in_(of_kind[k]) & (FeedEntry.state == "new")) for k in KINDS}, COUNTED_UP_TO)
    return render("feeds/inbox.html", "feeds/_entries.html", entries=entries, kind=kind, state=state,
                  kinds=KINDS, states=ENTRY_STATES, counts=counts, words=words, page=page,
                  more=more, cap=COUNTED_UP_TO, action=ActionForm(), campaigns=campaigns(),
                  sources=sorted(sources.values(), key=str), source_id=source_id)


def checked_entries():
    ids = [int(i) for i in request.form.getlist("entry") if i.isdigit()][:500]
    return list(FeedEntry.select().where(FeedEntry.id.in_(ids))) if ids else []


@bp.post("/entries/bulk")
@security.requires("edit_campaigns")
def bulk():
    """Ignore, or log as coverage, many entries at once."""
    if not ActionForm().validate_on_submit():
        abort(400)
    entries = checked_entries()
    back = url_for("feeds.inbox", kind=request.args.get("kind"), state=request.args.get("state"))
    if not entries:
        flash(_("Tick the entries first."), "error")
        return redirect(back)
    action = request.form.get("action")
    if action == "ignore":
        count = changes.ignore(entries, g.user)
        flash(ngettext("%(num)d entry ignored.", "%(num)d entries ignored.", count), "success")
    elif action == "coverage":
        campaign = Campaign.get_or_none(Campaign.id == (request.form.get("campaign") or "0")) \
            if (request.form.get("campaign") or "").isdigit() else None
        if campaign is None:
            flash(_("Choose the campaign this coverage is about."), "error")
            return redirect(back)
        count = changes.log_coverage(entries, g.user, campaign)
        flash(ngettext("%(num)d entry logged as coverage of “%(campaign)s”.",
                       "%(num)d entries logged as coverage of “%(campaign)s”.", count,
                campaign=campaign.name), "success")
    else:
        flash(_("Choose what to do with them."), "error")
    return redirect(back)


def entry_forms(entry, formdata=None):
    linked = list(entry.source.campaigns()) or list(campaigns())
    return (AmplifyForm(formdata=formdata, campaigns=linked, channels=platforms().items(), prefix="a"),
            ProposeForm(formdata=formdata, campaigns=linked, prefix="p"))


@bp.get("/entries/<id:entry_id>")
@security.requires("view")
def entry(entry_id, amplify_form=None, propose_form=None, status=200):
    entry = FeedEntry.get_or_404(FeedEntry.id == entry_id)
    default_amplify, default_propose = entry_forms(entry)
    return render("feeds/entry.html", entry=entry, words=keywords_of(entry.source),
                  amplify_form=amplify_form or default_amplify, propose_form=propose_form or default_propose,
                  action=ActionForm(), campaigns=campaigns(), status=status)


def chosen_campaign(form):
    value = form.campaign.data or ""
    campaign = Campaign.get_or_none(Campaign.id == int(value)) if value.isdigit() else None
    if campaign is None:
        form.campaign.errors.append(_("Choose a campaign from the list."))
    return campaign


@bp.post("/entries/<id:entry_id>/amplify")
@security.requires("edit_campaigns")
def amplify(entry_id):
    """Draft an item sharing this statement; it is reviewed like any other."""
    entry_row = FeedEntry.get_or_404(FeedEntry.id == entry_id)
    form, _propose = entry_forms(entry_row, request.form)
    if form.validate_on_submit():
        campaign = chosen_campaign(form)
        if form.channel.data not in platforms():
            form.channel.errors.append(_("Choose a platform from the list."))
        elif campaign is not None:
            try:
                item = changes.amplify_entry(entry_row, g.user, campaign=campaign, channel=form.channel.data,
                                             language=form.language.data)
            except NotAllowed as refused:
                form.campaign.errors.append(refused.message)
            else:
                flash(_("A draft was made from the statement. Check it, then send it for review."), "success")
                return redirect(url_for("items.edit", item_id=item.id))
    return entry(entry_id, amplify_form=form, status=400)


@bp.post("/entries/<id:entry_id>/propose")
@security.requires("edit_campaigns")
def propose(entry_id):
    """A proposed message in the statement's words, for the spokespeople to approve."""
    entry_row = FeedEntry.get_or_404(FeedEntry.id == entry_id)
    _amplify, form = entry_forms(entry_row, request.form)
    if form.validate_on_submit():
        campaign = chosen_campaign(form)
        if campaign is not None:
            try:
                variant = changes.propose_entry(entry_row, g.user, campaign=campaign, language=form.language.data)
            except NotAllowed as refused:
                form.campaign.errors.append(refused.message)
            else:
                flash(_("Proposed as a message: the movement's spokespeople approve it on their pages."), "success")
                return redirect(url_for("campaigns.message", slug=campaign.slug, key=variant.message.key))
    return entry(entry_id, propose_form=form, status=400)


@bp.post("/entries/<id:entry_id>/ignore")
@security.requires("edit_campaigns")
def ignore(entry_id):
    entry_row = FeedEntry.get_or_404(FeedEntry.id == entry_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    changes.ignore([entry_row], g.user)
    flash(_("Entry ignored."), "success")
    return redirect(url_for("feeds.inbox", kind=entry_row.source.kind))


@bp.post("/entries/<id:entry_id>/coverage")
@security.requires("edit_campaigns")
def log_coverage(entry_id):
    entry_row = FeedEntry.get_or_404(FeedEntry.id == entry_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    value = request.form.get("campaign", "")
    campaign = Campaign.get_or_none(Campaign.id == int(value)) if value.isdigit() else None
    if campaign is None:
        flash(_("Choose the campaign this coverage is about."), "error")
        return redirect(url_for("feeds.entry", entry_id=entry_id))
    changes.log_coverage([entry_row], g.user, campaign)
    flash(_("Logged as coverage of “%(campaign)s”.", campaign=campaign.name), "success")
    return redirect(url_for("feeds.inbox", kind=entry_row.source.kind))


# Sources ---------------------------------------------------------------------------------

@bp.get("/sources/")
@security.requires("view")
def sources():
    return render("feeds/sources.html", sources=FeedSource.select().order_by(FeedSource.kind, FeedSource.title),
                  action=ActionForm(), opml=OpmlForm())


def source_form(source=None, formdata=None):
    form = SourceForm(formdata=formdata, obj=None if formdata else source,
                      organizations=Organization.select().order_by(Organization.name), campaigns=campaigns())
    if formdata is None and source is not None:
        form.keywords.data = "\n".join(source.keywords or [])
        if source.id:
            form.organization.data = str(source.organization_id or "")
            form.campaigns.data = [str(c.id) for c in source.campaigns()]
    return form


def source_page(source):
    form = source_form(source, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        org_id = form.organization.data or ""
        chosen = [c for c in campaigns() if str(c.id) in (form.campaigns.data or [])]
        try:
            saved = changes.save_source(
                source, url=form.url.data, kind=form.kind.data,
                organization=Organization.get_or_none(Organization.id == int(org_id)) if org_id.isdigit() else None,
                campaigns=chosen, keywords=(form.keywords.data or "").splitlines(),
                interval_minutes=form.interval_minutes.data, paused=form.paused.data,
                title=form.title.data or "")
        except NotAllowed as refused:
            getattr(form, refused.field).errors.append(refused.message)
        else:
            flash(_("Source saved."), "success")
            return redirect(url_for("feeds.source", source_id=saved.id))
    return render("feeds/source_form.html", form=form, source=source if source.id else None,
                  status=form_status(form))


@bp.route("/sources/new", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def new_source():
    return source_page(FeedSource())


@bp.route("/sources/<id:source_id>/edit", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def edit_source(source_id):
    return source_page(FeedSource.get_or_404(FeedSource.id == source_id))


@bp.get("/sources/<id:source_id>")
@security.requires("view")
def source(source_id):
    source = FeedSource.get_or_404(FeedSource.id == source_id)
    recent = source.entries.order_by(FeedEntry.id.desc()).limit(20)
    return render("feeds/source.html", source=source, recent=recent, action=ActionForm(),
                  words=keywords_of(source))


def source_action(source_id, action):
    source = FeedSource.get_or_404(FeedSource.id == source_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if action == "delete":
        changes.delete_source(source)
        flash(_("Source deleted, with its entries."), "success")
        return redirect(url_for("feeds.sources"))
    changes.set_paused(source, action == "pause")
    flash(_("Source paused.") if action == "pause" else _("Source resumed."), "success")
    return redirect(url_for("feeds.source", source_id=source.id))


@bp.post("/sources/<id:source_id>/pause")
@security.requires("edit_campaigns")
def pause(source_id):
    return source_action(source_id, "pause")


@bp.post("/sources/<id:source_id>/resume")
@security.requires("edit_campaigns")
def resume(source_id):
    return source_action(source_id, "resume")


@bp.post("/sources/<id:source_id>/delete")
@security.requires("edit_campaigns")
def delete(source_id):
    return source_action(source_id, "delete")


@bp.get("/sources.opml")
@security.requires("view")
def export_opml():
    return Response(changes.export_opml(FeedSource.select().order_by(FeedSource.id)),
                    mimetype="text/x-opml", headers={"Content-Disposition": 'attachment; filename="amplify-feeds.opml"'})


@bp.post("/sources/import")
@security.requires("edit_campaigns")
def import_opml():
    form = OpmlForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(2 * 1024 * 1024 + 1) if upload else b""
        if not data:
            form.file.errors.append(_("Choose an OPML file."))
        elif len(data) > 2 * 1024 * 1024:
            form.file.errors.append(_("The file is larger than 2 MB."))
        else:
            try:
                added, skipped = changes.import_opml(data, form.kind.data, g.user)
            except NotAllowed as refused:
                form.file.errors.append(refused.message)
            else:
                flash(_("%(added)s sources added, %(skipped)s already there.", added=added, skipped=skipped),
                      "success")
                return redirect(url_for("feeds.sources"))
    return render("feeds/sources.html", sources=FeedSource.select().order_by(FeedSource.kind, FeedSource.title),
                  action=ActionForm(), opml=form, status=400)


# Poll now --------------------------------------------------------------------------------

@bp.post("/poll")
@security.requires("edit_campaigns")
def poll_now():
    """Poll every active source (or one), in the background; the next page shows progress."""
    from amplify.feeds.tasks import poll_job

    if not ActionForm().validate_on_submit():
        abort(400)
    one = request.form.get("source", "")
    query = FeedSource.select(FeedSource.id).where(~FeedSource.paused)
    if one.isdigit():
        query = FeedSource.select(FeedSource.id).where(FeedSource.id == int(one))
    ids = [str(s.id) for s in query.order_by(FeedSource.id)]
    if not ids:
        flash(_("There is no active source to poll."), "error")
        return redirect(url_for("feeds.sources"))
    job = PollJob.create(total=len(ids), source_ids=ids, started_by=g.user)
    poll_job(job.id)
    return redirect(url_for("feeds.progress", job_id=job.id))


@bp.get("/poll/<id:job_id>")
@security.requires("view")
def progress(job_id):
    """Progress of a poll: htmx refreshes the bar; without JavaScript the page reloads."""
    job = PollJob.get_or_404(PollJob.id == job_id)
    failing = [] if not job.finished_at else list(
        FeedSource.select().where(FeedSource.id.in_([int(i) for i in job.source_ids])
                                  & (FeedSource.last_error != "")))
    from amplify.db import utcnow

    stuck = job.finished_at is None and job.done == 0 and (utcnow() - job.created_at).total_seconds() > 30
    return render("feeds/progress.html", "feeds/_progress.html", job=job, failing=failing, stuck=stuck)


# Coverage --------------------------------------------------------------------------------

@bp.get("/coverage")
@security.requires("view")
def coverage():
    """Coverage logged per campaign, counted by month."""
    slug = request.args.get("campaign", "")
    campaign = Campaign.get_or_none(Campaign.slug == slug) if slug else None
    # Counted from the index alone, and kept until a feed entry (or anything a report
    # reads) changes: at a million entries the count is most of the page's time.
    totals = {int(k): n for k, n in kept("coverage:totals", lambda: dict(
        FeedEntry.select(FeedEntry.campaign, fn.COUNT(SQL("*"))).where(FeedEntry.state == "coverage")
        .where(FeedEntry.campaign.is_null(False)).group_by(FeedEntry.campaign).tuples())).items()}
    months = [tuple(row) for row in kept(f"coverage:months:{campaign.id}",
                                         lambda: changes.coverage_by_month(campaign))] if campaign else []
    entries = keyset_page(FeedEntry.select(FeedEntry, FeedSource).join(FeedSource)
                          .where((FeedEntry.campaign == campaign) & (FeedEntry.state == "coverage")),
                          FeedEntry, [FeedEntry.seen_at, FeedEntry.id]) if campaign else None
    return render("feeds/coverage.html", campaigns=campaigns(), totals=totals, campaign=campaign,
                  months=months, entries=entries, maximum=max([n for _, n in months] + [1]))


