"""Messages: append, save while streaming, read in pages, and repair after a crash.

A streaming reply is one cheap UPDATE per save. Its error, when it fails or is cut, is data
(`ErrorInfo`, JSON in the `error` column, NULL for none), so the interface can say it in its
own language.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from gui.core.store import json_import
from gui.core.store.clean import clean
from gui.core.store.conversations import title_from_text
from gui.core.store.database import Database, dump
from gui.core.store.models import (
    ROLES,
    UNCHANGED,
    MessageStatus,
    StoredMessage,
    ToolStep,
    Unchanged,
)
from gui.core.store.rows import COLUMNS, error_json, message_from_row, tools_json
from gui.core.store.tree import leaf_of
from gui.values import ErrorInfo


class Messages(Database):
    """The message half of `Store`."""

    def add_message(
        self,
        conversation_id: int,
        role: str,
        text: str,
        *,
        status: MessageStatus = MessageStatus.COMPLETE,
        provider: str = "",
        model: str = "",
        parent_id: int | Unchanged | None = UNCHANGED,
        error: ErrorInfo | None = None,
        usage: Mapping[str, int] | None = None,
    ) -> StoredMessage:
        """Add a message after `parent_id` (by default after the end of the active path;
        None makes it a first message) and make it the end of the active path.

        The first user message of an untitled conversation also gives it its title.
        KeyError if the conversation does not exist or is deleted; ValueError for an unknown
        role or a parent outside this conversation.
        """
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        text, provider, model = clean(text), clean(provider), clean(model)
        status = MessageStatus(status)
        checked_usage = json_import.check_usage(usage or {})
        now = time.time()
        with self._writing() as conn:
            head = conn.execute(
                "SELECT title FROM conversations WHERE id = ? AND deleted_at IS NULL",
                (conversation_id,),
            ).fetchone()
            if head is None:
                raise KeyError(conversation_id)
            if parent_id is UNCHANGED:
                parent_id = leaf_of(conn, conversation_id)
            elif parent_id is not None:
                parent = conn.execute(
                    "SELECT conversation_id FROM messages WHERE id = ? AND deleted_at IS NULL",
                    (parent_id,),
                ).fetchone()
                if parent is None or parent["conversation_id"] != conversation_id:
                    raise ValueError(
                        f"message {parent_id} is not in conversation {conversation_id}"
                    )
            cursor = conn.execute(
                "INSERT INTO messages (conversation_id, role, text, status, error, provider,"
                " model, usage, parent_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    conversation_id,
                    role,
                    text,
                    status.value,
                    error_json(error),
                    provider,
                    model,
                    dump(checked_usage),
                    parent_id,
                    now,
                    now,
                ),
            )
            message_id = cursor.lastrowid
            assert message_id is not None
            title = head["title"]
            if not title and role == "user":
                title = title_from_text(text)
            conn.execute(
                "UPDATE conversations SET updated_at = ?, title = ?, leaf_id = ? WHERE id = ?",
                (now, title, message_id, conversation_id),
            )
            self.paths.appended(conversation_id, parent_id, message_id, role, text)
        return StoredMessage(
            id=message_id,
            conversation_id=conversation_id,
            role=role,
            text=text,
            status=status,
            error=error,
            provider=provider,
            model=model,
            usage=checked_usage,
            parent_id=parent_id,
            created_at=now,
        )

    def update_message(
        self,
        message_id: int,
        *,
        text: str | None = None,
        status: MessageStatus | None = None,
        error: ErrorInfo | Unchanged | None = UNCHANGED,
        usage: Mapping[str, int] | None = None,
        finish_reason: str | None = None,
        reasoning: str | None = None,
        reasoning_ms: int | None = None,
        tools: tuple[ToolStep, ...] | list[ToolStep] | None = None,
    ) -> None:
        """Save new values for a message in one UPDATE (cheap enough for every streaming save).

        A field left out stays as it is; `error=None` clears the error. Works for a message
        of a soft-deleted conversation, so a reply still streaming when its chat is deleted
        is saved to its end. KeyError if the message does not exist. Text that UTF-8
        cannot hold (lone surrogates) is saved with U+FFFD in their place.
        """
        changes: dict[str, object] = {}
        if text is not None:
            text = clean(text)
            changes["text"] = text
        if status is not None:
            changes["status"] = MessageStatus(status).value
        if error is not UNCHANGED:
            changes["error"] = error_json(error)
        if usage is not None:
            changes["usage"] = dump(json_import.check_usage(usage))
        if finish_reason is not None:
            changes["finish_reason"] = clean(finish_reason)
        if reasoning is not None:
            changes["reasoning"] = clean(reasoning)
        if reasoning_ms is not None:
            changes["reasoning_ms"] = max(0, int(reasoning_ms))
        if tools is not None:
            changes["tools"] = tools_json(tools)
        changes["updated_at"] = time.time()
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with self._reading("save to the history") as conn:
            # A single statement is its own transaction in autocommit mode.
            cursor = conn.execute(
                f"UPDATE messages SET {assignments} WHERE id = ?", (*changes.values(), message_id)
            )
            if cursor.rowcount == 0:
                raise KeyError(message_id)
            if text is not None:
                self.paths.text_changed(message_id, text)

    def get_message(self, message_id: int) -> StoredMessage:
        """The message; KeyError if it does not exist."""
        with self._reading() as conn:
            row = conn.execute(
                f"SELECT {COLUMNS} FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
        if row is None:
            raise KeyError(message_id)
        return message_from_row(row)

    def messages(
        self,
        conversation_id: int,
        *,
        limit: int | None = None,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> list[StoredMessage]:
        """Every live message of the tree in ascending id order ([] for an unknown
        conversation); the active path is `path_ids`.

        For lazy loading: `limit` alone gives the newest page; with `before_id`, the newest
        `limit` messages older than that id (the next page up). With `after_id`, the oldest
        `limit` messages newer than that id, e.g. to fill in below a search hit.
        """
        if limit is not None and limit < 0:
            raise ValueError("limit must not be negative")
        clauses = ["conversation_id = ?", "deleted_at IS NULL"]
        args: list[object] = [conversation_id]
        if before_id is not None:
            clauses.append("id < ?")
            args.append(before_id)
        if after_id is not None:
            clauses.append("id > ?")
            args.append(after_id)
        newest_first = limit is not None and after_id is None
        sql = (
            f"SELECT {COLUMNS} FROM messages WHERE {' AND '.join(clauses)}"
            f" ORDER BY id {'DESC' if newest_first else 'ASC'}"
        )
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._reading() as conn:
            rows = conn.execute(sql, args).fetchall()
        if newest_first:
            rows.reverse()
        return [message_from_row(row) for row in rows]

    def turns(self, conversation_id: int) -> list[tuple[str, str]]:
        """(role, text) of every message on the active path, oldest first: what a provider
        is sent. Kept between questions (`PathMemo`): a long chat's history is read from
        the file once, not with every question."""
        with self._reading() as conn:
            leaf = leaf_of(conn, conversation_id)
            if leaf is None:
                return []
            kept = self.paths.get(conn, conversation_id, leaf)
            if kept is not None:
                return kept
            cursor = conn.cursor()
            cursor.row_factory = None  # plain tuples: no sqlite3.Row per message
            rows = cursor.execute(
                "WITH RECURSIVE up(id, parent_id, role, text, deleted_at, depth) AS ("
                " SELECT id, parent_id, role, text, deleted_at, 0 FROM messages WHERE id = ?"
                " UNION ALL SELECT m.id, m.parent_id, m.role, m.text, m.deleted_at, up.depth + 1"
                " FROM messages AS m JOIN up ON m.id = up.parent_id)"
                " SELECT id, role, text FROM up WHERE deleted_at IS NULL ORDER BY depth DESC",
                (leaf,),
            ).fetchall()
            return self.paths.put(conn, conversation_id, leaf, rows)

    def count_messages(self, conversation_id: int) -> int:
        """How many messages a conversation holds, without reading them (the benchmarks)."""
        with self._reading() as conn:
            row = conn.execute(
                "SELECT count(*) FROM messages WHERE conversation_id = ? AND deleted_at IS NULL",
                (conversation_id,),
            ).fetchone()
        return int(row[0])

    def _recover_interrupted(self) -> int:
        """Mark every `streaming` reply interrupted, keeping its text; returns how many.

        Only when no other process has the history open (`Store.open` checks), else a reply
        another window is still writing would be marked.
        """
        with self._writing() as conn:
            return conn.execute(
                "UPDATE messages SET status = ?, updated_at = ? WHERE status = ?",
                (MessageStatus.INTERRUPTED.value, time.time(), MessageStatus.STREAMING.value),
            ).rowcount
