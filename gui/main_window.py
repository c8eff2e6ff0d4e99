"""The main window: sidebar, provider picker, conversation view and composer.

It is built and shown before anything heavy is imported; `attach()` connects it to the
controller once that exists. Widgets here only emit intents and render signals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui.chat_view import ChatView
from gui.composer import Composer
from gui.conversation_list import ConversationList
from gui.parameters_dialog import ParametersDialog
from gui.provider_picker import ProviderPicker

if TYPE_CHECKING:
    from gui.controller import ChatController


class MainWindow(QMainWindow):
    #: the person closed the window or chose Quit: the app shuts down
    closing = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Besedka")
        self.setObjectName("mainWindow")
        self.resize(1100, 720)
        self.controller: ChatController | None = None
        self.open_settings: Callable[[], Any] | None = None

        self.sidebar = ConversationList()
        self.picker = ProviderPicker()
        self.parameters_button = QPushButton(self.tr("Parameters…"))
        self.parameters_button.setAccessibleName(self.tr("Conversation parameters"))
        self.settings_button = QPushButton(self.tr("Settings…"))
        self.settings_button.setAccessibleName(self.tr("Settings"))
        self.view = ChatView()
        self.composer = Composer()
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setAccessibleName(self.tr("Send message"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop the reply"))
        self.stop_button.setEnabled(False)
        self.status_label = QLabel()
        self.status_label.setAccessibleName(self.tr("Status"))
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
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.sidebar)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        self.setCentralWidget(splitter)
        self._make_actions()
        self._set_enabled(False)
        self.composer.setFocus()

    def _make_actions(self) -> None:
        def action(
            text: str,
            shortcut: QKeySequence | QKeySequence.StandardKey | str,
            slot: Callable[[], Any],
        ) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.new_action = action(self.tr("New chat"), QKeySequence.StandardKey.New, self.on_new)
        self.stop_action = action(self.tr("Stop"), "Esc", self.on_stop)
        self.regenerate_action = action(self.tr("Regenerate"), "Ctrl+R", self.on_regenerate)
        self.search_action = action(
            self.tr("Search"), QKeySequence.StandardKey.Find, self.sidebar.search.setFocus
        )
        self.focus_action = action(self.tr("Focus composer"), "Ctrl+L", self.composer.setFocus)
        self.next_action = action(
            self.tr("Next chat"), "Ctrl+PgDown", lambda: self.sidebar.select_relative(1)
        )
        self.previous_action = action(
            self.tr("Previous chat"), "Ctrl+PgUp", lambda: self.sidebar.select_relative(-1)
        )
        self.settings_action = action(self.tr("Settings"), "Ctrl+,", self.on_settings)
        self.quit_action = action(self.tr("Quit"), QKeySequence.StandardKey.Quit, self.close)

    def _set_enabled(self, ready: bool) -> None:
        for widget in (self.send_button, self.parameters_button, self.settings_button):
            widget.setEnabled(ready)
        if not ready:
            self.status_label.setText(self.tr("Starting…"))

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
        self.status_label.setText(self.tr("Ready"))
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
        self.composer.editing_message_id = None
        self.composer.clear()
        if editing is not None and self.view.has_message(editing):
            self.controller.edit_and_resend(editing, text)
        else:
            self.controller.send(text)

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
        if self.controller is not None and message.conversation_id == self.controller.current_id:
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
        dialog = ParametersDialog(conversation.system_prompt, dict(conversation.params), self)
        if dialog.exec():
            controller.set_parameters(
                conversation.id, system_prompt=dialog.system_prompt(), params=dialog.params()
            )

    def on_settings(self) -> None:
        if self.open_settings is not None:
            self.open_settings()

    def on_export(self, conversation_id: int) -> None:
        if self.controller is None:
            return
        path, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export chat"),
            "chat.md",
            self.tr("Markdown (*.md);;JSON (*.json);;HTML (*.html)"),
        )
        if path:
            kind = "json" if "JSON" in chosen else "html" if "HTML" in chosen else "md"
            self.controller.export(conversation_id, path, kind)
            self.status_label.setText(self.tr("Exported to {0}").format(path))

    def picker_choice(self) -> tuple[str, str]:
        return self.picker.provider() or "gigachat", self.picker.model()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.accept()
        self.closing.emit()
