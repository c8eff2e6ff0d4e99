"""Know whether another process has the same history open, so start-up repairs stay safe.

A reply marked `streaming` may belong to a window that is still running while `besedka ask`
opens the same file; marking it interrupted then would be wrong. Every open store holds a shared
SQLite lock on a small sidecar file (`<database>-presence`) for as long as it is open; a store
that can take an exclusive lock on it is alone. SQLite's own file locking makes this work across
processes on every platform, and the operating system drops the lock of a killed process.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


class Presence:
    """A shared lock on the sidecar file, held from `claim()` until `release()`."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(f"{database.name}-presence")
        # timeout=0: probing must not wait for other holders, it only asks whether they exist.
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            self.path, isolation_level=None, timeout=0, check_same_thread=False
        )

    def claim(self) -> bool:
        """Start holding the shared lock; True when no other open store held one."""
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

    def release(self) -> None:
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        finally:
            conn.close()

    def _require(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("presence lock already released")
        return self._conn
