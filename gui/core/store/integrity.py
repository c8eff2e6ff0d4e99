"""A quick check at open that the history file is sound, and a damaged one kept aside.

A disk that flips bytes in a data page used to make every start fail on the first read of
the newest chat. `check` reads what a start reads first (the chat list and the newest
messages, every column, so text that is no longer UTF-8 shows too) and, for a history of
up to QUICK_CHECK_MAX_BYTES, SQLite's `quick_check` of every page (a timer stops it after
QUICK_CHECK_BUDGET_S on a slow disk: no start is made slow by it). A bigger history has
its other pages checked as they are read. A damaged file is
left as it is, copied aside next to it (dated; once, not at every start), and
`DamagedHistoryError` names both; `Store.recover` (see `repair`) rebuilds a history from
what still reads.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import threading
import time
from pathlib import Path

from gui.core.store.models import DamagedHistoryError

__all__ = [
    "QUICK_CHECK_BUDGET_S",
    "QUICK_CHECK_MAX_BYTES",
    "check",
    "damaged",
    "is_damage",
    "keep_aside",
]

#: the biggest history whose every page is checked at open (about 10 ms here)
QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024
#: the longest that check may take (a cold cache, a slow disk)
QUICK_CHECK_BUDGET_S = 0.03
#: the newest messages read at open, the newest chat's and the newest of all (the window
#: opens a chat with its last 60)
NEWEST = 120

_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


def is_damage(error: sqlite3.Error) -> bool:
    """Whether SQLite's error means the file's content is broken (not busy, not the disk
    refusing a write)."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    text = str(error)
    return "malformed" in text or "Could not decode to UTF-8" in text


def check(conn: sqlite3.Connection, path: Path) -> None:
    """Raise DamagedHistoryError (after keeping a copy) when the file at `path` is damaged."""
    problem = _problem(conn)
    if problem is None:
        return
    raise damaged(path, problem)


def damaged(path: Path, problem: str) -> DamagedHistoryError:
    """The error for a damaged history, with the file kept aside first."""
    try:
        copy: Path | None = keep_aside(path)
    except OSError as error:
        copy = None
        kept = f" It could not be copied aside ({error.strerror or error}); it was left as it is."
    else:
        kept = f" It was left as it is and copied to {copy}."
    return DamagedHistoryError(
        f"The history database {path} is damaged ({problem}).{kept}", path=path, copy=copy
    )


def _problem(conn: sqlite3.Connection) -> str | None:
    try:
        _read_what_start_reads(conn)
        return _quick_check(conn)
    except sqlite3.Error as error:
        if is_damage(error):
            return str(error)
        raise


def _read_what_start_reads(conn: sqlite3.Connection) -> None:
    """The chat list and the newest messages, every column of each row. Plain SQL that
    every schema version has, so it runs before an upgrade."""
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute("SELECT * FROM conversations").fetchall()
    newest = cursor.execute(
        "SELECT id FROM conversations WHERE deleted_at IS NULL"
        " ORDER BY pinned DESC, updated_at DESC, id DESC LIMIT 1"
    ).fetchone()
    if newest is not None:
        cursor.execute(
            "SELECT * FROM messages WHERE conversation_id = ? ORDER BY id DESC LIMIT ?",
            (newest[0], NEWEST),
        ).fetchall()
    cursor.execute("SELECT * FROM messages ORDER BY id DESC LIMIT ?", (NEWEST,)).fetchall()


def _quick_check(conn: sqlite3.Connection) -> str | None:
    """SQLite's own check of every page of a small history, stopped after the budget
    (then: no finding)."""
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    if pages * int(conn.execute("PRAGMA page_size").fetchone()[0]) > QUICK_CHECK_MAX_BYTES:
        return None
    done = False
    guard = threading.Lock()

    def stop() -> None:
        with guard:
            if not done:
                conn.interrupt()

    timer = threading.Timer(QUICK_CHECK_BUDGET_S, stop)
    timer.daemon = True
    timer.start()
    try:
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.OperationalError as error:
        if "interrupt" in str(error):
            return None  # too big to check at every start: what start reads was read
        raise
    finally:
        with guard:
            done = True
        timer.cancel()
    found = str(rows[0][0]) if rows else "ok"
    return None if found == "ok" else found


def keep_aside(path: Path) -> Path:
    """A dated copy of the database (and its write-ahead log) next to it; a copy made
    earlier of the very same file is reused, so a damaged history that opens again and
    again fills no disk. OSError when it cannot be made (none is left half written)."""
    wal = path.with_name(f"{path.name}-wal")
    for earlier in sorted(path.parent.glob(f"{path.name}.damaged-*")):
        if not earlier.name.endswith("-wal") and _same(path, earlier) and _same(wal, _wal(earlier)):
            return earlier
    stamp = time.strftime("%Y%m%d-%H%M%S")
    copy = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 2
    while copy.exists():
        copy = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
        counter += 1
    try:
        shutil.copy2(path, copy)
        if _size(wal):
            shutil.copy2(wal, _wal(copy))
    except OSError:
        for leftover in (copy, _wal(copy)):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    return copy


def _wal(database: Path) -> Path:
    return database.with_name(f"{database.name}-wal")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _same(original: Path, copy: Path) -> bool:
    """A copy made by `keep_aside` of this file as it is now (copy2 keeps the time). A
    log that is missing or empty holds nothing (SQLite makes an empty one at every open)."""
    if not _size(original):
        return not _size(copy)
    first, second = original.stat(), copy.stat() if copy.exists() else None
    if second is None:
        return False
    return (first.st_size, first.st_mtime_ns) == (second.st_size, second.st_mtime_ns)
