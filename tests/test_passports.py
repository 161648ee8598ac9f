"""Passport validity per destination, from a data file with its sources."""

from datetime import date, timedelta

import pytest

from amplify.i18n import NOT_COUNTRIES
from amplify.invitations.models import Invitation
from amplify.invitations.passports import rules
from tests.conftest import rebuild_deadlines


def test_every_rule_names_its_source_and_real_countries(app):
    from babel import Locale

    territories = Locale.parse("en").territories
    assert rules()["CH"].months == 3 and rules()["CH"].after == "departure"
    for country, rule in rules().items():
        assert country in territories and country not in NOT_COUNTRIES, country
        assert rule.source.strip() and isinstance(rule.checked, date)
        assert rule.after in ("departure", "arrival") and rule.months > 0


@pytest.mark.parametrize("country, months_after_return, expected", [
    ("CH", 2, "passport"),        # Schengen: 3 months after leaving the area
    ("CH", 4, None),
    ("TH", 5, "passport"),        # 6 months after arrival
    ("TH", 7, None),
    ("US", 1, "passport_rule"),   # no rule in the file: check with the consulate, never "fine"
    ("US", 7, None),              # valid beyond the longest rule we know
    ("", 1, "passport_rule"),     # no country given
])
def test_a_passport_too_close_to_expiry_is_a_deadline(app, factories, country, months_after_return, expected):
    from amplify.invitations.deadlines import due

    event = factories.event(days=60, country=country)
    invitation = factories.invitation(event=event, activist=factories.activist())
    Invitation.update(state="confirmed", passport_expiry=event.ends_on + timedelta(days=30 * months_after_return)) \
        .where(Invitation.id == invitation.id).execute()
    rebuild_deadlines(app)
    with app.app_context():
        kinds = {d.kind for d in due(date.today(), horizon_days=3650) if d.kind.startswith("passport")}
    assert kinds == ({expected} if expected else set())


def test_the_invitation_page_says_the_rule_and_its_source(app, login, factories):
    event = factories.event(days=60, country="CH")
    invitation = factories.invitation(event=event, activist=factories.activist())
    Invitation.update(passport_expiry=event.ends_on + timedelta(days=40)).where(Invitation.id == invitation.id).execute()
    page = login("events").get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert "For Switzerland her passport must be valid until at least" in page
    assert "Regulation (EU) 2016/399" in page and "flash error" in page


def test_deadlines_page_groups_overdue_week_month_later_and_each_event_has_its_own(app, login, factories):
    near = factories.event("Audiencia", days=5)
    far = factories.event("Foro lejano", days=200)
    for event, state, answer_due in ((near, "invited", date.today() - timedelta(days=2)),
                                     (near, "invited", date.today() + timedelta(days=3)),
                                     (far, "invited", date.today() + timedelta(days=20)),
                                     (far, "invited", date.today() + timedelta(days=120))):
        invitation = factories.invitation(event=event, activist=factories.activist())
        Invitation.update(state=state, answer_due=answer_due).where(Invitation.id == invitation.id).execute()
    rebuild_deadlines(app)
    session = login("events")
    page = session.get("/invitations/deadlines").get_data(as_text=True)
    sections = {name: page.index(f'id="group-{name}"') for name in ("overdue", "week", "month", "later")}
    assert list(sections) == sorted(sections, key=sections.get)
    later = page[sections["later"]:]
    assert (date.today() + timedelta(days=120)).isoformat() in later  # beyond 30 days, still shown
    overdue = page[sections["overdue"]:sections["week"]]
    assert (date.today() - timedelta(days=2)).isoformat() in overdue
    own = session.get(f"/invitations/events/{far.id}/deadlines").get_data(as_text=True)
    assert "Deadlines of Foro lejano" in own and (date.today() + timedelta(days=120)).isoformat() in own
    assert (date.today() - timedelta(days=2)).isoformat() not in own  # the other event's
    assert f"/invitations/events/{far.id}/deadlines" in session.get(f"/invitations/events/{far.id}").get_data(as_text=True)
    assert session.get("/invitations/events/999999/deadlines").status_code == 404
