"""The history schema as an ordered list of migrations, versioned by `PRAGMA user_version`.

Version N of the schema is what the first N functions of MIGRATIONS build. A migration is never
edited once released; a change is a new function appended to the list. `upgrade` copies an
existing database to a dated backup next to it, then runs every pending migration in one
transaction, so an upgrade either completes or leaves the file as it was.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

from gui.core.store import legacy_errors
from gui.core.store.attachments import v8_attachments
from gui.core.store.folders import v9_folders
from gui.core.store.models import DatabaseTooNewError, StoreError

Migration = Callable[[sqlite3.Connection], None]

SQLITE_MAGIC = b"SQLite format 3\x00"
_USER_VERSION_OFFSET = 60
WRITTEN_BY_KEY = "schema_written_by"


def _run(conn: sqlite3.Connection, statements: Sequence[str]) -> None:
    # One execute() per statement: executescript() would commit the surrounding transaction.
    for statement in statements:
        conn.execute(statement)


def _v1_initial(conn: sqlite3.Connection) -> None:
    """Conversations, messages and a key/value table for facts about the file itself."""
    _run(
        conn,
        [
            """CREATE TABLE meta (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            )""",
            """CREATE TABLE conversations (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                title TEXT NOT NULL DEFAULT '',
                provider TEXT NOT NULL DEFAULT '',
                model TEXT NOT NULL DEFAULT '',
                system_prompt TEXT NOT NULL DEFAULT '',
                params TEXT NOT NULL DEFAULT '{}',
                pinned INTEGER NOT NULL DEFAULT 0,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                deleted_at REAL
            )""",
            """CREATE TABLE messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                conversation_id INTEGER NOT NULL
                    REFERENCES conversations(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                text TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT 'complete',
                error TEXT NOT NULL DEFAULT '',
                provider TEXT NOT NULL DEFAULT '',
                model TEXT NOT NULL DEFAULT '',
                parent_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            )""",
            "CREATE INDEX messages_by_conversation ON messages(conversation_id, id)",
            "CREATE INDEX messages_by_parent ON messages(parent_id)",
            "CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming'",
            "CREATE INDEX conversations_deleted ON conversations(deleted_at)"
            " WHERE deleted_at IS NOT NULL",
        ],
    )


def _v2_usage_and_search(conn: sqlite3.Connection) -> None:
    """Token usage per message, and an FTS5 index over message text kept in sync by triggers."""
    _run(
        conn,
        [
            "ALTER TABLE messages ADD COLUMN usage TEXT NOT NULL DEFAULT '{}'",
            # Prefix indexes answer the short stems a search looks up ("нов*", "книг*") without
            # merging thousands of words that start with them.
            """CREATE VIRTUAL TABLE messages_fts USING fts5(
                text,
                content='messages',
                content_rowid='id',
                tokenize='unicode61 remove_diacritics 2',
                prefix='3 4'
            )""",
            """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
                INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
            END""",
            """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, text)
                VALUES ('delete', old.id, old.text);
            END""",
            """CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, text)
                VALUES ('delete', old.id, old.text);
                INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
            END""",
            "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
        ],
    )


def _v3_index_finished_text(conn: sqlite3.Connection) -> None:
    """Index a message's text once it stops streaming, not at every save while it streams.

    A streaming reply is saved about once a second with its whole text; re-indexing all of
    it each time cost tens of milliseconds on long replies. Streaming text is now outside
    the index until its message ends (complete, stopped, failed or interrupted).
    """
    _run(
        conn,
        [
            "DROP TRIGGER messages_fts_insert",
            "DROP TRIGGER messages_fts_delete",
            "DROP TRIGGER messages_fts_update",
            """CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
                WHEN new.status != 'streaming' BEGIN
                INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
            END""",
            """CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
                WHEN old.status != 'streaming' BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, text)
                VALUES ('delete', old.id, old.text);
            END""",
            # One trigger, so the old text leaves the index before the new one enters.
            """CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, status ON messages BEGIN
                INSERT INTO messages_fts(messages_fts, rowid, text)
                SELECT 'delete', old.id, old.text WHERE old.status != 'streaming';
                INSERT INTO messages_fts(rowid, text)
                SELECT new.id, new.text WHERE new.status != 'streaming';
            END""",
            "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
            # 'rebuild' indexed every row; take streaming ones out again (they are indexed
            # when they end, e.g. marked interrupted at open).
            """INSERT INTO messages_fts(messages_fts, rowid, text)
                SELECT 'delete', id, text FROM messages WHERE status = 'streaming'""",
        ],
    )


def _v4_errors_as_data(conn: sqlite3.Connection) -> None:
    """A message's error becomes JSON data (`ErrorInfo.to_json`), NULL when there is none.

    Up to v3 the column held an English sentence, which the interface could not say in its
    own language; old sentences are read back as well as they can be (see legacy_errors).
    The column was NOT NULL, so the table is rebuilt (SQLite's documented way: new table,
    copy, drop, rename), keeping ids, the AUTOINCREMENT counter, indexes and triggers. The
    search index keeps matching: it is keyed by message id and the text is unchanged.
    """

    conn.create_function("besedka_v4_error", 1, legacy_errors.column_value, deterministic=True)
    # Indexes and triggers go with the old table: note them to create them again.
    attached = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'messages'"
            " AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name"
        )
    ]
    sequence = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'messages'").fetchone()
    kept = "provider, model, parent_id, created_at, updated_at, usage"
    _run(
        conn,
        [
            """CREATE TABLE messages_v4 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                conversation_id INTEGER NOT NULL
                    REFERENCES conversations(id) ON DELETE CASCADE,
                role TEXT NOT NULL,
                text TEXT NOT NULL DEFAULT '',
                status TEXT NOT NULL DEFAULT 'complete',
                error TEXT,
                provider TEXT NOT NULL DEFAULT '',
                model TEXT NOT NULL DEFAULT '',
                parent_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                usage TEXT NOT NULL DEFAULT '{}'
            )""",
            f"INSERT INTO messages_v4 (id, conversation_id, role, text, status, error, {kept})"
            " SELECT id, conversation_id, role, text, status, besedka_v4_error(error),"
            f" {kept} FROM messages",
            "DROP TABLE messages",
            "ALTER TABLE messages_v4 RENAME TO messages",
            *attached,
        ],
    )
    if sequence is not None:  # ids of deleted newest messages stay unused, as before
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'messages'")
        conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('messages', ?)", sequence)


def _v5_trees(conn: sqlite3.Connection) -> None:
    """Conversations become trees: each message's parent is the one it follows, and a
    conversation remembers the end of the path shown (`leaf_id`). Edits and regenerations
    add siblings instead of deleting; a message the person deletes is marked
    (`deleted_at`, so Undo can bring it back) and removed for good later. A reply keeps why
    the server stopped it (`finish_reason`: "length" offers Continue).

    Up to v4 a conversation was a list in id order: each message becomes the child of the
    one before it, and the newest message the leaf, so every chat is a single branch.
    """
    _run(
        conn,
        [
            "ALTER TABLE messages ADD COLUMN deleted_at REAL",
            "ALTER TABLE messages ADD COLUMN finish_reason TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE conversations ADD COLUMN leaf_id INTEGER",
            """UPDATE messages SET parent_id = (
                SELECT max(earlier.id) FROM messages AS earlier
                WHERE earlier.conversation_id = messages.conversation_id
                AND earlier.id < messages.id
            )""",
            """UPDATE conversations SET leaf_id = (
                SELECT max(id) FROM messages WHERE conversation_id = conversations.id
            )""",
            "CREATE INDEX messages_deleted ON messages(deleted_at) WHERE deleted_at IS NOT NULL",
            # Versions are the children of one parent in one conversation (first messages
            # have none): one index answers both.
            "DROP INDEX messages_by_parent",
            "CREATE INDEX messages_by_parent ON messages(parent_id, conversation_id)",
        ],
    )


def _v6_reasoning(conn: sqlite3.Connection) -> None:
    """A reply keeps the model's thinking apart from its answer (`reasoning`, never sent
    back to a provider and not in the search index) and how long it thought (`reasoning_ms`)."""
    _run(
        conn,
        [
            "ALTER TABLE messages ADD COLUMN reasoning TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE messages ADD COLUMN reasoning_ms INTEGER NOT NULL DEFAULT 0",
        ],
    )


def _v7_tool_calls(conn: sqlite3.Connection) -> None:
    """A reply keeps the tool calls it made and their results (`tools`: a JSON list of
    `ToolStep`s, '' for none), sent back to the model in later turns. A partial index
    answers "does this chat have any?" without reading it. A chat keeps which tool
    servers it offers and which tools it always allows (`tools`: JSON, '' for none:
    nothing is offered until the person enables it)."""
    _run(
        conn,
        [
            "ALTER TABLE messages ADD COLUMN tools TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE conversations ADD COLUMN tools TEXT NOT NULL DEFAULT ''",
            "CREATE INDEX messages_with_tools ON messages(conversation_id) WHERE tools != ''",
        ],
    )


MIGRATIONS: tuple[Migration, ...] = (
    _v1_initial,
    _v2_usage_and_search,
    _v3_index_finished_text,
    _v4_errors_as_data,
    _v5_trees,
    _v6_reasoning,
    _v7_tool_calls,
    v8_attachments,
    v9_folders,
)


class NotOurs(StoreError):
    """The file has tables but no schema version of ours: another program's database."""


def latest_version() -> int:
    return len(MIGRATIONS)


def app_version() -> str:
    try:
        return metadata.version("besedka")
    except metadata.PackageNotFoundError:
        return "unknown"


def header_user_version(path: Path) -> int | None:
    """`user_version` read from the file header without SQLite, or None for a new/empty file.

    Reading the bytes ourselves guarantees that a refused database is not touched at all.
    """
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"Cannot read the history database {path}: {error.strerror}") from error
    if not header:
        return None
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} is not a Besedka history database (not an SQLite file).")
    return int.from_bytes(header[_USER_VERSION_OFFSET : _USER_VERSION_OFFSET + 4], "big")


def _written_by(path: Path) -> str | None:
    """The app version that last upgraded the file, read without locking or writing anything."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (WRITTEN_BY_KEY,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def too_new_error(path: Path, version: int) -> DatabaseTooNewError:
    written_by = _written_by(path)
    needed = (
        f"It was upgraded by Besedka {written_by}; install that version or newer to open it."
        if written_by and written_by != "unknown"
        else "It was upgraded by a newer Besedka; install the newest Besedka to open it."
    )
    return DatabaseTooNewError(
        f"The history database {path} has schema version {version}, but this Besedka "
        f"({app_version()}) understands versions up to {latest_version()}. {needed} "
        "The file was left unchanged."
    )


def backup_path(path: Path, old_version: int) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.bak-{stamp}-v{old_version}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak-{stamp}-v{old_version}-{counter}")
        counter += 1
    return candidate


def backup(conn: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of the whole database (WAL content included) via SQLite's backup API.

    A backup that fails (a full disk) takes its partial file with it: every start would
    otherwise leave one more useless file beside the history."""
    try:
        copy = sqlite3.connect(target)
        try:
            conn.backup(copy)
        finally:
            copy.close()
    except BaseException:
        for leftover in (target, target.with_name(f"{target.name}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise


def upgrade(conn: sqlite3.Connection) -> None:
    """Run the pending migrations and stamp the version, all in one transaction.

    Foreign keys must be off on `conn` (SQLite ignores the pragma inside a transaction, and table
    rebuilds need it off); they are checked before committing instead.
    """
    steps = MIGRATIONS
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if current == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise NotOurs("tables but no Besedka schema version")
        if current < len(steps):
            for migration in steps[current:]:
                migration(conn)
            conn.execute(f"PRAGMA user_version = {len(steps)}")
            conn.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                (WRITTEN_BY_KEY, app_version()),
            )
            if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                raise StoreError("The upgraded history database has broken references.")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
