"""Issue #18 as a person sees it in the window, against the OpenAI-compatible emulator:
a thinking block streams then collapses, a streamed reply shows its token count, and a
429 with Retry-After: 1 before the first token ends in a reply after one visible retry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from gui.controller import ChatController
from gui.core.provider_factory import ProviderFactory
from gui.core.store import MessageStatus, Store
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from tests.gui.conftest import wait_for
from tests.servers.openai import OpenAIEmulator, run_openai


@pytest.fixture
async def emulator() -> AsyncIterator[OpenAIEmulator]:
    async with run_openai() as server:
        yield server


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
        main = MainWindow()
        qtbot.addWidget(main)
        main.show()
        Wiring(main, controller, provider="openai", model="llama3.2")
        yield main, controller
        await controller.shutdown()


def _chats(emulator: OpenAIEmulator) -> list[Any]:
    """The chat requests the emulator received (not the model-list ones), their bodies."""
    return [r.body for r in emulator.requests if r.path.endswith("/chat/completions")]


def _reply(store: Store) -> Any:
    chat = store.list_conversations()[0]
    return store.get_message(store.path_ids(chat.id)[-1])


async def _send(main: MainWindow, store: Store, text: str) -> Any:
    main.composer.setPlainText(text)
    main.composer.submit()
    await wait_for(lambda: bool(store.list_conversations()))
    await wait_for(lambda: _reply(store).role == "assistant", timeout=10)
    await wait_for(lambda: _reply(store).status != MessageStatus.STREAMING, timeout=10)
    await wait_for(lambda: not main.stop_button.isEnabled())
    return _reply(store)


async def test_a_rate_limit_before_the_first_token_is_retried_visibly(
    window: tuple[MainWindow, ChatController], store: Store, emulator: OpenAIEmulator
) -> None:
    main, controller = window
    emulator.status, emulator.retry_after, emulator.fail_times = 429, "1", 1
    said: list[str] = []
    controller.reply_retrying.connect(lambda delay: said.append(main.status_label.text()))
    reply = await _send(main, store, "Привет")
    assert reply.status == MessageStatus.COMPLETE
    assert reply.text == emulator.reply
    assert len(_chats(emulator)) == 2  # the refused one and the retry
    assert said and "1" in said[0]  # "Retrying in 1 s…" was on screen
    # The stream asked for usage, so the status line shows the token count.
    assert _chats(emulator)[-1]["stream_options"] == {"include_usage": True}
    assert "tokens" in main.status_label.text()
    assert reply.usage.get("total_tokens", 0) > 0


async def test_thinking_streams_into_its_block_and_is_never_sent_back(
    window: tuple[MainWindow, ChatController], store: Store, emulator: OpenAIEmulator
) -> None:
    main, _controller = window
    emulator.reasoning = "Сначала подумаю о вопросе. " * 20
    emulator.chunk_delay = 0.005
    reply = await _send(main, store, "Сколько будет 2+2?")
    assert reply.text == emulator.reply
    assert reply.reasoning == emulator.reasoning
    assert reply.reasoning_ms >= 0
    shown = main.view.toPlainText()
    assert "Thinking" in shown
    assert "Сначала подумаю" not in shown  # collapsed once the answer came
    emulator.reasoning = ""
    await _send(main, store, "А 3+3?")
    sent = _chats(emulator)[-1]["messages"]
    assert all("Сначала подумаю" not in m["content"] for m in sent)
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]
