"""Conversations as trees: the active path, versions, switching, forks, and deleting with Undo.

A message's parent is the message it follows. Editing a question or regenerating a reply
adds a sibling; nothing is deleted by either. A conversation shows one path, root to
`leaf_id`; switching a version moves the leaf to the newest message under the chosen
sibling. A message the person deletes is only marked (`deleted_at`): its children are
handed to its parent, so the path goes on without it, and Undo puts everything back.
Marked messages are removed for good by `purge_deleted_messages` (at start, when alone).
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from collections.abc import Sequence

from gui.core.store.database import Database
from gui.core.store.models import Conversation, StoredMessage, StoreError, ToolStep
from gui.core.store.rows import COLUMNS, message_from_row, tool_steps

#: The path from a message up to the root, live messages only, root first.
_PATH_UP = """
WITH RECURSIVE up(id, parent_id, deleted_at, depth) AS (
    SELECT id, parent_id, deleted_at, 0 FROM messages WHERE id = ?
    UNION ALL
    SELECT m.id, m.parent_id, m.deleted_at, up.depth + 1
    FROM messages AS m JOIN up ON m.id = up.parent_id
)
"""

#: Every live message under one (itself included).
_SUBTREE = """
WITH RECURSIVE down(id) AS (
    SELECT ?
    UNION ALL
    SELECT m.id FROM messages AS m JOIN down ON m.parent_id = down.id
    WHERE m.deleted_at IS NULL
)
"""


@dataclasses.dataclass(frozen=True)
class Deletion:
    """What one delete did, so that Undo can put it back exactly."""

    conversation_id: int
    #: the messages marked deleted
    ids: tuple[int, ...]
    #: children handed from a deleted message to its parent: (child, the deleted message)
    moved: tuple[tuple[int, int], ...]
    #: the conversation's leaf before the delete
    leaf: int | None


class Tree(Database):
    """The tree half of `Store` (its messages are in `Messages`)."""

    # -- the path ---------------------------------------------------------------------
    def leaf(self, conversation_id: int) -> int | None:
        """The end of the conversation's active path (None when it has no messages)."""
        with self._reading() as conn:
            return leaf_of(conn, conversation_id)

    def path_ids(self, conversation_id: int, until: int | None = None) -> list[int]:
        """Ids of the active path (or of the path up to message `until`), root first."""
        with self._reading() as conn:
            start = until if until is not None else leaf_of(conn, conversation_id)
            if start is None:
                return []
            rows = conn.execute(
                _PATH_UP + "SELECT id FROM up WHERE deleted_at IS NULL ORDER BY depth DESC",
                (start,),
            ).fetchall()
        return [row[0] for row in rows]

    def path_turns(self, conversation_id: int, until: int | None = None) -> list[tuple[str, str]]:
        """(role, text) along the active path (or up to `until`): what a provider is sent.
        Plain tuples, one query: a long chat's history is read with every question."""
        with self._reading() as conn:
            start = until if until is not None else leaf_of(conn, conversation_id)
            if start is None:
                return []
            cursor = conn.cursor()
            cursor.row_factory = None
            rows: list[tuple[str, str]] = cursor.execute(
                "WITH RECURSIVE up(parent_id, role, text, deleted_at, depth) AS ("
                " SELECT parent_id, role, text, deleted_at, 0 FROM messages WHERE id = ?"
                " UNION ALL SELECT m.parent_id, m.role, m.text, m.deleted_at, up.depth + 1"
                " FROM messages AS m JOIN up ON m.id = up.parent_id)"
                " SELECT role, text FROM up WHERE deleted_at IS NULL ORDER BY depth DESC",
                (start,),
            ).fetchall()
        return rows

    def path_tools(
        self, conversation_id: int, until: int | None = None
    ) -> dict[int, tuple[ToolStep, ...]]:
        """The tool calls along the active path (or up to `until`), by position on the
        path (as `turns` and `path_turns` count it); one indexed look-up, and nothing
        more, for a chat that never called a tool."""
        with self._reading() as conn:
            if (
                conn.execute(
                    "SELECT 1 FROM messages WHERE conversation_id = ? AND tools != '' LIMIT 1",
                    (conversation_id,),
                ).fetchone()
                is None
            ):
                return {}
            start = until if until is not None else leaf_of(conn, conversation_id)
            if start is None:
                return {}
            cursor = conn.cursor()
            cursor.row_factory = None
            rows = cursor.execute(
                "WITH RECURSIVE up(parent_id, tools, deleted_at, depth) AS ("
                " SELECT parent_id, tools, deleted_at, 0 FROM messages WHERE id = ?"
                " UNION ALL SELECT m.parent_id, m.tools, m.deleted_at, up.depth + 1"
                " FROM messages AS m JOIN up ON m.id = up.parent_id)"
                " SELECT tools FROM up WHERE deleted_at IS NULL ORDER BY depth DESC",
                (start,),
            ).fetchall()
        found = {}
        for position, (text,) in enumerate(rows):
            if text and (steps := tool_steps(text)):
                found[position] = steps
        return found

    def messages_by_id(self, ids: Sequence[int]) -> list[StoredMessage]:
        """These messages in this order, each with its place among its versions."""
        if not ids:
            return []
        with self._reading() as conn:
            found: dict[int, StoredMessage] = {}
            for start in range(0, len(ids), 500):  # SQLite's limit on parameters
                chunk = ids[start : start + 500]
                marks = _marks(chunk)
                rows = conn.execute(
                    f"SELECT {COLUMNS},"
                    " (SELECT count(*) FROM messages AS s WHERE s.parent_id IS m.parent_id"
                    "  AND s.conversation_id = m.conversation_id AND s.deleted_at IS NULL"
                    "  AND s.id < m.id) + 1 AS version,"
                    " (SELECT count(*) FROM messages AS s WHERE s.parent_id IS m.parent_id"
                    "  AND s.conversation_id = m.conversation_id AND s.deleted_at IS NULL)"
                    " AS versions"
                    f" FROM messages AS m WHERE id IN ({marks}) AND deleted_at IS NULL",
                    chunk,
                ).fetchall()
                for row in rows:
                    found[row["id"]] = message_from_row(row)
        return [found[ident] for ident in ids if ident in found]

    def counted(self, message: StoredMessage) -> StoredMessage:
        """The message with its place among its versions, for the switcher under it (as
        it was when a caller made it: a reply that just started, say)."""
        try:
            [now] = self.messages_by_id([message.id]) or [message]
        except StoreError:
            return message
        return dataclasses.replace(message, version=now.version, versions=now.versions)

    # -- versions ---------------------------------------------------------------------
    def siblings(self, message_id: int) -> list[int]:
        """The live versions of a message (itself included), oldest first."""
        with self._reading() as conn:
            return _siblings(conn, message_id)

    def switch_version(self, message_id: int, step: int) -> int | None:
        """Show the version `step` places away (-1 the previous one): the leaf moves to the
        newest message under it. Returns that version's id, None at either end."""
        with self._writing() as conn:
            versions = _siblings(conn, message_id)
            if message_id not in versions:
                return None
            index = versions.index(message_id) + step
            if not 0 <= index < len(versions):
                return None
            chosen = versions[index]
            _set_leaf(conn, _conversation_of(conn, chosen), _newest_under(conn, chosen))
            self.paths.forget()
            return chosen

    def show_branch(self, message_id: int) -> bool:
        """Make the path through a message the active one (a search hit in another
        branch): True when the path changed."""
        with self._writing() as conn:
            conversation_id = _conversation_of(conn, message_id)
            leaf = leaf_of(conn, conversation_id)
            if leaf is not None and message_id in _path(conn, leaf):
                return False
            _set_leaf(conn, conversation_id, _newest_under(conn, message_id))
            self.paths.forget()
            return True

    # -- forks --------------------------------------------------------------------------
    def fork(self, message_id: int) -> Conversation:
        """A new conversation holding the path up to this message, with the same provider,
        model, system prompt, parameters and tool choice."""
        now = time.time()
        with self._writing() as conn:
            conversation_id = _conversation_of(conn, message_id)
            cursor = conn.execute(
                "INSERT INTO conversations (title, provider, model, system_prompt, params,"
                " tools, created_at, updated_at) SELECT title, provider, model, system_prompt,"
                " params, tools, ?, ? FROM conversations WHERE id = ?",
                (now, now, conversation_id),
            )
            new_id = cursor.lastrowid
            assert new_id is not None
            parent: int | None = None
            for ident in _path(conn, message_id):
                row = conn.execute(f"SELECT {COLUMNS} FROM messages WHERE id = ?", (ident,))
                old = row.fetchone()
                parent = conn.execute(
                    "INSERT INTO messages (conversation_id, role, text, status, error, provider,"
                    " model, usage, finish_reason, parent_id, created_at, updated_at,"
                    " reasoning, reasoning_ms, tools)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        new_id,
                        old["role"],
                        old["text"],
                        old["status"],
                        old["error"],
                        old["provider"],
                        old["model"],
                        old["usage"],
                        old["finish_reason"],
                        parent,
                        old["created_at"],
                        now,
                        old["reasoning"],
                        old["reasoning_ms"],
                        old["tools"],
                    ),
                ).lastrowid
            _set_leaf(conn, new_id, parent)
            return self._conversation_in(conn, new_id)  # type: ignore[attr-defined, no-any-return]

    # -- deleting, with Undo -----------------------------------------------------------
    def delete_message(self, message_id: int) -> Deletion:
        """Mark one message deleted; its children follow its parent instead, so the rest
        of the path stays. KeyError if it does not exist (or is deleted already)."""
        with self._writing() as conn:
            row = _live(conn, message_id)
            conversation_id, parent = row["conversation_id"], row["parent_id"]
            leaf = leaf_of(conn, conversation_id)
            children = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM messages WHERE parent_id = ? AND deleted_at IS NULL",
                    (message_id,),
                )
            ]
            conn.execute(
                "UPDATE messages SET parent_id = ? WHERE parent_id = ? AND deleted_at IS NULL",
                (parent, message_id),
            )
            conn.execute(
                "UPDATE messages SET deleted_at = ? WHERE id = ?", (time.time(), message_id)
            )
            if leaf == message_id:
                _set_leaf(conn, conversation_id, parent)
            self.paths.forget()
            return Deletion(
                conversation_id, (message_id,), tuple((c, message_id) for c in children), leaf
            )

    def delete_branch(self, message_id: int) -> Deletion:
        """Mark a message and everything under it deleted (one version and its
        continuation); the path then shows a remaining version, or ends above."""
        with self._writing() as conn:
            row = _live(conn, message_id)
            conversation_id = row["conversation_id"]
            leaf = leaf_of(conn, conversation_id)
            versions = _siblings(conn, message_id)
            ids = [r[0] for r in conn.execute(_SUBTREE + "SELECT id FROM down", (message_id,))]
            now = time.time()
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                conn.execute(
                    f"UPDATE messages SET deleted_at = ? WHERE id IN ({_marks(chunk)})",
                    (now, *chunk),
                )
            if leaf in ids:
                others = [v for v in versions if v != message_id]
                before = [v for v in others if v < message_id]
                if others:
                    target = _newest_under(conn, before[-1] if before else others[0])
                else:
                    target = row["parent_id"]
                _set_leaf(conn, conversation_id, target)
            self.paths.forget()
            return Deletion(conversation_id, tuple(ids), (), leaf)

    def undo_deletion(self, deletion: Deletion) -> None:
        """Put back what a delete took: the messages, their children, the path shown."""
        with self._writing() as conn:
            for start in range(0, len(deletion.ids), 500):
                chunk = deletion.ids[start : start + 500]
                conn.execute(
                    f"UPDATE messages SET deleted_at = NULL WHERE id IN ({_marks(chunk)})", chunk
                )
            conn.executemany(
                "UPDATE messages SET parent_id = ? WHERE id = ?",
                [(deleted, child) for child, deleted in deletion.moved],
            )
            if deletion.leaf is not None:
                _set_leaf(conn, deletion.conversation_id, deletion.leaf)
            self.paths.forget()

    def purge_deleted_messages(self, older_than_s: float = 0.0) -> int:
        """Remove messages deleted more than `older_than_s` ago for good; how many."""
        with self._writing() as conn:
            return conn.execute(
                "DELETE FROM messages WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                (time.time() - older_than_s,),
            ).rowcount


# -- queries inside one transaction ---------------------------------------------------


def leaf_of(conn: sqlite3.Connection, conversation_id: int) -> int | None:
    """The stored leaf when it is a live message of this conversation, else its newest."""
    row = conn.execute(
        "SELECT m.id FROM conversations AS c JOIN messages AS m ON m.id = c.leaf_id"
        " WHERE c.id = ? AND m.conversation_id = c.id AND m.deleted_at IS NULL",
        (conversation_id,),
    ).fetchone()
    if row is not None:
        return int(row[0])
    row = conn.execute(
        "SELECT max(id) FROM messages WHERE conversation_id = ? AND deleted_at IS NULL",
        (conversation_id,),
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _path(conn: sqlite3.Connection, message_id: int) -> list[int]:
    rows = conn.execute(
        _PATH_UP + "SELECT id FROM up WHERE deleted_at IS NULL ORDER BY depth DESC", (message_id,)
    ).fetchall()
    return [row[0] for row in rows]


def _newest_under(conn: sqlite3.Connection, message_id: int) -> int:
    """The newest live message under one (itself included): where its branch was left."""
    row = conn.execute(_SUBTREE + "SELECT max(id) FROM down", (message_id,)).fetchone()
    return int(row[0]) if row and row[0] is not None else message_id


def _siblings(conn: sqlite3.Connection, message_id: int) -> list[int]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT s.id FROM messages AS m JOIN messages AS s ON s.parent_id IS m.parent_id"
            " AND s.conversation_id = m.conversation_id"
            " WHERE m.id = ? AND s.deleted_at IS NULL ORDER BY s.id",
            (message_id,),
        )
    ]


def _conversation_of(conn: sqlite3.Connection, message_id: int) -> int:
    return int(_live(conn, message_id)["conversation_id"])


def _live(conn: sqlite3.Connection, message_id: int) -> sqlite3.Row:
    row = conn.execute(
        "SELECT conversation_id, parent_id FROM messages WHERE id = ? AND deleted_at IS NULL",
        (message_id,),
    ).fetchone()
    if row is None:
        raise KeyError(message_id)
    result: sqlite3.Row = row
    return result


def _set_leaf(conn: sqlite3.Connection, conversation_id: int, leaf: int | None) -> None:
    conn.execute("UPDATE conversations SET leaf_id = ? WHERE id = ?", (leaf, conversation_id))


def _marks(values: Sequence[object]) -> str:
    """Placeholders for an IN (…) list of these values."""
    return ",".join("?" * len(values))
