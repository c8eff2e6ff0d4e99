"""The chat history: one SQLite file that survives crashes, upgrades and a second process.

`Store` is the facade the app, `besedka ask` and the tests use; its parts live beside it:
`database` (the connection, the lock, a transaction per write), `conversations`, `messages`,
and here search, export and import. Every public write commits before it returns.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

from gui.core.store import export, json_import, repair, search
from gui.core.store.attachments import Attachments
from gui.core.store.conversations import TRASH_DAYS, Conversations, title_from_text
from gui.core.store.folders import Folders
from gui.core.store.messages import Messages
from gui.core.store.models import Conversation, SearchHit, StoredMessage, StoreError
from gui.core.store.opening import connect
from gui.core.store.presence import Presence
from gui.core.store.tree import Tree
from gui.values import ErrorInfo

__all__ = ["Store", "title_from_text"]


class Store(Attachments, Conversations, Folders, Messages, Tree):
    """The history database. Create it with `Store.open(path)`; `close()` it at shutdown."""

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open or create the history at `path`, upgrading an older schema after a backup.

        Raises DatabaseTooNewError (file untouched) when a newer Besedka wrote it,
        DamagedHistoryError (file untouched, copied aside) when the check at open finds it
        damaged (see `gui.core.store.integrity`; `recover` repairs it), and StoreError when
        the file is not a Besedka history or cannot be opened or upgraded.
        When no other process has the file open, replies left `streaming` by a crash are marked
        interrupted (their count is `interrupted_on_open`), chats in the Trash for more than
        TRASH_DAYS and deleted messages are removed for good.
        """
        path = Path(path)
        conn = connect(path)
        presence: Presence | None = None
        try:
            presence = Presence(path)
            store = cls(path, conn, presence)
            if presence.claim():
                store.interrupted_on_open = store._recover_interrupted()
                store.purge_deleted(TRASH_DAYS * 86_400)
                store.purge_deleted_messages()  # their Undo ended with the app that offered it
                with contextlib.suppress(StoreError):  # a read-only history still opens
                    store._start_log()  # we are alone: the log is new, its header unwritten
        except BaseException as error:
            if presence is not None:
                presence.release()
            conn.close()
            if isinstance(error, sqlite3.Error):
                raise StoreError(f"Cannot open the history database {path}: {error}") from error
            raise
        return store

    @staticmethod
    def recover(path: Path, *, damaged_copy: Path | None = None) -> Path:
        """Rebuild a damaged history at `path` from what still reads and put it in place;
        returns where the damaged file is kept (`damaged_copy`, the copy
        DamagedHistoryError named, when given). StoreError when another Besedka has it
        open or nothing reads; then nothing changed. See `gui.core.store.repair`."""
        return repair.recover(Path(path), damaged_copy=damaged_copy)

    # Search

    def search(self, query: str, *, limit: int = 50, folder: int | None = None) -> list[SearchHit]:
        """Messages matching every word of `query`, best first; see `gui.core.store.search`.
        With `folder`, only in that folder's chats.

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
                search.floor_sql(folder),
                (expression, *search.folder_params(folder), search.RANK_CANDIDATES - 1),
            ).fetchone()
            rows = conn.execute(
                "SELECT m.conversation_id, m.id, c.title, m.role, messages_fts.rank AS rank,"
                " snippet(messages_fts, 0, ?, ?, '…', 24) AS snippet"
                " FROM messages_fts"
                " JOIN messages AS m ON m.id = messages_fts.rowid"
                " JOIN conversations AS c ON c.id = m.conversation_id"
                " WHERE messages_fts MATCH ? AND messages_fts.rowid >= ?"
                " AND c.deleted_at IS NULL AND m.deleted_at IS NULL"
                f"{search.folder_clause(folder)} ORDER BY messages_fts.rank LIMIT ?",
                (
                    search.MARK_OPEN,
                    search.MARK_CLOSE,
                    expression,
                    floor[0] if floor else 0,
                    *search.folder_params(folder),
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
        """The conversation and its active path, as the window shows it."""
        with self._lock:
            conversation = self.get_conversation(conversation_id)
            return conversation, self.messages_by_id(self.path_ids(conversation_id))

    def export_markdown(
        self,
        conversation_id: int,
        *,
        label_of: Callable[[str], str] = export.same_label,
        error_text: Callable[[ErrorInfo], str] | None = None,
    ) -> str:
        """For a person to read: `label_of` turns a provider's name into its label and
        `error_text` an error into a sentence (plain English, `gui.core.errors.english`,
        unless given)."""
        conversation, messages = self._export_parts(conversation_id)
        return export.to_markdown(conversation, messages, label_of, error_text or _english)

    def export_json(self, conversation_id: int) -> str:
        """Our lossless format; see `gui.core.store.export` for what a round trip keeps."""
        with self._lock:
            return export.to_json(
                self.get_conversation(conversation_id),
                self.messages(conversation_id),
                self.leaf(conversation_id),
            )

    def export_html(
        self,
        conversation_id: int,
        *,
        label_of: Callable[[str], str] = export.same_label,
        error_text: Callable[[ErrorInfo], str] | None = None,
    ) -> str:
        """A standalone page: no scripts, no remote resources, all text escaped; `label_of`
        and `error_text` as for `export_markdown`."""
        conversation, messages = self._export_parts(conversation_id)
        return export.to_html(conversation, messages, label_of, error_text or _english)

    def import_json(self, text: str) -> Conversation:
        """Add a conversation from `export_json` output; StoreError explains a refusal."""
        data = json_import.from_json(text)
        with self._writing() as conn:
            conversation_id = json_import.insert_conversation(conn, data, self.attachments_dir)
            return self._conversation_in(conn, conversation_id)


def _english(error: ErrorInfo) -> str:
    """The one plain-English wording (it needs the providers' error classes: loaded when
    an export first words a failure)."""
    from gui.core.errors import english

    return english(error)
