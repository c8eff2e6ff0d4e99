"""Switching the language at run time: the real window, dialogs and errors follow at once."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel

from gui.app import Application
from gui.controller import ChatController
from gui.core.keychain import SecretStore
from gui.core.paths import AppPaths, resources_dir
from gui.core.settings import Settings
from gui.core.store import MessageStatus, Store
from gui.settings_controller import SettingsEditor
from gui.values import ConnectionResult, ErrorInfo
from gui.widgets.i18n import Translations, resolve_language
from gui.widgets.main_window import MainWindow
from gui.widgets.settings_dialog import SettingsDialog
from gui.widgets.theme import ThemeManager
from providers.errors import AuthError, RateLimitError
from tests.gui.conftest import Script, wait_for
from tests.gui.core.conftest import GIGACHAT, OPENAI, MemoryKeyring


async def settle() -> None:
    """Let posted LanguageChange events and the view's coalesced re-render run."""
    for _ in range(3):
        await asyncio.sleep(0.01)  # the qasync loop runs Qt's events meanwhile


def test_language_follows_the_system_unless_the_settings_say_otherwise() -> None:
    assert resolve_language("system", QLocale("ru_RU")) == "ru"
    assert resolve_language("system", QLocale("en_GB")) == "en"
    assert resolve_language("system", QLocale("de_DE")) == "en"  # not spoken: English
    assert resolve_language("en", QLocale("ru_RU")) == "en"
    assert resolve_language("ru", QLocale("en_US")) == "ru"


def test_the_app_finds_its_catalogs_in_resources() -> None:
    assert (resources_dir() / "translations") == Path(__file__).resolve().parents[
        2
    ] / "resources/translations"
    assert ((resources_dir() / "translations") / "besedka_ru.ts").is_file()


def test_a_missing_catalog_leaves_english_and_says_so(
    tmp_path: Path, qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    switcher = Translations(qapp, tmp_path)
    with caplog.at_level(logging.WARNING, logger="gui.widgets.i18n"):
        assert switcher.apply("ru") == "ru"
    try:
        assert "no ru translation" in caplog.text
        main = MainWindow()
        assert main.send_button.accessibleName() == "Send message"
        main.deleteLater()
    finally:
        switcher.apply("en")


async def test_menus_buttons_and_fields_switch_to_russian_and_back(
    window: MainWindow, translations: Translations
) -> None:
    assert window.commands.file_menu.title() == "&File"
    assert window.send_button.accessibleName() == "Send message"

    translations.apply("ru")
    await settle()
    assert window.windowTitle() == "Беседка"
    assert [
        menu.title()
        for menu in (
            window.commands.file_menu,
            window.commands.chat_menu,
            window.commands.help_menu,
        )
    ] == [
        "&Файл",
        "&Чат",
        "&Справка",
    ]
    assert window.commands.new_action.text() == "&Новый чат"
    assert window.commands.copy_reply_action.text() == "&Копировать последний ответ"
    assert window.send_button.accessibleName() == "Отправить сообщение"
    assert window.stop_button.accessibleName() == "Остановить ответ"
    assert window.sidebar.new_button.text() == "Новый чат"
    assert window.sidebar.search.placeholderText() == "Поиск по всем чатам"
    assert window.composer.placeholderText().startswith("Напишите сообщение")
    assert window.picker.provider_label.text() == "&Провайдер:"
    assert window.view.accessibleName() == "Разговор"
    assert window.status_label.text() == "Готово"

    translations.apply("en")
    await settle()
    assert window.commands.file_menu.title() == "&File"
    assert window.send_button.accessibleName() == "Send message"
    assert window.status_label.text() == "Ready"


async def test_messages_and_errors_in_the_view_are_said_again_in_russian(
    window: MainWindow, translations: Translations, store: Store, script: Script
) -> None:
    script.pieces = ["partial"]
    script.error = RateLimitError("Too many requests", retry_after=7)
    window.composer.setPlainText("question")
    window.composer.submit()
    await wait_for(lambda: "Retry in 7 s." in window.view.toPlainText())

    translations.apply("ru")
    await settle()
    await wait_for(lambda: "Повторите через 7 с." in window.view.toPlainText())
    shown = window.view.toPlainText()
    assert "Вы" in shown and "Копировать" in shown and "Повторить" in shown
    assert "Retry in" not in shown
    assert "question" in shown and "partial" in shown  # the messages themselves stay
    assert store.list_conversations()[0].id is not None

    script.error = AuthError("bad credentials")
    window.commands.regenerate_action.trigger()
    await wait_for(lambda: "Проверьте ключ и область доступа" in window.view.toPlainText())

    translations.apply("en")
    await settle()
    await wait_for(lambda: "Check the key and scope in Settings." in window.view.toPlainText())


async def test_code_block_copy_links_are_translated_too(
    window: MainWindow, translations: Translations, script: Script
) -> None:
    script.pieces = ["Here:\n\n```python\nprint('привет')\n```\n"]
    window.composer.setPlainText("code")
    window.composer.submit()
    await wait_for(
        lambda: not window.stop_button.isEnabled() and "print" in window.view.toPlainText()
    )
    translations.apply("ru")
    await settle()
    await wait_for(lambda: window.view.toPlainText().count("Копировать") == 3)
    assert "besedka:copy/" in window.view.toHtml()  # the link still works
    assert "Copy" not in window.view.toPlainText()


async def test_plural_forms_follow_the_number(
    window: MainWindow, translations: Translations
) -> None:
    said = {}
    for language in ("en", "ru"):
        translations.apply(language)
        for count in (1, 3, 5, 21):
            window.show_interrupted(count)
            said[language, count] = window.status_label.text()
    assert said["en", 1].startswith("1 reply was cut off")
    assert said["en", 3].startswith("3 replies were cut off")
    assert said["ru", 1].startswith("1 ответ был прерван")
    assert said["ru", 3].startswith("3 ответа были прерваны")
    assert said["ru", 5].startswith("5 ответов были прерваны")
    assert said["ru", 21].startswith("21 ответ был прерван")


async def test_settings_dialog_opens_in_russian(
    translations: Translations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GIGACHAT_CREDENTIALS", raising=False)
    translations.apply("ru")

    async def no_test(name: str, config: dict[str, str]) -> ConnectionResult:
        return ConnectionResult(ok=True, provider=name)

    dialog = SettingsEditor(
        [GIGACHAT, OPENAI],
        Settings(tmp_path / "besedka.ini"),
        SecretStore(MemoryKeyring()),
        no_test,
    ).dialog
    try:
        assert dialog.windowTitle() == "Настройки"
        pages = [dialog.page_list.item(row).text() for row in range(dialog.page_list.count())]
        assert pages == ["Общие", "GigaChat", "OpenAI-совместимый", "Инструменты"]
        labels = {label.text() for label in dialog.findChildren(QLabel)}
        assert {"Язык:", "Тема:", "Ключ авторизации:", "Прокси:"} <= labels
        assert dialog.theme.itemText(2) == "Тёмная"
        buttons = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert buttons.text() == "Отмена"  # Qt's own catalog (qtbase_ru)
        page = dialog.pages["gigachat"]
        assert page.secret_editor is not None
        assert page.secret_editor.source_label.text() == "Ключ не задан."
        refused = ErrorInfo("auth", provider="GigaChat", status=401, detail="Unauthorized")
        page.show_connection(ConnectionResult(ok=False, provider="GigaChat", error=refused))
        shown = page.result_label.text()
        assert shown.startswith("GigaChat: ") and "«Unauthorized»" in shown
        assert shown.endswith("Проверьте ключ и область доступа (scope) в настройках.")
        page.show_connection(ConnectionResult(ok=True, provider="GigaChat", models=4))
        assert page.result_label.text() == "GigaChat: подключено, доступно моделей: 4."
    finally:
        dialog.deleteLater()


async def test_saving_the_settings_dialog_switches_the_running_window(
    window: MainWindow,
    controller: ChatController,
    translations: Translations,
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The path the app takes: Settings… → Language: Русский → OK → the window is Russian."""
    monkeypatch.delenv("GIGACHAT_CREDENTIALS", raising=False)
    paths = AppPaths.under(tmp_path / "profile").ensure()
    settings = Settings(paths.settings_file)
    theme = ThemeManager(qapp)
    app = Application(
        qapp, window, paths, settings=settings, translations=translations, theme=theme
    )
    secrets = SecretStore(MemoryKeyring())
    app.connect_settings(secrets, controller.providers)
    try:
        window.commands.settings_action.trigger()
        dialog = window.findChild(SettingsDialog)
        assert dialog is not None and dialog.isVisible()
        dialog.language.setCurrentIndex(dialog.language.findData("ru"))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        await wait_for(lambda: window.send_button.accessibleName() == "Отправить сообщение")
        assert Settings(paths.settings_file).language == "ru"
        assert window.commands.file_menu.title() == "&Файл"
    finally:
        theme.apply("system")
        app.tray = None


async def test_a_failed_reply_is_stored_as_data_and_shown_in_russian(
    window: MainWindow, translations: Translations, store: Store, script: Script
) -> None:
    """Only the display is worded: the history keeps what happened, as data."""
    translations.apply("ru")
    script.pieces = []
    script.error = RateLimitError("Too many requests", retry_after=3)
    window.composer.setPlainText("q")
    window.composer.submit()
    await wait_for(lambda: "Повторите через 3 с." in window.view.toPlainText())
    conversation = store.list_conversations()[0]
    failed = [m for m in store.messages(conversation.id) if m.role == "assistant"][-1]
    assert failed.status == MessageStatus.FAILED
    assert failed.error is not None
    assert (failed.error.kind, failed.error.provider) == ("rate_limit", "Scripted")
    assert failed.error.params["retry_after"] == 3
    assert "Too many requests" in failed.error.detail
