"""The lock files install every dependency pyproject.toml asks for, each with its hashes:
a dependency added without `make lock` fails here rather than on a clean install."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)", re.MULTILINE)


def pins(name):
    text = (ROOT / name).read_text()
    found = {canonicalize_name(match[1]): (match[2], match[3].count("--hash=")) for match in PIN.finditer(text)}
    requirement_lines = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(found) == len(requirement_lines), f"{name}: a requirement without a pinned version and hashes"
    return found


@pytest.mark.parametrize("lock, wanted", [
    ("requirements.lock", PROJECT["dependencies"]),
    ("requirements-test.lock", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]),
])
def test_every_dependency_is_locked_with_hashes(lock, wanted):
    locked = pins(lock)
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in {lock}: run `make lock`"
        version, hashes = locked[name]
        assert requirement.specifier.contains(version, prereleases=True), \
            f"{lock} pins {name} {version}, outside {requirement.specifier}: run `make lock`"
        assert hashes >= 1
    assert "setuptools" in locked  # the build of `pip install --no-build-isolation -e .`


def test_both_locks_pin_the_same_versions():
    running, testing = pins("requirements.lock"), pins("requirements-test.lock")
    differ = {name: (version, testing.get(name, ("missing",))[0]) for name, (version, _) in running.items()
              if testing.get(name, (None,))[0] != version}
    assert not differ, differ
