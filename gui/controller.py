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
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from gui.core.session import ChatSession, ReplyNotStarted, Turn
from gui.core.store import Conversation, MessageStatus, Store, StoredMessage, StoreError
from gui.core.tasks import spawn
from gui.live_reply import LiveReply, shown_live, speed_line, summary
from gui.tool_actions import ToolActions
from gui.widgets.i18n import provider_text
from providers.registry import DEFAULT_PROVIDER

if TYPE_CHECKING:
    from gui.core.provider_factory import ProviderFactory

log = logging.getLogger(__name__)

FRAME_MS = 16
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
    #: conversation, its page (`gui.core.session.Page`), the message to bring into view
    #: (a search hit, a version just chosen) or None for the end
    conversation_opened = Signal(object, object, object)
    #: older page for the open conversation: messages, has_older
    older_loaded = Signal(list, bool)
    #: newer page below the last one shown: messages, has_newer
    newer_loaded = Signal(list, bool)
    message_added = Signal(object)
    message_updated = Signal(object)
    message_removed = Signal(int)
    #: a streaming reply appeared (its StoredMessage, status streaming)
    reply_started = Signal(object)
    #: message id, text batch
    reply_delta = Signal(int, str)
    #: message id, a batch of the model's thinking (shown apart, never sent back)
    reply_reasoning = Signal(int, str)
    #: the request failed before any text and is made again in this many seconds
    reply_retrying = Signal(float)
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
        self._replies: dict[int, LiveReply] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.current_id: int | None = None
        #: the view shows the end of the open chat's path (no newer page below)
        self.shows_end = True
        self._speed_at = 0.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(FRAME_MS)
        self._flush_timer.timeout.connect(self._flush)
        self.tools = ToolActions(self)  # the reply's run, with its chat's tools

    # -- conversations -----------------------------------------------------------------
    def choice(self) -> tuple[str, str]:
        """The provider and model a new chat starts with: the last one chosen or shown."""
        # Nothing chosen yet: the default provider with its own default model.
        return self._choice if self._choice is not None else (DEFAULT_PROVIDER, "")

    def new_conversation(self) -> Conversation:
        """A new chat, or the open one when it is still empty (no pile of empty chats)."""
        if self.current_id is not None and self._is_empty(self.current_id):
            return self.store.get_conversation(self.current_id)
        provider, model = self.choice()
        conversation = self.store.create_conversation(provider=provider, model=model)
        self.conversations_changed.emit()
        self.open_conversation(conversation.id)
        return conversation

    def _is_empty(self, conversation_id: int) -> bool:
        try:
            return self.store.count_messages(conversation_id) == 0 and not self.is_busy(
                conversation_id
            )
        except StoreError:
            return False

    def open_conversation(self, conversation_id: int, *, scroll_to: int | None = None) -> None:
        """Show a chat: the end of its active path, or the page at `scroll_to` (a search
        hit, whose branch becomes the active one; a version just chosen)."""
        conversation = self.store.get_conversation(conversation_id)
        left = self.current_id
        self.current_id = conversation_id
        if left is not None and left != conversation_id and self._is_empty(left):
            self._drop(left)  # an empty chat left behind: nothing in it to keep
        if conversation.provider in self.providers.names():  # the picker shows it now:
            self._choice = conversation.provider, conversation.model  # new chats take it
        page = self.session.page(conversation_id, PAGE_SIZE, anchor=scroll_to)
        page = dataclasses.replace(page, messages=self._live(page.messages))
        self.shows_end = not page.has_newer
        self.conversation_opened.emit(conversation, page, scroll_to)
        self.busy_changed.emit(conversation_id, conversation_id in self._replies)
        # The history the next question sends, read now rather than after Send (the
        # store keeps it up to date): about 1.5 ms per 1,000 messages, after the paint.
        QTimer.singleShot(0, self, lambda: self._read_ahead(conversation_id))

    def _read_ahead(self, conversation_id: int) -> None:
        if conversation_id == self.current_id:
            self.session.read_ahead(conversation_id)

    def _drop(self, conversation_id: int) -> None:
        try:
            self.store.delete_conversation(conversation_id)
            self.store.purge_conversation(conversation_id)
        except (KeyError, StoreError) as error:
            log.info("could not drop the empty chat %s: %s", conversation_id, error)
            return
        self.conversations_changed.emit()

    def load_older(self, before_id: int) -> None:
        if self.current_id is None:
            return
        page = self.session.page(self.current_id, PAGE_SIZE, before_id=before_id)
        self.older_loaded.emit(self._live(page.messages), page.has_older)

    def load_newer(self, after_id: int) -> None:
        if self.current_id is None:
            return
        page = self.session.page(self.current_id, PAGE_SIZE, after_id=after_id)
        self.shows_end = not page.has_newer
        self.newer_loaded.emit(self._live(page.messages), page.has_newer)

    def _live(self, messages: list[StoredMessage]) -> list[StoredMessage]:
        return shown_live(messages, self._replies.values())

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
            elif conversation_id == self.current_id and not self.shows_end:
                self.open_conversation(conversation_id)  # the question goes at the end
            self.stop(conversation_id)
            question, turn = self.session.ask(conversation_id, text, LiveReply)
        except ReplyNotStarted as error:
            self.message_added.emit(error.question)
            self.conversations_changed.emit()
            self.status.emit(self.tr("Sent, but no reply could be started: {0}").format(error))
            return conversation_id
        except StoreError as error:
            self.status.emit(self.tr("Not sent: {0}").format(error))
            return None
        self._start_reply(turn, before=(question,))
        return conversation_id

    def regenerate(self, conversation_id: int | None = None) -> None:
        """A new version of the last reply of the open chat."""
        conversation_id = conversation_id if conversation_id is not None else self.current_id
        if conversation_id is None:
            return
        self.stop(conversation_id)
        turn = self.session.regenerate(conversation_id, LiveReply)
        if turn is not None:
            self._start_new_branch(turn)

    def retry(self, message_id: int) -> None:
        """A new version of any reply (its Regenerate or Retry link); the old one stays."""
        self.stop(self.store.get_message(message_id).conversation_id)
        self._start_new_branch(self.session.regenerate_reply(message_id, LiveReply))

    def edit_and_resend(self, message_id: int, text: str) -> None:
        """A new version of a question of the person, and a reply to it; nothing goes."""
        self.stop(self.store.get_message(message_id).conversation_id)
        _edited, turn = self.session.edit(message_id, text, LiveReply)
        self._start_new_branch(turn)

    def continue_reply(self, message_id: int) -> None:
        """Go on with a cut reply: what the provider adds is appended to it."""
        conversation_id = self.store.get_message(message_id).conversation_id
        if self.is_busy(conversation_id):
            return
        turn = self.session.continue_reply(message_id, LiveReply)
        turn.recorder.resumed_from = turn.recorder.text
        self._start_reply(turn)

    def _start_new_branch(self, turn: Turn[LiveReply]) -> None:
        """The path changed from a version on: show it again, then the reply streaming."""
        self._start_reply(turn)
        if turn.conversation.id == self.current_id:
            self.open_conversation(turn.conversation.id)
        self.conversations_changed.emit()

    def stop(self, conversation_id: int | None = None) -> None:
        conversation_id = conversation_id if conversation_id is not None else self.current_id
        reply = self._replies.get(conversation_id) if conversation_id is not None else None
        if reply is not None and reply.task is not None:
            reply.task.cancel()

    def is_busy(self, conversation_id: int | None) -> bool:
        return conversation_id in self._replies

    def streaming_message(self, conversation_id: int) -> int | None:
        """The reply streaming in a conversation, if any."""
        reply = self._replies.get(conversation_id)
        return reply.message.id if reply is not None else None

    def _start_reply(self, turn: Turn[LiveReply], before: tuple[StoredMessage, ...] = ()) -> None:
        """Run an opened turn as this conversation's task and show it streaming.

        The view shows the new messages at the first thing the reply brings, or a frame
        after Send if nothing came by then: the request is written and the first token
        read without waiting for the view's work and its repaint (about 4 ms with a
        long chat), and the person sees both within the same frame."""
        reply, conversation_id = turn.recorder, turn.conversation.id
        self._replies[conversation_id] = reply
        reply.task = self._spawn(self.tools.run_reply(turn), name=f"reply-{conversation_id}")
        reply.task.add_done_callback(lambda task: self._ensure_finished(turn, task))
        reply.before = before
        QTimer.singleShot(FRAME_MS, self, lambda: self._show_started(reply))

    def _show_started(self, reply: LiveReply) -> None:
        """Show a started reply (and the messages it answers) once, before anything else
        of it is shown."""
        if reply.started_shown:
            return
        reply.started_shown = True
        for message in reply.before:
            self.message_added.emit(message)
        if reply.before:
            self.conversations_changed.emit()
        if reply.resumed_from is not None:  # a reply continued: its frame streams again
            self.message_updated.emit(dataclasses.replace(reply.message, text=reply.resumed_from))
        else:
            self.reply_started.emit(self.store.counted(reply.message))
        self.busy_changed.emit(reply.conversation_id, True)
        self._flush_timer.start()

    def _ensure_finished(self, turn: Turn[LiveReply], task: asyncio.Task[None]) -> None:
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
            if reply.pending_reasoning and reply.conversation_id == self.current_id:
                self.reply_reasoning.emit(reply.message.id, reply.take_reasoning())
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

    def _emit_speed(self, reply: LiveReply) -> None:
        if reply.first_token_at is None and time.monotonic() < reply.retry_until:
            return  # "Retrying in N s…" stays on screen
        self.status.emit(reply.tool_note or speed_line(reply, provider_text(reply.label)))

    def _finish(self, reply: LiveReply, final: StoredMessage) -> None:
        reply.finished = True
        self._show_started(reply)  # a reply can end within its first step
        if reply.pending:  # the reply was just saved: its rest shows from the next turn on
            QTimer.singleShot(1, self, lambda: self._show_rest(reply, final))
        else:
            self._show_rest(reply, final)

    def _show_rest(self, reply: LiveReply, final: StoredMessage) -> None:
        """The text not shown yet, a piece per loop turn, then the final render: short
        loop turns instead of one long one. The chat stays busy until then."""
        if reply.pending_reasoning and reply.conversation_id == self.current_id:
            self.reply_reasoning.emit(reply.message.id, reply.take_reasoning())
        if reply.pending and reply.conversation_id == self.current_id:
            self.reply_delta.emit(reply.message.id, reply.take_piece())
            # A 1 ms timer, not 0: Qt runs a zero-delay call before the timers and input
            # already due, which would make this one long loop turn again.
            QTimer.singleShot(1, self, lambda: self._show_rest(reply, final))
            return
        reply.pending.clear()
        reply.pending_reasoning.clear()
        if self._replies.get(reply.conversation_id) is reply:
            del self._replies[reply.conversation_id]
        self.reply_finished.emit(self.store.counted(final))
        # A reply replaced by a new message ends after its successor started: the
        # conversation is still busy then, and its Stop button must stay usable.
        self.busy_changed.emit(reply.conversation_id, self.is_busy(reply.conversation_id))
        self.status.emit(summary(final, provider_text(self.session.label(final.provider))))
        self.conversations_changed.emit()

    # -- models, connection test -------------------------------------------------------------
    def load_models(self, provider: str) -> None:
        self._spawn(self._load_models(provider), name=f"models-{provider}")

    async def _load_models(self, provider: str) -> None:
        self.models_loaded.emit(provider, await self.providers.models(provider))

    # -- tasks and shutdown ------------------------------------------------------------
    def _spawn(self, coroutine: Any, *, name: str) -> asyncio.Task[Any]:
        return spawn(self._tasks, coroutine, name)

    async def shutdown(self) -> None:
        """Stop every stream (their text is saved as stopped) and wait for them."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._flush_timer.stop()
        await self.tools.aclose()  # the tool servers started stop
