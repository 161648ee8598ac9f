"""Spokespeople willing to give interviews (``/press/spokespeople``)."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from amplify import security
from amplify.forms import form_status
from amplify.people.models import Activist
from amplify.press.blueprint import bp
from amplify.press.changes import save_offer
from amplify.press.forms import OfferForm
from amplify.press.models import InterviewOffer
from amplify.web import keyset_page, render


@bp.get("/spokespeople/")
@security.requires("view")
def spokespeople():
    return render("press/spokespeople.html",
                  offers=keyset_page(InterviewOffer.listed(), InterviewOffer, [InterviewOffer.id], descending=False))


@bp.route("/spokespeople/<id:activist_id>", methods=["GET", "POST"])
@security.requires("edit_people")
def offer(activist_id):
    """Whether she is willing to give interviews, on what, when and in which formats."""
    person = Activist.get_or_404(Activist.id == activist_id)
    found = InterviewOffer.get_or_none(InterviewOffer.activist == person)
    form = OfferForm(data=dict(formats=found.formats, topics=found.topics, availability=found.availability)
                     if found else None)
    if form.validate_on_submit():
        save_offer(person, topics=form.topics.data or "", availability=form.availability.data or "",
                   formats=form.formats.data or [])
        flash(_("Saved."), "success")
        return redirect(url_for("press.spokespeople"))
    return render("press/offer.html", form=form, activist=person, status=form_status(form))
