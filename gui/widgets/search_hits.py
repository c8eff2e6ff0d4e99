"""Search hits in the sidebar: the chat's title, then the snippet as text with the match
in bold on a tint (the store gives the snippet as escaped HTML with <b> marks only)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from gui.widgets.markdown import escape

Index = QModelIndex | QPersistentModelIndex


class HitDelegate(QStyledItemDelegate):
    """Paints rows holding a snippet (`snippet_role`) as rich text; others as usual."""

    def __init__(self, snippet_role: int, title_role: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.snippet_role = snippet_role
        self.title_role = title_role

    def _document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument | None:
        snippet = index.data(self.snippet_role)
        if not isinstance(snippet, str):
            return None
        title = str(index.data(self.title_role) or "")
        palette = option.palette
        tint = palette.color(QPalette.ColorRole.Highlight)
        tint.setAlpha(60)
        mark = f"rgba({tint.red()},{tint.green()},{tint.blue()},0.25)"
        muted = palette.color(QPalette.ColorRole.PlaceholderText).name()
        body = snippet.replace("<b>", f'<b style="background-color:{mark}">')
        document = QTextDocument()
        document.setDocumentMargin(2)
        document.setDefaultFont(option.font)
        document.setHtml(
            f"<div>{escape(title)}</div><div style='color:{muted}; font-size:small'>{body}</div>"
        )
        rect = option.rect
        document.setTextWidth(max(40, rect.width() - 8))
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        document = self._document(option, index)
        if document is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            element = QStyle.ControlElement.CE_ItemViewItem
            style.drawControl(element, option, painter, option.widget)
        rect = option.rect
        painter.save()
        painter.translate(rect.left() + 4, rect.top() + 2)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = QRectF(0, 0, rect.width() - 8, rect.height() - 4)
        # The list's text colour (its style sheet's), not the application's: the title
        # was black on the dark theme.
        text = option.palette.color(QPalette.ColorRole.Text)
        context.palette.setColor(QPalette.ColorRole.Text, text)
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        document = self._document(option, index)
        if document is None:
            return super().sizeHint(option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()) + 6)
