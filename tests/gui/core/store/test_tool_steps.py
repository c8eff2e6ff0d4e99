"""A reply's tool calls in the history: saved, read back along the path, copied by a fork,
exported, and read leniently when the column was edited by hand."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from gui.core.session import history_for
from gui.core.store import Store, ToolStep

STEP = ToolStep(1, 9, "call_1", "add", '{"a": 2, "b": 3}', "5", server="local", tool="add")
DENIED = ToolStep(2, 9, "call_2", "add", "{}", "the user denied this call", "denied")


def _chat(store: Store) -> tuple[int, int]:
    chat = store.create_conversation(provider="openai")
    store.add_message(chat.id, "user", "2+3?")
    reply = store.add_message(chat.id, "assistant", "Let me see. It is 5.")
    store.update_message(reply.id, tools=[STEP, DENIED])
    return chat.id, reply.id


def test_steps_are_kept_and_sent_back_in_order(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.sqlite3") as store:
        chat, reply = _chat(store)
        assert store.get_message(reply).tools == (STEP, DENIED)
        assert store.path_tools(chat) == {1: (STEP, DENIED)}
        history = history_for(store, chat)
        assert [m["role"] for m in history] == [
            "user", "assistant", "tool", "assistant", "tool", "assistant"
        ]  # fmt: skip
        assert history[1]["content"] == "Let me se"  # the text before the first call
        assert history[2]["content"] == "5"
        assert json.loads(history[4]["content"])["error"] == "denied"
        assert history[-1]["content"] == "e. It is 5."


def test_a_chat_without_tools_costs_one_look_up(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.sqlite3") as store:
        chat = store.create_conversation()
        store.add_message(chat.id, "user", "hi")
        assert store.path_tools(chat.id) == {}


def test_fork_and_json_export_carry_the_steps(tmp_path: Path) -> None:
    with Store.open(tmp_path / "h.sqlite3") as store:
        chat, reply = _chat(store)
        forked = store.fork(reply)
        assert store.messages(forked.id)[-1].tools == (STEP, DENIED)
        data = json.loads(store.export_json(chat))
        assert data["messages"][1]["tools"][0] == STEP.to_data()
        assert "tools" not in data["messages"][0]
        markdown = store.export_markdown(chat)
        assert "Tool add (local), result" in markdown and "error: denied" in markdown


def test_a_hand_edited_column_is_read_leniently(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Store.open(path) as store:
        _chat_id, reply = _chat(store)
    conn = sqlite3.connect(path)
    bad = json.dumps([{"round": "x"}, 5, STEP.to_data()])
    conn.execute("UPDATE messages SET tools = ? WHERE id = ?", (bad, reply))
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.get_message(reply).tools == (STEP,)
