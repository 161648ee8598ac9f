"""Each rule of ``clearance()`` on its own, from a hand-made ledger state.

The workflows (send for review, record a decision, edit) each guard some of these rules a
second time, so a test that goes only through them can pass with a rule of ``clearance``
broken. Here the decisions are appended to the ledger directly and the item is put in the
state "cleared" by hand: only ``clearance`` stands between the item and the outside, and
each test shows that export, publish and the campaign kit (what staff share with
partners) all refuse — next to a control that goes out when the rule is met.
"""

import io
import json
import zipfile
from datetime import date

import pytest

from amplify.consent.clearance import clearance
from amplify.consent.models import Decision
from amplify.db import database, utcnow
from amplify.items.changes import save_item
from amplify.items.models import Item, Publication, SafetyCheck
from amplify.people.models import Activist

TODAY = date(2027, 3, 31)  # the clock of every clearance asked directly
FOREVER = "2999-12-31"  # an end date no real clock reaches: the HTTP paths ask with today's
SAFETY = "It names someone at high risk: a second staff member must sign off its safety."


@pytest.fixture
def desk(app, factories, login):
    """A campaign, two people, and a comms colleague signed in."""
    org = factories.organization()
    campaign = factories.campaign(name="Campaña de reglas")
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", organization=org.id,
                               spokesperson_for=[org])
    ana = factories.activist("Ana Souza", pseudonym="Ana do Litoral", country="BR")
    return {"app": app, "factories": factories, "campaign": campaign, "maria": maria, "ana": ana,
            "staff": login("comms")}


def scope(channels=("x",), attribution="pseudonym", face=False, valid_until=FOREVER):
    return {"channels": list(channels), "attribution": attribution, "face": face,
            "valid_until": valid_until}


def append(app, activist, item, outcome="given", content_hash=None, chosen=None, **fields):
    """Write one decision straight into the ledger, past every workflow check."""
    with app.app_context(), database.atomic():
        return Decision.append(
            at=utcnow(), activist=activist.id, subject_type="item", subject_id=item.id,
            content_hash=content_hash or Item.get_by_id(item.id).content_hash, outcome=outcome,
            scope=json.dumps(chosen if chosen is not None else (scope() if outcome == "given" else {}),
                             sort_keys=True),
            method="review_page", **fields)


def make_item(desk, people, **fields):
    """An item in the state "cleared" with no decision yet: the state gate is open."""
    item = desk["factories"].item(desk["campaign"], people=people, **fields)
    force_cleared(item)
    return Item.get_by_id(item.id)


def force_cleared(item):
    Item.update(state="cleared").where(Item.id == item.id).execute()


def judge(desk, item, today=TODAY):
    with desk["app"].test_request_context():
        result = clearance(Item.get_by_id(item.id), today=today)
        reasons = [str(p.reason) for p in result.people if not p.ok]
        problems = [str(p) for p in result.problems]
    return result, reasons, problems


def kit_texts(desk):
    data = desk["staff"].get(f"/drafting/{desk['campaign'].slug}/exports/kit.zip").data
    with zipfile.ZipFile(io.BytesIO(data)) as kit:
        return [kit.read(name).decode() for name in kit.namelist() if name != "README.txt"]


def assert_refused_everywhere(desk, item, reason):
    """``clearance`` says no and why, and so do export, publish and the kit."""
    result, reasons, problems = judge(desk, item)
    assert not result.cleared
    assert reason in reasons + problems, (reasons, problems)
    force_cleared(item)
    staff = desk["staff"]
    assert reason in staff.get(f"/items/{item.id}").get_data(as_text=True)
    assert staff.get(f"/items/{item.id}/export.txt").status_code == 409
    response = staff.post(f"/items/{item.id}/publications", {"channel": "x", "url": "https://x.example/1"})
    assert response.status_code == 302
    assert Publication.select().where(Publication.item == item.id).count() == 0
    assert Item.get_by_id(item.id).state == "cleared"
    assert kit_texts(desk) == []


def assert_goes_out(desk, item, name):
    """The control: with the rule met, the same item is exported, shared and published,
    naming the person as she chose."""
    result, reasons, problems = judge(desk, item)
    assert result.cleared, (reasons, problems)
    staff = desk["staff"]
    exported = staff.get(f"/items/{item.id}/export.txt")
    assert exported.status_code == 200 and name in exported.get_data(as_text=True)
    assert any(name in text for text in kit_texts(desk))
    staff.post(f"/items/{item.id}/publications", {"channel": "x", "url": "https://x.example/1"})
    assert Publication.select().where(Publication.item == item.id).count() == 1


def test_a_person_with_no_decision_at_all_holds_the_item(desk):
    item = make_item(desk, [(desk["maria"], "quoted", None)])
    assert Decision.select().count() == 0
    assert_refused_everywhere(desk, item, "Has not been asked yet")
    append(desk["app"], desk["maria"], item)
    assert_goes_out(desk, item, "Flor del Valle")


def test_one_decision_does_not_speak_for_another_person(desk):
    item = make_item(desk, [(desk["maria"], "quoted", None), (desk["ana"], "named", None)])
    append(desk["app"], desk["maria"], item)
    result, reasons, _ = judge(desk, item)
    assert not result.cleared and reasons == ["Has not been asked yet"]
    assert [p.person.activist_id for p in result.waiting] == [desk["ana"].id]
    assert_refused_everywhere(desk, item, "Has not been asked yet")


def test_a_yes_to_an_earlier_version_never_counts_even_when_not_invalidated(desk):
    item = make_item(desk, [(desk["maria"], "quoted", None)])
    old_hash = item.content_hash
    with desk["app"].test_request_context():
        save_item(Item.get_by_id(item.id), people=[(desk["maria"].id, "quoted", None)], variant_ids=[],
                  text=item.text.replace("trabajo", "empleo", 1))
    item = Item.get_by_id(item.id)
    assert item.content_hash != old_hash and item.version == 2
    # A yes for the old version arrives after the edit: nothing invalidates it.
    append(desk["app"], desk["maria"], item, content_hash=old_hash)
    assert Decision.latest(desk["maria"].id, "item", item.id).outcome == "given"
    assert_refused_everywhere(desk, item, "Decided on an earlier version")
    append(desk["app"], desk["maria"], item)
    assert_goes_out(desk, item, "Flor del Valle")


@pytest.mark.parametrize("outcome, current, reason", [
    ("requested", True, "Has not answered yet"),
    ("refused", True, "Said no"),
    ("changes_requested", True, "Asked for a change"),
    ("withdrawn", True, "Withdrew their consent"),
    ("expired", True, "Consent expired"),
    ("requested", False, "Decided on an earlier version"),
    ("invalidated", False, "Decided on an earlier version"),
    ("refused", False, "Said no"),
    ("withdrawn", False, "Withdrew their consent"),
])
def test_the_decision_in_force_names_why_it_does_not_count(desk, outcome, current, reason):
    item = make_item(desk, [(desk["maria"], "quoted", None)])
    append(desk["app"], desk["maria"], item)  # an earlier yes, superseded below
    append(desk["app"], desk["maria"], item, outcome, content_hash=None if current else "e" * 64)
    result, reasons, _ = judge(desk, item)
    assert not result.cleared and reasons == [reason]
    assert result.people[0].decision.outcome == outcome


def test_a_channel_she_did_not_choose_is_refused(desk):
    item = make_item(desk, [(desk["maria"], "quoted", None)])
    append(desk["app"], desk["maria"], item, chosen=scope(channels=["mastodon", "bluesky"]))
    assert_refused_everywhere(desk, item, "Did not agree to this channel")
    append(desk["app"], desk["maria"], item, chosen=scope(channels=["mastodon", "x"]))
    assert_goes_out(desk, item, "Flor del Valle")


def test_showing_her_face_needs_her_yes_to_the_face(desk):
    item = make_item(desk, [(desk["maria"], "shown", None)])
    append(desk["app"], desk["maria"], item, chosen=scope(face=False))
    assert_refused_everywhere(desk, item, "Did not agree to show their face")
    append(desk["app"], desk["maria"], item, chosen=scope(face=True))
    assert_goes_out(desk, item, "Flor del Valle")


def test_naming_or_quoting_her_needs_no_yes_to_the_face(desk):
    for appearance in ("named", "quoted"):
        item = make_item(desk, [(desk["maria"], appearance, None)], title=appearance)
        append(desk["app"], desk["maria"], item, chosen=scope(face=False))
        result, reasons, _ = judge(desk, item)
        assert result.cleared, (appearance, reasons)


def test_an_attribution_fixed_by_staff_must_be_the_one_she_chose(desk):
    item = make_item(desk, [(desk["maria"], "quoted", "anonymous")])
    append(desk["app"], desk["maria"], item, chosen=scope(attribution="full_name"))
    assert_refused_everywhere(desk, item, "Chose another attribution")
    append(desk["app"], desk["maria"], item, chosen=scope(attribution="anonymous"))
    assert_goes_out(desk, item, "una trabajadora del hogar")


def test_with_no_attribution_fixed_she_is_named_as_she_chose(desk):
    item = make_item(desk, [(desk["maria"], "quoted", None)])
    append(desk["app"], desk["maria"], item, chosen=scope(attribution="full_name"))
    with desk["app"].test_request_context():
        result = clearance(Item.get_by_id(item.id), today=TODAY)
        assert result.cleared and "María Quispe" in result.published_text()


def test_consent_is_valid_through_its_last_day_and_not_a_day_more(desk):
    item = make_item(desk, [(desk["maria"], "quoted", None)])
    append(desk["app"], desk["maria"], item, chosen=scope(valid_until=TODAY.isoformat()))
    assert judge(desk, item, today=date(2027, 3, 30))[0].cleared
    assert judge(desk, item, today=TODAY)[0].cleared
    result, reasons, _ = judge(desk, item, today=date(2027, 4, 1))
    assert not result.cleared and reasons == ["Consent expired"]
    # Open-ended consent never expires.
    append(desk["app"], desk["maria"], item, chosen=scope(valid_until=None))
    assert judge(desk, item, today=date(2999, 1, 1))[0].cleared


def test_an_expired_consent_is_refused_everywhere(desk):
    item = make_item(desk, [(desk["maria"], "quoted", None)])
    append(desk["app"], desk["maria"], item, chosen=scope(valid_until="2020-01-31"))
    assert_refused_everywhere(desk, item, "Consent expired")
    append(desk["app"], desk["maria"], item, chosen=scope(valid_until=FOREVER))
    assert_goes_out(desk, item, "Flor del Valle")


@pytest.mark.parametrize("guardian_name, minor_agrees", [
    ("Carmen Quispe", False),  # the guardian alone
    ("Carmen Quispe", None),
    ("", True),  # the minor alone
    ("", None),
])
def test_a_minor_needs_both_the_guardian_and_her_own_yes(desk, guardian_name, minor_agrees):
    young = desk["factories"].activist("Joven Quispe", minor=True, pseudonym="Estrella")
    item = make_item(desk, [(young, "quoted", None)])
    append(desk["app"], young, item, guardian_name=guardian_name, minor_agrees=minor_agrees)
    assert_refused_everywhere(desk, item, "A guardian and the minor must both agree")
    append(desk["app"], young, item, guardian_name="Carmen Quispe", guardian_relationship="madre",
           minor_agrees=True)
    assert_goes_out(desk, item, "Estrella")


def test_an_adult_needs_no_guardian(desk):
    item = make_item(desk, [(desk["maria"], "quoted", None)])
    append(desk["app"], desk["maria"], item, guardian_name="", minor_agrees=None)
    assert judge(desk, item)[0].cleared


def test_raised_to_high_risk_after_review_needs_a_safety_sign_off_at_clearance(desk, login, make_user):
    author = make_user("comms")
    item = make_item(desk, [(desk["maria"], "quoted", None), (desk["ana"], "named", None)], author=author)
    append(desk["app"], desk["maria"], item)
    append(desk["app"], desk["ana"], item, chosen=scope(attribution="first_name"))
    assert judge(desk, item)[0].cleared
    # After the review, one of the two is found to be at high risk.
    Activist.update(risk_level="high").where(Activist.id == desk["ana"].id).execute()
    result, reasons, problems = judge(desk, item)
    assert reasons == [] and problems == [SAFETY]
    assert_refused_everywhere(desk, item, SAFETY)
    # The author's own sign-off does not count (recorded here past the workflow's refusal).
    SafetyCheck.create(item=item.id, content_hash=item.content_hash, checked_by=author, note="yo")
    assert judge(desk, item)[2] == [SAFETY]
    colleague = login("comms")
    colleague.post(f"/items/{item.id}/safety", {"note": "Revisado: sin lugar ni cara"})
    assert judge(desk, item)[2] == []
    assert_goes_out(desk, item, "Flor del Valle")


def test_a_safety_sign_off_on_an_earlier_version_does_not_count(desk, login, make_user):
    rosa = desk["factories"].activist("Rosa Mamani", risk_level="high", pseudonym="Rosa del Sur")
    item = make_item(desk, [(rosa, "quoted", "pseudonym")], author=make_user("comms"))
    colleague = login("comms")
    colleague.post(f"/items/{item.id}/safety", {"note": "Primera versión revisada"})
    assert SafetyCheck.select().count() == 1
    with desk["app"].test_request_context():
        save_item(Item.get_by_id(item.id), people=[(rosa.id, "quoted", "pseudonym")], variant_ids=[],
                  text=item.text + " #C189")
    item = Item.get_by_id(item.id)
    append(desk["app"], rosa, item)
    assert_refused_everywhere(desk, item, SAFETY)
    # Another item's sign-off for this very text does not count either.
    other = make_item(desk, [(rosa, "quoted", "pseudonym")], title="Otro", text=item.text)
    assert other.content_hash == item.content_hash
    SafetyCheck.create(item=other.id, content_hash=item.content_hash, checked_by=colleague.user, note="otro")
    assert judge(desk, item)[2] == [SAFETY]
    colleague.post(f"/items/{item.id}/safety", {"note": "Segunda versión revisada"})
    assert judge(desk, item)[2] == []


def test_nobody_at_high_risk_needs_no_sign_off(desk):
    item = make_item(desk, [(desk["maria"], "quoted", None)])
    append(desk["app"], desk["maria"], item)
    assert SafetyCheck.select().count() == 0 and judge(desk, item)[2] == []


def test_a_message_that_is_no_longer_approved_holds_the_item(desk):
    factories = desk["factories"]
    message = factories.message(desk["campaign"])
    variant = factories.variant(message)
    factories.approve(variant, desk["maria"])
    item = make_item(desk, [(desk["maria"], "quoted", None)], variants=[factories.variant(message)])
    append(desk["app"], desk["maria"], item)
    assert judge(desk, item)[0].cleared
    type(variant).update(state="retired").where(type(variant).id == variant.id).execute()
    result, reasons, problems = judge(desk, item)
    assert reasons == [] and problems == ["The message “Mensaje de prueba” (es) is not approved."]
    assert_refused_everywhere(desk, item, "The message “Mensaje de prueba” (es) is not approved.")
