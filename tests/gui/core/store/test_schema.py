"""Upgrades keep every row and leave a backup; a newer database is refused and never touched."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from gui.core.store import DatabaseTooNewError, MessageStatus, Store, StoreError, schema
from gui.values import ErrorInfo

# Schema version 1 exactly as it shipped, written out by hand so the test does not depend on
# the migration code it checks.
V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE conversations (
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
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'complete',
    error TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '',
    parent_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
CREATE INDEX messages_by_parent ON messages(parent_id);
CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming';
CREATE INDEX conversations_deleted ON conversations(deleted_at) WHERE deleted_at IS NOT NULL;
INSERT INTO meta VALUES ('schema_written_by', '0.1.0');
INSERT INTO conversations VALUES
    (1, 'Рецепт борща', 'gigachat', 'GigaChat', 'Ты повар.', '{"temperature": 0.5}', 1,
     1700000000.0, 1700000100.0, NULL),
    (2, 'Python question', 'gptalk', 'gpt-3.5-turbo', '', '{}', 0,
     1700000200.0, 1700000300.0, NULL);
INSERT INTO messages VALUES
    (1, 1, 'user', 'Как сварить борщ?', 'complete', '', '', '', NULL, 1700000001.0, 1700000001.0),
    (2, 1, 'assistant', 'Нужна свёкла и капуста.', 'complete', '', 'gigachat', 'GigaChat', 1,
     1700000002.0, 1700000002.0),
    (3, 2, 'user', 'How do I reverse a list?', 'complete', '', '', '', NULL,
     1700000201.0, 1700000201.0),
    (4, 2, 'assistant', 'Use reversed(items) or items[::-1]', 'streaming', '', 'gptalk',
     'gpt-3.5-turbo', 3, 1700000202.0, 1700000202.0),
    (5, 2, 'assistant', '', 'failed', 'Rate limit', 'gptalk', 'gpt-3.5-turbo', 3,
     1700000203.0, 1700000203.0);
PRAGMA user_version = 1;
"""


def make_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.close()


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


V1_CONVERSATIONS = (
    "SELECT id, title, provider, model, system_prompt, params, pinned, created_at,"
    " updated_at, deleted_at FROM conversations ORDER BY id"
)
V1_MESSAGES = (
    "SELECT id, conversation_id, role, text, provider, model, created_at FROM messages ORDER BY id"
)


def test_upgrading_a_v1_database_keeps_every_row_and_leaves_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v1(path)
    conversations_before = rows(path, V1_CONVERSATIONS)
    messages_before = rows(path, V1_MESSAGES)

    with Store.open(path) as store:
        assert store.interrupted_on_open == 1  # message 4 was left streaming
        listed = store.list_conversations()
        assert [c.title for c in listed] == ["Рецепт борща", "Python question"]
        assert listed[0].params == {"temperature": 0.5}
        assert listed[0].pinned
        reply = store.get_message(4)
        assert reply.text == "Use reversed(items) or items[::-1]"
        assert reply.status is MessageStatus.INTERRUPTED
        assert reply.usage == {}
        # Version 4 read the old sentence back as data; no error is None.
        assert store.get_message(5).error == ErrorInfo(kind="failed", detail="Rate limit")
        assert store.get_message(2).error is None
        # Version 2 built the search index over the old rows.
        assert [hit.message_id for hit in store.search("свекла")] == [2]
        assert sorted(hit.message_id for hit in store.search("reverse")) == [3, 4]

    assert rows(path, "PRAGMA user_version") == [(schema.latest_version(),)]
    assert rows(path, V1_CONVERSATIONS) == conversations_before
    assert rows(path, V1_MESSAGES) == messages_before
    # v5: each chat became one branch, each message the child of the one before it.
    chains: dict[int, list[tuple[int, int | None]]] = {}
    for ident, conversation, parent in rows(
        path, "SELECT id, conversation_id, parent_id FROM messages ORDER BY id"
    ):
        assert isinstance(ident, int) and isinstance(conversation, int)
        assert parent is None or isinstance(parent, int)
        chains.setdefault(conversation, []).append((ident, parent))
    for chain in chains.values():
        assert [parent for _, parent in chain] == [None] + [ident for ident, _ in chain[:-1]]
    assert rows(path, "SELECT id, leaf_id FROM conversations ORDER BY id") == [
        (conversation, chain[-1][0]) for conversation, chain in sorted(chains.items())
    ]
    assert rows(path, "SELECT error FROM messages ORDER BY id") == [
        (None,),
        (None,),
        (None,),
        (None,),
        (ErrorInfo(kind="failed", detail="Rate limit").to_json(),),
    ]
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]

    backups = [p for p in tmp_path.iterdir() if ".bak-" in p.name]
    assert len(backups) == 1
    assert re.fullmatch(r"history\.sqlite3\.bak-\d{8}-\d{6}-v1", backups[0].name)
    assert rows(backups[0], "PRAGMA user_version") == [(1,)]
    assert rows(backups[0], V1_CONVERSATIONS) == conversations_before
    assert rows(backups[0], "SELECT id, status FROM messages WHERE id = 4") == [(4, "streaming")]

    with Store.open(path):
        pass
    assert len([p for p in tmp_path.iterdir() if ".bak-" in p.name]) == 1  # nothing to upgrade


def test_a_new_database_gets_no_backup(tmp_path: Path) -> None:
    with Store.open(tmp_path / "history.sqlite3"):
        pass
    assert not [p for p in tmp_path.iterdir() if ".bak-" in p.name]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_a_newer_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path) as store:
        store.add_message(store.create_conversation().id, "user", "из будущего")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '9.9.0' WHERE key = 'schema_written_by'")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    (tmp_path / "history.sqlite3-presence").unlink()
    before = snapshot(tmp_path)

    with pytest.raises(DatabaseTooNewError) as caught:
        Store.open(path)
    message = str(caught.value)
    assert "9.9.0" in message
    assert "99" in message
    assert "unchanged" in message
    assert snapshot(tmp_path) == before  # same bytes, same mtime, no new files


def test_a_newer_version_still_in_the_wal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path):
        pass
    writer = sqlite3.connect(path)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        newer = schema.latest_version() + 1
        writer.execute(f"PRAGMA user_version = {newer}")
        writer.commit()
        with pytest.raises(DatabaseTooNewError, match=f"version {newer}"):
            Store.open(path)
    finally:
        writer.close()


def test_a_failed_upgrade_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "history.sqlite3"
    make_v1(path)

    def broken_next(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken_next))
    with pytest.raises(StoreError, match="disk on fire") as caught:
        Store.open(path)
    assert "backup" in str(caught.value)
    assert rows(path, "PRAGMA user_version") == [(1,)]
    assert (
        rows(path, "SELECT name FROM sqlite_master WHERE name IN ('half_done', 'messages_fts')")
        == []
    )
    assert rows(path, "SELECT count(*) FROM messages") == [(5,)]
    assert [p for p in tmp_path.iterdir() if ".bak-" in p.name]


def test_a_foreign_file_is_refused(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("not a database at all, just some notes" * 10)
    with pytest.raises(StoreError, match="not a Besedka history"):
        Store.open(text_file)
    assert text_file.read_text().startswith("not a database")

    other_app = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other_app)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a Besedka history"):
        Store.open(other_app)
    assert rows(other_app, "SELECT name FROM sqlite_master") == [("bookmarks",)]


def test_pragmas(tmp_path: Path) -> None:
    with Store.open(tmp_path / "history.sqlite3") as store:
        conn = store._conn
        assert conn is not None
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
