import filecmp
import shutil
from pathlib import Path

import pytest

from amplify.audit.models import AuditEvent
from amplify.campaigns.models import Campaign, Message, MessageVariant
from amplify.campaigns.packs import PackError, export_pack, import_pack
from amplify.people.models import Activist, Organization

DEMO = Path(__file__).resolve().parent.parent / "campaigns" / "domestic-work-is-work"


def counts():
    return tuple(m.select().count() for m in (Campaign, Message, MessageVariant, Activist,
                                               Organization, AuditEvent))


def same_tree(a, b):
    comparison = filecmp.dircmp(a, b)
    assert not comparison.left_only and not comparison.right_only, (comparison.left_only, comparison.right_only)
    _, mismatch, errors = filecmp.cmpfiles(a, b, comparison.common_files, shallow=False)
    assert not mismatch and not errors, mismatch
    for sub in comparison.common_dirs:
        same_tree(Path(a) / sub, Path(b) / sub)


def test_demo_pack_imports_with_real_sources_and_fictional_people(app):
    with app.app_context():
        campaign = import_pack(DEMO, trusted=True).campaign
    assert campaign.slug == "domestic-work-is-work"
    assert {v.language for v in MessageVariant.select()} == {"es", "pt", "en"}
    for variant in MessageVariant.select():
        if variant.evidence_figure:
            assert variant.evidence_source.startswith("https://www.ilo.org/")
    for person in Activist.select():
        assert "fictícia" in person.display_name or "ficticia" in person.display_name
    for org in Organization.select():
        assert "(ficticia)" in org.name or "(ficticio)" in org.name or "(fictícia)" in org.name
    approved = MessageVariant.select().where(MessageVariant.state == "approved")
    assert approved.count() == 3 and all(v.approved_by_id for v in approved)


def test_importing_twice_changes_nothing(app):
    with app.app_context():
        import_pack(DEMO, trusted=True)
        first = counts()
        import_pack(DEMO, trusted=True)
    assert counts() == first


def test_export_then_import_round_trips_without_loss(app, tmp_path):
    with app.app_context():
        import_pack(DEMO, trusted=True)
        export_pack("domestic-work-is-work", tmp_path / "first")
    # Empty the database, import the exported pack, export again: the same files.
    from peewee import sort_models

    from tests.test_database import all_models

    for model in reversed(sort_models(all_models())):
        model.delete().execute()
    with app.app_context():
        import_pack(tmp_path / "first", trusted=True)  # as a shipped pack: approvals kept
        export_pack("domestic-work-is-work", tmp_path / "second")
    same_tree(tmp_path / "first", tmp_path / "second")
    variant = MessageVariant.get(MessageVariant.language == "pt", MessageVariant.state == "changes_requested")
    assert "Recomendação 206" in variant.state_note


def test_export_keeps_contact_details_and_notes_out(app, tmp_path, factories):
    with app.app_context():
        import_pack(DEMO, trusted=True)
    Activist.update(contact_channels=[{"kind": "Phone", "value": "+51 999"}],
                    notes="secret note").execute()
    with app.app_context():
        export_pack("domestic-work-is-work", tmp_path / "out")
    text = "".join(p.read_text() for p in (tmp_path / "out").rglob("*.toml"))
    assert "+51 999" not in text and "secret note" not in text


def broken_copy(tmp_path, relative, old, new):
    target = tmp_path / "pack"
    shutil.copytree(DEMO, target)
    path = target / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return target


@pytest.mark.parametrize("relative, old, new, file, field", [
    ("campaign.toml", 'name = "Domestic', 'nombre = "Domestic', "campaign.toml", "name"),
    ("campaign.toml", '"#C189"', '"C 189"', "campaign.toml", "hashtags"),
    ("campaign.toml", 'text = "#ffffff"', 'text = "#6a3a96"', "campaign.toml", "colours.text"),
    ("messages/01-domestic-work-is-work.toml", 'state = "proposed"', 'state = "maybe"',
     "messages/01-domestic-work-is-work.toml", "variants.en.state"),
    ("messages/02-free-from-violence.toml", 'approved_by = "maria-quispe-ficticia"',
     'approved_by = "nobody"', "messages/02-free-from-violence.toml", "variants.es.approved_by"),
    ("messages/03-out-of-informality.toml", 'key = "out-of-informality"', 'key = [1',
     "messages/03-out-of-informality.toml", "(syntax)"),
    ("people.toml", 'risk_level = "high"', 'risk_level = "extreme"', "people.toml",
     "activists[2].risk_level"),
])
def test_malformed_pack_names_file_and_field_and_changes_nothing(app, tmp_path, relative, old,
                                                                 new, file, field):
    pack = broken_copy(tmp_path, relative, old, new)
    before = counts()
    with app.app_context(), pytest.raises(PackError) as error:
        import_pack(pack)
    assert error.value.file == file
    assert error.value.field == field
    assert counts() == before


def test_cli_import_and_export(app, runner_for, tmp_path):
    runner = runner_for(app)
    result = runner.invoke(args=["campaign", "import", str(DEMO)])
    assert result.exit_code == 0, result.output
    assert "3 approvals imported as proposed" in result.output and "were not replayed" in result.output
    result = runner.invoke(args=["campaign", "export", "domestic-work-is-work", str(tmp_path / "x")])
    assert result.exit_code == 0 and (tmp_path / "x" / "campaign.toml").is_file()
    bad = broken_copy(tmp_path, "campaign.toml", 'slug = "domestic-work-is-work"', 'slug = "Bad Slug"')
    result = runner.invoke(args=["campaign", "import", str(bad)])
    assert result.exit_code != 0
    assert "campaign.toml: slug:" in result.output
    assert runner.invoke(args=["campaign", "export", "nope", str(tmp_path / "y")]).exit_code != 0


def test_demo_pack_has_items_in_every_state_and_a_valid_ledger(app):
    from amplify.consent.models import Decision
    from amplify.items.models import STATES, Item

    with app.app_context():
        import_pack(DEMO, trusted=True)
        import_pack(DEMO, trusted=True)  # seed items are not duplicated
        assert {i.state for i in Item.select()} == set(STATES)
        count, _ = Decision.verify()
    assert count == Decision.select().count() > 5
    runner = app.test_cli_runner()
    assert runner.invoke(args=["consent", "verify"]).exit_code == 0
    Decision.update(comment="forged").where(Decision.seq == 3).execute()
    result = runner.invoke(args=["consent", "verify"])
    assert result.exit_code == 1 and "record 3" in result.output


def test_export_leaves_items_and_decisions_out(app, tmp_path):
    with app.app_context():
        import_pack(DEMO, trusted=True)
        export_pack("domestic-work-is-work", tmp_path / "out")
    assert not (tmp_path / "out" / "items").exists()


def test_demo_pack_has_events_with_invitations_in_several_states(app, tmp_path):
    from datetime import date

    from amplify.invitations.deadlines import due
    from amplify.invitations.models import Event, Invitation, InvitationChange

    with app.app_context():
        import_pack(DEMO, trusted=True)
        kinds = {d.kind for d in due(date.today(), horizon_days=120)}
    states = {i.state for i in Invitation.select()}
    assert {"opportunity", "offered", "invited", "confirmed", "attended", "debriefed", "declined"} <= states
    assert Event.select().count() == 5
    # Replayed through the workflow: every step is in the history with the movement's decision.
    ana = Invitation.get(Invitation.state == "debriefed")
    assert [c.to_state for c in ana.changes.order_by(InvitationChange.id)][-2:] == ["attended", "debriefed"]
    assert ana.decided_by == "Coordenação da Rede"
    assert {"no_answer", "visa", "interpreter", "accreditation", "debrief", "reimbursement"} <= kinds


def test_pack_event_with_an_impossible_move_is_refused(app, tmp_path):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(DEMO, pack)
    path = pack / "events" / "02-hearing.toml"
    path.write_text(path.read_text().replace('moves = ["offered", "nominated", "invited"]',
                                             'moves = ["offered", "invited"]'))
    with app.app_context(), pytest.raises(PackError) as refused:
        import_pack(pack)
    assert "cannot go from offered to invited" in str(refused.value)
    assert Campaign.select().count() == 0


def test_a_pack_cannot_smuggle_an_approval_or_a_decision(app, tmp_path):
    """A hand-edited ``state = "approved"`` comes in as proposed, with no approver; item
    histories are not replayed past review; nothing lands in the consent ledger."""
    from amplify.consent.models import Decision
    from amplify.items.models import Item

    pack = broken_copy(tmp_path, "messages/01-domestic-work-is-work.toml", 'state = "proposed"',
                       'state = "approved"\napproved_by = "maria-quispe-ficticia"\n'
                       'approval_method = "phone"\napproved_at = 2026-03-08T15:00:00Z')
    with app.app_context():
        imported = import_pack(pack)
    assert sorted(imported.approvals_held_back) == ["domestic-work-is-work (en)", "domestic-work-is-work (es)",
                                                    "domestic-work-is-work (pt)", "free-from-violence (es)"]
    assert MessageVariant.select().where(MessageVariant.state == "approved").count() == 0
    assert MessageVariant.select().where(MessageVariant.approved_by.is_null(False)).count() == 0
    assert Decision.select().count() == 0 and imported.steps_not_replayed > 0
    assert {i.state for i in Item.select()} == {"draft"}


def test_re_importing_its_own_export_keeps_the_approvals_the_database_holds(app, tmp_path):
    with app.app_context():
        import_pack(DEMO, trusted=True)
        export_pack("domestic-work-is-work", tmp_path / "first")
        before = counts()
        imported = import_pack(tmp_path / "first")
        export_pack("domestic-work-is-work", tmp_path / "second")
    assert imported.approvals_held_back == [] and counts() == before
    same_tree(tmp_path / "first", tmp_path / "second")
    # The same file with a word changed in an approved variant: the change is a proposal.
    path = next((tmp_path / "first" / "messages").glob("01-*.toml"))
    text = path.read_text()
    start = text.index("[variants.es]")  # the wording, not its title
    path.write_text(text[:start] + text[start:].replace("trabajo", "empleo", 1))
    with app.app_context():
        imported = import_pack(tmp_path / "first")
    assert imported.approvals_held_back == ["domestic-work-is-work (es)"]
    changed = MessageVariant.get(MessageVariant.language == "es", MessageVariant.long_form.contains("empleo"))
    assert changed.state == "proposed" and changed.approved_by_id is None
