"""The consent ledger: per person, per exact version, withdrawable, verifiable."""

import json
import re
import threading
from datetime import date, timedelta

import peewee
import pytest

from amplify.chain import ChainBroken
from amplify.consent import ledger
from amplify.consent.clearance import clearance
from amplify.consent.models import Decision
from amplify.db import database
from amplify.items.models import Item, ItemVersion, Publication
from amplify.people.models import Activist

YES = {"channels": ["x"], "attribution": "pseudonym", "face": False, "valid_until": None}
# Fixed dates, far from the real clock: a consent's last day, and a day long gone.
LAST_DAY = date(2999, 6, 30)
LONG_AGO = date(2000, 1, 1)


@pytest.fixture
def setting(app, factories):
    org = factories.organization()
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", organization=org.id,
                               spokesperson_for=[org])
    ana = factories.activist("Ana Souza", pseudonym="Ana do Litoral", country="BR")
    campaign = factories.campaign()
    return {"org": org, "maria": maria, "ana": ana, "campaign": campaign, "app": app}


def fresh(item):
    return Item.get_by_id(item.id)


def decide(app, person, item, outcome="given", scope=YES, **kwargs):
    with app.app_context():
        item = fresh(item)
        kwargs.setdefault("method", "review_page")
        return ledger.record_decision(person, "item", item, kwargs.pop("content_hash", item.content_hash),
                                      outcome, scope=scope, **kwargs)


def test_content_hash_covers_what_is_published(setting, factories):
    item = factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)])
    first = item.content_hash
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    same = factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)], title="Otro título")
    assert same.content_hash == first  # the staff title is not published
    for change in ({"channel": "mastodon"}, {"language": "pt"}, {"kind": "press_quote"}):
        other = factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)], **change)
        assert other.content_hash != first, change
    fixed = factories.item(setting["campaign"], people=[(setting["maria"], "quoted", "anonymous")])
    shown = factories.item(setting["campaign"], people=[(setting["maria"], "shown", None)])
    assert len({first, fixed.content_hash, shown.content_hash}) == 3


def test_send_for_review_asks_everyone_then_their_yes_clears(setting, factories):
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None),
                                                                      (setting["ana"], "named", None)]))
    assert item.state == "in_review"
    assert {d.outcome for d in Decision.select()} == {"requested"}
    decide(app, setting["maria"], item)
    assert fresh(item).state == "in_review"
    with app.app_context():
        waiting = clearance(fresh(item)).waiting
    assert [w.person.activist_id for w in waiting] == [setting["ana"].id]
    decide(app, setting["ana"], item, scope=dict(YES, attribution="first_name"))
    assert fresh(item).state == "cleared"
    with app.app_context():
        text = clearance(fresh(item)).published_text()
    assert "Flor del Valle" in text and "Ana" in text and "Souza" not in text and "{" not in text


def test_scope_must_cover_channel_face_attribution_and_date(setting, factories):
    app = setting["app"]
    maria = setting["maria"]
    wrong_channel = factories.send(factories.item(setting["campaign"], people=[(maria, "quoted", None)]))
    decide(app, maria, wrong_channel, scope=dict(YES, channels=["mastodon"]))
    assert fresh(wrong_channel).state == "in_review"
    shown = factories.send(factories.item(setting["campaign"], people=[(maria, "shown", None)], title="foto"))
    decide(app, maria, shown, scope=dict(YES, face=False))
    assert fresh(shown).state == "in_review"
    decide(app, maria, shown, scope=dict(YES, face=True))
    assert fresh(shown).state == "cleared"
    fixed = factories.send(factories.item(setting["campaign"], people=[(maria, "quoted", "anonymous")], title="anon"))
    decide(app, maria, fixed, scope=dict(YES, attribution="full_name"))
    assert fresh(fixed).state == "in_review"
    short = factories.send(factories.item(setting["campaign"], people=[(maria, "quoted", None)], title="corto"))
    decide(app, maria, short, scope=dict(YES, valid_until=LAST_DAY))
    assert fresh(short).state == "cleared"
    with app.app_context():
        assert clearance(fresh(short), today=LAST_DAY).cleared
        assert not clearance(fresh(short), today=LAST_DAY + timedelta(days=1)).cleared
    with app.app_context(), pytest.raises(ledger.DecisionRefused):
        ledger.record_decision(maria, "item", fresh(short), short.content_hash, "given", method="review_page",
                               scope=dict(YES, valid_until=LONG_AGO))


def test_editing_makes_a_new_version_that_voids_consent(setting, factories, login):
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    decide(app, setting["maria"], item)
    assert fresh(item).state == "cleared"
    session = login("comms")
    response = session.post(f"/items/{item.id}/edit", {
        "campaign": str(setting["campaign"].id), "title": item.title, "kind": "post", "language": "es",
        "channel": "x", "text": item.text.replace("trabajo", "empleo", 1),
        "people-0-activist": str(setting["maria"].id), "people-0-appearance": "quoted",
        "people-0-attribution": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    edited = fresh(item)
    assert (edited.state, edited.version) == ("draft", 2)
    assert edited.content_hash != item.content_hash
    assert ItemVersion.select().where(ItemVersion.item == item).count() == 2
    assert Decision.latest(setting["maria"].id, "item", item.id).outcome == "invalidated"
    assert session.get(f"/items/{item.id}/export.txt").status_code == 409


def test_refusal_or_change_request_sends_back_to_draft(setting, factories):
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    with pytest.raises(ledger.DecisionRefused):
        decide(app, setting["maria"], item, "changes_requested", comment="  ")
    decide(app, setting["maria"], item, "changes_requested", comment="Sin mi apellido, por favor")
    assert fresh(item).state == "draft"


def test_items_use_only_approved_messages(setting, factories, login):
    message = factories.message(setting["campaign"])
    variant = factories.variant(message)
    item = factories.item(setting["campaign"], variants=[variant])
    session = login("comms")
    session.post(f"/items/{item.id}/review", {})
    assert fresh(item).state == "draft"
    factories.approve(variant, setting["maria"])
    session.post(f"/items/{item.id}/review", {})
    assert fresh(item).state == "cleared"  # nobody named: the movement's approval is enough
    session.post(f"/campaigns/{setting['campaign'].slug}/messages/{message.key}/variants/es/edit",
                 {"language": "es", "short_form": "Cambiado", "long_form": "Cambiado también"})
    with setting["app"].app_context():
        assert not clearance(fresh(item)).cleared


def test_high_risk_needs_a_second_staff_members_safety_check_before_review(setting, factories, login, make_user):
    """The gate at sending; the same rule at clearance time is in test_clearance_rules.py."""
    author = login("comms")
    rosa = factories.activist("Rosa M.", risk_level="high", pseudonym="Rosa del Sur")
    item = factories.item(setting["campaign"], people=[(rosa, "quoted", "pseudonym")], author=author.user)
    author.post(f"/items/{item.id}/review", {})
    assert fresh(item).state == "draft"
    author.post(f"/items/{item.id}/safety", {"note": "Solo seudónimo, sin lugar"})
    assert fresh(item).state == "draft"
    assert "someone other than the author" in author.get(f"/items/{item.id}").get_data(as_text=True)
    colleague = login("comms")
    colleague.post(f"/items/{item.id}/safety", {"note": "Revisado: sin cara ni lugar"})
    author.post(f"/items/{item.id}/review", {})
    assert fresh(item).state == "in_review"


def test_minor_needs_guardian_and_own_agreement(setting, factories):
    app = setting["app"]
    young = factories.activist("Joven", minor=True)
    item = factories.send(factories.item(setting["campaign"], people=[(young, "named", None)]))
    with pytest.raises(ledger.DecisionRefused):
        decide(app, young, item, guardian_name="Madre", guardian_relationship="")
    with pytest.raises(ledger.DecisionRefused):
        decide(app, young, item, guardian_name="Carmen", guardian_relationship="madre", minor_agrees=False)
    decide(app, young, item, guardian_name="Carmen", guardian_relationship="madre", minor_agrees=True)
    assert fresh(item).state == "cleared"


def test_publish_and_export_accept_cleared_items_only(setting, factories, login):
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    session = login("comms")
    session.post(f"/items/{item.id}/publications", {"channel": "x", "url": "https://x.example/1"})
    assert Publication.select().count() == 0
    assert session.get(f"/items/{item.id}/export.txt").status_code == 409
    decide(setting["app"], setting["maria"], item)
    exported = session.get(f"/items/{item.id}/export.txt")
    assert exported.status_code == 200 and "Flor del Valle" in exported.get_data(as_text=True)
    assert session.post(f"/items/{item.id}/publications", {"channel": "x", "url": "https://x.example/1"}).status_code == 302
    assert fresh(item).state == "published" and Publication.select().count() == 1


def test_withdrawal_fills_the_takedown_queue_until_staff_confirm(setting, factories, login):
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    decide(app, setting["maria"], item)
    session = login("comms")
    session.post(f"/items/{item.id}/publications", {"channel": "x", "url": "https://x.example/1"})
    session.post(f"/items/{item.id}/publications", {"channel": "mastodon", "url": "https://m.example/2"})
    with app.app_context():
        ledger.withdraw(setting["maria"], fresh(item), method="phone", recorded_by=session.user)
    assert fresh(item).state == "takedown_required"
    queue = session.get("/consent/takedowns").get_data(as_text=True)
    assert "https://x.example/1" in queue and "https://m.example/2" in queue
    for publication in list(Publication.select()):
        session.post(f"/items/publications/{publication.id}/taken-down", {})
    assert fresh(item).state == "taken_down"
    assert "Nothing to take down." in session.get("/consent/takedowns").get_data(as_text=True)


def test_staff_recorded_decision_names_recorder_witness_and_notice(setting, factories, login):
    item = factories.send(factories.item(setting["campaign"], people=[(setting["ana"], "named", None)]))
    session = login("events")
    page = session.get(f"/consent/items/{item.id}/people/{setting['ana'].id}").get_data(as_text=True)
    assert "Notice to read" in page and "withdraw" in page.lower()
    response = session.post(f"/consent/items/{item.id}/people/{setting['ana'].id}", {
        "content_hash": item.content_hash, "request_key": "k1", "outcome": "given", "method": "phone",
        "witness": "Lucía (colega)", "notice_version": "v1", "notice_language": "pt",
        "channels": ["x"], "attribution": "first_name", "valid_until": "", "comment": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    decision = Decision.latest(setting["ana"].id, "item", item.id)
    assert (decision.outcome, decision.method, decision.recorded_by) == ("given", "phone", session.user.id)
    assert (decision.witness, decision.notice_version, decision.notice_language) == ("Lucía (colega)", "v1", "pt")
    assert len(decision.notice_hash) == 64
    with setting["app"].app_context(), pytest.raises(ledger.DecisionRefused):
        ledger.record_decision(setting["ana"], "item", fresh(item), item.content_hash, "given",
                               method="phone", scope=YES)  # no recorder


def test_double_submitted_decision_records_once(setting, factories):
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    first = decide(app, setting["maria"], item, request_key="same-form")
    second = decide(app, setting["maria"], item, request_key="same-form")
    assert first.id == second.id
    assert Decision.select().where(Decision.outcome == "given").count() == 1


def test_the_same_form_sent_from_four_tabs_at_once_records_one_decision(setting, factories):
    """The early look-up misses a twin that has not committed yet: the unique request key
    then refuses the second row, and each sender gets the one decision recorded."""
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    barrier, answers, errors = threading.Barrier(4), [], []

    def send():
        try:
            barrier.wait()
            answers.append(decide(app, setting["maria"], item, request_key="one-form").id)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            database.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(answers)) == 1 and len(answers) == 4
    assert Decision.select().where(Decision.outcome == "given").count() == 1


@pytest.mark.parametrize("scope, field", [
    ({**YES, "channels": []}, "channels"),
    ({**YES, "channels": ["myspace"]}, "channels"),
    ({**YES, "attribution": "nickname"}, "attribution"),
    ({k: v for k, v in YES.items() if k != "attribution"}, "attribution"),
    ({**YES, "valid_until": "30/06/2099"}, "valid_until"),
    ({**YES, "valid_until": "2020-01-01"}, "valid_until"),
], ids=["no-channel", "unknown-channel", "unknown-attribution", "no-attribution", "date-form", "date-passed"])
def test_the_ledger_itself_refuses_a_yes_without_a_valid_scope(setting, factories, scope, field):
    """Whatever form sent it: the yes names where, how she is named, and a future end."""
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    with pytest.raises(ledger.DecisionRefused) as refused:
        decide(setting["app"], setting["maria"], item, scope=scope)
    assert refused.value.field == field
    assert not Decision.select().where(Decision.outcome == "given").exists()


def test_a_yes_until_a_date_written_as_text_keeps_that_date(setting, factories):
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    decision = decide(setting["app"], setting["maria"], item, scope={**YES, "valid_until": "2099-06-30"})
    assert json.loads(decision.scope)["valid_until"] == "2099-06-30"


def test_two_people_deciding_at_once_are_both_recorded(setting, factories):
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None),
                                                                      (setting["ana"], "named", None)]))
    barrier = threading.Barrier(2)
    errors = []

    def answer(person):
        try:
            barrier.wait()
            decide(app, person, item)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            database.close()

    threads = [threading.Thread(target=answer, args=(p,)) for p in (setting["maria"], setting["ana"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Decision.select().where(Decision.outcome == "given").count() == 2
    with app.app_context():
        Decision.verify()
    assert fresh(item).state == "cleared"


def test_stale_version_is_refused(setting, factories):
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    with pytest.raises(ledger.StaleVersion):
        decide(app, setting["maria"], item, content_hash="0" * 64)


def test_ledger_verify_names_altered_removed_and_reordered_records(setting, factories):
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    decide(app, setting["maria"], item)
    decide(app, setting["maria"], item, "withdrawn", content_hash=item.content_hash)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["consent", "verify"])
    assert ok.exit_code == 0 and "intact: 3 records" in ok.output

    Decision.update(scope=json.dumps({"channels": ["x", "tiktok"]})).where(Decision.seq == 2).execute()
    bad = runner.invoke(args=["consent", "verify"])
    assert bad.exit_code == 1 and "record 2" in bad.output


def test_ledger_verify_detects_removal_and_reordering(setting, factories):
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    decide(app, setting["maria"], item)
    decide(app, setting["maria"], item, "withdrawn")
    with app.app_context():
        rows = list(Decision.select().order_by(Decision.seq))
        # Swap the contents of records 2 and 3 (as if reordered), keeping each row's hashes.
        Decision.update(seq=-2).where(Decision.id == rows[1].id).execute()
        Decision.update(seq=2).where(Decision.id == rows[2].id).execute()
        Decision.update(seq=3).where(Decision.id == rows[1].id).execute()
        with pytest.raises(ChainBroken) as broken:
            Decision.verify()
        assert (broken.value.seq, broken.value.reason) == (
            2, "does not follow the previous entry (reordered or inserted)")
        Decision.delete().where(Decision.id == rows[2].id).execute()
        with pytest.raises(ChainBroken) as broken:
            Decision.verify()
        assert (broken.value.seq, broken.value.reason) == (2, "missing (removed)")


def test_receipt_json_is_shaped_after_iso_27560(setting, factories, login):
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    with setting["app"].app_context():
        from amplify.consent import notices

        notice = notices.for_item(fresh(item), "es", None)
    decision = decide(setting["app"], setting["maria"], item, notice=notice)
    session = login("comms")
    data = session.get(f"/consent/decisions/{decision.id}.json").get_json()
    assert set(data) == {"header", "processing", "parties", "events"}
    assert data["processing"]["subject"]["content_sha256"] == item.content_hash
    assert data["processing"]["notice"] == {"version": "v2", "language": "es", "sha256": notice.hash}
    assert data["processing"]["attribution"] == "pseudonym"
    assert [e["type"] for e in data["events"]] == ["requested", "given"]
    assert data["events"][-1]["state"] == "dpv:ConsentGiven"
    assert {"pii_principal", "controller"} <= {p["role"] for p in data["parties"]}


def test_receipt_names_the_organisation_with_a_uuid_and_the_data_it_covers(setting, factories, login, app):
    import uuid

    from amplify.people.models import Organization

    union = factories.organization("Sindicato del Hogar")
    Organization.update(trade_union=True).where(Organization.id == union.id).execute()
    ana = factories.activist("Ana Quispe", organization=union.id)
    item = factories.send(factories.item(setting["campaign"], people=[(ana, "quoted", None)]))
    with app.app_context():
        ledger.record_decision(ana, "item", item, item.content_hash, "changes_requested", method="review_page",
                               comment="Sin mi apellido")
    decision = decide(app, ana, fresh(item))
    app.config.update(ORGANIZATION_NAME="Red de Apoyo", ORGANIZATION_EMAIL="datos@red.example",
                      ORGANIZATION_ADDRESS="Av. Siempre Viva 1, Lima", ORGANIZATION_CONTACT="Oficina de datos",
                      PRIVACY_POLICY_URL="https://red.example/privacidad", JURISDICTION="PE")
    session = login("comms")
    response = session.get(f"/consent/decisions/{decision.id}.json")
    data = response.get_json()
    header, processing = data["header"], data["processing"]
    assert uuid.UUID(header["record_id"]).version == 5 and header["ledger_record"] == f"decision-{decision.seq}"
    assert header["record_id"] in response.headers["Content-Disposition"]
    assert session.get(f"/consent/decisions/{decision.id}.json").get_json()["header"]["record_id"] == header["record_id"]
    assert header["namespaces"]["dpv"] == "https://w3id.org/dpv#" and header["schema_version"] == "2"
    controller = next(p for p in data["parties"] if p["role"] == "controller")
    assert controller == {"role": "controller", "name": "Red de Apoyo", "contact": "Oficina de datos",
                          "address": "Av. Siempre Viva 1, Lima", "email": "datos@red.example",
                          "privacy_policy": "https://red.example/privacidad", "jurisdiction": "PE"}
    assert "Amplify" not in processing["controllers"] and processing["jurisdiction"] == "PE"
    assert processing["consent_time"] == data["events"][-1]["time"]
    assert processing["legal_basis"] == ["dpv:Consent", "dpv:ExplicitlyExpressedConsent"]
    assert processing["personal_data"] == ["pd:Name", "pd:Opinion"]
    assert processing["sensitive"] is True and processing["special_categories"] == ["pd:TradeUnionMembership"]
    assert [e["state"] for e in data["events"]][-2:] == ["dpv:ConsentRequestDeferred", "dpv:ConsentGiven"]
    page = session.get(f"/consent/decisions/{decision.id}").get_data(as_text=True)
    assert header["record_id"] in page and "Red de Apoyo" in page and "datos@red.example" in page
    # Another installation (another key) gives the same ledger record another id.
    app.config["AUDIT_KEY"] = "another-installation"
    other = session.get(f"/consent/decisions/{decision.id}.json").get_json()["header"]["record_id"]
    assert other != header["record_id"]


def test_notices_exist_for_every_language_and_say_what_matters(app, setting, factories):
    from amplify.consent import notices

    item = factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)])
    with app.app_context():
        texts = {lang: notices.for_item(fresh(item), lang, date(2027, 6, 30)) for lang in ("es", "pt", "en", "fr")}
    assert "The help you get from" in texts["en"].text and "stays the same" in texts["en"].text
    assert "take it back" in texts["en"].text and "Take it down" in texts["en"].text and "X" in texts["en"].text
    assert "La ayuda de" in texts["es"].text and "sigue igual" in texts["es"].text
    assert len({n.hash for n in texts.values()}) == 4


def test_spokesperson_approves_a_message_through_the_ledger(setting, factories, login):
    message = factories.message(setting["campaign"])
    variant = factories.variant(message)
    with setting["app"].app_context():
        ledger.record_decision(setting["maria"], "variant", variant, variant.content_hash, "given",
                               method="review_page")
    approved = factories.variant(message)
    assert (approved.state, approved.approved_by_id, approved.approval_method) == (
        "approved", setting["maria"].id, "review_page")
    # Staff recording an approval writes a ledger decision too.
    other = factories.message(setting["campaign"], title="Otro")
    factories.approve(factories.variant(other), setting["maria"])
    assert Decision.select().where((Decision.subject_type == "variant") & (Decision.outcome == "given")).count() == 2


def test_expire_records_expiry_and_lists_published_items(setting, factories, login):
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    decide(app, setting["maria"], item, scope=dict(YES, valid_until=LAST_DAY))
    session = login("comms")
    session.post(f"/items/{item.id}/publications", {"channel": "x", "url": ""})
    with app.app_context():
        assert ledger.expire(today=LAST_DAY) == []
        affected = ledger.expire(today=LAST_DAY + timedelta(days=1))
    assert [i.id for i in affected] == [item.id]
    assert Decision.latest(setting["maria"].id, "item", item.id).outcome == "expired"
    assert item.title in session.get("/consent/").get_data(as_text=True)


def test_a_write_refused_for_another_reason_than_a_twin_is_not_passed_off_as_one(setting, factories):
    """The unique request key's path answers only a double submission: any other refusal by
    the database (here a person who does not exist) is raised, and nothing is written."""
    app = setting["app"]
    item = factories.send(factories.item(setting["campaign"], people=[(setting["maria"], "quoted", None)]))
    before = Decision.select().count()
    nobody = Activist(id=987654, display_name="Nadie")
    with pytest.raises(peewee.IntegrityError):
        decide(app, nobody, item, outcome="refused", request_key="a-form")
    assert Decision.select().count() == before
    assert Decision.get_or_none(Decision.request_key == "a-form") is None
