"""Releases and story pitches (``/press/releases``): made from approved messages, their
evidence, contact, embargo, documents, share links and coverage."""

from datetime import datetime

from flask import Response, flash, g, redirect, url_for
from flask_babel import gettext as _

from amplify import security
from amplify.campaigns.models import Campaign, Message, MessageVariant
from amplify.consent.clearance import clearance
from amplify.forms import form_status
from amplify.items.forms import ActionForm
from amplify.people.models import Activist
from amplify.press import documents
from amplify.press.blueprint import bp
from amplify.press.changes import (
    add_evidence, create_release, link_coverage, make_share, revoke_share, save_contact, set_embargo,
)
from amplify.press.forms import ContactForm, CoverageForm, EmbargoForm, EvidenceForm, ReleaseForm, ShareForm
from amplify.press.models import Pitch, Release, ReleaseShare
from amplify.press.sharing import share_url
from amplify.rules import NotAllowed
from amplify.db import utcnow
from amplify.feeds.models import FeedEntry
from amplify.web import int_arg, render


def approved_variant_choices():
    query = (MessageVariant.select(MessageVariant, Message, Campaign).join(Message).join(Campaign)
             .where(MessageVariant.state == "approved").order_by(Campaign.name, Message.position))
    return [(str(v.id), f"{v.message.campaign.name} · {v.message.title} ({v.language})") for v in query]


@bp.route("/releases/new", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def new_release():
    """A release or story pitch from approved messages; ``?family=<id>``: a translation."""
    family = Release.get_or_none(Release.id == int_arg("family")) if int_arg("family") else None
    defaults = {}
    if family is not None:
        defaults = dict(campaign=str(family.item.campaign_id), kind=family.item.kind,
                        contact_name=family.contact_name, contact_email=family.contact_email,
                        contact_phone=family.contact_phone)
    form = ReleaseForm(campaigns=Campaign.select().order_by(Campaign.name),
                       variant_choices=approved_variant_choices(),
                       activists=Activist.select().order_by(Activist.display_name), **defaults)
    if form.validate_on_submit():
        release = release_from_form(form, family)
        if release is not None:
            flash(_("Saved as a draft. Send it for review: everyone it quotes decides on this exact text."),
                  "success")
            return redirect(url_for("press.release", release_id=release.id))
    return render("press/release_form.html", form=form, family=family, status=form_status(form))


def release_from_form(form, family):
    campaign = Campaign.get_or_none(Campaign.id == int(form.campaign.data or 0))
    if campaign is None:
        form.campaign.errors.append(_("Choose a campaign."))
        return None
    chosen = [int(v) for v in form.variants.data or [] if v.isdigit()]
    variants = list(MessageVariant.select(MessageVariant, Message).join(Message)
                    .where(MessageVariant.id.in_(chosen) & (MessageVariant.state == "approved")))
    if (len(variants) != len(form.variants.data or [])
            or any(v.message.campaign_id != campaign.id or v.language != form.language.data for v in variants)):
        form.variants.errors.append(_("Choose approved messages of this campaign, in the release's language."))
        return None
    people = [(int(i), "quoted", None) for i in form.quoted.data or []]
    text = form.text.data or "\n\n".join(v.long_form or v.short_form for v in variants)
    try:
        return create_release(
            campaign=campaign, kind=form.kind.data, title=form.title.data, language=form.language.data,
            text=text, variant_ids=[v.id for v in variants], people=people, author=g.user,
            contact_name=form.contact_name.data or "", contact_email=form.contact_email.data or "",
            contact_phone=form.contact_phone.data or "", family=family)
    except NotAllowed as refused:
        getattr(form, refused.field or "title").errors.append(refused.message)
        return None


FEED_COVERAGE_OFFERED = 50


def coverage_form(release):
    """The form to link coverage, offering what the feeds logged as the campaign's coverage."""
    entries = (FeedEntry.select().where((FeedEntry.state == "coverage")
                                        & (FeedEntry.campaign == release.item.campaign_id))
               .order_by(FeedEntry.seen_at.desc(), FeedEntry.id.desc()).limit(FEED_COVERAGE_OFFERED))
    return CoverageForm(pitches=list(release.pitches()), entries=list(entries))


def release_page(release, status=200, **forms):
    item = release.item
    result = clearance(item)
    local = item.embargo_local
    defaults = dict(
        contact_form=ContactForm(contact_name=release.contact_name, contact_email=release.contact_email,
                                 contact_phone=release.contact_phone),
        evidence_form=EvidenceForm(), share_form=ShareForm(),
        embargo_form=EmbargoForm(day=local.date() if local else None,
                                 clock=local.time().replace(second=0, microsecond=0) if local else None,
                                 zone=item.embargo_zone or "UTC"),
        coverage_form=coverage_form(release))
    defaults.update(forms)
    shares = list(ReleaseShare.select().where((ReleaseShare.release == release) & ReleaseShare.revoked_at.is_null()
                                              & (ReleaseShare.expires_at > utcnow()))
                  .order_by(ReleaseShare.created_at.desc()).limit(50))
    return render("press/release.html", status=status, release=release, item=item, clearance=result,
                  shares=shares, share_urls={s.id: share_url(s) for s in shares},
                  pitches=list(release.pitches().limit(200)), languages=list(release.languages()),
                  coverage=list(release.coverage_found().limit(200)),
                  action=ActionForm(), **defaults)


@bp.get("/releases/<id:release_id>")
@security.requires("view")
def release(release_id):
    return release_page(Release.get_or_404(Release.id == release_id))


@bp.post("/releases/<id:release_id>/contact")
@security.requires("edit_campaigns")
def contact(release_id):
    found = Release.get_or_404(Release.id == release_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return release_page(found, 400, contact_form=form)
    save_contact(found, contact_name=form.contact_name.data or "", contact_email=form.contact_email.data or "",
                 contact_phone=form.contact_phone.data or "")
    flash(_("Press contact saved."), "success")
    return redirect(url_for("press.release", release_id=found.id))


@bp.post("/releases/<id:release_id>/evidence")
@security.requires("edit_campaigns")
def evidence(release_id):
    found = Release.get_or_404(Release.id == release_id)
    form = EvidenceForm()
    if not form.validate_on_submit():
        return release_page(found, 400, evidence_form=form)
    add_evidence(found, figure=form.figure.data, source=form.source.data, url=form.url.data or "")
    flash(_("Evidence added."), "success")
    return redirect(url_for("press.release", release_id=found.id) + "#evidence")


@bp.post("/releases/<id:release_id>/embargo")
@security.requires("edit_campaigns")
def embargo(release_id):
    found = Release.get_or_404(Release.id == release_id)
    form = EmbargoForm()
    if not form.validate_on_submit():
        return release_page(found, 400, embargo_form=form)
    local = datetime.combine(form.day.data, form.clock.data) if form.day.data else None
    try:
        set_embargo(found, local, form.zone.data)
    except NotAllowed as refused:
        form.day.errors.append(refused.message)
        return release_page(found, 400, embargo_form=form)
    flash(_("Embargo saved.") if local else _("Embargo lifted."), "success")
    return redirect(url_for("press.release", release_id=found.id) + "#embargo")


def refused_export(found, result):
    flash(result.embargo_problem or _("Not everyone it quotes has agreed to this version: it cannot go out."),
          "error")
    return redirect(url_for("press.release", release_id=found.id))


def release_file(release_id, make, extension, mimetype):
    """The release as a file for the public: only once cleared and past its embargo."""
    found = Release.get_or_404(Release.id == release_id)
    result = clearance(found.item)
    if not result.cleared:
        return refused_export(found, result)
    return Response(make(found, result), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="release-{found.id}-v{found.item.version}.{extension}"'})


@bp.get("/releases/<id:release_id>/release.docx")
@security.requires("view")
def release_docx(release_id):
    return release_file(release_id, documents.docx, "docx",
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@bp.get("/releases/<id:release_id>/release.pdf")
@security.requires("view")
def release_pdf(release_id):
    return release_file(release_id, documents.pdf_document, "pdf", "application/pdf")


@bp.get("/releases/<id:release_id>/email.txt")
@security.requires("view")
def release_email(release_id):
    return release_file(release_id, documents.email_text, "txt", "text/plain")


@bp.post("/releases/<id:release_id>/shares")
@security.requires("edit_campaigns")
def share(release_id):
    found = Release.get_or_404(Release.id == release_id)
    form = ShareForm()
    if not form.validate_on_submit():
        return release_page(found, 400, share_form=form)
    try:
        made = make_share(found, g.user, form.days.data)
    except NotAllowed as refused:
        flash(refused.message, "error")
        return redirect(url_for("press.release", release_id=found.id))
    flash(_("Share link made. Copy it now: %(url)s", url=share_url(made)), "success")
    return redirect(url_for("press.release", release_id=found.id) + "#shares")


@bp.post("/shares/<id:release_share_id>/revoke")
@security.requires("edit_campaigns")
def revoke(release_share_id):
    found = ReleaseShare.get_or_404(ReleaseShare.id == release_share_id)
    if ActionForm().validate_on_submit():
        revoke_share(found)
        flash(_("The share link no longer works."), "success")
    return redirect(url_for("press.release", release_id=found.release_id) + "#shares")


@bp.post("/releases/<id:release_id>/coverage")
@security.requires("edit_campaigns")
def coverage(release_id):
    found = Release.get_or_404(Release.id == release_id)
    form = coverage_form(found)
    if not form.validate_on_submit():
        return release_page(found, 400, coverage_form=form)
    pitch_row = Pitch.get_or_none(Pitch.id == int(form.pitch.data)) if (form.pitch.data or "").isdigit() else None
    entry = form.entry
    try:
        link_coverage(found, title=form.title.data or entry.title[:200],
                      url=form.url.data or (entry.link if entry else ""),
                      published_on=form.published_on.data or entry.seen_at.date(), feed_entry=entry,
                      user=g.user, pitch_row=pitch_row, quotes_carried=form.quotes_carried.data)
    except NotAllowed as refused:
        form.pitch.errors.append(refused.message)
        return release_page(found, 400, coverage_form=form)
    flash(_("Coverage linked."), "success")
    return redirect(url_for("press.release", release_id=found.id) + "#coverage")


