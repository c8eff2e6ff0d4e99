"""Issue #20 in the window, as a person uses it: a chat's tools chosen in Parameters, a
model's call shown as an approval card and answered by keyboard, its result reaching the
next request; Deny, Always allow, a server crashing mid-call, Stop during an approval and
a reopened chat. Real parts: the OpenAI-compatible and GigaChat emulators, the stdio MCP
server of tests/servers/mcp_tools.py, a real history."""

from __future__ import annotations

import json
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from gui.controller import ChatController
from gui.core.provider_factory import ProviderFactory
from gui.core.store import ChatTools, MessageStatus, Store
from gui.core.tools.config import ServerConfig
from gui.core.tools.toolbox import ToolBox
from gui.widgets.main_window import MainWindow
from gui.widgets.tool_cards import tool_url
from gui.wiring import Wiring
from tests.gui.conftest import wait_for
from tests.servers.gigachat import run_gigachat
from tests.servers.openai import OpenAIEmulator, run_openai

SERVER = Path(__file__).resolve().parents[1] / "servers" / "mcp_tools.py"
REPLY = "Получилось 5."


@pytest.fixture
async def emulator() -> AsyncIterator[OpenAIEmulator]:
    async with run_openai(OpenAIEmulator(reply=REPLY, chunk_chars=3)) as server:
        yield server


def _box() -> ToolBox:
    config = ServerConfig(
        "tools", command=sys.executable, args=(str(SERVER),), env={"PYTHONUTF8": "1"}
    )
    return ToolBox([config])


@pytest.fixture
async def window(
    qtbot: Any, store: Store, emulator: OpenAIEmulator
) -> AsyncIterator[tuple[MainWindow, ChatController]]:
    async with aiohttp.ClientSession() as session:

        async def config(info: object) -> dict[str, str]:
            return {"base_url": emulator.base_url, "api_key": ""}

        controller = ChatController(
            store, ProviderFactory(session, config), choice=("openai", "llama3.2")
        )
        controller.tools.set_box(_box())
        main = MainWindow()
        qtbot.addWidget(main)
        main.resize(1100, 720)
        main.show()
        Wiring(main, controller, provider="openai", model="llama3.2")
        yield main, controller
        await controller.shutdown()


#: what the model says before it calls a tool
PREAMBLE = "Let me add these. "


def _call(name: str, arguments: str, ident: str = "call_1") -> list[dict[str, str]]:
    return [{"id": ident, "name": name, "arguments": arguments}]


def _chats(emulator: OpenAIEmulator) -> list[Any]:
    return [r.body for r in emulator.requests if r.path.endswith("/chat/completions")]


def _tool_messages(body: Any) -> list[dict[str, Any]]:
    return [m for m in body["messages"] if m["role"] == "tool"]


def _reply(store: Store) -> Any:
    chat = store.list_conversations()[0]
    return store.get_message(store.path_ids(chat.id)[-1])


async def _enable_tools(main: MainWindow, controller: ChatController) -> int:
    """A new chat whose Parameters → Tools offers the test server, as a person sets it."""
    chat = controller.new_conversation()
    main.parameters_button.click()
    dialog = main.parameters_dialog
    assert dialog is not None
    box = dialog.tool_boxes["tools"]
    assert not box.isChecked()  # nothing offered until the person enables it
    box.setChecked(True)
    dialog.accept()
    assert controller.store.chat_tools(chat.id).servers == ("tools",)
    return chat.id


async def _send(main: MainWindow, text: str) -> None:
    main.composer.setPlainText(text)
    main.composer.submit()


async def _waiting_card(main: MainWindow, store: Store) -> int:
    await wait_for(lambda: bool(store.list_conversations()) and _reply(store).role == "assistant")
    reply_id = _reply(store).id
    view = main.view
    await wait_for(lambda: any(c.state == "waiting" for c in view.tool_cards(reply_id)), timeout=30)
    return int(reply_id)


async def _answer_by_keyboard(main: MainWindow, reply_id: int, answer: str, qtbot: Any) -> None:
    """Tab to the card's link, as to the view's other links, and press Enter."""
    view = main.view
    view.setFocus()
    href = tool_url(answer, reply_id, len(view.tool_cards(reply_id)) - 1)
    for _ in range(60):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        if view.textCursor().charFormat().anchorHref() == href:
            break
        # The cursor sits at the selection's end: look at its start too.
        cursor = view.textCursor()
        cursor.setPosition(cursor.selectionStart() + 1)
        if cursor.charFormat().anchorHref() == href:
            break
    else:
        raise AssertionError(f"Tab never reached {href}")
    qtbot.keyClick(view, Qt.Key.Key_Return)


async def _finished(main: MainWindow, store: Store) -> Any:
    await wait_for(lambda: _reply(store).status != MessageStatus.STREAMING, timeout=30)
    await wait_for(lambda: not main.stop_button.isEnabled(), timeout=10)
    return _reply(store)


async def test_an_approved_call_runs_and_its_result_reaches_the_second_request(
    window: tuple[MainWindow, ChatController], store: Store, emulator: OpenAIEmulator, qtbot: Any
) -> None:
    main, controller = window
    chat_id = await _enable_tools(main, controller)
    emulator.tool_rounds = [_call("add", '{"a": 2, "b": 3}')]
    emulator.tool_round_text = PREAMBLE
    await _send(main, "2+3?")
    reply_id = await _waiting_card(main, store)
    shown = main.view.toPlainText()
    assert "add" in shown and "tools" in shown and '"a": 2' in shown  # pretty JSON
    assert "Allow once" in shown and "Deny" in shown
    assert shown.index(PREAMBLE.strip()) < shown.index("Allow once")  # the text, then its call
    # The status line says what the reply waits for (not a speed falling to zero).
    assert main.status_label.text() == "Allow add (tools)? Answer on its card."
    assert len(_chats(emulator)) == 1  # nothing runs before the person answers
    await _answer_by_keyboard(main, reply_id, "once", qtbot)
    reply = await _finished(main, store)
    assert reply.status == MessageStatus.COMPLETE and reply.text == PREAMBLE + REPLY
    second = _chats(emulator)[1]
    assert _tool_messages(second) == [{"role": "tool", "tool_call_id": "call_1", "content": "5"}]
    asked = [m for m in second["messages"] if m.get("tool_calls")]
    assert [m["content"] for m in asked] == [PREAMBLE]  # the round's text goes with its call
    # The card stays under the reply, its result collapsed; its link opens it.
    (card,) = main.view.tool_cards(reply_id)
    assert card.state == "done" and card.result == "5"
    assert "Show result" in main.view.toPlainText()
    main.view.anchorClicked.emit(_url(tool_url("result", reply_id, 0)))
    assert "Hide result" in main.view.toPlainText()
    assert REPLY in main.view.toPlainText()
    # Another chat, then this one again: its stored step shows as the card.
    controller.new_conversation()
    controller.open_conversation(chat_id)
    await wait_for(lambda: main.view.has_message(reply_id))
    (again,) = main.view.tool_cards(reply_id)
    assert again.tool == "add" and again.server == "tools" and again.result == "5"
    reopened = main.view.toPlainText()
    # As it streamed: the round's text, its card, then the answer after the result.
    assert reopened.index(PREAMBLE.strip()) < reopened.index("Show result")
    assert reopened.index("Show result") < reopened.index(REPLY)


def _url(text: str) -> Any:
    from PySide6.QtCore import QUrl

    return QUrl(text)


async def test_deny_sends_an_error_result(
    window: tuple[MainWindow, ChatController], store: Store, emulator: OpenAIEmulator, qtbot: Any
) -> None:
    main, controller = window
    await _enable_tools(main, controller)
    emulator.tool_rounds = [_call("add", '{"a": 2, "b": 3}')]
    await _send(main, "2+3?")
    reply_id = await _waiting_card(main, store)
    await _answer_by_keyboard(main, reply_id, "deny", qtbot)
    reply = await _finished(main, store)
    assert reply.status == MessageStatus.COMPLETE
    (result,) = _tool_messages(_chats(emulator)[1])
    assert json.loads(result["content"])["error"] == "denied"
    assert "You denied this call" in main.view.toPlainText()


async def test_always_allow_does_not_ask_again_in_that_chat(
    window: tuple[MainWindow, ChatController], store: Store, emulator: OpenAIEmulator
) -> None:
    main, controller = window
    chat_id = await _enable_tools(main, controller)
    emulator.tool_rounds = [
        _call("add", '{"a": 2, "b": 3}'),
        _call("add", '{"a": 1, "b": 1}', "c2"),
    ]
    asked: list[int] = []
    controller.tools.card.connect(lambda _id, card: asked.append(card.state == "waiting"))
    await _send(main, "2+3, then 1+1?")
    reply_id = await _waiting_card(main, store)
    main.view.anchorClicked.emit(_url(tool_url("always", reply_id, 0)))
    reply = await _finished(main, store)
    assert sum(asked) == 1  # the second call ran without a card waiting
    assert [s.result for s in reply.tools] == ["5", "2"]
    assert store.chat_tools(chat_id).always == frozenset({"add"})
    emulator.tool_rounds = [_call("add", '{"a": 4, "b": 4}', "c3")]
    await _send(main, "4+4?")
    await wait_for(lambda: _reply(store).id != reply.id)
    reply = await _finished(main, store)
    assert sum(asked) == 1 and reply.tools[-1].result == "8"


async def test_a_server_that_crashes_mid_call_says_so_and_the_chat_goes_on(
    window: tuple[MainWindow, ChatController], store: Store, emulator: OpenAIEmulator
) -> None:
    main, controller = window
    await _enable_tools(main, controller)
    emulator.tool_rounds = [_call("crash", "{}")]
    await _send(main, "crash it")
    reply_id = await _waiting_card(main, store)
    main.view.anchorClicked.emit(_url(tool_url("once", reply_id, 0)))
    reply = await _finished(main, store)
    assert reply.status == MessageStatus.COMPLETE and reply.tools[0].kind == "crashed"
    assert "The tool server stopped during the call." in main.view.toPlainText()
    (result,) = _tool_messages(_chats(emulator)[1])
    assert json.loads(result["content"])["error"] == "crashed"
    # The chat stays usable: the next call starts the server again.
    emulator.tool_rounds = [_call("add", '{"a": 2, "b": 3}', "c2")]
    await _send(main, "2+3?")
    await wait_for(lambda: _reply(store).id != reply.id)
    second = await _waiting_card(main, store)
    main.view.anchorClicked.emit(_url(tool_url("once", second, 0)))
    reply = await _finished(main, store)
    assert reply.tools[-1].result == "5"


async def test_stop_during_an_approval_ends_the_reply(
    window: tuple[MainWindow, ChatController], store: Store, emulator: OpenAIEmulator, qtbot: Any
) -> None:
    main, controller = window
    await _enable_tools(main, controller)
    emulator.tool_rounds = [_call("add", '{"a": 2, "b": 3}')]
    await _send(main, "2+3?")
    reply_id = await _waiting_card(main, store)
    assert main.stop_button.isEnabled()
    main.stop_button.click()
    reply = await _finished(main, store)
    assert reply.id == reply_id and reply.status == MessageStatus.STOPPED
    assert len(_chats(emulator)) == 1  # the tool never ran, nothing more was asked
    shown = main.view.toPlainText()
    assert "Allow once" not in shown
    # The card stays, saying the call was stopped; the next turn answers that call.
    assert "Stopped before the call ended." in shown
    assert [step.kind for step in reply.tools] == ["stopped"]
    emulator.tool_rounds = []
    await _send(main, "and now?")
    await wait_for(lambda: len(_chats(emulator)) == 2)
    assert await _finished(main, store) and _reply(store).status == MessageStatus.COMPLETE
    answered = _tool_messages(_chats(emulator)[1])
    assert [json.loads(m["content"])["error"] for m in answered] == ["stopped"]
    QApplication.processEvents()


async def test_gigachat_function_call_is_approved_in_the_window(
    qtbot: Any, store: Store, server_ssl: ssl.SSLContext, test_ca_file: Path
) -> None:
    async with run_gigachat(server_ssl) as giga, aiohttp.ClientSession() as session:
        giga.reply = REPLY
        giga.function_calls = [{"name": "add", "arguments": {"a": 2, "b": 3}}]

        async def config(info: object) -> dict[str, str]:
            return {
                "api_key": giga.valid_key,
                "base_url": giga.base_url,
                "auth_url": giga.auth_url,
                "ca_bundle": str(test_ca_file),
            }

        controller = ChatController(
            store, ProviderFactory(session, config), choice=("gigachat", "GigaChat-2")
        )
        controller.tools.set_box(_box())
        main = MainWindow()
        qtbot.addWidget(main)
        main.show()
        Wiring(main, controller, provider="gigachat", model="GigaChat-2")
        try:
            chat = controller.new_conversation()
            store.set_chat_tools(chat.id, ChatTools(("tools",)))
            await _send(main, "2+3?")
            reply_id = await _waiting_card(main, store)
            main.view.anchorClicked.emit(_url(tool_url("once", reply_id, 0)))
            reply = await _finished(main, store)
            sent = giga.chat_requests[-1].json()["messages"]
        finally:
            await controller.shutdown()
    assert reply.text == REPLY and reply.tools[0].result == "5"
    assert sent[-1] == {"role": "function", "name": "add", "content": '{"result": "5"}'}
