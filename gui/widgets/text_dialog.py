"""A message's whole text in a plain read-only window ("Open as text", issue #21).

A plain text editor lays out a line of a megabyte no better than the chat view (one
block: 0.6 s, and again at every resize), so it is a LongLinesEdit: display blocks, and
what is copied out of it is the text itself. A megabyte goes in over a few loop turns.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from gui.widgets.long_blocks import LongLinesEdit

#: The text goes in this much at first, then PIECE_CHARS a loop turn (about 2 ms each).
FIRST_CHARS = 100_000
PIECE_CHARS = 200_000


class TextDialog(QDialog):
    """The whole of one text, to read, select and copy; it goes when closed."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("textDialog")
        self.resize(760, 560)
        self.text = text
        self.edit = LongLinesEdit(self)
        self.edit.setReadOnly(True)
        self.edit.setUndoRedoEnabled(False)
        self._shown = 0  # characters in the editor so far
        self._shown = self._cut(FIRST_CHARS)
        self.edit.setPlainText(text[: self._shown])
        if self._shown < len(text):
            QTimer.singleShot(1, self, self._more)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton()
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_all)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit, 1)
        layout.addWidget(buttons)
        self._title = title
        self.retranslate()
        self.edit.setFocus()

    def _cut(self, size: int) -> int:
        """An end for the next piece, never between the two halves of a CR LF."""
        end = min(self._shown + size, len(self.text))
        return end + 1 if 0 < end < len(self.text) and self.text[end - 1] == "\r" else end

    @property
    def complete(self) -> bool:
        """All of the text is in the editor."""
        return self._shown == len(self.text)

    def _more(self) -> None:
        end = self._cut(PIECE_CHARS)
        self.edit.append_plain(self.text[self._shown : end])
        self._shown = end
        if end < len(self.text):
            QTimer.singleShot(1, self, self._more)

    def retranslate(self) -> None:
        self.setWindowTitle(self._title)
        self.copy_button.setText(self.tr("Copy all"))
        self.edit.setAccessibleName(self._title)
        self.edit.setAccessibleDescription(self.tr("The whole text, read-only"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
