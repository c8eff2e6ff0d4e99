"""A running import: how far it is, what it has added so far, and Cancel.

Non-modal (shown with show(), never exec(): no nested event loop under qasync), so the
window stays usable while a big export is read. Cancel (or Esc, or closing it) asks the
import to stop; the import then takes back what it wrote and closes this.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ImportProgress"]

translate = QCoreApplication.translate
#: the bar's steps (a fraction of the file read)
STEPS = 1000


class ImportProgress(QDialog):
    #: the person asked the import to stop
    cancel_requested = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importProgress")
        self.setModal(False)
        self.setWindowTitle(translate("ImportProgress", "Importing"))
        self.cancelling = False
        self._done = False
        self.title = QLabel(translate("ImportProgress", "Importing {0}…").format(name), self)
        self.title.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, STEPS)
        self.bar.setAccessibleName(translate("ImportProgress", "Import progress"))
        self.counts = QLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleDescription(
            translate("ImportProgress", "Stop the import; nothing of it is kept")
        )
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.bar)
        layout.addWidget(self.counts)
        layout.addWidget(self.buttons)
        self.show_progress(0.0, 0, 0)

    def show_progress(self, fraction: float, chats: int, messages: int) -> None:
        """How far the file is read (0 to 1) and what was added so far."""
        self.bar.setValue(round(max(0.0, min(1.0, fraction)) * STEPS))
        if not self.cancelling:
            self.counts.setText(
                translate("ImportProgress", "Chats so far: {0}, messages: {1}").format(
                    chats, messages
                )
            )

    def cancel(self) -> None:
        if self.cancelling:
            return
        self.cancelling = True
        self.cancel_button.setEnabled(False)
        self.counts.setText(translate("ImportProgress", "Cancelling: taking back what was added…"))
        self.cancel_requested.emit()

    def reject(self) -> None:  # Esc: cancel, stay open until the import has undone itself
        self.cancel()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._done:  # the window's close button: as Cancel
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def finish(self) -> None:
        """The import ended (done, failed or cancelled): close for good."""
        self._done = True
        self.close()
        self.deleteLater()
