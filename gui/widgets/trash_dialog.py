"""The trash: deleted chats, to restore or to delete forever.

Non-modal (open(), never exec(): no nested event loop under qasync). The window calls
`show_items` again whenever the trash changes, and the list keeps the row the person
was on. Emptying the whole trash asks once more, inline: it cannot be undone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QDateTime, QEvent, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["TRASH_DAYS", "TrashDialog", "TrashItemLike"]

#: Chats stay in the trash this long, then the history drops them.
TRASH_DAYS = 30
ID_ROLE = Qt.ItemDataRole.UserRole


class TrashItemLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def deleted_at(self) -> float | None: ...


def when(seconds: float) -> str:
    """A moment in the interface language's short date and time format."""
    moment = QDateTime.fromSecsSinceEpoch(int(seconds))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


class TrashDialog(QDialog):
    #: conversation ids to bring back, one signal each
    restore_requested = Signal(int)
    #: conversation id to delete forever
    purge_requested = Signal(int)
    empty_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trashDialog")
        self._items: list[TrashItemLike] = []
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.list = QTreeWidget(self)
        self.list.setObjectName("trashList")
        self.list.setColumnCount(2)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.list.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.empty_note = QLabel(self)
        self.restore_button = QPushButton(self)
        self.purge_button = QPushButton(self)
        self.empty_button = QPushButton(self)
        self.close_button = QPushButton(self)
        self.confirm = QWidget(self)  # "Delete all N chats forever?  [Delete all] [Keep]"
        self.confirm_label = QLabel(self.confirm)
        self.confirm_label.setWordWrap(True)
        self.confirm_button = QPushButton(self.confirm)
        self.keep_button = QPushButton(self.confirm)
        confirm_row = QHBoxLayout(self.confirm)
        confirm_row.setContentsMargins(0, 0, 0, 0)
        confirm_row.addWidget(self.confirm_label, 1)
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(self.keep_button)
        self.confirm.hide()
        buttons = QHBoxLayout()
        for button in (self.restore_button, self.purge_button, self.empty_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.confirm)
        layout.addLayout(buttons)
        self.restore_button.setDefault(True)
        self.restore_button.clicked.connect(self._restore)
        self.purge_button.clicked.connect(self._purge)
        self.empty_button.clicked.connect(self._ask_empty)
        self.confirm_button.clicked.connect(self._empty)
        self.keep_button.clicked.connect(self._keep)
        self.close_button.clicked.connect(self.reject)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        # Enter presses Restore (the default button); the list must not act on it too.
        self.list.itemDoubleClicked.connect(lambda _item, _column: self._restore())
        self.resize(560, 400)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Trash"))
        self.intro.setText(
            self.tr(
                "Deleted chats stay here for %n day(s), then they are deleted forever.",
                "",
                TRASH_DAYS,
            )
        )
        self.list.setHeaderLabels([self.tr("Chat"), self.tr("Deleted")])
        self.list.setAccessibleName(self.tr("Deleted chats"))
        self.list.setAccessibleDescription(
            self.tr("Each row: the chat's title, then when it was deleted. Enter restores it.")
        )
        self.empty_note.setText(self.tr("The trash is empty."))
        for button, text, name, description in (
            (
                self.restore_button,
                self.tr("&Restore"),
                self.tr("Restore"),
                self.tr("Put the selected chats back in the list of chats"),
            ),
            (
                self.purge_button,
                self.tr("&Delete forever"),
                self.tr("Delete forever"),
                self.tr("Delete the selected chats for good; this cannot be undone"),
            ),
            (
                self.empty_button,
                self.tr("&Empty Trash…"),
                self.tr("Empty Trash"),
                self.tr("Delete every chat in the trash for good"),
            ),
            (
                self.confirm_button,
                self.tr("Delete all forever"),
                self.tr("Delete all forever"),
                self.tr("Empty the trash now; this cannot be undone"),
            ),
            (
                self.keep_button,
                self.tr("Keep them"),
                self.tr("Keep them"),
                self.tr("Leave the trash as it is"),
            ),
            (self.close_button, self.tr("Close"), self.tr("Close the trash"), ""),
        ):
            button.setText(text)
            button.setAccessibleName(name)
            button.setAccessibleDescription(description or name)
        self._fill()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- contents ----------------------------------------------------------------------
    def show_items(self, items: Sequence[TrashItemLike]) -> None:
        """What the trash holds now, newest deletion first; the current row stays."""
        self._items = sorted(items, key=lambda item: item.deleted_at or 0.0, reverse=True)
        self.confirm.hide()
        self._fill()

    def _fill(self) -> None:
        current = self.list.currentItem()
        row = max(self.list.indexOfTopLevelItem(current), 0) if current is not None else 0
        self.list.clear()
        for item in self._items:
            deleted = item.deleted_at or 0.0
            until = when(deleted + TRASH_DAYS * 86_400)
            entry = QTreeWidgetItem([item.title or self.tr("Untitled"), when(deleted)])
            entry.setData(0, ID_ROLE, item.id)
            entry.setToolTip(0, item.title)
            entry.setToolTip(1, self.tr("Deleted forever after {0}").format(until))
            self.list.addTopLevelItem(entry)
        chosen = self.list.topLevelItem(min(row, len(self._items) - 1)) if self._items else None
        if chosen is not None:
            self.list.setCurrentItem(chosen)
        self.list.setVisible(bool(self._items))
        self.empty_note.setVisible(not self._items)
        self._update_buttons()

    def ids(self) -> list[int]:
        """The chats listed, top to bottom."""
        return [item.id for item in self._items]

    def selected_ids(self) -> list[int]:
        return [
            int(item.data(0, ID_ROLE))
            for item in self.list.selectedItems()
            if item.data(0, ID_ROLE) is not None
        ]

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_ids())
        self.restore_button.setEnabled(chosen)
        self.purge_button.setEnabled(chosen)
        self.empty_button.setEnabled(bool(self._items))

    # -- buttons -----------------------------------------------------------------------
    def _restore(self) -> None:
        for ident in self.selected_ids():
            self.restore_requested.emit(ident)

    def _purge(self) -> None:
        for ident in self.selected_ids():
            self.purge_requested.emit(ident)

    def _ask_empty(self) -> None:
        self.confirm_label.setText(
            self.tr("Delete all %n chat(s) in the trash forever?", "", len(self._items))
        )
        self.confirm.show()
        self.keep_button.setFocus()  # the safe choice is where Enter lands

    def _empty(self) -> None:
        self.confirm.hide()
        self.empty_requested.emit()

    def _keep(self) -> None:
        self.confirm.hide()
        self.empty_button.setFocus()
