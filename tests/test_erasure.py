"""Her data erased on request (issue 18): refused while anything naming her is published;
then her personal fields are gone and both chains still verify, counting the records with
erased personal data — also a ledger written before the upgrade."""

import json
from datetime import date, datetime, timezone

import pytest

from amplify import migrations
from amplify.audit.models import AuditEvent
from amplify.chain import GENESIS, ChainBroken
from amplify.consent import ledger
from amplify.consent.models import Decision
from amplify.db import database
from amplify.invitations.models import Invitation, Reminder
from amplify.items.changes import confirm_takedown, publish
from amplify.items.models import Item, ItemVersion, Publication
from amplify.people.models import Activist, save_activist
from amplify.protection import erasure
from amplify.protection.retention import purge_due
from tests.conftest import USE_PG


@pytest.fixture
def rosa(app, factories, make_user):
    """Rosa said yes by phone before a witness to a post that was published."""
    person = factories.activist("Rosa Huamán", contact_channels=[{"kind": "WhatsApp", "value": "+51 900 1"}],
                                notes="Vive cerca del mercado")
    campaign = factories.campaign()
    item = factories.send(factories.item(campaign, people=[(person, "quoted", None)], title="Cita",
                                         text=f"«Exigimos derechos» — {{{person.ref}}}"))
    staff = make_user("comms")
    with app.app_context():
        ledger.record_decision(person, "item", item, item.content_hash, "given", method="phone",
                               scope={"channels": ["x"], "attribution": "full_name"}, recorded_by=staff,
                               witness="Lucía Vecina", comment="Sí, con mi nombre completo")
        publication = publish(Item.get_by_id(item.id), staff, "x", "https://x.example/rosa")
    invitation = factories.invitation(activist=Activist.get_by_id(person.id))
    Invitation.update(passport_number="AB123456", checkin_contact="Su hermana +51 900 2").where(
        Invitation.id == invitation.id).execute()
    Reminder.create(invitation=invitation, event=invitation.event_id, kind="no_answer", due_on=date.today(),
                    recipient="+51 900 1", subject="Rosa, ¿vienes?", body="Hola Rosa Huamán")
    return {"person": Activist.get_by_id(person.id), "item": item, "publication": publication, "staff": staff,
            "invitation": invitation}


def test_erasure_waits_for_the_take_down_then_leaves_the_chains_verifiable(app, rosa, login, make_user):
    admin = login("admin")
    url = f"/people/{rosa['person'].id}/data/erase"
    assert login("comms").post(url, {"erase-reason": "Lo pidió"}).status_code == 403
    refused = admin.post(url, {"erase-reason": "Lo pidió por WhatsApp (LGPD art. 18)"})
    assert refused.status_code == 400 and "still published" in refused.get_data(as_text=True)
    assert Activist.get_by_id(rosa["person"].id).erased_at is None

    with app.app_context():
        ledger.record_decision(rosa["person"], "item", rosa["item"], rosa["item"].content_hash, "withdrawn",
                               method="review_page")
        confirm_takedown(Publication.get_by_id(rosa["publication"].id), rosa["staff"])
    assert admin.post(url, {"erase-reason": ""}).status_code == 400
    done = admin.post(url, {"erase-reason": "Lo pidió por WhatsApp (LGPD art. 18)"})
    assert done.status_code == 302

    person = Activist.get_by_id(rosa["person"].id)
    assert person.erased_at and person.display_name == f"erased-{person.id}" and person.contact_channels == []
    assert person.notes == ""
    invitation = Invitation.get_by_id(rosa["invitation"].id)
    assert invitation.passport_number == "" and invitation.checkin_contact == ""
    decisions = list(Decision.select().where(Decision.activist == person.id))
    assert all(d.erased_at and d.witness == "" and d.comment == "" and d.personal_salt == "" for d in decisions)
    assert all(d.personal_sha256 for d in decisions)  # the commitment stays
    everything = " ".join(json.dumps(row, default=str) for row in (
        list(Decision.select().dicts()) + list(AuditEvent.select().dicts()) + list(Activist.select().dicts())
        + list(Item.select().dicts()) + list(ItemVersion.select().dicts()) + list(Invitation.select().dicts())
        + list(Reminder.select().dicts())))
    for secret in ("Rosa", "Huamán", "Lucía Vecina", "nombre completo", "+51 900", "AB123456", "mercado"):
        assert secret not in everything, secret
    assert f"erased-{person.id}" in Item.get_by_id(rosa["item"].id).text

    runner = app.test_cli_runner()
    consent = runner.invoke(args=["consent", "verify"])
    assert consent.exit_code == 0, consent.output
    assert f"{len(decisions)} records with erased personal data" in consent.output
    trail = runner.invoke(args=["audit", "verify"])
    assert trail.exit_code == 0, trail.output
    assert "entries with erased personal data" in trail.output and not trail.output.startswith("0 ")
    again = admin.post(url, {"erase-reason": "otra vez"})
    assert again.status_code == 400 and "already erased" in again.get_data(as_text=True)


def test_a_personal_field_changed_after_signing_is_caught(app, rosa):
    with app.app_context():
        row = Decision.select().where(Decision.witness != "").get()
        Decision.update(witness="Otra persona").where(Decision.id == row.id).execute()
        with pytest.raises(ChainBroken, match="commitment"):
            Decision.verify()


def test_erasure_for_someone_who_does_not_exist_is_not_found(login):
    assert login("admin").post("/people/999999/data/erase", {"erase-reason": "x"}).status_code == 404


def _mark():
    return "%s" if USE_PG else "?"


def test_a_ledger_written_before_the_upgrade_verifies_and_can_be_erased(make_app):
    """Records and audit entries as today's code wrote them (hash over the personal fields)
    verify after the upgrade, and once erased they are sealed and still verify."""
    app = make_app(migrate=False)
    migrations.upgrade(database.obj, target=21)
    mark, now = _mark(), "2026-01-01 10:00:00"
    database.execute_sql(
        "INSERT INTO activist (ref, display_name, pseudonym, country, languages, preferred_language,"
        " contact_channels, risk_level, default_attribution, face_may_be_shown, minor, notes, created_at,"
        " updated_at) VALUES"
        f" ('rosa', 'Rosa Huamán', '', 'PE', '[]', '', '[]', 'low', 'full_name', {mark}, {mark}, '', {mark}, {mark})",
        (False, False, now, now))
    person = database.execute_sql("SELECT id FROM activist WHERE ref = 'rosa'").fetchone()[0]
    asked = datetime(2026, 1, 2, 8, 0, tzinfo=timezone.utc)
    answered = datetime(2026, 1, 2, 11, 0, tzinfo=timezone.utc)
    with app.app_context():
        prev = GENESIS
        for seq, (at, outcome, witness, comment, waited) in enumerate((
                (asked, "requested", "", "", None),
                (answered, "given", "Lucía Vecina", "Sí, con mi nombre", 3 * 3600.0)), start=1):
            values = dict(seq=seq, prev_hash=prev, at=at, activist=person, subject_type="item", subject_id=1,
                          content_hash="h" * 64, outcome=outcome, scope="{}", method="phone", witness=witness,
                          comment=comment)
            signed = Decision(**values).expected_hash(Decision.chain_key())  # today's formula, pinned
            database.execute_sql(
                "INSERT INTO decision (seq, prev_hash, hash, at, activist_id, subject_type, subject_id, content_hash,"
                " outcome, scope, method, witness, notice_version, notice_language, notice_hash, comment,"
                " guardian_name, guardian_relationship, waited_seconds) VALUES"
                f" ({mark}, {mark}, {mark}, {mark}, {mark}, 'item', 1, {mark}, {mark}, '{{}}', 'phone', {mark},"
                f" '', '', '', {mark}, '', '', {mark})",
                (seq, prev, signed, at.replace(tzinfo=None), person, "h" * 64, outcome, witness, comment, waited))
            prev = signed
        entry = dict(seq=1, prev_hash=GENESIS, at=asked, actor_id=None, actor_label="ana@example.org",
                     action="activist.create", subject_type="activist", subject_id=str(person),
                     summary=json.dumps({"after": {"display_name": "Rosa Huamán"}}))
        signed = AuditEvent(**entry).expected_hash(AuditEvent.chain_key())
        database.execute_sql(
            "INSERT INTO audit_event (seq, prev_hash, hash, at, actor_id, actor_label, action, subject_type,"
            f" subject_id, summary) VALUES (1, {mark}, {mark}, {mark}, NULL, 'ana@example.org', 'activist.create',"
            f" 'activist', {mark}, {mark})", (GENESIS, signed, asked.replace(tzinfo=None), str(person), entry["summary"]))

    migrations.upgrade(database.obj)
    with app.app_context():
        assert Decision.verify() == (2, prev)
        assert AuditEvent.verify()[0] == 1
        counts = erasure.erase(Activist.get_by_id(person), "Lo pidió")
        assert counts["decisions"] == 2 and counts["audit_entries"] == 1
        assert Decision.verify() == (2, prev)  # the head is the same hash
        assert Decision.erased_count() == 2 and AuditEvent.erased_count() == 1
        assert AuditEvent.verify()[0] == 2
        sealed = Decision.get(Decision.seq == 2)
        assert sealed.witness == "" and sealed.personal_sha256 is None and sealed.erasure_seal
        # A sealed record is still guarded: change what it kept, or its seal, and verify says so.
        Decision.update(outcome="refused").where(Decision.id == sealed.id).execute()
        with pytest.raises(ChainBroken, match="altered"):
            Decision.verify()


def test_retention_lists_then_purges_inactive_people_unless_kept(app, factories, login):
    from amplify.feeds.tasks import daily
    from amplify.protection.models import RetentionHold

    long_ago = datetime(2023, 1, 5, tzinfo=timezone.utc)
    old = factories.activist("Ana Antigua", contact_channels=[{"kind": "Tel", "value": "+51 1"}])
    kept = factories.activist("Berta Guardada", contact_channels=[{"kind": "Tel", "value": "+51 2"}])
    recent = factories.activist("Carla Reciente", contact_channels=[{"kind": "Tel", "value": "+51 3"}])
    invitation = factories.invitation(activist=Activist.get_by_id(old.id))
    Invitation.update(passport_number="P-1", checkin_contact="Hermana", mitigation="Ruta segura",
                      updated_at=long_ago).where(Invitation.id == invitation.id).execute()
    Activist.update(updated_at=long_ago).where(Activist.id.in_([old.id, kept.id])).execute()

    staff = login("events")
    page = staff.get("/people/retention").get_data(as_text=True)
    assert "Ana Antigua" in page and "Berta Guardada" in page and "Carla Reciente" not in page
    assert login("viewer").get("/people/retention").status_code == 403
    refused = staff.post(f"/people/{kept.id}/retention/keep", {"reason": " "})
    assert refused.status_code == 400 and "Say why" in refused.get_data(as_text=True)
    assert staff.post(f"/people/{kept.id}/retention/keep", {"reason": "Viaja a Ginebra en junio"}).status_code == 302
    assert RetentionHold.get().reason == "Viaja a Ginebra en junio"
    assert "Berta Guardada</a>" not in staff.get("/people/retention").get_data(as_text=True)

    with app.app_context():
        daily()
    assert Activist.get_by_id(old.id).contact_channels == []
    purged = Invitation.get_by_id(invitation.id)
    assert (purged.passport_number, purged.checkin_contact, purged.mitigation) == ("", "", "")
    assert Activist.get_by_id(kept.id).contact_channels and Activist.get_by_id(recent.id).contact_channels
    event = AuditEvent.select().where(AuditEvent.action == "activist.retention_purge").get()
    assert event.subject_id == str(old.id) and "P-1" not in event.summary
    assert "Ana Antigua</a>" not in staff.get("/people/retention").get_data(as_text=True)


def test_retention_off_purges_nothing(make_app):
    app = make_app(RETENTION_MONTHS=0)

    with app.app_context():
        person = save_activist(Activist(), display_name="Dora", country="PE", risk_level="low",
                               default_attribution="full_name", contact_channels=[{"kind": "Tel", "value": "1"}])
        Activist.update(updated_at=datetime(2020, 1, 1, tzinfo=timezone.utc)).where(Activist.id == person.id).execute()
        assert purge_due(date.today()) == 0
    assert Activist.get_by_id(person.id).contact_channels


def test_a_row_is_erased_once_and_an_altered_row_is_never_sealed(app, rosa):
    """Erasing again changes nothing (and says so); a row changed behind the ledger's back
    is refused: sealing it would vouch for what she never said."""
    with app.app_context():
        given = Decision.select().where(Decision.witness != "").get()
        with database.atomic():
            assert given.erase_personal() is True
        again = Decision.get_by_id(given.id)
        sealed = again.erasure_seal
        with database.atomic():
            assert again.erase_personal() is False
        assert Decision.get_by_id(given.id).erasure_seal == sealed
        other = Decision.select().where((Decision.id != given.id) & Decision.erased_at.is_null()).first()
        Decision.update(outcome="refused" if other.outcome != "refused" else "given").where(
            Decision.id == other.id).execute()
        with database.atomic(), pytest.raises(ChainBroken, match="content was altered: not erased"):
            Decision.get_by_id(other.id).erase_personal()
        assert Decision.get_by_id(other.id).erased_at is None
