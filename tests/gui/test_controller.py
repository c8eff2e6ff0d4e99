"""The window's controller: the provider choice it holds for new chats, and status lines
that name providers as people read them."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from gui.controller import ChatController
from gui.core.provider_factory import ProviderFactory
from gui.core.store import MessageStatus, Store
from gui.history_actions import HistoryActions
from providers.errors import RateLimitError
from providers.registry import DEFAULT_PROVIDER
from tests.gui.conftest import Script, scripted_provider, wait_for


async def test_new_chats_use_the_choice_the_controller_holds(store: Store, script: Script) -> None:
    async with aiohttp.ClientSession() as http:

        async def no_config(info: object) -> dict[str, str]:
            return {}

        factory = ProviderFactory(http, no_config, classes={"scripted": scripted_provider(script)})
        controller = ChatController(store, factory)
        assert controller.choice() == (DEFAULT_PROVIDER, "")  # nothing chosen yet

        controller.set_provider(None, "scripted", "echo-2")  # the picker changed
        assert controller.choice() == ("scripted", "echo-2")
        first = controller.new_conversation()
        assert (first.provider, first.model) == ("scripted", "echo-2")

        controller.set_provider(first.id, "scripted", "echo-1")
        assert store.get_conversation(first.id).model == "echo-1"
        assert controller.choice() == ("scripted", "echo-1")  # what app.py saves at exit
        await controller.shutdown()


async def test_status_lines_name_the_providers_label(
    controller: ChatController, store: Store
) -> None:
    lines: list[str] = []
    controller.status.connect(lines.append)
    finished: list[object] = []
    controller.reply_finished.connect(finished.append)
    controller.set_provider(None, "scripted", "echo-1")
    conversation_id = controller.send("Hi")
    assert conversation_id is not None
    await wait_for(lambda: bool(finished))
    [reply] = [m for m in store.messages(conversation_id) if m.role == "assistant"]
    assert reply.status == MessageStatus.COMPLETE
    assert lines[-1] == "Scripted / echo-1: 7 tokens (3 prompt + 4 reply)"
    assert not any("scripted" in line for line in lines)  # never the internal id


async def test_exports_for_people_name_the_label_and_word_the_error(
    controller: ChatController, store: Store, script: Script, tmp_path: Path
) -> None:
    finished: list[object] = []
    controller.reply_finished.connect(finished.append)
    controller.set_provider(None, "scripted", "echo-1")
    script.error = RateLimitError(provider="Scripted", detail="Too Many Requests", retry_after=7)
    conversation_id = controller.send("Hi")
    assert conversation_id is not None
    await wait_for(lambda: bool(finished))

    for kind in ("md", "html"):
        path = tmp_path / f"chat.{kind}"
        assert (
            HistoryActions(controller).export(conversation_id, str(path), kind)
            == f"Exported to {path}"
        )
        text = path.read_text(encoding="utf-8")
        assert "Scripted" in text and "scripted" not in text  # the label, never the id
        assert "Retry in 7 s." in text and "Too Many Requests" in text  # worded, with detail
    data = json.loads(controller_export_json(controller, conversation_id, tmp_path))
    errors = [m["error"] for m in data["messages"] if m["error"]]
    assert errors and errors[0]["kind"] == "rate_limit"  # JSON keeps the error as data


def controller_export_json(controller: ChatController, conversation_id: int, folder: Path) -> str:
    path = folder / "chat.json"
    HistoryActions(controller).export(conversation_id, str(path), "json")
    return path.read_text(encoding="utf-8")


async def test_a_question_kept_without_a_reply_is_shown_and_not_called_unsent(
    controller: ChatController, store: Store
) -> None:
    """The history takes the question but refuses the reply's row (here a trigger in the
    file itself, as a full disk would between the two writes): the question shows, and
    the status line says no reply started, not that nothing was sent."""
    import sqlite3

    conversation = controller.new_conversation()
    other = sqlite3.connect(store.path)
    with other:
        other.execute(
            "CREATE TRIGGER refuse_replies BEFORE INSERT ON messages"
            " WHEN new.role = 'assistant' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    other.close()
    added: list[object] = []
    lines: list[str] = []
    controller.message_added.connect(added.append)
    controller.status.connect(lines.append)

    assert controller.send("Сохранится ли вопрос?") == conversation.id
    assert [m.text for m in store.messages(conversation.id)] == ["Сохранится ли вопрос?"]
    assert [getattr(m, "text", None) for m in added] == ["Сохранится ли вопрос?"]
    assert lines and lines[-1].startswith("Sent, but no reply could be started")
    assert "disk full" in lines[-1]
    assert not controller.is_busy(conversation.id)


async def test_empty_chats_do_not_pile_up(controller: ChatController, store: Store) -> None:
    first = controller.new_conversation()
    assert controller.new_conversation().id == first.id  # New chat on an empty chat: reused
    assert len(store.list_conversations()) == 1
    controller.send("Hello")
    await wait_for(lambda: not controller.is_busy(first.id))
    second = controller.new_conversation()
    assert second.id != first.id
    controller.open_conversation(first.id)  # the empty one left behind goes
    assert [c.id for c in store.list_conversations()] == [first.id]
    assert store.trash() == []  # dropped, not binned: there was nothing in it
