"""The ends of the chains: signed checkpoints outside the database, an outside witness,
the reports' waiting times, and every way of tampering with the database that an
intruder without the key and the instance folder can try."""

import hashlib
import json
from pathlib import Path

import pytest

from amplify import audit
from amplify.audit.models import AuditEvent
from amplify.chain import ChainBroken, Checkpoint, write_checkpoint
from amplify.consent import ledger
from amplify.consent.models import Decision
from amplify.db import database
from amplify.items.models import Item

YES = {"channels": ["x"], "attribution": "pseudonym", "face": False, "valid_until": None}


@pytest.fixture
def world(app, factories):
    """María was asked, said yes, then withdrew: records 1 to 3 of the ledger."""
    org = factories.organization()
    maria = factories.activist("María Quispe", pseudonym="Flor del Valle", organization=org.id)
    campaign = factories.campaign()
    item = factories.send(factories.item(campaign, people=[(maria, "quoted", None)]))
    with app.app_context():
        ledger.record_decision(maria, "item", Item.get_by_id(item.id), item.content_hash, "given",
                               method="review_page", scope=YES)
        ledger.withdraw(maria, Item.get_by_id(item.id), method="review_page")
    return {"app": app, "item": item, "maria": maria}


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def rehash(model, seq, **changes):
    """Change a row and give it a hash made without the key, as an intruder would."""
    row = model.get(model.seq == seq)
    for name, value in changes.items():
        setattr(row, name, value)
    row.hash = hashlib.sha256(repr(changes).encode()).hexdigest()
    row.save()


def swap_decisions(a, b):
    first, second = Decision.get(Decision.seq == a), Decision.get(Decision.seq == b)
    Decision.update(seq=-1).where(Decision.id == first.id).execute()
    Decision.update(seq=a).where(Decision.id == second.id).execute()
    Decision.update(seq=b).where(Decision.id == first.id).execute()


def insert_forged_decision():
    """Shift records 2 and 3 up and put a made-up record 2 in between."""
    for seq in (3, 2):
        Decision.update(seq=seq + 1).where(Decision.seq == seq).execute()
    model = Decision.get(Decision.seq == 3)
    Decision.insert(seq=2, prev_hash=Decision.get(Decision.seq == 1).hash, hash="f" * 64, at=model.at,
                    activist=model.activist_id, subject_type="item", subject_id=model.subject_id,
                    content_hash=model.content_hash, outcome="given", scope=model.scope, method="phone",
                    recorded_by=None).execute()


def last(model):
    return model.select(model.seq).order_by(model.seq.desc()).scalar()


# (name, chain verified, tampering, what catches it): the links and HMACs of the chain
# alone caught the first 13; the last five went unseen until each chain's end was kept
# outside the database and the waiting times were recomputed.
TAMPERING = [
    ("decision: scope of record 2 widened", "consent",
     lambda: Decision.update(scope=json.dumps({"channels": ["x", "tiktok"]})).where(Decision.seq == 2).execute(), "chain"),
    ("decision: last outcome turned back to given", "consent",
     lambda: Decision.update(outcome="given").where(Decision.seq == 3).execute(), "chain"),
    ("decision: record 2 deleted", "consent", lambda: Decision.delete().where(Decision.seq == 2).execute(), "chain"),
    ("decision: records 2 and 3 swapped", "consent", lambda: swap_decisions(2, 3), "chain"),
    ("decision: record 3 rehashed without the key", "consent",
     lambda: rehash(Decision, 3, comment="forged"), "chain"),
    ("decision: prev_hash of record 2 changed", "consent",
     lambda: Decision.update(prev_hash="0" * 64).where(Decision.seq == 2).execute(), "chain"),
    ("decision: time of the yes moved", "consent",
     lambda: database.execute_sql("UPDATE decision SET at = '2020-01-01 00:00:00' WHERE seq = 2"), "chain"),
    ("decision: forged record inserted", "consent", insert_forged_decision, "chain"),
    ("audit: summary of entry 2 altered", "audit",
     lambda: AuditEvent.update(summary='{"after": {"name": "forged"}}').where(AuditEvent.seq == 2).execute(), "chain"),
    ("audit: entry 2 deleted", "audit", lambda: AuditEvent.delete().where(AuditEvent.seq == 2).execute(), "chain"),
    ("audit: last entry rehashed without the key", "audit",
     lambda: rehash(AuditEvent, last(AuditEvent), actor_label="someone-else"), "chain"),
    ("audit: action of entry 1 altered", "audit",
     lambda: AuditEvent.update(action="tampered").where(AuditEvent.seq == 1).execute(), "chain"),
    ("audit: actor of the last entry altered", "audit",
     lambda: AuditEvent.update(actor_label="nobody").where(AuditEvent.seq == last(AuditEvent)).execute(), "chain"),
    ("decision: last record (the withdrawal) deleted", "consent",
     lambda: Decision.delete().where(Decision.seq == 3).execute(), "checkpoint"),
    ("decision: every record deleted", "consent", lambda: Decision.delete().execute(), "checkpoint"),
    ("audit: last entry deleted", "audit",
     lambda: AuditEvent.delete().where(AuditEvent.seq == last(AuditEvent)).execute(), "checkpoint"),
    ("audit: every entry deleted", "audit", lambda: AuditEvent.delete().execute(), "checkpoint"),
    ("decision: waiting time of the yes altered", "consent",
     lambda: Decision.update(waited_seconds=Decision.waited_seconds + 86400).where(Decision.seq == 2).execute(), "waiting time"),
]


@pytest.mark.parametrize("name, chain, tamper, caught_by", TAMPERING, ids=[case[0] for case in TAMPERING])
def test_every_tampering_of_the_database_alone_is_detected(world, name, chain, tamper, caught_by):
    app = world["app"]
    assert run(app, chain, "verify").exit_code == 0
    tamper()
    result = run(app, chain, "verify")
    assert result.exit_code == 1, (name, result.output)
    assert "BROKEN" in result.output
    model = Decision if chain == "consent" else AuditEvent
    with app.app_context():
        if caught_by == "chain":
            with pytest.raises(ChainBroken):
                model.verify(against_checkpoint=False)
        elif caught_by == "checkpoint":
            model.verify(against_checkpoint=False)  # the rows left still link up
        else:
            assert "waiting time" in result.output


def test_removing_the_withdrawal_puts_the_item_back_but_verify_says_so(world):
    app = world["app"]
    Decision.delete().where(Decision.seq == 3).execute()
    with app.app_context():
        assert Decision.latest(world["maria"].id, "item", world["item"].id).outcome == "given"
    result = run(app, "consent", "verify")
    assert result.exit_code == 1
    assert "record 3: missing (removed from the end): the checkpoint outside the database counts 3" in result.output


def test_verify_prints_the_checkpoint_and_checks_an_outside_witness(world):
    app = world["app"]
    first = run(app, "consent", "verify")
    assert first.exit_code == 0, first.output
    head = first.output.split("head ")[1].split()[0]
    assert f"checkpoint: 3 records, head {head}" in first.output
    with app.app_context():
        ledger.expire()  # nothing expires: the chain stays as it is
        ledger.record_decision(world["maria"], "item", Item.get_by_id(world["item"].id),
                               world["item"].content_hash, "refused", method="review_page")
    witnessed = run(app, "consent", "verify", "--expect", head)
    assert witnessed.exit_code == 0, witnessed.output
    assert "intact: 4 records" in witnessed.output and f"witnessed head {head} is in the chain" in witnessed.output
    unknown = run(app, "consent", "verify", "--expect", "a" * 64)
    assert unknown.exit_code == 1 and f"the expected head {'a' * 64} is not in the chain" in unknown.output


def test_a_witness_catches_a_cut_even_with_the_instance_folder_rolled_back(world):
    """An intruder who also replaced the checkpoint with an older one (signed, from a
    backup) is still caught by a head kept somewhere else."""
    app = world["app"]
    with app.app_context():
        head = Decision.get(Decision.seq == 3).hash
        write_checkpoint(Decision.checkpoint_path(), Decision.chain_key(), "decision",
                         Checkpoint(2, Decision.get(Decision.seq == 2).hash))
    Decision.delete().where(Decision.seq == 3).execute()
    assert run(app, "consent", "verify").exit_code == 0
    assert run(app, "consent", "verify", "--expect", head).exit_code == 1


def test_a_checkpoint_left_behind_by_a_crash_is_not_tampering(world):
    """The checkpoint is written after the commit: a crash in between leaves it one
    write behind. The chain extends it, so verify passes, and the next write catches up."""
    app = world["app"]
    with app.app_context():
        behind = Checkpoint(2, Decision.get(Decision.seq == 2).hash)
        write_checkpoint(Decision.checkpoint_path(), Decision.chain_key(), "decision", behind)
    result = run(app, "consent", "verify")
    assert result.exit_code == 0, result.output
    assert "checkpoint: 2 records" in result.output and "the chain extends it by 1" in result.output
    with app.app_context():
        ledger.record_decision(world["maria"], "item", Item.get_by_id(world["item"].id),
                               world["item"].content_hash, "refused", method="review_page")
        assert Decision.checkpoint() == (4, Decision.get(Decision.seq == 4).hash)


def test_writes_after_a_cut_never_move_the_checkpoint_past_it(world):
    """Delete the withdrawal, then let Amplify go on writing: the new records do not
    follow the checkpoint's head, so the checkpoint stays and verify names the place."""
    app = world["app"]
    Decision.delete().where(Decision.seq == 3).execute()
    with app.app_context():
        item = Item.get_by_id(world["item"].id)
        for outcome in ("refused", "given"):
            ledger.record_decision(world["maria"], "item", item, item.content_hash, outcome,
                                   method="review_page", scope=YES)
        assert Decision.checkpoint().length == 3
    result = run(app, "consent", "verify")
    assert result.exit_code == 1
    assert "record 3: is not the head the checkpoint outside the database recorded" in result.output


def test_a_rolled_back_append_is_never_claimed_by_the_checkpoint(world):
    app = world["app"]
    with app.app_context():
        before = Decision.checkpoint()
        with pytest.raises(ZeroDivisionError), database.atomic():
            audit.record("test.rollback", None, {}, subject_type="t", subject_id=1)
            Decision.append(at=Decision.get(Decision.seq == 3).at, activist=world["maria"].id,
                            subject_type="item", subject_id=world["item"].id, content_hash="h",
                            outcome="requested", scope="{}", method="system")
            1 / 0
        assert Decision.checkpoint() == before
        with database.atomic():  # a savepoint rolled back inside a transaction that commits
            audit.record("test.outer", None, {}, subject_type="t", subject_id=1)
            try:
                with database.atomic():
                    Decision.append(at=Decision.get(Decision.seq == 3).at, activist=world["maria"].id,
                                    subject_type="item", subject_id=world["item"].id, content_hash="h",
                                    outcome="requested", scope="{}", method="system")
                    1 / 0
            except ZeroDivisionError:
                pass
        assert Decision.checkpoint() == before
        assert AuditEvent.checkpoint() == (last(AuditEvent), AuditEvent.get(AuditEvent.seq == last(AuditEvent)).hash)
    assert run(app, "consent", "verify").exit_code == 0
    assert run(app, "audit", "verify").exit_code == 0


def test_an_edited_checkpoint_file_is_refused(world):
    app = world["app"]
    with app.app_context():
        path = Decision.checkpoint_path()
    # Where the README's backups say it is: the instance folder's checkpoints/, one file a chain.
    assert path == Path(app.config["INSTANCE_PATH"]) / "checkpoints" / "decision.json" and path.is_file()
    data = json.loads(path.read_text())
    data["length"] = 2
    path.write_text(json.dumps(data))
    result = run(app, "consent", "verify")
    assert result.exit_code == 1 and "was not signed with this chain's key" in result.output


def test_an_unreadable_checkpoint_file_is_refused_and_reset_replaces_it(world):
    app = world["app"]
    with app.app_context():
        path = Decision.checkpoint_path()
    path.write_text("{not json")
    result = run(app, "consent", "verify")
    assert result.exit_code == 1 and f"the checkpoint {path} cannot be read" in result.output
    reset = run(app, "consent", "verify", "--reset-checkpoint")
    assert reset.exit_code == 0, reset.output
    assert AuditEvent.select().order_by(AuditEvent.seq.desc()).first().summary_data()["before"] is None
    assert run(app, "consent", "verify").exit_code == 0


def test_a_checkpoint_that_cannot_be_written_leaves_the_committed_rows_and_says_so(world, caplog):
    """The rows are committed before the checkpoint moves: a full disk or a broken folder
    is logged, the decision stays, and the next write that can catches the checkpoint up."""
    app = world["app"]
    with app.app_context():
        lock = Decision.checkpoint_path().with_suffix(".lock")
    lock.unlink()
    lock.mkdir()  # opening the lock file now fails
    with app.app_context():
        ledger.record_decision(world["maria"], "item", Item.get_by_id(world["item"].id),
                               world["item"].content_hash, "refused", method="review_page")
    assert Decision.select().count() == 4
    assert "could not write the checkpoint of decision" in caplog.text
    lock.rmdir()
    with app.app_context():
        assert Decision.checkpoint()[0] == 3  # left behind, not wrong
        ledger.record_decision(world["maria"], "item", Item.get_by_id(world["item"].id),
                               world["item"].content_hash, "given", method="review_page", scope=YES)
        assert Decision.checkpoint() == (5, Decision.get(Decision.seq == 5).hash)


def test_reset_checkpoint_after_restoring_an_older_backup(world):
    app = world["app"]
    Decision.delete().where(Decision.seq == 3).execute()  # as if the backup were older
    assert run(app, "consent", "verify").exit_code == 1
    reset = run(app, "consent", "verify", "--reset-checkpoint")
    assert reset.exit_code == 0, reset.output
    assert "checkpoint: 2 records" in reset.output
    event = AuditEvent.select().order_by(AuditEvent.seq.desc()).first()
    assert event.action == "chain.checkpoint_reset"
    assert event.summary_data()["before"]["length"] == 3 and event.summary_data()["after"]["length"] == 2
    assert run(app, "audit", "verify").exit_code == 0


def test_waiting_times_of_existing_ledgers_still_verify(world):
    """Migration 0011 timed the answers with SQL (to the millisecond on SQLite): those
    times pass; a time off by more than that does not."""
    app = world["app"]
    waited = Decision.get(Decision.seq == 2).waited_seconds
    assert waited is not None and waited >= 0
    Decision.update(waited_seconds=round(waited, 3)).where(Decision.seq == 2).execute()
    assert run(app, "consent", "verify").exit_code == 0
    Decision.update(waited_seconds=None).where(Decision.seq == 2).execute()
    missing = run(app, "consent", "verify")
    assert missing.exit_code == 1 and "record 2: its waiting time does not match its signed times" in missing.output
    Decision.update(waited_seconds=12.5).where(Decision.seq == 1).execute()
    with app.app_context(), pytest.raises(ChainBroken) as broken:
        Decision.verify()
    assert broken.value.seq == 1
