"""Writing drafts into the history: in short transactions, no duplicates, all or nothing.

Drafts are written a batch at a time (about BATCH_MESSAGES messages per transaction), so
the window, which shares the store's one connection, waits at most one short batch for
it. Each conversation with a key is noted in the history's `meta` table
(`import:<key>` → its id): a second import of the same export finds it and adds nothing.
When the import is cancelled or fails, everything it wrote is deleted again in one
transaction, so the history is as it was.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable

from gui.core.imports.common import native_key
from gui.core.imports.report import Cancelled, Draft, Report
from gui.core.store import Store
from gui.core.store.folders import merge_folder
from gui.core.store.json_import import insert_conversation

KEY_PREFIX = "import:"
#: messages per transaction: a few milliseconds of the store's lock each
BATCH_MESSAGES = 400
#: how often progress is told, at most
PROGRESS_EVERY_S = 0.1

Progress = Callable[[Report], None]


class Writer:
    """Collects drafts and writes them a batch at a time for one import."""

    def __init__(
        self,
        store: Store,
        report: Report,
        *,
        cancel: threading.Event | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.store = store
        self.report = report
        self.cancel = cancel
        self.progress = progress
        self._batch: list[Draft] = []
        self._batched = 0
        self._told = 0.0

    def check(self) -> None:
        """Cancelled raised when the person asked to stop; progress told now and then."""
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled
        now = time.monotonic()
        if self.progress is not None and now - self._told >= PROGRESS_EVERY_S:
            self._told = now
            self.progress(self.report)

    def add(self, draft: Draft) -> None:
        self.check()
        self._batch.append(draft)
        self._batched += len(draft.conversation.messages)
        if self._batched >= BATCH_MESSAGES:
            self.flush()

    def flush(self) -> None:
        batch, self._batch, self._batched = self._batch, [], 0
        if not batch:
            return
        report = self.report
        added: list[int] = []  # into report.ids once committed: a rollback frees the ids
        counted = (report.conversations, report.messages, report.duplicates, report.first_title)
        try:
            self._write(batch, added)
        except BaseException:
            report.conversations, report.messages, report.duplicates, report.first_title = counted
            raise
        report.ids.extend(added)

    def _write(self, batch: list[Draft], added: list[int]) -> None:
        report = self.report
        with self.store._writing() as conn:
            for draft in batch:
                self.check()
                data = draft.conversation
                if draft.key is not None and _known(conn, draft.key, data.created_at):
                    report.duplicates += 1
                    continue
                conversation_id = insert_conversation(conn, data, self.store.attachments_dir)
                merged = merge_folder(conn, draft.folder) if draft.folder else None
                if merged is not None:  # into its folder (by name; made if missing)
                    conn.execute(
                        "UPDATE conversations SET folder_id = ? WHERE id = ?",
                        (merged[0], conversation_id),
                    )
                if draft.key is not None:
                    conn.execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                        (KEY_PREFIX + draft.key, str(conversation_id)),
                    )
                added.append(conversation_id)
                if not report.first_title:
                    report.first_title = data.title
                report.conversations += 1
                report.messages += len(data.messages)

    def undo(self) -> None:
        """Delete every conversation this import added (and its keys): the history is as
        it was before."""
        ids, self.report.ids = self.report.ids, []
        self._batch = []
        if ids:
            with self.store._writing() as conn:
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    conn.execute(f"DELETE FROM messages WHERE conversation_id IN ({marks})", chunk)
                    conn.execute(f"DELETE FROM conversations WHERE id IN ({marks})", chunk)
                    conn.execute(
                        f"DELETE FROM meta WHERE key LIKE 'import:%' AND value IN ({marks})",
                        [str(ident) for ident in chunk],
                    )
            self.store.paths.forget()
        self.report.conversations = self.report.messages = 0


def _known(conn: sqlite3.Connection, key: str, created_at: float) -> bool:
    """Whether the history already holds the conversation `key` names (in the list or in
    the Trash): noted at an earlier import, or, for a chat made in Besedka, found by
    when it started and how it began."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (KEY_PREFIX + key,)).fetchone()
    if row is not None and str(row[0]).isdigit():
        found = conn.execute("SELECT 1 FROM conversations WHERE id = ?", (int(row[0]),))
        if found.fetchone() is not None:
            return True
    if key.startswith("besedka:"):
        rows = conn.execute("SELECT id FROM conversations WHERE created_at = ?", (created_at,))
        return any(key_of(conn, r[0], created_at) == key for r in rows.fetchall())
    return False


def key_of(conn: sqlite3.Connection, conversation_id: int, created_at: float) -> str:
    """A chat's identity in a library export, made from the history (see `native_key`)."""
    row = conn.execute(
        "SELECT text FROM messages WHERE conversation_id = ? AND parent_id IS NULL"
        " ORDER BY id LIMIT 1",
        (conversation_id,),
    ).fetchone()
    return native_key(created_at, row[0] if row is not None else "")


def noted_keys(store: Store) -> dict[int, str]:
    """conversation id → the key it was imported under."""
    with store._reading() as conn:
        rows = conn.execute("SELECT key, value FROM meta WHERE key LIKE 'import:%'").fetchall()
    return {int(value): key[len(KEY_PREFIX) :] for key, value in rows if str(value).isdigit()}
