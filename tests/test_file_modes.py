"""Files holding passport numbers, contacts and keys are readable by Amplify's user only,
even when it runs with the common umask 022."""

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from amplify import migrations
from amplify.db import database
from tests.conftest import USE_PG

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def instance_app(make_app, tmp_path, database_url, loose_umask):
    """An app whose SQLite database (on SQLite runs) and generated keys live in its
    instance folder, as by default; it has written to both chains."""
    instance = tmp_path / "instance"
    url = database_url if USE_PG else f"sqlite:///{instance / 'amplify.db'}"
    app = make_app(migrate=False, DATABASE_URL=url, SECRET_KEY="", AUDIT_KEY="")
    migrations.upgrade(database.obj)
    from amplify.people.models import Organization, save_organization

    with app.app_context():
        save_organization(Organization(), name="Sindicato", formal=True, country="PE", our_role="ally",
                          last_review_on=None, next_review_on=None, notes="", review_months=6)
    return app, instance


def test_database_jobs_keys_and_checkpoints_are_private(instance_app):
    app, instance = instance_app
    assert mode(instance) == 0o700
    private = ["secret_key", "audit_key", "jobs.sqlite3", "checkpoints/audit_event.json",
               "checkpoints/audit_event.lock"]
    if not USE_PG:
        private += ["amplify.db", "amplify.db-wal", "amplify.db-shm"]
    for name in private:
        assert (instance / name).exists(), name
    found = {path.relative_to(instance).as_posix(): mode(path) for path in instance.rglob("*")}
    assert found["checkpoints"] == 0o700
    loose = {name: oct(bits) for name, bits in found.items() if name != "checkpoints" and bits != 0o600}
    assert not loose, loose


def backup_commands():
    """The README's backup block, split into its lines."""
    block = README.split("## Backups", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("  #")[0].strip() for line in block.strip().splitlines()]


def test_readme_backup_commands_make_private_files(instance_app, database_url, tmp_path):
    commands = backup_commands()
    assert commands[0] == "umask 077"
    wanted = "pg_dump" if USE_PG else "sqlite3"
    if shutil.which(wanted) is None:
        pytest.skip(f"{wanted} is not installed")
    script = [commands[0]] + [c for c in commands if c.startswith((wanted, "tar "))]
    assert len(script) == 3, commands
    if USE_PG:  # libpq takes the per-test schema's options in the URL
        url = database_url
    else:
        database.close()
        url = ""
    subprocess.run(["bash", "-ec", "\n".join(script)], cwd=tmp_path, check=True, capture_output=True,
                   env={**os.environ, "DATABASE_URL": url})
    made = [p for p in tmp_path.iterdir() if re.match(r"(amplify|keys)-\d{4}-\d\d-\d\d\.", p.name)]
    assert len(made) == 2, made
    assert all(mode(path) == 0o600 for path in made), [(p.name, oct(mode(p))) for p in made]
