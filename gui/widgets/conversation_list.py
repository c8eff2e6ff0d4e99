"""The sidebar: new chat, search, and the conversations, pinned first then newest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QPoint, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from gui.widgets.row_menu import RowMenuButton

# This module is imported and its widget built before the window's first paint, so it
# never names `Qt` then (its first use costs 13 ms, see gui/widgets/theme.py): roles are plain
# numbers, enum settings go through Qt's property system by name, and shortcuts are set
# with `setShortcuts` (`setShortcut`'s overloads build `Qt` to choose).
USER_ROLE = 0x0100  # Qt.ItemDataRole.UserRole
ID_ROLE = USER_ROLE
KIND_ROLE = USER_ROLE + 1
MESSAGE_ROLE = USER_ROLE + 2
SNIPPET_ROLE = USER_ROLE + 3
TITLE_ROLE = USER_ROLE + 4

DAY = 86_400
#: Rows added per loop turn when the list is filled (about 10 ms).
FILL_ROWS = 200


def date_group(when: float, now: float | None = None) -> str:
    """The sidebar group of a chat last changed at `when`: "today", "yesterday", "week",
    "month", or its month as "YYYY-MM" (local time)."""
    import time

    now = time.time() if now is None else now
    midnight = time.mktime((*time.localtime(now)[:3], 0, 0, 0, 0, 0, -1))
    if when >= midnight:
        return "today"
    if when >= midnight - DAY:
        return "yesterday"
    if when >= midnight - 7 * DAY:
        return "week"
    if when >= midnight - 30 * DAY:
        return "month"
    year, month = time.localtime(when)[:2]
    return f"{year:04d}-{month:02d}"


def _updated(conversation: ConversationLike) -> float:
    value = getattr(conversation, "updated_at", 0.0)
    return float(value) if isinstance(value, (int, float)) else 0.0


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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new_button = QPushButton()
        self.search = QLineEdit()
        self.search.setObjectName("searchField")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
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
        self.rename_action.triggered.connect(self._rename_current)
        self.delete_action = QAction(self.list)
        self.delete_action.setShortcuts([QKeySequence("Del")])
        self.delete_action.triggered.connect(self._delete_current)
        for action in (self.rename_action, self.delete_action):
            action.setProperty("shortcutContext", "WidgetShortcut")  # while the list has focus
            self.list.addAction(action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.new_button.clicked.connect(self.new_requested)
        self.search.textChanged.connect(self.search_changed)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.list.customContextMenuRequested.connect(self._on_context_menu)
        self._updating = False
        self._hit_delegate: QStyledItemDelegate | None = None
        self._generation = 0  # of list fills: a later one stops an earlier one's chunks
        #: the "⋯" on the hovered row, made with the first rows (not at start-up)
        self.row_menu: RowMenuButton | None = None
        self._conversations: list[ConversationLike] = []
        self.setTabOrder(self.new_button, self.search)
        self.setTabOrder(self.search, self.list)
        self.retranslate()

    def retranslate(self) -> None:
        self.new_button.setText(self.tr("New chat"))
        self.new_button.setAccessibleName(self.tr("New chat"))
        self.new_button.setAccessibleDescription(self.tr("Start a new conversation"))
        self.search.setPlaceholderText(self.tr("Search all chats"))
        self.search.setAccessibleName(self.tr("Search all chats"))
        self.search.setAccessibleDescription(
            self.tr("Type to find messages in every conversation; the list shows the hits")
        )
        self.list.setAccessibleName(self.tr("Conversations"))
        self.list.setAccessibleDescription(
            self.tr(
                "Pinned first, then newest. Arrow keys open a conversation; F2 renames it,"
                " Delete removes it, the context menu key shows more."
            )
        )
        if self.row_menu is not None:
            self.row_menu.retranslate()
        self.rename_action.setText(self.tr("Rename chat"))
        self.delete_action.setText(self.tr("Delete chat"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self.search.text().strip():
                self.search_changed.emit(self.search.text())  # the window searches again
            else:
                self._fill_conversations(self.current_id())
        super().changeEvent(event)

    def set_conversations(
        self, conversations: Sequence[ConversationLike], current: int | None
    ) -> None:
        self._conversations = list(conversations)
        if self.search.text().strip():
            return  # results stay until the search is cleared
        self._fill_conversations(current)

    def _fill_conversations(self, current: int | None) -> None:
        """The list anew: the first FILL_ROWS rows now (what shows), the rest a chunk per
        loop turn, so a history of thousands of chats never holds the window."""
        self._generation += 1
        self._updating = True
        try:
            self.list.clear()
        finally:
            self._updating = False
        self._fill_from(0, None, current, self._generation)

    def _fill_from(self, start: int, group: str | None, current: int | None, run: int) -> None:
        if run != self._generation:
            return  # a newer fill began
        self._updating = True
        try:
            from gui.widgets import icons  # after the first frame: chats come later

            pin = icons.icon("pin", self.palette().color(self.palette().ColorRole.PlaceholderText))
            if self.row_menu is None:
                from gui.widgets.row_menu import RowMenuButton

                self.row_menu = RowMenuButton(self.list, KIND_ROLE, self._on_context_menu)
            end = min(len(self._conversations), start + FILL_ROWS)
            for conversation in self._conversations[start:end]:
                when = "pinned" if conversation.pinned else date_group(_updated(conversation))
                if when != group:
                    group = when
                    self._add_header(self._group_title(when))
                title = conversation.title or self.tr("New chat")
                item = QListWidgetItem(title)
                item.setData(ID_ROLE, conversation.id)
                item.setData(KIND_ROLE, "conversation")
                item.setToolTip(title)
                if conversation.pinned:
                    item.setIcon(pin)
                    pinned = self.tr("{0}, pinned").format(title)
                    item.setData(QtCore.Qt.ItemDataRole.AccessibleTextRole, pinned)
                self.list.addItem(item)
                if conversation.id == current:
                    self.list.setCurrentItem(item)
        finally:
            self._updating = False
        if end < len(self._conversations):
            later = lambda: self._fill_from(end, group, current, run)  # noqa: E731
            QtCore.QTimer.singleShot(0, self, later)

    def _add_header(self, text: str) -> None:
        """A group's title (Pinned, Today, …): not a row one can select."""
        item = QListWidgetItem(text)
        item.setFlags(QtCore.Qt.ItemFlag.NoItemFlags)
        item.setData(KIND_ROLE, "header")
        font = item.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        font.setBold(True)
        item.setFont(font)
        item.setForeground(self.palette().color(self.palette().ColorRole.PlaceholderText))
        self.list.addItem(item)

    def _group_title(self, group: str) -> str:
        titles = {
            "pinned": self.tr("Pinned"),
            "today": self.tr("Today"),
            "yesterday": self.tr("Yesterday"),
            "week": self.tr("Previous 7 days"),
            "month": self.tr("Previous 30 days"),
        }
        if group in titles:
            return titles[group]
        year, month = (int(part) for part in group.split("-"))
        from PySide6.QtCore import QLocale

        month_name = QLocale().standaloneMonthName(month)  # «март», not «марта»
        return f"{month_name[:1].upper()}{month_name[1:]} {year}"

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
        """The rows that open a chat (or a hit), without the group titles."""
        rows = (self.list.item(i) for i in range(self.list.count()))
        return [row for row in rows if row.data(ID_ROLE) is not None]

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        value = item.data(ID_ROLE) if item is not None else None
        return int(value) if value is not None else None

    def select_relative(self, step: int) -> None:
        """The next (or previous) chat, past the group titles, round at the ends."""
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

    def _conversation(self, conversation_id: int) -> ConversationLike | None:
        return next((c for c in self._conversations if c.id == conversation_id), None)

    def _rename_current(self) -> None:
        ident = self._current_conversation()
        if ident is not None:
            self.ask_rename(ident)

    def _delete_current(self) -> None:
        ident = self._current_conversation()
        if ident is not None:
            self.ask_delete(ident)

    def _current_conversation(self) -> int | None:
        item = self.list.currentItem()
        if item is None or item.data(KIND_ROLE) != "conversation":
            return None
        return int(item.data(ID_ROLE))

    def _on_context_menu(self, point: QPoint) -> None:
        item = self.list.itemAt(point)
        if item is None and self.list.currentItem() is not None:
            # The context menu key: open the menu for the current row, beside it.
            item = self.list.currentItem()
            point = self.list.visualItemRect(item).center()
        if item is None or item.data(KIND_ROLE) != "conversation":
            return
        conversation = self._conversation(int(item.data(ID_ROLE)))
        if conversation is None:
            return
        menu = QMenu(self)
        rename = QAction(self.tr("Rename…"), menu)
        pin = QAction(self.tr("Unpin") if conversation.pinned else self.tr("Pin"), menu)
        export = QAction(self.tr("Export…"), menu)
        delete = QAction(self.tr("Delete…"), menu)
        for action in (rename, pin, export, delete):
            menu.addAction(action)
        rename.triggered.connect(lambda: self.ask_rename(conversation.id))
        pin.triggered.connect(
            lambda: self.pin_requested.emit(conversation.id, not conversation.pinned)
        )
        export.triggered.connect(lambda: self.export_requested.emit(conversation.id))
        delete.triggered.connect(lambda: self.ask_delete(conversation.id))
        menu.popup(self.list.viewport().mapToGlobal(point))

    def ask_rename(self, conversation_id: int) -> None:
        conversation = self._conversation(conversation_id)
        from PySide6.QtWidgets import QInputDialog  # dialogs load when first used

        title, ok = QInputDialog.getText(
            self,
            self.tr("Rename chat"),
            self.tr("Title:"),
            text=conversation.title if conversation else "",
        )
        if ok and title.strip():
            self.rename_requested.emit(conversation_id, title.strip())

    def ask_delete(self, conversation_id: int) -> None:
        conversation = self._conversation(conversation_id)
        from PySide6.QtWidgets import QMessageBox

        answer = QMessageBox.question(
            self,
            self.tr("Delete chat"),
            self.tr("Delete “{0}” and all its messages?").format(
                conversation.title if conversation else ""
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_requested.emit(conversation_id)
