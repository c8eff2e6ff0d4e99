"""Folders for chats in the sidebar (issue #22): a chat is in one folder or in none.

A folder has a name, a place among the folders and whether the sidebar shows it closed
(remembered). Deleting a folder never deletes a chat: its chats go back to the top level.
Each folder has a `key` (random, made once) so a backup restored twice, or into the profile
it came from, finds the folder it already made instead of adding another.
"""

from __future__ import annotations

import dataclasses
import secrets
import sqlite3
import time
from typing import NamedTuple

from gui.core.store.clean import clean
from gui.core.store.database import Database

#: the longest folder name kept (the sidebar elides long ones anyway)
NAME_LIMIT = 80


@dataclasses.dataclass(frozen=True)
class Folder:
    """One folder; `chats` counts the chats in it that are not in the Trash."""

    id: int
    name: str
    key: str
    position: int
    collapsed: bool
    chats: int = 0


class ChatRow(NamedTuple):
    """What the sidebar shows of a chat: read for thousands at once, so only these."""

    id: int
    title: str
    pinned: bool
    updated_at: float
    folder_id: int | None


def v9_folders(conn: sqlite3.Connection) -> None:
    """Folders, and each chat's folder (NULL: the top level). Deleting a folder sets its
    chats' folder back to NULL (the foreign key does it; `delete_folder` does too)."""
    for statement in (
        """CREATE TABLE folders (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            position INTEGER NOT NULL DEFAULT 0,
            collapsed INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL
        )""",
        "ALTER TABLE conversations ADD COLUMN folder_id INTEGER"
        " REFERENCES folders(id) ON DELETE SET NULL",
        "CREATE INDEX conversations_by_folder ON conversations(folder_id)"
        " WHERE folder_id IS NOT NULL",
    ):
        conn.execute(statement)


def _name(name: str) -> str:
    cleaned = clean(" ".join(name.split()))[:NAME_LIMIT]
    if not cleaned:
        raise ValueError("a folder needs a name")
    return cleaned


def new_key() -> str:
    return secrets.token_hex(8)


class Folders(Database):
    """The folder half of `Store`."""

    def list_folders(self) -> list[Folder]:
        """Every folder in its place, with how many chats it holds."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT f.id, f.name, f.key, f.position, f.collapsed,"
                " (SELECT count(*) FROM conversations AS c"
                "  WHERE c.folder_id = f.id AND c.deleted_at IS NULL) AS chats"
                " FROM folders AS f ORDER BY f.position, f.id"
            ).fetchall()
        return [Folder(row[0], row[1], row[2], row[3], bool(row[4]), int(row[5])) for row in rows]

    def create_folder(self, name: str, *, key: str | None = None) -> Folder:
        """A new folder after the others; ValueError for a name that is only spaces."""
        with self._writing() as conn:
            return _create_in(conn, _name(name), key or new_key())

    def rename_folder(self, folder_id: int, name: str) -> None:
        """KeyError for an unknown folder, ValueError for an empty name."""
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE folders SET name = ? WHERE id = ?", (_name(name), folder_id)
            )
            if cursor.rowcount == 0:
                raise KeyError(folder_id)

    def delete_folder(self, folder_id: int) -> None:
        """The folder goes; its chats (Trash included) go back to the top level."""
        with self._writing() as conn:
            conn.execute(
                "UPDATE conversations SET folder_id = NULL WHERE folder_id = ?", (folder_id,)
            )
            if conn.execute("DELETE FROM folders WHERE id = ?", (folder_id,)).rowcount == 0:
                raise KeyError(folder_id)

    def set_folder_collapsed(self, folder_id: int, collapsed: bool) -> None:
        with self._writing() as conn:
            conn.execute(
                "UPDATE folders SET collapsed = ? WHERE id = ?", (int(collapsed), folder_id)
            )

    def move_to_folder(self, conversation_id: int, folder_id: int | None) -> None:
        """Put a chat in a folder (None: the top level); does not move `updated_at`.
        KeyError for an unknown chat or folder."""
        with self._writing() as conn:
            if folder_id is not None and not _exists(conn, folder_id):
                raise KeyError(folder_id)
            cursor = conn.execute(
                "UPDATE conversations SET folder_id = ? WHERE id = ?",
                (folder_id, conversation_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(conversation_id)

    def chat_rows(self) -> list[ChatRow]:
        """The chats in the list as `list_conversations` orders them, only what the
        sidebar shows (a third of the time for thousands: no parameters to read)."""
        with self._reading() as conn:
            cursor = conn.execute(
                "SELECT id, title, pinned, updated_at, folder_id FROM conversations"
                " WHERE deleted_at IS NULL ORDER BY pinned DESC, updated_at DESC, id DESC"
            )
            cursor.row_factory = None
            rows = cursor.fetchall()
        return [ChatRow(i, t, bool(p), u, f) for i, t, p, u, f in rows]

    def folder_of(self, conversation_id: int) -> int | None:
        with self._reading() as conn:
            row = conn.execute(
                "SELECT folder_id FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        return None if row is None or row[0] is None else int(row[0])


def _create_in(conn: sqlite3.Connection, name: str, key: str) -> Folder:
    position = conn.execute("SELECT coalesce(max(position), -1) + 1 FROM folders").fetchone()
    cursor = conn.execute(
        "INSERT INTO folders (name, key, position, created_at) VALUES (?, ?, ?, ?)",
        (name, key, int(position[0]), time.time()),
    )
    assert cursor.lastrowid is not None
    return Folder(cursor.lastrowid, name, key, int(position[0]), False)


def merge_folder(
    conn: sqlite3.Connection, name: str, key: str | None = None
) -> tuple[int, bool] | None:
    """For a restore or an import, in its transaction: the folder with this `key`, else
    the one with this name (which takes the key, so the next restore finds it by key),
    else a new one; and whether it is new or took the key (then the caller may give it
    the state it came with). None for an empty name."""
    try:
        cleaned = _name(name)
    except ValueError:
        return None
    if key:
        row = conn.execute("SELECT id FROM folders WHERE key = ?", (key,)).fetchone()
        if row is not None:
            return int(row[0]), False
    row = conn.execute("SELECT id FROM folders WHERE name = ? ORDER BY id", (cleaned,)).fetchone()
    if row is None:
        return _create_in(conn, cleaned, key or new_key()).id, True
    if key:
        conn.execute("UPDATE folders SET key = ? WHERE id = ?", (key, row[0]))
    return int(row[0]), bool(key)


def _exists(conn: sqlite3.Connection, folder_id: int) -> bool:
    return conn.execute("SELECT 1 FROM folders WHERE id = ?", (folder_id,)).fetchone() is not None
