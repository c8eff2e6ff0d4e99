"""A sent attachment looked at again: a picture scaled to fit the window, or a
document's text read-only, with Open (a copy, in the program the desktop chooses) and
Save as…. It renders what it is given — decoding and reading happen off the GUI thread
before it opens (gui/attach_preview.py) — and says what the person asked by signals."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.attachment_chips import human_size
from gui.widgets.long_blocks import LongLinesEdit

__all__ = ["AttachmentPreview", "FitImage"]


class FitImage(QLabel):
    """A picture as large as the space allows, never larger than it is, aspect kept."""

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap.fromImage(image)
        self.setMinimumSize(64, 64)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        from PySide6.QtCore import Qt

        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def sizeHint(self) -> QSize:
        ratio = self._pixmap.devicePixelRatio() or 1.0
        return QSize(round(self._pixmap.width() / ratio), round(self._pixmap.height() / ratio))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        from PySide6.QtCore import Qt

        if self._pixmap.isNull():
            return
        ratio = self.devicePixelRatioF()
        room = self.size() * ratio
        if self._pixmap.width() <= room.width() and self._pixmap.height() <= room.height():
            shown = self._pixmap
        else:
            shown = self._pixmap.scaled(
                room,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        shown.setDevicePixelRatio(ratio)
        self.setPixmap(shown)

    def shown_size(self) -> QSize:
        """The size the picture has on screen (logical pixels)."""
        pixmap = self.pixmap()
        ratio = pixmap.devicePixelRatio() or 1.0
        return QSize(round(pixmap.width() / ratio), round(pixmap.height() / ratio))


class AttachmentPreview(QDialog):
    """One file of a sent message; it goes when closed."""

    #: Open: a copy in the desktop's program for this kind of file
    open_requested = Signal()
    #: Save as…
    save_requested = Signal()

    def __init__(
        self,
        name: str,
        size: int,
        *,
        image: QImage | None = None,
        text: str | None = None,
        cut: bool = False,
        can_open: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from PySide6.QtCore import Qt

        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("attachmentPreview")
        self.name, self.size_bytes, self.cut = name, size, cut
        self.image_view: FitImage | None = None
        self.text_view: LongLinesEdit | None = None
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        if image is not None and not image.isNull():
            self.image_view = FitImage(image, self)
            layout.addWidget(self.image_view, 1)
            self.image_view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            hint = self.image_view.sizeHint()
            self.resize(min(max(hint.width() + 24, 360), 1000), min(hint.height() + 80, 760))
        elif text is not None:
            self.text_view = LongLinesEdit(self)
            self.text_view.setReadOnly(True)
            self.text_view.setUndoRedoEnabled(False)
            self.text_view.setPlainText(text)
            layout.addWidget(self.text_view, 1)
            self.resize(760, 560)
        else:
            self.resize(440, 160)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton()
        self.save_button = QPushButton()
        if can_open:
            buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        else:
            self.open_button.hide()
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.open_button.clicked.connect(self.open_requested)
        self.save_button.clicked.connect(self.save_requested)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.can_open = can_open
        self.retranslate()
        focus = self.image_view or self.text_view or self.save_button
        focus.setFocus()

    def retranslate(self) -> None:
        self.setWindowTitle(f"{self.name} · {human_size(self.size_bytes)}")
        self.open_button.setText(self.tr("&Open"))
        self.open_button.setAccessibleName(self.tr("Open {0} in another program").format(self.name))
        self.save_button.setText(self.tr("&Save as…"))
        self.save_button.setAccessibleName(self.tr("Save {0} as…").format(self.name))
        self.setAccessibleName(self.tr("Attachment {0}").format(self.name))
        notes = []
        if self.image_view is not None:
            self.image_view.setAccessibleName(self.tr("Picture {0}").format(self.name))
            self.image_view.setAccessibleDescription(self.tr("Scaled to fit the window"))
        elif self.text_view is not None:
            self.text_view.setAccessibleName(self.tr("Text of {0}").format(self.name))
            self.text_view.setAccessibleDescription(self.tr("The file's text, read-only"))
            if self.cut:
                notes.append(self.tr("Only the beginning is shown; open or save the file for all."))
        else:
            notes.append(self.tr("There is no preview for this kind of file."))
        if not self.can_open:
            notes.append(self.tr("Files of this kind are not opened from here; save it instead."))
        self.note.setText(" ".join(notes))
        self.note.setVisible(bool(notes))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
