"""The main window: sidebar, provider picker, conversation view and composer.

It is built and shown before anything heavy is imported. It only emits intents (the
signals below) and renders what it is told (the methods under "rendering"); wiring.py
connects both to the controller. Bars and dialogs are built when first shown.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QPushButton, QWidget

from gui.widgets.backup_dialog import ask_backup_path
from gui.widgets.chat_view import ChatView, MessageLike
from gui.widgets.composer import Composer
from gui.widgets.conversation_list import ConversationLike, ConversationList
from gui.widgets.message_html import MESSAGE_INTENTS
from gui.widgets.provider_picker import ProviderPicker
from gui.widgets.style_sheet import window_style_sheet
from gui.widgets.view_actions import ViewActions
from gui.widgets.window_actions import WindowActions
from gui.widgets.window_layout import lay_out, paint_icons, set_tab_order

if TYPE_CHECKING:  # dialogs and bars load when first shown, not at start-up
    from gui.widgets.edit_banner import EditBanner
    from gui.widgets.parameters_dialog import ParametersDialog
    from gui.widgets.shortcuts_dialog import ShortcutsDialog
    from gui.widgets.trash_dialog import TrashDialog, TrashItemLike
    from gui.widgets.undo_bar import UndoBar


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
    #: a reply's own Regenerate or Retry link (any reply; a new sibling): message id
    retry_requested = Signal(int)
    #: a reply to go on from where it ends: message id
    continue_requested = Signal(int)
    #: another version of a message: message id, step (-1 previous, +1 next)
    version_requested = Signal(int, int)
    #: a new chat holding the path up to this message: message id
    fork_requested = Signal(int)
    message_delete_requested = Signal(int)
    #: this version of a message and everything under it: message id
    branch_delete_requested = Signal(int)
    #: the undo bar's button
    undo_requested = Signal()
    #: File → Trash…; and from the trash: restore, delete forever (conversation id), empty
    trash_requested = Signal()
    trash_restore_requested = Signal(int)
    trash_purge_requested = Signal(int)
    trash_empty_requested = Signal()
    #: the person scrolled to the top: the id of the first message shown
    older_requested = Signal(int)
    #: scrolled to the bottom of a page that does not end the path: the last id shown
    newer_requested = Signal(int)
    parameters_requested = Signal()
    #: conversation id, system prompt, params
    parameters_saved = Signal(int, str, dict)
    settings_requested = Signal()
    #: a JSON file to add as a chat
    import_requested = Signal(str)
    #: conversation id, file path, kind ("md", "json", "html")
    export_requested = Signal(int, str, str)
    #: the person zoomed the conversation text: percent, to remember
    zoom_changed = Signal(int)
    #: File → New chat with ▸ an assistant (its id); File → Assistants…
    assistant_chat_requested = Signal(str)
    assistants_requested = Signal()
    #: File → Back up everything…: the .zip file to write
    backup_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.resize(1100, 720)
        self.parameters_dialog: ParametersDialog | None = None
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.trash_dialog: TrashDialog | None = None
        self.undo_bar: UndoBar | None = None
        self.edit_banner: EditBanner | None = None
        self._resending = False
        self._icons_shown = False
        #: wired to a controller (`set_ready`): the buttons work
        self.ready = False
        #: the fixed status line shown last and how to say it again in another language
        self._status: tuple[str, Callable[[], str]] | None = None

        self.sidebar = ConversationList()
        self.picker = ProviderPicker()
        self.parameters_button = QPushButton()
        self.settings_button = QPushButton()
        self.view = ChatView()
        self.picker.labels_changed.connect(self.view.set_labels)  # the replies' headings
        self.composer = Composer()
        self.send_button = QPushButton()
        self.stop_button = QPushButton()
        self.stop_button.setEnabled(False)
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)

        self.conversation_stack, self.conversation_column, self.composer_box = lay_out(self)
        self.commands = WindowActions(self)
        self.view_commands = ViewActions(self)
        self.menuBar().insertMenu(self.commands.go_menu.menuAction(), self.view_commands.menu)
        self._connect()
        set_tab_order(self)
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
            (commands.copy_reply_action, commands.copy_reply),
            (commands.previous_version_action, lambda: commands.switch_version(-1)),
            (commands.next_version_action, lambda: commands.switch_version(1)),
            (commands.trash_action, self.trash_requested),
            (commands.search_action, commands.focus_search),
            (commands.focus_action, self.composer.setFocus),
            (commands.next_action, lambda: self.sidebar.select_relative(1)),
            (commands.previous_action, lambda: self.sidebar.select_relative(-1)),
            (commands.settings_action, self.settings_requested),
            (commands.import_action, commands.import_chat),
            (commands.assistants_action, self.assistants_requested),
            (commands.backup_action, lambda: ask_backup_path(self)),
            (commands.shortcuts_action, commands.show_shortcuts),
            (commands.quit_action, self.close),
        ):
            act.triggered.connect(slot)
        self.sidebar.new_requested.connect(self._on_new)
        self.sidebar.export_requested.connect(commands.export_chat)
        self.composer.submitted.connect(self._on_submitted)
        self.composer.refused.connect(self.show_status)
        self.composer.cancel_requested.connect(self.cancel_edit)
        self.send_button.clicked.connect(self.composer.submit)
        self.stop_button.clicked.connect(self.stop_requested)
        self.parameters_button.clicked.connect(self.parameters_requested)
        self.settings_button.clicked.connect(self.settings_requested)
        self.view.action_requested.connect(self._on_message_action)
        self.view.older_requested.connect(lambda: self._on_edge_reached(True))
        self.view.newer_requested.connect(lambda: self._on_edge_reached(False))

    def shortcut_actions(self) -> list[QAction]:
        """The window's commands in the order the cheat sheet lists them."""
        return [
            *self.commands.in_cheat_sheet_order(),
            *self.view_commands.actions(),
            self.sidebar.rename_action,
            self.sidebar.delete_action,
            self.sidebar.move_action,
        ]

    def _add_bar(self, bar: QWidget, index: int) -> None:
        """A bar between the view and the message box; its button joins the tab chain."""
        self.conversation_column.insertWidget(index, bar)
        buttons = [b.button for b in (self.undo_bar, self.edit_banner) if b is not None]
        for first, second in itertools.pairwise([self.view, *buttons, self.composer]):
            self.setTabOrder(first, second)

    def retranslate(self) -> None:
        """Every text the window holds, in the current language (LanguageChange)."""
        self.commands.retranslate()  # the menus, the buttons and the window's names
        self.view_commands.retranslate()
        if self._status is not None and self.status_label.text() == self._status[0]:
            self._show_status(self._status[1])

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_dark(self, dark: bool) -> None:
        """Follow the theme: the view's colours, the window's sheet and its icons."""
        self.view.set_dark(dark)
        sheet = window_style_sheet(dark)
        if sheet != self.styleSheet():
            self.setStyleSheet(sheet)  # costly: every widget's style is recomputed
        if self._icons_shown:
            paint_icons(self, dark)

    def set_assistants(self, items: list[tuple[str, str, str]]) -> None:  # (id, icon, name)
        self.commands.fill_assistants(items)

    def set_zoom(self, percent: int) -> None:  # as remembered; 100 is the usual size
        self.view_commands.set_zoom(percent)

    def show_icons(self) -> None:
        """Draw the buttons' icons: after the first frame (drawing them loads QtSvg)."""
        self._icons_shown = True
        paint_icons(self, self.view.dark)

    def closeEvent(self, event: QCloseEvent) -> None:
        event.accept()
        self.closing.emit()

    # -- what the window does itself ----------------------------------------------------
    def _on_new(self) -> None:
        self.new_chat_requested.emit()
        self.composer.setFocus()

    def _on_submitted(self, text: str) -> None:
        self.setUpdatesEnabled(False)  # the request goes before a repaint (begin_reply)
        QTimer.singleShot(20, self, lambda: self.setUpdatesEnabled(True))
        editing = self.composer.editing_message_id
        if editing is not None and self.view.has_message(editing):
            self._resending = True  # the new version shown meanwhile does not end the edit
            self.edit_submitted.emit(editing, text)
            self._resending = False
        else:
            self.message_submitted.emit(text)

    def _on_message_action(self, action: str, message_id: int) -> None:
        if action in ("previous", "next"):
            self.version_requested.emit(message_id, -1 if action == "previous" else 1)
        elif action == "edit":
            self.start_edit(message_id)
        elif action in MESSAGE_INTENTS:
            getattr(self, MESSAGE_INTENTS[action]).emit(message_id)

    def start_edit(self, message_id: int) -> None:
        """The composer takes the message's text; the banner says what is edited."""
        text = self.view.message_text(message_id)
        self.composer.start_editing(message_id, text)
        if self.edit_banner is None:
            from gui.widgets.edit_banner import EditBanner

            self.edit_banner = EditBanner()
            self.edit_banner.cancel_requested.connect(self.cancel_edit)
            self._add_bar(
                self.edit_banner, self.conversation_column.count() - 1
            )  # above the composer
        self.edit_banner.show_message(text)
        self.composer.setFocus()

    def cancel_edit(self) -> None:
        """Esc or Cancel: the banner goes and the draft typed before comes back."""
        self._end_edit()
        self.composer.setFocus()

    def _end_edit(self) -> None:
        self.composer.stop_editing()
        if self.edit_banner is not None:
            self.edit_banner.hide()

    def _on_edge_reached(self, top: bool) -> None:
        if ids := self.view.message_ids():  # scrolled to the top (bottom): first (last) id
            (self.older_requested if top else self.newer_requested).emit(ids[0 if top else -1])

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
        self,
        provider: str,
        model: str,
        messages: Sequence[MessageLike],
        has_older: bool,
        *,
        has_newer: bool = False,
        anchor: int | None = None,
    ) -> None:
        """A page of a chat's path (at its end, or `anchor` near the top) and its provider
        and model; a switch made in the view keeps the keyboard there."""
        in_view = anchor is not None and self.view.hasFocus()
        self.view.set_messages(messages, has_older=has_older, has_newer=has_newer, anchor=anchor)
        self.picker.select(provider, model)
        editing = self.composer.editing_message_id
        if editing is not None and not self._resending and not self.view.has_message(editing):
            self._end_edit()  # another chat, or the edited message is gone
        if not in_view:
            self.composer.setFocus()

    def clear_conversation(self) -> None:
        """The open chat went and none is left: an empty view."""
        self.view.set_messages([])
        self._end_edit()

    def show_older(self, messages: list[MessageLike], has_older: bool) -> None:
        self.view.prepend_messages(messages, has_older=has_older)

    def show_newer(self, messages: Sequence[MessageLike], has_newer: bool) -> None:
        self.view.append_page(messages, has_newer=has_newer)

    def show_undo(self, text: str) -> None:
        """ "<text>  [Undo]" above the message box for a few seconds."""
        if self.undo_bar is None:
            from gui.widgets.undo_bar import UndoBar

            self.undo_bar = UndoBar()
            self.undo_bar.undo_requested.connect(self.undo_requested)
            self._add_bar(self.undo_bar, 2)  # under the view, above the edit banner
        self.undo_bar.show_message(text)

    def hide_undo(self) -> None:
        if self.undo_bar is not None:
            self.undo_bar.dismiss()

    def show_trash(self, items: Sequence[TrashItemLike]) -> None:
        """The deleted chats in the trash window (non-modal); refreshed if it is open."""
        self.commands.show_trash(items)

    def trash_shown(self) -> bool:
        return self.trash_dialog is not None and self.trash_dialog.isVisible()

    def begin_reply(self, message: MessageLike) -> None:
        """The reply starts (its first chunk, or a frame after Send): paint, and follow."""
        self.setUpdatesEnabled(True)
        self.view.follow()
        self.view.begin_reply(message)

    def append_delta(self, message_id: int, text: str) -> None:
        self.view.append_delta(message_id, text)

    def append_reasoning(self, message_id: int, text: str) -> None:
        self.view.append_reasoning(message_id, text)

    def show_retrying(self, seconds: float) -> None:
        """The reply waits before it is tried again (a rate limit, a busy server)."""
        wait = max(1, math.ceil(seconds))
        self._show_status(lambda: self.tr("Retrying in {0} s…").format(wait))

    def finish_reply(self, message: MessageLike) -> None:
        if self.view.has_message(message.id):  # not a reply deleted while it streamed
            self.view.update_message(message)
        self.composer.setFocus()

    def set_busy(self, busy: bool) -> None:
        """The open conversation streams (Send has become Stop) or not."""
        self.stop_button.setEnabled(busy)
        refocus = self.send_button.hasFocus() or self.stop_button.hasFocus()
        self.send_button.setVisible(not busy)
        self.stop_button.setVisible(busy)
        if refocus:
            (self.stop_button if busy else self.send_button).setFocus()

    def message_sent(self) -> None:
        """The message was taken: the composer empties (after an edit, the draft comes back)."""
        if self.composer.editing_message_id is not None:
            self._end_edit()
        else:
            self.composer.clear()

    def show_parameters(
        self, conversation_id: int, system_prompt: str, params: dict[str, Any], **offers: Any
    ) -> None:
        """The conversation's parameters in a dialog; OK emits `parameters_saved`."""
        self.commands.show_parameters(conversation_id, system_prompt, params, **offers)
