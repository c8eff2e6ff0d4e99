"""Titles made by the model (issue #22): after a chat's first reply, one cheap request
names it, never holding the reply; a title renamed by hand, a failed request or the
option turned off (Chat → Name chats with the model) leaves the first line as it is."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from gui.core.store import MessageStatus, StoredMessage, StoreError
from gui.core.store.conversations import title_from_text
from gui.core.tasks import spawn
from gui.core.titles import make_title

if TYPE_CHECKING:
    from gui.controller import ChatController

log = logging.getLogger(__name__)


class TitleActions(QObject):
    def __init__(self, controller: ChatController, enabled: bool) -> None:
        super().__init__(controller)
        self.controller = controller
        #: A plain flag, not the menu action's state: the controller may finish a reply
        #: after the window (and its action) is gone.
        self.enabled = enabled
        self.tasks: set[asyncio.Task[None]] = set()
        controller.reply_finished.connect(self._on_reply_finished)

    def set_enabled(self, on: bool) -> None:
        self.enabled = on

    def _on_reply_finished(self, message: StoredMessage) -> None:
        if not self.enabled or message.status != MessageStatus.COMPLETE or not message.text:
            return
        store = self.controller.store
        try:
            chat = store.get_conversation(message.conversation_id)
            turns = store.path_turns(message.conversation_id)
        except (StoreError, KeyError):
            return
        if len(turns) != 2 or turns[0][0] != "user":
            return  # not the first reply (a system prompt is not a turn here)
        question = turns[0][1]
        if chat.title != title_from_text(question):
            return  # renamed by hand, or named already
        naming = self._name(chat.id, chat.title, chat.provider, chat.model, question, message.text)
        spawn(self.tasks, naming, "title")

    async def _name(
        self, chat_id: int, shown: str, provider: str, model: str, question: str, answer: str
    ) -> None:
        try:
            talker = await self.controller.providers.get(provider)
            title = await make_title(talker, model, question, answer)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # any failure: the first line stays the title
            log.info("no title from %s: %s", provider, type(error).__name__)
            return
        store = self.controller.store
        try:
            if title is None or store.get_conversation(chat_id).title != shown:
                return  # renamed meanwhile: the person's name wins
            store.update_conversation(chat_id, title=title)
        except (StoreError, KeyError):
            return
        self.controller.conversations_changed.emit()

    async def aclose(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
