"""Issue #20 end to end, as a person sets it up: a stdio MCP server added in Settings →
Tools (with a secret in its environment), chosen for a chat in Parameters, called by the
model, approved, and its result — read with the secret the keychain gave back — reaching
the model's second request. Real parts: the settings file, the Secret Service of the test
runner, the stdio server of tests/servers/mcp_tools.py, the OpenAI-compatible emulator."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import shiboken6
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QDialogButtonBox

from gui.controller import ChatController
from gui.core.keychain import SecretStore
from gui.core.provider_factory import ProviderFactory
from gui.core.settings import Settings
from gui.core.store import MessageStatus, Store
from gui.core.tools.config import SERVERS_FILE
from gui.settings_controller import open_settings_dialog
from gui.widgets.main_window import MainWindow
from gui.widgets.settings_dialog import SettingsDialog
from gui.widgets.tool_cards import tool_url
from gui.wiring import Wiring
from tests.gui.conftest import wait_for
from tests.servers.openai import OpenAIEmulator, run_openai

pytestmark = pytest.mark.keyring

SERVER = Path(__file__).resolve().parents[1] / "servers" / "mcp_tools.py"
SECRET = "tok-секрет-42"


@pytest.fixture
def keys() -> SecretStore:
    return SecretStore(service=f"besedka-test-{uuid.uuid4().hex[:12]}")


@pytest.fixture
async def app(
    qtbot: Any, tmp_path: Path, keys: SecretStore
) -> AsyncIterator[tuple[MainWindow, ChatController, OpenAIEmulator, Settings]]:
    settings = Settings(tmp_path / "settings.ini")
    store = Store.open(tmp_path / "history.sqlite3")
    emulator = OpenAIEmulator(reply="Done.", chunk_chars=4)
    async with run_openai(emulator), aiohttp.ClientSession() as session:

        async def config(info: object) -> dict[str, str]:
            return {"base_url": emulator.base_url, "api_key": ""}

        factory = ProviderFactory(session, config)
        controller = ChatController(store, factory, choice=("openai", "llama3.2"))
        window = MainWindow()
        qtbot.addWidget(window)
        window.resize(1100, 720)
        window.show()
        Wiring(
            window, controller, provider="openai", model="llama3.2", settings=settings, secrets=keys
        )
        window.settings_requested.connect(
            lambda: open_settings_dialog(window, settings, keys, factory, on_saved=lambda: None)
        )
        try:
            yield window, controller, emulator, settings
        finally:
            for dialog in window.findChildren(SettingsDialog):
                dialog.reject()
            await controller.shutdown()
            store.close()


async def test_a_server_added_in_settings_is_offered_called_and_gets_its_secret(
    app: tuple[MainWindow, ChatController, OpenAIEmulator, Settings], keys: SecretStore
) -> None:
    window, controller, emulator, settings = app
    window.settings_requested.emit()
    (dialog,) = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    dialog.page_list.setCurrentRow(dialog.page_list.count() - 1)
    assert dialog.page_list.currentItem().text() == "Tools"
    tools = _tools_page(dialog)
    tools.add_button.click()
    tools.name.setText("local")
    tools.command.setText(sys.executable)
    tools.args.setText(str(SERVER))
    tools.env.setPlainText(f"SERVICE_TOKEN={SECRET}\nPYTHONUTF8=1")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    await wait_for(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible(), timeout=10)
    assert SECRET not in (settings.path.parent / SERVERS_FILE).read_text(encoding="utf-8")

    # A new chat offers nothing until the person ticks the server in Parameters.
    chat = controller.new_conversation()
    window.parameters_button.click()
    parameters = window.parameters_dialog
    assert parameters is not None and not parameters.tool_boxes["local"].isChecked()
    parameters.tool_boxes["local"].setChecked(True)
    parameters.accept()
    assert controller.store.chat_tools(chat.id).servers == ("local",)

    emulator.tool_rounds = [
        [{"id": "c1", "name": "echo_env", "arguments": '{"name": "SERVICE_TOKEN"}'}]
    ]
    window.composer.setPlainText("What is the token?")
    window.composer.submit()
    store = controller.store
    await wait_for(lambda: len(store.path_ids(chat.id)) == 2)
    reply_id = store.path_ids(chat.id)[-1]
    await wait_for(
        lambda: any(c.state == "waiting" for c in window.view.tool_cards(reply_id)), timeout=30
    )
    window.view.anchorClicked.emit(QUrl(tool_url("once", reply_id, 0)))
    await wait_for(
        lambda: store.get_message(reply_id).status != MessageStatus.STREAMING, timeout=30
    )
    assert store.get_message(reply_id).status == MessageStatus.COMPLETE
    second = [r.body for r in emulator.requests if r.path.endswith("/chat/completions")][1]
    results = [m["content"] for m in second["messages"] if m["role"] == "tool"]
    assert results == [SECRET]  # the keychain's value reached the server, and only it
    assert "echo_env" in window.view.toPlainText()


def _tools_page(dialog: SettingsDialog) -> Any:
    from gui.widgets.settings_tools import ToolsPage

    (page,) = dialog.findChildren(ToolsPage)
    return page
