"""The main window's commands: actions with their shortcuts, the menu bar, their texts.

The window connects each action to what it does; this builds them, puts them in the
menus, names them in the interface language and lists them for the cheat sheet. It also
does the commands that need nothing but the window's widgets (copy the last reply, the
cheat sheet, the file dialogs of Import and Export, the trash window, switching versions
from the keyboard) and emits the window's intents for the rest.
Built before the first frame: nothing here names PySide's `Qt` namespace (see
gui/widgets/theme.py).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from gui.widgets.main_window import MainWindow
    from gui.widgets.trash_dialog import TrashItemLike

#: lupdate reads `translate("MainWindow", ...)` calls: the texts keep the MainWindow context.
translate = QCoreApplication.translate

__all__ = ["WindowActions"]


class WindowActions:
    """Every command of the window, in its menus."""

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        standard = QKeySequence.StandardKey
        self.new_action = self._action(standard.New)
        self.stop_action = self._action("Esc")
        self.regenerate_action = self._action("Ctrl+R")
        self.copy_reply_action = self._action("Ctrl+Shift+C")
        self.previous_version_action = self._action("Alt+Left")
        self.next_version_action = self._action("Alt+Right")
        self.search_action = self._action("Ctrl+K", "Ctrl+Shift+F")  # Ctrl+F finds in the chat
        self.focus_action = self._action("Ctrl+L")
        self.next_action = self._action("Ctrl+PgDown")
        self.previous_action = self._action("Ctrl+PgUp")
        self.settings_action = self._action("Ctrl+,")
        self.import_action = self._action("Ctrl+O")
        self.trash_action = self._action("")
        self.shortcuts_action = self._action(standard.HelpContents, "Ctrl+/")
        self.quit_action = self._action("Ctrl+Q")

        self.assistants_action = self._action("")
        self.backup_action = self._action("")
        self.file_menu = QMenu(window)
        self.file_menu.addAction(self.new_action)
        #: File → New chat with ▸ one of the assistants (filled by `fill_assistants`)
        self.assistants_menu = self.file_menu.addMenu("")
        self.file_menu.addActions(
            [
                self.assistants_action,
                self.import_action,
                self.backup_action,
                self.trash_action,
                self.settings_action,
            ]
        )
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.chat_menu = QMenu(window)
        self.chat_menu.addActions(
            [self.stop_action, self.regenerate_action, self.copy_reply_action]
        )
        self.chat_menu.addSeparator()
        self.chat_menu.addActions([self.previous_version_action, self.next_version_action])
        self.chat_menu.addSeparator()
        #: chats named by the model after their first reply (on unless turned off)
        self.auto_title_action = self.chat_menu.addAction("")
        self.auto_title_action.setCheckable(True)
        self.auto_title_action.setChecked(True)
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

    def fill_assistants(self, items: list[tuple[str, str, str]]) -> None:
        """The assistants a chat can start from: (id, icon, name) each, in order."""
        self.assistants_menu.clear()
        for ident, icon, name in items:
            act = self.assistants_menu.addAction(f"{icon}  {name}".strip())
            act.triggered.connect(
                lambda _=False, i=ident: self._window.assistant_chat_requested.emit(i)
            )
        self.assistants_menu.setEnabled(bool(items))

    def in_cheat_sheet_order(self) -> list[QAction]:
        """The window's own commands in the order the cheat sheet lists them."""
        return [
            self.new_action,
            self.search_action,
            self.focus_action,
            self.stop_action,
            self.regenerate_action,
            self.copy_reply_action,
            self.previous_version_action,
            self.next_version_action,
            self.next_action,
            self.previous_action,
            self.import_action,
            self.settings_action,
            self.shortcuts_action,
            self.quit_action,
        ]

    def retranslate(self) -> None:
        """Menu titles, action texts and tips, and the window's buttons and names, in the
        current language."""
        self._name_controls()
        self.file_menu.setTitle(translate("MainWindow", "&File"))
        self.assistants_menu.setTitle(translate("MainWindow", "New chat &with"))
        self.auto_title_action.setText(translate("MainWindow", "&Name chats with the model"))
        self.auto_title_action.setToolTip(
            translate("MainWindow", "After the first reply, the model gives the chat a short title")
        )
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
                self.previous_version_action,
                translate("MainWindow", "Pre&vious version"),
                translate("MainWindow", "Show the previous version of the message (‹)"),
            ),
            (
                self.next_version_action,
                translate("MainWindow", "Ne&xt version"),
                translate("MainWindow", "Show the next version of the message (›)"),
            ),
            (
                self.trash_action,
                translate("MainWindow", "T&rash…"),
                translate("MainWindow", "Deleted chats: restore them or delete them forever"),
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
                self.assistants_action,
                translate("MainWindow", "&Assistants…"),
                translate("MainWindow", "Presets of a system prompt, model and parameters"),
            ),
            (
                self.backup_action,
                translate("MainWindow", "&Back up everything…"),
                translate("MainWindow", "Every chat, the assistants and the settings in one file"),
            ),
            (
                self.import_action,
                translate("MainWindow", "&Import…"),
                translate(
                    "MainWindow",
                    "Add chats: a Besedka chat or library, a ChatGPT export, a Chatbox export",
                ),
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

    def _name_controls(self) -> None:
        window = self._window
        window.setWindowTitle(translate("MainWindow", "Besedka"))
        window.setAccessibleName(translate("MainWindow", "Besedka"))
        for button, text, name, description in (
            (
                window.parameters_button,
                translate("MainWindow", "Parameters…"),
                translate("MainWindow", "Conversation parameters"),
                translate(
                    "MainWindow", "System prompt, temperature and reply length of this conversation"
                ),
            ),
            (
                window.settings_button,
                translate("MainWindow", "Settings…"),
                translate("MainWindow", "Settings"),
                translate("MainWindow", "Keys, addresses, proxy, language and theme"),
            ),
            (
                window.send_button,
                translate("MainWindow", "Send"),
                translate("MainWindow", "Send message"),
                translate("MainWindow", "Send the message (Enter)"),
            ),
            (
                window.stop_button,
                translate("MainWindow", "Stop"),
                translate("MainWindow", "Stop the reply"),
                translate(
                    "MainWindow", "Stop the reply that is streaming; its text so far is kept (Esc)"
                ),
            ),
        ):
            if button in (window.send_button, window.stop_button):
                button.setToolTip(description)  # round icon buttons: the words in the tip
            else:
                button.setText(text)
                button.setToolTip(description)
            button.setAccessibleName(name)
            button.setAccessibleDescription(description)
        window.composer_box.hint.setText(
            translate("MainWindow", "Enter sends · Shift+Enter adds a line")
        )
        window.status_label.setAccessibleName(translate("MainWindow", "Status"))
        window.sidebar.setAccessibleName(translate("MainWindow", "Chats"))
        window.picker.setAccessibleName(translate("MainWindow", "Provider and model"))

    # -- commands done here ------------------------------------------------------------
    def focus_search(self) -> None:
        from PySide6.QtCore import Qt  # not before the first frame: see gui/widgets/theme.py

        search = self._window.sidebar.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def copy_reply(self) -> None:
        window = self._window
        text = window.view.last_reply_text()
        if text is None:
            window.show_status(translate("MainWindow", "No reply to copy yet."))
            return
        QGuiApplication.clipboard().setText(text)
        window.show_status(translate("MainWindow", "Copied the last reply."))

    def switch_version(self, step: int) -> None:
        """Alt+Left / Alt+Right: the focused message's version, or the lowest on screen."""
        window = self._window
        target = window.view.version_target()
        if target is None:
            window.show_status(translate("MainWindow", "No message here has other versions."))
            return
        version, versions = window.view.message_versions(target)
        if 1 <= version + step <= versions:
            window.version_requested.emit(target, step)
        elif step < 0:
            window.show_status(translate("MainWindow", "This is the first version."))
        else:
            window.show_status(translate("MainWindow", "This is the last version."))

    def show_shortcuts(self) -> None:
        window = self._window
        if window.shortcuts_dialog is None:
            from gui.widgets.shortcuts_dialog import ShortcutsDialog

            window.shortcuts_dialog = ShortcutsDialog(window.shortcut_actions(), window)
        dialog = window.shortcuts_dialog
        dialog.refresh()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def show_trash(self, items: Sequence[TrashItemLike]) -> None:
        """The trash window (non-modal), built on first use; refreshed while open."""
        window = self._window
        if window.trash_dialog is None:
            from gui.widgets.trash_dialog import TrashDialog

            window.trash_dialog = TrashDialog(window)
            window.trash_dialog.restore_requested.connect(window.trash_restore_requested)
            window.trash_dialog.purge_requested.connect(window.trash_purge_requested)
            window.trash_dialog.empty_requested.connect(window.trash_empty_requested)
        dialog = window.trash_dialog
        dialog.show_items(items)
        if not dialog.isVisible():
            dialog.show()
            dialog.raise_()
            dialog.activateWindow()

    def show_parameters(
        self,
        conversation_id: int,
        system_prompt: str,
        params: dict[str, Any],
        *,
        options: Collection[str] | None = None,
        context_default: int = 0,
    ) -> None:
        """The conversation's parameters in a dialog; OK emits `parameters_saved`."""
        from PySide6.QtCore import Qt

        from gui.widgets.parameters_dialog import ParametersDialog

        window = self._window
        dialog = ParametersDialog(
            system_prompt, dict(params), window, options=options, context_default=context_default
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def save() -> None:  # open(), not exec(): no nested event loop under qasync
            window.parameters_saved.emit(conversation_id, dialog.system_prompt(), dialog.params())

        dialog.accepted.connect(save)
        window.parameters_dialog = dialog
        dialog.open()

    def import_chat(self) -> None:
        window = self._window
        if not window.ready:  # still starting: nothing could take the chat yet
            return
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first used

        path, _chosen = QFileDialog.getOpenFileName(
            window,
            translate("MainWindow", "Import chat"),
            "",
            translate("MainWindow", "Chats and exports (*.json *.zip);;All files (*)"),
        )
        if path:
            window.import_requested.emit(path)

    def export_chat(self, conversation_id: int) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, chosen = QFileDialog.getSaveFileName(
            self._window,
            translate("MainWindow", "Export chat"),
            "chat.md",
            translate("MainWindow", "Markdown (*.md);;JSON (*.json);;HTML (*.html)"),
        )
        if path:
            kind = "json" if "JSON" in chosen else "html" if "HTML" in chosen else "md"
            self._window.export_requested.emit(conversation_id, path, kind)
