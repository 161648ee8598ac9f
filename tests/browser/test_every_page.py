"""Every page an admin can open, on a phone: no serious accessibility violation, no
sideways scrolling. Built from the URL map, so new pages are checked too."""

from pathlib import Path

import pytest

from tests.browser.conftest import serious_violations
from tests.conftest import PASSWORD, more_world
from tests.test_security import build, routes

DEMO = Path(__file__).resolve().parents[2] / "campaigns" / "domestic-work-is-work"
SHARDS = 4  # the pages are walked in four parts, so the test runners share them out


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_page_on_a_phone(app, live_server, browser, make_user, factories, shard):
    from amplify.campaigns.models import Message
    from amplify.campaigns.packs import import_pack
    from amplify.people.models import Activist, Organization

    with app.app_context():
        campaign = import_pack(DEMO, trusted=True).campaign
    admin = make_user("admin", email="admin@example.org")
    message = Message.select().where(Message.campaign == campaign).first()
    from amplify.consent.ledger import create_link
    from amplify.consent.models import Decision
    from amplify.items.models import Item, ItemPerson, Publication

    maria = Activist.get(Activist.ref == "maria-quispe-ficticia")
    with app.app_context():
        link, token = create_link(maria, None)
    asset = factories.image()
    invitation = factories.invitation(activist=Activist.get_by_id(maria.id))
    from amplify.invitations.models import Invitation, Support

    # Going, with support and a visa to get: the event page, her trip card and her letter show it all.
    Invitation.update(state="confirmed", visa_required=True).where(Invitation.id == invitation.id).execute()
    Support.create(invitation=invitation.id, kind="travel", arrangement="booked", currency="USD", budget_cents=90000)
    world = {"slug": campaign.slug, "key": message.key, "language": "es",
             "activist_id": maria.id, "org_id": Organization.select().first().id,
             "item_id": Item.select().join(ItemPerson).where(ItemPerson.activist == maria).first().id,
             "decision_id": Decision.select().where(Decision.activist == maria).first().id,
             "link_id": link.id, "publication_id": Publication.select().first().id,
             "token": token, "variant_id": message.variant_set.first().id, "channel": "x",
             "sha": asset.sha256, "ext": asset.extension,
             "event_id": invitation.event_id, "invitation_id": invitation.id,
            "reminder_id": factories.reminder(invitation).id, **more_world(factories)}
    with app.test_request_context():
        urls = sorted({build(rule, world, user_id=admin.id) for rule, method in routes(app)
                       if method == "GET" and rule.endpoint not in
                       ("static", "htmx_js", "healthz", "favicon", "campaigns.logo", "auth.logout",
                        "items.export", "consent.receipt_download", "review.receipt_download",
                        "drafting.scheduler_csv", "drafting.generic",
                        "drafting.calendar_file", "drafting.kit", "media.file",
                        "media.card_preview", "review.image", "media_links.image", "invitations.feed",
                        "feeds.export_opml", "shared.report", "shared.csv",
                        "reports.campaign_csv", "reports.organization_csv", "invitations.delegation_list_csv",
                        "invitations.per_diem_csv",
                        # Files, and shared maps (axe-checked in test_power_map_journey.py).
                        "actors.spectrum_file", "actors.moved_file", "actors.neighbourhood_file",
                        "actors.shared_map", "actors.shared_spectrum", "actors.shared_actor",
                        "press.export_list", "press.release_docx", "press.release_pdf", "press.release_email",
                        "press_shared.release", "press_shared.release_docx", "press_shared.release_pdf")})
    urls.append(f"/drafting/{campaign.slug}/talking-points?language=es")
    assert len(urls) >= 20
    urls = urls[shard::SHARDS]
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Email").fill("admin@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
    problems = {}
    for url in urls:
        response = page.goto(f"{live_server}{url}")
        assert response.status < 400, (url, response.status)
        found = serious_violations(page)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            found.append(f"scrolls sideways by {overflow}px")
        if found:
            problems[url] = found
    context.close()
    assert not problems, problems
