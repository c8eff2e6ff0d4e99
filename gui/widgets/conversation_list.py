"""The sidebar: new chat, a new folder, search (in every chat or one folder's), then the
folders (each open one with its chats), the pinned chats and the rest, newest first."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QPoint, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.folder_rows import (
    FOLDER_ROLE,
    ID_ROLE,
    KIND_ROLE,
    MESSAGE_ROLE,
    SNIPPET_ROLE,
    TITLE_ROLE,
    FolderLike,
    FolderList,
    Row,
    date_group,
    folder_of,
    group_of,
    plan,
)

if TYPE_CHECKING:
    from gui.widgets.row_menu import RowMenuButton

# This module is imported and its widget built before the window's first paint, so it
# never names `Qt` then (its first use costs 13 ms, see gui/widgets/theme.py): roles are plain
# numbers (gui/widgets/folder_rows.py), enum settings go through Qt's property system by
# name, and shortcuts are set with `setShortcuts` (`setShortcut`'s overloads build `Qt`).
__all__ = ["FILL_ROWS", "ID_ROLE", "KIND_ROLE", "ConversationList", "date_group"]

#: Chats (or folders) added per loop turn when the list is filled (about 3 ms).
FILL_ROWS = 200


class ConversationLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def pinned(self) -> bool: ...


class SearchHitLike(Protocol):
    @property
    def conversation_id(self) -> int: ...
    @property
    def message_id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def snippet(self) -> str: ...


class ConversationList(QWidget):
    new_requested = Signal()
    selected = Signal(int)
    #: conversation id, message id to scroll to
    hit_selected = Signal(int, int)
    rename_requested = Signal(int, str)
    pin_requested = Signal(int, bool)
    delete_requested = Signal(int)
    export_requested = Signal(int)
    search_changed = Signal(str)
    #: a folder's name, and the chat to put in it (0: none)
    folder_new_requested = Signal(str, int)
    folder_rename_requested = Signal(int, str)
    #: the folder goes; its chats stay, at the top level
    folder_delete_requested = Signal(int)
    #: folder id, closed (remembered)
    folder_collapse_requested = Signal(int, bool)
    #: conversation id, folder id (0: out of its folder)
    move_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new_button = QPushButton()
        self.folder_button = QToolButton()
        self.folder_button.setObjectName("headerButton")  # the sheet's flat button
        self.folder_button.setText("+")
        # Out of the Tab chain, as the rows' "⋯" is: from the keyboard, a chat's menu
        # (Move to folder ▸ New folder…) or a folder's menu makes one.
        self.folder_button.setProperty("focusPolicy", "NoFocus")
        self.search = QLineEdit()
        self.search.setObjectName("searchField")
        self.search.setClearButtonEnabled(True)
        #: shown while a search is limited to one folder; a click searches everywhere
        self.scope_button = QToolButton()
        self.scope_button.setObjectName("headerButton")
        self.scope_button.hide()
        self.list = FolderList()
        self.list.setObjectName("conversationList")
        self.list.setProperty("contextMenuPolicy", "CustomContextMenu")
        # One line per chat, elided with "…" (the whole title is the tooltip); never a
        # horizontal scroll bar.
        self.list.setProperty("horizontalScrollBarPolicy", "ScrollBarAlwaysOff")
        self.list.setProperty("textElideMode", "ElideRight")
        self.list.setWordWrap(False)
        # Keyboard equivalents of the context menu, active while the list has focus.
        self.rename_action = QAction(self.list)
        self.rename_action.setShortcuts([QKeySequence("F2")])
        self.rename_action.triggered.connect(lambda: self._act("rename"))
        self.delete_action = QAction(self.list)
        self.delete_action.setShortcuts([QKeySequence("Del")])
        self.delete_action.triggered.connect(lambda: self._act("delete"))
        self.move_action = QAction(self.list)
        self.move_action.setShortcuts([QKeySequence("Ctrl+Shift+M")])
        self.move_action.triggered.connect(lambda: self._act("move"))
        for action in (self.rename_action, self.delete_action, self.move_action):
            action.setProperty("shortcutContext", "WidgetShortcut")  # while the list has focus
            self.list.addAction(action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.new_button, 1)
        top.addWidget(self.folder_button)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addWidget(self.scope_button)
        layout.addWidget(self.list)
        self.new_button.clicked.connect(self.new_requested)
        self.folder_button.clicked.connect(lambda: self._act("new"))
        self.scope_button.clicked.connect(lambda: self.set_search_folder(None))
        self.search.textChanged.connect(self.search_changed)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.list.customContextMenuRequested.connect(self._on_context_menu)
        self.list.move_requested.connect(self.move_requested)
        self.list.collapse_requested.connect(self.folder_collapse_requested)
        self._updating = False
        self._hit_delegate: QStyledItemDelegate | None = None
        self._folder_delegate: QStyledItemDelegate | None = None
        self._generation = 0  # of list fills: a later one stops an earlier one's chunks
        #: the "⋯" on the hovered row, made with the first rows (not at start-up)
        self.row_menu: RowMenuButton | None = None
        self._conversations: list[ConversationLike] = []
        #: the folders, in their order (`set_folders`)
        self.folders: list[FolderLike] = []
        self._scope: int | None = None
        self._icon_colour = ""
        self.setTabOrder(self.new_button, self.search)
        self.setTabOrder(self.search, self.scope_button)  # while a search keeps to a folder
        self.setTabOrder(self.scope_button, self.list)
        self.retranslate()

    def retranslate(self) -> None:
        self.new_button.setText(self.tr("New chat"))
        self.new_button.setAccessibleName(self.tr("New chat"))
        self.new_button.setAccessibleDescription(self.tr("Start a new conversation"))
        self.folder_button.setToolTip(self.tr("New folder"))
        self.folder_button.setAccessibleName(self.tr("New folder"))
        self.folder_button.setAccessibleDescription(self.tr("Make a folder for chats"))
        self._show_scope()
        self.search.setAccessibleName(self.tr("Search all chats"))
        self.search.setAccessibleDescription(
            self.tr("Type to find messages in every conversation; the list shows the hits")
        )
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setAccessibleDescription(
            self.tr(
                "Folders, pinned, then newest. Arrow keys open a conversation; F2 renames it,"
                " Delete removes it, Ctrl+Shift+M moves it to a folder, the context menu key"
                " shows more. On a folder, Enter opens or closes it."
            )
        )
        if self.row_menu is not None:
            self.row_menu.retranslate()
        self.rename_action.setText(self.tr("Rename chat"))
        self.delete_action.setText(self.tr("Delete chat"))
        self.move_action.setText(self.tr("Move to folder…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self.search.text().strip():
                self.search_changed.emit(self.search.text())  # the window searches again
            else:
                self._fill_conversations(self.current_id())
        super().changeEvent(event)

    # -- folders -----------------------------------------------------------------------
    def set_folders(self, folders: Sequence[FolderLike]) -> None:
        """The folders the next fill shows (the wiring calls it before `set_conversations`)."""
        self.folders = list(folders)
        if self._scope is not None and self.folder(self._scope) is None:
            self.set_search_folder(None)  # its folder went

    def folder(self, folder_id: int) -> FolderLike | None:
        return next((f for f in self.folders if f.id == folder_id), None)

    def folder_of_chat(self, conversation_id: int) -> int | None:
        return folder_of(self.conversation(conversation_id))

    def search_folder(self) -> int | None:
        """The folder a search is limited to (None: every chat)."""
        return self._scope

    def set_search_folder(self, folder_id: int | None) -> None:
        """Search only this folder's chats (None: all of them); the search runs again."""
        self._scope = folder_id
        self._show_scope()
        if folder_id is not None:
            self.search.setFocus()
        if self.search.text().strip():
            self.search_changed.emit(self.search.text())

    def _show_scope(self) -> None:
        folder = self.folder(self._scope) if self._scope is not None else None
        if folder is None:
            self.search.setPlaceholderText(self.tr("Search all chats"))
            self.scope_button.hide()
            return
        self.search.setPlaceholderText(self.tr("Search in “{0}”").format(folder.name))
        self.scope_button.setText(self.tr("In “{0}” ✕").format(folder.name))
        self.scope_button.setToolTip(self.tr("Search every chat again"))
        self.scope_button.setAccessibleDescription(self.tr("Search every chat again"))
        self.scope_button.setAccessibleName(
            self.tr("Searching in the folder “{0}”; press to search every chat").format(folder.name)
        )
        self.scope_button.show()

    # -- filling the list --------------------------------------------------------------
    def set_conversations(
        self, conversations: Sequence[ConversationLike], current: int | None
    ) -> None:
        self._conversations = list(conversations)
        if self.search.text().strip():
            return  # results stay until the search is cleared
        self._fill_conversations(current)

    def _fill_conversations(self, current: int | None) -> None:
        """The list anew: the first FILL_ROWS rows now (what shows), the rest a chunk per
        loop turn, so a history of thousands of chats never holds the window. A folder
        row that had the focus keeps it (opening one from the keyboard), and the list
        stays where it was scrolled."""
        self._generation += 1
        item = self.list.currentItem()
        keep = item.data(FOLDER_ROLE) if item is not None else None
        keep_folder = keep if item is not None and item.data(KIND_ROLE) == "folder" else None
        scrolled = self.list.verticalScrollBar().value()
        self._updating = True
        try:
            # No current row first: clear() with one costs 7 ms for 2,000 rows, 2 without.
            self.list.selectionModel().clearSelection()
            self.list.selectionModel().clearCurrentIndex()
            self.list.clear()
            if self._folder_delegate is not None:
                self.list.setItemDelegate(self._folder_delegate)
        finally:
            self._updating = False
        self.list.row_sizes = {}  # measured anew: the theme or the language may have changed
        rows = plan(self._conversations, self.folders, group_of)
        self._fill_from(rows, current, keep_folder, self._generation)
        self.list.verticalScrollBar().setValue(scrolled)

    def _fill_from(self, rows: Iterator[Row], current: int | None, keep: object, run: int) -> None:
        if run != self._generation:
            return  # a newer fill began
        from gui.widgets import folder_fill, icons  # after the first frame: chats come later

        self._updating = True
        try:
            muted = self.palette().color(self.palette().ColorRole.PlaceholderText)
            if self.row_menu is None:
                self._first_fill()
            text = self.list.palette().color(self.palette().ColorRole.Text)
            if text.name() != self._icon_colour:  # the theme changed (or the first fill)
                self._icon_colour = text.name()
                self.folder_button.setIcon(folder_fill.folder_icon(text))
            pin = icons.icon("pin", muted)
            more = folder_fill.fill_chunk(
                self.list, rows, FILL_ROWS, current, keep, pin, self.list.row_sizes
            )
        finally:
            self._updating = False
        if more:
            later = lambda: self._fill_from(rows, current, keep, run)  # noqa: E731
            QtCore.QTimer.singleShot(0, self, later)

    def _first_fill(self) -> None:
        """What the rows need, made with the first of them (not at start-up)."""
        from gui.widgets.folder_delegate import FolderDelegate
        from gui.widgets.row_menu import RowMenuButton

        self.row_menu = RowMenuButton(self.list, KIND_ROLE, self._on_context_menu)
        self.list.ready()
        self._folder_delegate = FolderDelegate(self.list)
        self.list.setItemDelegate(self._folder_delegate)
        self.folder_button.setText("")
        side = self.new_button.sizeHint().height()
        self.folder_button.setFixedSize(side, side)
        self.folder_button.setIconSize(QtCore.QSize(20, 20))

    def set_search_results(self, hits: Sequence[SearchHitLike], current: int | None) -> None:
        if not self.search.text().strip():
            self._fill_conversations(current)
            return
        self._generation += 1  # a fill still under way stops
        self._updating = True
        try:
            self.list.clear()
            if self._hit_delegate is None:
                from gui.widgets.search_hits import HitDelegate

                self._hit_delegate = HitDelegate(SNIPPET_ROLE, TITLE_ROLE, self.list)
            self.list.setItemDelegate(self._hit_delegate)
            for hit in hits:
                import html  # loads with the first search

                plain = html.unescape(hit.snippet.replace("<b>", "").replace("</b>", ""))
                title = hit.title or self.tr("New chat")
                item = QListWidgetItem(f"{title}\n{plain}")
                item.setData(SNIPPET_ROLE, hit.snippet)  # the match marked, for the painter
                item.setData(TITLE_ROLE, title)
                item.setData(ID_ROLE, hit.conversation_id)
                item.setData(MESSAGE_ROLE, hit.message_id)
                item.setData(KIND_ROLE, "hit")
                self.list.addItem(item)
            if not hits:
                item = QListWidgetItem(self.tr("Nothing found"))
                item.setFlags(QtCore.Qt.ItemFlag.NoItemFlags)
                self.list.addItem(item)
        finally:
            self._updating = False

    def chat_rows(self) -> list[QListWidgetItem]:
        """The rows that open a chat (or a hit), without the group titles and folders."""
        rows = (self.list.item(i) for i in range(self.list.count()))
        return [row for row in rows if row.data(ID_ROLE) is not None]

    def folder_rows(self) -> list[QListWidgetItem]:
        rows = (self.list.item(i) for i in range(self.list.count()))
        return [row for row in rows if row.data(KIND_ROLE) == "folder"]

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        value = item.data(ID_ROLE) if item is not None else None
        return int(value) if value is not None else None

    def select_relative(self, step: int) -> None:
        """The next (or previous) chat, past the group titles and folders, round at the ends."""
        count = self.list.count()
        row = self.list.currentRow()
        for _ in range(count):
            row = (row + step) % count
            if self.list.item(row).data(ID_ROLE) is not None:
                self.list.setCurrentRow(row)
                return

    def _on_current_changed(self, item: QListWidgetItem | None, _previous: object) -> None:
        if self._updating or item is None or item.data(ID_ROLE) is None:
            return
        if item.data(KIND_ROLE) == "hit":
            self.hit_selected.emit(int(item.data(ID_ROLE)), int(item.data(MESSAGE_ROLE)))
        else:
            self.selected.emit(int(item.data(ID_ROLE)))

    def conversation(self, conversation_id: int) -> ConversationLike | None:
        return next((c for c in self._conversations if c.id == conversation_id), None)

    def _act(self, what: str) -> None:
        """F2, Delete, Ctrl+Shift+M: rename, delete or move the current chat (or folder);
        "new": the New folder button."""
        from gui.widgets import folder_menu

        folder_menu.act_on_current(self, what)

    def _on_context_menu(self, point: QPoint) -> None:
        item = self.list.itemAt(point)
        if item is None and self.list.currentItem() is not None:
            # The context menu key: open the menu for the current row, beside it.
            item = self.list.currentItem()
            point = self.list.visualItemRect(item).center()
        menu = self.menu_for(item) if item is not None else None
        if menu is not None:
            menu.popup(self.list.viewport().mapToGlobal(point))

    def menu_for(self, item: QListWidgetItem) -> QMenu | None:
        """A chat row's menu (rename, pin, move to folder, export, delete) or a folder's."""
        from gui.widgets import folder_menu

        return folder_menu.menu_for(self, item)
