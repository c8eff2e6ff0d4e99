"""The sidebar's rows with folders (issue #22): what goes in the list in which order, and
the list itself, which takes a chat dropped on a folder (or out of one).

Imported before the window's first paint: nothing here names `Qt` at import time (see
gui/widgets/theme.py); enums are reached inside the methods that use them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem

if TYPE_CHECKING:  # the rest loads with the first drag: the window starts without them
    from PySide6.QtCore import QMimeData, QPoint, QSize
    from PySide6.QtGui import (
        QDragEnterEvent,
        QDragLeaveEvent,
        QDragMoveEvent,
        QDropEvent,
        QMouseEvent,
    )

USER_ROLE = 0x0100  # Qt.ItemDataRole.UserRole
ID_ROLE = USER_ROLE
KIND_ROLE = USER_ROLE + 1
MESSAGE_ROLE = USER_ROLE + 2
SNIPPET_ROLE = USER_ROLE + 3
TITLE_ROLE = USER_ROLE + 4
#: a folder row's folder, or the folder a chat row is in (None: the top level)
FOLDER_ROLE = USER_ROLE + 5
#: a folder row's chat count, and whether it is open
COUNT_ROLE = USER_ROLE + 6
OPEN_ROLE = USER_ROLE + 7

#: what a dragged chat row carries: its conversation id, as ASCII digits
CHAT_MIME = "application/x-besedka-chat"
#: the folder id a drop means "no folder" (ids start at 1)
TOP_LEVEL = 0


class FolderLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def collapsed(self) -> bool: ...


class ChatLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def pinned(self) -> bool: ...


#: a row to add: ("header", group), ("folder", folder, count), ("chat", chat, folder id)
Row = tuple[str, object, object]


DAY = 86_400


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


def _updated(conversation: object) -> float:
    value = getattr(conversation, "updated_at", 0.0)
    return float(value) if isinstance(value, (int, float)) else 0.0


def group_of(conversation: ChatLike) -> str:
    """Pinned, else the date group of when it last changed."""
    return "pinned" if conversation.pinned else date_group(_updated(conversation))


def folder_of(chat: object) -> int | None:
    value = getattr(chat, "folder_id", None)
    return value if isinstance(value, int) else None


def plan(
    chats: Sequence[ChatLike], folders: Sequence[FolderLike], group_of: Callable[[ChatLike], str]
) -> Iterator[Row]:
    """The rows in order: the folders (each open one followed by its chats), then the
    chats in no folder under their groups (Pinned, Today, …). A generator, so a list of
    thousands is laid out a chunk at a time, as it is added."""
    known = {folder.id for folder in folders}
    inside: dict[int, list[ChatLike]] = {}
    if known:
        for chat in chats:
            where = folder_of(chat)
            if where in known:
                inside.setdefault(where, []).append(chat)
        yield ("header", "folders", None)
        for folder in folders:
            members = inside.get(folder.id, [])
            yield ("folder", folder, len(members))
            if not folder.collapsed:
                for chat in members:
                    yield ("chat", chat, folder.id)
    group: str | None = None
    for chat in chats:
        if known and folder_of(chat) in known:
            continue
        when = group_of(chat)
        if when != group:
            group = when
            yield ("header", when, None)
        yield ("chat", chat, None)


def chat_mime(chat: int) -> QMimeData:
    from PySide6.QtCore import QMimeData

    data = QMimeData()
    data.setData(CHAT_MIME, str(chat).encode("ascii"))
    return data


class FolderList(QListWidget):
    """The conversation list: chat rows can be dragged onto a folder row, onto a chat in
    a folder (that folder) or onto the other rows (out of any folder). A folder row
    opens and closes with a click, Enter, Space, Left and Right."""

    #: conversation id, folder id (TOP_LEVEL: out of its folder)
    move_requested = Signal(int, int)
    #: folder id, closed
    collapse_requested = Signal(int, bool)

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptDrops(True)  # the viewport's in `ready`: asking for it costs 7 ms
        # Drags start here (`mouseMoveEvent`), not in Qt's view: pressing a chat opens it
        # and fills the list anew, which would end Qt's drag before it began.
        self.setProperty("dragDropMode", "DropOnly")
        #: the folder row a drag is over (painted as the target), -1 for none
        self.drop_row = -1
        #: each kind of row's size in this fill (`folder_fill.fill_chunk`)
        self.row_sizes: dict[str, QSize] = {}
        #: where the left button went down on a chat row, and that chat
        self._pressed: tuple[QPoint, int] | None = None
        self.itemClicked.connect(self._clicked)

    def ready(self) -> None:
        """What waits for the first rows (after the first frame): drops on the rows."""
        self.viewport().setAcceptDrops(True)

    # -- dragging a chat ------------------------------------------------------------
    def mimeTypes(self) -> list[str]:
        return [CHAT_MIME]

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:
        """What dragging these rows carries: the first chat's id (folders never move)."""
        chats = [item for item in items if item.data(KIND_ROLE) == "conversation"]
        if chats:
            return chat_mime(int(chats[0].data(ID_ROLE)))
        from PySide6.QtCore import QMimeData

        return QMimeData()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        from PySide6.QtCore import Qt

        item = self.itemAt(event.position().toPoint())
        chat = item is not None and item.data(KIND_ROLE) == "conversation"
        left = event.button() == Qt.MouseButton.LeftButton
        self._pressed = (
            (event.position().toPoint(), int(item.data(ID_ROLE))) if chat and left else None  # type: ignore[union-attr]
        )
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        from PySide6.QtWidgets import QApplication

        if self._pressed is not None:
            start, chat = self._pressed
            moved = (event.position().toPoint() - start).manhattanLength()
            if moved >= QApplication.startDragDistance():
                self._pressed = None
                self.start_drag(chat)
                return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._pressed = None
        super().mouseReleaseEvent(event)

    def start_drag(self, chat: int) -> None:
        """Drag the chat `chat` (its row's picture under the pointer) until it is dropped."""
        from PySide6.QtCore import QPoint, Qt
        from PySide6.QtGui import QDrag

        drag = QDrag(self)
        drag.setMimeData(chat_mime(chat))
        row = next(
            (self.item(i) for i in range(self.count()) if self.item(i).data(ID_ROLE) == chat), None
        )
        if row is not None:
            rect = self.visualItemRect(row)
            drag.setPixmap(self.viewport().grab(rect))
            drag.setHotSpot(QPoint(min(24, rect.width() // 2), rect.height() // 2))
        drag.exec(Qt.DropAction.MoveAction)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(CHAT_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if not event.mimeData().hasFormat(CHAT_MIME):
            event.ignore()
            return
        event.acceptProposedAction()
        target = self._target_row(self.itemAt(event.position().toPoint()))
        if target != self.drop_row:
            self.drop_row = target
            self.viewport().update()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._end_drag()
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        """Where the chat lands: the row under the pointer decides (see `dropMimeData`)."""
        self._end_drag()
        item = self.itemAt(event.position().toPoint())
        row = self.row(item) if item is not None else self.count()
        if self.dropMimeData(row, event.mimeData(), event.dropAction()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropMimeData(self, index: int, data: QMimeData, action: object) -> bool:
        """A chat dropped on row `index` (past the end: below every row): into the folder
        that row is or is in, else out of its folder. The move is asked a loop turn later,
        once the drag has ended (the list is filled anew)."""
        raw = bytes(data.data(CHAT_MIME).data()) if data.hasFormat(CHAT_MIME) else b""
        if not raw.isdigit():
            return False
        item = self.item(index) if 0 <= index < self.count() else None
        target = item.data(FOLDER_ROLE) if item is not None else None
        folder = int(target) if isinstance(target, int) else TOP_LEVEL
        chat = int(raw)
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self, lambda: self.move_requested.emit(chat, folder))
        return True

    def _target_row(self, item: QListWidgetItem | None) -> int:
        """The folder row a drop on `item` goes into, -1 for the top level."""
        if item is None or not isinstance(item.data(FOLDER_ROLE), int):
            return -1
        row = self.row(item)
        while row >= 0 and self.item(row).data(KIND_ROLE) != "folder":
            row -= 1
        return row

    def _end_drag(self) -> None:
        if self.drop_row != -1:
            self.drop_row = -1
            self.viewport().update()

    # -- opening and closing a folder -----------------------------------------------
    def _clicked(self, item: QListWidgetItem) -> None:
        if item.data(KIND_ROLE) == "folder":
            self.toggle(item)

    def toggle(self, item: QListWidgetItem, open_it: bool | None = None) -> None:
        """Open or close the folder row `item` (`open_it` None: the other way)."""
        now_open = bool(item.data(OPEN_ROLE))
        wanted = not now_open if open_it is None else open_it
        if wanted != now_open:
            self.collapse_requested.emit(int(item.data(FOLDER_ROLE)), not wanted)

    def keyPressEvent(self, event: object) -> None:
        """On a folder: Enter or Space opens or closes it, Right opens, Left closes. On a
        chat in a folder, Left goes up to its folder (as in a tree)."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeyEvent

        item = self.currentItem()
        if isinstance(event, QKeyEvent) and item is not None:
            key, kind = event.key(), item.data(KIND_ROLE)
            if kind == "folder" and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
                self.toggle(item)
                return
            if kind == "folder" and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
                self.toggle(item, key == Qt.Key.Key_Right)
                return
            up = self._target_row(item)
            if kind == "conversation" and key == Qt.Key.Key_Left and up >= 0:
                self.setCurrentRow(up)
                return
        super().keyPressEvent(event)  # type: ignore[arg-type]
