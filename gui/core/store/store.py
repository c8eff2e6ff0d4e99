"""The chat history: one SQLite file that survives crashes, upgrades and a second process.

Every public write commits before it returns, so a crash or a SIGKILL of the app loses nothing
that was saved; a streaming reply is one cheap UPDATE per save. With WAL and
`synchronous=NORMAL` a power cut may lose the last commits, but never corrupts the file.

Deleting a conversation is a soft delete: it disappears from the list and from search at once,
and `restore_conversation` brings it back (the undo). Soft-deleted conversations are removed for
good by `purge_deleted`, which `open` runs when no other process has the history open, so undo
lasts for the session of the app that deleted. `purge_deleted` hard-deletes; messages go with
their conversation (ON DELETE CASCADE).

Methods are safe to call from several threads; calls are serialized on one connection.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from gui.core.store import export, schema, search
from gui.core.store.models import (
    ROLES,
    Conversation,
    MessageStatus,
    SearchHit,
    StoredMessage,
    StoreError,
)
from gui.core.store.presence import Presence

BUSY_TIMEOUT_MS = 10_000
TITLE_LIMIT = 60

_HEADING = re.compile(r"^(?:[#>]+\s*)+")
_CONVERSATION_COLUMNS = (
    "id, title, provider, model, system_prompt, params, pinned, created_at, updated_at"
)
_MESSAGE_COLUMNS = (
    "id, conversation_id, role, text, status, error, provider, model, usage, parent_id, created_at"
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


def _conversation(row: sqlite3.Row) -> Conversation:
    return Conversation(
        id=row["id"],
        title=row["title"],
        provider=row["provider"],
        model=row["model"],
        system_prompt=row["system_prompt"],
        params=json.loads(row["params"]),
        pinned=bool(row["pinned"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _message(row: sqlite3.Row) -> StoredMessage:
    return StoredMessage(
        id=row["id"],
        conversation_id=row["conversation_id"],
        role=row["role"],
        text=row["text"],
        status=MessageStatus(row["status"]),
        error=row["error"],
        provider=row["provider"],
        model=row["model"],
        usage=json.loads(row["usage"]),
        parent_id=row["parent_id"],
        created_at=row["created_at"],
    )


def _dump(value: Mapping[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=True)


class Store:
    """The history database. Create it with `Store.open(path)`; `close()` it at shutdown."""

    path: Path
    interrupted_on_open: int

    def __init__(self, path: Path, conn: sqlite3.Connection, presence: Presence) -> None:
        """Use `Store.open`; this only wires up an already prepared connection."""
        self.path = path
        self.interrupted_on_open = 0
        self._conn: sqlite3.Connection | None = conn
        self._presence = presence
        self._lock = threading.RLock()

    # Opening and closing

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open or create the history at `path`, upgrading an older schema after a backup.

        Raises DatabaseTooNewError (file untouched) when a newer Besedka wrote it, and
        StoreError when the file is not a Besedka history or cannot be opened or upgraded.
        When no other process has the file open, replies left `streaming` by a crash are marked
        interrupted (their count is `interrupted_on_open`) and soft-deleted conversations are
        purged.
        """
        path = Path(path)
        version = schema.header_user_version(path)
        if version is not None and version > schema.latest_version():
            raise schema.too_new_error(path, version)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                path,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"Cannot open the history database {path}: {error}") from error
        presence: Presence | None = None
        try:
            conn.row_factory = sqlite3.Row
            _prepare(conn, path)
            presence = Presence(path)
            store = cls(path, conn, presence)
            if presence.claim():
                store.interrupted_on_open = store.recover_interrupted()
                store.purge_deleted()
        except BaseException as error:
            if presence is not None:
                presence.release()
            conn.close()
            if isinstance(error, sqlite3.Error):
                raise StoreError(f"Cannot open the history database {path}: {error}") from error
            raise
        return store

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

    # Plumbing: every call holds the lock; writes run in one IMMEDIATE transaction each.

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

    # Conversations

    def create_conversation(
        self,
        *,
        title: str = "",
        provider: str = "",
        model: str = "",
        system_prompt: str = "",
        params: Mapping[str, float | int] | None = None,
    ) -> Conversation:
        checked = export.check_params(params or {})
        now = time.time()
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT INTO conversations"
                " (title, provider, model, system_prompt, params, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (title.strip(), provider, model, system_prompt, _dump(checked), now, now),
            )
            conversation_id = cursor.lastrowid
            assert conversation_id is not None
            return self._conversation_in(conn, conversation_id)

    def list_conversations(self) -> list[Conversation]:
        """Pinned conversations first, then the most recently active first."""
        with self._reading() as conn:
            rows = conn.execute(
                f"SELECT {_CONVERSATION_COLUMNS} FROM conversations WHERE deleted_at IS NULL"
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
            changes["title"] = title.strip()
        if provider is not None:
            changes["provider"] = provider
        if model is not None:
            changes["model"] = model
        if system_prompt is not None:
            changes["system_prompt"] = system_prompt
        if params is not None:
            changes["params"] = _dump(export.check_params(params))
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
        """Soft-delete: gone from the list and search until `restore_conversation` or a purge."""
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE conversations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                (time.time(), conversation_id),
            )
            if cursor.rowcount == 0:
                raise KeyError(conversation_id)

    def restore_conversation(self, conversation_id: int) -> Conversation:
        """Undo `delete_conversation`; KeyError if it was purged meanwhile or never deleted."""
        with self._writing() as conn:
            cursor = conn.execute(
                "UPDATE conversations SET deleted_at = NULL"
                " WHERE id = ? AND deleted_at IS NOT NULL",
                (conversation_id,),
            )
            if cursor.rowcount == 0:
                raise KeyError(conversation_id)
            return self._conversation_in(conn, conversation_id)

    def purge_deleted(self) -> int:
        """Remove soft-deleted conversations and their messages for good; returns how many."""
        with self._writing() as conn:
            return conn.execute("DELETE FROM conversations WHERE deleted_at IS NOT NULL").rowcount

    def _conversation_in(self, conn: sqlite3.Connection, conversation_id: int) -> Conversation:
        row = conn.execute(
            f"SELECT {_CONVERSATION_COLUMNS} FROM conversations"
            " WHERE id = ? AND deleted_at IS NULL",
            (conversation_id,),
        ).fetchone()
        if row is None:
            raise KeyError(conversation_id)
        return _conversation(row)

    # Messages

    def add_message(
        self,
        conversation_id: int,
        role: str,
        text: str,
        *,
        status: MessageStatus = MessageStatus.COMPLETE,
        provider: str = "",
        model: str = "",
        parent_id: int | None = None,
        error: str = "",
        usage: Mapping[str, int] | None = None,
    ) -> StoredMessage:
        """Append a message and mark the conversation active.

        The first user message of an untitled conversation also gives it its title.
        KeyError if the conversation does not exist or is deleted; ValueError for an unknown
        role or a parent outside this conversation.
        """
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        status = MessageStatus(status)
        checked_usage = export.check_usage(usage or {})
        now = time.time()
        with self._writing() as conn:
            head = conn.execute(
                "SELECT title FROM conversations WHERE id = ? AND deleted_at IS NULL",
                (conversation_id,),
            ).fetchone()
            if head is None:
                raise KeyError(conversation_id)
            if parent_id is not None:
                parent = conn.execute(
                    "SELECT conversation_id FROM messages WHERE id = ?", (parent_id,)
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
                    error,
                    provider,
                    model,
                    _dump(checked_usage),
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
                "UPDATE conversations SET updated_at = ?, title = ? WHERE id = ?",
                (now, title, conversation_id),
            )
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
        error: str | None = None,
        usage: Mapping[str, int] | None = None,
    ) -> None:
        """Save new values for a message in one UPDATE (cheap enough for every streaming save).

        Works for a message of a soft-deleted conversation, so a reply still streaming when its
        chat is deleted is kept for the undo. KeyError if the message does not exist.
        """
        changes: dict[str, object] = {}
        if text is not None:
            changes["text"] = text
        if status is not None:
            changes["status"] = MessageStatus(status).value
        if error is not None:
            changes["error"] = error
        if usage is not None:
            changes["usage"] = _dump(export.check_usage(usage))
        changes["updated_at"] = time.time()
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with self._reading("save to the history") as conn:
            # A single statement is its own transaction in autocommit mode.
            cursor = conn.execute(
                f"UPDATE messages SET {assignments} WHERE id = ?", (*changes.values(), message_id)
            )
            if cursor.rowcount == 0:
                raise KeyError(message_id)

    def get_message(self, message_id: int) -> StoredMessage:
        """The message; KeyError if it does not exist."""
        with self._reading() as conn:
            row = conn.execute(
                f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
        if row is None:
            raise KeyError(message_id)
        return _message(row)

    def delete_message(self, message_id: int) -> None:
        """Delete one message for good; replies that named it as parent keep a NULL parent."""
        with self._writing() as conn:
            if conn.execute("DELETE FROM messages WHERE id = ?", (message_id,)).rowcount == 0:
                raise KeyError(message_id)

    def messages(
        self,
        conversation_id: int,
        *,
        limit: int | None = None,
        before_id: int | None = None,
        after_id: int | None = None,
    ) -> list[StoredMessage]:
        """Messages in ascending id order ([] for an unknown conversation).

        For lazy loading: `limit` alone gives the newest page; with `before_id`, the newest
        `limit` messages older than that id (the next page up). With `after_id`, the oldest
        `limit` messages newer than that id, e.g. to fill in below a search hit.
        """
        if limit is not None and limit < 0:
            raise ValueError("limit must not be negative")
        clauses = ["conversation_id = ?"]
        args: list[object] = [conversation_id]
        if before_id is not None:
            clauses.append("id < ?")
            args.append(before_id)
        if after_id is not None:
            clauses.append("id > ?")
            args.append(after_id)
        newest_first = limit is not None and after_id is None
        sql = (
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE {' AND '.join(clauses)}"
            f" ORDER BY id {'DESC' if newest_first else 'ASC'}"
        )
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        with self._reading() as conn:
            rows = conn.execute(sql, args).fetchall()
        if newest_first:
            rows.reverse()
        return [_message(row) for row in rows]

    def turns(self, conversation_id: int) -> list[tuple[str, str]]:
        """(role, text) of every message, oldest first: what a provider is sent. Leaner
        than `messages()`, which a long chat would make noticeably slow to start a reply."""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT role, text FROM messages WHERE conversation_id = ? ORDER BY id",
                (conversation_id,),
            ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def count_messages(self, conversation_id: int) -> int:
        with self._reading() as conn:
            row = conn.execute(
                "SELECT count(*) FROM messages WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
        return int(row[0])

    def recover_interrupted(self) -> int:
        """Mark every `streaming` reply interrupted, keeping its text; returns how many.

        `open` calls this only when no other process has the history open; call it yourself
        only if you know no reply is being written.
        """
        with self._writing() as conn:
            return conn.execute(
                "UPDATE messages SET status = ?, updated_at = ? WHERE status = ?",
                (MessageStatus.INTERRUPTED.value, time.time(), MessageStatus.STREAMING.value),
            ).rowcount

    # Search

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Messages matching every word of `query`, best first; see `gui.core.store.search`.

        Never raises for odd input: anything that is not a word is ignored.
        """
        if limit <= 0:
            return []
        with self._reading() as conn:

            def known(prefix: str) -> bool:
                return (
                    conn.execute(
                        "SELECT 1 FROM temp.messages_vocab WHERE term >= ? AND term < ? LIMIT 1",
                        (prefix, f"{prefix}\U0010ffff"),
                    ).fetchone()
                    is not None
                )

            expression = search.fts_query(query, known)
            if not expression:
                return []
            # Rank at most RANK_CANDIDATES matches: the newest ones, found by walking rowids.
            floor = conn.execute(
                "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?"
                " ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                (expression, search.RANK_CANDIDATES - 1),
            ).fetchone()
            rows = conn.execute(
                "SELECT m.conversation_id, m.id, c.title, m.role, messages_fts.rank AS rank,"
                " snippet(messages_fts, 0, ?, ?, '…', 24) AS snippet"
                " FROM messages_fts"
                " JOIN messages AS m ON m.id = messages_fts.rowid"
                " JOIN conversations AS c ON c.id = m.conversation_id"
                " WHERE messages_fts MATCH ? AND messages_fts.rowid >= ?"
                " AND c.deleted_at IS NULL"
                " ORDER BY messages_fts.rank LIMIT ?",
                (
                    search.MARK_OPEN,
                    search.MARK_CLOSE,
                    expression,
                    floor[0] if floor else 0,
                    limit,
                ),
            ).fetchall()
        return [
            SearchHit(
                conversation_id=row["conversation_id"],
                message_id=row["id"],
                title=row["title"],
                role=row["role"],
                snippet=search.snippet_html(row["snippet"]),
                rank=float(row["rank"]),
            )
            for row in rows
        ]

    # Export and import

    def _export_parts(self, conversation_id: int) -> tuple[Conversation, list[StoredMessage]]:
        with self._lock:
            return self.get_conversation(conversation_id), self.messages(conversation_id)

    def export_markdown(self, conversation_id: int) -> str:
        return export.to_markdown(*self._export_parts(conversation_id))

    def export_json(self, conversation_id: int) -> str:
        """Our lossless format; see `gui.core.store.export` for what a round trip keeps."""
        return export.to_json(*self._export_parts(conversation_id))

    def export_html(self, conversation_id: int) -> str:
        """A standalone page: no scripts, no remote resources, all text escaped."""
        return export.to_html(*self._export_parts(conversation_id))

    def import_json(self, text: str) -> Conversation:
        """Add a conversation from `export_json` output; StoreError explains a refusal."""
        data = export.from_json(text)
        with self._writing() as conn:
            cursor = conn.execute(
                "INSERT INTO conversations (title, provider, model, system_prompt, params, pinned,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    data.title,
                    data.provider,
                    data.model,
                    data.system_prompt,
                    _dump(data.params),
                    int(data.pinned),
                    data.created_at,
                    data.updated_at,
                ),
            )
            conversation_id = cursor.lastrowid
            assert conversation_id is not None
            ids: list[int] = []
            for message in data.messages:
                cursor = conn.execute(
                    "INSERT INTO messages (conversation_id, role, text, status, error, provider,"
                    " model, usage, parent_id, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        conversation_id,
                        message.role,
                        message.text,
                        message.status.value,
                        message.error,
                        message.provider,
                        message.model,
                        _dump(message.usage),
                        None if message.parent is None else ids[message.parent],
                        message.created_at,
                        message.created_at,
                    ),
                )
                assert cursor.lastrowid is not None
                ids.append(cursor.lastrowid)
            return self._conversation_in(conn, conversation_id)


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
