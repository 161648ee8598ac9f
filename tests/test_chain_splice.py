"""The keyed hash chains (consent ledger, audit log): a validly signed row spliced in from
elsewhere is caught by its link, a known record keeps its known hash, and appends on
PostgreSQL are serialised by the advisory lock."""

import json
import threading
from datetime import datetime, timezone

import pytest

from amplify.audit.models import AuditEvent
from amplify.chain import CHAIN_LOCK, GENESIS, ChainBroken
from amplify.consent.models import Decision
from amplify.db import database, is_postgres
from tests.conftest import USE_PG

AT = datetime(2026, 11, 28, 12, 30, 15, 123456, tzinfo=timezone.utc)
# The hashes of the records below under the test AUDIT_KEY. A change of serialisation
# (field order, JSON form, time format, key derivation) changes them — and would make
# every ledger already kept fail its verification. Change them only with a migration.
PINNED_DECISION = "ef2caf56f151814cfbd37137e765f752ae1b0175390cd1e8a6e9e7642e767cb0"
PINNED_DECISION_COMMITTED = "bc312c9cca081ceef9b1feb2f5d6814adaa977572698415c7ae71205dfa8a7cf"
PINNED_AUDIT = "a5978271c4dc81e97504d352caa955b72e0b2b39404d45a55b56975fe14ca90e"


@pytest.fixture
def person(app, factories):
    return factories.activist("María Quispe", pseudonym="Flor del Valle")


def append_decision(app, person, outcome="requested", subject_id=1, **fields):
    values = dict(at=AT, activist=person.id, subject_type="item", subject_id=subject_id,
                  content_hash="c" * 64, outcome=outcome, scope="{}", method="system")
    values.update(fields)
    with app.app_context(), database.atomic():
        return Decision.append(**values)


def test_a_validly_signed_row_that_does_not_follow_is_caught(app, person):
    for n in range(1, 4):
        append_decision(app, person, subject_id=n)
    with app.app_context():
        assert Decision.verify()[0] == 3
        key = Decision.chain_key()
        # A record from a backup (another history of this instance): signed with the
        # instance's key, but after a different predecessor.
        row = Decision.get(Decision.seq == 2)
        stranger = Decision(seq=2, prev_hash="b" * 64, at=AT, activist=person.id, subject_type="item",
                            subject_id=99, content_hash="d" * 64, outcome="given",
                            scope=json.dumps({"channels": ["x"]}), method="review_page",
                            personal_sha256=row.personal_sha256)
        stranger.hash = stranger.expected_hash(key)
        Decision.update(prev_hash=stranger.prev_hash, hash=stranger.hash, subject_id=99,
                        content_hash=stranger.content_hash, outcome="given", scope=stranger.scope,
                        method="review_page").where(Decision.id == row.id).execute()
        assert Decision.get(Decision.seq == 2).expected_hash(key) == stranger.hash  # its own seal is valid
        with pytest.raises(ChainBroken) as broken:
            Decision.verify()
    assert broken.value.seq == 2
    assert "does not follow" in broken.value.reason


def test_a_row_that_follows_but_was_altered_is_caught_by_its_seal(app, person):
    for n in range(1, 3):
        append_decision(app, person, subject_id=n)
    Decision.update(outcome="given").where(Decision.seq == 2).execute()
    with app.app_context(), pytest.raises(ChainBroken) as broken:
        Decision.verify()
    assert (broken.value.seq, broken.value.reason) == (2, "content was altered")


def test_the_first_row_must_follow_the_genesis(app, person):
    append_decision(app, person)
    with app.app_context():
        row = Decision.get(Decision.seq == 1)
        row.prev_hash = "a" * 64
        row.hash = row.expected_hash(Decision.chain_key())
        Decision.update(prev_hash=row.prev_hash, hash=row.hash).where(Decision.id == row.id).execute()
        with pytest.raises(ChainBroken) as broken:
            Decision.verify()
    assert broken.value.seq == 1 and "does not follow" in broken.value.reason


def test_a_removed_last_row_leaves_a_shorter_intact_chain_that_the_checkpoint_catches(app, person):
    """What a chain alone cannot see — its end cut off — the checkpoint outside the
    database does."""
    for n in range(1, 4):
        append_decision(app, person, subject_id=n)
    with app.app_context():
        count, head = Decision.verify()
        Decision.delete().where(Decision.seq == 3).execute()
        with pytest.raises(ChainBroken, match="removed from the end"):
            Decision.verify()
    assert count == 3 and head != Decision.get(Decision.seq == 2).hash


KNOWN = dict(outcome="given", content_hash="a" * 64,
             scope=json.dumps({"attribution": "pseudonym", "channels": ["x"], "face": False,
                               "valid_until": "2027-06-30"}, sort_keys=True),
             method="phone", recorded_by=7, witness="Lucía", notice_version="v1",
             notice_language="es", notice_hash="e" * 64, comment="Sí, con seudónimo",
             request_key="form-1")


def test_a_known_decision_keeps_its_known_hash(app, person):
    """Records written before issue 18 (no commitment: the hash covers the personal fields)
    keep their hash; records since then are signed over the commitment instead."""
    assert person.id == 1
    decision = append_decision(app, person, personal_salt="s" * 32, **KNOWN)
    assert (decision.seq, decision.prev_hash) == (1, GENESIS)
    assert decision.hash == PINNED_DECISION_COMMITTED
    with app.app_context():
        stored = Decision.get_by_id(decision.id)  # read back from the database
        assert stored.expected_hash(Decision.chain_key()) == PINNED_DECISION_COMMITTED
        assert Decision.verify() == (1, PINNED_DECISION_COMMITTED)
        stored.personal_sha256 = None  # as written before issue 18
        assert stored.expected_hash(Decision.chain_key()) == PINNED_DECISION


def test_a_known_audit_entry_keeps_its_known_hash(app):
    with app.app_context(), database.atomic():
        entry = AuditEvent.append(at=AT, actor_id=3, actor_label="ana@example.org", action="item.publish",
                                  subject_type="item", subject_id="12",
                                  summary=json.dumps({"url": "https://x.example/1"}, sort_keys=True))
    with app.app_context():
        stored = AuditEvent.get_by_id(entry.id)
        stored.seq, stored.prev_hash = 1, GENESIS  # as if it were the first entry
        assert stored.expected_hash(AuditEvent.chain_key()) == PINNED_AUDIT


def test_each_chain_has_its_own_key_derived_from_the_instance_key(app):
    with app.app_context():
        decision_key, audit_key = Decision.chain_key(), AuditEvent.chain_key()
        app.config["AUDIT_KEY"] = "another-instance"
        other = Decision.chain_key()
    assert decision_key != audit_key and other != decision_key


def test_concurrent_appends_all_land_one_after_the_other(app, person):
    """Eight writers at once: contiguous sequence numbers, an intact chain (on PostgreSQL
    through the advisory lock, on SQLite through IMMEDIATE transactions)."""
    barrier = threading.Barrier(8)
    errors = []

    def write(number):
        try:
            barrier.wait()
            append_decision(app, person, subject_id=number)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            database.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert [d.seq for d in Decision.select().order_by(Decision.seq)] == list(range(1, 9))
    assert sorted(d.subject_id for d in Decision.select()) == list(range(8))
    with app.app_context():
        assert Decision.verify()[0] == 8


@pytest.mark.skipif(not USE_PG, reason="the advisory lock is PostgreSQL's")
def test_on_postgresql_an_append_holds_the_chains_advisory_lock_until_commit(app, person):
    """One lock for every chain of this schema (two locks taken in opposite orders by the
    ledger and the audit log deadlocked): ``pg_advisory_xact_lock(CHAIN_LOCK, schema)``."""

    def held():
        return database.execute_sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objsubid = 2"
            " AND pid = pg_backend_pid()", (CHAIN_LOCK,)).fetchone()[0]

    with app.app_context():
        assert is_postgres()
        with database.atomic():
            assert held() == 0
            Decision.append(at=AT, activist=person.id, subject_type="item", subject_id=1, content_hash="c" * 64,
                            outcome="requested", scope="{}", method="system")
            assert held() == 1
        assert held() == 0
        assert Decision.verify()[0] == 1
