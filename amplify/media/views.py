"""Images (``/media``): upload (scrubbed), blur, serve; quote cards."""

import json

from flask import Blueprint, Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from amplify import security
from amplify.campaigns.models import Campaign
from amplify.db import database
from amplify.forms import form_status
from amplify.items.changes import save_item, store_verdicts
from amplify.items.models import Item, anonymous_label
from amplify.media.blur import blur_regions
from amplify.media.cards import SIZES, TEMPLATES, Card, CardRefused, render as render_card
from amplify.media.faces import carry_faces, items_using, link, to_blur
from amplify.media.forms import BlurForm, CardForm, FaceLinksForm, UploadForm
from amplify.media.models import Asset
from amplify.media.scrub import ImageRefused
from amplify.people.models import ATTRIBUTIONS
from amplify.web import int_arg, render

bp = Blueprint("media", __name__, url_prefix="/media")


def load(sha):
    return Asset.get_or_404(Asset.sha256 == sha)


@bp.route("/", methods=["GET", "POST"])
@security.requires("view")
def index():
    form = UploadForm()
    if request.method == "POST":
        if not security.can("edit_campaigns"):
            abort(403)
        if form.validate_on_submit():
            upload = form.image.data
            if not upload or not getattr(upload, "filename", ""):
                form.image.errors.append(_("Choose a photo."))
            else:
                try:
                    with upload.stream:  # a large upload is spooled to a file: closed here
                        raw = upload.read()
                    with database.atomic():
                        asset = Asset.upload(raw, label=form.label.data or upload.filename,
                                             uploaded_by=g.user)
                except ImageRefused as refused:
                    form.image.errors.append(refused.message)
                else:
                    flash(_("Photo saved, without its location and camera data."), "success")
                    if asset.faces_found:
                        flash(_("Faces found: %(n)d. They are proposed below as regions to blur; "
                                "a face stays visible only if you link it to a person who agreed "
                                "to show her face.", n=asset.faces_found), "warning")
                    return redirect(url_for("media.show", sha=asset.sha256))
    assets = Asset.select(Asset.id, Asset.sha256, Asset.mime, Asset.width, Asset.height, Asset.label,
                          Asset.created_at).order_by(Asset.created_at.desc()).limit(60)
    return render("media/index.html", form=form, assets=assets, status=form_status(form))


@bp.get("/<sha>.<ext>")
@security.requires("view")
def file(sha, ext):
    asset = load(sha)
    if ext != asset.extension:
        abort(404)
    return Response(bytes(asset.data), mimetype=asset.mime,
                    headers={"Cache-Control": "private, max-age=86400, immutable"})


def page(asset, form=None, links=None, status=200):
    """The photo's page: the blur form (the faces still to blur proposed in it, unless the
    form was posted) and the faces found, each with whose face it is."""
    if form is None:
        form = BlurForm(data={"regions": [dict(zip("xywh", box)) for box in to_blur(asset)] or [{}]})
    faces = asset.faces()
    return render("media/show.html", asset=asset, form=form, faces=faces,
                  links=links or face_links_form(faces),
                  source=Asset.get_or_none(Asset.sha256 == asset.derived_from) if asset.derived_from else None,
                  status=status)


def face_links_form(faces, formdata=None):
    shown = faces_to_link(faces)
    form = FaceLinksForm(formdata=formdata, data=None if formdata else {
        "faces": [{"face": str(f.id), "person": str(f.activist_id or "")} for f in shown]})
    if formdata is None:
        while len(form.faces) < len(shown):
            form.faces.append_entry()
    for row, face in zip(form.faces, shown):
        row.person.label.text = _("Face %(n)d (left %(x)d, top %(y)d, %(w)d × %(h)d px)",
                                  n=faces.index(face) + 1, x=face.x, y=face.y, w=face.w, h=face.h)
    return form


def faces_may_be_shown(form):
    """Whether everyone named in the form agreed that her face may be shown (else a message
    on her row, what was typed kept)."""
    fine = True
    for row in form.faces:
        person = row.person.chosen()
        if person is not None and not person.face_may_be_shown:
            row.person.errors.append(_("%(name)s has not agreed that her face may be shown: leave it empty "
                                       "and the face is blurred.", name=person.display_name))
            fine = False
    return fine


def faces_to_link(faces):
    """The faces a person may be linked to: those not blurred, the largest first (a crowd
    is blurred, not named face by face)."""
    return sorted((f for f in faces if not f.blurred), key=lambda f: -f.w * f.h)[:FaceLinksForm.ROWS]


@bp.get("/<sha>")
@security.requires("view")
def show(sha):
    return page(load(sha))


@bp.post("/<sha>/faces")
@security.requires("edit_campaigns")
def link_faces(sha):
    asset = load(sha)
    faces = asset.faces()
    form = face_links_form(faces, formdata=request.form)
    if form.validate_on_submit() and faces_may_be_shown(form):
        ids = {str(f.id) for f in faces_to_link(faces)}
        choices = {int(row.face.data): int(row.person.data) if (row.person.data or "").isdigit() else None
                   for row in form.faces if row.face.data in ids}
        with database.atomic():
            link(asset, choices)
            store_verdicts(items_using(asset))
        flash(_("Saved. A linked face stays visible only in items that show her, once she agrees."),
              "success")
        return redirect(url_for("media.show", sha=asset.sha256))
    return page(asset, links=form, status=400)


@bp.post("/<sha>/blur")
@security.requires("edit_campaigns")
def blur(sha):
    asset = load(sha)
    form = BlurForm()
    if "add_region" in request.form and len(form.regions) < form.regions.max_entries:
        form.regions.append_entry()
        return page(asset, form)
    if form.validate_on_submit() and form.rectangles():
        with database.atomic():
            blurred = Asset.store(blur_regions(bytes(asset.data), form.rectangles()),
                                  label=f"{asset.label} (blurred)", derived_from=asset.sha256,
                                  uploaded_by=g.user)
            if asset.faces_found is not None:
                carry_faces(asset, blurred, form.rectangles())
        flash(_("A blurred copy was made; the regions cannot be recovered from it."), "success")
        return redirect(url_for("media.show", sha=blurred.sha256))
    if not form.errors:
        form.regions[0].x.errors.append(_("Mark at least one region (left, top, width, height)."))
    return page(asset, form, status=400)


# Quote cards -----------------------------------------------------------------------------

def card_from(form, campaign):
    """The Card to draw, the person's name as fixed for the card included."""
    secondary = form.secondary.data or ""
    person = form.person.chosen()
    if person is not None and form.template.data == "quote" and not secondary:
        secondary = person.name_for(form.attribution.data, anonymous_label(form.language.data))
    return Card(form.template.data, form.size.data, (form.main_text.data or "").strip(), secondary.strip(),
                campaign.colour_background, campaign.colour_text, campaign.colour_accent,
                campaign.hashtags[0] if campaign.hashtags else ""), person


def card_form(**kwargs):
    return CardForm(campaigns=Campaign.select().order_by(Campaign.name), **kwargs)


def preview_args():
    """The posted card fields as arguments of the preview image's URL."""
    return {k: v for k, v in request.form.items() if k not in ("csrf_token", "action")}


@bp.route("/cards/new", methods=["GET", "POST"])
@security.requires("edit_campaigns")
def new_card():
    campaign = Campaign.get_or_none(Campaign.slug == request.args.get("campaign", ""))
    form = card_form(campaign=str(campaign.id) if campaign else None, template="quote", size="x",
                     attribution="pseudonym")
    preview = None
    if form.validate_on_submit():
        campaign = Campaign.get_or_none(Campaign.id == int(form.campaign.data or 0))
        if campaign is None:
            form.campaign.errors.append(_("Choose a campaign."))
        else:
            card, person = card_from(form, campaign)
            try:
                image = render_card(card, bytes(campaign.logo) if campaign.logo else None)
            except CardRefused as refused:
                getattr(form, {"main": "main_text"}.get(refused.field, refused.field) or "main_text").errors.append(refused.message)
            else:
                if request.form.get("action") == "preview":  # "Preview" only previews
                    return render("media/card_form.html", form=form,
                                  preview=url_for("media.card_preview", **preview_args()))
                if person is not None and person.protected:  # checked before the image is stored
                    form.person.errors.append(_("%(name)s is protected: no item may name, quote or show "
                                                "her until an admin lifts the protection.",
                                                name=person.display_name))
                    return render("media/card_form.html", form=form, status=400,
                                  preview=url_for("media.card_preview", **preview_args()))
                with database.atomic():
                    asset = Asset.store(image, label=form.title.data, uploaded_by=g.user)
                    people = [(person.id, "quoted" if card.template == "quote" else "named",
                               form.attribution.data)] if person else []
                    item = save_item(Item(author=g.user), people=people, variant_ids=[],
                                     images=[(asset, " — ".join(p for p in (card.main, card.secondary) if p))],
                                     campaign=campaign, kind="quote_card", title=form.title.data,
                                     language=form.language.data, channel=form.channel.data,
                                     text=card.main, card=json.dumps(card.__dict__, ensure_ascii=False))
                flash(_("Card made. It goes through consent like any item."), "success")
                return redirect(url_for("items.show", item_id=item.id))
    if form.main_text.data:
        preview = url_for("media.card_preview", **preview_args())
    return render("media/card_form.html", form=form, preview=preview, status=form_status(form))


@bp.get("/cards/preview.png")
@security.requires("edit_campaigns")
def card_preview():
    """The card as the form stands (the editor's live preview)."""
    form = card_form(formdata=request.args, meta={"csrf": False})
    campaign = Campaign.get_or_none(Campaign.id == int_arg("campaign"))
    if campaign is None or not form.main_text.data or form.template.data not in TEMPLATES \
            or form.size.data not in SIZES or form.attribution.data not in ATTRIBUTIONS:
        abort(404)
    card, _person = card_from(form, campaign)
    try:
        image = render_card(card, bytes(campaign.logo) if campaign.logo else None)
    except CardRefused:
        abort(404)
    return Response(image, mimetype="image/png", headers={"Cache-Control": "no-store"})
