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

from gui.core.store import schema
from gui.core.store.models import StoreError
from gui.core.store.path_memo import PathMemo
from gui.core.store.presence import Presence

BUSY_TIMEOUT_MS = 10_000


def dump(value: Mapping[str, Any]) -> str:
    """A mapping as the JSON columns hold it: stable key order, no NaN."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=True)


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


def connect(path: Path) -> sqlite3.Connection:
    """A prepared connection to the history at `path`; see `Store.open` for what is raised."""
    version = schema.header_user_version(path)
    if version is not None and version > schema.latest_version():
        raise schema.too_new_error(path, version)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Check the file is ours and current enough, back it up, switch to WAL, and upgrade it."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > schema.latest_version():
        # The header said otherwise: a newer app's upgrade still sits in the WAL file.
        raise schema.too_new_error(path, version)
    has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    if version == 0 and has_tables:
        raise StoreError(f"{path} is not a Besedka history database.")
    target: Path | None = None
    if 0 < version < schema.latest_version():
        target = schema.backup_path(path, version)
        try:
            schema.backup(conn, target)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(
                f"Cannot back up {path} before upgrading it ({error}); the file was not changed."
            ) from error
    if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
        raise StoreError(f"Cannot switch {path} to write-ahead logging.")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = OFF")
    if version < schema.latest_version():
        try:
            schema.upgrade(conn)
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
