"""The dialog on the app's qasync loop: Test connection, background saving and loading."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from gui.core.keychain import SecretStore
from gui.core.provider_factory import ProviderFactory
from gui.core.settings import Settings
from gui.settings_controller import SettingsEditor, open_settings_dialog
from gui.values import ConnectionResult, ErrorInfo, ProviderInfo
from gui.widgets.settings_dialog import SettingsDialog
from providers.openai_compat import OpenAICompatible
from tests.gui.core.conftest import (
    GIGACHAT,
    PROVIDERS,
    FakeTest,
    MemoryKeyring,
    files_containing,
    wait_for,
)

#: The offscreen platform's notice when a message box sizes itself; nothing of ours.

KEY = "Async-Dialog-Key-3e8f0a"


def make(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> SettingsEditor:
    editor = SettingsEditor(PROVIDERS, settings, secrets, fake_test)
    qtbot.addWidget(editor.dialog)
    return editor


async def test_saved_keys_load_in_the_background(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    secrets.set(GIGACHAT, KEY)
    settings_editor = make(qtbot, settings, secrets, fake_test)
    editor = settings_editor.dialog.pages["gigachat"].secret_editor
    assert editor is not None
    assert editor.line_edit.text() == ""  # the dialog is up before the keychain answers

    await settings_editor.wait_loaded()

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
    editor = make(qtbot, settings, secrets, fake_test)
    dialog = editor.dialog
    dialog.show()
    dialog.show_provider("gigachat")
    await editor.wait_loaded()
    page = dialog.pages["gigachat"]
    assert page.secret_editor is not None
    page.secret_editor.line_edit.setText(KEY)
    fake_test.answer = ConnectionResult(ok=True, provider="GigaChat", models=5)

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
    editor = make(qtbot, settings, secrets, fake_test)
    fake_test.answer = ConnectionResult(
        ok=False,
        provider="GigaChat",
        error=ErrorInfo("auth", provider="GigaChat", status=401, detail="bad key"),
    )

    await editor.run_test("gigachat")

    page = editor.dialog.pages["gigachat"]
    assert page.result_ok is False
    assert page.result_label.text() == (
        "GigaChat: the service refused the credentials. «bad key»"
        " Check the key and scope in Settings."
    )
    assert "#cf222e" in page.result_label.styleSheet()  # red


async def test_a_provider_without_a_model_list_is_just_connected(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    editor = make(qtbot, settings, secrets, fake_test)
    fake_test.answer = ConnectionResult(ok=True, provider="GPTalk")

    await editor.run_test("gptalk")

    page = editor.dialog.pages["gptalk"]
    assert page.result_ok is True
    assert page.result_label.text() == "GPTalk: connected."


async def test_an_unexpected_error_is_named_without_its_text(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    editor = make(qtbot, settings, secrets, fake_test)
    page = editor.dialog.pages["gigachat"]
    assert page.secret_editor is not None
    page.secret_editor.line_edit.setText(KEY)
    fake_test.error = RuntimeError(f"boom with {KEY}")

    await editor.run_test("gigachat")

    assert page.result_ok is False
    assert "RuntimeError" in page.result_label.text()
    assert KEY not in page.result_label.text()


async def test_the_button_waits_while_a_test_runs(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    editor = make(qtbot, settings, secrets, fake_test)
    page = editor.dialog.pages["openai"]
    fake_test.release = asyncio.Event()

    running = asyncio.ensure_future(editor.run_test("openai"))
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
    editor = make(qtbot, settings, secrets, fake_test)
    page = editor.dialog.pages["openai"]
    page.proxy_mode.setCurrentIndex(page.proxy_mode.findData("url"))

    await editor.run_test("openai")

    assert page.result_ok is False
    assert "proxy" in page.result_label.text().lower()
    assert fake_test.calls == []


async def test_closing_the_dialog_cancels_a_running_test(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, fake_test: FakeTest
) -> None:
    dialog = make(qtbot, settings, secrets, fake_test).dialog
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
    settings_editor = make(qtbot, settings, secrets, fake_test)
    dialog = settings_editor.dialog
    dialog.show()
    await settings_editor.wait_loaded()
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
    settings_editor = make(qtbot, settings, secrets, fake_test)
    dialog = settings_editor.dialog
    dialog.show()
    await settings_editor.wait_loaded()
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


async def test_the_app_entry_point_opens_modal_saves_then_reports(
    qtbot: QtBot, settings: Settings, secrets: SecretStore, memory_keyring: MemoryKeyring
) -> None:
    """What Settings… in the window does: open over it, OK saves, then `on_saved()`."""
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    saved: list[str] = []
    async with aiohttp.ClientSession() as session:

        async def no_config(info: ProviderInfo) -> dict[str, str]:
            return {}

        factory = ProviderFactory(session, no_config, classes={"openai": OpenAICompatible})
        open_settings_dialog(
            parent, settings, secrets, factory, lambda: saved.append(settings.language)
        )
        dialog = parent.findChild(SettingsDialog)
        assert dialog is not None
        assert dialog.isVisible() and dialog.isModal()
        assert list(dialog.pages) == ["openai"]
        editor = dialog.pages["openai"].secret_editor
        assert editor is not None
        dialog.language.setCurrentIndex(dialog.language.findData("ru"))
        qtbot.keyClicks(editor.line_edit, KEY)  # typed at once, while the keychain answers

        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        await wait_for(lambda: bool(saved))

    assert saved == ["ru"]  # called after the save, with the new value in place
    assert Settings(settings.path).language == "ru"
    assert memory_keyring.entries == {("besedka", "openai"): KEY}
    await wait_for(lambda: parent.findChild(SettingsDialog) is None)  # closed and deleted


async def test_a_dialog_deleted_before_the_keychain_answers_stops_loading_quietly(
    qtbot: QtBot,
    settings: Settings,
    secrets: SecretStore,
    fake_test: FakeTest,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secrets.set(GIGACHAT, KEY)
    editor = SettingsEditor(PROVIDERS, settings, secrets, fake_test)
    editor.dialog.deleteLater()  # e.g. its window closed at exit, never finished

    with pytest.raises(asyncio.CancelledError):
        await editor.wait_loaded()
    await asyncio.sleep(0.05)

    assert [r.message for r in caplog.records if r.levelname == "ERROR"] == []
