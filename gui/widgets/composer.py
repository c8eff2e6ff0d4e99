"""The message input: Enter sends, Shift+Enter breaks the line, huge pastes are refused.

A pasted line of any length stays quick to type in and to send (LongLinesEdit keeps it
in display blocks of at most 2,000 characters; the text sent is the text pasted).

Files come by its attach button, dropped on it, or pasted (an image from the
clipboard): it asks for them (`files_given`, `image_pasted`) and shows what was taken as
chips (`chips`, attachment_chips.py) above the text; a message may be files alone.

It also holds a message being edited: the draft typed before is put aside and comes
back when the edit is cancelled (Esc) or sent.
"""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QLocale, QMimeData, Signal
from PySide6.QtGui import QImage, QKeyEvent, QTextOption
from PySide6.QtWidgets import QToolButton, QWidget

from gui.widgets.attachment_chips import AttachmentChips
from gui.widgets.long_blocks import LongLinesEdit
from gui.widgets.long_text import has_long_line

#: Longer messages are refused at paste or send time: no provider takes them, and a
#: multi-megabyte document in the editor makes typing sluggish.
MAX_MESSAGE_CHARS = 500_000
#: A pasted line longer than this (base64, minified JSON) is wrapped anywhere, which reads
#: better than word wrapping at the ends of its display blocks.
LONG_LINE_CHARS = 10_000


class Composer(LongLinesEdit):
    #: the text to send (already stripped, within the limit)
    submitted = Signal(str)
    #: a plain sentence for the status line (e.g. a refused paste)
    refused = Signal(str)
    #: Esc while editing a message: the window cancels the edit
    cancel_requested = Signal()
    #: local files to attach (dropped, pasted as files), and the attach button clicked
    files_given = Signal(list)
    image_pasted = Signal(QImage)
    attach_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setTabChangesFocus(True)
        #: grows with the text up to this share of the window's height, then scrolls
        self.max_share = 0.4
        self.document().documentLayout().documentSizeChanged.connect(self.fit_height)
        self.fit_height()
        self.editing_message_id: int | None = None
        self._draft = ""  # what was typed before editing began
        self._default_wrap = self.wordWrapMode()
        self.textChanged.connect(self._on_text_changed)
        self.chips = AttachmentChips()  # placed in the composer box (window_layout)
        self.attach_button = QToolButton()
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setAutoRaise(True)
        self.attach_button.clicked.connect(self.attach_requested)
        self.retranslate()

    def retranslate(self) -> None:
        self.setPlaceholderText(self.tr("Type a message…"))  # the hint under it says how to send
        self.setAccessibleName(self.tr("Message"))
        self.setAccessibleDescription(self.tr("Enter sends, Shift+Enter starts a new line"))
        self.attach_button.setToolTip(
            self.tr("Attach files (or drop them here, or paste an image)")
        )
        self.attach_button.setAccessibleName(self.tr("Attach files"))
        self.attach_button.setAccessibleDescription(
            self.tr("Images, text, code, CSV or PDF files go with the message")
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        # While editing, Esc is the composer's (cancel), not the window's Stop shortcut.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and self.editing_message_id is not None
            and isinstance(event, QKeyEvent)
            and event.key() == QtCore.Qt.Key.Key_Escape
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        qt = QtCore.Qt  # not imported by name: see gui/widgets/theme.py
        if event.key() == qt.Key.Key_Escape and self.editing_message_id is not None:
            self.cancel_requested.emit()
            return
        enter = event.key() in (qt.Key.Key_Return, qt.Key.Key_Enter)
        if enter and not event.modifiers() & qt.KeyboardModifier.ShiftModifier:
            self.submit()
            return
        super().keyPressEvent(event)

    def start_editing(self, message_id: int, text: str) -> None:
        """Take a message's text to edit; the draft is kept (once, if already editing)."""
        if self.editing_message_id is None:
            self._draft = self.toPlainText()
        self.editing_message_id = message_id
        self.setPlainText(text)
        self.moveCursor(self.textCursor().MoveOperation.End)

    def stop_editing(self) -> None:
        """Editing ends (cancelled or sent): the draft typed before comes back."""
        if self.editing_message_id is None:
            return
        self.editing_message_id = None
        self.setPlainText(self._draft)
        self._draft = ""
        self.moveCursor(self.textCursor().MoveOperation.End)

    def submit(self) -> None:
        text = self.toPlainText().strip()
        if not text and not self.chips.count():
            return
        if len(text) > MAX_MESSAGE_CHARS:
            self.refused.emit(self._too_long_message(len(text)))
            return
        self.submitted.emit(text)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return (
            bool(_local_files(source)) or source.hasImage() or super().canInsertFromMimeData(source)
        )

    def insertFromMimeData(self, source: QMimeData) -> None:
        if files := _local_files(source):
            self.files_given.emit(files)
            return
        if source.hasImage() and not source.hasText():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.image_pasted.emit(image)
            return
        text = source.text() if source.hasText() else ""
        length = len(self.toPlainText()) + len(text)
        if length > MAX_MESSAGE_CHARS:
            self.refused.emit(self._too_long_message(length))
            return
        if has_long_line(text, LONG_LINE_CHARS):
            self.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        if text:
            self.insert_plain(text)

    def fit_height(self, *_size: object) -> None:
        """As tall as its text (two lines at least), up to `max_share` of the window."""
        lines = max(2, int(self.document().documentLayout().documentSize().height()))
        spacing = self.fontMetrics().lineSpacing()
        chrome = 2 * round(self.document().documentMargin()) + 2 * self.frameWidth() + 4
        window = self.window()
        ceiling = int(window.height() * self.max_share) if window is not self else 8 * spacing
        height = max(2 * spacing + chrome, min(lines * spacing + chrome, ceiling))
        if height != self.height():
            self.setFixedHeight(height)

    def _on_text_changed(self) -> None:
        if self.document().isEmpty() and self.wordWrapMode() != self._default_wrap:
            self.setWordWrapMode(self._default_wrap)

    def _too_long_message(self, length: int) -> str:
        locale = QLocale()  # the interface language's digit grouping
        return self.tr(
            "The text is too long to send ({0} characters; the limit is {1}). "
            "Attach less, or split it."
        ).format(locale.toString(length), locale.toString(MAX_MESSAGE_CHARS))


def _local_files(source: QMimeData) -> list[str]:
    """The local files a drop or paste carries (file manager URLs)."""
    if not source.hasUrls():
        return []
    return [url.toLocalFile() for url in source.urls() if url.isLocalFile()]
