"""Files that only Amplify's own user may read: the SQLite databases, the keys, the
ledgers' checkpoints. They hold passport numbers, contacts and secrets, so each is created
with mode 0600 (its folder 0700) whatever the process's umask says — a gunicorn or cron
started with the usual umask 022 would otherwise leave them readable by every local user.
"""

import os
import secrets
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def private_folder(path):
    """Create ``path`` (and its parents) readable by this user only; an existing folder is
    left as the operator set it."""
    path = Path(path)
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    return path


def create_private(path):
    """Create ``path`` empty with mode 0600 unless it exists. Returns True when created.

    SQLite gives a database's ``-wal`` and ``-shm`` files the mode of the database file,
    so creating the database this way before SQLite opens it keeps all three private."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        return False
    return True


def write_atomically(path, text):
    """Replace ``path`` with ``text`` so that a reader (or a crash) sees the old content or
    the new, never half of it: a private temporary file beside it, flushed to disk, then
    renamed over it. The folder is not flushed: after a power cut the rename may be lost
    and the old content come back, which for a checkpoint means one that is behind — as
    harmless as a crash between commit and checkpoint — and each write saves a second flush."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
