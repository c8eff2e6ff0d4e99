"""How folder rows look: a disclosure arrow, the name, the chat count at the right; the
chats inside an open folder are indented under it; the folder a dragged chat is over is
outlined. Made with the sidebar's first rows, after the first frame."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect
from PySide6.QtGui import QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from gui.widgets.folder_rows import COUNT_ROLE, FOLDER_ROLE, KIND_ROLE, OPEN_ROLE

Index = QModelIndex | QPersistentModelIndex
#: how far a chat in a folder sits in from the folder's row
INDENT = 18
ARROW = 14


class FolderDelegate(QStyledItemDelegate):
    """Paints folder rows and indents their chats; every other row as usual."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        kind = index.data(KIND_ROLE)
        if kind == "conversation" and isinstance(index.data(FOLDER_ROLE), int):
            indented = QStyleOptionViewItem(option)
            indented.rect = option.rect.adjusted(INDENT, 0, 0, 0)
            super().paint(painter, indented, index)
            return
        if kind != "folder":
            super().paint(painter, option, index)
            return
        self._paint_folder(painter, option, index)

    def _paint_folder(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        from PySide6.QtCore import Qt

        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else None
        count = str(index.data(COUNT_ROLE) or 0)
        metrics = opt.fontMetrics
        rect = opt.rect
        name_left = rect.left() + 8 + ARROW + 6
        count_width = metrics.horizontalAdvance(count) + 12
        name_width = max(10, rect.right() - count_width - name_left)
        name = metrics.elidedText(opt.text, Qt.TextElideMode.ElideRight, name_width)
        opt.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        palette = opt.palette
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if getattr(widget, "drop_row", -1) == index.row():
            accent = palette.color(QPalette.ColorRole.Highlight)
            painter.setPen(QPen(accent, 2))
            painter.drawRoundedRect(rect.adjusted(1, 2, -2, -2), 6, 6)
        self._arrow(painter, rect, bool(index.data(OPEN_ROLE)), muted)
        painter.setFont(opt.font)
        painter.setPen(text)
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        painter.drawText(QRect(name_left, rect.top(), name_width, rect.height()), align, name)
        painter.setPen(muted)
        right = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight
        painter.drawText(rect.adjusted(0, 0, -10, 0), right, count)
        painter.restore()

    @staticmethod
    def _arrow(painter: QPainter, rect: QRect, is_open: bool, colour: object) -> None:
        """A chevron: pointing right when closed, down when open."""
        from PySide6.QtGui import QColor

        x = rect.left() + 8 + ARROW / 2
        y = rect.top() + rect.height() / 2
        half = 3.5
        path = QPainterPath()
        if is_open:
            path.moveTo(QPointF(x - half, y - half / 2))
            path.lineTo(QPointF(x, y + half / 2))
            path.lineTo(QPointF(x + half, y - half / 2))
        else:
            path.moveTo(QPointF(x - half / 2, y - half))
            path.lineTo(QPointF(x + half / 2, y))
            path.lineTo(QPointF(x - half / 2, y + half))
        pen = QPen(colour if isinstance(colour, QColor) else QColor(str(colour)), 1.6)
        painter.setPen(pen)
        painter.drawPath(path)
