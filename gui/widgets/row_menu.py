"""The "⋯" button on the sidebar row under the mouse: it opens the row's menu (a chat's
rename, pin, move to folder, export, delete; a folder's rename, search in it, delete), as
right-click and the menu key do."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QToolButton

translate = QCoreApplication.translate


class RowMenuButton(QObject):
    """Follows the mouse over `rows` whose `kind_role` is "conversation" or "folder"."""

    def __init__(
        self, rows: QListWidget, kind_role: int, open_menu: Callable[[QPoint], None]
    ) -> None:
        super().__init__(rows)
        self.rows = rows
        self.kind_role = kind_role
        self.open_menu = open_menu
        self.button: QToolButton | None = None
        rows.setMouseTracking(True)
        rows.viewport().installEventFilter(self)

    def retranslate(self) -> None:
        if self.button is not None:
            self._say(self.button.property("kind") == "folder")
            self.button.setAccessibleName(translate("ConversationList", "More"))

    def _say(self, folder: bool) -> None:
        assert self.button is not None
        self.button.setToolTip(
            translate("ConversationList", "More: rename, search in it, delete")
            if folder
            else translate("ConversationList", "More: rename, pin, move to folder, export, delete")
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            self._hover(self.rows.itemAt(event.position().toPoint()))
        elif kind == QEvent.Type.Leave:
            self._hover(None)
        return False

    def _hover(self, item: QListWidgetItem | None) -> None:
        kind = item.data(self.kind_role) if item is not None else None
        if item is None or kind not in ("conversation", "folder"):
            if self.button is not None:
                self.button.hide()
            return
        if self.button is None:
            self.button = QToolButton(self.rows.viewport())
            self.button.setObjectName("rowMenuButton")
            self.button.setText("⋯")
            self.button.setAutoRaise(True)
            self.button.setProperty("focusPolicy", "NoFocus")  # the menu key does it
            self.button.clicked.connect(self._clicked)
            self.retranslate()
        rect = self.rows.visualItemRect(item)
        side = rect.height()
        self.button.setGeometry(rect.right() - side - 2, rect.top(), side, side)
        self.button.setProperty("row", self.rows.row(item))
        if self.button.property("kind") != kind:
            self.button.setProperty("kind", kind)
            self._say(kind == "folder")
        self.button.show()
        self.button.raise_()

    def _clicked(self) -> None:
        if self.button is not None:
            item = self.rows.item(int(self.button.property("row")))
            if item is not None:
                self.open_menu(self.rows.visualItemRect(item).bottomRight())
