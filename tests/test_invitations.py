from datetime import date, timedelta, timezone

import vobject

from amplify.invitations.models import Event, Invitation, InvitationChange
from tests.conftest import rebuild_deadlines


def test_event_form_refuses_end_before_start_and_keeps_input(app, login):
    session = login("events")
    response = session.post("/invitations/events/new", {
        "title": "Audiencia pública", "kind": "hearing", "level": "national", "starts_on": "2027-03-10",
        "ends_on": "2027-03-09", "links": "", "campaign": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="ends_on-error"' in page and "Audiencia pública" in page
    assert Event.select().count() == 0
    ok = session.post("/invitations/events/new", {
        "title": "Audiencia pública", "kind": "hearing", "level": "national", "starts_on": "2027-03-10",
        "ends_on": "2027-03-10", "links": "https://example.org/audiencia", "campaign": ""})
    assert ok.status_code == 302 and Event.get().links == ["https://example.org/audiencia"]


def test_an_invitation_walks_the_transition_table_with_history(app, login, factories):
    org = factories.organization("Sindicato del Valle")
    maria = factories.activist("María Quispe", organization=org.id)
    event = factories.event(days=0)  # under way: what happened there can be recorded
    session = login("events")
    session.post(f"/invitations/events/{event.id}", {"organization": str(org.id), "activist": "",
                                                       "role": "speaker", "answer_due": ""})
    invitation = Invitation.get()
    assert (invitation.state, invitation.organization_id) == ("opportunity", org.id)
    url = f"/invitations/{invitation.id}"
    session.post(url, {"state": "offered"})
    refused = session.post(url, {"state": "confirmed"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "it can go to: Nominated" in page
    no_name = session.post(url, {"state": "nominated", "decided_by": "", "activist": str(maria.id)})
    assert no_name.status_code == 400 and Invitation.get().state == "offered"
    session.post(url, {"state": "nominated", "decided_by": "Asamblea del sindicato", "activist": str(maria.id)})
    assert session.post(url, {"state": "invited"}).status_code == 302
    # Staff recording her yes say how she gave it.
    unsaid = session.post(url, {"state": "accepted", "method": ""})
    assert unsaid.status_code == 400 and Invitation.get().state == "invited"
    assert session.post(url, {"state": "accepted", "method": "phone"}).status_code == 302
    assert InvitationChange.select().order_by(InvitationChange.id.desc()).first().method == "phone"
    assert "By phone" in session.get(url).get_data(as_text=True)
    for state in ("confirmed", "attended", "debriefed"):
        assert session.post(url, {"state": state}).status_code == 302, state
    invitation = Invitation.get()
    assert (invitation.state, invitation.activist_id, invitation.decided_by) == ("debriefed", maria.id,
                                                                                  "Asamblea del sindicato")
    history = [(c.from_state, c.to_state) for c in InvitationChange.select().order_by(InvitationChange.id)]
    assert history[0] == ("", "opportunity") and history[-1] == ("attended", "debriefed") and len(history) == 8
    assert session.post(url, {"state": "cancelled", "reason": "x"}).status_code == 400  # closed


def test_withdrawal_and_decline_need_a_reason(app, login, factories):
    invitation = factories.invitation(activist=factories.activist())
    session = login("events")
    url = f"/invitations/{invitation.id}"
    assert session.post(url, {"state": "withdrawn", "reason": ""}).status_code == 400
    assert session.post(url, {"state": "withdrawn", "reason": "Riesgo de represalias"}).status_code == 302
    assert Invitation.get().state == "withdrawn"
    assert login("viewer").post(url, {"state": "cancelled", "reason": "x"}).status_code == 403


def test_fairness_page_counts_the_whole_pool(app, login, factories):
    people = [factories.activist(name) for name in ("Ana Uno", "Bea Dos", "Carla Tres", "Dora Cuatro")]
    event = factories.event()
    for person, times in zip(people, (3, 1, 0, 0)):
        for _ in range(times):
            invitation = factories.invitation(event=event, activist=person)
            Invitation.update(state="invited").where(Invitation.id == invitation.id).execute()
    page = login("viewer").get("/invitations/fairness").get_data(as_text=True)
    assert "0.62" in page  # Gini over [3, 1, 0, 0] = 0.625
    assert "Carla Tres" in page.split("Never invited yet")[1] and "Ana Uno" not in page.split("Never invited yet")[1]
    assert "<svg" in page


def test_deadlines_with_a_fixed_clock(app, factories):
    from amplify.invitations.deadlines import due, rebuild

    today = date(2027, 5, 1)
    ana, bea, carla = (factories.activist(n) for n in ("Ana", "Bea", "Carla"))
    event = factories.event(days=0, accreditation_deadline=date(2027, 5, 20))
    Event.update(starts_on=date(2027, 5, 25), ends_on=date(2027, 5, 28)).execute()
    waiting = factories.invitation(event=event, activist=ana)
    Invitation.update(state="invited", answer_due=date(2027, 4, 28)).where(Invitation.id == waiting.id).execute()
    accepted = factories.invitation(event=event, activist=bea)
    Invitation.update(state="accepted").where(Invitation.id == accepted.id).execute()
    attended = factories.invitation(event=event, activist=carla)
    Invitation.update(state="attended").where(Invitation.id == attended.id).execute()
    with app.app_context():
        rebuild()  # the rows above were written around the workflows that keep deadlines current
        found = [(d.kind, d.on, d.overdue(today)) for d in due(today)]
    assert found == [("no_answer", date(2027, 4, 28), True),
                     ("not_confirmed", date(2027, 5, 4), False),
                     ("accreditation", date(2027, 5, 20), False)]  # the debrief (June 4) is beyond 30 days
    with app.app_context():
        later = [d.kind for d in due(date(2027, 6, 1))]
    assert "debrief" in later and "accreditation" not in later


def test_the_activist_answers_on_her_review_page(app, factories):
    from tests.conftest import TOKEN

    maria = factories.activist("María Quispe", languages=["es"])
    invitation = factories.invitation(activist=maria)
    Invitation.update(state="invited").where(Invitation.id == invitation.id).execute()
    _, token = factories.link(maria)
    client = app.test_client()
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Conferencia Internacional del Trabajo" in page and "Sí, iré" in page
    csrf = TOKEN.search(page)
    csrf = csrf.group(1) or csrf.group(2)
    url = f"/r/{token}/invitations/{invitation.id}"
    client.post(url, data={"csrf_token": csrf, "response": "question", "comment": "¿Cubren el cuidado de mi hija?"})
    assert Invitation.get().state == "invited"
    assert InvitationChange.select().where(InvitationChange.reason.contains("hija")).exists()
    client.post(url, data={"csrf_token": csrf, "response": "accepted"})
    assert Invitation.get().state == "accepted"
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Espacios a los que te invitaron" in page and "Aceptada" in page
    other = factories.activist("Otra")
    _, other_token = factories.link(other)
    # Not hers: her own page again, nothing changed.
    assert client.post(f"/r/{other_token}/invitations/{invitation.id}",
                       data={"csrf_token": csrf, "response": "declined"}).status_code == 302
    assert Invitation.get().state == "accepted"


def test_support_totals_per_currency_and_refuses_negative_amounts(app, login, factories):
    from amplify.invitations.models import Support

    invitation = factories.invitation(activist=factories.activist())
    session = login("events")
    url = f"/invitations/{invitation.id}/support"
    base = {"kind": "travel", "arrangement": "booked", "currency": "usd", "budget": "800.50", "actual": "760"}
    assert session.post(url, base).status_code == 302
    assert session.post(url, dict(base, kind="per_diem", arrangement="reimbursed", currency="EUR",
                                  budget="120", actual="")).status_code == 302
    bad = session.post(url, dict(base, budget="-5"))
    assert bad.status_code == 400 and Support.select().count() == 2
    assert session.post(url, dict(base, currency="U$")).status_code == 400
    page = session.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert "budget 800.50, actual 760.00" in page and "budget 120.00, actual 0.00" in page


def test_visa_deadlines_and_passport_purge(app, login, factories):
    from amplify.invitations.changes import purge
    from amplify.invitations.deadlines import due

    person = factories.activist()
    event = factories.event(days=90, country="CH")
    invitation = factories.invitation(event=event, activist=person)
    Invitation.update(state="confirmed").where(Invitation.id == invitation.id).execute()
    session = login("events")
    response = session.post(f"/invitations/{invitation.id}/visa", {
        "visa_required": "yes", "passport_expiry": str(event.ends_on + timedelta(days=30)),
        "passport_number": "AB123456", "visa_outcome": ""})
    assert response.status_code == 302
    saved = Invitation.get()
    assert saved.passport_number == "AB123456" and saved.purge_on == event.ends_on + timedelta(days=30)
    with app.app_context():
        kinds = {d.kind: d.on for d in due(event.starts_on - timedelta(days=40), horizon_days=365)}
    assert kinds["visa"] == event.starts_on - timedelta(days=22)
    assert kinds["passport"] == event.ends_on + timedelta(days=30)
    shown = session.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert '<option selected value="yes">' in shown or '<option value="yes" selected>' in shown
    viewer_page = login("viewer").get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert "AB123456" not in viewer_page
    with app.app_context():
        assert purge(saved.purge_on - timedelta(days=1)) == 0
        assert purge(saved.purge_on) == 1
    assert Invitation.get().passport_number == ""


def test_personal_calendar_feed_parses_and_can_be_revoked(app, login, factories):
    import re

    from icalendar import Calendar

    person = factories.activist("Ana")
    event = factories.event(title="Audiencia en el Congreso", days=20, place="Lima")
    invitation = factories.invitation(event=event, activist=person)
    Invitation.update(state="invited", answer_due=date.today() + timedelta(days=5)).where(
        Invitation.id == invitation.id).execute()
    rebuild_deadlines(app)
    session = login("events")
    assert "no calendar address yet" in session.get("/invitations/feeds").get_data(as_text=True)
    session.post("/invitations/feeds", {"action": "new"})
    page = session.get("/invitations/feeds").get_data(as_text=True)
    url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page).group(1)
    path = url.split("localhost", 1)[1]
    anonymous = app.test_client()
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    summaries = [str(c["SUMMARY"]) for c in calendar.walk("VEVENT")]
    assert "Audiencia en el Congreso" in summaries
    assert any("No answer from the activist" in s and "Ana" in s for s in summaries)
    event_entry = next(c for c in calendar.walk("VEVENT") if str(c["SUMMARY"]) == "Audiencia en el Congreso")
    assert event_entry["DTSTART"].dt == event.starts_on and str(event_entry["LOCATION"]) == "Lima"
    for entry in calendar.walk("VEVENT"):  # what RFC 5545 requires of every event
        assert entry.get("UID") and entry.get("DTSTAMP") and entry.get("DTSTART")
    assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == len(calendar.walk("VEVENT"))
    vobject.readOne(response.get_data(as_text=True)).validate(raiseException=True)  # a strict parser
    assert anonymous.get(path).data == response.data  # DTSTAMP is the last change, not the fetch
    stamp = event_entry["DTSTAMP"].dt
    assert stamp == Event.get_by_id(event.id).updated_at.astimezone(timezone.utc).replace(microsecond=0)
    session.post("/invitations/feeds", {"action": "revoke"})
    assert anonymous.get(path).status_code == 404


def test_fairness_pool_can_be_one_country(app, login, factories):
    pe = factories.activist("Ana Perú", country="PE")
    factories.activist("Bia Brasil", country="BR")
    event = factories.event()
    invitation = factories.invitation(event=event, activist=pe)
    Invitation.update(state="invited").where(Invitation.id == invitation.id).execute()
    page = login("viewer").get("/invitations/fairness?country=BR").get_data(as_text=True)
    never = page.split("Never invited yet")[1]
    assert "Bia Brasil" in never and "Ana Perú" not in page  # Peru is outside this pool
    assert "<dt>People in the pool</dt><dd>1</dd>" in page


def test_board_filters_and_moves_with_one_click_with_or_without_htmx(app, login, factories):
    ana, bea = factories.activist("Ana"), factories.activist("Bea")
    first = factories.invitation(activist=ana)
    factories.invitation(event=factories.event(title="Audiencia"), activist=bea)
    session = login("events")
    page = session.get("/invitations/?q=Audiencia").get_data(as_text=True)
    assert "Bea" in page and "Ana" not in page
    fragment = session.get("/invitations/?q=Ana", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.startswith('<div id="board">') and "Ana" in fragment and "<html" not in fragment
    plain = session.post(f"/invitations/{first.id}/advance", {"state": "offered"})
    assert plain.status_code == 302 and Invitation.get_by_id(first.id).state == "offered"
    swapped = session.post(f"/invitations/{first.id}/advance", {"state": "nominated"},
                           headers={"HX-Request": "true"})
    body = swapped.get_data(as_text=True)
    assert swapped.status_code == 200 and 'role="alert"' in body  # nominating needs who chose: not one click
    assert Invitation.get_by_id(first.id).state == "offered"
    wrong = session.post(f"/invitations/{first.id}/advance", {"state": "confirmed"}, headers={"HX-Request": "true"})
    assert "Nominated" in wrong.get_data(as_text=True) and Invitation.get_by_id(first.id).state == "offered"
    assert login("viewer").post(f"/invitations/{first.id}/advance", {"state": "nominated"}).status_code == 403


def test_events_calendar_shows_each_day_of_an_event_and_deadlines(app, login, factories):
    event = factories.event(title="Foro en Lima", days=0)
    Event.update(starts_on=date(2027, 6, 29), ends_on=date(2027, 7, 2)).execute()
    session = login("viewer")
    june = session.get("/invitations/events/calendar?month=2027-06").get_data(as_text=True)
    july = session.get("/invitations/events/calendar?month=2027-07").get_data(as_text=True)
    # June's grid runs to Sunday 4 July: the event shows on each of its four days in both.
    assert june.count("Foro en Lima") == 4 and july.count("Foro en Lima") == 4
    assert session.get("/invitations/events/calendar?month=nonsense").status_code == 200
    invitation = factories.invitation(event=event, activist=factories.activist("Ana"))
    Invitation.update(state="invited", answer_due=date.today() + timedelta(days=3)).where(
        Invitation.id == invitation.id).execute()
    rebuild_deadlines(app)
    now = session.get("/invitations/events/calendar").get_data(as_text=True)
    assert "No answer from the activist: Ana" in now


def test_the_start_page_says_what_is_overdue_and_what_came_in(app, login, factories):
    invitation = factories.invitation(activist=factories.activist("Ana"))
    Invitation.update(state="invited", answer_due=date.today() - timedelta(days=2)).where(
        Invitation.id == invitation.id).execute()
    rebuild_deadlines(app)
    factories.feed_entry(factories.feed_source())
    page = login("viewer").get("/").get_data(as_text=True)
    assert "1 invitation deadline is overdue." in page and "1 new feed entry to look at." in page


def test_unanswered_invitations_expire_after_their_date(app, runner_for, factories):
    late = factories.invitation(activist=factories.activist("Ana"))
    on_time = factories.invitation(activist=factories.activist("Bea"))
    Invitation.update(state="invited", answer_due=date.today() - timedelta(days=8)).where(
        Invitation.id == late.id).execute()
    # A week to chase her answer first.
    Invitation.update(state="invited", answer_due=date.today() - timedelta(days=7)).where(
        Invitation.id == on_time.id).execute()
    result = runner_for(app).invoke(args=["invitations", "expire"])
    assert result.exit_code == 0 and "1 invitation(s) expired" in result.output
    assert Invitation.get_by_id(late.id).state == "expired" and Invitation.get_by_id(on_time.id).state == "invited"
    change = InvitationChange.select().where(InvitationChange.invitation == late.id).order_by(
        InvitationChange.id.desc()).first()
    assert change.to_state == "expired" and "No answer by" in change.reason


def test_what_happened_at_an_event_waits_for_it_to_start(app, login, factories):
    from amplify.invitations.changes import move

    maria = factories.activist("María Quispe")
    invitation = factories.invitation(factories.event(days=200), activist=maria)
    for state in ("offered",):
        factories.in_context(move)(invitation, state, None)
    invitation = Invitation.get()
    session = login("events")
    url = f"/invitations/{invitation.id}"
    session.post(url, {"state": "nominated", "decided_by": "Asamblea", "activist": str(maria.id)})
    session.post(url, {"state": "invited"})
    session.post(url, {"state": "accepted", "method": "phone"})
    session.post(url, {"state": "confirmed"})
    assert Invitation.get().state == "confirmed"
    assert "Attended" not in session.get(url).get_data(as_text=True)  # not offered before the start
    for state in ("attended", "attended_remotely", "no_show"):
        refused = session.post(url, {"state": state, "reason": "No llegó"})
        assert refused.status_code == 400, state
        assert "once the event has started" in refused.get_data(as_text=True)
    board = session.post(f"/invitations/{invitation.id}/advance", {"state": "attended"}, follow_redirects=True)
    assert "once the event has started" in board.get_data(as_text=True)
    assert Invitation.get().state == "confirmed"
    future = (date.today() + timedelta(days=1)).isoformat()
    refused = session.post(f"{url}/outcome", {"outcome": "", "follow_ups": "", "evaluated_on": future})
    assert refused.status_code == 400 and "cannot be dated in the future" in refused.get_data(as_text=True)
    assert Invitation.get().evaluated_on is None


def test_the_movement_decision_has_its_own_date(app, login, factories):
    from amplify.invitations.changes import move

    maria = factories.activist("María Quispe")
    invitation = factories.invitation(activist=maria)
    factories.in_context(move)(invitation, "offered", None)
    session = login("events")
    url = f"/invitations/{invitation.id}"
    future = (date.today() + timedelta(days=3)).isoformat()
    refused = session.post(url, {"state": "nominated", "decided_by": "Asamblea", "decided_on": future,
                                 "activist": str(maria.id)})
    assert refused.status_code == 400 and Invitation.get().state == "offered"
    assert session.post(url, {"state": "nominated", "decided_by": "Asamblea del sindicato",
                              "decided_on": "2026-01-10", "activist": str(maria.id)}).status_code == 302
    invitation = Invitation.get()
    assert (invitation.decided_by, invitation.decided_on) == ("Asamblea del sindicato", date(2026, 1, 10))
    page = session.get(url).get_data(as_text=True)
    assert "Asamblea del sindicato" in page and "Jan 10, 2026" in page
    assert date.today().strftime("%b %-d, %Y") not in page
