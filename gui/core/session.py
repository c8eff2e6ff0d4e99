"""One chat turn, the same for the window's controller and `besedka ask`.

Qt-free. A turn adds the person's message (or edits one, or drops the last reply), reads
the history once, opens the streaming reply, builds the provider and runs it; the text so
far is saved at least once a second and once at the end, with its final status and, when
it failed or was cut, its error as data (`gui.values.ErrorInfo`). The callers keep only
what is theirs: the window its tasks and frames, the command line its stdout.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from gui.core import context
from gui.core.attachments import Picked, with_attachments
from gui.core.errors import error_info, internal_error, setup_error
from gui.core.keychain import KeychainUnavailableError
from gui.core.recorder import SAVE_EVERY_S, ReplyRecorder
from gui.core.store import (
    UNCHANGED,
    Conversation,
    MessageStatus,
    Store,
    StoredMessage,
    StoreError,
    Unchanged,
)
from gui.core.turn_history import build_history, history_for
from gui.values import ErrorInfo
from providers.base import Message, Retrying
from providers.errors import ProviderError
from providers.registry import DEFAULT_PROVIDER

if TYPE_CHECKING:
    from gui.core.provider_factory import ProviderFactory
    from gui.core.tool_loop import ToolLoop

__all__ = [
    "SAVE_EVERY_S",
    "ChatSession",
    "Page",
    "ReplyNotStarted",
    "ReplyRecorder",
    "Turn",
    "history_for",
]

log = logging.getLogger(__name__)

#: messages shown above a search hit or a version just chosen
ABOVE_ANCHOR = 2


class ReplyNotStarted(StoreError):
    """The question was saved, but the history could not take the reply to it."""

    def __init__(self, question: StoredMessage, error: StoreError) -> None:
        super().__init__(str(error))
        self.question = question


@dataclasses.dataclass(frozen=True)
class Page:
    """Part of the active path for the view: messages root-side first, and whether more
    lie above or below them."""

    messages: list[StoredMessage]
    has_older: bool
    has_newer: bool


R = TypeVar("R", bound=ReplyRecorder)


@dataclasses.dataclass
class Turn(Generic[R]):
    """A reply opened in the history and not run yet: what the provider will be sent."""

    conversation: Conversation
    provider: str  #: the provider's name (the id the history keeps)
    label: str  #: as a person reads it, for errors
    history: list[Message]
    recorder: R
    #: older messages of the path not sent: they did not fit the model's context
    left_out: int = 0

    @property
    def message(self) -> StoredMessage:
        return self.recorder.message


class ChatSession:
    """Runs chat turns against the history and the configured providers."""

    def __init__(
        self,
        store: Store,
        providers: ProviderFactory,
        *,
        default_provider: Callable[[], str] = lambda: DEFAULT_PROVIDER,
    ) -> None:
        self.store = store
        self.providers = providers
        #: the provider for a chat that names none (an imported or very old one)
        self.default_provider = default_provider
        #: files the next question carries (the window's composer hands them over)
        self.next_attachments: tuple[Picked, ...] = ()

    def label(self, provider: str) -> str:
        """The provider's label; an unknown name is shown as it is (it is what failed)."""
        try:
            return self.providers.info(provider).label
        except Exception:
            return provider

    def page(
        self,
        conversation_id: int,
        size: int,
        *,
        before_id: int | None = None,
        after_id: int | None = None,
        anchor: int | None = None,
    ) -> Page:
        """A page of the active path: its end; or the `size` messages above `before_id`
        or below `after_id`; or, with `anchor` (a search hit, a version just chosen), the
        page that starts a little above it. A search hit in another branch makes that
        branch the active path first."""
        if anchor is not None:
            self.store.show_branch(anchor)
        ids = self.store.path_ids(conversation_id)
        end = len(ids)
        if before_id is not None and before_id in ids:
            end = ids.index(before_id)
        elif after_id is not None and after_id in ids:
            start = ids.index(after_id) + 1
            end = min(len(ids), start + size)
        elif anchor is not None and anchor in ids and ids.index(anchor) < len(ids) - size:
            end = min(len(ids), max(0, ids.index(anchor) - ABOVE_ANCHOR) + size)
        start = max(0, end - size)
        return Page(self.store.messages_by_id(ids[start:end]), start > 0, end < len(ids))

    # -- opening a turn: the history's side, synchronous ------------------------------
    def ask(
        self,
        conversation: Conversation | int,
        text: str,
        recorder: Callable[[Store, StoredMessage], R] = ReplyRecorder,  # type: ignore[assignment]
    ) -> tuple[StoredMessage, Turn[R]]:
        """Add the person's message at the end of the active path and open the reply."""
        conversation_id = conversation if isinstance(conversation, int) else conversation.id
        files, self.next_attachments = self.next_attachments, ()
        question = self.store.add_message(conversation_id, "user", text)
        if files:
            question = self.store.link_attachments(question, [f.stored for f in files])
        try:
            return question, self.open(conversation, recorder)
        except StoreError as error:  # the question is kept: say so, not "not sent"
            raise ReplyNotStarted(question, error) from error

    def regenerate(
        self,
        conversation_id: int,
        recorder: Callable[[Store, StoredMessage], R] = ReplyRecorder,  # type: ignore[assignment]
    ) -> Turn[R] | None:
        """A new version of the last reply on the path (or a reply to a question left
        unanswered); None when there is nothing to answer."""
        path = self.store.path_ids(conversation_id)
        if not path:
            return None
        last = self.store.get_message(path[-1])
        if last.role == "assistant":
            return self.regenerate_reply(last.id, recorder)
        conversation = self.store.get_conversation(conversation_id)
        history, left_out = self._request(conversation, self.store.turns(conversation_id))
        return self._open(conversation, history, recorder, left_out=left_out) if history else None

    def regenerate_reply(
        self,
        message_id: int,
        recorder: Callable[[Store, StoredMessage], R] = ReplyRecorder,  # type: ignore[assignment]
    ) -> Turn[R]:
        """A new version of any reply, answered from the history above it; the old one
        and what followed it stay in their branch."""
        reply = self.store.get_message(message_id)
        conversation = self.store.get_conversation(reply.conversation_id)
        turns = (
            []  # a first message (an imported chat): nothing above
            if reply.parent_id is None
            else self.store.path_turns(conversation.id, until=reply.parent_id)
        )
        history, left_out = self._request(conversation, turns, until=reply.parent_id)
        return self._open(
            conversation, history, recorder, parent=reply.parent_id, left_out=left_out
        )

    def edit(
        self,
        message_id: int,
        text: str,
        recorder: Callable[[Store, StoredMessage], R] = ReplyRecorder,  # type: ignore[assignment]
    ) -> tuple[StoredMessage, Turn[R]]:
        """A new version of a question of the person, and the reply to it; the original
        and its answers stay in their branch: (the new version, the turn)."""
        original = self.store.get_message(message_id)
        edited = self.store.add_message(
            original.conversation_id, "user", text, parent_id=original.parent_id
        )
        return edited, self.open(original.conversation_id, recorder)

    def continue_reply(
        self,
        message_id: int,
        recorder: Callable[[Store, StoredMessage], R] = ReplyRecorder,  # type: ignore[assignment]
    ) -> Turn[R]:
        """Go on with a reply that was cut (stopped, failed, the token limit): the
        provider is sent the history with the reply so far last, and what it adds is
        appended to the same reply."""
        reply = self.store.get_message(message_id)
        conversation = self.store.get_conversation(reply.conversation_id)
        provider = reply.provider or conversation.provider or self.default_provider()
        turns = self.store.path_turns(conversation.id, until=message_id)
        history, left_out = self._request(conversation, turns, provider, until=message_id)
        # The usage is the new request's (the recorder saves its counts at the end).
        usage = {"left_out": left_out} if left_out else {}
        self.store.update_message(
            message_id, status=MessageStatus.STREAMING, error=None, finish_reason="", usage=usage
        )
        message = dataclasses.replace(
            reply, status=MessageStatus.STREAMING, error=None, finish_reason="", usage=usage
        )
        turn_recorder = recorder(self.store, message)
        turn_recorder.label = self.label(provider)
        return Turn(conversation, provider, turn_recorder.label, history, turn_recorder, left_out)

    def open(
        self,
        conversation: Conversation | int,
        recorder: Callable[[Store, StoredMessage], R] = ReplyRecorder,  # type: ignore[assignment]
    ) -> Turn[R]:
        """Read the history (once) and add the streaming reply that will answer it."""
        if isinstance(conversation, int):
            conversation = self.store.get_conversation(conversation)
        history, left_out = self._request(conversation, self.store.turns(conversation.id))
        return self._open(conversation, history, recorder, left_out=left_out)

    def _request(
        self,
        conversation: Conversation,
        turns: list[tuple[str, str]],
        provider: str = "",
        *,
        until: int | None = None,
    ) -> tuple[list[Message], int]:
        """What the provider is sent of a path's turns (`history_for`, cut to what fits
        the model's context, gui.core.context) and how many older messages are left out.
        `until` names the path's end when it is not the active path's."""
        params = conversation.params
        model = conversation.model or self._info(conversation, provider)[1]
        tokens = context.budget(context.context_limit(model, params), params)
        kept = context.fit(conversation.system_prompt, turns, tokens)
        tools = self.store.path_tools(conversation.id, until)
        sent = turns[kept.start :] if kept.start else turns
        history = build_history(conversation, sent, tools, kept.start)
        files = self.store.path_attachments(conversation.id, until)
        return with_attachments(self.store, history, sent, files, kept.start), kept.left_out

    def _info(
        self, conversation: Conversation, provider: str = ""
    ) -> tuple[frozenset[str] | None, str]:
        """The options a chat's provider takes and its default model (None, "": unknown)."""
        try:
            info = self.providers.info(provider or conversation.provider or self.default_provider())
        except Exception:  # an unknown provider: a turn says so when it runs
            return None, ""
        return info.options, info.default_model

    def offers(self, conversation: Conversation) -> tuple[frozenset[str] | None, int]:
        """For the Parameters dialog: the options the chat's provider takes (None when it
        is unknown) and the context its model takes by default, in tokens."""
        options, default_model = self._info(conversation)
        return options, context.model_context(conversation.model or default_model)

    def _open(
        self,
        conversation: Conversation,
        history: list[Message],
        recorder: Callable[[Store, StoredMessage], R],
        parent: int | Unchanged | None = UNCHANGED,
        *,
        left_out: int = 0,
    ) -> Turn[R]:
        provider = conversation.provider or self.default_provider()
        message = self.store.add_message(
            conversation.id,
            "assistant",
            "",
            status=MessageStatus.STREAMING,
            provider=provider,
            model=conversation.model,
            parent_id=parent,
            # The reply's footer says what was left out from the start; the recorder keeps it.
            usage={"left_out": left_out} if left_out else None,
        )
        reply = recorder(self.store, message)
        reply.label = self.label(provider)
        return Turn(conversation, provider, reply.label, history, reply, left_out)

    # -- running it: the provider's side ------------------------------------------------
    async def run(
        self,
        turn: Turn[R],
        on_text: Callable[[str], None] = lambda _text: None,
        *,
        on_reasoning: Callable[[str], None] = lambda _text: None,
        on_retry: Callable[[Retrying], None] = lambda _retrying: None,
        tools: ToolLoop | None = None,
    ) -> StoredMessage:
        """Build the provider and stream the reply; returns the saved final message.
        `on_text` and `on_reasoning` get each piece of the answer and of the thinking,
        `on_retry` each wait before the request is made again; with `tools`, the model
        may call them (a provider that takes none is sent the history without calls)."""
        recorder = turn.recorder
        try:
            provider = await self.providers.get(turn.provider)
        except asyncio.CancelledError:
            # Stop, or a new message, while the settings and key were still being read (a
            # keychain unlock prompt can take minutes): end the reply, never leave it streaming.
            return recorder.save_end(MessageStatus.STOPPED, None)
        except ProviderError as failure:  # bad settings, e.g. an unreadable CA file
            log.info("cannot build provider %s: %s", turn.provider, failure)
            return recorder.save_end(MessageStatus.FAILED, error_info(failure, turn.label))
        except KeychainUnavailableError as failure:  # locked (or failing): not "no key"
            log.info("no key for %s: %s", turn.provider, failure.kind)
            error = ErrorInfo(failure.kind, provider=turn.label)
            return recorder.save_end(MessageStatus.FAILED, error)
        except Exception as failure:  # unknown provider, settings it cannot take, our bug
            log.exception("cannot build provider %s", turn.provider)
            return recorder.save_end(MessageStatus.FAILED, setup_error(failure, turn.label))
        supported = provider.supported_options
        options = context.request_options(turn.conversation.params, supported)
        if "session_id" in supported:  # GigaChat caches a conversation's prompt by it
            options["session_id"] = self.session_key(turn.conversation)
        model = turn.conversation.model or None
        history = turn.history
        if not provider.supports_tools:
            from gui.core.tool_loop import flatten

            history, tools = flatten(history), None
        return await recorder.run(
            provider,
            model,
            history,
            options,
            on_text=on_text,
            on_reasoning=on_reasoning,
            on_retry=on_retry,
            loop=tools if tools is not None and tools.specs else None,
        )

    def read_ahead(self, conversation_id: int) -> None:
        """Read the history the next question will send now (the store keeps it up to
        date), rather than after Send: about 1.5 ms per 1,000 messages."""
        try:
            self.store.turns(conversation_id)
        except StoreError as error:  # the question will say it, if it still holds
            log.info("could not read the history ahead: %s", error)

    def session_key(self, conversation: Conversation) -> str:
        """A stable id for one conversation of this history (GigaChat's X-Session-ID):
        the same for every question of the chat, different for every other chat."""
        name = f"besedka:{self.store.path.resolve()}:{conversation.id}:{conversation.created_at}"
        return str(uuid.uuid5(uuid.NAMESPACE_URL, name))

    def end(
        self, turn: Turn[R], status: MessageStatus, failure: BaseException | None
    ) -> StoredMessage:
        """End a turn that never ran to its own end (cancelled before its first step, or
        crashed in our code)."""
        error = None if failure is None else internal_error(failure, turn.label)
        return turn.recorder.save_end(status, error)
