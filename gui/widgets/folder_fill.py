"""Filling the sidebar's list a chunk at a time: the rows `folder_rows.plan` lays out,
made into list items (group titles, folders, chats). Loaded with the first rows, after
the first frame; its words are the sidebar's ("ConversationList")."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from gui.widgets.folder_rows import (
    COUNT_ROLE,
    FOLDER_ROLE,
    ID_ROLE,
    KIND_ROLE,
    OPEN_ROLE,
    FolderLike,
    Row,
)

translate = QCoreApplication.translate


def fill_chunk(
    rows: QListWidget,
    plan: Iterator[Row],
    count: int,
    current: int | None,
    keep: object,
    pin: QIcon,
    sizes: dict[str, QSize],
) -> bool:
    """Add the next `count` rows of `plan` (and the titles between); False once it is
    used up. The chat `current` (or the folder `keep`, which then wins) becomes the
    current row. Each kind of row is measured once per fill (`sizes`) and the others
    are given that size: the list then lays out thousands of rows without asking the
    style sheet for each (8 ms a chunk at 2,000 rows, a stall between chunks)."""
    added = 0
    for kind, what, extra in plan:
        if kind == "header":  # a title does not count: `count` chats (or folders) come
            _sized(rows, add_header(rows, group_title(str(what))), kind, sizes)
            continue
        added += 1
        if kind == "folder":
            item = folder_row(rows, what, extra if isinstance(extra, int) else 0)  # type: ignore[arg-type]
            if getattr(what, "id", None) == keep:
                rows.setCurrentItem(item)
            _sized(rows, item, kind, sizes)
        else:
            folder = extra if isinstance(extra, int) else None
            item = chat_row(rows, what, folder, pin, current if keep is None else None)
            _sized(rows, item, "pinned" if getattr(what, "pinned", False) else kind, sizes)
        if added == count:
            return True
    return False


def _sized(rows: QListWidget, item: QListWidgetItem, key: str, sizes: dict[str, QSize]) -> None:
    size = sizes.get(key)
    if size is None:  # the last row added: measured as the style sheet says
        size = sizes[key] = rows.sizeHintForIndex(rows.model().index(rows.count() - 1, 0))
    item.setSizeHint(size)


def add_header(rows: QListWidget, text: str) -> QListWidgetItem:
    """A group's title (Folders, Pinned, Today, …): not a row one can select."""
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    item.setData(KIND_ROLE, "header")
    font = item.font()
    font.setPointSizeF(font.pointSizeF() * 0.85)
    font.setBold(True)
    item.setFont(font)
    item.setForeground(rows.palette().color(rows.palette().ColorRole.PlaceholderText))
    rows.addItem(item)
    return item


def group_title(group: str) -> str:
    titles = {
        "folders": translate("ConversationList", "Folders"),
        "pinned": translate("ConversationList", "Pinned"),
        "today": translate("ConversationList", "Today"),
        "yesterday": translate("ConversationList", "Yesterday"),
        "week": translate("ConversationList", "Previous 7 days"),
        "month": translate("ConversationList", "Previous 30 days"),
    }
    if group in titles:
        return titles[group]
    year, month = (int(part) for part in group.split("-"))
    month_name = QLocale().standaloneMonthName(month)  # «март», not «марта»
    return f"{month_name[:1].upper()}{month_name[1:]} {year}"


def chat_row(
    rows: QListWidget, conversation: Any, folder: int | None, pin: QIcon, current: int | None
) -> QListWidgetItem:
    title = conversation.title or translate("ConversationList", "New chat")
    item = QListWidgetItem(title)
    item.setData(ID_ROLE, conversation.id)
    item.setData(KIND_ROLE, "conversation")
    item.setData(FOLDER_ROLE, folder)
    item.setToolTip(title)
    if conversation.pinned:
        item.setIcon(pin)
        item.setData(
            Qt.ItemDataRole.AccessibleTextRole,
            translate("ConversationList", "{0}, pinned").format(title),
        )
    rows.addItem(item)
    if conversation.id == current:
        rows.setCurrentItem(item)
    return item


def folder_row(rows: QListWidget, folder: FolderLike, count: int) -> QListWidgetItem:
    """A folder: its name, how many chats it holds and whether it is open, said in full
    to a screen reader ("Folder Work, 3 chats, open")."""
    item = QListWidgetItem(folder.name)
    item.setData(KIND_ROLE, "folder")
    item.setData(FOLDER_ROLE, folder.id)
    item.setData(COUNT_ROLE, count)
    item.setData(OPEN_ROLE, not folder.collapsed)
    item.setToolTip(folder.name)
    state = (
        translate("ConversationList", "closed")
        if folder.collapsed
        else translate("ConversationList", "open")
    )
    spoken = translate("ConversationList", "Folder {0}, chats: {1}, {2}").format(
        folder.name, count, state
    )
    item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
    rows.addItem(item)
    return item


def folder_icon(colour: QColor) -> QIcon:
    """A folder with a plus, drawn once (icons.py has no folder)."""
    pixmap = QPixmap(40, 40)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 3.0))
    path = QPainterPath()
    for n, (x, y) in enumerate(((4, 8), (15, 8), (19, 12), (36, 12), (36, 33), (4, 33))):
        (path.lineTo if n else path.moveTo)(QPointF(x, y))
    path.closeSubpath()
    painter.drawPath(path)
    painter.drawLine(QPointF(20, 17), QPointF(20, 28))
    painter.drawLine(QPointF(14.5, 22.5), QPointF(25.5, 22.5))
    painter.end()
    pixmap.setDevicePixelRatio(2.0)
    return QIcon(pixmap)
