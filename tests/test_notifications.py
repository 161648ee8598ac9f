"""Staff hear back (issue 14, item 10): her answers, requests and withdrawals reach the
people who must act — in Amplify, and by e-mail when SMTP is set."""

import pytest

from amplify.items.models import Item, Publication
from amplify.notifications.models import Notification
from tests.test_invitation_trips import free_port, smtp_server  # noqa: F401 (fixture)


@pytest.fixture
def world(app, factories, make_user):
    author = make_user("comms", name="Autora")
    other = make_user("comms", name="Otra")
    maria = factories.activist("María Quispe", languages=["es"])
    item = factories.send(factories.item(factories.campaign(), people=[(maria, "quoted", None)], author=author))
    return {"author": author, "other": other, "maria": maria, "item": item}


def answer(app, world, outcome, method="review_page", **extra):
    from amplify.consent import ledger

    with app.app_context():
        item = Item.get_by_id(world["item"].id)
        scope = {"channels": ["x"], "attribution": "full_name"} if outcome == "given" else None
        return ledger.record_decision(world["maria"], "item", item, item.content_hash, outcome, method=method,
                                      scope=scope, comment="Otra palabra" if outcome == "changes_requested" else "",
                                      **extra)


def test_her_yes_reaches_the_items_author_only(app, world, login):
    answer(app, world, "given")
    assert [(n.user_id, n.kind, n.urgent) for n in Notification.select()] == [(world["author"].id, "given", False)]
    page = login(user=world["author"]).get("/notifications/").get_data(as_text=True)
    assert "María Quispe said yes" in page and f'href="/items/{world["item"].id}"' in page
    assert '<span class="badge">1</span>' in login(user=world["author"]).get("/").get_data(as_text=True)


def test_an_answer_staff_recorded_notifies_nobody(app, world):
    answer(app, world, "given", method="phone", recorded_by=world["other"])
    assert Notification.select().count() == 0


def test_a_withdrawal_is_urgent_for_every_comms_user_until_taken_down(app, world, login):
    from amplify.consent import ledger
    from amplify.items.changes import confirm_takedown, publish

    answer(app, world, "given")
    with app.app_context():
        publish(Item.get_by_id(world["item"].id), None, "x", "https://x.example/1")
        ledger.withdraw(world["maria"], Item.get_by_id(world["item"].id), method="review_page")
    urgent = Notification.select().where(Notification.kind == "withdrawn")
    assert sorted(n.user_id for n in urgent) == sorted([world["author"].id, world["other"].id])
    assert all(n.pressing for n in urgent)
    session = login(user=world["other"])
    assert "1 urgent" in session.get("/").get_data(as_text=True)
    session.post("/notifications/read", {})
    assert "1 urgent" in session.get("/").get_data(as_text=True)  # read, but still to do
    with app.app_context():
        confirm_takedown(Publication.get(), world["other"])
    assert not any(n.pressing for n in Notification.select().where(Notification.kind == "withdrawn"))
    assert "urgent" not in session.get("/").get_data(as_text=True)


def test_asking_to_be_called_reaches_the_author(app, world):
    from amplify.review.help import ask_help

    with app.app_context():
        ask_help(world["maria"], "call", "item", world["item"].id)
    assert [(n.user_id, n.kind) for n in Notification.select()] == [(world["author"].id, "call")]


def test_an_email_goes_out_when_smtp_is_set(app, world, smtp_server):  # noqa: F811
    controller, inbox = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False)
    answer(app, world, "changes_requested")
    assert [m.rcpt_tos for m in inbox.messages] == [[world["author"].email]]
    assert b"asks for a change" in inbox.messages[0].content


def test_a_failing_mail_server_loses_nothing(app, world):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False)  # nothing listens
    decision = answer(app, world, "given")
    assert decision.id and Notification.select().count() == 1
