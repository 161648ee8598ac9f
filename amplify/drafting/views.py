"""The drafting studio (``/drafting``): compose from approved messages, count as each
platform counts, check for what could expose someone."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _, ngettext

from amplify import limits, security
from amplify.calendars import is_time_zone, month, time_zones, zone_for
from amplify.campaigns.forms import content_language_choices
from amplify.campaigns.models import AUDIENCES, Campaign, Message, MessageVariant
from amplify.drafting import exports, sheets
from amplify.drafting.composer import compose
from amplify.drafting.forms import ComposeForm
from amplify.drafting.safety import check_text, high_risk_people
from amplify.forms import form_status
from amplify.items.changes import save_item
from amplify.items.models import Item, THREAD_BREAK
from amplify.platforms import UnknownPlatform, check, platforms
from amplify.web import render

bp = Blueprint("drafting", __name__, url_prefix="/drafting")


def approved_variants(campaign, languages):
    return list(MessageVariant.select(MessageVariant, Message).join(Message)
                .where((Message.campaign == campaign) & MessageVariant.language.in_(languages)
                       & (MessageVariant.state == "approved")).order_by(Message.position, MessageVariant.language))


def wording_of(variants):
    return {"long": "\n\n".join(v.long_form for v in variants),
            "short": " ".join(v.short_form for v in variants),
            "cta": next((v.call_to_action for v in variants if v.call_to_action), "")}


def compose_drafts(campaign, chosen, languages, platform_codes):
    """``[(platform name, [(language, draft)])]``: one draft per platform and language,
    each from the chosen messages' approved wording in that language."""
    link = campaign.links[0] if campaign.links else ""
    by_language = [(language, [v for v in chosen if v.language == language]) for language in languages]
    return [(platforms()[platform], [(language, compose(wording_of(variants), platform, campaign.hashtags, link))
                                     for language, variants in by_language if variants])
            for platform in platform_codes]


@bp.route("/<slug>", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def compose_page(slug):
    """Pick approved messages (in one language or several, side by side) and platforms;
    preview the drafts, or create one item per platform and language at once."""
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    languages = [code for code in request.values.getlist("language") if code in campaign.languages] \
        or (campaign.languages or ["es"])[:1]
    variants = approved_variants(campaign, languages)
    several = len(languages) > 1
    form = ComposeForm(variant_choices=[(str(v.id), f"{v.message.title} ({v.language})" if several
                                         else v.message.title) for v in variants],
                       platforms=["x", "mastodon", "linkedin"])
    drafts = []
    if request.method == "POST" and form.validate_on_submit():
        chosen = [v for v in variants if str(v.id) in form.variants.data]
        drafts = compose_drafts(campaign, chosen, languages, form.platforms.data)
        if request.form.get("action") == "create":
            created = 0
            for name, per_language in drafts:
                for language, draft in per_language:
                    if not draft.posts:
                        continue
                    used = [v for v in chosen if v.language == language]
                    title = f"{used[0].message.title} · {name}" + (f" ({language})" if several else "")
                    save_item(Item(author=g.user), people=[], variant_ids=[v.id for v in used],
                              campaign=campaign, kind="thread" if draft.is_thread else "post",
                              title=title, language=language, channel=draft.platform, text=draft.text,
                              composed_text=draft.text)
                    created += 1
            flash(ngettext("%(num)d draft created. Add the people it names, then send it for review.",
                           "%(num)d drafts created. Add the people they name, then send them for review.",
                           created), "success")
            return redirect(url_for("items.index", campaign=campaign.id))
    return render("drafting/compose.html", campaign=campaign, form=form, drafts=drafts,
                  languages=languages, language_names=dict(content_language_choices()),
                  has_variants=bool(variants), status=form_status(form))


LINKS_AND_TAGS = re.compile(r"(https?://\S+|(?<![\w#])#\w+|(?<![\w@])@\w+)")


def segments(text):
    """``[(kind, text)]`` for the preview: ``link``, ``tag`` or ``text``."""
    parts = []
    for piece in LINKS_AND_TAGS.split(text):
        if not piece:
            continue
        kind = "link" if piece.startswith("http") else "tag" if piece[:1] in "#@" and len(piece) > 1 else "text"
        parts.append((kind, piece))
    return parts


def counter_context(text, channel, kind="post", people_refs=()):
    """Counts per post, overflow and safety warnings for the live counter. A text longer
    than an item may be is not counted or checked at all: the counter says so."""
    text = (text or "").replace("\r\n", "\n")
    if len(text) > limits.POST:
        return {"too_long": limits.POST, "fits": [], "warnings": [], "unknown_platform": None}
    try:
        posts = [p.strip() for p in THREAD_BREAK.split(text)] if kind == "thread" else [text]
        fits = [(post, check(post, channel), segments(post)) for post in posts]
    except UnknownPlatform:
        return {"unknown_platform": channel, "fits": [], "warnings": [], "too_long": None}
    return {"fits": fits, "warnings": check_text(text, high_risk_people()), "channel": channel,
            "platform_name": platforms().get(channel, channel), "unknown_platform": None,
            "too_long": None}


@bp.post("/count")
@security.requires("edit_campaigns")
def count():
    """The counter fragment, as the editor types (htmx, debounced)."""
    return render("drafting/_counter.html", "drafting/_counter.html",
                  **counter_context(request.form.get("text"), request.form.get("channel", ""),
                                    request.form.get("kind", "post")))


# Exports ---------------------------------------------------------------------------------

def download(body, mimetype, filename):
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def export_choices(campaign):
    """The time zone and date order asked for (default: the campaign's zone, day first)."""
    zone = request.args.get("tz") or campaign.zone_name()
    if not is_time_zone(zone):
        zone = campaign.zone_name()
    order = request.args.get("order") if request.args.get("order") in exports.DATE_ORDERS else "dmy"
    return ZoneInfo(zone), order


@bp.get("/<slug>/exports")
@security.requires("view")
def exports_page(slug):
    """Downloads, with each scheduler file's moved and left-out posts said before download."""
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    zone, order = export_choices(campaign)
    rows = exports.cleared_items(campaign, planned_only=False)
    files = [exports.scheduler_file(campaign, scheduler, channel, zone, order)
             for channel in exports.scheduler_channels(campaign) for scheduler in exports.SCHEDULERS]
    return render("drafting/exports.html", campaign=campaign, rows=rows, files=files, zone=str(zone),
                  order=order, time_zones=time_zones(), platform_names=platforms(),
                  left_out_reasons=exports.LEFT_OUT, moved_reasons=exports.MOVED)


@bp.get("/<slug>/exports/<any(hootsuite, sprout):scheduler>-<channel>.csv")
@security.requires("view")
def scheduler_csv(slug, scheduler, channel):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    if channel not in exports.scheduler_channels(campaign):
        abort(404)
    export = exports.scheduler_file(campaign, scheduler, channel, *export_choices(campaign))
    return download(export.csv(), "text/csv", export.filename(slug))


@bp.get("/<slug>/exports/publications.csv")
@security.requires("view")
def generic(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    return download(exports.generic_csv(campaign), "text/csv", f"{slug}-publications.csv")


@bp.get("/<slug>/exports/publications.ics")
@security.requires("view")
def calendar_file(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    return download(exports.ical(campaign, request.url_root, request.host.split(":")[0]),
                    "text/calendar", f"{slug}.ics")


@bp.get("/<slug>/exports/kit.zip")
@security.requires("view")
def kit(slug):
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    return download(exports.kit_zip(campaign), "application/zip", f"{slug}-kit.zip")


# Calendar --------------------------------------------------------------------------------

@bp.get("/<slug>/calendar")
@security.requires("view")
def calendar_page(slug):
    """Planned publications and key dates by month, a row per week (no JavaScript)."""
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    zone = zone_for(g.user, campaign)  # days are the viewer's days: 23:30 in Lima is tomorrow in UTC
    today = datetime.now(zone.info).date()
    shown = month(request.args.get("month"), today)
    start = datetime.combine(shown.start, time.min, tzinfo=zone.info)
    end = datetime.combine(shown.end, time.max, tzinfo=zone.info)
    by_day = {}
    for item in Item.select().where((Item.campaign == campaign) & (Item.planned_at >= start)
                                    & (Item.planned_at <= end)).order_by(Item.planned_at):
        by_day.setdefault(item.planned_at.astimezone(zone.info).date(), []).append(item)
    key_dates = {}  # anniversaries too: a key date shows every year on its day
    for entry in campaign.key_dates:
        day = date.fromisoformat(entry["date"])
        key_dates.setdefault((day.month, day.day), []).append(f"{entry['label']} ({day.year})")
    return render("drafting/calendar.html", campaign=campaign, weeks=shown.weeks, month=shown.first,
                  by_day=by_day, key_dates=key_dates, today=today, zone=zone,
                  previous=shown.previous, following=shown.following)


# Talking-point sheets ----------------------------------------------------------------------

@bp.get("/<slug>/talking-points")
@security.requires("view")
def talking_points(slug):
    """Choose audience, language and messages; the sheet prints cleanly and downloads as
    Markdown or DOCX."""
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    language = request.args.get("language") or (campaign.languages or ["es"])[0]
    audience = request.args.get("audience") if request.args.get("audience") in AUDIENCES else "policymakers"
    variants = approved_variants(campaign, [language])
    wanted = request.args.getlist("messages")
    chosen = [v for v in variants if str(v.id) in wanted] if wanted else variants
    sheet = sheets.build(campaign, str(AUDIENCES[audience]), language, chosen,
                         current_app.config["ORGANIZATION_NAME"])
    labels = {"audience": _("Audience"), "evidence": _("Evidence"), "ask": _("The ask"),
              "quotes": _("In their own words")}
    fmt = request.args.get("format")
    if fmt in ("md", "docx") and sheet.empty:
        flash(_("Nothing in this language yet: there is no sheet to download."), "error")
        fmt = None
    if fmt == "md":
        return download(sheets.markdown(sheet, labels), "text/markdown", f"{slug}-{audience}-{language}.md")
    if fmt == "docx":
        return download(sheets.docx(sheet, labels, g.user.name, current_app.config["PAPER_SIZE"]),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        f"{slug}-{audience}-{language}.docx")
    return render("drafting/talking_points.html", campaign=campaign, sheet=sheet, variants=variants,
                  chosen={v.id for v in chosen}, audience=audience, audiences=AUDIENCES,
                  language=language)
