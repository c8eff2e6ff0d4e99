"""The main window: sidebar, provider picker, conversation view and composer.

It is built and shown before anything heavy is imported; `attach()` connects it to the
controller once that exists. Widgets here only emit intents and render signals.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.chat_view import ChatView
from gui.widgets.composer import Composer
from gui.widgets.conversation_list import ConversationList
from gui.widgets.provider_picker import ProviderPicker
from gui.widgets.theme import focus_style_sheet

if TYPE_CHECKING:  # and dialogs load when first opened, not at start-up
    from gui.controller import ChatController
    from gui.widgets.parameters_dialog import ParametersDialog
    from gui.widgets.shortcuts_dialog import ShortcutsDialog


class MainWindow(QMainWindow):
    #: the person closed the window or chose Quit: the app shuts down
    closing = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.resize(1100, 720)
        self.controller: ChatController | None = None
        self.open_settings: Callable[[], Any] | None = None
        self.parameters_dialog: ParametersDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        #: the fixed status line shown last and how to say it again in another language
        self._status: tuple[str, Callable[[], str]] | None = None

        self.sidebar = ConversationList()
        self.picker = ProviderPicker()
        self.parameters_button = QPushButton()
        self.settings_button = QPushButton()
        self.view = ChatView()
        self.composer = Composer()
        self.send_button = QPushButton()
        self.stop_button = QPushButton()
        self.stop_button.setEnabled(False)
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)

        top = QHBoxLayout()
        top.addWidget(self.picker, 1)
        top.addWidget(self.parameters_button)
        top.addWidget(self.settings_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.composer, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        bottom.addLayout(buttons)
        right = QWidget()
        column = QVBoxLayout(right)
        column.addLayout(top)
        column.addWidget(self.view, 1)
        column.addLayout(bottom)
        splitter = QSplitter()  # side by side
        splitter.addWidget(self.sidebar)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        self.setCentralWidget(splitter)
        self._make_actions()
        self._make_menus()
        self._set_tab_order()
        self.retranslate()
        self.set_dark(self.view.dark)
        self._set_enabled(False)
        self.composer.setFocus()

    def _make_actions(self) -> None:
        def action(
            shortcut: QKeySequence | QKeySequence.StandardKey | str,
            slot: Callable[[], Any],
            *more: str,
        ) -> QAction:
            act = QAction(self)
            sequences: list[QKeySequence] = []
            for key in (QKeySequence(shortcut), *(QKeySequence(key) for key in more)):
                if not key.isEmpty() and key not in sequences:
                    sequences.append(key)  # a platform may lack a standard key, or repeat one
            act.setShortcuts(sequences)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.new_action = action(QKeySequence.StandardKey.New, self.on_new)
        self.stop_action = action("Esc", self.on_stop)
        self.regenerate_action = action("Ctrl+R", self.on_regenerate)
        self.copy_reply_action = action("Ctrl+Shift+C", self.on_copy_reply)
        self.search_action = action(QKeySequence.StandardKey.Find, self.on_search_focus)
        self.focus_action = action("Ctrl+L", self.composer.setFocus)
        self.next_action = action("Ctrl+PgDown", lambda: self.sidebar.select_relative(1))
        self.previous_action = action("Ctrl+PgUp", lambda: self.sidebar.select_relative(-1))
        self.settings_action = action("Ctrl+,", self.on_settings)
        self.import_action = action("Ctrl+O", self.on_import)
        self.shortcuts_action = action(
            QKeySequence.StandardKey.HelpContents, self.on_show_shortcuts, "Ctrl+/"
        )
        self.quit_action = action("Ctrl+Q", self.close)

    def _make_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = QMenu(self)
        self.file_menu.addActions([self.new_action, self.import_action, self.settings_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.chat_menu = QMenu(self)
        self.chat_menu.addActions(
            [self.stop_action, self.regenerate_action, self.copy_reply_action]
        )
        self.go_menu = QMenu(self)
        self.go_menu.addActions(
            [self.search_action, self.focus_action, self.next_action, self.previous_action]
        )
        self.help_menu = QMenu(self)
        self.help_menu.addAction(self.shortcuts_action)
        for menu in (self.file_menu, self.chat_menu, self.go_menu, self.help_menu):
            bar.addMenu(menu)

    def shortcut_actions(self) -> list[QAction]:
        """The window's commands in the order the cheat sheet lists them."""
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
            self.sidebar.rename_action,
            self.sidebar.delete_action,
        ]

    def _set_tab_order(self) -> None:
        """Sidebar → provider and model → buttons → conversation → message → Send, Stop."""
        chain: list[QWidget] = [
            self.sidebar.new_button,
            self.sidebar.search,
            self.sidebar.list,
            self.picker.provider_box,
            self.picker.model_box,
            self.parameters_button,
            self.settings_button,
            self.view,
            self.composer,
            self.send_button,
            self.stop_button,
        ]
        for first, second in itertools.pairwise(chain):
            self.setTabOrder(first, second)

    def retranslate(self) -> None:
        """Every text the window holds, in the current language (LanguageChange)."""
        self.setWindowTitle(self.tr("Besedka"))
        self.setAccessibleName(self.tr("Besedka"))
        self.parameters_button.setText(self.tr("Parameters…"))
        self.parameters_button.setAccessibleName(self.tr("Conversation parameters"))
        self.parameters_button.setAccessibleDescription(
            self.tr("System prompt, temperature and reply length of this conversation")
        )
        self.settings_button.setText(self.tr("Settings…"))
        self.settings_button.setAccessibleName(self.tr("Settings"))
        self.settings_button.setAccessibleDescription(
            self.tr("Keys, addresses, proxy, language and theme")
        )
        self.send_button.setText(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.send_button.setAccessibleDescription(self.tr("Send the message (Enter)"))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop the reply"))
        self.stop_button.setAccessibleDescription(
            self.tr("Stop the reply that is streaming; its text so far is kept (Esc)")
        )
        self.status_label.setAccessibleName(self.tr("Status"))
        self.sidebar.setAccessibleName(self.tr("Chats"))
        self.picker.setAccessibleName(self.tr("Provider and model"))
        self.file_menu.setTitle(self.tr("&File"))
        self.chat_menu.setTitle(self.tr("&Chat"))
        self.go_menu.setTitle(self.tr("&Go"))
        self.help_menu.setTitle(self.tr("&Help"))
        for act, text, tip in (
            (self.new_action, self.tr("&New chat"), self.tr("Start a new conversation")),
            (self.stop_action, self.tr("&Stop"), self.tr("Stop the reply that is streaming")),
            (
                self.regenerate_action,
                self.tr("&Regenerate"),
                self.tr("Replace the last reply with a new one"),
            ),
            (
                self.copy_reply_action,
                self.tr("&Copy last reply"),
                self.tr("Copy the text of the newest reply"),
            ),
            (self.search_action, self.tr("&Search"), self.tr("Search all chats")),
            (
                self.focus_action,
                self.tr("&Message box"),
                self.tr("Move the cursor to the message box"),
            ),
            (self.next_action, self.tr("N&ext chat"), self.tr("Open the next conversation")),
            (
                self.previous_action,
                self.tr("&Previous chat"),
                self.tr("Open the previous conversation"),
            ),
            (self.settings_action, self.tr("Se&ttings…"), self.tr("Open the settings")),
            (
                self.import_action,
                self.tr("&Import chat…"),
                self.tr("Add a chat saved with Export as JSON"),
            ),
            (
                self.shortcuts_action,
                self.tr("&Keyboard shortcuts"),
                self.tr("List every keyboard shortcut"),
            ),
            (self.quit_action, self.tr("&Quit"), self.tr("Close Besedka")),
        ):
            act.setText(text)
            act.setStatusTip(tip)
            act.setToolTip(tip)
        if self._status is not None and self.status_label.text() == self._status[0]:
            self._show_status(self._status[1])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_dark(self, dark: bool) -> None:
        """Follow the theme: the view's colours and the focus frames."""
        self.view.set_dark(dark)
        sheet = focus_style_sheet(QGuiApplication.palette())
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)  # costly: every widget's style is recomputed

    def _show_status(self, text: Callable[[], str]) -> None:
        """A fixed status line that is said again when the language changes."""
        self._status = (text(), text)
        self.status_label.setText(self._status[0])

    def show_interrupted(self, count: int) -> None:
        """The start-up note about replies that a crash or a kill cut off."""
        self.status_label.setText(
            self.tr(
                "%n reply(s) were cut off when the app last closed; their text is kept.", "", count
            )
        )

    def _set_enabled(self, ready: bool) -> None:
        for widget in (self.send_button, self.parameters_button, self.settings_button):
            widget.setEnabled(ready)
        if not ready:
            self._show_status(lambda: self.tr("Starting…"))

    # -- wiring --------------------------------------------------------------------------
    def attach(self, controller: ChatController, *, provider: str, model: str) -> None:
        self.controller = controller
        self.sidebar.new_requested.connect(self.on_new)
        self.sidebar.selected.connect(controller.open_conversation)
        self.sidebar.hit_selected.connect(
            lambda conversation, message: controller.open_conversation(
                conversation, scroll_to=message
            )
        )
        self.sidebar.rename_requested.connect(controller.rename_conversation)
        self.sidebar.pin_requested.connect(controller.set_pinned)
        self.sidebar.delete_requested.connect(controller.delete_conversation)
        self.sidebar.export_requested.connect(self.on_export)
        self.sidebar.search_changed.connect(self.on_search)
        self.picker.changed.connect(self.on_picker_changed)
        self.picker.models_wanted.connect(controller.load_models)
        self.composer.submitted.connect(self.on_submitted)
        self.composer.refused.connect(self.status_label.setText)
        self.send_button.clicked.connect(self.composer.submit)
        self.stop_button.clicked.connect(self.on_stop)
        self.parameters_button.clicked.connect(self.on_parameters)
        self.settings_button.clicked.connect(self.on_settings)
        self.view.action_requested.connect(self.on_message_action)
        self.view.older_requested.connect(self.on_older_requested)
        controller.conversations_changed.connect(self.refresh_conversations)
        controller.conversation_opened.connect(self.on_conversation_opened)
        controller.older_loaded.connect(self.on_older_loaded)
        controller.scroll_requested.connect(self.view.scroll_to_message)
        controller.message_added.connect(self.view.append_message)
        controller.message_updated.connect(self.view.update_message)
        controller.message_removed.connect(self.view.remove_message)
        controller.reply_started.connect(self.on_reply_started)
        controller.reply_delta.connect(self.view.append_delta)
        controller.reply_finished.connect(self.on_reply_finished)
        controller.busy_changed.connect(self.on_busy_changed)
        controller.status.connect(self.status_label.setText)
        controller.models_loaded.connect(self.picker.set_models)
        self.picker.set_providers(controller.provider_infos())
        self.picker.select(provider, model)
        self._set_enabled(True)
        self._show_status(lambda: self.tr("Ready"))
        conversations = controller.conversations()
        self.sidebar.set_conversations(conversations, None)
        if conversations:
            controller.open_conversation(conversations[0].id)
        self.composer.setFocus()

    # -- slots ---------------------------------------------------------------------------
    def refresh_conversations(self) -> None:
        if self.controller is not None:
            self.sidebar.set_conversations(
                self.controller.conversations(), self.controller.current_id
            )

    def on_new(self) -> None:
        if self.controller is not None:
            self.controller.new_conversation()
            self.composer.setFocus()

    def on_submitted(self, text: str) -> None:
        if self.controller is None:
            return
        editing = self.composer.editing_message_id
        if editing is not None and self.view.has_message(editing):
            self.controller.edit_and_resend(editing, text)
        elif self.controller.send(text) is None:
            return  # kept in the composer: the history could not take it
        self.composer.editing_message_id = None
        self.composer.clear()

    def on_search_focus(self) -> None:
        self.sidebar.search.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.sidebar.search.selectAll()

    def on_copy_reply(self) -> None:
        text = self.view.last_reply_text()
        if text is None:
            self.status_label.setText(self.tr("No reply to copy yet."))
            return
        QGuiApplication.clipboard().setText(text)
        self.status_label.setText(self.tr("Copied the last reply."))

    def on_show_shortcuts(self) -> None:
        if self.shortcuts_dialog is None:
            from gui.widgets.shortcuts_dialog import ShortcutsDialog

            self.shortcuts_dialog = ShortcutsDialog(self.shortcut_actions(), self)
        self.shortcuts_dialog.refresh()
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()
        self.shortcuts_dialog.activateWindow()

    def on_stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def on_regenerate(self) -> None:
        if self.controller is not None:
            self.controller.regenerate()

    def on_search(self, text: str) -> None:
        if self.controller is None:
            return
        hits = self.controller.search(text) if text.strip() else []
        self.sidebar.set_search_results(hits, self.controller.current_id)

    def on_picker_changed(self, provider: str, model: str) -> None:
        if self.controller is not None:
            self.controller.set_provider(self.controller.current_id, provider, model)

    def on_conversation_opened(
        self, conversation: Any, messages: list[Any], has_older: bool
    ) -> None:
        self.view.set_messages(messages, has_older=has_older)
        self.picker.select(conversation.provider, conversation.model)
        self.refresh_conversations()
        self.composer.setFocus()

    def on_older_requested(self) -> None:
        ids = self.view.message_ids()
        if self.controller is not None and ids:
            self.controller.load_older(ids[0])

    def on_older_loaded(self, messages: list[Any], has_older: bool) -> None:
        self.view.prepend_messages(messages, has_older=has_older)

    def on_reply_started(self, message: Any) -> None:
        if self.controller is not None and message.conversation_id == self.controller.current_id:
            self.view.begin_reply(message)

    def on_reply_finished(self, message: Any) -> None:
        if self.controller is None or message.conversation_id != self.controller.current_id:
            return
        if self.view.has_message(message.id):  # not a reply deleted while it streamed
            self.view.update_message(message)
        self.composer.setFocus()

    def on_busy_changed(self, conversation_id: int, busy: bool) -> None:
        if self.controller is not None and conversation_id == self.controller.current_id:
            self.stop_button.setEnabled(busy)

    def on_message_action(self, action: str, message_id: int) -> None:
        if self.controller is None:
            return
        if action in ("regenerate", "retry"):
            self.controller.retry(message_id)
        elif action == "delete":
            self.controller.delete_message(message_id)
        elif action == "edit":
            self.composer.setPlainText(self.view.message_text(message_id))
            self.composer.editing_message_id = message_id
            self.composer.setFocus()
            self.status_label.setText(self.tr("Editing a message: Enter resends it"))

    def on_parameters(self) -> None:
        controller = self.controller
        if controller is None or controller.current_id is None:
            return
        conversation = controller.conversation(controller.current_id)
        from gui.widgets.parameters_dialog import ParametersDialog

        dialog = ParametersDialog(conversation.system_prompt, dict(conversation.params), self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)

        def save() -> None:  # open(), not exec(): no nested event loop under qasync
            controller.set_parameters(
                conversation.id, system_prompt=dialog.system_prompt(), params=dialog.params()
            )

        dialog.accepted.connect(save)
        self.parameters_dialog = dialog
        dialog.open()

    def on_settings(self) -> None:
        if self.open_settings is not None:
            self.open_settings()

    def on_import(self) -> None:
        if self.controller is None:
            return
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first used

        path, _chosen = QFileDialog.getOpenFileName(
            self, self.tr("Import chat"), "", self.tr("JSON (*.json)")
        )
        if path:
            self.status_label.setText(self.controller.import_chat(path))

    def on_export(self, conversation_id: int) -> None:
        if self.controller is None:
            return
        from PySide6.QtWidgets import QFileDialog

        path, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export chat"),
            "chat.md",
            self.tr("Markdown (*.md);;JSON (*.json);;HTML (*.html)"),
        )
        if path:
            kind = "json" if "JSON" in chosen else "html" if "HTML" in chosen else "md"
            self.status_label.setText(self.controller.export(conversation_id, path, kind))

    def picker_choice(self) -> tuple[str, str]:
        return self.picker.provider() or "gigachat", self.picker.model()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.accept()
        self.closing.emit()
