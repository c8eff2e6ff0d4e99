"""What the person does to the history itself: versions, forks, deleting with Undo, the Trash.

Beside the chat controller, which runs replies: these act on the tree in the store and
then have the controller show the open chat again. A delete acts at once and offers Undo
(`undo_offered`) until the next delete; a deleted chat goes to the Trash.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from gui.core import backup, chat_files
from gui.core.store import StoreError
from gui.core.store.tree import Deletion
from gui.widgets.import_progress import ImportProgress

if TYPE_CHECKING:
    from gui.controller import ChatController
    from gui.core.imports import Report
    from gui.core.imports.writer import Progress
    from gui.core.store import Conversation, Store

__all__ = ["HistoryActions"]

log = logging.getLogger(__name__)

#: an import that ends sooner shows no progress window (it would only flash)
SHOW_PROGRESS_AFTER_MS = 300
#: how long the import's thread holds the interpreter before the GUI thread may have it
SWITCH_INTERVAL_S = 0.001


@dataclasses.dataclass(frozen=True)
class _ChatDeleted:
    conversation_id: int


class HistoryActions(QObject):
    #: a sentence for the undo bar ("Message deleted"); Undo calls `undo`
    undo_offered = Signal(str)
    #: the open chat went to the Trash and no other chat is left to show
    conversation_closed = Signal()
    #: the Trash changed (a chat went in, came back or went for good)
    trash_changed = Signal()

    def __init__(self, controller: ChatController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.store = controller.store
        self._undo: Deletion | _ChatDeleted | None = None
        self._imports: set[asyncio.Task[None]] = set()
        self._cancels: set[threading.Event] = set()
        self._workers: set[asyncio.Future[Report]] = set()
        #: the running import's progress window (the newest, when several run)
        self.progress: ImportProgress | None = None
        #: the window progress windows belong to (else the active window)
        self.progress_parent: QWidget | None = None
        #: the profile's config folder (a backup's assistants and settings), and what
        #: to do once a backup's assistants are restored (the menu shows them)
        self.config_dir: Path | None = None
        self.restored: Callable[[], None] = lambda: None

    # -- files -----------------------------------------------------------------------
    def export(self, conversation_id: int, path: str, kind: str) -> str:
        """Write a chat as Markdown, JSON or HTML; returns a sentence for the status line."""
        try:
            chat_files.export_file(
                self.store,
                conversation_id,
                Path(path),
                kind,
                label_of=self.controller.session.label,
            )
        except OSError as error:
            return self.tr("Cannot export to {0}: {1}").format(path, error.strerror or error)
        return self.tr("Exported to {0}").format(path)

    async def import_chat(self, path: str) -> str:
        """Import a Besedka, ChatGPT or Chatbox export (found from its content); a single
        chat added is opened. Returns a sentence for the status line. Read, checked
        and written off the GUI thread; a progress window with Cancel shows while it runs
        (cancelling takes back everything the import wrote)."""
        loop = asyncio.get_running_loop()
        cancel = threading.Event()
        progress = ImportProgress(Path(path).name, self.dialog_parent())
        progress.cancel_requested.connect(cancel.set)
        self.progress = progress
        QTimer.singleShot(SHOW_PROGRESS_AFTER_MS, progress, progress.show)

        def told(report: Report) -> None:  # on the worker thread: hand plain numbers over
            numbers = (report.done_bytes, report.total_bytes, report.conversations)
            loop.call_soon_threadsafe(self._show_progress, progress, *numbers, report.messages)

        self._cancels.add(cancel)
        try:
            work = loop.run_in_executor(None, _import, self.store, Path(path), cancel, told)
            self._workers.add(work)
            work.add_done_callback(self._workers.discard)
            report = await asyncio.shield(work)  # a cancelled task leaves it to undo itself
        except (OSError, UnicodeDecodeError, StoreError) as error:
            return self.tr("Cannot import {0}: {1}").format(path, self._reason(error))
        except Exception as error:  # anything unforeseen: said, never a status stuck on "…"
            log.exception("import of %s failed", path)
            return self.tr("Cannot import {0}: {1}").format(path, type(error).__name__)
        except asyncio.CancelledError:
            cancel.set()  # the thread takes back what it wrote
            raise
        finally:
            self._cancels.discard(cancel)
            if self.progress is progress:
                self.progress = None
            progress.finish()
        if report.cancelled:
            return self.tr("Import cancelled: nothing was added")
        if report.ids:
            self.controller.conversations_changed.emit()
            if len(report.ids) == 1:  # one chat: shown; many: they are in the list
                await asyncio.sleep(0)  # a loop turn between the list and the chat
                self.controller.open_conversation(report.ids[0])
        if self.config_dir is not None and backup.manifest_of(Path(path)) is not None:
            with contextlib.suppress(OSError, ValueError, StoreError):  # the chats are in
                extras = (Path(path), self.config_dir, self.store)  # and the folders (#22)
                await asyncio.to_thread(backup.restore_extras, *extras)
                self.restored()
                self.controller.conversations_changed.emit()
        return self._imported(report)

    async def backup(self, path: str) -> str:
        """A full backup (every chat, the assistants, the settings; no keys) written on a
        worker thread; a sentence for the status line."""
        if self.config_dir is None:
            return self.tr("Cannot back up: no profile")
        config = self.config_dir

        def write() -> Report:
            from gui import pacing

            with pacing.sharing(SWITCH_INTERVAL_S):
                return backup.write_backup(self.store, config, Path(path))

        try:
            report = await asyncio.to_thread(write)
        except (OSError, StoreError) as error:
            reason = getattr(error, "strerror", None) or error
            return self.tr("Cannot back up to {0}: {1}").format(path, reason)
        return self.tr("Backed up %n chat(s) to {0}", "", report.conversations).format(path)

    def backup_later(self, path: str) -> None:
        async def run() -> None:
            self.controller.status.emit(await self.backup(path))

        task = asyncio.get_running_loop().create_task(run(), name="backup")
        self._imports.add(task)
        task.add_done_callback(self._imports.discard)

    def import_later(self, path: str) -> None:
        """Import in the background; the status line says it started and how it ended."""
        self.controller.status.emit(self.tr("Importing {0}…").format(path))

        async def run() -> None:
            self.controller.status.emit(await self.import_chat(path))

        task = asyncio.get_running_loop().create_task(run(), name="import")
        self._imports.add(task)
        task.add_done_callback(self._imports.discard)

    def cancel_imports(self) -> None:
        """Ask every running import to stop (each takes back what it wrote)."""
        for cancel in list(self._cancels):
            cancel.set()

    async def finish_imports(self) -> None:
        """Cancel running imports and wait until they have taken their writes back: call
        before the store closes at shutdown."""
        self.cancel_imports()
        if self._imports:
            await asyncio.gather(*self._imports, return_exceptions=True)
        if self._workers:  # threads still taking back what they wrote
            await asyncio.gather(*self._workers, return_exceptions=True)

    def dialog_parent(self) -> QWidget | None:
        """The window the progress window belongs to (`progress_parent` when the wiring
        set it, else the active window)."""
        return self.progress_parent or QApplication.activeWindow()

    @staticmethod
    def _show_progress(
        progress: ImportProgress, done: int, total: int, chats: int, messages: int
    ) -> None:
        with contextlib.suppress(RuntimeError):  # closed meanwhile
            progress.show_progress(done / total if total else 0.0, chats, messages)

    def _reason(self, error: Exception) -> str:
        """Why a file was refused, in the interface language where the reason is known."""
        reason = getattr(error, "reason", None)
        if reason == "unknown_format":
            return self.tr("this is not a Besedka, ChatGPT or Chatbox export")
        if reason in ("not_json", "damaged"):
            return self.tr("the file is damaged or not JSON")
        if reason == "no_conversations_json":
            return self.tr("the archive holds no conversations.json")
        if reason == "too_big":
            return self.tr("the file is too big")
        return str(getattr(error, "strerror", None) or error)

    def _imported(self, report: Report) -> str:
        """What an import added and left out, as a sentence."""
        if report.format == "besedka" and report.conversations == 1:
            return self.tr("Imported “{0}”").format(report.first_title)
        text = self.tr("Imported from {0}: %n chat(s)", "", report.conversations).format(
            Path(report.path).name
        )
        text += self.tr(", %n message(s)", "", report.messages)
        if report.duplicates:
            text += self.tr("; %n chat(s) were already here", "", report.duplicates)
        left = sum(n for reason, n in report.skipped.items() if reason != "non_text_parts")
        if left:
            text += self.tr("; left out %n system, tool or non-text message(s)", "", left)
        parts = report.skipped.get("non_text_parts", 0)
        if parts:
            text += self.tr("; left out %n image(s) or attachment(s)", "", parts)
        return text

    # -- a chat's name and pin -------------------------------------------------------
    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self.store.update_conversation(conversation_id, title=title.strip())
        self.controller.conversations_changed.emit()

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self.store.update_conversation(conversation_id, pinned=pinned)
        self.controller.conversations_changed.emit()

    # -- versions and forks ----------------------------------------------------------
    def switch_version(self, message_id: int, step: int) -> None:
        """Show the previous (-1) or next (+1) version of a message and what follows it."""
        controller = self.controller
        conversation_id = self.store.get_message(message_id).conversation_id
        if controller.is_busy(conversation_id):
            controller.status.emit(self.tr("Wait for the reply to finish, or stop it."))
            return
        chosen = self.store.switch_version(message_id, step)
        if chosen is not None and conversation_id == controller.current_id:
            controller.open_conversation(conversation_id, scroll_to=chosen)

    def fork(self, message_id: int) -> Conversation:
        """A new chat with the path up to this message, opened."""
        conversation = self.store.fork(message_id)
        self.controller.conversations_changed.emit()
        self.controller.open_conversation(conversation.id)
        return conversation

    # -- deleting, with Undo -----------------------------------------------------------
    def delete_message(self, message_id: int) -> None:
        """One message goes; the path goes on without it."""
        controller = self.controller
        message = self.store.get_message(message_id)
        self._stop_if_streaming(message.conversation_id, message_id)
        self._undo = self.store.delete_message(message_id)
        controller.message_removed.emit(message_id)
        self.undo_offered.emit(self.tr("Message deleted"))

    def delete_branch(self, message_id: int) -> None:
        """A version and everything under it goes; another version shows instead."""
        controller = self.controller
        conversation_id = self.store.get_message(message_id).conversation_id
        controller.stop(conversation_id)
        self._undo = self.store.delete_branch(message_id)
        if conversation_id == controller.current_id:
            controller.open_conversation(conversation_id)
        self.undo_offered.emit(self.tr("Branch deleted"))

    def delete_conversation(self, conversation_id: int) -> None:
        """The chat goes to the Trash; when it was open, the next one opens."""
        controller = self.controller
        listed = [c.id for c in self.store.list_conversations()]
        controller.stop(conversation_id)
        self.store.delete_conversation(conversation_id)
        self._undo = _ChatDeleted(conversation_id)
        if controller.current_id == conversation_id:
            controller.current_id = None
            following = _neighbour(listed, conversation_id)
            if following is not None:
                controller.open_conversation(following)
            else:
                self.conversation_closed.emit()
        controller.conversations_changed.emit()
        self.trash_changed.emit()
        self.undo_offered.emit(self.tr("Chat moved to the Trash"))

    def undo(self) -> None:
        """Put back what the last delete took."""
        undo, self._undo = self._undo, None
        controller = self.controller
        if isinstance(undo, _ChatDeleted):
            self.restore(undo.conversation_id)
        elif isinstance(undo, Deletion):
            self.store.undo_deletion(undo)
            if undo.conversation_id == controller.current_id:
                controller.open_conversation(undo.conversation_id)

    def _stop_if_streaming(self, conversation_id: int, message_id: int) -> None:
        if self.controller.streaming_message(conversation_id) == message_id:
            self.controller.stop(conversation_id)

    # -- the Trash ---------------------------------------------------------------------
    def trash(self) -> list[Conversation]:
        return self.store.trash()

    def restore(self, conversation_id: int) -> None:
        """A chat back from the Trash, opened."""
        try:
            self.store.restore_conversation(conversation_id)
        except KeyError:  # emptied meanwhile (another window)
            return
        self.controller.conversations_changed.emit()
        self.controller.open_conversation(conversation_id)
        self.trash_changed.emit()

    def purge(self, conversation_id: int) -> None:
        """A chat in the Trash deleted for good."""
        with contextlib.suppress(KeyError):  # emptied meanwhile
            self.store.purge_conversation(conversation_id)
        if isinstance(self._undo, _ChatDeleted) and self._undo.conversation_id == conversation_id:
            self._undo = None
        self.trash_changed.emit()

    def empty_trash(self) -> None:
        count = self.store.purge_deleted()
        log.info("emptied the Trash: %d chat(s)", count)
        if isinstance(self._undo, _ChatDeleted):
            self._undo = None
        self.trash_changed.emit()


def _import(store: Store, path: Path, cancel: threading.Event, progress: Progress) -> Report:
    """The import itself, on a worker thread (its modules load there too, not on the GUI
    thread), in `_sharing_the_interpreter`. (A lower OS priority for the thread would
    make it worse: descheduled while it holds the interpreter, it would hold the GUI.)"""
    from gui.core.imports import import_path

    with _sharing_the_interpreter():
        return import_path(store, path, cancel=cancel, progress=progress)


@contextlib.contextmanager
def _sharing_the_interpreter() -> Iterator[None]:
    """While imports run, a thread hands the interpreter over after SWITCH_INTERVAL_S
    instead of 5 ms and the collector rests (a full collection of the window's objects,
    from the worker, would hold the GUI thread for tens of milliseconds): gui/pacing.py,
    shared with the other workers."""
    from gui import pacing

    with pacing.sharing(SWITCH_INTERVAL_S):
        yield


def _neighbour(listed: list[int], gone: int) -> int | None:
    """The chat to open when one goes: the one below it in the list, else the one above."""
    if gone not in listed:
        return listed[0] if listed else None
    index = listed.index(gone)
    rest = listed[:index] + listed[index + 1 :]
    if not rest:
        return None
    return rest[min(index, len(rest) - 1)]
