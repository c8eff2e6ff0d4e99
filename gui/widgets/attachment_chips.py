"""The files attached to the message being written: one removable chip each (a thumbnail
for an image, the name, the size), in a row inside the composer's box above the text.
Hidden while there are none. Thumbnails are decoded off the GUI thread (QImageReader
scales while decoding) and arrive by a queued signal."""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QLocale, QObject, QSize, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

__all__ = ["THUMB_PX", "AttachmentChips", "human_size", "thumbnail"]

THUMB_PX = 40
translate = QCoreApplication.translate


def human_size(size: int) -> str:
    """Bytes as a person reads them, in the interface language's digits."""
    locale = QLocale()
    if size < 1024:
        return translate("Attachments", "{0} B").format(size)
    if size < 1024 * 1024:
        return translate("Attachments", "{0} KB").format(locale.toString(size / 1024, "f", 0))
    return translate("Attachments", "{0} MB").format(locale.toString(size / 1048576, "f", 1))


def thumbnail(path: str, side: int) -> QImage:
    """A small image of a picture, decoded at that size (any thread)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    full = reader.size()
    if full.isValid() and full.width() > 0 and full.height() > 0:
        scale = side / max(full.width(), full.height())
        if scale < 1:
            reader.setScaledSize(
                QSize(max(1, round(full.width() * scale)), max(1, round(full.height() * scale)))
            )
    return reader.read()


class _Thumbs(QObject):
    """Carries a decoded thumbnail from its thread to the GUI thread."""

    ready = Signal(str, QImage)


class Chip(QFrame):
    def __init__(self, key: str, name: str, size: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentChip")
        self.setStyleSheet(
            "QFrame#attachmentChip { border: 1px solid palette(mid); border-radius: 8px; }"
        )
        self.key = key
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 2, 2)
        row.setSpacing(6)
        self.thumb = QLabel()
        self.thumb.hide()
        self.label = QLabel(f"{name} · {human_size(size)}")
        self.label.setToolTip(name)
        self.remove_button = QToolButton()
        self.remove_button.setText("×")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip(translate("Attachments", "Remove {0}").format(name))
        self.remove_button.setAccessibleName(translate("Attachments", "Remove {0}").format(name))
        row.addWidget(self.thumb)
        row.addWidget(self.label)
        row.addWidget(self.remove_button)
        self.setAccessibleName(translate("Attachments", "Attached: {0}").format(name))


class AttachmentChips(QWidget):
    """The row of chips; `removed(key)` when the person takes one off."""

    removed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentChips")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        self._row.addStretch(1)
        self._chips: dict[str, Chip] = {}
        self._thumbs = _Thumbs(self)
        self._thumbs.ready.connect(self._show_thumb)
        self.hide()

    def order(self) -> list[str]:
        return list(self._chips)

    def count(self) -> int:
        return len(self._chips)

    def chip(self, key: str) -> Chip:
        return self._chips[key]

    def add(self, key: str, name: str, size: int, image: str | None = None) -> None:
        """A chip for one file; `image` is the path of a picture to show small."""
        chip = Chip(key, name, size, self)
        chip.remove_button.clicked.connect(lambda: self._remove_clicked(key))
        self._row.insertWidget(self._row.count() - 1, chip)
        self._chips[key] = chip
        self.show()
        if image is not None:
            ratio = self.devicePixelRatioF()
            side = round(THUMB_PX * ratio)
            threading.Thread(
                target=lambda: self._thumbs.ready.emit(key, thumbnail(image, side)),
                name="attachment-thumbnail",
                daemon=True,
            ).start()

    def remove(self, key: str) -> None:
        chip = self._chips.pop(key, None)
        if chip is not None:
            chip.deleteLater()
            chip.hide()
        self.setVisible(bool(self._chips))

    def clear(self) -> None:
        for key in list(self._chips):
            self.remove(key)

    def _remove_clicked(self, key: str) -> None:
        self.remove(key)
        self.removed.emit(key)

    def _show_thumb(self, key: str, image: QImage) -> None:
        chip = self._chips.get(key)
        if chip is None or image.isNull():
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF())
        chip.thumb.setPixmap(pixmap)
        chip.thumb.show()
