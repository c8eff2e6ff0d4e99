"""A sent question's file, clicked (or Enter on its link): its preview, then Open and
Save as…. The picture is decoded at the screen's size and a document's text read off the
GUI thread before the dialog opens; Open hands the desktop a read-only copy named as the
original (gui.core.attachment_files: nothing executable is ever opened); Save as… asks
for a place through a seam tests replace and copies off the GUI thread."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QImage

from gui.core import attachment_files
from gui.core.store.attachments import StoredAttachment
from gui.core.tasks import spawn
from gui.widgets.attachment_chips import thumbnail
from gui.widgets.attachment_text import file_gone_text, not_saved_text, saved_text

if TYPE_CHECKING:
    from gui.controller import ChatController
    from gui.widgets.attachment_preview import AttachmentPreview
    from gui.widgets.main_window import MainWindow

__all__ = ["AttachPreview"]

log = logging.getLogger(__name__)
#: The largest side a picture is decoded at for the preview (device pixels).
MAX_SIDE = 2560


def _choose_save_path(parent: Any, name: str) -> str:
    from PySide6.QtWidgets import QFileDialog

    title = QObject.tr(parent, "Save attachment") if parent is not None else "Save attachment"
    path, _filter = QFileDialog.getSaveFileName(parent, title, name)
    return str(path)


def _open_url(url: QUrl) -> bool:
    from PySide6.QtGui import QDesktopServices

    return bool(QDesktopServices.openUrl(url))


def _has_text(file: StoredAttachment) -> bool:
    return file.mime.startswith("text/") or file.mime in ("application/json", "application/pdf")


class AttachPreview(QObject):
    """Opens the preview of a sent file and does what its buttons ask."""

    def __init__(self, window: MainWindow, controller: ChatController) -> None:
        super().__init__(window)
        self.window, self.controller = window, controller
        #: the Save dialog; tests put a function (parent, suggested name) → path here
        self.choose_save_path: Callable[[Any, str], str] = _choose_save_path
        #: hands a file:// URL to the desktop; tests put a recorder here
        self.open_url: Callable[[QUrl], bool] = _open_url
        #: where Open puts its copies (None: a private folder under the temp folder)
        self.open_root: Path | None = None
        self.dialog: AttachmentPreview | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        window.view.attachment_requested.connect(self.show)

    def show(self, message_id: int, index: int) -> asyncio.Task[None]:
        return self._spawn(self._show(message_id, index))

    async def _show(self, message_id: int, index: int) -> None:
        from gui.widgets.attachment_preview import AttachmentPreview

        files = self.controller.store.attachments_of([message_id]).get(message_id, ())
        if not 0 <= index < len(files):
            return
        file = files[index]
        image: QImage | None = None
        text: str | None = None
        cut = False
        try:
            if file.is_image:
                image = await asyncio.to_thread(thumbnail, file.path, self._side())
                if image.isNull():
                    image = None
            elif _has_text(file):
                text, cut = await asyncio.to_thread(
                    attachment_files.preview_text, file.path, file.mime
                )
        except OSError:
            self.window.show_status(file_gone_text(file.name))
            return
        except Exception as error:  # a damaged PDF: no text, the buttons still work
            log.warning("no preview of %s: %s", file.sha256[:12], type(error).__name__)
        if not await asyncio.to_thread(Path(file.path).is_file):
            self.window.show_status(file_gone_text(file.name))
            return
        if self.dialog is not None:
            self.dialog.close()
        dialog = AttachmentPreview(
            file.name,
            file.size,
            image=image,
            text=text,
            cut=cut,
            can_open=attachment_files.can_open(file.name),
            parent=self.window,
        )
        del image, text  # the dialog holds its own pixmap and text
        dialog.open_requested.connect(lambda: self.open(file))
        dialog.save_requested.connect(lambda: self.save(file))
        dialog.destroyed.connect(lambda: self._gone(dialog))
        self.dialog = dialog
        dialog.show()

    def _gone(self, dialog: AttachmentPreview) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _side(self) -> int:
        screen = self.window.screen()
        room = screen.availableGeometry().size() * screen.devicePixelRatio()
        return min(max(room.width(), room.height(), 640), MAX_SIDE)

    # -- the dialog's buttons ----------------------------------------------------------
    def open(self, file: StoredAttachment) -> asyncio.Task[None] | None:
        if not attachment_files.can_open(file.name):
            return None  # never offered; and never done
        return self._spawn(self._open(file))

    async def _open(self, file: StoredAttachment) -> None:
        try:
            copy = await asyncio.to_thread(
                attachment_files.open_copy, file.path, file.name, file.sha256, self.open_root
            )
        except OSError:
            self.window.show_status(file_gone_text(file.name))
            return
        self.open_url(QUrl.fromLocalFile(str(copy)))

    def save(self, file: StoredAttachment) -> asyncio.Task[None] | None:
        parent = self.dialog if self.dialog is not None else self.window
        target = self.choose_save_path(parent, attachment_files.safe_name(file.name, "file"))
        if not target:
            return None
        return self._spawn(self._save(file, target))

    async def _save(self, file: StoredAttachment, target: str) -> None:
        try:
            await asyncio.to_thread(attachment_files.save_copy, file.path, target)
        except OSError as error:
            self.window.show_status(not_saved_text(file.name, error.strerror or str(error)))
            return
        self.window.show_status(saved_text(file.name, target))

    def _spawn(self, coroutine: Any) -> asyncio.Task[Any]:
        return spawn(self._tasks, coroutine, "attachment-preview")
