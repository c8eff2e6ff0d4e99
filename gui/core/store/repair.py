"""Rebuild a damaged history from what still reads (`Store.recover`).

The damaged file is read table by table, row by row in rowid order: a run of rows that no
longer reads (a broken page) is stepped over, found by probing further and further ahead
and then back, and a single row whose text is lost keeps its other columns. Text that is no
longer UTF-8 is kept with U+FFFD. When the sqlite3 command-line tool can `.recover` the file
(it also finds pages no table points to any more), its result is read instead.

The new history has the damaged file's own schema (then upgraded as any old history is), so
every version's rows keep their meaning; the search index is rebuilt by its triggers as the
rows go in. Messages whose chat was lost go into a "Recovered chat", and a reply whose
question was lost follows the message before it. The new file is built aside and swapped in
with `os.replace`; the damaged one stays beside it, dated.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from gui.core.store import schema
from gui.core.store.models import StoreError
from gui.core.store.presence import Presence

__all__ = ["recover"]

_BATCH = 256
_FIRST_ROWID = -(2**63)
_LAST_ROWID = 2**63 - 1
_MISSING = object()
#: the most a `.recover` by the command-line tool may take
CLI_TIMEOUT_S = 600.0

Fetch = Callable[[int, int], list[tuple[object, ...]]]


def recover(path: Path, *, damaged_copy: Path | None = None, use_cli: bool = True) -> Path:
    """Rebuild the history at `path` from what still reads and put it in its place.

    Returns where the damaged file is kept: `damaged_copy` (the copy `DamagedHistoryError`
    named) when given, else the file itself moved aside, dated. StoreError when another
    Besedka has the history open or nothing at all can be read; the file is then unchanged.
    """
    path = Path(path)
    presence = Presence(path)
    try:
        if not presence.claim():
            raise StoreError(
                f"Cannot repair {path} while another Besedka has it open; close it first."
            )
        work = path.with_name(f".{path.name}.recovering-{os.getpid()}")
        _remove(work)
        try:
            _rebuild_from_best(path, work, use_cli=use_cli)
            return _swap(path, work, damaged_copy)
        finally:
            _remove(work)
    finally:
        presence.release()


def _rebuild_from_best(path: Path, work: Path, *, use_cli: bool) -> None:
    scratch = path.with_name(f".{path.name}.recovered-{os.getpid()}")
    _remove(scratch)
    try:
        if use_cli and _cli_recover(path, scratch):
            try:
                _rebuild(scratch, work)
                return
            except (StoreError, sqlite3.Error):
                _remove(work)  # read the damaged file itself instead
        _rebuild(path, work)
    finally:
        _remove(scratch)


def _cli_recover(path: Path, scratch: Path) -> bool:
    """`sqlite3 path .recover | sqlite3 scratch`; False when the tool is missing or fails
    (Debian's is built without the page access `.recover` needs)."""
    cli = shutil.which("sqlite3")
    if cli is None:
        return False
    try:
        with (
            subprocess.Popen(
                [cli, "-bail", str(path), ".recover"],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            ) as dump,
            subprocess.Popen(
                [cli, "-bail", str(scratch)],
                stdin=dump.stdout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            ) as load,
        ):
            if dump.stdout is not None:
                dump.stdout.close()
            load.wait(timeout=CLI_TIMEOUT_S)
            dump.wait(timeout=CLI_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return False
    return dump.returncode == 0 and load.returncode == 0


def _rebuild(source_path: Path, work: Path) -> None:
    """A sound history at `work` holding every row of `source_path` that reads."""
    source = sqlite3.connect(source_path, isolation_level=None)
    source.text_factory = lambda data: data.decode("utf-8", "replace")
    target = sqlite3.connect(work, isolation_level=None)
    try:
        try:
            version = int(source.execute("PRAGMA user_version").fetchone()[0])
            master = source.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
            ).fetchall()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"Nothing in {source_path} can be read any more ({error}).") from None
        if not 0 < version <= schema.latest_version():
            raise StoreError(f"{source_path} holds no Besedka history that can be read.")
        target.execute("BEGIN")
        tables = _create_schema(target, master)
        for table in tables:
            _copy_table(source, target, table)
        _copy_sequence(source, target)
        _mend_references(target)
        target.execute(f"PRAGMA user_version = {version}")
        target.execute("COMMIT")
        schema.upgrade(target)
        if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise StoreError(f"The history rebuilt from {source_path} did not check out.")
    finally:
        source.close()
        target.close()


def _create_schema(target: sqlite3.Connection, master: Sequence[tuple[str, str, str]]) -> list[str]:
    """The damaged file's tables, then its indexes and triggers; the tables to copy."""
    virtual = [name for kind, name, sql in master if sql.upper().startswith("CREATE VIRTUAL")]

    def ours(kind: str, name: str) -> bool:
        """Not SQLite's own, nor a full-text index's shadow table (its table makes those)."""
        shadow = kind == "table" and any(name.startswith(f"{table}_") for table in virtual)
        return not (name.startswith(("sqlite_", "lost_and_found")) or shadow)

    order = {"table": 0, "index": 1, "trigger": 2, "view": 3}
    tables: list[str] = []
    for kind, name, sql in sorted(master, key=lambda row: order.get(row[0], 9)):
        if kind not in order or not ours(kind, name):
            continue
        target.execute(sql)
        if kind == "table" and name not in virtual:
            tables.append(name)
    return tables


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy_table(source: sqlite3.Connection, target: sqlite3.Connection, table: str) -> None:
    """Every row of `table` that reads, in rowid order; unreadable runs are stepped over."""
    try:
        columns = [row[1] for row in source.execute(f"PRAGMA table_info({_quote(table)})")]
    except sqlite3.DatabaseError:
        return
    names = ", ".join(_quote(column) for column in columns)
    select = f"SELECT rowid, {names} FROM {_quote(table)} WHERE rowid >= ? ORDER BY rowid LIMIT ?"

    def fetch(start: int, count: int) -> list[tuple[object, ...]]:
        return list(source.execute(select, (start, count)).fetchall())

    position, batch = _FIRST_ROWID, _BATCH
    while True:
        try:
            rows = fetch(position, batch)
        except sqlite3.DatabaseError:
            if batch > 1:
                batch = 1  # find the very row that does not read
                continue
            salvaged = _salvage(source, table, columns, position)
            if salvaged is not None:
                rowid, values = salvaged
                _insert(target, table, columns, values)
                position = rowid + 1
                continue
            after = _next_readable(fetch, position)
            if after is None:
                return
            position = after
            continue
        if not rows:
            return
        for row in rows:
            _insert(target, table, columns, row[1:])
        last = int(str(rows[-1][0]))
        if last >= _LAST_ROWID:
            return
        position, batch = last + 1, min(_BATCH, batch * 2)


def _salvage(
    source: sqlite3.Connection, table: str, columns: Sequence[str], start: int
) -> tuple[int, list[object]] | None:
    """The next row from `start` column by column (a lost text, a readable rest)."""
    try:
        found = source.execute(
            f"SELECT rowid FROM {_quote(table)} WHERE rowid >= ? ORDER BY rowid LIMIT 1",
            (start,),
        ).fetchone()
    except sqlite3.DatabaseError:
        return None
    if found is None:
        return None
    rowid = int(found[0])
    values: list[object] = []
    for column in columns:
        try:
            cell = source.execute(
                f"SELECT {_quote(column)} FROM {_quote(table)} WHERE rowid = ?", (rowid,)
            ).fetchone()
            values.append(cell[0] if cell is not None else _MISSING)
        except sqlite3.DatabaseError:
            values.append(_MISSING)
    return rowid, values


def _next_readable(fetch: Fetch, failed: int) -> int | None:
    """The smallest rowid above `failed` from which rows read again: probe ahead in
    doubling steps, then back by halves. None when nothing further reads."""
    low, step = failed, 1
    while True:
        probe = low + step
        if probe > _LAST_ROWID:
            return None
        try:
            fetch(probe, 1)
        except sqlite3.DatabaseError:
            low, step = probe, step * 2
            continue
        break
    high = probe
    while high - low > 1:
        middle = (low + high) // 2
        try:
            fetch(middle, 1)
        except sqlite3.DatabaseError:
            low = middle
        else:
            high = middle
    return high


def _insert(
    target: sqlite3.Connection, table: str, columns: Sequence[str], values: Sequence[object]
) -> None:
    """One row; a value that did not read is left to the column's default, and a row the
    schema refuses without it (a damaged NOT NULL) is skipped."""
    pairs = zip(columns, values, strict=True)
    kept = [(column, value) for column, value in pairs if value is not _MISSING]
    if not kept:
        return
    names = ", ".join(_quote(column) for column, _ in kept)
    marks = ", ".join("?" for _ in kept)
    with contextlib.suppress(sqlite3.IntegrityError):
        target.execute(
            f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks})",
            [value for _, value in kept],
        )


def _copy_sequence(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Ids of deleted newest rows stay unused, as before the damage."""
    try:
        rows = source.execute("SELECT name, seq FROM sqlite_sequence").fetchall()
    except sqlite3.DatabaseError:
        return
    for name, seq in rows:
        updated = target.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (seq, name)
        ).rowcount
        if not updated:
            with contextlib.suppress(sqlite3.Error):
                target.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (name, seq))


def _mend_references(target: sqlite3.Connection) -> None:
    """Give lost chats' messages a chat, and lost questions' replies a parent."""
    orphans = target.execute(
        "SELECT conversation_id, min(created_at), max(created_at) FROM messages"
        " WHERE conversation_id NOT IN (SELECT id FROM conversations) GROUP BY conversation_id"
    ).fetchall()
    for conversation_id, first, last in orphans:
        target.execute(
            "INSERT INTO conversations (id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (conversation_id, "Recovered chat", first, last),
        )
    target.execute(
        "UPDATE messages SET parent_id = (SELECT max(e.id) FROM messages AS e"
        " WHERE e.conversation_id = messages.conversation_id AND e.id < messages.id)"
        " WHERE parent_id IS NOT NULL AND parent_id NOT IN (SELECT id FROM messages)"
    )


def _swap(path: Path, rebuilt: Path, damaged_copy: Path | None) -> Path:
    """Put the rebuilt history at `path`; the damaged one (and its log, which must never
    meet the new file) is kept at the returned path."""
    wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
    if damaged_copy is not None and damaged_copy.exists():
        kept = damaged_copy
        with contextlib.suppress(FileNotFoundError):
            wal.unlink()
    else:
        kept = _dated(path)
        try:
            os.link(path, kept)
        except OSError:
            shutil.copy2(path, kept)
        if wal.exists():
            os.replace(wal, f"{kept}-wal")
    with contextlib.suppress(FileNotFoundError):
        shm.unlink()
    os.replace(rebuilt, path)
    return kept


def _dated(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 2
    while kept.exists():
        kept = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
        counter += 1
    return kept


def _remove(database: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", "-presence"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{database}{suffix}")
