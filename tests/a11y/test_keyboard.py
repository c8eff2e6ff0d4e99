"""Keyboard first: a reading-order tab chain, names on every stop, visible focus."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QColor, QImage
from PySide6.QtWidgets import QApplication, QDialog, QToolButton, QWidget

from gui.core.keychain import SecretStore
from gui.core.settings import Settings
from gui.settings_controller import SettingsEditor
from gui.values import ConnectionResult
from gui.widgets.main_window import MainWindow
from gui.widgets.parameters_dialog import ParametersDialog
from gui.widgets.shortcuts_dialog import ShortcutsDialog
from gui.widgets.trash_dialog import TrashDialog
from tests.gui.conftest import Script, wait_for
from tests.gui.core.conftest import GIGACHAT, GPTALK, OPENAI, MemoryKeyring


def tab_chain(top: QWidget, first: QWidget, limit: int = 60) -> list[QWidget]:
    """Every widget Tab visits from `first` until it comes round again."""
    first.setFocus(Qt.FocusReason.TabFocusReason)
    assert QApplication.focusWidget() is first
    chain: list[QWidget] = []
    for _ in range(limit):
        widget = QApplication.focusWidget()
        assert widget is not None
        if chain and widget is chain[0]:
            return chain
        chain.append(widget)
        top.focusNextChild()
    raise AssertionError(f"Tab never came back to the start: {[w.objectName() for w in chain]}")


def focusable(top: QWidget) -> list[QWidget]:
    """Widgets the person can reach with Tab right now."""
    return [
        widget
        for widget in top.findChildren(QWidget)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and widget.isVisibleTo(top)
        and widget.isEnabled()
        and widget.focusProxy() is None
    ]


def unnamed(widgets: list[QWidget]) -> list[str]:
    """Widgets without an accessible name, as a screen reader would meet them."""
    missing = []
    for widget in widgets:
        interface = QAccessible.queryAccessibleInterface(widget)
        spoken = interface.text(QAccessible.Text.Name) if interface is not None else ""
        if not widget.accessibleName().strip() or not spoken.strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


async def test_tab_walks_the_window_in_reading_order(window: MainWindow) -> None:
    await wait_for(window.composer.hasFocus)
    chain = tab_chain(window, window.sidebar.new_button)
    assert chain == [
        window.sidebar.new_button,
        window.sidebar.search,
        window.sidebar.list,
        window.picker.provider_box,
        window.picker.model_box,
        window.parameters_button,
        window.settings_button,
        window.view,
        window.composer,
        window.composer.attach_button,
        window.send_button,
    ]  # Stop joins the chain only while a reply streams (it is disabled otherwise)
    assert unnamed(chain) == []


async def test_every_focusable_control_has_a_name_and_a_description(
    window: MainWindow, script: Script
) -> None:
    script.pieces = [f"word{i} " for i in range(100)]
    script.delay = 0.02
    window.composer.setPlainText("stream please")
    window.composer.submit()
    await wait_for(window.stop_button.isEnabled)
    widgets = focusable(window)
    assert window.stop_button in widgets
    assert unnamed(widgets) == []
    undescribed = [
        type(widget).__name__
        for widget in widgets
        if not widget.accessibleDescription().strip() and widget is not window.sidebar.list
    ]
    assert undescribed == []
    chain = tab_chain(window, window.composer)
    # While the reply streams, Send has become Stop: after the message and its attach
    # button, the next stop.
    assert chain[:3] == [window.composer, window.composer.attach_button, window.stop_button]
    assert not window.send_button.isVisible()
    window.commands.stop_action.trigger()
    await wait_for(lambda: not window.stop_button.isEnabled())


async def test_dialogs_have_named_controls_and_a_closed_tab_chain(window: MainWindow) -> None:
    parameters = ParametersDialog("Be brief.", {"temperature": 0.3}, window)
    shortcuts = ShortcutsDialog(window.shortcut_actions(), window)
    trash = TrashDialog(window)
    trash.show_items([_Deleted(1, "Старый чат", 1_700_000_000.0)])
    trash.empty_button.click()  # the inline confirmation too
    for dialog in (parameters, shortcuts, trash):
        dialog.show()
        await wait_for(dialog.isVisible)
        dialog.activateWindow()
        await wait_for(dialog.isActiveWindow)
        widgets = focusable(dialog)
        assert widgets
        assert unnamed(widgets) == []
        chain = tab_chain(dialog, widgets[0])
        assert set(chain) == set(widgets)
        dialog.close()
    assert isinstance(parameters, QDialog)


class _Deleted:
    def __init__(self, ident: int, title: str, deleted_at: float) -> None:
        self.id, self.title, self.deleted_at = ident, title, deleted_at


async def test_the_undo_bar_and_the_edit_banner_are_named_and_reachable(
    window: MainWindow, script: Script
) -> None:
    window.composer.setPlainText("question")
    window.composer.submit()
    await wait_for(lambda: not window.stop_button.isEnabled() and bool(window.view.message_ids()))
    window.show_undo("Message deleted.")
    window.view.action_requested.emit("edit", window.view.message_ids()[0])
    assert window.undo_bar is not None and window.edit_banner is not None
    widgets = focusable(window)
    assert window.undo_bar.button in widgets and window.edit_banner.button in widgets
    assert unnamed(widgets) == []
    for button in (window.undo_bar.button, window.edit_banner.button):
        assert button.accessibleDescription().strip()
    chain = tab_chain(window, window.view)
    assert chain[:4] == [
        window.view,
        window.undo_bar.button,
        window.edit_banner.button,
        window.composer,
    ]
    window.edit_banner.button.click()
    window.hide_undo()


def _frame(widget: QWidget) -> QImage:
    return widget.grab().toImage()


async def test_focus_is_visible_on_the_big_text_areas(window: MainWindow) -> None:
    """The composer (its rounded box), the view and the list draw a frame in the accent
    colour while they have focus."""
    from gui.widgets.style_sheet import colours

    window.show_icons()  # the composer box's focus frame comes with the theme's details
    accent = QColor(colours(window.view.dark).accent)
    for widget, framed, x in (
        (window.composer, window.composer_box, None),
        (window.view, window.view, 0),
        (window.sidebar.list, window.sidebar.list, 0),
    ):
        window.sidebar.search.setFocus()
        await wait_for(window.sidebar.search.hasFocus)
        before = _frame(framed)
        widget.setFocus()
        await wait_for(widget.hasFocus)
        await asyncio.sleep(0.01)
        after = _frame(framed)
        # The box's left edge is round at its corners: look at its middle, 1 px in.
        corner = after.pixelColor(x if x is not None else 1, after.height() // 2)
        assert before != after, type(widget).__name__
        assert corner == accent, type(widget).__name__


async def test_settings_dialog_pages_have_named_controls(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GIGACHAT_CREDENTIALS", raising=False)

    async def no_test(name: str, config: dict[str, str]) -> ConnectionResult:
        return ConnectionResult(ok=True, provider=name)

    dialog = SettingsEditor(
        [GIGACHAT, OPENAI, GPTALK],
        Settings(tmp_path / "besedka.ini"),
        SecretStore(MemoryKeyring()),
        no_test,
        parent=window,
    ).dialog
    dialog.show()
    dialog.activateWindow()
    await wait_for(dialog.isActiveWindow)
    for row in range(dialog.page_list.count()):
        dialog.page_list.setCurrentRow(row)
        page = dialog.stack.currentWidget()
        for toggle in page.findChildren(QToolButton):
            toggle.setChecked(True)  # the advanced rows too
        widgets = focusable(dialog)
        assert unnamed(widgets) == [], dialog.page_list.item(row).text()
        chain = tab_chain(dialog, dialog.page_list)
        assert set(chain) == set(widgets), dialog.page_list.item(row).text()
    dialog.close()
