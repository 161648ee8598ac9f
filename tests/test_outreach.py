"""Sending her the link (issue 14, item 9) and acting on her requests (item 8)."""

import re
from urllib.parse import parse_qs, unquote, urlparse

from amplify.audit.models import AuditEvent
from amplify.consent.models import ReviewLink
from amplify.review.models import HelpRequest, LinkSending
from tests.test_invitation_trips import free_port, smtp_server  # noqa: F401 (fixture)


def made_link(session, activist):
    session.post(f"/consent/people/{activist.id}/links", {})
    return ReviewLink.select().order_by(ReviewLink.id.desc()).first()


def test_whatsapp_sending_is_recorded_without_the_link(app, login, factories):
    ana = factories.activist("Ana Souza", languages=["pt", "es"], preferred_language="pt",
                             contact_channels=[{"kind": "WhatsApp", "value": "+55 (11) 5555-0100"}])
    session = login("comms")
    link = made_link(session, ana)
    page = session.get(f"/consent/links/{link.id}").get_data(as_text=True)
    assert 'value="+55 (11) 5555-0100"' in page
    url = re.search(r'id="link-url" type="text" readonly value="([^"]+)"', page).group(1)
    response = session.post(f"/consent/links/{link.id}/send", {"method": "whatsapp", "number": "+55 (11) 5555-0100"})
    assert response.status_code == 303
    target = urlparse(response.headers["Location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "wa.me", "/551155550100")
    text = parse_qs(target.query)["text"][0]
    signed = url.rsplit(".", 2)[0]  # the same link (its signature time may differ by a second)
    assert text.startswith("Olá Ana.") and signed in text  # her language, her link
    sending = LinkSending.get()
    assert (sending.method, sending.sent_by_id, sending.review_link_id) == ("whatsapp", session.user.id, link.id)
    payload = signed.rsplit("/", 1)[1]
    assert not [e for e in AuditEvent.select() if payload in str(e.summary) or link.nonce in str(e.summary)]
    assert AuditEvent.select().where(AuditEvent.action == "review_link.sent").count() == 1
    person = session.get(f"/consent/people/{ana.id}").get_data(as_text=True)
    assert "Link sent" in person and "WhatsApp" in person


def test_sms_opens_the_messages_app_and_a_number_is_needed(login, factories):
    rosa = factories.activist("Rosa M.", languages=["es"])
    session = login("comms")
    link = made_link(session, rosa)
    refused = session.post(f"/consent/links/{link.id}/send", {"method": "sms", "number": ""})
    assert refused.status_code == 302 and LinkSending.select().count() == 0
    page = session.post(f"/consent/links/{link.id}/send", {"method": "sms", "number": "0056 9 1234 5678"})
    body = page.get_data(as_text=True)
    sms = re.search(r'href="(sms:[^"]+)"', body).group(1)
    assert sms.startswith("sms:+56912345678?body=") and "Hola Rosa." in unquote(sms.replace("&amp;", "&"))
    assert LinkSending.get().method == "sms"


def test_email_sending_needs_smtp_and_goes_out(app, login, factories, smtp_server):  # noqa: F811
    juana = factories.activist("Juana Pérez", languages=["es"],
                               contact_channels=[{"kind": "email", "value": "juana@example.org"}])
    session = login("comms")
    link = made_link(session, juana)
    session.post(f"/consent/links/{link.id}/send", {"method": "email", "address": "juana@example.org"})
    assert LinkSending.select().count() == 0  # no SMTP: nothing sent, nothing recorded
    controller, inbox = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False)
    session.post(f"/consent/links/{link.id}/send", {"method": "email", "address": "juana@example.org"})
    assert [m.rcpt_tos for m in inbox.messages] == [["juana@example.org"]]
    assert LinkSending.get().method == "email"


def test_a_revoked_link_is_not_sent(login, factories):
    from amplify.db import utcnow

    maria = factories.activist("María Quispe")
    session = login("comms")
    link = made_link(session, maria)
    ReviewLink.update(revoked_at=utcnow()).execute()
    session.post(f"/consent/links/{link.id}/send", {"method": "whatsapp", "number": "51900000001"})
    assert LinkSending.select().count() == 0


def test_staff_see_her_request_and_mark_it_done(app, login, factories):
    from amplify.review.help import ask_help

    maria = factories.activist("María Quispe")
    item = factories.send(factories.item(factories.campaign(), people=[(maria, "quoted", None)]))
    with app.app_context():
        request = ask_help(maria, "call", "item", item.id)
    session = login("comms")
    page = session.get(f"/consent/people/{maria.id}").get_data(as_text=True)
    assert "Asks to be called" in page and f"/consent/items/{item.id}/people/{maria.id}" in page
    assert login("viewer").post(f"/consent/help/{request.id}/handled", {}).status_code == 403
    session.post(f"/consent/help/{request.id}/handled", {})
    assert HelpRequest.get_by_id(request.id).handled_by_id == session.user.id
    assert "Asks to be called" not in session.get(f"/consent/people/{maria.id}").get_data(as_text=True)
