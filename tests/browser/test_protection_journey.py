"""Issue 18: a staff member protects an activist in danger from her page, and sees every
consequence at once: her link dead, her publication in the take-down queue, her item
stopped, the files that left Amplify listed; an admin lifts it with a reason."""

import re

from tests.browser.conftest import serious_violations, signed_in


def test_protect_now_from_her_page_to_every_consequence(app, browser, live_server, make_user, factories):
    from amplify.consent import ledger
    from amplify.items.changes import publish

    make_user("events", email="events@example.org")
    make_user("admin", email="admin@example.org")
    rosa = factories.activist("Rosa Huamán", default_attribution="full_name", risk_level="low")
    campaign = factories.campaign("Trabajo digno")
    item = factories.send(factories.item(campaign, people=[(rosa, "quoted", None)], title="Cita de Rosa",
                                         text=f"«Exigimos derechos» — {{{rosa.ref}}}"))
    factories.in_context(ledger.record_decision)(rosa, "item", item, item.content_hash, "given",
                                                 method="review_page",
                                                 scope={"channels": ["x"], "attribution": "full_name"})
    factories.in_context(publish)(item, None, "x", "https://x.example/rosa/1")
    _link, token = factories.link(rosa)

    staff = signed_in(browser, live_server, "events@example.org")
    staff.request.get(f"{live_server}/drafting/{campaign.slug}/exports/kit.zip")
    staff.goto(f"{live_server}/people/activists/{rosa.id}")
    staff.get_by_role("link", name="Protect now").click()
    staff.get_by_role("button", name="Protect now").click()  # no reason: told, nothing done
    assert staff.get_by_text("Say why she needs protection").is_visible()
    staff.get_by_label("Why").fill("Detenida tras la marcha del 8 de marzo")
    staff.get_by_role("button", name="Protect now").click()
    staff.wait_for_url(re.compile(r"/protect$"))
    assert staff.get_by_text("Rosa Huamán is protected").is_visible()
    checklist = staff.locator("table")
    assert "Campaign kit" in checklist.inner_text() and "events@example.org" in checklist.inner_text()
    assert "https://x.example/rosa/1" in staff.locator("main").inner_text()
    problems = serious_violations(staff)
    assert not problems, problems

    staff.get_by_role("link", name="Take-down queue").click()
    assert "Cita de Rosa" in staff.locator("main").inner_text()
    staff.goto(f"{live_server}/items/{item.id}")
    assert "Protected: nothing may name" in staff.locator("main").inner_text()
    her = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    her.goto(f"{live_server}/r/{token}")
    assert "Exigimos" not in her.locator("body").inner_text()

    admin = signed_in(browser, live_server, "admin@example.org")
    admin.goto(f"{live_server}/notifications/")
    admin.get_by_role("link", name=re.compile("Rosa Huamán is protected")).click()
    admin.get_by_label("Why").fill("Liberada, fuera de peligro")
    admin.get_by_role("button", name="Lift the protection").click()
    assert admin.get_by_text("The protection of Rosa Huamán is lifted").is_visible()
