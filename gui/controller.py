"""The window's side of a chat turn: widgets send intents here and render its signals.

The turn itself (history, reply, provider, saving) is `gui.core.session.ChatSession`, the
same as `besedka ask` runs. What is left here is Qt's: each conversation's reply runs as
a named, cancellable task, and its text is handed to the view at most once per frame.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from gui.core.session import ChatSession, ReplyRecorder, Turn
from gui.core.store import Conversation, MessageStatus, SearchHit, Store, StoredMessage, StoreError
from gui.widgets.i18n import provider_text
from providers.registry import DEFAULT_PROVIDER

if TYPE_CHECKING:
    from gui.core.provider_factory import ProviderFactory
    from gui.values import ConnectionResult, ProviderInfo

log = logging.getLogger(__name__)

FRAME_MS = 16
#: The most text handed to the view in one piece: it lays out about 5 characters a
#: microsecond, so more would hold the event loop longer than a frame. A faster stream
#: is shown a piece at a time and catches up at the end.
MAX_PIECE_CHARS = 12_000
#: More text than this in a frame is a firehose (a local server replaying text, tens of
#: thousands of tokens a second), far faster than anyone reads: then the view is fed
#: every FIREHOSE_FRAME_S only, as each piece costs a layout pass and a repaint.
FIREHOSE_CHARS = 2_000
FIREHOSE_FRAME_S = 0.033
#: The live tokens/s figure changes this often: readable, and not a label repaint a frame.
SPEED_EVERY_S = 0.5
PAGE_SIZE = 60


class ChatController(QObject):
    conversations_changed = Signal()
    #: conversation, messages (oldest first), has_older
    conversation_opened = Signal(object, list, bool)
    #: older page for the open conversation: messages, has_older
    older_loaded = Signal(list, bool)
    #: message id the view should bring into sight (a search hit)
    scroll_requested = Signal(int)
    message_added = Signal(object)
    message_updated = Signal(object)
    message_removed = Signal(int)
    #: a streaming reply appeared (its StoredMessage, status streaming)
    reply_started = Signal(object)
    #: message id, text batch
    reply_delta = Signal(int, str)
    #: the final StoredMessage (complete, stopped or failed)
    reply_finished = Signal(object)
    #: conversation id, streaming or not
    busy_changed = Signal(int, bool)
    #: one line for the status bar
    status = Signal(str)
    #: provider name, models
    models_loaded = Signal(str, list)

    def __init__(
        self,
        store: Store,
        providers: ProviderFactory,
        *,
        choice: tuple[str, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """`choice`: the provider and model new chats start with, until `set_provider`."""
        super().__init__(parent)
        self.store = store
        self.providers = providers
        self.session = ChatSession(store, providers, default_provider=lambda: self.choice()[0])
        self._choice = choice
        self._replies: dict[int, _LiveReply] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.current_id: int | None = None
        self._speed_at = 0.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(FRAME_MS)
        self._flush_timer.timeout.connect(self._flush)

    # -- conversations -----------------------------------------------------------------
    def provider_infos(self) -> list[ProviderInfo]:
        return self.providers.infos()

    def conversations(self) -> list[Conversation]:
        return self.store.list_conversations()

    def conversation(self, conversation_id: int) -> Conversation:
        return self.store.get_conversation(conversation_id)

    def search(self, text: str) -> list[SearchHit]:
        return self.store.search(text)

    def export(self, conversation_id: int, path: str, kind: str) -> str:
        """Write a chat as Markdown, JSON or HTML; returns a sentence for the status line."""
        try:
            self.session.export_file(conversation_id, Path(path), kind)
        except OSError as error:
            return self.tr("Cannot export to {0}: {1}").format(path, error.strerror or error)
        return self.tr("Exported to {0}").format(path)

    def import_chat(self, path: str) -> str:
        """Add a chat exported as JSON and open it; returns a sentence for the status line."""
        try:
            conversation = self.session.import_file(Path(path))
        except (OSError, UnicodeDecodeError, StoreError) as error:
            reason = getattr(error, "strerror", None) or error
            return self.tr("Cannot import {0}: {1}").format(path, reason)
        self.conversations_changed.emit()
        self.open_conversation(conversation.id)
        return self.tr("Imported “{0}”").format(conversation.title)

    def choice(self) -> tuple[str, str]:
        """The provider and model a new chat starts with: the last one chosen or shown."""
        # Nothing chosen yet: the default provider with its own default model.
        return self._choice if self._choice is not None else (DEFAULT_PROVIDER, "")

    def new_conversation(self) -> Conversation:
        provider, model = self.choice()
        conversation = self.store.create_conversation(provider=provider, model=model)
        self.conversations_changed.emit()
        self.open_conversation(conversation.id)
        return conversation

    def open_conversation(self, conversation_id: int, *, scroll_to: int | None = None) -> None:
        conversation = self.store.get_conversation(conversation_id)
        self.current_id = conversation_id
        if conversation.provider in self.providers.names():  # the picker shows it now:
            self._choice = conversation.provider, conversation.model  # new chats take it
        messages, has_older = self.session.page(conversation_id, PAGE_SIZE, reach=scroll_to)
        messages = [self._live(message) for message in messages]
        self.conversation_opened.emit(conversation, messages, has_older)
        if scroll_to is not None:
            self.scroll_requested.emit(scroll_to)
        self.busy_changed.emit(conversation_id, conversation_id in self._replies)

    def load_older(self, before_id: int) -> None:
        if self.current_id is None:
            return
        self.older_loaded.emit(*self.session.page(self.current_id, PAGE_SIZE, before_id))

    def _live(self, message: StoredMessage) -> StoredMessage:
        """A message still streaming shows its text so far, not the last saved one."""
        for reply in self._replies.values():
            if reply.message.id == message.id:
                reply.pending.clear()  # already part of the text shown now
                return dataclasses.replace(message, text=reply.text)
        return message

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        self.store.update_conversation(conversation_id, title=title.strip())
        self.conversations_changed.emit()

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self.store.update_conversation(conversation_id, pinned=pinned)
        self.conversations_changed.emit()

    def delete_conversation(self, conversation_id: int) -> None:
        self.stop(conversation_id)
        self.store.delete_conversation(conversation_id)
        if self.current_id == conversation_id:
            self.current_id = None
        self.conversations_changed.emit()

    def set_provider(self, conversation_id: int | None, provider: str, model: str) -> None:
        """The picker changed: the chat's choice, and the one for new chats."""
        self._choice = provider, model
        if conversation_id is not None:
            self.store.update_conversation(conversation_id, provider=provider, model=model)

    def set_parameters(
        self, conversation_id: int, *, system_prompt: str, params: dict[str, float | int]
    ) -> None:
        self.store.update_conversation(conversation_id, system_prompt=system_prompt, params=params)

    # -- sending -----------------------------------------------------------------------
    def send(self, text: str, conversation_id: int | None = None) -> int | None:
        """Add the person's message and start the reply; returns the conversation id, or
        None when the history could not take the message (the reason goes to `status`)."""
        try:
            conversation_id = conversation_id if conversation_id is not None else self.current_id
            if conversation_id is None:
                conversation_id = self.new_conversation().id
            self.stop(conversation_id)
            question, turn = self.session.ask(conversation_id, text, _LiveReply)
        except StoreError as error:
            self.status.emit(self.tr("Not sent: {0}").format(error))
            return None
        self.message_added.emit(question)
        self.conversations_changed.emit()
        self._start_reply(turn)
        return conversation_id

    def regenerate(self, conversation_id: int | None = None) -> None:
        """Replace the last reply with a new one."""
        conversation_id = conversation_id if conversation_id is not None else self.current_id
        if conversation_id is None:
            return
        self.stop(conversation_id)
        removed, turn = self.session.regenerate(conversation_id, _LiveReply)
        for message_id in removed:
            self.message_removed.emit(message_id)
        if turn is not None:
            self._start_reply(turn)

    def retry(self, message_id: int) -> None:
        """Regenerate from a reply's links: only the newest reply can be replaced."""
        conversation_id = self.session.newest(message_id)
        if conversation_id is None:
            self.status.emit(self.tr("Only the last reply can be regenerated."))
            return
        self.regenerate(conversation_id)

    def edit_and_resend(self, message_id: int, text: str) -> None:
        """Change a message of the person and drop everything after it, then ask again."""
        self.stop(self.store.get_message(message_id).conversation_id)
        removed, edited, turn = self.session.edit(message_id, text, _LiveReply)
        for later in removed:
            self.message_removed.emit(later)
        self.message_updated.emit(edited)
        self._start_reply(turn)

    def delete_message(self, message_id: int) -> None:
        message = self.store.get_message(message_id)
        reply = self._replies.get(message.conversation_id)
        if reply is not None and reply.message.id == message_id:
            self.stop(message.conversation_id)
        self.store.delete_message(message_id)
        self.message_removed.emit(message_id)

    def stop(self, conversation_id: int | None = None) -> None:
        conversation_id = conversation_id if conversation_id is not None else self.current_id
        reply = self._replies.get(conversation_id) if conversation_id is not None else None
        if reply is not None and reply.task is not None:
            reply.task.cancel()

    def is_busy(self, conversation_id: int | None) -> bool:
        return conversation_id in self._replies

    def _start_reply(self, turn: Turn[_LiveReply]) -> None:
        """Run an opened turn as this conversation's task and show it streaming."""
        reply, conversation_id = turn.recorder, turn.conversation.id
        self._replies[conversation_id] = reply
        reply.task = self._spawn(self._run_reply(turn), name=f"reply-{conversation_id}")
        reply.task.add_done_callback(lambda task: self._ensure_finished(turn, task))
        self.reply_started.emit(reply.message)
        self.busy_changed.emit(conversation_id, True)
        self._flush_timer.start()

    async def _run_reply(self, turn: Turn[_LiveReply]) -> None:
        final = await self.session.run(turn, on_text=turn.recorder.pending.append)
        self._finish(turn.recorder, final)

    def _ensure_finished(self, turn: Turn[_LiveReply], task: asyncio.Task[None]) -> None:
        """A task cancelled before its first step never runs its body (Stop right after
        Send), and one that crashed never reached `_finish`: end its reply here, or it would
        stay "streaming" with Stop lit forever."""
        if turn.recorder.finished:
            return
        cancelled = task.cancelled()  # a crash itself is logged by _on_task_done
        status = MessageStatus.STOPPED if cancelled else MessageStatus.FAILED
        self._finish(
            turn.recorder, self.session.end(turn, status, None if cancelled else task.exception())
        )

    def _flush(self) -> None:
        """Once per frame: hand each reply's buffered text to the view in one piece."""
        now = time.monotonic()
        for reply in self._replies.values():
            recent = now - reply.shown_at < FIREHOSE_FRAME_S
            if reply.pending and not (recent and sum(map(len, reply.pending)) > FIREHOSE_CHARS):
                reply.shown_at = now
                piece = reply.take_piece()
                if reply.conversation_id == self.current_id:
                    self.reply_delta.emit(reply.message.id, piece)
        if self.current_id in self._replies and now - self._speed_at >= SPEED_EVERY_S:
            self._speed_at = now
            self._emit_speed(self._replies[self.current_id])
        if not self._replies:
            self._flush_timer.stop()

    def _emit_speed(self, reply: _LiveReply) -> None:
        if reply.first_token_at is None:
            self.status.emit(self.tr("Waiting for {0}…").format(provider_text(reply.label)))
            return
        elapsed = max(time.monotonic() - reply.first_token_at, 1e-3)
        # A token is about four characters of text; good enough for a live figure.
        self.status.emit(self.tr("Streaming: ~{0:.0f} tokens/s").format(reply.chars / 4 / elapsed))

    def _finish(self, reply: _LiveReply, final: StoredMessage) -> None:
        reply.finished = True
        if reply.pending:  # the reply was just saved: its rest shows from the next turn on
            QTimer.singleShot(1, self, lambda: self._show_rest(reply, final))
        else:
            self._show_rest(reply, final)

    def _show_rest(self, reply: _LiveReply, final: StoredMessage) -> None:
        """The text not shown yet, a piece per loop turn, then the final render: short
        loop turns instead of one long one. The chat stays busy until then."""
        if reply.pending and reply.conversation_id == self.current_id:
            self.reply_delta.emit(reply.message.id, reply.take_piece())
            # A 1 ms timer, not 0: Qt runs a zero-delay call before the timers and input
            # already due, which would make this one long loop turn again.
            QTimer.singleShot(1, self, lambda: self._show_rest(reply, final))
            return
        reply.pending.clear()
        if self._replies.get(reply.conversation_id) is reply:
            del self._replies[reply.conversation_id]
        self.reply_finished.emit(final)
        # A reply replaced by a new message ends after its successor started: the
        # conversation is still busy then, and its Stop button must stay usable.
        self.busy_changed.emit(reply.conversation_id, self.is_busy(reply.conversation_id))
        self.status.emit(self._summary(final))
        self.conversations_changed.emit()

    def _summary(self, message: StoredMessage) -> str:
        label = provider_text(self.session.label(message.provider))
        who = f"{label} / {message.model}" if message.model else label
        if message.status == MessageStatus.FAILED:
            return self.tr("{0}: failed").format(who)
        if message.status == MessageStatus.STOPPED:
            return self.tr("{0}: stopped").format(who)
        if total := message.usage.get("total_tokens"):
            prompt, reply = (
                message.usage.get(k, 0) for k in ("prompt_tokens", "completion_tokens")
            )
            return self.tr("{0}: {1} tokens ({2} prompt + {3} reply)").format(
                who, total, prompt, reply
            )
        return self.tr("{0}: done").format(who)

    # -- models, connection test -------------------------------------------------------------
    def load_models(self, provider: str) -> None:
        self._spawn(self._load_models(provider), name=f"models-{provider}")

    async def _load_models(self, provider: str) -> None:
        self.models_loaded.emit(provider, await self.providers.models(provider))

    async def test_connection(self, provider: str, config: dict[str, str]) -> ConnectionResult:
        return await self.providers.test_connection(provider, config)

    # -- tasks and shutdown ------------------------------------------------------------
    def _spawn(self, coroutine: Any, *, name: str) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.get_running_loop().create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._on_task_done)
        return task

    def _on_task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("task %s failed", task.get_name(), exc_info=task.exception())

    async def shutdown(self) -> None:
        """Stop every stream (their text is saved as stopped) and wait for them."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._flush_timer.stop()


class _LiveReply(ReplyRecorder):
    """A reply the window shows: its task and the text not yet handed to the view."""

    def __init__(self, store: Store, message: StoredMessage) -> None:
        super().__init__(store, message)
        self.conversation_id = message.conversation_id
        self.pending: list[str] = []
        self.task: asyncio.Task[None] | None = None
        self.finished = False
        #: when a piece of it was last handed to the view (time.monotonic)
        self.shown_at = 0.0

    def take_piece(self) -> str:
        """The pending text, or its first MAX_PIECE_CHARS when there is more."""
        text = "".join(self.pending)
        self.pending.clear()
        if len(text) > MAX_PIECE_CHARS:
            self.pending.append(text[MAX_PIECE_CHARS:])
            text = text[:MAX_PIECE_CHARS]
        return text
