"""Keyboard shortcuts: each command has one, none collide, the cheat sheet lists them all."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.core.store import MessageStatus, Store
from gui.widgets.i18n import Translations
from gui.widgets.main_window import MainWindow
from gui.widgets.shortcuts_dialog import ShortcutsDialog, shortcut_text
from tests.gui.conftest import Script, wait_for

NATIVE = QKeySequence.SequenceFormat.NativeText


def keys(text: str) -> str:
    return QKeySequence(text).toString(NATIVE)


def test_every_command_has_its_shortcut(window: MainWindow) -> None:
    wanted = {
        window.commands.new_action: QKeySequence(QKeySequence.StandardKey.New).toString(NATIVE),
        window.commands.search_action: keys("Ctrl+K"),
        window.view_commands.find_action: keys("Ctrl+F"),  # in the open chat
        window.view_commands.zoom_in_action: keys("Ctrl+="),
        window.view_commands.zoom_out_action: keys("Ctrl+-"),
        window.view_commands.zoom_reset_action: keys("Ctrl+0"),
        window.view_commands.sidebar_action: keys("Ctrl+B"),
        window.commands.focus_action: keys("Ctrl+L"),
        window.commands.stop_action: keys("Esc"),
        window.commands.regenerate_action: keys("Ctrl+R"),
        window.commands.copy_reply_action: keys("Ctrl+Shift+C"),
        window.commands.previous_version_action: keys("Alt+Left"),
        window.commands.next_version_action: keys("Alt+Right"),
        window.commands.import_action: keys("Ctrl+O"),
        window.commands.next_action: keys("Ctrl+PgDown"),
        window.commands.previous_action: keys("Ctrl+PgUp"),
        window.commands.settings_action: keys("Ctrl+,"),
        window.commands.quit_action: keys("Ctrl+Q"),
    }
    for action, key in wanted.items():
        assert key and key in shortcut_text(action).split(", "), action.text()
    assert keys("Ctrl+/") in shortcut_text(window.commands.shortcuts_action)
    assert keys("F1") in shortcut_text(window.commands.shortcuts_action)


def test_no_two_commands_share_a_key(window: MainWindow) -> None:
    taken = Counter(
        key.toString(NATIVE) for action in window.shortcut_actions() for key in action.shortcuts()
    )
    assert [key for key, count in taken.items() if count > 1] == []


async def test_f1_opens_the_cheat_sheet_built_from_the_actions(window: MainWindow) -> None:
    window.activateWindow()
    await wait_for(window.isActiveWindow)
    window.composer.setFocus()
    await wait_for(window.composer.hasFocus)
    QTest.keyClick(window.composer, Qt.Key.Key_F1)
    dialog = window.shortcuts_dialog
    assert dialog is not None
    await wait_for(dialog.isVisible)
    rows = dict(dialog.rows())
    assert rows["New chat"] == shortcut_text(window.commands.new_action)
    assert rows["Stop"] == keys("Esc")
    assert rows["Copy last reply"] == keys("Ctrl+Shift+C")
    assert rows["Next chat"] == keys("Ctrl+PgDown")
    assert rows["Previous version"] == keys("Alt+Left")
    assert rows["Next version"] == keys("Alt+Right")
    assert rows["Import"] == keys("Ctrl+O")
    assert rows["Keyboard shortcuts"] == f"{keys('F1')}, {keys('Ctrl+/')}"
    assert rows["Rename chat"] == keys("F2")
    assert len(rows) == len(window.shortcut_actions())
    # It reads the actions, so it cannot go stale.
    dialog.close()
    await wait_for(lambda: not dialog.isVisible())
    window.commands.regenerate_action.setShortcut(QKeySequence("Ctrl+Shift+R"))
    window.activateWindow()
    await wait_for(window.isActiveWindow)
    QTest.keyClick(window.composer, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    await wait_for(dialog.isVisible)
    assert dict(dialog.rows())["Regenerate"] == keys("Ctrl+Shift+R")
    dialog.close()


async def test_cheat_sheet_follows_the_language(
    window: MainWindow, translations: Translations
) -> None:
    dialog = ShortcutsDialog(window.shortcut_actions(), window)
    translations.apply("ru")
    await wait_for(lambda: dialog.windowTitle() == "Сочетания клавиш")
    rows = dict(dialog.rows())
    assert rows["Новый чат"] == shortcut_text(window.commands.new_action)
    assert rows["Копировать последний ответ"] == keys("Ctrl+Shift+C")
    assert dialog.table.horizontalHeaderItem(0).text() == "Действие"
    dialog.deleteLater()


async def test_ctrl_shift_c_copies_the_last_reply(
    window: MainWindow, store: Store, script: Script
) -> None:
    window.commands.copy_reply_action.trigger()
    assert window.status_label.text() == "No reply to copy yet."
    script.pieces = ["Первый ", "ответ"]
    window.composer.setPlainText("q1")
    window.composer.submit()
    await wait_for(
        lambda: not window.stop_button.isEnabled() and "ответ" in window.view.toPlainText()
    )
    script.pieces = ["Second ", "**reply**"]
    window.composer.setPlainText("q2")
    window.composer.submit()
    conversation = None
    await wait_for(lambda: bool(store.list_conversations()))
    conversation = store.list_conversations()[0]
    await wait_for(
        lambda: (
            store.messages(conversation.id)[-1].status == MessageStatus.COMPLETE
            and store.messages(conversation.id)[-1].role == "assistant"
        )
    )
    await wait_for(lambda: "reply" in window.view.toPlainText())
    window.activateWindow()
    await wait_for(window.isActiveWindow)
    window.composer.setFocus()
    await wait_for(window.composer.hasFocus)
    QGuiApplication.clipboard().clear()
    QTest.keyClick(
        window.composer,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    await wait_for(lambda: QGuiApplication.clipboard().text() == "Second **reply**")
    assert window.status_label.text() == "Copied the last reply."
    assert QApplication.focusWidget() is window.composer
