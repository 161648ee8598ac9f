"""The item editor in Chromium: text that arrives without a key press (paste, drag,
autocorrect, IME) is counted, and a person's {ref} goes in at the cursor."""

from tests.browser.conftest import signed_in


def test_pasted_text_is_counted_and_a_person_is_inserted_at_the_cursor(app, browser, live_server,
                                                                        make_user, factories):
    make_user("comms", email="comms@example.org")
    maria = factories.activist("María Quispe (ficticia)")
    campaign = factories.campaign()
    staff = signed_in(browser, live_server, "comms@example.org")
    staff.goto(f"{live_server}/items/new?campaign={campaign.slug}")
    text = staff.get_by_label("Text", exact=True)
    # fill() fires only an "input" event, as a paste or a phone keyboard does: no key events.
    text.fill("x" * 300)
    staff.wait_for_selector("#counter mark")
    assert "20 too many" in staff.locator("#counter").inner_text()

    text.fill("«Cuidamos hogares» — ¡Ratifica el C189!")
    staff.locator("#counter mark").wait_for(state="detached")
    text.evaluate("t => { t.focus(); t.selectionStart = t.selectionEnd = t.value.indexOf('¡'); }")
    person = staff.locator("#people-0-activist")
    person.fill("Quispe")  # htmx fills the suggestions as she types: "Name (ref)"
    suggestion = staff.locator("#people-found option").first
    suggestion.wait_for(state="attached")
    assert suggestion.get_attribute("value") == f"María Quispe (ficticia) ({maria.ref})"
    person.fill(suggestion.get_attribute("value"))
    staff.locator(".person-row").first.get_by_role("button", name="Insert in text").click()
    assert text.input_value() == "«Cuidamos hogares» — {%s} ¡Ratifica el C189!" % maria.ref
    assert staff.url.endswith(f"/items/new?campaign={campaign.slug}")  # no round trip
