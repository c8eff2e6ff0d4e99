"""Opening the history file: make it when it is new, check it is ours, sound and current.

Many processes may open one brand-new history at the same moment (the window and a few
`besedka ask` started by a script). A new history is therefore built aside and linked
into place (`os.link` never replaces a file), so no process ever sees one half made; where
the file system has no hard links it is made in place, and the checks below read the
version and the tables in one snapshot, so a history another process is making is never
taken for someone else's file. Switching to write-ahead logging is retried while another
process holds the lock (SQLite reports that at once, without waiting).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import time
from pathlib import Path

from gui.core.store import integrity, schema
from gui.core.store.models import StoreError

__all__ = ["BUSY_TIMEOUT_MS", "connect"]

BUSY_TIMEOUT_MS = 10_000

_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6


def connect(path: Path) -> sqlite3.Connection:
    """A prepared connection to the history at `path`; see `Store.open` for what is raised."""
    version = schema.header_user_version(path)
    if version is not None and version > schema.latest_version():
        raise schema.too_new_error(path, version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if version is None:
            _create(path)
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
    except (OSError, sqlite3.Error) as error:
        raise StoreError(f"Cannot open the history database {path}: {error}") from error
    try:
        conn.row_factory = sqlite3.Row
        _prepare(conn, path)
    except BaseException as error:
        conn.close()
        if isinstance(error, sqlite3.Error):
            raise StoreError(f"Cannot open the history database {path}: {error}") from error
        raise
    return conn


def _create(path: Path) -> None:
    """Build a new history beside `path` and link it into place. Another process that was
    first wins (its history is as good); when links are not possible, or the disk is full,
    nothing is left behind and the file is made in place (which then says what failed)."""
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        conn = sqlite3.connect(temporary, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            schema.upgrade(conn)
        finally:
            conn.close()
        os.link(temporary, path)
    except (OSError, sqlite3.Error):
        pass  # FileExistsError: someone else's new history is there now
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{temporary}{suffix}")


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Check the file is ours, sound and current enough, back it up, switch to WAL, and
    upgrade it."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        version, has_tables = _state(conn)
    except sqlite3.DatabaseError as error:
        if integrity.is_damage(error):
            raise integrity.damaged(path, str(error)) from error
        raise
    if version > schema.latest_version():
        # The header said otherwise: a newer app's upgrade still sits in the WAL file.
        raise schema.too_new_error(path, version)
    if version == 0 and has_tables:
        raise StoreError(f"{path} is not a Besedka history database.")
    if has_tables:
        integrity.check(conn, path)
    target: Path | None = None
    if 0 < version < schema.latest_version():
        target = schema.backup_path(path, version)
        try:
            schema.backup(conn, target)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(
                f"Cannot back up {path} before upgrading it ({error}); the file was not changed."
            ) from error
    if _journal_mode_wal(conn).lower() != "wal":
        raise StoreError(f"Cannot switch {path} to write-ahead logging.")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = OFF")
    if version < schema.latest_version():
        try:
            schema.upgrade(conn)
        except schema.NotOurs:
            raise StoreError(f"{path} is not a Besedka history database.") from None
        except Exception as error:
            raise StoreError(
                f"Cannot upgrade the history database {path} from schema version {version} to "
                f"{schema.latest_version()} ({error}); it was left unchanged"
                + (f" and a backup is at {target}." if target else ".")
            ) from error
    conn.execute("PRAGMA foreign_keys = ON")
    # The index's word list, for search to check which spellings occur; per connection, no data.
    conn.execute(
        "CREATE VIRTUAL TABLE temp.messages_vocab USING fts5vocab(main, messages_fts, row)"
    )


def _state(conn: sqlite3.Connection) -> tuple[int, bool]:
    """The schema version and whether any table exists, read in one snapshot."""
    conn.execute("BEGIN")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    finally:
        conn.execute("COMMIT")
    return version, has_tables


def _journal_mode_wal(conn: sqlite3.Connection) -> str:
    """Switch to WAL; while another process holds the file SQLite refuses at once (no busy
    handler for this lock), so ask again until the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.001
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as error:
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code not in (_SQLITE_BUSY, _SQLITE_LOCKED) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
