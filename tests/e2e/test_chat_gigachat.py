"""A person chats with GigaChat (its loopback emulator) in the real window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from gui.core.store import MessageStatus, Store
from gui.widgets.main_window import MainWindow
from tests.gui.conftest import wait_for
from tests.servers.gigachat import GigaChatEmulator

REPLY = "Привет! Я GigaChat 🤖. Вот код:\n\n```python\nprint('мир')\n```\n"


def _replies(store: Store) -> list[Any]:
    """The replies on the path the window shows."""
    conversation = store.list_conversations()[0]
    path = store.messages_by_id(store.path_ids(conversation.id))
    return [m for m in path if m.role == "assistant"]


async def test_type_enter_stream_stop_regenerate(
    qtbot: Any, e2e_window: MainWindow, e2e_store: Store, gigachat: GigaChatEmulator
) -> None:
    window = e2e_window
    gigachat.reply = REPLY
    gigachat.chunk_size = 4
    gigachat.split_utf8 = True

    # Type (ASCII only through key events: non-ASCII keyClicks abort Qt), press Enter.
    qtbot.keyClicks(window.composer, "Hello GigaChat")
    qtbot.keyClick(window.composer, Qt.Key.Key_Return)
    await wait_for(lambda: bool(_replies(e2e_store)))
    await wait_for(lambda: _replies(e2e_store)[-1].status == MessageStatus.COMPLETE, timeout=15)
    await wait_for(lambda: not window.stop_button.isEnabled())  # and the window says so
    reply = _replies(e2e_store)[-1]
    assert reply.text == REPLY
    shown = window.view.toPlainText()
    assert "Привет! Я GigaChat 🤖" in shown
    assert "print('мир')" in shown
    assert "```" not in shown  # the final Markdown was rendered
    assert "GigaChat" in window.status_label.text()
    assert reply.usage.get("total_tokens", 0) > 0
    chat = gigachat.chat_requests[-1]
    assert chat.json()["messages"] == [{"role": "user", "content": "Hello GigaChat"}]
    assert gigachat.oauth_calls == 1

    # A slow, long reply: Stop mid-stream keeps what arrived and marks it stopped.
    gigachat.reply = " ".join(f"слово{i}" for i in range(400))
    gigachat.chunk_size = 8
    gigachat.split_utf8 = False
    gigachat.chunk_delay = 0.01
    window.composer.setPlainText("Tell me a long story")
    window.composer.submit()
    await wait_for(lambda: "слово5 " in window.view.toPlainText(), timeout=15)
    window.commands.stop_action.trigger()
    await wait_for(lambda: not window.stop_button.isEnabled(), timeout=5)
    stopped = _replies(e2e_store)[-1]
    assert stopped.status == MessageStatus.STOPPED
    assert stopped.text.startswith("слово0 слово1 слово2 слово3 слово4 слово5")
    assert "слово399" not in stopped.text
    assert stopped.text.rstrip() in window.view.toPlainText().replace("\u2029", "\n")

    # Regenerate makes a full version beside the stopped reply, which is kept.
    gigachat.chunk_delay = 0.0
    window.commands.regenerate_action.trigger()
    await wait_for(lambda: _replies(e2e_store)[-1].id != stopped.id)
    await wait_for(lambda: _replies(e2e_store)[-1].status == MessageStatus.COMPLETE, timeout=15)
    replies = _replies(e2e_store)
    assert [r.text for r in replies] == [REPLY, gigachat.reply]
    assert e2e_store.get_message(stopped.id).status == MessageStatus.STOPPED
    assert replies[-1].versions == 2
    assert gigachat.oauth_calls == 1  # one token served every request
    await wait_for(window.composer.hasFocus)


async def test_models_come_from_the_live_list(
    e2e_window: MainWindow, gigachat: GigaChatEmulator
) -> None:
    box = e2e_window.picker.model_box
    await wait_for(lambda: box.findText("GigaChat-2-Max-preview") >= 0, timeout=10)
    assert box.currentText() == "GigaChat"
