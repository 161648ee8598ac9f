"""The drafting studio (``/drafting``): compose from approved messages, count as each
platform counts, check for what could expose someone."""

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from amplify import security
from amplify.campaigns.models import Campaign, Message, MessageVariant
from amplify.drafting.composer import compose
from amplify.drafting.forms import ComposeForm
from amplify.drafting.safety import check_text
from amplify.forms import form_status
from amplify.items.changes import save_item
from amplify.items.models import Item, THREAD_BREAK
from amplify.people.models import Activist
from amplify.platforms import UnknownPlatform, check, platforms
from amplify.web import render

bp = Blueprint("drafting", __name__, url_prefix="/drafting")


def approved_variants(campaign, language):
    return list(MessageVariant.select(MessageVariant, Message).join(Message)
                .where((Message.campaign == campaign) & (MessageVariant.language == language)
                       & (MessageVariant.state == "approved")).order_by(Message.position))


def wording_of(variants):
    return {"long": "\n\n".join(v.long_form for v in variants),
            "short": " ".join(v.short_form for v in variants),
            "cta": next((v.call_to_action for v in variants if v.call_to_action), "")}


@bp.route("/<slug>", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def compose_page(slug):
    """Pick approved messages and platforms; preview the drafts; create one item each."""
    campaign = Campaign.get_or_404(Campaign.slug == slug)
    language = request.values.get("language") or (campaign.languages or ["es"])[0]
    variants = approved_variants(campaign, language)
    form = ComposeForm(variant_choices=[(str(v.id), v.message.title) for v in variants],
                       language=language, platforms=["x", "mastodon", "linkedin"])
    drafts = []
    if request.method == "POST" and form.validate_on_submit():
        chosen = [v for v in variants if str(v.id) in form.variants.data]
        wording = wording_of(chosen)
        link = campaign.links[0] if campaign.links else ""
        drafts = [(compose(wording, platform, campaign.hashtags, link), platforms()[platform])
                  for platform in form.platforms.data]
        if request.form.get("action") == "create":
            created = 0
            for draft, name in drafts:
                if not draft.posts:
                    continue
                save_item(Item(author=g.user), people=[], variant_ids=[v.id for v in chosen],
                          campaign=campaign, kind="thread" if draft.is_thread else "post",
                          title=f"{chosen[0].message.title} · {name}", language=language,
                          channel=draft.platform, text=draft.text, composed_text=draft.text)
                created += 1
            flash(_("%(n)d drafts created. Add the people they name, then send them for review.",
                    n=created), "success")
            return redirect(url_for("items.index", campaign=campaign.id))
    return render("drafting/compose.html", campaign=campaign, form=form, drafts=drafts,
                  language=language, has_variants=bool(variants), status=form_status(form))


def counter_context(text, channel, kind="post", people_refs=()):
    """Counts per post, overflow and safety warnings for the live counter."""
    text = (text or "").replace("\r\n", "\n")
    try:
        posts = [p.strip() for p in THREAD_BREAK.split(text)] if kind == "thread" else [text]
        fits = [(post, check(post, channel)) for post in posts]
    except UnknownPlatform:
        return {"unknown_platform": channel, "fits": [], "warnings": []}
    high_risk = Activist.select().where(Activist.risk_level == "high")
    return {"fits": fits, "warnings": check_text(text, high_risk), "channel": channel,
            "platform_name": platforms().get(channel, channel), "unknown_platform": None}


@bp.post("/count")
@security.requires("edit_campaigns")
def count():
    """The counter fragment, as the editor types (htmx, debounced)."""
    return render("drafting/_counter.html", "drafting/_counter.html",
                  **counter_context(request.form.get("text"), request.form.get("channel", ""),
                                    request.form.get("kind", "post")))
