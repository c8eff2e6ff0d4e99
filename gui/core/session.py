"""One chat turn, the same for the window's controller and `besedka ask`.

Qt-free. A turn adds the person's message (or edits one, or drops the last reply), reads
the history once, opens the streaming reply, builds the provider and runs it; the text so
far is saved at least once a second and once at the end, with its final status and, when
it failed or was cut, its error as data (`gui.values.ErrorInfo`). The callers keep only
what is theirs: the window its tasks and frames, the command line its stdout.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from gui.core.errors import english, error_info, internal_error, setup_error
from gui.core.store import Conversation, MessageStatus, Store, StoredMessage, StoreError
from gui.values import ErrorInfo
from providers.base import FinishReason, Message, Provider, Usage
from providers.errors import ProviderError
from providers.registry import DEFAULT_PROVIDER

if TYPE_CHECKING:
    from pathlib import Path

    from gui.core.provider_factory import ProviderFactory

__all__ = ["SAVE_EVERY_S", "ChatSession", "ReplyRecorder", "Turn", "history_for"]

log = logging.getLogger(__name__)

SAVE_EVERY_S = 1.0


def history_for(store: Store, conversation: Conversation | int) -> list[Message]:
    """What the provider is sent: the system prompt, then every non-empty turn.

    One query for the turns; the conversation is read only when the caller has not."""
    if isinstance(conversation, int):
        conversation = store.get_conversation(conversation)
    history: list[Message] = []
    if conversation.system_prompt.strip():
        history.append({"role": "system", "content": conversation.system_prompt})
    history.extend(
        {"role": role, "content": text}  # type: ignore[typeddict-item]
        for role, text in store.turns(conversation.id)
        if text and (role == "user" or role == "assistant")
    )
    return history


class ReplyRecorder:
    """One streaming reply: its text so far, usage, and when it was last saved."""

    def __init__(self, store: Store, message: StoredMessage) -> None:
        self.store = store
        self.message = message
        self.parts: list[str] = []
        self.chars = 0
        self.saved_at = time.monotonic()
        self.first_token_at: float | None = None
        self.finish_reason = ""
        self.usage: dict[str, int] = {}
        self.status = MessageStatus.STREAMING
        self.error: ErrorInfo | None = None
        #: the provider's label, for an error of our own ("not_saved")
        self.label = message.provider

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add_text(self, text: str) -> None:
        now = time.monotonic()
        if self.first_token_at is None:
            self.first_token_at = now
        self.parts.append(text)
        self.chars += len(text)
        if now - self.saved_at >= SAVE_EVERY_S:
            self.saved_at = now
            try:
                self.store.update_message(self.message.id, text=self.text)
            except (KeyError, StoreError) as failure:  # deleted meanwhile, or disk full
                log.warning("could not save reply %s: %s", self.message.id, failure)

    async def run(
        self,
        provider: Provider,
        model: str | None,
        history: list[Message],
        options: dict[str, Any],
        on_text: Callable[[str], None] = lambda _text: None,
    ) -> StoredMessage:
        """Stream into the store and return the saved message; its status says how it
        ended. A provider error becomes the message's error; cancellation (Stop) saves
        the text as stopped. Our own tasks are the only ones cancelled here."""
        status, error = MessageStatus.COMPLETE, None
        try:
            replies: AsyncIterator[Any] = provider.stream(model, history, options=options)
            async with contextlib.aclosing(replies):  # type: ignore[type-var]
                async for chunk in replies:
                    if isinstance(chunk, str):
                        self.add_text(chunk)
                        on_text(chunk)
                    elif isinstance(chunk, FinishReason):
                        self.finish_reason = chunk.reason
                    elif isinstance(chunk, Usage):
                        self.usage = {
                            "prompt_tokens": chunk.prompt_tokens,
                            "completion_tokens": chunk.completion_tokens,
                            "total_tokens": chunk.total_tokens,
                        }
        except asyncio.CancelledError:
            status = MessageStatus.STOPPED
        except ProviderError as failure:
            status, error = MessageStatus.FAILED, error_info(failure, provider.label)
        except Exception as failure:  # our bug: keep the text, say so, log it
            log.exception("reply failed")
            status, error = MessageStatus.FAILED, internal_error(failure, provider.label)
        return self.save_end(status, error)

    def save_end(self, status: MessageStatus, error: ErrorInfo | None) -> StoredMessage:
        """Save how the reply ended. A reply deleted meanwhile, or a store that cannot
        write (disk full), still ends: the caller gets the final message either way, the
        latter marked "not_saved" unless it already has an error to show."""
        self.status, self.error = status, error
        try:
            self.store.update_message(
                self.message.id, text=self.text, status=status, error=error, usage=self.usage
            )
            return self.store.get_message(self.message.id)
        except (KeyError, StoreError) as failure:
            log.warning("could not save the end of reply %s: %s", self.message.id, failure)
            if error is None and isinstance(failure, StoreError):
                error = ErrorInfo("not_saved", provider=self.label)
            return dataclasses.replace(
                self.message, text=self.text, status=status, error=error, usage=self.usage
            )


R = TypeVar("R", bound=ReplyRecorder)


@dataclasses.dataclass
class Turn(Generic[R]):
    """A reply opened in the history and not run yet: what the provider will be sent."""

    conversation: Conversation
    provider: str  #: the provider's name (the id the history keeps)
    label: str  #: as a person reads it, for errors
    history: list[Message]
    recorder: R

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

    def label(self, provider: str) -> str:
        """The provider's label; an unknown name is shown as it is (it is what failed)."""
        try:
            return self.providers.info(provider).label
        except Exception:
            return provider

    def export_file(
        self,
        conversation_id: int,
        path: Path,
        kind: str,
        *,
        label_of: Callable[[str], str] | None = None,
        error_text: Callable[[ErrorInfo], str] | None = None,
    ) -> None:
        """Write a chat as Markdown ("md"), JSON or HTML; OSError when the file cannot.

        Markdown and HTML are documents in plain English for a person: providers by label
        (`label_of`, else the catalog's), failures worded by `error_text` (else
        `gui.core.errors.english`). JSON keeps both as data, for import."""
        if kind == "json":
            text = self.store.export_json(conversation_id)
        else:
            export = self.store.export_html if kind == "html" else self.store.export_markdown
            text = export(
                conversation_id, label_of=label_of or self.label, error_text=error_text or english
            )
        path.write_text(text, encoding="utf-8")

    def import_file(self, path: Path) -> Conversation:
        """Add a chat exported as JSON: OSError, UnicodeDecodeError or StoreError if not."""
        return self.store.import_json(path.read_text(encoding="utf-8"))

    def page(
        self,
        conversation_id: int,
        size: int,
        before_id: int | None = None,
        *,
        reach: int | None = None,
    ) -> tuple[list[StoredMessage], bool]:
        """The newest `size` messages (older than `before_id`), going further up until
        message `reach` is among them (a search hit); and whether older ones remain."""
        messages = self.store.messages(conversation_id, limit=size, before_id=before_id)
        while reach is not None and messages and messages[0].id > reach:
            older = self.store.messages(conversation_id, limit=size, before_id=messages[0].id)
            if not older:
                break
            messages = older + messages
        has_older = bool(messages) and bool(
            self.store.messages(conversation_id, limit=1, before_id=messages[0].id)
        )
        return messages, has_older

    # -- opening a turn: the history's side, synchronous ------------------------------
    def ask(
        self,
        conversation: Conversation | int,
        text: str,
        recorder: Callable[[Store, StoredMessage], R] = ReplyRecorder,  # type: ignore[assignment]
    ) -> tuple[StoredMessage, Turn[R]]:
        """Add the person's message and open the reply to it."""
        conversation_id = conversation if isinstance(conversation, int) else conversation.id
        question = self.store.add_message(conversation_id, "user", text)
        return question, self.open(conversation, recorder)

    def regenerate(
        self,
        conversation_id: int,
        recorder: Callable[[Store, StoredMessage], R] = ReplyRecorder,  # type: ignore[assignment]
    ) -> tuple[list[int], Turn[R] | None]:
        """Drop the last reply and open a new one: (removed ids, the turn, or None when
        there is nothing to answer)."""
        removed: list[int] = []
        last = self.store.messages(conversation_id, limit=1)
        if last and last[0].role == "assistant":
            self.store.delete_message(last[0].id)
            removed.append(last[0].id)
        conversation = self.store.get_conversation(conversation_id)
        history = history_for(self.store, conversation)
        if not history:
            return removed, None
        return removed, self._open(conversation, history, recorder)

    def newest(self, message_id: int) -> int | None:
        """The message's conversation when it is the newest there (the one reply that can
        be regenerated), else None."""
        conversation_id = self.store.get_message(message_id).conversation_id
        last = self.store.messages(conversation_id, limit=1)
        return conversation_id if last and last[0].id == message_id else None

    def edit(
        self,
        message_id: int,
        text: str,
        recorder: Callable[[Store, StoredMessage], R] = ReplyRecorder,  # type: ignore[assignment]
    ) -> tuple[list[int], StoredMessage, Turn[R]]:
        """Change a message of the person, drop everything after it, open the reply:
        (removed ids, the edited message, the turn)."""
        message = self.store.get_message(message_id)
        removed = []
        for later in self.store.messages(message.conversation_id, after_id=message_id):
            self.store.delete_message(later.id)
            removed.append(later.id)
        self.store.update_message(message_id, text=text)
        edited = dataclasses.replace(message, text=text)
        return removed, edited, self.open(message.conversation_id, recorder)

    def open(
        self,
        conversation: Conversation | int,
        recorder: Callable[[Store, StoredMessage], R] = ReplyRecorder,  # type: ignore[assignment]
    ) -> Turn[R]:
        """Read the history (once) and add the streaming reply that will answer it."""
        if isinstance(conversation, int):
            conversation = self.store.get_conversation(conversation)
        return self._open(conversation, history_for(self.store, conversation), recorder)

    def _open(
        self,
        conversation: Conversation,
        history: list[Message],
        recorder: Callable[[Store, StoredMessage], R],
    ) -> Turn[R]:
        provider = conversation.provider or self.default_provider()
        message = self.store.add_message(
            conversation.id,
            "assistant",
            "",
            status=MessageStatus.STREAMING,
            provider=provider,
            model=conversation.model,
        )
        reply = recorder(self.store, message)
        reply.label = self.label(provider)
        return Turn(conversation, provider, reply.label, history, reply)

    # -- running it: the provider's side ------------------------------------------------
    async def run(
        self, turn: Turn[R], on_text: Callable[[str], None] = lambda _text: None
    ) -> StoredMessage:
        """Build the provider and stream the reply; returns the saved final message."""
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
        except Exception as failure:  # unknown provider, settings it cannot take, our bug
            log.exception("cannot build provider %s", turn.provider)
            return recorder.save_end(MessageStatus.FAILED, setup_error(failure, turn.label))
        # A chat's parameters outlive a switch to a provider that takes fewer options.
        supported = provider.supported_options
        options = {k: v for k, v in turn.conversation.params.items() if k in supported}
        model = turn.conversation.model or None
        return await recorder.run(provider, model, turn.history, options, on_text=on_text)

    def end(
        self, turn: Turn[R], status: MessageStatus, failure: BaseException | None
    ) -> StoredMessage:
        """End a turn that never ran to its own end (cancelled before its first step, or
        crashed in our code)."""
        error = None if failure is None else internal_error(failure, turn.label)
        return turn.recorder.save_end(status, error)
