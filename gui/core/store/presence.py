"""Know whether another process has the same history open, so start-up repairs stay safe.

A reply marked `streaming` may belong to a window that is still running while `besedka ask`
opens the same file; marking it interrupted then would be wrong. Every open store holds a shared
SQLite lock on a small sidecar file (`<database>-presence`) for as long as it is open; a store
that can take an exclusive lock on it is alone. SQLite's own file locking makes this work across
processes on every platform, and the operating system drops the lock of a killed process.

The sidecar holds no data, only locks. When its bytes are damaged SQLite cannot lock it at
all; if no process holds a lock on it (checked on SQLite's own lock bytes) it is emptied,
which makes it a valid empty database again. Otherwise, and for any other failure, the error
names the sidecar, not the history, which is fine.
"""

from __future__ import annotations

import collections
import contextlib
import os
import sqlite3
import threading
from pathlib import Path

from gui.core.store.models import StoreError

#: where SQLite's unix locks live in a database file (PENDING, RESERVED, then SHARED bytes)
_LOCK_BYTES_START = 0x4000_0000
_LOCK_BYTES_LENGTH = 512
_SQLITE_NOTADB = 26
_SQLITE_CORRUPT = 11

#: sidecars this process holds through an open store: closing any descriptor of such a file
#: would drop this process's locks on it (POSIX), so those are never repaired from here
_held: collections.Counter[str] = collections.Counter()
_held_lock = threading.Lock()


class Presence:
    """A shared lock on the sidecar file, held from `claim()` until `release()`."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(f"{database.name}-presence")
        self._key = os.path.realpath(self.path)
        self._conn: sqlite3.Connection | None = self._connect()
        self._holding = False

    def claim(self) -> bool:
        """Start holding the shared lock; True when no other open store held one."""
        try:
            alone = self._claim()
        except sqlite3.DatabaseError as error:
            if not _damaged(error):
                raise self._error(error) from error
            self._repair(error)
            try:
                alone = self._claim()
            except sqlite3.Error as again:
                raise self._error(again) from again
        except sqlite3.Error as error:
            raise self._error(error) from error
        with _held_lock:
            _held[self._key] += 1
        self._holding = True
        return alone

    def release(self) -> None:
        if self._holding:
            self._holding = False
            with _held_lock:
                _held[self._key] -= 1
                if _held[self._key] <= 0:
                    del _held[self._key]
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        # timeout=0: probing must not wait for other holders, it only asks whether they exist.
        try:
            return sqlite3.connect(
                self.path, isolation_level=None, timeout=0, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise self._error(error) from error

    def _claim(self) -> bool:
        conn = self._require()
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError:
            alone = False
        else:
            conn.execute("CREATE TABLE IF NOT EXISTS presence (unused INTEGER)")
            conn.execute("COMMIT")
            alone = True
        # Another store may hold the exclusive lock for a moment while it probes: wait for it.
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("BEGIN")
        # Reading a table takes the SHARED lock, kept until release() ends the transaction.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return alone

    def _repair(self, damage: sqlite3.Error) -> None:
        """Empty a damaged sidecar when no process holds a lock on it; else StoreError."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            conn.close()
        with _held_lock:
            held_here = _held[self._key] > 0
        if held_here or not _empty_if_unlocked(self.path):
            raise StoreError(
                f"The lock file {self.path} beside the history is damaged ({damage}) and a"
                " Besedka still has it open; close every Besedka window and start again."
                " The history itself was not touched."
            )
        self._conn = self._connect()

    def _error(self, error: sqlite3.Error) -> StoreError:
        return StoreError(
            f"Cannot use the lock file {self.path} beside the history ({error}); the history"
            " itself was not touched. Check that its folder can be written."
        )

    def _require(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("presence lock already released")
        return self._conn


def _damaged(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    return code in (_SQLITE_NOTADB, _SQLITE_CORRUPT)


def _empty_if_unlocked(path: Path) -> bool:
    """Truncate `path` (and drop its journal) while holding a write lock on SQLite's lock
    bytes, so no process can be using it meanwhile; False when one holds a lock."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system: leave it to the person
        return False
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return False
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, _LOCK_BYTES_LENGTH, _LOCK_BYTES_START)
        except OSError:
            return False  # another process holds it
        os.ftruncate(fd, 0)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{path}-journal")
        return True
    finally:
        os.close(fd)  # drops our lock; nobody else had one
