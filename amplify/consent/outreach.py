"""Reaching her (issue 14): staff send her personal link by WhatsApp, SMS, e-mail or show
its QR code — each sending recorded (how, who, when; never the link itself) — and act on
her requests to be called or to have something explained."""

import re
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import force_locale, gettext as _

from amplify import audit, security
from amplify.consent import ledger
from amplify.consent.models import ReviewLink
from amplify.db import database, utcnow
from amplify.items.forms import ActionForm
from amplify.mail import FAILURES, send_mail, smtp_configured
from amplify.review.models import SENDING_METHODS, HelpRequest, LinkSending
from amplify.web import render

bp = Blueprint("outreach", __name__, url_prefix="/consent")

PHONE_KINDS = ("whatsapp", "phone", "mobile", "sms", "teléfono", "telefone", "celular", "téléphone")
EMAIL_KINDS = ("email", "e-mail", "correo")


def contacts(activist, kinds):
    return [c["value"].strip() for c in activist.contact_channels or ()
            if str(c.get("kind", "")).strip().lower() in kinds and str(c.get("value", "")).strip()]


def international_digits(number):
    """``+51 900-000 001`` → ``51900000001``: the form wa.me and sms: links want."""
    return re.sub(r"\D", "", number or "").lstrip("0")


def invitation_text(activist, url):
    """The few words that go with the link, in the language of her page."""
    with force_locale(activist.page_language() or current_app.config["BABEL_DEFAULT_LOCALE"]):
        return _("Hello %(name)s. This is your own page from %(organization)s: there you see what names "
                 "or shows you and you answer yes or no. It is only for you, do not share it: %(url)s",
                 name=activist.display_name.split()[0], organization=current_app.config["ORGANIZATION_NAME"],
                 url=url)


def record_sending(link, method):
    with database.atomic():
        LinkSending.create(activist=link.activist, review_link=link, method=method, sent_by=g.user)
        # The link itself never enters the audit log: whoever holds it answers in her name.
        audit.record("review_link.sent", link.activist, {"link": link.id, "method": method},
                     subject_type="activist")


@bp.post("/links/<id:link_id>/send")
@security.requires("see_contacts")
def send_link(link_id):
    """Record the sending, then hand staff over to WhatsApp or their SMS app (or send the
    e-mail now); the message is in her language."""
    link = ReviewLink.get_or_404(ReviewLink.id == link_id)
    method = request.form.get("method", "")
    if not ActionForm().validate_on_submit() or method not in SENDING_METHODS:
        abort(400)
    if not link.usable():
        flash(_("This link was revoked or has expired. Make a new one."), "error")
        return redirect(url_for("consent.person", activist_id=link.activist_id))
    url = url_for("review.page", token=ledger.token_for(link), _external=True)
    text = invitation_text(link.activist, url)
    number = international_digits(request.form.get("number", ""))
    if method in ("whatsapp", "sms") and not number:
        flash(_("Give her phone number, with the country code."), "error")
        return redirect(url_for("consent.link", link_id=link.id))
    if method == "email":
        address = request.form.get("address", "").strip()
        if not smtp_configured() or "@" not in address:
            flash(_("E-mail is not configured, or no address was given: nothing was sent."), "error")
            return redirect(url_for("consent.link", link_id=link.id))
        try:
            send_mail(address, current_app.config["ORGANIZATION_NAME"], text)
        except FAILURES as failure:
            flash(_("The e-mail could not be sent: %(error)s.", error=str(failure)[:200]), "error")
            return redirect(url_for("consent.link", link_id=link.id))
    record_sending(link, method)
    if method == "whatsapp":
        return redirect(f"https://wa.me/{number}?text={quote(text)}", code=303)
    if method == "sms":
        return render("consent/send_sms.html", link=link, sms=f"sms:+{number}?body={quote(text)}")
    flash(_("Recorded: %(method)s.", method=SENDING_METHODS[method]), "success")
    return redirect(url_for("consent.link", link_id=link.id))


@bp.post("/help/<id:request_id>/handled")
@security.requires("see_contacts")
def help_handled(request_id):
    """Staff called her (and recorded her answer "by phone" on the item) or explained it."""
    help_request = HelpRequest.get_or_404(HelpRequest.id == request_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if help_request.handled_at is None:
        with database.atomic():
            help_request.handled_at, help_request.handled_by = utcnow(), g.user
            help_request.save()
            audit.record("help.handled", help_request.activist, {"request": help_request.id},
                         subject_type="activist")
    return redirect(url_for("consent.person", activist_id=help_request.activist_id))
