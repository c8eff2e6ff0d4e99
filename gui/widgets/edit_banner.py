"""The banner above the composer while a sent message is edited: "Editing: …  [Cancel]".

It says what is edited (the message's first line, elided to fit) and that Enter sends
the new version; Cancel, like Esc in the composer, gives the composer its draft back.
Built when first shown, after the window's first frame.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QWidget

from gui.widgets.undo_bar import RoundedBar, announce

__all__ = ["EditBanner", "first_line"]


#: more of the first line than the banner could ever show: eliding a 500,000-character
#: line measures all of it (150 ms)
SHOWN_CHARS = 300


def first_line(text: str) -> str:
    """The first line with text in it, stripped, at most SHOWN_CHARS of it."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start : min(end, start + SHOWN_CHARS * 4)].strip()
        if line:
            return line[:SHOWN_CHARS]
        start = end + 1
    return ""


class EditBanner(RoundedBar):
    #: Cancel pressed: the window stops editing
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editBanner")
        self._line = ""
        self.label = QLabel(self)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.hint = QLabel(self)
        self.hint.setEnabled(False)  # the palette's dimmed text: secondary
        self.button = QPushButton(self)
        self.button.setObjectName("cancelEditButton")
        self.row.addWidget(self.label, 1)
        self.row.addWidget(self.hint)
        self.row.addWidget(self.button)
        self.button.clicked.connect(self.cancel_requested)
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.hint.setText(self.tr("Enter sends it as a new version"))
        self.button.setText(self.tr("Cancel"))
        self.button.setAccessibleName(self.tr("Cancel editing"))
        self.button.setAccessibleDescription(
            self.tr("Stop editing and get back what you typed before (Esc)")
        )
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_message(self, text: str) -> None:
        """Show the banner for a message with this text."""
        self._line = first_line(text)
        self._elide()
        self.show()
        announce(self, self._title())

    def _title(self) -> str:
        return self.tr("Editing: {0}").format(self._line)

    def _elide(self) -> None:
        from PySide6.QtCore import Qt  # after the first frame: see gui/widgets/theme.py

        title = self._title()
        width = max(self.label.width(), 40)
        self.label.setText(
            self.label.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight, width)
        )
        self.label.setToolTip(title if self.label.text() != title else "")
        self.setAccessibleName(title)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()
