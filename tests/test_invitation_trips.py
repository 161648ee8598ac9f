"""Trip safety, consent at the event, outcomes, every deadline kind and the reminders outbox."""

from datetime import date, timedelta

import pytest

from amplify.consent.models import Decision
from amplify.invitations.models import Event, Invitation, InvitationItem, Reminder, Support
from tests.conftest import rebuild_deadlines


def at_state(invitation, state, **fields):
    from amplify.invitations.deadlines import refresh

    Invitation.update(state=state, **fields).where(Invitation.id == invitation.id).execute()
    refresh([invitation])  # written around the workflows, which keep the deadlines current
    return Invitation.get_by_id(invitation.id)


def test_every_deadline_kind_with_a_fixed_clock(app, factories):
    from amplify.invitations.deadlines import due

    today = date(2027, 3, 1)
    event = factories.event(days=0, country="CH")
    Event.update(starts_on=date(2027, 9, 10), ends_on=date(2027, 9, 12)).execute()
    past = factories.event(title="Foro regional", days=0)
    Event.update(starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 3)).where(Event.id == past.id).execute()
    ana, bea, carla = (factories.activist(n) for n in ("Ana", "Bea", "Carla"))
    # Ana travels to September's event: a visa, an interpreter, a passport that runs out.
    going = at_state(factories.invitation(event=event, activist=ana), "confirmed", visa_required=True,
                     travel_on=date(2027, 9, 8), return_on=date(2027, 9, 14), interpretation_needed=True,
                     passport_expiry=date(2027, 11, 1), risk_level="high", checkin_contact="Lucía")
    # Bea went to February's forum: to debrief, evaluate, reimburse, check in.
    back = at_state(factories.invitation(event=past, activist=bea), "attended", risk_level="medium",
                    checkin_contact="Rosa", passport_number="X1", purge_on=date(2027, 3, 5))
    Support.create(invitation=back, kind="per_diem", arrangement="reimbursed", currency="USD", budget_cents=100)
    Support.create(invitation=back, kind="travel", arrangement="booked", currency="USD", budget_cents=900)
    # Carla was debriefed and evaluated; her reimbursement was paid: nothing is due for her.
    done = at_state(factories.invitation(event=past, activist=carla), "debriefed", evaluated_on=date(2027, 2, 20))
    Support.create(invitation=done, kind="per_diem", arrangement="reimbursed", currency="USD",
                   paid_on=date(2027, 2, 10))
    rebuild_deadlines(app)
    with app.app_context():
        found = [(d.kind, d.on, d.invitation.activist.display_name) for d in due(today, horizon_days=400)]
    assert found == sorted(found, key=lambda f: (f[1], f[0]))  # soonest first
    kinds = {(k, who): on for k, on, who in found}
    assert kinds == {
        ("checkin", "Bea"): date(2027, 2, 4),             # the day after return (= end of event)
        ("debrief", "Bea"): date(2027, 2, 10),
        ("reimbursement", "Bea"): date(2027, 2, 17),
        ("purge", "Bea"): date(2027, 3, 5),
        ("evaluation", "Bea"): date(2027, 3, 5),           # 30 days after the end
        ("visa_window", "Ana"): date(2027, 3, 8),          # 6 months before travel
        ("interpreter", "Ana"): date(2027, 8, 20),         # 21 days before the event
        ("visa", "Ana"): date(2027, 8, 17),                # travel − 15 days − 7 days margin
        ("passport", "Ana"): date(2027, 11, 1),            # < 3 months after return on 14 Sep
        ("checkin", "Ana"): date(2027, 9, 15),             # the day after her return, not the event's end
    }
    # The window that opened already is not shown as overdue; booking the interpreter clears it.
    at_state(going, "confirmed", interpreter_booked_on=date(2027, 4, 1), visa_lodged_on=date(2027, 4, 2))
    with app.app_context():
        kinds_after = {d.kind for d in due(date(2027, 4, 3), horizon_days=400) if d.invitation.id == going.id}
    assert kinds_after == {"passport", "checkin"}
    assert done.id not in {d.invitation.id for d in due_all(app, today)}


def due_all(app, today):
    from amplify.invitations.deadlines import due

    with app.app_context():
        return [d for d in due(today, horizon_days=400) if d.invitation]


def test_trip_details_are_checked_and_hidden_from_viewers(app, login, factories):
    invitation = factories.invitation(activist=factories.activist())
    session = login("events")
    url = f"/invitations/{invitation.id}/trip"
    bad = session.post(url, {"travel_on": "2027-05-10", "return_on": "2027-05-01", "risk_level": "low",
                             "mitigation": "Viaja con Rosa"})
    assert bad.status_code == 400 and "Viaja con Rosa" in bad.get_data(as_text=True)
    assert Invitation.get().travel_on is None
    no_contact = session.post(url, {"risk_level": "high", "mitigation": "Hotel distinto"})
    assert no_contact.status_code == 400 and Invitation.get().risk_level == ""
    ok = session.post(url, {"risk_level": "high", "mitigation": "Hotel distinto", "checkin_contact": "Rosa +51 9"})
    assert ok.status_code == 302 and Invitation.get().checkin_contact == "Rosa +51 9"
    viewer = login("viewer")
    assert "Hotel distinto" not in viewer.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert viewer.post(url, {"risk_level": "low"}).status_code == 403


def test_consent_at_the_event_is_separate_per_use_and_for_the_exact_terms(app, factories):
    from tests.conftest import TOKEN

    maria = factories.activist("María Quispe", languages=["es"])
    invitation = at_state(factories.invitation(activist=maria), "accepted")
    _, token = factories.link(maria)
    client = app.test_client()
    page = client.get(f"/r/{token}").get_data(as_text=True)
    assert "Que te fotografíen" in page and "desmarca lo que ya no aceptas y guarda" in page
    csrf = TOKEN.search(page)
    csrf = csrf.group(1) or csrf.group(2)
    url = f"/r/{token}/invitations/{invitation.id}/media"
    stale = client.post(url, data={"csrf_token": csrf, "content_hash": "0" * 64, "uses": ["named"]})
    assert stale.status_code == 302 and not Decision.select().where(Decision.subject_type == "invitation").exists()
    client.post(url, data={"csrf_token": csrf, "content_hash": invitation.content_hash,
                           "uses": ["named", "quoted"], "request_key": "k1"})
    decision = Decision.get(Decision.subject_type == "invitation")
    assert decision.outcome == "given" and decision.scope_data == {"uses": ["named", "quoted"]}
    assert decision.method == "review_page" and decision.notice_language == "es"
    with app.app_context():
        from amplify.invitations.changes import media_consent

        uses, _ = media_consent(Invitation.get_by_id(invitation.id))
    assert uses == {"named": True, "photographed": False, "recorded": False, "quoted": True}
    # A new date is new terms: her earlier answer no longer covers it.
    moved = Event.get()
    Event.update(starts_on=moved.starts_on + timedelta(days=1)).execute()
    with app.app_context():
        uses, _ = media_consent(Invitation.get_by_id(invitation.id))
    assert set(uses.values()) == {None}
    fresh = Invitation.get_by_id(invitation.id)
    client.post(url, data={"csrf_token": csrf, "content_hash": fresh.content_hash, "uses": ["photographed"]})
    client.post(url, data={"csrf_token": csrf, "content_hash": fresh.content_hash})  # nothing ticked
    outcomes = [d.outcome for d in Decision.select().where(Decision.subject_type == "invitation").order_by(Decision.seq)]
    assert outcomes == ["given", "given", "withdrawn"]
    first = Decision.select().where(Decision.subject_type == "invitation").order_by(Decision.seq).first()
    receipt = client.get(f"/r/{token}/decisions/{first.id}")
    assert receipt.status_code == 200 and "Que te nombren" in receipt.get_data(as_text=True)
    data = client.get(f"/r/{token}/decisions/{first.id}.json").get_json()
    assert data["processing"]["uses_at_event"] == ["named", "quoted"]
    with app.app_context():
        assert Decision.verify()[0] == Decision.select().count()  # the chain holds with these in it


def test_staff_record_consent_at_the_event_by_phone(app, login, factories):
    maria = factories.activist("María Quispe")
    invitation = at_state(factories.invitation(activist=maria), "confirmed")
    session = login("events")
    url = f"/invitations/{invitation.id}/media-consent"
    assert session.post(url, {"uses": ["recorded"], "method": "phone"}).status_code == 302
    decision = Decision.get(Decision.subject_type == "invitation")
    assert decision.recorded_by is not None and decision.scope_data == {"uses": ["recorded"]}
    page = session.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert "not asked yet" not in page
    closed = at_state(factories.invitation(activist=factories.activist("Otra")), "debriefed")
    refused = session.post(f"/invitations/{closed.id}/media-consent", {"uses": ["named"], "method": "phone"})
    assert refused.status_code == 400 and Decision.select().count() == 1


def test_outcome_links_published_items(app, login, factories):
    from amplify.items.changes import publish

    campaign = factories.campaign()
    item = factories.send(factories.item(campaign, title="Crónica de Ginebra", text="Texto"))
    factories.in_context(publish)(item, None, "x", "https://example.org/p/1")
    invitation = factories.invitation(event=factories.event(campaign=campaign.id), activist=factories.activist())
    session = login("events")
    url = f"/invitations/{invitation.id}/outcome"
    bad = session.post(url, {"outcome": "Habló en el plenario", "items": ["99999"]})
    assert bad.status_code == 400 and "Habló en el plenario" in bad.get_data(as_text=True)
    assert InvitationItem.select().count() == 0
    ok = session.post(url, {"outcome": "Habló en el plenario", "follow_ups": "Enviar acta",
                            "items": [str(item.id)]})
    assert ok.status_code == 302 and InvitationItem.get().item_id == item.id
    page = session.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert "Crónica de Ginebra" in page and "Habló en el plenario" in page


def draft_reminder(session, app, factories, **contact):
    ana = factories.activist("Ana", languages=["pt"], contact_channels=[{"kind": "email", "value": "ana@example.org"}])
    invitation = at_state(factories.invitation(activist=ana), "invited", answer_due=date.today() - timedelta(days=1))
    page = session.get("/invitations/deadlines").get_data(as_text=True)
    assert "Draft a reminder" in page
    response = session.post("/invitations/deadlines/remind", {"key": f"no_answer:{invitation.id}"})
    assert response.status_code == 302
    return Reminder.get()


def test_reminders_are_drafted_in_her_language_and_sent_by_a_person(app, login, factories):
    session = login("events")
    reminder = draft_reminder(session, app, factories)
    assert reminder.recipient == "ana@example.org" and "Olá Ana" in reminder.body and reminder.sent_at is None
    again = session.post("/invitations/deadlines/remind", {"key": f"no_answer:{reminder.invitation_id}"})
    assert again.status_code == 302 and Reminder.select().count() == 1  # no duplicates
    assert session.post("/invitations/deadlines/remind", {"key": "no_answer:424242"}).status_code == 302
    outbox = session.get("/invitations/outbox").get_data(as_text=True)
    assert "Olá Ana" in outbox and "Send by e-mail" not in outbox  # no SMTP configured
    url = f"/invitations/outbox/{reminder.id}"
    refused = session.post(url, {"action": "email", "recipient": "ana@example.org", "subject": "s", "body": "Texto editado"})
    assert refused.status_code == 400 and "Texto editado" in refused.get_data(as_text=True)
    assert Reminder.get().sent_at is None
    sent = session.post(url, {"action": "copied", "recipient": "ana@example.org", "subject": "Lembrete",
                              "body": "Texto editado"})
    assert sent.status_code == 302
    saved = Reminder.get()
    assert saved.sent_at is not None and saved.method == "copied" and saved.body == "Texto editado"
    assert login("viewer").post(url, {"action": "copied"}).status_code == 403


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_reminder_sent_by_email_through_smtp(app, login, factories, smtp_server):
    controller, inbox = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                      SMTP_STARTTLS=False, MAIL_FROM="eventos@ong.example")
    session = login("events")
    reminder = draft_reminder(session, app, factories)
    response = session.post(f"/invitations/outbox/{reminder.id}", {
        "action": "email", "recipient": "ana@example.org", "subject": "Lembrete", "body": reminder.body})
    assert response.status_code == 302
    assert len(inbox.messages) == 1 and inbox.messages[0].rcpt_tos == ["ana@example.org"]
    assert b"Ol" in inbox.messages[0].content and Reminder.get().method == "email"


def test_a_failed_email_is_not_marked_as_sent(app, login, factories):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)  # nothing listens
    session = login("events")
    reminder = draft_reminder(session, app, factories)
    response = session.post(f"/invitations/outbox/{reminder.id}", {
        "action": "email", "recipient": "ana@example.org", "subject": "Lembrete", "body": reminder.body})
    assert response.status_code == 400 and "could not be sent" in response.get_data(as_text=True)
    saved = Reminder.get()
    assert saved.sent_at is None and saved.error


def test_reminders_for_everything_due_are_drafted_once_and_never_sent(app, login, runner_for, factories):
    ana = factories.activist("Ana", contact_channels=[{"kind": "email", "value": "ana@example.org"}])
    late = at_state(factories.invitation(activist=ana), "invited", answer_due=date.today() - timedelta(days=1))
    later = at_state(factories.invitation(activist=factories.activist("Bea")), "invited",
                     answer_due=date.today() + timedelta(days=20))
    result = runner_for(app).invoke(args=["invitations", "remind"])
    assert result.exit_code == 0 and "1 reminder(s) drafted" in result.output
    assert [r.invitation_id for r in Reminder.select()] == [late.id] and later.id
    assert Reminder.get().sent_at is None and Reminder.get().recipient == "ana@example.org"
    response = login("events").post("/invitations/deadlines/remind-all", {})
    assert response.status_code == 302 and Reminder.select().count() == 1  # not twice
    with app.app_context():
        from amplify.feeds.tasks import daily

        daily()
    assert Reminder.select().count() == 1 and Reminder.get().sent_at is None


def test_a_reminder_that_is_no_longer_due_cannot_be_sent(app, login, factories):
    session = login("events")
    reminder = draft_reminder(session, app, factories)
    Invitation.update(state="accepted").where(Invitation.id == reminder.invitation_id).execute()  # she answered
    rebuild_deadlines(app)
    outbox = session.get("/invitations/outbox").get_data(as_text=True)
    assert "No longer due" in outbox and 'value="copied"' not in outbox
    refused = session.post(f"/invitations/outbox/{reminder.id}", {"action": "copied", "recipient": "",
                                                                 "subject": "s", "body": "b"})
    assert refused.status_code == 400 and Reminder.get().sent_at is None
    assert session.post(f"/invitations/outbox/{reminder.id}", {"action": "discard"}).status_code == 302
    assert Reminder.select().count() == 0


def test_a_reminder_for_an_accreditation_deadline_goes_to_the_team(app, login, factories):
    event = factories.event(title="Audiencia", accreditation_deadline=date.today() + timedelta(days=5))
    session = login("events")
    assert "Draft a reminder" in session.get("/invitations/deadlines").get_data(as_text=True)
    assert session.post("/invitations/deadlines/remind", {"key": f"accreditation:e{event.id}"}).status_code == 302
    reminder = Reminder.get()
    assert reminder.invitation_id is None and reminder.kind == "accreditation" and "Audiencia" in reminder.subject
    other = factories.event(title="Foro", accreditation_deadline=date.today() + timedelta(days=5))  # same day
    session.post("/invitations/deadlines/remind", {"key": f"accreditation:e{other.id}"})
    assert sorted(r.event_id for r in Reminder.select()) == [event.id, other.id]
    outbox = session.get("/invitations/outbox").get_data(as_text=True)
    assert 'value="copied"' in outbox and "No longer due" not in outbox


def test_viewers_never_see_trip_safety_or_passport_deadlines_and_reminders(app, login, factories):
    """README: the viewer role never sees trip safety or passports — not on the deadlines
    page, the outbox, the calendar, the home page counts or a viewer's own calendar feed."""
    from amplify.invitations.reminders import draft_due

    past = factories.event(title="Foro regional", days=-5)
    bea = factories.activist("Bea Quispe")
    at_state(factories.invitation(event=past, activist=bea), "attended", risk_level="high",
             checkin_contact="Rosa", return_on=date.today() - timedelta(days=3),
             passport_number="X1", purge_on=date.today() + timedelta(days=2))
    with app.app_context():
        draft_due(date.today())
    kinds = {r.kind for r in Reminder.select()}
    assert {"checkin", "purge"} <= kinds
    checkin_body = Reminder.get(Reminder.kind == "checkin").body
    events = login("events")
    assert "Safety check-in after return" in events.get("/invitations/deadlines").get_data(as_text=True)
    assert checkin_body in events.get("/invitations/outbox").get_data(as_text=True)
    viewer = login("viewer")
    for path in ("/invitations/deadlines", "/invitations/outbox",
                 f"/invitations/events/calendar?month={date.today():%Y-%m}"):
        page = viewer.get(path).get_data(as_text=True)
        assert "Safety check-in after return" not in page and "Sensitive details to purge" not in page, path
        assert checkin_body not in page, path
    assert "Debrief after the event" in viewer.get("/invitations/deadlines").get_data(as_text=True)
    from amplify.invitations.feeds import build

    with app.test_request_context():
        assert b"Safety check-in" in build("http://x/")
        assert b"Safety check-in" not in build("http://x/", private=False)
        assert b"Debrief" in build("http://x/", private=False)
