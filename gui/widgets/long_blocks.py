"""A plain text editor that holds megabyte lines without freezing (issue #21).

Qt lays out a block whole, at every keystroke in it: a pasted 499,000-character line
made each key take 140 ms and the paste itself 300 ms. So a long line is kept in
display blocks of at most BLOCK_CHARS (long_text.LineBreaker); the blocks that only
continue a line carry a block-format property (kept by undo and redo), and the text
read back (toPlainText, copy, drag) joins them without a line break.
"""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QKeyEvent, QTextBlock, QTextBlockFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from gui.widgets.long_text import SOFT_BLOCK_CHARS, LineBreaker, has_long_line

#: QTextBlockFormat property of a block that continues the line of the block before it
CONTINUES = int(QTextFormat.Property.UserProperty) + 21


def continues(block: QTextBlock) -> bool:
    return block.isValid() and block.blockFormat().boolProperty(CONTINUES)


def _format(continued: bool) -> QTextBlockFormat:
    fmt = QTextBlockFormat()
    if continued:
        fmt.setProperty(CONTINUES, True)
    return fmt


def insert_text(cursor: QTextCursor, text: str) -> bool:
    """Insert plain text at `cursor` as one undo step, long lines in display blocks;
    whether any display block was made. A line break always starts a block of its own
    format (one inserted inside a continued block would otherwise continue it too)."""
    lines = text.replace("\r\n", "\n").split("\n")
    breaker = LineBreaker()
    breaker.run = cursor.positionInBlock()
    split = False
    cursor.beginEditBlock()

    def line(part: str) -> None:
        nonlocal split
        if breaker.run + len(part) < SOFT_BLOCK_CHARS:
            breaker.run += len(part)
            cursor.insertText(part)
            return
        for index, piece in enumerate(breaker.feed(part).split("\n")):
            if index:
                cursor.insertBlock(_format(True))
                split = True
            cursor.insertText(piece)

    line(lines[0])
    index = 1
    while index < len(lines):
        cursor.insertBlock(_format(False))
        breaker.run = 0
        end = index
        while end < len(lines) and len(lines[end]) < SOFT_BLOCK_CHARS:
            end += 1
        if end > index:  # short lines at once: their blocks take this block's format
            cursor.insertText("\n".join(lines[index:end]))
            breaker.run = len(lines[end - 1])
            index = end
        else:
            line(lines[index])
            index += 1
    cursor.endEditBlock()
    return split


def joined_text(start: QTextBlock, first: int = 0, last: int | None = None) -> str:
    """The text from document position `first` to `last` (the end when None), from the
    block `start` holding `first` on, as it was given: display blocks joined."""
    parts: list[str] = []
    block = start
    while block.isValid() and (last is None or block.position() <= last):
        if parts and not continues(block):
            parts.append("\n")
        text = block.text()
        begin = max(first - block.position(), 0)
        end = None if last is None else last - block.position()
        if begin or end is not None:  # positions count UTF-16 units
            units = text.encode("utf-16-le", "surrogatepass")
            stop = len(units) if end is None else 2 * min(end, len(units) // 2)
            text = units[2 * begin : stop].decode("utf-16-le", "surrogatepass")
        parts.append(text)
        block = block.next()
    # As QTextDocument.toPlainText says them:
    return "".join(parts).replace("\u2028", "\n").replace("\u2029", "\n").replace("\xa0", " ")


class LongLinesEdit(QPlainTextEdit):
    """QPlainTextEdit whose text may hold lines of any length."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._split = False  # some block continues a line
        self.textChanged.connect(self._on_changed)

    def _on_changed(self) -> None:
        if self._split and self.document().isEmpty():
            self._split = False

    def setPlainText(self, text: str) -> None:
        """Replace the text; the undo history starts again, as Qt's own does."""
        if not has_long_line(text, SOFT_BLOCK_CHARS - 1):
            self._split = False
            super().setPlainText(text)
            return
        super().setPlainText("")
        document = self.document()
        undo = document.isUndoRedoEnabled()
        document.setUndoRedoEnabled(False)
        self._split = insert_text(QTextCursor(document), text)
        document.setUndoRedoEnabled(undo)
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def toPlainText(self) -> str:
        if not self._split:
            return super().toPlainText()
        return joined_text(self.document().begin())

    def insert_plain(self, text: str) -> None:
        """Insert at the cursor (replacing the selection) as typing or pasting would."""
        cursor = self.textCursor()
        cursor.beginEditBlock()  # one undo step with the selection it replaces
        cursor.removeSelectedText()
        self._split = insert_text(cursor, text) or self._split
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def append_plain(self, text: str) -> None:
        """Add text at the end (the cursor and the view stay where they are)."""
        cursor = QTextCursor(self.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        self._split = insert_text(cursor, text) or self._split

    def createMimeDataFromSelection(self) -> QMimeData:
        data = QMimeData()
        cursor = self.textCursor()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        data.setText(joined_text(self.document().findBlock(start), start, end))
        return data

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Backspace and Delete at a display break take the character beyond it."""
        qt = QtCore.Qt  # not imported by name: see gui/widgets/theme.py
        cursor = self.textCursor()
        key, plain = event.key(), event.modifiers() == qt.KeyboardModifier.NoModifier
        if self._split and plain and not cursor.hasSelection() and not self.isReadOnly():
            block = cursor.block()
            if key == qt.Key.Key_Backspace and cursor.atBlockStart() and continues(block):
                cursor.movePosition(QTextCursor.MoveOperation.PreviousCharacter)
                cursor.deletePreviousChar()
                self.setTextCursor(cursor)
                return
            if key == qt.Key.Key_Delete and cursor.atBlockEnd() and continues(block.next()):
                cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
                cursor.deleteChar()
                self.setTextCursor(cursor)
                return
        super().keyPressEvent(event)
