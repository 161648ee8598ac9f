"""What the ledgers' checkpoints cost (issue 12): a commit that appends one audit entry,
with its checkpoint written (flushed temporary file renamed over the old one) and with the
checkpoint writer switched off, and the floor: the same small file flushed and renamed
alone (what the disk's flush costs), side by side in one run on SQLite.
Run: .venv/bin/python bench/checkpoints.py
"""

import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

from amplify import audit, create_app, migrations
from amplify.chain import _AdvanceCheckpoint
from amplify.db import database
from amplify.files import write_atomically

RUNS = 200


def commits(app):
    timings = []
    with app.app_context():
        for n in range(RUNS):
            started = time.perf_counter()
            with database.atomic():
                audit.record("bench.commit", None, {"n": n}, subject_type="bench", subject_id=n)
            timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def flushes(folder):
    timings = []
    for n in range(RUNS):
        started = time.perf_counter()
        write_atomically(folder / "floor.json", f'{{"length": {n}, "head": "{"0" * 64}"}}\n')
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main():
    folder = Path(tempfile.mkdtemp())
    app = create_app({"INSTANCE_PATH": str(folder / "instance"), "DATABASE_URL": f"sqlite:///{folder / 'a.db'}"})
    migrations.upgrade(database.obj)
    with_checkpoint = commits(app)
    with mock.patch.object(_AdvanceCheckpoint, "__call__", lambda self: None):
        without = commits(app)
    floor = flushes(folder)
    print(f"commit appending one audit entry, median of {RUNS}: with its checkpoint {with_checkpoint:.1f} ms, "
          f"without {without:.1f} ms (+{with_checkpoint - without:.1f} ms); floor, one small file flushed "
          f"and renamed: {floor:.1f} ms")


if __name__ == "__main__":
    main()
