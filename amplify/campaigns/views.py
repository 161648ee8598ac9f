"""Campaigns, messages and their language variants (``/campaigns``)."""

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from amplify import security
from amplify.campaigns.changes import (
    NotAllowed, add_message, change_variant_state, rename_message, save_campaign, save_variant,
)
from amplify.campaigns.forms import (
    CampaignForm, MessageForm, MessageTitleForm, VariantForm, VariantStateForm, format_key_dates, parse_hashtags,
    parse_key_dates, parse_links,
)
from amplify.campaigns.models import (
    APPROVAL_METHODS, AUDIENCES, FRAMEWORKS, STATES, Campaign, Message, MessageVariant,
)
from amplify.people.models import Activist, Organization
from amplify.forms import form_status
from amplify.web import render

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


def load_campaign(slug):
    return Campaign.get_or_404(Campaign.slug == slug)


def load_message(slug, key):
    campaign = load_campaign(slug)
    return campaign, Message.get_or_404((Message.campaign == campaign) & (Message.key == key))


def all_organizations():
    return Organization.select().order_by(Organization.name)


@bp.get("/")
@security.requires("view")
def index():
    return render("campaigns/index.html", campaigns=Campaign.with_counts())


def campaign_fields(form):
    fields = {
        "name": form.name.data.strip(), "goal": (form.goal.data or "").strip(),
        "audiences": form.audiences.data, "hashtags": parse_hashtags(form.hashtags.data),
        "links": parse_links(form.links.data), "key_dates": parse_key_dates(form.key_dates.data),
        "languages": form.languages.data, "frameworks": form.frameworks.data, "names": form.names.names,
        "colour_background": form.colour_background.data.lower(),
        "colour_text": form.colour_text.data.lower(),
        "colour_accent": form.colour_accent.data.lower(),
        "consent_months": form.consent_months.data,
        "time_zone": form.time_zone.data or "",
        "organization_ids": [int(i) for i in form.organizations.data or []],
    }
    if form.cleaned_logo:
        fields["logo"] = form.cleaned_logo
    return fields


@bp.route("/new", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def new():
    form = CampaignForm(languages=["es", "pt", "en"], organizations=all_organizations())
    if form.validate_on_submit():
        campaign = save_campaign(Campaign(), **campaign_fields(form))
        flash(_("Campaign saved."), "success")
        return redirect(url_for("campaigns.show", slug=campaign.slug))
    return render("campaigns/form.html", form=form, campaign=None, status=form_status(form))


@bp.get("/<slug>")
@security.requires("view")
def show(slug):
    campaign = load_campaign(slug)
    filters = {
        "q": request.args.get("q", "").strip(),
        "language": request.args.get("language", ""),
        "state": request.args.get("state", ""),
    }
    return render(
        "campaigns/show.html", "campaigns/_message_rows.html",
        campaign=campaign, messages=campaign.messages_matching(**filters), filters=filters,
        states=STATES, audiences=AUDIENCES, frameworks=FRAMEWORKS,
    )


@bp.get("/<slug>/logo.png")
@security.requires("view")
def logo(slug):
    campaign = load_campaign(slug)
    if not campaign.logo:
        abort(404)
    return Response(bytes(campaign.logo), mimetype="image/png",
                    headers={"Cache-Control": "private, max-age=300"})


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def edit(slug):
    campaign = load_campaign(slug)
    form = CampaignForm(obj=campaign, organizations=all_organizations())
    if request.method == "GET":
        form.organizations.data = [str(o.id) for o in campaign.organizations()]
    # List fields are edited as text; a post without one keeps the campaign's own.
    for name, text in (("hashtags", " ".join(campaign.hashtags)), ("links", "\n".join(campaign.links)),
                       ("key_dates", format_key_dates(campaign.key_dates))):
        if name not in request.form:
            form[name].data = text
    if form.validate_on_submit():
        save_campaign(campaign, **campaign_fields(form))
        flash(_("Campaign saved."), "success")
        return redirect(url_for("campaigns.show", slug=campaign.slug))
    return render("campaigns/form.html", form=form, campaign=campaign, status=form_status(form))


@bp.route("/<slug>/messages/new", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def new_message(slug):
    campaign = load_campaign(slug)
    form = MessageForm(language=(campaign.languages or ["es"])[0])
    if form.validate_on_submit():
        message = add_message(campaign, form.title.data, form.variant_fields())
        flash(_("Message saved. It is proposed until a spokesperson approves it."), "success")
        return redirect(url_for("campaigns.message", slug=slug, key=message.key))
    return render("campaigns/message_form.html", form=form, campaign=campaign,
                  status=form_status(form))


@bp.route("/<slug>/messages/<key>/edit", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def edit_message(slug, key):
    campaign, msg = load_message(slug, key)
    form = MessageTitleForm(obj=msg)
    if form.validate_on_submit():
        rename_message(msg, form.title.data, form.titles.names)
        flash(_("Message saved."), "success")
        return redirect(url_for("campaigns.message", slug=slug, key=key))
    return render("campaigns/message_title_form.html", form=form, campaign=campaign,
                  message=msg, status=form_status(form))


def state_form(variant, formdata=None):
    return VariantStateForm(
        formdata=formdata, prefix=f"s-{variant.language}",
        states=[(s, STATES[s]) for s in variant.next_states()],
        spokespeople=Activist.spokespeople(),
    )


@bp.get("/<slug>/messages/<key>")
@security.requires("view")
def message(slug, key, failed=None):
    campaign, msg = load_message(slug, key)
    variants = list(msg.variants())
    forms = {v.language: (failed if failed and failed.variant_id == v.id else state_form(v, formdata=None))
             for v in variants}
    missing = [code for code in campaign.languages if code not in {v.language for v in variants}]
    return render("campaigns/message.html", campaign=campaign, message=msg, variants=variants,
                  state_forms=forms, missing=missing, methods=APPROVAL_METHODS,
                  status=400 if failed else 200)


def variant_page(campaign, msg, variant, form, saved_text):
    """Save the variant form when it is valid; else show it again with its errors."""
    if form.validate_on_submit():
        try:
            save_variant(msg, variant or MessageVariant(), **form.variant_fields())
        except NotAllowed as refused:
            getattr(form, refused.field or "short_form").errors.append(refused.message)
        else:
            flash(saved_text, "success")
            return redirect(url_for("campaigns.message", slug=campaign.slug, key=msg.key))
    return render("campaigns/variant_form.html", form=form, campaign=campaign, message=msg,
                  variant=variant, status=form_status(form))


@bp.route("/<slug>/messages/<key>/variants/new", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def new_variant(slug, key):
    campaign, msg = load_message(slug, key)
    form = VariantForm(language=request.args.get("language", ""))
    return variant_page(campaign, msg, None, form,
                        _("Variant saved. It is proposed until a spokesperson approves it."))


@bp.route("/<slug>/messages/<key>/variants/<language>/edit", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def edit_variant(slug, key, language):
    campaign, msg = load_message(slug, key)
    variant = MessageVariant.get_or_404(
        (MessageVariant.message == msg) & (MessageVariant.language == language))
    return variant_page(campaign, msg, variant, VariantForm(obj=variant), _("Variant saved."))


@bp.post("/<slug>/messages/<key>/variants/<language>/state")
@security.requires("edit_campaigns")
def variant_state(slug, key, language):
    campaign, msg = load_message(slug, key)
    variant = MessageVariant.get_or_404(
        (MessageVariant.message == msg) & (MessageVariant.language == language))
    form = state_form(variant, formdata=request.form)
    if form.validate_on_submit():
        try:
            change_variant_state(
                variant, form.state.data,
                approved_by=int(form.approved_by.data) if form.approved_by.data else None,
                approval_method=form.approval_method.data or None,
                note=form.note.data or "",
            )
        except NotAllowed as refused:
            getattr(form, refused.field or "state").errors.append(refused.message)
        else:
            flash(_("State changed to “%(state)s”.", state=STATES[variant.state]), "success")
            return redirect(url_for("campaigns.message", slug=slug, key=key))
    form.variant_id = variant.id
    return message(slug, key, failed=form)
