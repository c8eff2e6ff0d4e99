"""A slim bar above the composer: "Chat deleted.  [Undo]" for a few seconds.

Deleting a chat, a message or a branch takes effect at once and is undone from here,
rather than asked about beforehand. The bar hides by itself after UNDO_SECONDS, but
not while the pointer is over it or its button has the keyboard focus (timing a person
cannot extend is an accessibility failure, WCAG 2.2.1). Esc leaves it alone.

Built when first shown, after the window's first frame.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QTimer, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

__all__ = ["UNDO_SECONDS", "RoundedBar", "UndoBar"]

#: How long the bar stays when nobody touches it.
UNDO_SECONDS = 10


class RoundedBar(QFrame):
    """A row on a rounded, palette-coloured card (the edit banner is one, too)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(12, 4, 6, 4)
        self.row.setSpacing(8)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(palette.mid().color())
        painter.setBrush(palette.alternateBase())
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.end()


def announce(widget: QWidget, text: str) -> None:
    """Have a screen reader say `text` now (a no-op when none listens)."""
    if QAccessible.isActive():
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(widget, text))


class UndoBar(RoundedBar):
    #: the Undo button: the wiring undoes the last deletion
    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.label = QLabel(self)
        self.label.setWordWrap(False)
        self.button = QPushButton(self)
        self.button.setObjectName("undoButton")
        self.row.addWidget(self.label, 1)
        self.row.addWidget(self.button)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(UNDO_SECONDS * 1000)
        self.timer.timeout.connect(self._on_timeout)
        self.button.clicked.connect(self._on_undo)
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.button.setText(self.tr("Undo"))
        self.button.setAccessibleName(self.tr("Undo"))
        self._describe()

    def _describe(self) -> None:
        text = self.label.text()
        self.setAccessibleName(text)
        self.button.setAccessibleDescription(
            self.tr("Undo: {0}").format(text) if text else self.tr("Undo the last deletion")
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_message(self, text: str) -> None:
        """Show `text` with the Undo button, for UNDO_SECONDS from now."""
        self.label.setText(text)
        self._describe()
        self.show()
        self.timer.start()
        announce(self, text)

    def dismiss(self) -> None:
        self.timer.stop()
        self.hide()

    def _on_undo(self) -> None:
        self.dismiss()
        self.undo_requested.emit()

    def _on_timeout(self) -> None:
        if self.underMouse() or self.button.hasFocus():
            self.timer.start()  # still being read or about to be pressed: wait
        else:
            self.dismiss()

    def leaveEvent(self, event: QEvent) -> None:
        if self.isVisible():
            self.timer.start()  # the full time again once the pointer leaves
        super().leaveEvent(event)
