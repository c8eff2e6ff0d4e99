"""Qt fixtures: a qasync loop for async tests, a real store, a scripted provider.

The scripted provider is a real `Provider` subclass that yields a script instead of
talking to a network: it stands in for a model, not for any of our code.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import aiohttp
import pytest
import qasync
from PySide6.QtWidgets import QApplication

from gui.controller import ChatController
from gui.core.provider_factory import ProviderFactory
from gui.core.store import Store
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from providers.base import ChatOptions, Chunk, FinishReason, Messages, Provider, Usage
from providers.retry import RetryPolicy


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Callable[[], Any]]:
    return {"qasync": lambda: qasync.QEventLoop(QApplication.instance() or QApplication([]))}


class Script:
    """What the scripted model answers next: text pieces, an error, a delay per piece."""

    def __init__(self) -> None:
        self.pieces: list[str] = ["Hello", ", ", "world", "!"]
        self.error: Exception | None = None
        self.delay = 0.0
        self.received: list[list[dict[str, str]]] = []
        self.options: list[ChatOptions] = []


def scripted_provider(script: Script) -> type[Provider]:
    class ScriptedProvider(Provider):
        name = "scripted"
        label = "Scripted"
        working = True
        supports_system_message = True
        default_model = "echo-1"
        models = ("echo-1", "echo-2")
        supported_options = frozenset({"temperature", "max_tokens"})
        #: a scripted error is shown as it is; the retries have tests of their own
        retry_policy = RetryPolicy(retries=0)

        async def _stream(
            self, model: str, messages: Messages, stream: bool, options: ChatOptions
        ) -> AsyncIterator[Chunk]:
            script.received.append([dict(m) for m in messages])
            script.options.append(options)
            for piece in script.pieces:
                if script.delay:
                    await asyncio.sleep(script.delay)
                yield piece
            if script.error is not None:
                raise script.error
            yield FinishReason("stop")
            yield Usage(3, 4, 7)

    return ScriptedProvider


async def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll on the running (qasync) loop; qtbot.waitUntil hangs inside async tests."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "history.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
async def controller(store: Store, script: Script) -> AsyncIterator[ChatController]:
    async with aiohttp.ClientSession() as session:

        async def no_config(info: object) -> dict[str, str]:
            return {}

        factory = ProviderFactory(
            session, no_config, classes={"scripted": scripted_provider(script)}
        )
        chat = ChatController(store, factory, choice=("scripted", "echo-1"))
        yield chat
        await chat.shutdown()


@pytest.fixture
async def window(qtbot: Any, controller: ChatController) -> MainWindow:
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    Wiring(main, controller, provider="scripted", model="echo-1")
    return main
