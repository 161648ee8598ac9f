"""The consent ledger over time: expiry, withdrawal, who is asked again, and what a
person's own page lists. Dates come from a fixed clock (``TODAY``), never the real one."""

import json
from datetime import date, timedelta

import pytest

from amplify.consent import ledger
from amplify.consent.models import Decision
from amplify.db import database, utcnow
from amplify.items.changes import publish, refresh_state, save_item, send_for_review
from amplify.items.models import Item

TODAY = date(2027, 3, 31)
YES = {"channels": ["x"], "attribution": "pseudonym", "face": False}


@pytest.fixture
def town(app, factories):
    campaign = factories.campaign()
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle")
    ana = factories.activist("Ana Souza", pseudonym="Ana do Litoral", country="BR")
    return {"app": app, "factories": factories, "campaign": campaign, "maria": maria, "ana": ana}


def item_with(town, *people, title="Post"):
    """An item naming ``people``, sent for review (everyone asked)."""
    factories = town["factories"]
    return factories.send(factories.item(town["campaign"], title=title,
                                         people=[(person, "quoted", None) for person in people]))


def given(town, person, item, valid_until=None, content_hash=None):
    """A yes written straight into the ledger (its end date may lie before TODAY, which
    the workflow would refuse against the real clock)."""
    scope = dict(YES, valid_until=valid_until.isoformat() if valid_until else None)
    with town["app"].app_context(), database.atomic():
        decision = Decision.append(
            at=utcnow(), activist=person.id, subject_type="item", subject_id=item.id,
            content_hash=content_hash or Item.get_by_id(item.id).content_hash, outcome="given",
            scope=json.dumps(scope, sort_keys=True), method="review_page")
        refresh_state(Item.get_by_id(item.id))
    return decision


def outcomes(person, item):
    return [d.outcome for d in Decision.select().where(
        (Decision.activist == person.id) & (Decision.subject_type == "item")
        & (Decision.subject_id == item.id)).order_by(Decision.seq)]


def in_app(town, function, *args, **kwargs):
    with town["app"].test_request_context():
        return function(*args, **kwargs)


# expire() ------------------------------------------------------------------------------

def test_expire_records_only_consents_whose_last_day_has_passed(town):
    maria, ana = town["maria"], town["ana"]
    rosa = town["factories"].activist("Rosa Mamani", pseudonym="Rosa del Sur")
    carmen = town["factories"].activist("Carmen Flores", pseudonym="Carmen")
    ended = item_with(town, maria, title="ended yesterday")
    given(town, maria, ended, valid_until=TODAY - timedelta(days=1))
    today = item_with(town, ana, title="ends today")
    given(town, ana, today, valid_until=TODAY)
    future = item_with(town, rosa, title="ends next year")
    given(town, rosa, future, valid_until=TODAY + timedelta(days=365))
    open_ended = item_with(town, carmen, title="open-ended")
    given(town, carmen, open_ended, valid_until=None)
    before = Decision.select().count()

    affected = in_app(town, ledger.expire, today=TODAY)

    assert [i.id for i in affected] == [ended.id]
    assert Decision.select().count() == before + 1
    assert outcomes(maria, ended)[-1] == "expired"
    assert Decision.latest(maria.id, "item", ended.id).content_hash == ended.content_hash
    for person, item in ((ana, today), (rosa, future), (carmen, open_ended)):
        assert outcomes(person, item)[-1] == "given", item.title


def test_expire_twice_records_nothing_more(town):
    item = item_with(town, town["maria"])
    given(town, town["maria"], item, valid_until=TODAY - timedelta(days=10))
    assert [i.id for i in in_app(town, ledger.expire, today=TODAY)] == [item.id]
    count = Decision.select().count()
    assert in_app(town, ledger.expire, today=TODAY) == []
    assert in_app(town, ledger.expire, today=TODAY + timedelta(days=30)) == []
    assert Decision.select().count() == count


def test_expire_leaves_a_consent_already_replaced_alone(town):
    maria = town["maria"]
    # She said yes until last month, then withdrew: the old yes is not "expired" on top.
    withdrawn = item_with(town, maria, title="withdrawn")
    given(town, maria, withdrawn, valid_until=TODAY - timedelta(days=30))
    in_app(town, ledger.withdraw, maria, Item.get_by_id(withdrawn.id), method="review_page")
    # She said yes until last month, then yes again for longer: the newer yes is in force.
    renewed = item_with(town, maria, title="renewed")
    given(town, maria, renewed, valid_until=TODAY - timedelta(days=30))
    given(town, maria, renewed, valid_until=TODAY + timedelta(days=30))
    count = Decision.select().count()
    assert in_app(town, ledger.expire, today=TODAY) == []
    assert Decision.select().count() == count
    assert outcomes(maria, withdrawn)[-1] == "withdrawn" and outcomes(maria, renewed)[-1] == "given"


def test_expire_lists_published_items_first(town, make_user):
    staff = make_user("comms")
    quiet = item_with(town, town["maria"], title="cleared only")
    given(town, town["maria"], quiet, valid_until=TODAY - timedelta(days=1))
    loud = item_with(town, town["ana"], title="published")
    given(town, town["ana"], loud, valid_until=TODAY + timedelta(days=2))
    in_app(town, publish, Item.get_by_id(loud.id), staff, "x", "https://x.example/1")
    given(town, town["ana"], loud, valid_until=TODAY - timedelta(days=1))
    affected = in_app(town, ledger.expire, today=TODAY)
    assert [i.title for i in affected] == ["published", "cleared only"]


# Withdrawal -----------------------------------------------------------------------------

def test_withdrawing_twice_records_one_withdrawal(town):
    maria = town["maria"]
    item = item_with(town, maria)
    given(town, maria, item)
    first = in_app(town, ledger.withdraw, maria, Item.get_by_id(item.id), method="review_page")
    second = in_app(town, ledger.withdraw, maria, Item.get_by_id(item.id), method="review_page")
    assert first.id == second.id
    assert outcomes(maria, item) == ["requested", "given", "withdrawn"]


def test_nothing_to_withdraw_without_a_yes_in_force(town):
    maria, ana = town["maria"], town["ana"]
    item = item_with(town, maria, ana)
    with pytest.raises(ledger.DecisionRefused):
        in_app(town, ledger.withdraw, maria, Item.get_by_id(item.id), method="review_page")
    in_app(town, ledger.record_decision, ana, "item", Item.get_by_id(item.id), item.content_hash, "refused",
           method="review_page")
    with pytest.raises(ledger.DecisionRefused):
        in_app(town, ledger.withdraw, ana, Item.get_by_id(item.id), method="review_page")
    assert outcomes(maria, item) == ["requested"] and outcomes(ana, item) == ["requested", "refused"]


def test_a_yes_to_an_older_version_is_withdrawn_for_that_version(town):
    maria = town["maria"]
    item = item_with(town, maria)
    old_hash = item.content_hash
    in_app(town, save_item, Item.get_by_id(item.id), people=[(maria.id, "quoted", None)], variant_ids=[],
           text=item.text + " #C189")
    edited = Item.get_by_id(item.id)
    assert edited.content_hash != old_hash
    # Her yes to the old version arrived late (nothing invalidated it): she withdraws it.
    given(town, maria, item, content_hash=old_hash)
    withdrawal = in_app(town, ledger.withdraw, maria, edited, method="review_page")
    assert (withdrawal.outcome, withdrawal.content_hash) == ("withdrawn", old_hash)
    # A withdrawal may name an older version; any other answer must be about the current one.
    with pytest.raises(ledger.StaleVersion):
        in_app(town, ledger.record_decision, maria, "item", edited, old_hash, "given", method="review_page",
               scope=YES)


def test_after_an_edit_the_old_yes_is_void_and_there_is_nothing_to_withdraw(town):
    maria = town["maria"]
    item = item_with(town, maria)
    given(town, maria, item)
    in_app(town, save_item, Item.get_by_id(item.id), people=[(maria.id, "quoted", None)], variant_ids=[],
           text=item.text + " #C189")
    assert outcomes(maria, item)[-1] == "invalidated"
    with pytest.raises(ledger.DecisionRefused):
        in_app(town, ledger.withdraw, maria, Item.get_by_id(item.id), method="review_page")


# Asked again ----------------------------------------------------------------------------

def test_people_are_asked_again_after_an_edit_and_only_then(town):
    maria, ana = town["maria"], town["ana"]
    item = item_with(town, maria, ana)
    given(town, maria, item)
    # Sending the same version again asks nobody twice.
    Item.update(state="draft").where(Item.id == item.id).execute()
    in_app(town, send_for_review, Item.get_by_id(item.id))
    assert outcomes(maria, item) == ["requested", "given"] and outcomes(ana, item) == ["requested"]
    in_app(town, save_item, Item.get_by_id(item.id), people=[(maria.id, "quoted", None), (ana.id, "quoted", None)],
           variant_ids=[], text=item.text + " #C189")
    edited = in_app(town, send_for_review, Item.get_by_id(item.id))
    assert outcomes(maria, item) == ["requested", "given", "invalidated", "requested"]
    assert outcomes(ana, item) == ["requested", "invalidated", "requested"]
    assert {Decision.latest(p.id, "item", item.id).content_hash for p in (maria, ana)} == {edited.content_hash}
    assert [i.id for i in in_app(town, ledger.pending_for, maria)] == [item.id]


def answer(town, person, item, outcome):
    """Her answer, for the item's current version, written into the ledger."""
    with town["app"].app_context(), database.atomic():
        Decision.append(at=utcnow(), activist=person.id, subject_type="item", subject_id=item.id,
                        content_hash=Item.get_by_id(item.id).content_hash, outcome=outcome,
                        scope=json.dumps(YES if outcome == "given" else {}, sort_keys=True), method="review_page")
        refresh_state(Item.get_by_id(item.id))


def edited(town, item, people, words):
    in_app(town, save_item, Item.get_by_id(item.id), people=[(p.id, "quoted", None) for p in people],
           variant_ids=[], text=Item.get_by_id(item.id).text + words)
    return in_app(town, send_for_review, Item.get_by_id(item.id)).content_hash


@pytest.mark.parametrize("outcome", ["given", "refused", "changes_requested"])
def test_a_waiting_item_carries_the_version_of_her_last_answer_only_hers(town, outcome):
    """Her card shows what changed since her last answer (a yes, a no or a change asked
    for): ``pending_for`` reads that answer's version with the item — hers, the latest, not
    the team's requests nor someone else's answer."""
    maria, ana = town["maria"], town["ana"]
    item = item_with(town, maria, ana)
    first = Item.get_by_id(item.id).content_hash
    assert [(i.id, i.answered_hash) for i in in_app(town, ledger.pending_for, maria)] == [(item.id, None)]
    answer(town, maria, item, outcome)
    second = edited(town, item, (maria, ana), " #C189")
    answer(town, ana, item, "given")  # Ana's answer to the new version is not María's
    assert [(i.id, i.answered_hash) for i in in_app(town, ledger.pending_for, maria)] == [(item.id, first)]
    answer(town, maria, item, "changes_requested")
    edited(town, item, (maria, ana), " ¡Ya!")
    assert [(i.id, i.answered_hash) for i in in_app(town, ledger.pending_for, maria)] == [(item.id, second)]


# Her own page ---------------------------------------------------------------------------

def test_pending_for_lists_only_her_own_items_waiting_for_her(town):
    maria, ana = town["maria"], town["ana"]
    hers = item_with(town, maria, title="hers")
    both = item_with(town, maria, ana, title="both")
    item_with(town, ana, title="ana's")
    town["factories"].item(town["campaign"], people=[(maria, "quoted", None)], title="draft")
    assert [i.title for i in in_app(town, ledger.pending_for, maria)] == ["hers", "both"]
    given(town, maria, hers)
    assert [i.title for i in in_app(town, ledger.pending_for, maria)] == ["both"]
    assert [i.title for i in in_app(town, ledger.pending_for, ana)] == ["both", "ana's"]
    assert both.id in [i.id for i in in_app(town, ledger.pending_for, ana)]


def test_consented_publications_lists_only_her_published_items(town, make_user):
    maria, ana = town["maria"], town["ana"]
    staff = make_user("comms")
    hers = item_with(town, maria, title="hers, published")
    given(town, maria, hers)
    in_app(town, publish, Item.get_by_id(hers.id), staff, "x", "https://x.example/hers")
    theirs = item_with(town, ana, title="ana's, published")
    given(town, ana, theirs)
    in_app(town, publish, Item.get_by_id(theirs.id), staff, "x", "https://x.example/ana")
    waiting = item_with(town, maria, title="hers, not published")
    given(town, maria, waiting)
    rows = in_app(town, ledger.consented_publications, maria)
    assert [(item.title, decision.outcome, [p.url for p in publications]) for item, decision, publications in rows] \
        == [("hers, published", "given", ["https://x.example/hers"])]


# Consent at an event --------------------------------------------------------------------

def test_a_yes_at_an_event_needs_at_least_one_use(town):
    from amplify.people.models import Activist

    invitation = town["factories"].invitation(activist=Activist.get_by_id(town["maria"].id))
    for uses in ([], ["juggling"], [""]):
        with pytest.raises(ledger.DecisionRefused) as refused:
            in_app(town, ledger.record_decision, town["maria"], "invitation", invitation,
                   invitation.content_hash, "given", method="review_page", scope={"uses": uses})
        assert refused.value.field == "uses"
    assert Decision.select().where(Decision.subject_type == "invitation").count() == 0
    decision = in_app(town, ledger.record_decision, town["maria"], "invitation", invitation,
                      invitation.content_hash, "given", method="review_page",
                      scope={"uses": ["quoted", "named", "juggling"]})
    assert decision.scope_data == {"uses": ["named", "quoted"]}
