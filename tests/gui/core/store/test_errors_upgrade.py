"""Upgrading a v3 history turns its English error sentences into data the interface words."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gui.core.store import MessageStatus, Store, schema
from gui.values import ErrorInfo

# Schema version 3 exactly as it shipped, written out by hand so the test does not depend on
# the migration code it checks.
V3_SCHEMA = """
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
    updated_at REAL NOT NULL,
    usage TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
CREATE INDEX messages_by_parent ON messages(parent_id);
CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming';
CREATE INDEX conversations_deleted ON conversations(deleted_at) WHERE deleted_at IS NOT NULL;
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content='messages', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='3 4'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
    WHEN new.status != 'streaming' BEGIN
    INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
    WHEN old.status != 'streaming' BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, status ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, text)
    SELECT 'delete', old.id, old.text WHERE old.status != 'streaming';
    INSERT INTO messages_fts(rowid, text)
    SELECT new.id, new.text WHERE new.status != 'streaming';
END;
INSERT INTO meta VALUES ('schema_written_by', '0.3.0');
INSERT INTO conversations VALUES
    (1, 'Ошибки', 'gigachat', 'GigaChat', '', '{}', 0, 1700000000.0, 1700000100.0, NULL);
PRAGMA user_version = 3;
"""

JSON_ALREADY = (
    '{"detail": "busy", "kind": "server", "params": {}, "provider": "GigaChat",'
    ' "reason": "server_busy", "status": 503}'
)

#: (the v3 `error` column, what it reads back as after the upgrade)
ERRORS: list[tuple[str, ErrorInfo | None]] = [
    ("", None),
    (
        "GigaChat: the connection closed mid-answer. The answer was cut or malformed; "
        "the text so far is kept. Retry.",
        ErrorInfo(kind="protocol", provider="GigaChat", detail="the connection closed mid-answer"),
    ),
    (
        "GigaChat: Token has expired. Check the key and scope in Settings.",
        ErrorInfo(kind="auth", provider="GigaChat", detail="Token has expired"),
    ),
    (
        "GigaChat: no key is set. Add a key in Settings.",
        ErrorInfo(kind="missing_key", provider="GigaChat", detail="no key is set"),
    ),
    (
        "OpenAI-compatible: Too many requests. Retry in 7 s.",
        ErrorInfo(
            kind="rate_limit",
            provider="OpenAI-compatible",
            detail="Too many requests",
            params={"retry_after": 7},
        ),
    ),
    (  # before 0.2 the wait was written with decimals
        "GPTalk: slow down. Retry in 2.5 s.",
        ErrorInfo(
            kind="rate_limit", provider="GPTalk", detail="slow down", params={"retry_after": 3}
        ),
    ),
    (
        "GPTalk: 429: Too Many Requests. Wait a little and retry.",
        ErrorInfo(kind="rate_limit", provider="GPTalk", detail="429: Too Many Requests"),
    ),
    (
        "OpenAI-compatible: request too large: 413: Payload Too Large. Change the request "
        "(shorter text, other parameters) and retry.",
        ErrorInfo(
            kind="bad_request",
            provider="OpenAI-compatible",
            detail="request too large: 413: Payload Too Large",
        ),
    ),
    (
        "GigaChat: 404: Not Found. Pick another model or check the base URL in Settings.",
        ErrorInfo(kind="not_found", provider="GigaChat", detail="404: Not Found"),
    ),
    (
        "GigaChat: 500: Internal Server Error. The service has a problem; try again later.",
        ErrorInfo(kind="server", provider="GigaChat", detail="500: Internal Server Error"),
    ),
    (
        "OpenAI-compatible: Cannot connect to host 127.0.0.1:9 [Connection refused]. "
        "Check the connection, the proxy and the base URL in Settings.",
        ErrorInfo(
            kind="network",
            provider="OpenAI-compatible",
            detail="Cannot connect to host 127.0.0.1:9 [Connection refused]",
        ),
    ),
    (
        "GigaChat: certificate verify failed. "
        "The server's TLS certificate is not trusted; add its CA file in Settings.",
        ErrorInfo(kind="certificate", provider="GigaChat", detail="certificate verify failed"),
    ),
    (
        "GPTalk: certificate verify failed. "
        "The server's TLS certificate is not trusted; check the base URL in Settings.",
        ErrorInfo(kind="untrusted_server", provider="GPTalk", detail="certificate verify failed"),
    ),
    (
        "GigaChat: no data for 10 s. "
        "The server stopped answering; retry, or raise the timeout in Settings.",
        ErrorInfo(kind="timeout", provider="GigaChat", detail="no data for 10 s"),
    ),
    (
        "GPROChat: access denied: 403: Forbidden. The service refused the signed request; "
        "check the computer's clock and the base URL in Settings.",
        ErrorInfo(
            kind="signature_refused", provider="GPROChat", detail="access denied: 403: Forbidden"
        ),
    ),
    (
        "GPTalk: 401: Unauthorized. "
        "The service refused the anonymous session; retry later or pick another provider.",
        ErrorInfo(kind="session_refused", provider="GPTalk", detail="401: Unauthorized"),
    ),
    (
        "GigaChat: why? Try again later.",
        ErrorInfo(kind="failed", provider="GigaChat", detail="why?"),
    ),
    (  # no label: the message keeps its own lower-case opening
        "access denied: 403. Check the key and scope in Settings.",
        ErrorInfo(kind="auth", detail="access denied: 403"),
    ),
    (  # Auto ends with the hint of its last failure, which is not its own kind
        "Auto: every provider failed: GigaChat: x; GPTalk: y. Retry in 5 s.",
        ErrorInfo(
            kind="failed", provider="Auto", detail="every provider failed: GigaChat: x; GPTalk: y"
        ),
    ),
    (
        "Internal error (KeyError); the text so far is kept.",
        ErrorInfo(kind="internal", params={"type": "KeyError"}),
    ),
    ("Internal error; the text so far is kept.", ErrorInfo(kind="internal")),
    (
        "GigaChat: cannot start (ValueError); check its Settings.",
        ErrorInfo(kind="provider_setup", provider="GigaChat", params={"type": "ValueError"}),
    ),
    ("Rate limit", ErrorInfo(kind="failed", detail="Rate limit")),
    ("Что-то пошло не так.", ErrorInfo(kind="failed", detail="Что-то пошло не так.")),
    (
        JSON_ALREADY,
        ErrorInfo(
            kind="server", reason="server_busy", provider="GigaChat", status=503, detail="busy"
        ),
    ),
]


def make_v3(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V3_SCHEMA)
    conn.executemany(
        "INSERT INTO messages (id, conversation_id, role, text, status, error, provider,"
        " model, parent_id, created_at, updated_at) VALUES (?, 1, 'assistant', ?, ?, ?,"
        " 'gigachat', 'GigaChat', NULL, ?, ?)",
        [
            (n, f"ответ номер{n}", "complete" if not error else "failed", error, 1.7e9 + n, 1.7e9)
            for n, (error, _info) in enumerate(ERRORS, start=1)
        ],
    )
    # One reply left streaming by a crash, and newer ids that were used and deleted.
    conn.execute(
        "INSERT INTO messages (id, conversation_id, role, text, status, created_at, updated_at)"
        " VALUES (?, 1, 'assistant', 'недописанный', 'streaming', 1.8e9, 1.8e9)",
        (len(ERRORS) + 1,),
    )
    conn.execute("UPDATE sqlite_sequence SET seq = 90 WHERE name = 'messages'")
    conn.commit()
    conn.close()


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_old_error_sentences_read_back_as_data(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v3(path)
    kept = "SELECT id, conversation_id, role, text, provider, model, created_at FROM messages"
    before = rows(path, kept)

    with Store.open(path) as store:
        saved = store.messages(1)
        assert [message.error for message in saved[: len(ERRORS)]] == [
            info for _text, info in ERRORS
        ]
        assert saved[-1].status is MessageStatus.INTERRUPTED
        assert saved[-1].error is None
        # The rebuilt table keeps its search index, its triggers and its id counter.
        assert [hit.message_id for hit in store.search("номер3")] == [3]
        assert [hit.message_id for hit in store.search("недописанный")] == [len(ERRORS) + 1]
        later = store.add_message(1, "user", "новый вопрос")
        assert later.id == 91
        assert [hit.message_id for hit in store.search("новый вопрос")] == [91]
        store.update_message(later.id, text="другой вопрос")
        assert store.search("новый") == []
        assert store.search("другой")[0].message_id == 91

    assert rows(path, "PRAGMA user_version") == [(schema.latest_version(),)]
    assert rows(path, kept)[: len(before)] == before
    assert rows(path, f"SELECT error FROM messages WHERE id = {len(ERRORS)}") == [(JSON_ALREADY,)]
    assert rows(path, "SELECT count(*) FROM messages WHERE error = ''") == [(0,)]
    assert rows(path, "PRAGMA integrity_check") == [("ok",)]
    assert rows(path, "PRAGMA foreign_key_check") == []
    names = {name for (name,) in rows(path, "SELECT name FROM sqlite_master")}
    assert names >= {
        "messages_by_conversation",
        "messages_by_parent",
        "messages_streaming",
        "messages_fts_insert",
        "messages_fts_delete",
        "messages_fts_update",
    }
    assert "messages_v4" not in names
    conn = sqlite3.connect(path)
    try:
        conn.execute("INSERT INTO messages_fts(messages_fts) VALUES ('integrity-check')")
    finally:
        conn.close()


def test_deleting_a_message_after_the_upgrade_still_cascades(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    make_v3(path)
    with Store.open(path) as store:
        reply = store.add_message(1, "assistant", "ответ на ответ", parent_id=2)
        store.delete_message(2)  # marked; its reply follows message 2's parent (v5: 1)
        assert store.get_message(reply.id).parent_id == 1
        store.delete_conversation(1)
        assert store.purge_deleted() == 1
        with pytest.raises(KeyError):
            store.get_message(reply.id)
    assert rows(path, "SELECT count(*) FROM messages") == [(0,)]
