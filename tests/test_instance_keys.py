"""A lost instance folder must not quietly become new keys."""

import shutil

import pytest
from click.testing import CliRunner

from amplify import create_app, keys
from amplify.chain import WrongKey
from amplify.cli import main
from amplify.consent.models import Decision
from amplify.keys import InstanceKey, KeysDoNotMatch


def upgraded(make_app, **overrides):
    """An app whose database went through ``amplify db upgrade`` (which records the keys)."""
    app = make_app(migrate=False, **overrides)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return app


def app_key(make_app, name):
    return make_app(migrate=False).config[name]


def test_upgrade_records_a_fingerprint_of_each_key_not_the_key(make_app):
    upgraded(make_app)
    rows = {row.name: row.fingerprint for row in InstanceKey.select()}
    publishing = app_key(make_app, "PUBLISHING_KEY")  # generated into the instance folder
    assert rows == {"SECRET_KEY": keys.fingerprint("test-secret"), "AUDIT_KEY": keys.fingerprint("test-audit-key"),
                    "PUBLISHING_KEY": keys.fingerprint(publishing)}
    assert "test-secret" not in rows["SECRET_KEY"] and len(rows["AUDIT_KEY"]) == 64


def test_a_lost_instance_folder_refuses_to_start_instead_of_making_new_keys(make_app, tmp_path):
    """Keys generated into the instance folder; the folder is lost; the next start would
    generate new ones. It refuses, naming what to set."""
    upgraded(make_app, SECRET_KEY="", AUDIT_KEY="")
    instance = tmp_path / "instance"
    assert (instance / "audit_key").is_file()
    shutil.rmtree(instance)
    with pytest.raises(KeysDoNotMatch) as refused:
        make_app(migrate=False, SECRET_KEY="", AUDIT_KEY="")
    message = str(refused.value)
    assert refused.value.names == ["SECRET_KEY", "AUDIT_KEY", "PUBLISHING_KEY"]
    assert "set SECRET_KEY or restore" in message and "set AMPLIFY_AUDIT_KEY or restore" in message
    assert "set AMPLIFY_PUBLISHING_KEY or restore" in message
    assert str(instance / "audit_key") in message


def test_only_the_wrong_key_is_named(make_app):
    upgraded(make_app)
    with pytest.raises(KeysDoNotMatch) as refused:
        make_app(migrate=False, AUDIT_KEY="another-key")
    assert refused.value.names == ["AUDIT_KEY"]
    make_app(migrate=False)  # the right keys start


def test_the_command_line_refuses_with_the_message_and_no_traceback(make_app, tmp_path, database_url, monkeypatch):
    upgraded(make_app)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("AMPLIFY_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SECRET_KEY", "test-secret")
    monkeypatch.setenv("AMPLIFY_AUDIT_KEY", "a-new-key")
    result = CliRunner().invoke(main, ["consent", "verify"])
    assert result.exit_code == 1
    assert "Amplify will not start: the key(s) AUDIT_KEY are not the ones" in result.output
    assert "Traceback" not in result.output


def test_verify_says_wrong_key_rather_than_altered(app, factories, login):
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0  # records the keys
    factories.organization()
    admin = login("admin")
    app.config["AUDIT_KEY"] = "not-the-key"
    with app.app_context(), pytest.raises(WrongKey) as broken:
        Decision.verify()
    assert "wrong key" in broken.value.reason and "altered" not in broken.value.reason
    page = admin.get("/audit/").get_data(as_text=True)
    assert "Wrong key: the audit key in use is not the one this log was written with" in page
    assert "altered or removed" not in page


def test_an_unreachable_database_is_not_checked_at_start(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/test",
                      "DATABASE_BUSY_TIMEOUT_MS": 1000, "SECRET_KEY": "s", "AUDIT_KEY": "a",
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.test_client().get("/healthz").status_code == 503
