"""The dialog on the app's qasync loop: Test connection, background saving and loading."""

from __future__ import annotations

import asyncio
from pathlib import Path

from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from gui.core.keychain import SecretStore
from gui.core.settings import Settings
from gui.widgets.settings_dialog import SettingsDialog
from tests.gui.core.conftest import (
    GIGACHAT,
    PROVIDERS,
    FakeTest,
    MemoryKeyring,
    files_containing,
    wait_for,
)

KEY = "Async-Dialog-Key-3e8f0a"


def make(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> SettingsDialog:
    dialog = SettingsDialog(PROVIDERS, settings, secrets, fake_test)
    qtbot.addWidget(dialog)
    return dialog


async def test_saved_keys_load_in_the_background(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    secrets.set(GIGACHAT, KEY)
    dialog = make(qtbot, settings, secrets, fake_test)

    await dialog.wait_loaded()

    editor = dialog.pages["gigachat"].secret_editor
    assert editor is not None
    assert editor.line_edit.text() == KEY
    assert editor.source == "keychain"


async def test_test_connection_button_uses_the_unsaved_form(
    qtbot: QtBot,
    settings: Settings,
    secrets: SecretStore,
    fake_test: FakeTest,
    memory_keyring: MemoryKeyring,
) -> None:
    dialog = make(qtbot, settings, secrets, fake_test)
    dialog.show()
    dialog.show_provider("gigachat")
    await dialog.wait_loaded()
    page = dialog.pages["gigachat"]
    assert page.secret_editor is not None
    page.secret_editor.line_edit.setText(KEY)
    fake_test.answer = (True, "GigaChat: connected, 5 models available.")

    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    await wait_for(lambda: page.result_ok is not None)

    assert fake_test.calls == [
        (
            "gigachat",
            {
                "api_key": KEY,
                "scope": "GIGACHAT_API_PERS",
                "base_url": "https://gigachat.devices.sberbank.ru/api/v1",
                "auth_url": "https://ngw.devices.sberbank.ru:9443/api/v2/oauth",
            },
        )
    ]
    assert page.result_ok is True
    assert page.result_label.text() == "GigaChat: connected, 5 models available."
    assert "#1a7f37" in page.result_label.styleSheet()  # green
    assert page.test_button.isEnabled()
    assert memory_keyring.entries == {}  # testing saves nothing
    assert not settings.path.exists()


async def test_a_failed_test_is_shown_in_red(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    dialog = make(qtbot, settings, secrets, fake_test)
    fake_test.answer = (False, "The authorization key was not accepted.")

    assert await dialog.run_test("gigachat") == (False, "The authorization key was not accepted.")

    page = dialog.pages["gigachat"]
    assert page.result_ok is False
    assert page.result_label.text() == "The authorization key was not accepted."
    assert "#cf222e" in page.result_label.styleSheet()  # red


async def test_an_unexpected_error_is_named_without_its_text(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    dialog = make(qtbot, settings, secrets, fake_test)
    page = dialog.pages["gigachat"]
    assert page.secret_editor is not None
    page.secret_editor.line_edit.setText(KEY)
    fake_test.error = RuntimeError(f"boom with {KEY}")

    ok, message = await dialog.run_test("gigachat")

    assert not ok
    assert "RuntimeError" in message
    assert KEY not in page.result_label.text()


async def test_the_button_waits_while_a_test_runs(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    dialog = make(qtbot, settings, secrets, fake_test)
    page = dialog.pages["openai"]
    fake_test.release = asyncio.Event()

    running = asyncio.ensure_future(dialog.run_test("openai"))
    await wait_for(lambda: bool(fake_test.calls))
    assert not page.test_button.isEnabled()
    assert page.result_label.text() == "Testing…"
    fake_test.release.set()
    await running

    assert page.test_button.isEnabled()
    assert fake_test.calls == [("openai", {"base_url": "https://api.openai.com/v1"})]


async def test_an_invalid_form_is_not_tested(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    dialog = make(qtbot, settings, secrets, fake_test)
    page = dialog.pages["openai"]
    page.proxy_mode.setCurrentIndex(page.proxy_mode.findData("url"))

    ok, message = await dialog.run_test("openai")

    assert not ok
    assert "proxy" in message.lower()
    assert fake_test.calls == []


async def test_closing_the_dialog_cancels_a_running_test(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    dialog = make(qtbot, settings, secrets, fake_test)
    dialog.show()
    fake_test.release = asyncio.Event()
    page = dialog.pages["gigachat"]
    page.test_button.click()
    await wait_for(lambda: bool(fake_test.calls))

    dialog.reject()
    await wait_for(lambda: page.result_ok is not None)

    assert page.result_ok is False
    assert "cancelled" in page.result_label.text()


async def test_ok_saves_in_the_background(
    qtbot: QtBot,
    settings: Settings,
    secrets: SecretStore,
    fake_test: FakeTest,
    memory_keyring: MemoryKeyring,
) -> None:
    dialog = make(qtbot, settings, secrets, fake_test)
    dialog.show()
    await dialog.wait_loaded()
    editor = dialog.pages["gigachat"].secret_editor
    assert editor is not None
    editor.line_edit.setText(KEY)

    dialog.buttons.accepted.emit()
    await wait_for(lambda: not dialog.isVisible())

    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert memory_keyring.entries == {("besedka", "gigachat"): KEY}
    assert settings.path.is_file()
    assert KEY not in settings.path.read_text(encoding="utf-8")


async def test_ok_without_a_keychain_asks_without_blocking_the_loop(
    qtbot: QtBot, settings: Settings, fake_test: FakeTest, basedir: Path
) -> None:
    secrets = SecretStore(fail.Keyring())
    dialog = make(qtbot, settings, secrets, fake_test)
    dialog.show()
    await dialog.wait_loaded()
    editor = dialog.pages["gigachat"].secret_editor
    assert editor is not None
    editor.line_edit.setText(KEY)

    dialog.buttons.accepted.emit()
    await wait_for(lambda: any(b.isVisible() for b in dialog.findChildren(QMessageBox)))
    box = next(b for b in dialog.findChildren(QMessageBox) if b.isVisible())
    assert box.text() == (
        "No system keychain is available; the key can be kept for this session only."
    )
    keep = next(b for b in box.buttons() if b.text() == "Keep for this session")
    keep.click()
    await wait_for(lambda: not dialog.isVisible())

    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert secrets.lookup(GIGACHAT) == (KEY, "session")
    assert files_containing(basedir, KEY) == []
