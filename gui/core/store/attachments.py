"""Files attached to user messages: content-addressed beside the history
(`attachments/<sha256[:2]>/<sha256>`), described in `attachments`, linked in order from a
message (`message_attachments`), with the ids services gave them per credential
(`attachment_uploads`). A file no message uses any more goes when its last chat is
deleted for good.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sqlite3
import time
from collections.abc import Collection, Sequence
from pathlib import Path

from gui.core.store.database import Database
from gui.core.store.models import StoredMessage

__all__ = [
    "Attachments",
    "StoredAttachment",
    "UploadIds",
    "content_path",
    "thumbnail_path",
    "v8_attachments",
]


def v8_attachments(conn: sqlite3.Connection) -> None:
    """Attachments (issue #19): what a file is, which messages carry it and in which
    order, and which service ids it has (a one-way fingerprint of the credential)."""
    for statement in (
        """CREATE TABLE attachments (
            sha256 TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            mime TEXT NOT NULL DEFAULT 'application/octet-stream',
            size INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL
        )""",
        """CREATE TABLE message_attachments (
            message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            conversation_id INTEGER NOT NULL,
            sha256 TEXT NOT NULL REFERENCES attachments(sha256),
            name TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (message_id, position)
        )""",
        "CREATE INDEX message_attachments_by_chat ON message_attachments(conversation_id)",
        "CREATE INDEX message_attachments_by_file ON message_attachments(sha256)",
        """CREATE TABLE attachment_uploads (
            sha256 TEXT NOT NULL,
            credential TEXT NOT NULL,
            file_id TEXT NOT NULL,
            PRIMARY KEY (sha256, credential)
        )""",
    ):
        conn.execute(statement)


_HEX64 = re.compile(r"[0-9a-f]{64}")


def content_path(directory: Path, sha256: str) -> Path:
    return directory / sha256[:2] / sha256


def thumbnail_path(path: Path | str) -> Path:
    """A picture's small copy beside it (made by the window when it is attached)."""
    return Path(f"{path}.thumb.png")


@dataclasses.dataclass(frozen=True)
class StoredAttachment:
    """One attached file as a message carries it."""

    sha256: str
    name: str
    mime: str
    size: int
    path: str

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


class UploadIds:
    """The service ids of one file (providers.base.UploadCache), kept in the history."""

    def __init__(self, store: Attachments, sha256: str) -> None:
        self._store, self._sha256 = store, sha256

    def get(self, credential: str) -> str | None:
        with self._store._reading() as conn:
            row = conn.execute(
                "SELECT file_id FROM attachment_uploads WHERE sha256 = ? AND credential = ?",
                (self._sha256, credential),
            ).fetchone()
        return None if row is None else str(row[0])

    def put(self, credential: str, file_id: str) -> None:
        with self._store._writing() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO attachment_uploads (sha256, credential, file_id)"
                " VALUES (?, ?, ?)",
                (self._sha256, credential, file_id),
            )

    def forget(self, credential: str) -> None:
        with self._store._writing() as conn:
            conn.execute(
                "DELETE FROM attachment_uploads WHERE sha256 = ? AND credential = ?",
                (self._sha256, credential),
            )


class Attachments(Database):
    """The attachment half of `Store` (before Tree and Conversations in its bases)."""

    @property
    def attachments_dir(self) -> Path:
        return self.path.parent / "attachments"

    def link_attachments(
        self, message: StoredMessage, files: Sequence[StoredAttachment]
    ) -> StoredMessage:
        """Attach files (already in `attachments_dir`) to a message, in this order."""
        if not files:
            return message
        now = time.time()
        with self._writing() as conn:
            for position, file in enumerate(files):
                conn.execute(
                    "INSERT OR IGNORE INTO attachments (sha256, name, mime, size, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (file.sha256, file.name, file.mime, file.size, now),
                )
                conn.execute(
                    "INSERT INTO message_attachments"
                    " (message_id, position, conversation_id, sha256, name) VALUES (?, ?, ?, ?, ?)",
                    (message.id, position, message.conversation_id, file.sha256, file.name),
                )
        return dataclasses.replace(message, attachments=tuple(files))

    def attachments_of(self, ids: Sequence[int]) -> dict[int, tuple[StoredAttachment, ...]]:
        """Each message's files, in order (messages without any are left out)."""
        found: dict[int, list[StoredAttachment]] = {}
        with self._reading() as conn:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ", ".join("?" * len(chunk))
                rows = conn.execute(
                    "SELECT l.message_id, l.sha256, l.name, a.mime, a.size"
                    " FROM message_attachments AS l JOIN attachments AS a USING (sha256)"
                    f" WHERE l.message_id IN ({marks}) ORDER BY l.message_id, l.position",
                    chunk,
                ).fetchall()
                for message_id, sha256, name, mime, size in rows:
                    path = str(content_path(self.attachments_dir, sha256))
                    found.setdefault(message_id, []).append(
                        StoredAttachment(sha256, name, mime, size, path)
                    )
        return {ident: tuple(files) for ident, files in found.items()}

    def _has_attachments(self, conversation_id: int) -> bool:
        with self._reading() as conn:
            row = conn.execute(
                "SELECT 1 FROM message_attachments WHERE conversation_id = ? LIMIT 1",
                (conversation_id,),
            ).fetchone()
        return row is not None

    def path_attachments(
        self, conversation_id: int, until: int | None = None
    ) -> dict[int, tuple[StoredAttachment, ...]]:
        """The files along the active path (or up to `until`), by position on the path;
        one indexed look-up for a chat without any."""
        if not self._has_attachments(conversation_id):
            return {}
        ids: list[int] = self.path_ids(conversation_id, until)  # type: ignore[attr-defined]
        by_id = self.attachments_of(ids)
        return {position: by_id[ident] for position, ident in enumerate(ids) if ident in by_id}

    def messages_by_id(self, ids: Sequence[int]) -> list[StoredMessage]:
        return self._with_files(super().messages_by_id(ids))  # type: ignore[misc]

    def messages(self, conversation_id: int, **page: int | None) -> list[StoredMessage]:
        return self._with_files(super().messages(conversation_id, **page))  # type: ignore[misc]

    def _with_files(self, messages: list[StoredMessage]) -> list[StoredMessage]:
        """These messages with their files (one indexed look-up for a chat without)."""
        if not messages or not self._has_attachments(messages[0].conversation_id):
            return messages
        by_id = self.attachments_of([message.id for message in messages])
        return [
            dataclasses.replace(message, attachments=by_id[message.id])
            if message.id in by_id
            else message
            for message in messages
        ]

    def upload_ids(self, sha256: str) -> UploadIds:
        return UploadIds(self, sha256)

    def free_attachments(self) -> int:
        """Remove the files no message uses any more (and what services said of them)."""
        with self._writing() as conn:
            conn.execute(
                "DELETE FROM message_attachments WHERE message_id NOT IN (SELECT id FROM messages)"
            )
            unused = [
                row[0]
                for row in conn.execute(
                    "SELECT sha256 FROM attachments WHERE sha256 NOT IN"
                    " (SELECT sha256 FROM message_attachments)"
                )
            ]
            for sha256 in unused:
                conn.execute("DELETE FROM attachments WHERE sha256 = ?", (sha256,))
                conn.execute("DELETE FROM attachment_uploads WHERE sha256 = ?", (sha256,))
        for sha256 in unused:
            path = content_path(self.attachments_dir, sha256)
            for leftover in (path, thumbnail_path(path)):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        return len(unused)

    def sweep_unsent(self, keep: Collection[str] = (), older_than_s: float = 3600.0) -> int:
        """Remove the files of the folder no message names — attached, then the message
        box cleared or the app quit — and copies cut short, once older than an hour (a
        file being attached now is newer; `keep`: hashes attached in the message box).
        Under the history's lock, so an import's files and their rows go in together."""
        directory = self.attachments_dir
        if not directory.is_dir():
            return 0
        removed, now = 0, time.time()
        with self._writing() as conn:
            named = {row[0] for row in conn.execute("SELECT sha256 FROM message_attachments")}
            named.update(keep)
            for path in directory.rglob("*"):
                sha256 = path.name.split(".", 1)[0]
                leftover = path.name.startswith((".incoming-", ".pasted-", ".import-"))
                if not leftover and (not _HEX64.fullmatch(sha256) or sha256 in named):
                    continue
                with contextlib.suppress(OSError):
                    if path.is_file() and now - path.lstat().st_mtime > older_than_s:
                        path.unlink()
                        removed += 1
        return removed

    def purge_conversation(self, conversation_id: int) -> None:
        super().purge_conversation(conversation_id)  # type: ignore[misc]
        self.free_attachments()

    def purge_deleted_messages(self, older_than_s: float = 0.0) -> int:
        count: int = super().purge_deleted_messages(older_than_s)  # type: ignore[misc]
        if count:
            self.free_attachments()
        return count

    def purge_deleted(self, older_than_s: float = 0.0) -> int:
        count: int = super().purge_deleted(older_than_s)  # type: ignore[misc]
        if count:
            self.free_attachments()
        return count
