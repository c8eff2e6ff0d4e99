"""Recording a reply as it streams: shared by the window's controller and `besedka ask`.

Qt-free, so the command line and the window save replies the same way: the text so far
is written at least once a second and once at the end, with its final status.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from gui.core.store import MessageStatus, Store, StoredMessage, StoreError
from providers.base import FinishReason, Message, Provider, Usage
from providers.errors import ProviderError

log = logging.getLogger(__name__)

SAVE_EVERY_S = 1.0


def history_for(store: Store, conversation_id: int) -> list[Message]:
    """What the provider is sent: the system prompt, then every non-empty turn."""
    conversation = store.get_conversation(conversation_id)
    history: list[Message] = []
    if conversation.system_prompt.strip():
        history.append({"role": "system", "content": conversation.system_prompt})
    for role, text in store.turns(conversation_id):
        if role == "user" and text:
            history.append({"role": "user", "content": text})
        elif role == "assistant" and text:
            history.append({"role": "assistant", "content": text})
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
        self.error = ""

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
            self.status = MessageStatus.COMPLETE
        except asyncio.CancelledError:
            self.status = MessageStatus.STOPPED
        except ProviderError as failure:
            self.status, self.error = MessageStatus.FAILED, failure.user_message
        except Exception as failure:  # our bug: keep the text, say so, log it
            log.exception("reply failed")
            self.status = MessageStatus.FAILED
            self.error = f"Internal error ({type(failure).__name__}); the text so far is kept."
        return self.save_end(self.status, self.error)

    def save_end(self, status: MessageStatus, error: str) -> StoredMessage:
        """Save how the reply ended. A reply deleted meanwhile, or a store that cannot
        write (disk full), still ends: the caller gets the final message either way."""
        self.status, self.error = status, error
        try:
            self.store.update_message(
                self.message.id, text=self.text, status=status, error=error, usage=self.usage
            )
            return self.store.get_message(self.message.id)
        except (KeyError, StoreError) as failure:
            log.warning("could not save the end of reply %s: %s", self.message.id, failure)
            return dataclasses.replace(
                self.message, text=self.text, status=status, error=error, usage=self.usage
            )
