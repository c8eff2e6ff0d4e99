"""GigaChat caches a conversation's prompt by its X-Session-ID: every question of one chat
carries the same id, another chat another one."""

from __future__ import annotations

from gui.core.store import MessageStatus, Store
from gui.widgets.main_window import MainWindow
from tests.gui.conftest import wait_for
from tests.servers.gigachat import GigaChatEmulator


async def _ask(window: MainWindow, store: Store, text: str, replies: int) -> None:
    window.composer.setPlainText(text)
    window.composer.submit()

    def done() -> bool:
        finished = [
            m
            for c in store.list_conversations()
            for m in store.messages(c.id)
            if m.role == "assistant" and m.status != MessageStatus.STREAMING
        ]
        return len(finished) == replies and not window.stop_button.isEnabled()

    await wait_for(done, timeout=15)


async def test_one_session_id_per_conversation(
    e2e_window: MainWindow, e2e_store: Store, gigachat: GigaChatEmulator
) -> None:
    await _ask(e2e_window, e2e_store, "Первый вопрос", 1)
    await _ask(e2e_window, e2e_store, "Второй вопрос", 2)
    e2e_window.new_chat_requested.emit()
    await _ask(e2e_window, e2e_store, "Другой чат", 3)
    ids = [request.headers.get("X-Session-ID") for request in gigachat.chat_requests]
    assert len(ids) == 3 and all(ids)
    assert ids[0] == ids[1] != ids[2]


async def test_cached_prompt_tokens_are_shown_with_the_usage(
    e2e_window: MainWindow, e2e_store: Store, gigachat: GigaChatEmulator
) -> None:
    gigachat.precached_tokens = 12
    await _ask(e2e_window, e2e_store, "Вопрос с кешем", 1)
    [chat] = e2e_store.list_conversations()
    reply = e2e_store.messages(chat.id)[-1]
    assert reply.usage["cached_tokens"] == 12
    assert "12 of the prompt from the cache" in e2e_window.status_label.text()
