from pathlib import Path

from amplify import migrations
from amplify.auth.models import User
from amplify.campaigns.models import Campaign

DEMO_PACKS = str(Path(__file__).resolve().parent.parent / "campaigns")


def test_init_creates_schema_demo_and_admin_once(make_app, monkeypatch):
    monkeypatch.delenv("AMPLIFY_ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("AMPLIFY_ADMIN_PASSWORD", raising=False)
    app = make_app(migrate=False, DEMO_PACKS=DEMO_PACKS)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "loaded demo campaign domestic-work-is-work" in first.output
    password = first.output.split("its password (shown once): ")[1].split()[0]
    admin = User.get(User.role == "admin")
    assert admin.email == "admin@amplify.local"
    with app.app_context():
        assert admin.check_password(password)
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0
    assert "password" not in second.output and "loaded demo" not in second.output
    assert Campaign.select().count() == 1 and User.select().count() == 1


def test_init_takes_admin_from_environment(make_app, monkeypatch):
    monkeypatch.setenv("AMPLIFY_ADMIN_EMAIL", "Coord@Example.org")
    monkeypatch.setenv("AMPLIFY_ADMIN_PASSWORD", "from-the-environment")
    app = make_app(migrate=False)
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0 and "shown once" not in result.output
    with app.app_context():
        assert User.get(User.email == "coord@example.org").check_password("from-the-environment")


def test_user_add_reads_password_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "add", "ana@example.org", "--role", "events"],
                           input="a-strong-password\n")
    assert result.exit_code == 0, result.output
    user = User.get(User.email == "ana@example.org")
    assert user.role == "events"
    with app.app_context():
        assert user.check_password("a-strong-password")
    again = runner.invoke(args=["user", "add", "ana@example.org", "--role", "viewer"],
                          input="a-strong-password\n")
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["user", "add", "b@example.org", "--role", "viewer"], input="short\n")
    assert short.exit_code != 0 and User.select().count() == 1
    bad_role = runner.invoke(args=["user", "add", "c@example.org", "--role", "boss"], input="x" * 12)
    assert bad_role.exit_code != 0


def test_db_upgrade_is_idempotent(make_app):
    app = make_app(migrate=False)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["db", "upgrade"])
    assert "applied migration 0001_accounts_people" in first.output
    second = runner.invoke(args=["db", "upgrade"])
    assert "applied" not in second.output
    assert f"database at version {migrations.latest_version()}" in second.output


def test_console_script_runs_against_the_configured_database(tmp_path, database_url):
    """The installed ``amplify`` command, as a user runs it."""
    import os
    import subprocess
    import sys

    script = Path(sys.executable).parent / "amplify"
    env = dict(os.environ, DATABASE_URL=database_url, AMPLIFY_INSTANCE_PATH=str(tmp_path / "i"))
    help_text = subprocess.run([script, "--help"], env=env, capture_output=True, text=True, check=True).stdout
    for command in ("init", "run", "db", "user", "campaign", "audit"):
        assert f"  {command} " in help_text
    result = subprocess.run([script, "db", "upgrade"], env=env, capture_output=True, text=True)
    assert result.returncode == 0
    assert f"database at version {migrations.latest_version()}" in result.stdout
    assert (tmp_path / "i" / "secret_key").stat().st_mode & 0o777 == 0o600
