"""First start: the welcome panel, a local server found and used, sending without a key,
and the gone services left out of the picker. The real window, Settings dialog, store,
settings file and system keychain; a fake Ollama is a real aiohttp server on loopback."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import shiboken6
from PySide6 import QtCore
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit

from gui.controller import ChatController
from gui.core.keychain import KeychainUnavailableError, SecretStore
from gui.core.local_servers import probe_local_servers
from gui.core.provider_factory import ProviderFactory
from gui.core.settings import Settings
from gui.core.store import Store
from gui.settings_controller import open_settings_dialog
from gui.widgets.empty_chat import EmptyChatPanel
from gui.widgets.main_window import MainWindow
from gui.widgets.settings_dialog import SettingsDialog
from gui.widgets.welcome import WelcomePanel
from gui.wiring import Wiring
from tests.gui.conftest import wait_for
from tests.gui.core.test_local_servers import closed_port, ollama, port_of
from tests.servers.loopback import serve

pytestmark = pytest.mark.keyring

SECRET_VARIABLES = (
    "GIGACHAT_CREDENTIALS",
    "GIGACHAT_ACCESS_TOKEN",
    "GIGACHAT_USER",
    "GIGACHAT_PASSWORD",
    "GIGACHAT_CERT_FILE",
    "GIGACHAT_KEY_FILE",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "GPROCHAT_BASE_URL",
    "GPTALK_BASE_URL",
)


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> Iterator[SecretStore]:
    """The system keychain under a service of our own (a developer's keys untouched)."""
    for name in SECRET_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    service = f"besedka-test-{uuid.uuid4().hex[:12]}"
    store = SecretStore(service=service)
    try:
        store.set("probe", "x")
        store.delete("probe")
    except KeychainUnavailableError as error:
        pytest.skip(f"no usable system keychain: {error} (run inside dbus-run-session)")
    yield store
    for name in ("gigachat", "openai", "openai:ollama"):
        store.delete(name)


@pytest.fixture
async def fake_ollama() -> AsyncIterator[str]:
    async with serve(ollama()) as origin:
        yield origin


class App:
    """The window wired as gui/app.py wires it: Settings opens from the window's signal."""

    def __init__(self, window: MainWindow, wiring: Wiring, settings: Settings) -> None:
        self.window = window
        self.wiring = wiring
        self.settings = settings
        assert wiring.welcome is not None
        self.welcome = wiring.welcome

    @property
    def page(self) -> Any:
        return self.window.conversation_stack.currentWidget()

    def dialog(self) -> SettingsDialog:
        shown = [d for d in self.window.findChildren(SettingsDialog) if d.isVisible()]
        assert len(shown) == 1
        return shown[0]

    async def ok(self, dialog: SettingsDialog) -> None:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        await wait_for(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())
        await wait_for(lambda: not self.welcome._tasks)


@pytest.fixture
async def app(
    qtbot: Any, tmp_path: Path, secrets: SecretStore, fake_ollama: str
) -> AsyncIterator[App]:
    settings = Settings(tmp_path / "settings.ini")
    store = Store.open(tmp_path / "history.sqlite3")
    async with aiohttp.ClientSession() as session:
        factory = ProviderFactory(
            session,
            lambda info: settings.aprovider_config(info, secrets),
            timeouts=settings.timeouts,
            profiles=settings.profiles,
        )
        controller = ChatController(store, factory)
        window = MainWindow()
        window.resize(1100, 720)
        window.show()
        probe = functools.partial(
            probe_local_servers, ollama_port=port_of(fake_ollama), lmstudio_port=closed_port()
        )
        wiring = Wiring(
            window,
            controller,
            provider="gigachat",
            model="",
            settings=settings,
            secrets=secrets,
            probe=probe,
        )

        def saved() -> None:  # as gui/app.py's open_settings
            window.picker.set_providers(factory.infos())

        window.settings_requested.connect(
            lambda: open_settings_dialog(window, settings, secrets, factory, on_saved=saved)
        )
        shown = App(window, wiring, settings)
        await shown.welcome.wait_idle()
        yield shown
        for dialog in window.findChildren(SettingsDialog):
            dialog.reject()  # its editor's keychain reads are cancelled
        await asyncio.sleep(0.05)
        await shown.welcome.wait_idle()
        await controller.shutdown()
        window.hide()  # not close(): the last window closed would quit the loop
        window.deleteLater()
    store.close()


async def test_first_start_without_a_key_shows_the_welcome_panel(app: App) -> None:
    assert isinstance(app.page, WelcomePanel)
    panel = app.page
    assert set(panel.use_buttons) == {"ollama"}  # the fake one answered, LM Studio did not
    for widget in panel.focus_chain():
        assert widget.accessibleName(), widget
        assert widget.focusPolicy() & QtCore.Qt.FocusPolicy.TabFocus
    # Tab goes from the window's top row into the panel.
    app.window.settings_button.setFocus()
    app.window.focusNextChild()
    assert app.window.focusWidget() is panel.gigachat_button


async def test_choosing_gigachat_opens_its_page_with_the_key_field_focused(
    app: App, qtbot: Any
) -> None:
    panel = app.page
    assert isinstance(panel, WelcomePanel)
    panel.gigachat_button.click()
    dialog = app.dialog()
    page = dialog.pages["gigachat"]
    assert dialog.stack.currentWidget().widget() is page
    key = page.key_editor()
    assert key is not None
    assert dialog.focusWidget() is key.line_edit
    qtbot.keyClicks(key.line_edit, "a-gigachat-authorization-key")  # typed where focused
    await app.ok(dialog)
    # A provider is ready: the empty chat takes the panel's place, on GigaChat.
    assert isinstance(app.page, EmptyChatPanel)
    assert app.window.picker.provider() == "gigachat"


async def test_a_found_ollama_becomes_the_chats_provider(app: App, fake_ollama: str) -> None:
    controller = app.wiring.controller
    conversation = controller.new_conversation()
    panel = app.page
    assert isinstance(panel, WelcomePanel)
    panel.use_buttons["ollama"].click()
    await app.welcome.wait_idle()
    stored = controller.store.get_conversation(conversation.id)
    assert (stored.provider, stored.model) == ("openai:ollama", "llama3.2:latest")
    assert app.window.picker.provider() == "openai:ollama"
    assert app.settings.field(controller.providers.info("openai:ollama"), "base_url") == (
        f"{fake_ollama}/v1"
    )
    assert isinstance(app.page, EmptyChatPanel)
    assert app.page.title.text() == "llama3.2:latest"
    app.page.starter_buttons[0].click()  # a sentence-starter goes into the message box
    assert app.window.composer.toPlainText().startswith("Explain")


async def test_sending_without_a_key_opens_its_page_and_keeps_the_text(
    app: App, qtbot: Any
) -> None:
    composer = app.window.composer
    composer.setPlainText("What is a gazebo?")
    qtbot.keyClick(composer, QtCore.Qt.Key.Key_Return)
    dialog = app.dialog()
    page = dialog.pages["gigachat"]
    assert dialog.stack.currentWidget().widget() is page
    key = page.key_editor()
    assert key is not None and dialog.focusWidget() is key.line_edit
    assert composer.toPlainText() == "What is a gazebo?"
    store = app.wiring.controller.store
    assert all(store.count_messages(c.id) == 0 for c in store.list_conversations())


async def test_gone_services_join_the_picker_once_a_host_is_set(app: App) -> None:
    picker = app.window.picker
    assert "gprochat" not in picker.offered()
    assert "gptalk" not in picker.offered()
    assert {"gigachat", "openai"} <= set(picker.offered())
    app.window.settings_requested.emit()
    dialog = app.dialog()
    page = dialog.pages["gprochat"]
    (url,) = [w for w in page.findChildren(QLineEdit) if w.accessibleName() == "Base URL"]
    url.setText("http://127.0.0.1:9/")
    await app.ok(dialog)
    assert "gprochat" in picker.offered()
    assert "gptalk" not in picker.offered()


async def test_a_chat_made_with_a_gone_service_still_shows_it(app: App) -> None:
    controller = app.wiring.controller
    old = controller.store.create_conversation(provider="gptalk", model="gpt-3.5-turbo")
    controller.store.add_message(old.id, "user", "hello")
    controller.open_conversation(old.id)
    assert app.window.picker.provider() == "gptalk"
    assert app.page is app.window.view


async def test_a_preset_opens_a_new_profile_with_its_key_field_focused(
    app: App, qtbot: Any
) -> None:
    panel = app.page
    assert isinstance(panel, WelcomePanel)
    panel.preset_buttons["deepseek"].click()
    dialog = app.dialog()
    page = dialog.pages["openai:deepseek"]
    assert dialog.stack.currentWidget().widget() is page
    key = page.key_editor()
    assert key is not None and dialog.focusWidget() is key.line_edit
    qtbot.keyClicks(key.line_edit, "sk-deepseek-test")
    await app.ok(dialog)
    assert isinstance(app.page, EmptyChatPanel)
    assert app.window.picker.provider() == "openai:deepseek"
