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
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from gui.core import chat_files
from gui.core.store import StoreError
from gui.core.store.tree import Deletion

if TYPE_CHECKING:
    from gui.controller import ChatController
    from gui.core.store import Conversation

__all__ = ["HistoryActions"]

log = logging.getLogger(__name__)


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
        """Add a chat exported as JSON and open it; returns a sentence for the status line.
        Read, checked and written off the GUI thread: a big export takes seconds."""
        try:
            conversation = await asyncio.to_thread(chat_files.import_file, self.store, Path(path))
        except (OSError, UnicodeDecodeError, StoreError) as error:
            reason = getattr(error, "strerror", None) or error
            return self.tr("Cannot import {0}: {1}").format(path, reason)
        self.controller.conversations_changed.emit()
        self.controller.open_conversation(conversation.id)
        return self.tr("Imported “{0}”").format(conversation.title)

    def import_later(self, path: str) -> None:
        """Import in the background; the status line says it started and how it ended."""
        self.controller.status.emit(self.tr("Importing {0}…").format(path))

        async def run() -> None:
            self.controller.status.emit(await self.import_chat(path))

        task = asyncio.get_running_loop().create_task(run(), name="import")
        self._imports.add(task)
        task.add_done_callback(self._imports.discard)

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


def _neighbour(listed: list[int], gone: int) -> int | None:
    """The chat to open when one goes: the one below it in the list, else the one above."""
    if gone not in listed:
        return listed[0] if listed else None
    index = listed.index(gone)
    rest = listed[:index] + listed[index + 1 :]
    if not rest:
        return None
    return rest[min(index, len(rest) - 1)]
