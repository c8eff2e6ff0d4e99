"""End-to-end fixtures: the real window, controller, store and provider factory, talking
to the GigaChat loopback emulator over TLS with a test CA."""

from __future__ import annotations

import os
import ssl
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
from gui.values import ProviderInfo
from gui.widgets.main_window import MainWindow
from gui.wiring import Wiring
from providers.base import Timeouts
from tests.servers.gigachat import GigaChatEmulator, run_gigachat


def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Callable[[], Any]]:
    return {"qasync": lambda: qasync.QEventLoop(QApplication.instance() or QApplication([]))}


@pytest.fixture
async def gigachat(server_ssl: ssl.SSLContext) -> AsyncIterator[GigaChatEmulator]:
    async with run_gigachat(server_ssl) as emulator:
        yield emulator


@pytest.fixture
def gigachat_config(gigachat: GigaChatEmulator, test_ca_file: Path) -> dict[str, str]:
    """What Settings would hand the factory for GigaChat pointed at the emulator."""
    return {
        "api_key": gigachat.valid_key,
        "base_url": gigachat.base_url,
        "auth_url": gigachat.auth_url,
        "ca_bundle": str(test_ca_file),
    }


@pytest.fixture
def e2e_store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "history.sqlite3")
    yield opened
    opened.close()


@pytest.fixture
async def factory(gigachat_config: dict[str, str]) -> AsyncIterator[ProviderFactory]:
    async def config_source(info: ProviderInfo) -> dict[str, str]:
        return gigachat_config if info.name == "gigachat" else {}

    async with aiohttp.ClientSession() as session:
        yield ProviderFactory(session, config_source, timeouts=lambda: Timeouts(connect=5, read=10))


@pytest.fixture
async def e2e_window(
    qtbot: Any, e2e_store: Store, factory: ProviderFactory
) -> AsyncIterator[MainWindow]:
    controller = ChatController(e2e_store, factory, choice=("gigachat", "GigaChat"))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    Wiring(window, controller, provider="gigachat", model="GigaChat")
    yield window
    await controller.shutdown()
