"""Conversations: create, list, change, and delete into the Trash.

Deleting a conversation moves it to the Trash: it disappears from the list and from search
at once and can be restored. `Store.open` (when no other process has the history open)
empties what has been in the Trash for TRASH_DAYS; the person can empty it sooner. Its
messages go with it (ON DELETE CASCADE).
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Mapping

from gui.core.store import json_import
from gui.core.store.clean import clean
from gui.core.store.database import Database, dump
from gui.core.store.models import ChatTools, Conversation

TITLE_LIMIT = 60
#: how long a deleted chat stays in the Trash
TRASH_DAYS = 30

_HEADING = re.compile(r"^(?:[#>]+\s*)+")
_COLUMNS = (
    "id, title, provider, model, system_prompt, params, pinned, created_at, updated_at, deleted_at,"
    " folder_id"
)


def title_from_text(text: str, limit: int = TITLE_LIMIT) -> str:
    """A conversation title: the first non-empty line, cut to `limit` characters at a word end."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    line = _HEADING.sub("", " ".join(line.split()))
    if len(line) <= limit:
        return line
    cut = line[: limit + 1].rfind(" ")
    shortened = line[:cut] if cut > limit // 2 else line[:limit]
    return shortened.rstrip(" ,.;:-–—") + "…"


def _params(text: str) -> dict[str, float | int]:
    """Read leniently (see `rows`): a damaged value opens as no parameters."""
    if text == "{}":  # most chats: no JSON to read (the sidebar lists thousands)
        return {}
    try:
        return json_import.check_params(json.loads(text))
    except (TypeError, ValueError, AttributeError):
        return {}


def _conversation(row: sqlite3.Row) -> Conversation:
    return Conversation(
        id=row["id"],
        title=row["title"],
        provider=row["provider"],
        model=row["model"],
        system_prompt=row["system_prompt"],
        params=_params(row["params"]),
        pinned=bool(row["pinned"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        deleted_at=row["deleted_at"],
        folder_id=row["folder_id"],
    )


class Conversations(Database):
    """The conversation half of `Store`."""

    def create_conversation(
        self,
        *,
        title: str = "",
        provider: str = "",
        model: str = "",
        system_prompt: str = "",
        params: Mapping[str, float | int] | None = None,
    ) -> Conversation:
        checked = json_import.check_params(params or {})
        now = time.time()
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT INTO conversations"
                " (title, provider, model, system_prompt, params, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    clean(title.strip()),
                    clean(provider),
                    clean(model),
                    clean(system_prompt),
                    dump(checked),
                    now,
                    now,
                ),
            )
            conversation_id = cursor.lastrowid
            assert conversation_id is not None
            return self._conversation_in(conn, conversation_id)

    def list_conversations(self) -> list[Conversation]:
        """Pinned conversations first, then the most recently active first."""
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM conversations WHERE deleted_at IS NULL"
                " ORDER BY pinned DESC, updated_at DESC, id DESC"
            ).fetchall()
        return [_conversation(row) for row in rows]

    def get_conversation(self, conversation_id: int) -> Conversation:
        """The conversation; KeyError if it does not exist or is deleted."""
        with self._reading() as conn:
            return self._conversation_in(conn, conversation_id)

    def update_conversation(
        self,
        conversation_id: int,
        *,
        title: str | None = None,
        provider: str | None = None,
        model: str | None = None,
        system_prompt: str | None = None,
        params: Mapping[str, float | int] | None = None,
        pinned: bool | None = None,
    ) -> Conversation:
        """Change the given fields (None leaves a field as is); does not move `updated_at`."""
        changes: dict[str, object] = {}
        if title is not None:
            changes["title"] = clean(title.strip())
        if provider is not None:
            changes["provider"] = clean(provider)
        if model is not None:
            changes["model"] = clean(model)
        if system_prompt is not None:
            changes["system_prompt"] = clean(system_prompt)
        if params is not None:
            changes["params"] = dump(json_import.check_params(params))
        if pinned is not None:
            changes["pinned"] = int(bool(pinned))
        with self._writing() as conn:
            if changes:
                assignments = ", ".join(f"{column} = ?" for column in changes)
                conn.execute(
                    f"UPDATE conversations SET {assignments} WHERE id = ? AND deleted_at IS NULL",
                    (*changes.values(), conversation_id),
                )
            return self._conversation_in(conn, conversation_id)

    def delete_conversation(self, conversation_id: int) -> None:
        """Move to the Trash: gone from the list and from search at once, restorable."""
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE conversations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                (time.time(), conversation_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(conversation_id)

    def trash(self) -> list[Conversation]:
        """The chats in the Trash, the most recently deleted first."""
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM conversations WHERE deleted_at IS NOT NULL"
                " ORDER BY deleted_at DESC, id DESC"
            ).fetchall()
        return [_conversation(row) for row in rows]

    def restore_conversation(self, conversation_id: int) -> Conversation:
        """Bring a chat back from the Trash; KeyError if it is not there."""
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE conversations SET deleted_at = NULL WHERE id = ?"
                " AND deleted_at IS NOT NULL",
                (conversation_id,),
            )
            if cursor.rowcount == 0:
                raise KeyError(conversation_id)
            return self._conversation_in(conn, conversation_id)

    def purge_conversation(self, conversation_id: int) -> None:
        """Delete a chat in the Trash for good; KeyError if it is not there."""
        with self._writing() as conn:
            cursor = conn.execute(
                "DELETE FROM conversations WHERE id = ? AND deleted_at IS NOT NULL",
                (conversation_id,),
            )
            if cursor.rowcount == 0:
                raise KeyError(conversation_id)

    def purge_deleted(self, older_than_s: float = 0.0) -> int:
        """Empty the Trash of chats deleted at least `older_than_s` ago (all of them by
        default) and their messages, for good; returns how many."""
        with self._writing() as conn:
            return conn.execute(
                "DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                (time.time() - older_than_s,),
            ).rowcount

    def chat_tools(self, conversation_id: int) -> ChatTools:
        """The tool servers this chat offers and the tools it always allows (none until
        the person enables them); KeyError for an unknown conversation."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT tools FROM conversations WHERE id = ?", (conversation_id,)
            ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return ChatTools.from_json(row["tools"])

    def set_chat_tools(self, conversation_id: int, tools: ChatTools) -> None:
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE conversations SET tools = ? WHERE id = ?",
                (clean(tools.to_json()), conversation_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(conversation_id)

    def _conversation_in(self, conn: sqlite3.Connection, conversation_id: int) -> Conversation:
        row = conn.execute(
            f"SELECT {_COLUMNS} FROM conversations WHERE id = ? AND deleted_at IS NULL",
            (conversation_id,),
        ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return _conversation(row)
