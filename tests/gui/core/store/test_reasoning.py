"""A reply's thinking in the history (schema v6) and in every export."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gui.core.store import MessageStatus, Store, schema


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "history.sqlite3") as opened:
        yield opened


def _thinking_chat(store: Store) -> int:
    chat = store.create_conversation(title="Думаем")
    store.add_message(chat.id, "user", "Сколько будет 2+2?")
    reply = store.add_message(chat.id, "assistant", "", status=MessageStatus.STREAMING)
    store.update_message(
        reply.id,
        text="4",
        status=MessageStatus.COMPLETE,
        reasoning="Складываю <два> & два.\n\nПолучаю четыре.",
        reasoning_ms=4_200,
    )
    return chat.id


def _v5(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for migration in schema.MIGRATIONS[:5]:
        migration(conn)
    conn.execute(
        "INSERT INTO conversations (id, title, created_at, updated_at, leaf_id)"
        " VALUES (1, 'Старый', 1.0, 2.0, 2)"
    )
    conn.execute(
        "INSERT INTO messages (id, conversation_id, role, text, parent_id, created_at,"
        " updated_at) VALUES (1, 1, 'user', 'Привет', NULL, 1.0, 1.0),"
        " (2, 1, 'assistant', 'Здравствуйте', 1, 2.0, 2.0)"
    )
    conn.execute("PRAGMA user_version = 5")
    conn.execute("COMMIT")
    conn.close()


def test_a_v5_history_gains_empty_thinking_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    _v5(path)
    with Store.open(path) as store:
        reply = store.get_message(2)
        assert (reply.text, reply.reasoning, reply.reasoning_ms) == ("Здравствуйте", "", 0)
        store.update_message(2, reasoning="раздумье", reasoning_ms=1500)
        assert store.path_turns(1) == [("user", "Привет"), ("assistant", "Здравствуйте")]
    with Store.open(path) as store:
        assert (store.get_message(2).reasoning, store.get_message(2).reasoning_ms) == (
            "раздумье",
            1500,
        )
        assert store.search("раздумье") == []  # thinking is not searched as the answer
    assert [p.name for p in tmp_path.iterdir() if ".bak-" in p.name]  # upgraded after a backup


def test_thinking_is_kept_by_a_fork_and_a_json_round_trip(store: Store) -> None:
    chat_id = _thinking_chat(store)
    reply_id = store.path_ids(chat_id)[-1]
    fork = store.fork(reply_id)
    copied = store.get_message(store.path_ids(fork.id)[-1])
    assert (copied.reasoning, copied.reasoning_ms) == (
        "Складываю <два> & два.\n\nПолучаю четыре.",
        4_200,
    )

    exported = store.export_json(chat_id)
    data = json.loads(exported)
    assert data["version"] == 5
    assert data["messages"][1]["reasoning"].startswith("Складываю")
    assert data["messages"][1]["reasoning_ms"] == 4_200
    imported = store.import_json(exported)
    assert store.export_json(imported.id) == exported


def test_a_version_3_export_without_thinking_still_imports(store: Store) -> None:
    old = {
        "format": "besedka-conversation",
        "version": 3,
        "conversation": {"title": "v3"},
        "active": 1,
        "messages": [
            {"role": "user", "text": "hi", "parent": None},
            {"role": "assistant", "text": "hello", "parent": 0},
        ],
    }
    imported = store.import_json(json.dumps(old))
    reply = store.messages(imported.id)[-1]
    assert (reply.text, reply.reasoning, reply.reasoning_ms) == ("hello", "", 0)


def test_markdown_shows_thinking_as_a_quote_before_the_answer(store: Store) -> None:
    markdown = store.export_markdown(_thinking_chat(store))
    thinking = "> **Thinking (4 s)**\n>\n> Складываю <два> & два.\n>\n> Получаю четыре."
    assert f"## Assistant\n\n{thinking}\n\n4\n" in markdown


class _Details(HTMLParser):
    """The text of <summary> and of the rest of <details>, and how many scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = {"details": 0, "summary": 0}
        self.summary = ""
        self.inside: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.depth:
            self.depth[tag] += 1
        self.scripts += tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag in self.depth:
            self.depth[tag] -= 1

    def handle_data(self, data: str) -> None:
        if self.depth["summary"]:
            self.summary += data
        elif self.depth["details"]:
            self.inside.append(data)


def test_html_shows_thinking_folded_and_escaped(store: Store) -> None:
    page = store.export_html(_thinking_chat(store))
    assert page.index("<details") < page.index('<div class="text">4</div>')
    parsed = _Details()
    parsed.feed(page)
    assert parsed.summary == "Thinking (4 s)"
    assert "".join(parsed.inside) == "Складываю <два> & два.\n\nПолучаю четыре."
    assert parsed.scripts == 0
    assert "<два>" not in page  # escaped, not markup


def test_a_reply_without_thinking_has_no_thinking_section(store: Store) -> None:
    chat = store.create_conversation()
    store.add_message(chat.id, "assistant", "просто ответ")
    assert "Thinking" not in store.export_markdown(chat.id)
    assert "<details" not in store.export_html(chat.id)
