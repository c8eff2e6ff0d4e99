"""The connection under the store: opening checks, the lock, and one transaction per write.

Every public write commits before it returns, so a crash or a SIGKILL of the app loses nothing
that was saved. With WAL and `synchronous=NORMAL` a power cut may lose the last commits, but
never corrupts the file. Calls are serialized on one connection, so several threads may share
a store.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from gui.core.store.clean import clean
from gui.core.store.models import StoreError
from gui.core.store.path_memo import PathMemo
from gui.core.store.presence import Presence


def dump(value: Mapping[str, Any]) -> str:
    """A mapping as the JSON columns hold it: stable key order, no NaN."""
    return clean(json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=True))


class Database:
    """The open connection the store's parts share; `Store.open` makes one."""

    path: Path
    interrupted_on_open: int

    def __init__(self, path: Path, conn: sqlite3.Connection, presence: Presence) -> None:
        """Use `Store.open`; this only wires up an already prepared connection."""
        self.path = path
        self.interrupted_on_open = 0
        self._conn: sqlite3.Connection | None = conn
        self._presence = presence
        self._lock = threading.RLock()
        #: the active paths' histories read last (see `path_memo`)
        self.paths = PathMemo()

    def close(self) -> None:
        """Release the database; calling it twice is fine."""
        with self._lock:
            if self._conn is None:
                return
            conn, self._conn = self._conn, None
            try:
                conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass  # only a planner hint; closing matters more
            finally:
                conn.close()
                self._presence.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __repr__(self) -> str:
        return f"<Store {str(self.path)!r}{' closed' if self._conn is None else ''}>"

    # Every call holds the lock; writes run in one IMMEDIATE transaction each.

    @contextmanager
    def _reading(self, doing: str = "read the history") -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._conn is None:
                raise StoreError("The history store is closed.")
            try:
                yield self._conn
            except sqlite3.Error as error:
                raise StoreError(f"Cannot {doing}: {error}") from error

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._conn is None:
                raise StoreError("The history store is closed.")
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as error:
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise StoreError(f"Cannot save to the history: {error}") from error

    def _start_log(self) -> None:
        """Start the write-ahead log while the history opens (off the GUI thread in the
        app): a new log's first commit writes and syncs its header, about 2 ms here (far
        more on a slow disk) that would otherwise delay the first message sent. Rewriting
        the same user_version changes nothing else."""
        with self._writing() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute(f"PRAGMA user_version = {version}")
