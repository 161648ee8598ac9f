"""Amplify on a 360 px phone: a menu instead of four lines of links, tables that scroll
instead of being cut, a board that says it scrolls, a calendar that tells months apart."""

from datetime import date

from tests.browser.conftest import signed_in


def test_phone_menu_support_table_board_cue_and_calendar(app, browser, live_server, make_user, factories):
    from amplify.invitations.changes import add_support

    make_user("events", email="events@example.org")
    invitation = factories.invitation(activist=factories.activist("María Quispe"))
    for kind in ("travel", "accommodation", "per_diem"):
        factories.in_context(add_support)(invitation, kind=kind, arrangement="reimbursed", currency="USD",
                                          budget_cents=123456789, provided=False)
    staff = signed_in(browser, live_server, "events@example.org")
    staff.set_viewport_size({"width": 360, "height": 740})
    staff.goto(f"{live_server}/invitations/{invitation.id}")
    header = staff.locator("header.top").bounding_box()
    assert header["height"] <= 70, header
    assert not staff.get_by_role("link", name="Campaigns").is_visible()
    staff.locator("header.top summary").click()
    assert staff.get_by_role("link", name="Campaigns").is_visible()
    assert staff.get_by_role("button", name="Español").is_visible()
    # Nothing wider than the screen but the tables' own scrolling regions.
    assert staff.evaluate("document.documentElement.scrollWidth") <= 360
    table = staff.locator(".table-wrap").first
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert table.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    last_cell = table.locator("tbody tr").first.locator("td").last
    last_cell.scroll_into_view_if_needed()
    assert last_cell.is_visible() and "—" in last_cell.inner_text()

    staff.set_viewport_size({"width": 1024, "height": 800})
    staff.goto(f"{live_server}/invitations/")
    assert staff.get_by_text("scroll the board sideways").is_visible()
    assert staff.locator("header.top nav").filter(visible=True).count() == 1

    staff.goto(f"{live_server}/invitations/calendar?month={date.today():%Y-%m}")
    outside = staff.locator(".calendar .other-month").first
    inside = staff.locator(".calendar .day:not(.other-month)").first
    if outside.count():
        assert outside.evaluate("e => getComputedStyle(e).backgroundImage") != \
            inside.evaluate("e => getComputedStyle(e).backgroundImage")
        assert len(outside.locator("time").inner_text().split()) == 3  # "Mon 30 Nov": its month named
