import pytest

from amplify import audit
from amplify.audit.models import AuditEvent
from amplify.db import database


@pytest.fixture
def chain(app, factories):
    org = factories.organization()
    factories.activist(organization=org.id)
    factories.campaign()
    return app


def verify(app):
    with app.app_context():
        return audit.verify()


def test_chain_verifies_and_links_every_entry(chain):
    count, head = verify(chain)
    events = list(AuditEvent.select().order_by(AuditEvent.seq))
    assert count == len(events) == 3
    assert events[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))
    assert head == events[-1].hash


def test_altered_entry_is_named(chain):
    AuditEvent.update(summary='{"after": {"name": "forged"}}').where(AuditEvent.seq == 2).execute()
    with pytest.raises(audit.ChainBroken) as broken:
        verify(chain)
    assert broken.value.seq == 2 and "altered" in broken.value.reason


def test_removed_entry_is_named(chain):
    AuditEvent.delete().where(AuditEvent.seq == 2).execute()
    with pytest.raises(audit.ChainBroken) as broken:
        verify(chain)
    assert broken.value.seq == 2 and "removed" in broken.value.reason


def test_rehashing_without_the_key_does_not_help(chain):
    """Someone with database access but not the instance key cannot forge a valid entry."""
    import hashlib

    event = AuditEvent.get(AuditEvent.seq == 3)
    event.actor_label = "someone-else"
    event.hash = hashlib.sha256(b"anything").hexdigest()
    event.save()
    with pytest.raises(audit.ChainBroken) as broken:
        verify(chain)
    assert broken.value.seq == 3


def test_record_refuses_to_run_outside_a_transaction(app):
    with app.app_context(), pytest.raises(RuntimeError):
        audit.record("x", None, {}, subject_type="t", subject_id=1)


def test_cli_verify_exit_codes(chain):
    runner = chain.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "intact: 3 entries" in ok.output
    AuditEvent.update(action="tampered").where(AuditEvent.seq == 1).execute()
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1
    assert "entry 1" in bad.output


def test_audit_page_shows_chain_state(chain, login):
    admin = login("admin")
    page = admin.get("/audit/").get_data(as_text=True)
    assert "The chain is intact" in page and "created <a href=\"/people/organizations/" in page
    AuditEvent.delete().where(AuditEvent.seq == 1).execute()
    assert "The chain is broken at entry 1" in admin.get("/audit/").get_data(as_text=True)


def test_failed_change_leaves_no_audit_entry(app, factories):
    org = factories.organization()
    before = AuditEvent.select().count()
    with app.app_context(), pytest.raises(ZeroDivisionError):
        with database.atomic():
            audit.record("organization.update", org, {})
            1 / 0
    assert AuditEvent.select().count() == before


def test_concurrent_writers_keep_one_unbroken_chain(app, factories):
    """Several threads changing things at once: every change is recorded, in one chain, and
    the checkpoint ends at the committed head."""
    import threading

    org = factories.organization()
    errors = []

    def edit(n):
        try:
            with app.app_context():
                for i in range(5):
                    with database.atomic():
                        audit.record("organization.update", org, {"n": n, "i": i})
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            database.close()

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    count, head = verify(app)
    assert count == 1 + 4 * 5
    with app.app_context():  # each commit moved the checkpoint; the last one holds the head
        assert AuditEvent.checkpoint() == (count, head)
