"""The main window: sidebar, provider picker, conversation view and composer.

It is built and shown before anything heavy is imported. It only emits intents (the
signals below) and renders what it is told (the methods under "rendering");
gui/wiring.py connects both to the controller once that exists.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.chat_view import ChatView, MessageLike
from gui.widgets.composer import Composer
from gui.widgets.conversation_list import ConversationLike, ConversationList
from gui.widgets.provider_picker import ProviderPicker
from gui.widgets.theme import focus_style_sheet
from gui.widgets.window_actions import WindowActions

if TYPE_CHECKING:  # dialogs load when first opened, not at start-up
    from gui.widgets.parameters_dialog import ParametersDialog
    from gui.widgets.shortcuts_dialog import ShortcutsDialog


class MainWindow(QMainWindow):
    #: the person closed the window or chose Quit: the app shuts down
    closing = Signal()
    new_chat_requested = Signal()
    #: a new message to send (stripped, within the limit)
    message_submitted = Signal(str)
    #: an edited message of the person: message id, new text
    edit_submitted = Signal(int, str)
    stop_requested = Signal()
    #: the newest reply of the open chat again
    regenerate_requested = Signal()
    #: a reply's own Regenerate or Retry link: message id
    retry_requested = Signal(int)
    message_delete_requested = Signal(int)
    #: the person scrolled to the top: the id of the first message shown
    older_requested = Signal(int)
    parameters_requested = Signal()
    #: conversation id, system prompt, params
    parameters_saved = Signal(int, str, dict)
    settings_requested = Signal()
    #: a JSON file to add as a chat
    import_requested = Signal(str)
    #: conversation id, file path, kind ("md", "json", "html")
    export_requested = Signal(int, str, str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.resize(1100, 720)
        self.parameters_dialog: ParametersDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        #: wired to a controller (`set_ready`): the buttons work
        self.ready = False
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
        self.commands = WindowActions(self)
        self._connect()
        self._set_tab_order()
        self.retranslate()
        self.set_dark(self.view.dark)
        for widget in (self.send_button, self.parameters_button, self.settings_button):
            widget.setEnabled(False)
        self._show_status(lambda: self.tr("Starting…"))
        self.composer.setFocus()

    def _connect(self) -> None:
        """The window's own widgets to its intents and to what it does itself."""
        commands = self.commands
        for act, slot in (
            (commands.new_action, self._on_new),
            (commands.stop_action, self.stop_requested),
            (commands.regenerate_action, self.regenerate_requested),
            (commands.copy_reply_action, self.on_copy_reply),
            (commands.search_action, self.on_search_focus),
            (commands.focus_action, self.composer.setFocus),
            (commands.next_action, lambda: self.sidebar.select_relative(1)),
            (commands.previous_action, lambda: self.sidebar.select_relative(-1)),
            (commands.settings_action, self.settings_requested),
            (commands.import_action, self.on_import),
            (commands.shortcuts_action, self.on_show_shortcuts),
            (commands.quit_action, self.close),
        ):
            act.triggered.connect(slot)
        self.sidebar.new_requested.connect(self._on_new)
        self.sidebar.export_requested.connect(self.on_export)
        self.composer.submitted.connect(self._on_submitted)
        self.composer.refused.connect(self.show_status)
        self.send_button.clicked.connect(self.composer.submit)
        self.stop_button.clicked.connect(self.stop_requested)
        self.parameters_button.clicked.connect(self.parameters_requested)
        self.settings_button.clicked.connect(self.settings_requested)
        self.view.action_requested.connect(self._on_message_action)
        self.view.older_requested.connect(self._on_older_wanted)

    def shortcut_actions(self) -> list[QAction]:
        """The window's commands in the order the cheat sheet lists them."""
        return [
            *self.commands.in_cheat_sheet_order(),
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
        self.commands.retranslate()
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

    def closeEvent(self, event: QCloseEvent) -> None:
        event.accept()
        self.closing.emit()

    # -- what the window does itself ----------------------------------------------------
    def _on_new(self) -> None:
        self.new_chat_requested.emit()
        self.composer.setFocus()

    def _on_submitted(self, text: str) -> None:
        editing = self.composer.editing_message_id
        if editing is not None and self.view.has_message(editing):
            self.edit_submitted.emit(editing, text)
        else:
            self.message_submitted.emit(text)

    def _on_message_action(self, action: str, message_id: int) -> None:
        if action in ("regenerate", "retry"):
            self.retry_requested.emit(message_id)
        elif action == "delete":
            self.message_delete_requested.emit(message_id)
        elif action == "edit":
            self.composer.setPlainText(self.view.message_text(message_id))
            self.composer.editing_message_id = message_id
            self.composer.setFocus()
            self.show_status(self.tr("Editing a message: Enter resends it"))

    def _on_older_wanted(self) -> None:
        ids = self.view.message_ids()
        if ids:
            self.older_requested.emit(ids[0])

    def on_search_focus(self) -> None:
        from PySide6.QtCore import Qt  # not before the first frame: see gui/widgets/theme.py

        self.sidebar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.sidebar.search.selectAll()

    def on_copy_reply(self) -> None:
        text = self.view.last_reply_text()
        if text is None:
            self.show_status(self.tr("No reply to copy yet."))
            return
        QGuiApplication.clipboard().setText(text)
        self.show_status(self.tr("Copied the last reply."))

    def on_show_shortcuts(self) -> None:
        if self.shortcuts_dialog is None:
            from gui.widgets.shortcuts_dialog import ShortcutsDialog

            self.shortcuts_dialog = ShortcutsDialog(self.shortcut_actions(), self)
        self.shortcuts_dialog.refresh()
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()
        self.shortcuts_dialog.activateWindow()

    def on_import(self) -> None:
        if not self.ready:  # still starting: nothing could take the chat yet
            return
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first used

        path, _chosen = QFileDialog.getOpenFileName(
            self, self.tr("Import chat"), "", self.tr("JSON (*.json)")
        )
        if path:
            self.import_requested.emit(path)

    def on_export(self, conversation_id: int) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export chat"),
            "chat.md",
            self.tr("Markdown (*.md);;JSON (*.json);;HTML (*.html)"),
        )
        if path:
            kind = "json" if "JSON" in chosen else "html" if "HTML" in chosen else "md"
            self.export_requested.emit(conversation_id, path, kind)

    # -- rendering: what the wiring tells the window -------------------------------------
    def _show_status(self, text: Callable[[], str]) -> None:
        """A fixed status line that is said again when the language changes."""
        self._status = (text(), text)
        self.status_label.setText(self._status[0])

    def show_status(self, text: str) -> None:
        """One line for the status bar, as given."""
        self.status_label.setText(text)

    def set_ready(self) -> None:
        """The controller is there: the buttons work."""
        self.ready = True
        for widget in (self.send_button, self.parameters_button, self.settings_button):
            widget.setEnabled(True)
        self._show_status(lambda: self.tr("Ready"))
        self.composer.setFocus()

    def show_interrupted(self, count: int) -> None:
        """The start-up note about replies that a crash or a kill cut off."""
        self.status_label.setText(
            self.tr(
                "%n reply(s) were cut off when the app last closed; their text is kept.", "", count
            )
        )

    def set_conversations(
        self, conversations: Sequence[ConversationLike], current: int | None
    ) -> None:
        self.sidebar.set_conversations(conversations, current)

    def show_conversation(
        self, provider: str, model: str, messages: Sequence[MessageLike], has_older: bool
    ) -> None:
        """An opened conversation: its messages, and its provider and model in the picker."""
        self.view.set_messages(messages, has_older=has_older)
        self.picker.select(provider, model)
        self.composer.setFocus()

    def show_older(self, messages: list[MessageLike], has_older: bool) -> None:
        self.view.prepend_messages(messages, has_older=has_older)

    def begin_reply(self, message: MessageLike) -> None:
        self.view.begin_reply(message)

    def append_delta(self, message_id: int, text: str) -> None:
        self.view.append_delta(message_id, text)

    def finish_reply(self, message: MessageLike) -> None:
        if self.view.has_message(message.id):  # not a reply deleted while it streamed
            self.view.update_message(message)
        self.composer.setFocus()

    def set_busy(self, busy: bool) -> None:
        """The open conversation streams (Stop works) or not."""
        self.stop_button.setEnabled(busy)

    def message_sent(self) -> None:
        """The message was taken: the composer empties and stops editing."""
        self.composer.editing_message_id = None
        self.composer.clear()

    def show_parameters(
        self, conversation_id: int, system_prompt: str, params: dict[str, Any]
    ) -> None:
        """The conversation's parameters in a dialog; OK emits `parameters_saved`."""
        from PySide6.QtCore import Qt

        from gui.widgets.parameters_dialog import ParametersDialog

        dialog = ParametersDialog(system_prompt, dict(params), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def save() -> None:  # open(), not exec(): no nested event loop under qasync
            self.parameters_saved.emit(conversation_id, dialog.system_prompt(), dialog.params())

        dialog.accepted.connect(save)
        self.parameters_dialog = dialog
        dialog.open()
