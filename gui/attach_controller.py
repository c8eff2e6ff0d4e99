"""The composer's attachments ↔ the core: a file chosen (the button's dialog, a seam
tests replace), dropped or pasted is checked, hashed and copied off the GUI thread
(gui.core.attachments), shown as a chip, and sent with the question after its original
is hashed again. Every refusal is said in the interface language; nothing typed is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QImage

from gui.attach_preview import AttachPreview
from gui.core import attachments
from gui.core.attachments import Picked
from gui.core.profiles import parse_models
from gui.core.store.attachments import StoredAttachment, thumbnail_path
from gui.core.tasks import spawn
from gui.values import ErrorInfo
from gui.widgets.attachment_chips import thumbnail
from gui.widgets.attachment_text import attachment_text, blind_model_text, large_document_text

if TYPE_CHECKING:
    from gui.controller import ChatController
    from gui.core.settings import Settings
    from gui.widgets.main_window import MainWindow

__all__ = ["AttachController"]

log = logging.getLogger(__name__)

THUMB_SIDE = 320


def _choose_files(parent: Any) -> list[str]:
    from PySide6.QtWidgets import QFileDialog

    title = QObject.tr(parent, "Attach files") if parent is not None else "Attach files"
    files, _filter = QFileDialog.getOpenFileNames(parent, title)
    return list(files)


def _prepare_with_thumb(path: str, directory: Path, name: str) -> Picked | ErrorInfo:
    """Copy and hash a file, and make its thumbnail if it is a picture (a worker thread)."""
    picked = attachments.prepare(path, directory, name)
    if isinstance(picked, Picked) and picked.stored.is_image:
        thumb = thumbnail_path(picked.stored.path)
        if not thumb.exists():
            image = thumbnail(picked.stored.path, THUMB_SIDE)
            if not image.isNull():
                image.save(str(thumb))
    return picked


def _save_png(image: QImage, directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    handle, path = tempfile.mkstemp(dir=directory, prefix=".pasted-", suffix=".png")
    with open(handle, "wb"):
        pass
    image.save(path)
    return path


def return_big_buffers() -> None:
    """Buffers of a megabyte or more come from (and go back to) the OS. glibc raises that
    threshold after the first big free, so the photo's copies (its bytes, base64, the
    request body) would otherwise stay in the process after sending."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name).mallopt(_M_MMAP_THRESHOLD, 1024 * 1024)


_M_MMAP_THRESHOLD = -3
SWEEP_FIRST_MS = 60_000
SWEEP_EVERY_MS = 6 * 3600 * 1000


class AttachController(QObject):
    """Owns the files attached to the message being written."""

    def __init__(
        self, window: MainWindow, controller: ChatController, settings: Settings | None = None
    ) -> None:
        super().__init__(window)
        self.window, self.controller, self.settings = window, controller, settings
        return_big_buffers()
        #: the file dialog; tests put a function returning paths here
        self.choose_files: Callable[[Any], list[str]] = _choose_files
        self.picked: dict[str, Picked] = {}
        self._keys = itertools.count(1)
        self._tasks: set[asyncio.Task[Any]] = set()
        composer = window.composer
        composer.attach_requested.connect(self.choose)
        composer.files_given.connect(self.add_files)
        composer.image_pasted.connect(self.add_image)
        composer.chips.removed.connect(lambda key: self.picked.pop(key, None))
        #: a sent file's preview, Open and Save as… (#19)
        self.preview = AttachPreview(window, controller)
        #: files attached but never sent go a minute after start, then every six hours
        self.sweeper = QTimer(self)
        self.sweeper.setInterval(SWEEP_FIRST_MS)
        self.sweeper.timeout.connect(self.sweep)
        self.sweeper.start()

    def sweep(self) -> asyncio.Task[int]:
        """Remove what was attached and never sent (and old copies opened), off the GUI
        thread; what the message box holds now stays."""
        self.sweeper.setInterval(SWEEP_EVERY_MS)
        keep = {picked.stored.sha256 for picked in self.picked.values()}

        def sweeping() -> int:
            from gui.core.attachment_files import sweep_open_copies

            try:
                count = self.controller.store.sweep_unsent(keep)
                sweep_open_copies(self.preview.open_root)
            except Exception as error:  # a closed or busy history: next time
                log.info("attachments not swept: %s", type(error).__name__)
                return 0
            return count

        return self._spawn(asyncio.to_thread(sweeping))

    # -- taking files ----------------------------------------------------------------
    def choose(self) -> None:
        paths = self.choose_files(self.window)
        if paths:
            self.add_files(paths)

    def add_files(self, paths: Iterable[str]) -> asyncio.Task[None]:
        return self._spawn(self._add([(str(path), "") for path in paths]))

    def add_image(self, image: QImage) -> asyncio.Task[None]:
        return self._spawn(self._add_image(QImage(image)))

    async def _add_image(self, image: QImage) -> None:
        directory = self.controller.store.attachments_dir
        path = await asyncio.to_thread(_save_png, image, directory)
        try:
            name = time.strftime("pasted-image-%Y%m%d-%H%M%S.png")
            await self._add([(path, name)], pasted=True)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)

    async def _add(self, items: list[tuple[str, str]], *, pasted: bool = False) -> None:
        directory = self.controller.store.attachments_dir
        for path, name in items:
            result = await asyncio.to_thread(_prepare_with_thumb, path, directory, name)
            if isinstance(result, ErrorInfo):
                self.window.show_status(attachment_text(result))
                continue
            if pasted:  # its original is gone: the copy is what was pasted
                result = Picked(result.stored.path, result.stored)
            key = str(next(self._keys))
            self.picked[key] = result
            stored = result.stored
            image = str(thumbnail_path(stored.path)) if stored.is_image else None
            self.window.composer.chips.add(key, stored.name, stored.size, image)
            if stored.is_image:
                self._warn_if_blind(stored)
            else:
                self._warn_if_large(stored.name, stored.size, stored.mime)

    def _warn_if_blind(self, stored: StoredAttachment) -> None:
        provider, model = self._model()
        marked = self.marked(provider)
        seeing = attachments.vision(provider, model, marked)
        if seeing == "unknown":
            self.window.show_status(blind_model_text(model or provider, stored.name))
        elif seeing == "blind":  # said now, and again (refused) at Send
            info = attachments.before_sending(provider, model, [stored], marked)
            if info is not None:
                self.window.show_status(attachment_text(info))

    def marked(self, provider: str) -> tuple[str, ...]:
        """The models the person marked as seeing images (Settings, a compatible profile)."""
        if self.settings is None:
            return ()
        with contextlib.suppress(KeyError, ValueError):
            info = self.controller.providers.info(provider)
            if any(field.name == "vision_models" for field in info.fields):
                return parse_models(self.settings.field(info, "vision_models"))
        return ()

    def _warn_if_large(self, name: str, size: int, mime: str) -> None:
        """A document over half the model's context (about 4 bytes a token; a PDF's text
        is about a tenth of its bytes) is said before it is sent."""
        from gui.core.context import model_context

        tokens = size // (40 if mime == "application/pdf" else 4)
        context = model_context(self._model()[1])
        if context and tokens > context // 2:
            self.window.show_status(large_document_text(name, tokens, context))

    def _model(self) -> tuple[str, str]:
        controller = self.controller
        provider, model = controller.choice()
        if controller.current_id is not None:
            with contextlib.suppress(Exception):
                chat = controller.store.get_conversation(controller.current_id)
                provider, model = chat.provider or provider, chat.model or model
        if not model:
            with contextlib.suppress(Exception):
                model = controller.providers.info(provider).default_model
        return provider, model

    # -- sending ---------------------------------------------------------------------
    def intercept_send(self, text: str) -> bool:
        """With files attached, the question goes once their originals are checked
        (off the GUI thread); True: it is on its way (or refused, text kept)."""
        if not self.picked:
            return False
        self._spawn(
            self._send(text, [self.picked[key] for key in self.window.composer.chips.order()])
        )
        return True

    async def _send(self, text: str, files: list[Picked]) -> None:
        provider, model = self._model()
        earlier: list[StoredAttachment] = []
        if self.controller.current_id is not None and provider.startswith("gigachat"):
            with contextlib.suppress(Exception):  # the images the chat sends again by id
                shown = self.controller.store.path_attachments(self.controller.current_id)
                earlier = [file for kept in shown.values() for file in kept]
        stored = [picked.stored for picked in files]
        problem = attachments.before_sending(
            provider, model, stored, self.marked(provider), earlier
        )
        if problem is None:
            problem = await attachments.changed(files)
        if problem is not None:
            self.window.show_status(attachment_text(problem))
            return
        self.controller.session.next_attachments = tuple(files)
        sent = self.controller.send(text)
        self.controller.session.next_attachments = ()
        if sent is not None:
            self.window.message_sent()
            self.window.composer.chips.clear()
            self.picked.clear()

    def off_thread(
        self, work: Callable[[], str], then: Callable[[str], None]
    ) -> asyncio.Task[None]:
        """`work` in a worker thread, its sentence to `then` on this one (an export, which
        reads every attached file of the chat)."""

        async def running() -> None:
            then(await asyncio.to_thread(work))

        return self._spawn(running())

    def _spawn(self, coroutine: Any) -> asyncio.Task[Any]:
        return spawn(self._tasks, coroutine, "attachments")
