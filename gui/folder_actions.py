"""The sidebar's folders (issue #22): its intents (new, rename, delete, open or close a
folder, move a chat in or out) to the store, then the list shown again. A folder that
went meanwhile, or a history that refuses the write, is said on the status line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from gui.core.store import StoreError

if TYPE_CHECKING:
    from gui.controller import ChatController
    from gui.widgets.conversation_list import ConversationList

__all__ = ["FolderActions"]

log = logging.getLogger(__name__)


class FolderActions(QObject):
    def __init__(self, sidebar: ConversationList, controller: ChatController) -> None:
        super().__init__(controller)
        self.controller = controller
        self.store = controller.store
        sidebar.folder_new_requested.connect(self.create)
        sidebar.folder_rename_requested.connect(self.rename)
        sidebar.folder_delete_requested.connect(self.delete)
        sidebar.folder_collapse_requested.connect(self.collapse)
        sidebar.move_requested.connect(self.move)

    def create(self, name: str, chat: int = 0) -> None:
        """A new folder (with `chat`, that chat goes into it)."""

        def write() -> None:
            folder = self.store.create_folder(name)
            if chat:
                self.store.move_to_folder(chat, folder.id)

        self._change(write)

    def rename(self, folder_id: int, name: str) -> None:
        self._change(lambda: self.store.rename_folder(folder_id, name))

    def delete(self, folder_id: int) -> None:
        """The folder goes; its chats stay, at the top level."""
        self._change(lambda: self.store.delete_folder(folder_id))

    def collapse(self, folder_id: int, closed: bool) -> None:
        self._change(lambda: self.store.set_folder_collapsed(folder_id, closed))

    def move(self, conversation_id: int, folder_id: int) -> None:
        """Into a folder (0: out of its folder, to the top level)."""
        self._change(lambda: self.store.move_to_folder(conversation_id, folder_id or None))

    def _change(self, write: Callable[[], None]) -> None:
        try:
            write()
        except KeyError:
            self.controller.status.emit(self.tr("That folder or chat is gone"))
        except (StoreError, ValueError) as error:
            log.warning("folder change refused: %s", error)
            self.controller.status.emit(self.tr("Cannot change the folders: {0}").format(error))
        self.controller.conversations_changed.emit()  # the list shows what the store holds
