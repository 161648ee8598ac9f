"""The consent ledger for staff (``/consent``): who still has to decide, personal links,
decisions recorded by staff, receipts, the take-down queue."""

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from amplify import audit, security
from amplify.audit.sentences import link as subject_link, subjects
from amplify.consent import ledger, notices, receipts
from amplify.consent.clearance import clearances
from amplify.consent.forms import StaffDecisionForm
from amplify.consent.models import Decision, ReviewLink
from amplify.consent.outreach import EMAIL_KINDS, PHONE_KINDS, contacts
from amplify.db import database
from amplify.forms import form_status, options
from amplify.i18n import LANGUAGES
from amplify.items.forms import ActionForm
from amplify.items.models import Item, ItemPerson, Publication
from amplify.mail import smtp_configured
from amplify.people.models import ATTRIBUTIONS, Activist
from amplify.review.models import HelpRequest, LinkSending
from amplify.web import keyset_page, render

bp = Blueprint("consent", __name__, url_prefix="/consent")


@bp.get("/")
@security.requires("view")
def index():
    """Items waiting for people (judged a page at a time) and published items no longer
    covered (from the verdict stored on each item), both paged."""
    in_review = keyset_page(Item.select().where(Item.state == "in_review"), Item, Item.list_order(),
                            descending=False, cursor="waiting_after")
    judged = clearances(in_review.rows)
    expired = keyset_page(Item.no_longer_covered(date.today()), Item, Item.list_order(),
                          cursor="expired_after")
    return render("consent/index.html", in_review=in_review,
                  waiting=[(item, judged[item.id].waiting) for item in in_review], expired=expired,
                  takedowns=Publication.takedown_queue().count())


@bp.get("/people/<id:activist_id>")
@security.requires("see_contacts")
def person(activist_id):
    activist = Activist.get_or_404(Activist.id == activist_id)
    links = activist.review_links.order_by(ReviewLink.created_at.desc())
    decisions = keyset_page(activist.decisions, Decision, [Decision.seq, Decision.id])
    return render(
        "consent/person.html", activist=activist, pending=ledger.pending_for(activist),
        pending_variants=ledger.variants_pending_for(activist),
        decisions=decisions, links=links,
        subject_names=subjects((d.subject_type, d.subject_id) for d in decisions), subject_link=subject_link,
        published=ledger.consented_publications(activist), action=ActionForm(),
        help_requests=list(HelpRequest.open_for(activist)),
        sendings=list(LinkSending.select().where(LinkSending.activist == activist)
                      .order_by(LinkSending.at.desc()).limit(20)),
    )


@bp.post("/people/<id:activist_id>/links")
@security.requires("see_contacts")
def create_link(activist_id):
    activist = Activist.get_or_404(Activist.id == activist_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if activist.protected:  # her links were revoked with the protection; none until lifted
        flash(_("She is protected: no personal link can be made until an admin lifts the protection."),
              "error")
        return redirect(url_for("consent.person", activist_id=activist.id))
    link, _token = ledger.create_link(activist, g.user)
    flash(_("A new personal link was made. Show the QR code or send the link."), "success")
    return redirect(url_for("consent.link", link_id=link.id))


@bp.get("/links/<id:link_id>")
@security.requires("see_contacts")
def link(link_id):
    """The link and its QR code, to show on screen or send to the person."""
    import segno

    review_link = ReviewLink.get_or_404(ReviewLink.id == link_id)
    if not review_link.usable():
        return render("consent/link.html", link=review_link, url=None, qr=None, action=ActionForm())
    url = url_for("review.page", token=ledger.token_for(review_link), _external=True)
    qr = segno.make(url, error="m").svg_inline(scale=4, title=_("QR code of the personal link"))
    with database.atomic():
        audit.record("review_link.shown", review_link.activist, {"link": review_link.id},
                     subject_type="activist")
    return render("consent/link.html", link=review_link, url=url, qr=qr, action=ActionForm(),
                  phones=contacts(review_link.activist, PHONE_KINDS),
                  emails=contacts(review_link.activist, EMAIL_KINDS), email=smtp_configured())


@bp.post("/links/<id:link_id>/revoke")
@security.requires("see_contacts")
def revoke(link_id):
    review_link = ReviewLink.get_or_404(ReviewLink.id == link_id)
    if ActionForm().validate_on_submit():
        ledger.revoke_link(review_link)
        flash(_("The link was revoked. It no longer opens anything."), "success")
    return redirect(url_for("consent.person", activist_id=review_link.activist_id))


def staff_decision_form(item, activist, formdata=None):
    versions = notices.versions()
    form = StaffDecisionForm(formdata=formdata, content_hash=item.content_hash,
                             attribution=activist.default_attribution,
                             channels=[item.channel],
                             valid_until=ledger.default_valid_until(item.campaign),
                             notice_version=versions[-1],
                             notice_language=notices.notice_language(activist.languages))
    form.notice_version.choices = options((v, v) for v in reversed(versions))
    form.notice_language.choices = options((code, LANGUAGES[code]) for code in notices.NOTICE_LANGUAGES)
    return form


@bp.route("/items/<id:item_id>/people/<id:activist_id>", methods=["GET", "POST"])
@security.requires("edit_people")
def record(item_id, activist_id):
    """Record a decision given by phone, in person, on paper or by message."""
    item = Item.get_or_404(Item.id == item_id)
    person = ItemPerson.get_or_404((ItemPerson.item == item) & (ItemPerson.activist == activist_id))
    activist = person.activist
    form = staff_decision_form(item, activist, formdata=request.form if request.method == "POST" else None)
    language = form.notice_language.data if form.notice_language.data in notices.NOTICE_LANGUAGES else "en"
    version = form.notice_version.data if form.notice_version.data in notices.versions() else notices.current_version()
    notice = notices.for_item(item, language, form.valid_until.data, version)
    if request.method == "POST" and form.validate_on_submit():
        try:
            if form.outcome.data == "withdrawn":
                ledger.withdraw(activist, item, method=form.method.data, recorded_by=g.user,
                                comment=form.comment.data, request_key=form.request_key.data)
            else:
                ledger.record_decision(
                    activist, "item", item, form.content_hash.data, form.outcome.data,
                    method=form.method.data, scope=form.scope(), recorded_by=g.user,
                    witness=form.witness.data, notice=notice, comment=form.comment.data,
                    guardian_name=form.guardian_name.data,
                    guardian_relationship=form.guardian_relationship.data,
                    minor_agrees=form.minor_agrees.data, request_key=form.request_key.data)
        except ledger.DecisionRefused as problem:
            getattr(form, problem.field or "outcome").errors.append(problem.message)
        else:
            flash(_("Decision recorded."), "success")
            return redirect(url_for("items.show", item_id=item.id))
    return render("consent/record.html", item=item, activist=activist, person=person, form=form,
                  notice=notice, preview=item.preview_for(activist, form.attribution.data
                                                          or activist.default_attribution),
                  status=form_status(form))


@bp.get("/takedowns")
@security.requires("view")
def takedowns():
    """Publications to take down, oldest first, a page at a time, each with the progress of
    the posts Amplify made for it (one query for the page)."""
    from amplify.publishing.views import remote_posts_by_publication

    queue = keyset_page(Publication.takedown_queue().order_by(), Publication,
                        [Publication.takedown_required_at, Publication.id], descending=False)
    return render("consent/takedowns.html", queue=queue, remote=remote_posts_by_publication(queue.rows),
                  action=ActionForm())


def load_decision(decision_id):
    decision = Decision.get_or_404(Decision.id == decision_id)
    return decision, ledger.subject_of(decision.subject_type, decision.subject_id)


@bp.get("/decisions/<id:decision_id>")
@security.requires("see_contacts")
def receipt(decision_id):
    decision, subject = load_decision(decision_id)
    return render("consent/receipt.html", decision=decision, subject=subject,
                  attributions=ATTRIBUTIONS, **receipts.page_context(decision))


@bp.get("/decisions/<id:decision_id>.json")
@security.requires("see_contacts")
def receipt_download(decision_id):
    decision, subject = load_decision(decision_id)
    return receipts.receipt_json(decision, subject)

