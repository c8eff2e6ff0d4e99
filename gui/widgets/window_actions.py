"""The main window's commands: actions with their shortcuts, the menu bar, their texts.

The window connects each action to what it does; this only builds them, puts them in
the menus, names them in the interface language and lists them for the cheat sheet.
Built before the first frame: nothing here names PySide's `Qt` namespace (see
gui/widgets/theme.py).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

#: lupdate reads `translate("MainWindow", ...)` calls: the texts keep the MainWindow context.
translate = QCoreApplication.translate

__all__ = ["WindowActions"]


class WindowActions:
    """Every command of the window, in its menus."""

    def __init__(self, window: QMainWindow) -> None:
        self._window = window
        standard = QKeySequence.StandardKey
        self.new_action = self._action(standard.New)
        self.stop_action = self._action("Esc")
        self.regenerate_action = self._action("Ctrl+R")
        self.copy_reply_action = self._action("Ctrl+Shift+C")
        self.search_action = self._action(standard.Find)
        self.focus_action = self._action("Ctrl+L")
        self.next_action = self._action("Ctrl+PgDown")
        self.previous_action = self._action("Ctrl+PgUp")
        self.settings_action = self._action("Ctrl+,")
        self.import_action = self._action("Ctrl+O")
        self.shortcuts_action = self._action(standard.HelpContents, "Ctrl+/")
        self.quit_action = self._action("Ctrl+Q")

        self.file_menu = QMenu(window)
        self.file_menu.addActions([self.new_action, self.import_action, self.settings_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.chat_menu = QMenu(window)
        self.chat_menu.addActions(
            [self.stop_action, self.regenerate_action, self.copy_reply_action]
        )
        self.go_menu = QMenu(window)
        self.go_menu.addActions(
            [self.search_action, self.focus_action, self.next_action, self.previous_action]
        )
        self.help_menu = QMenu(window)
        self.help_menu.addAction(self.shortcuts_action)
        bar = window.menuBar()
        for menu in (self.file_menu, self.chat_menu, self.go_menu, self.help_menu):
            bar.addMenu(menu)

    def _action(self, shortcut: QKeySequence.StandardKey | str, *more: str) -> QAction:
        act = QAction(self._window)
        sequences: list[QKeySequence] = []
        for key in (QKeySequence(shortcut), *(QKeySequence(key) for key in more)):
            if not key.isEmpty() and key not in sequences:
                sequences.append(key)  # a platform may lack a standard key, or repeat one
        act.setShortcuts(sequences)
        self._window.addAction(act)
        return act

    def in_cheat_sheet_order(self) -> list[QAction]:
        """The window's own commands in the order the cheat sheet lists them."""
        return [
            self.new_action,
            self.search_action,
            self.focus_action,
            self.stop_action,
            self.regenerate_action,
            self.copy_reply_action,
            self.next_action,
            self.previous_action,
            self.settings_action,
            self.shortcuts_action,
            self.quit_action,
        ]

    def retranslate(self) -> None:
        """Menu titles, action texts and tips in the current language."""
        self.file_menu.setTitle(translate("MainWindow", "&File"))
        self.chat_menu.setTitle(translate("MainWindow", "&Chat"))
        self.go_menu.setTitle(translate("MainWindow", "&Go"))
        self.help_menu.setTitle(translate("MainWindow", "&Help"))
        for act, text, tip in (
            (
                self.new_action,
                translate("MainWindow", "&New chat"),
                translate("MainWindow", "Start a new conversation"),
            ),
            (
                self.stop_action,
                translate("MainWindow", "&Stop"),
                translate("MainWindow", "Stop the reply that is streaming"),
            ),
            (
                self.regenerate_action,
                translate("MainWindow", "&Regenerate"),
                translate("MainWindow", "Replace the last reply with a new one"),
            ),
            (
                self.copy_reply_action,
                translate("MainWindow", "&Copy last reply"),
                translate("MainWindow", "Copy the text of the newest reply"),
            ),
            (
                self.search_action,
                translate("MainWindow", "&Search"),
                translate("MainWindow", "Search all chats"),
            ),
            (
                self.focus_action,
                translate("MainWindow", "&Message box"),
                translate("MainWindow", "Move the cursor to the message box"),
            ),
            (
                self.next_action,
                translate("MainWindow", "N&ext chat"),
                translate("MainWindow", "Open the next conversation"),
            ),
            (
                self.previous_action,
                translate("MainWindow", "&Previous chat"),
                translate("MainWindow", "Open the previous conversation"),
            ),
            (
                self.settings_action,
                translate("MainWindow", "Se&ttings…"),
                translate("MainWindow", "Open the settings"),
            ),
            (
                self.import_action,
                translate("MainWindow", "&Import chat…"),
                translate("MainWindow", "Add a chat saved with Export as JSON"),
            ),
            (
                self.shortcuts_action,
                translate("MainWindow", "&Keyboard shortcuts"),
                translate("MainWindow", "List every keyboard shortcut"),
            ),
            (
                self.quit_action,
                translate("MainWindow", "&Quit"),
                translate("MainWindow", "Close Besedka"),
            ),
        ):
            act.setText(text)
            act.setStatusTip(tip)
            act.setToolTip(tip)
