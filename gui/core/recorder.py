"""One streaming reply as the history keeps it: its text and thinking so far, saved every
SAVE_EVERY_S while it streams (even while the model pauses) and once at the end, with how it
ended. A save that fails (a full disk) is a visible failure, never a reply shown as done."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any

from gui.core.errors import error_info, internal_error
from gui.core.store import MessageStatus, Store, StoredMessage, StoreError, ToolStep
from gui.values import ErrorInfo
from providers.base import (
    FinishReason,
    Message,
    Provider,
    Reasoning,
    Retrying,
    ToolCall,
    ToolSpec,
    Usage,
)
from providers.errors import ProviderError

if TYPE_CHECKING:
    from gui.core.tool_loop import ToolLoop

__all__ = ["SAVE_EVERY_S", "ReplyRecorder"]

log = logging.getLogger(__name__)

SAVE_EVERY_S = 1.0
#: the shortest wait between two timer saves (SAVE_EVERY_S = 0 in tests: every piece)
_TIMER_FLOOR_S = 0.01


class ReplyRecorder:
    """One streaming reply: its text and thinking so far, usage, and what is saved."""

    def __init__(self, store: Store, message: StoredMessage) -> None:
        self.store = store
        self.message = message
        #: the text so far (a reply continued starts with its old text)
        self.parts: list[str] = [message.text] if message.text else []
        self.chars = len(message.text)
        #: the thinking so far, never sent back to a provider
        self.reasoning_parts: list[str] = [message.reasoning] if message.reasoning else []
        #: how long it thought, in ms: first thinking piece → first text piece (or the end)
        self.reasoning_ms = message.reasoning_ms
        self.reasoning_started: float | None = None
        self.saved_at = time.monotonic()
        self.first_token_at: float | None = None
        self.finish_reason = ""
        self.usage: dict[str, int] = {}
        #: older messages the request left out (they did not fit the model's context):
        #: the session counts them into the opened reply's usage, and they stay there
        #: when the provider's token counts replace it
        self.left_out = message.usage.get("left_out", 0)
        self.status = MessageStatus.STREAMING
        self.error: ErrorInfo | None = None
        #: the history does not hold the reply as it is here (the last save failed)
        self.save_failed = False
        #: the provider's label, for an error of our own ("not_saved")
        self.label = message.provider
        #: the tool calls made so far and their results (gui.core.tool_loop)
        self.tool_steps: list[ToolStep] = list(message.tools)
        self._saved = (self.chars, self._reasoning_chars())
        self._saved_steps = len(self.tool_steps)
        self._callbacks: tuple[Callable[[str], None], ...] = ()
        self._on_retry: Callable[[Retrying], None] = lambda _retrying: None

    @property
    def text(self) -> str:
        return "".join(self.parts)

    @property
    def reasoning(self) -> str:
        return "".join(self.reasoning_parts)

    def _reasoning_chars(self) -> int:
        return sum(len(part) for part in self.reasoning_parts)

    def add_text(self, text: str) -> None:
        now = time.monotonic()
        if self.first_token_at is None:
            self.first_token_at = now
        self._end_thinking(now)
        self.parts.append(text)
        self.chars += len(text)
        if now - self.saved_at >= SAVE_EVERY_S:
            self.save_progress()

    def add_reasoning(self, text: str) -> None:
        now = time.monotonic()
        if self.reasoning_started is None:
            self.reasoning_started = now
        self.reasoning_parts.append(text)
        if now - self.saved_at >= SAVE_EVERY_S:
            self.save_progress()

    def add_tool_step(self, step: ToolStep) -> None:
        """A call ran (or was refused): saved at once, with the text before it."""
        self.tool_steps.append(step)
        self.save_progress()

    def _end_thinking(self, now: float) -> None:
        """The first answer piece (or the end) ends the thinking: its time is counted."""
        if self.reasoning_started is not None:
            self.reasoning_ms += round((now - self.reasoning_started) * 1000)
            self.reasoning_started = None

    def save_progress(self) -> None:
        """Save the text and thinking so far if they changed since the last save."""
        self.saved_at = time.monotonic()
        state = (self.chars, self._reasoning_chars())
        steps = len(self.tool_steps)
        if state == self._saved and steps == self._saved_steps and not self.save_failed:
            return
        try:
            self.store.update_message(
                self.message.id,
                text=self.text,
                reasoning=self.reasoning,
                reasoning_ms=self._thinking_ms_now(),
                tools=self.tool_steps if steps != self._saved_steps else None,
            )
        except KeyError:  # removed for good meanwhile: nothing left to save into
            return
        except StoreError as failure:  # disk full, say: the end says so if it still fails
            if not self.save_failed:
                log.warning("could not save reply %s: %s", self.message.id, failure)
            self.save_failed = True
            return
        self.save_failed = False
        self._saved, self._saved_steps = state, steps

    def _thinking_ms_now(self) -> int:
        if self.reasoning_started is None:
            return self.reasoning_ms
        return self.reasoning_ms + round((time.monotonic() - self.reasoning_started) * 1000)

    async def _save_on_a_timer(self) -> None:
        """Save every SAVE_EVERY_S while streaming, also when no piece arrives: a model
        that pauses (or thinks) for a minute must not leave its text unsaved meanwhile."""
        while True:
            due = self.saved_at + SAVE_EVERY_S - time.monotonic()
            await asyncio.sleep(max(due, _TIMER_FLOOR_S))
            if time.monotonic() - self.saved_at >= SAVE_EVERY_S:
                self.save_progress()

    async def run(
        self,
        provider: Provider,
        model: str | None,
        history: list[Message],
        options: dict[str, Any],
        on_text: Callable[[str], None] = lambda _text: None,
        on_reasoning: Callable[[str], None] = lambda _text: None,
        on_retry: Callable[[Retrying], None] = lambda _retrying: None,
        *,
        loop: ToolLoop | None = None,
    ) -> StoredMessage:
        """Stream into the store and return the final message; its status says how it
        ended. A provider error becomes the message's error; cancellation (Stop) saves
        the text as stopped. Our own tasks are the only ones cancelled here. With a tool
        `loop`, the model may call tools: one reply, several requests."""
        status, error = MessageStatus.COMPLETE, None
        self._callbacks = (on_text, on_reasoning)
        self._on_retry = on_retry
        saver = asyncio.ensure_future(self._save_on_a_timer())
        try:
            if loop is None:
                await self.stream_round(provider, model, history, options, ())
            else:
                await loop.drive(self, provider, model, history, options)
        except asyncio.CancelledError:
            status = MessageStatus.STOPPED
        except ProviderError as failure:
            status, error = MessageStatus.FAILED, error_info(failure, provider.label)
        except Exception as failure:  # our bug: keep the text, say so, log it
            log.exception("reply failed")
            status, error = MessageStatus.FAILED, internal_error(failure, provider.label)
        finally:
            saver.cancel()
        return self.save_end(status, error)

    async def stream_round(
        self,
        provider: Provider,
        model: str | None,
        history: list[Message],
        options: dict[str, Any],
        tools: Sequence[ToolSpec],
    ) -> list[ToolCall]:
        """One request streamed into the reply; the tool calls it ended with. Raises
        what the provider raises (`run` turns it into the reply's end)."""
        on_text, on_reasoning = self._callbacks or (lambda _t: None, lambda _t: None)
        calls: list[ToolCall] = []
        replies: AsyncIterator[Any] = (
            provider.stream(model, history, options=options, tools=tools)
            if tools
            else provider.stream(model, history, options=options)  # no tools: as before
        )
        async with contextlib.aclosing(replies):  # type: ignore[type-var]
            async for chunk in replies:
                if isinstance(chunk, str):
                    self.add_text(chunk)
                    on_text(chunk)
                elif isinstance(chunk, Reasoning):
                    self.add_reasoning(chunk.text)
                    on_reasoning(chunk.text)
                elif isinstance(chunk, Retrying):
                    self._on_retry(chunk)
                elif isinstance(chunk, ToolCall):
                    calls.append(chunk)
                elif isinstance(chunk, FinishReason):
                    self.finish_reason = chunk.reason
                elif isinstance(chunk, Usage):
                    self._count(chunk)
        return calls

    def _count(self, chunk: Usage) -> None:
        """Token counts: a reply of several requests adds up what they used."""
        before = self.usage if self.tool_steps else {}
        self.usage = {
            "prompt_tokens": chunk.prompt_tokens + before.get("prompt_tokens", 0),
            "completion_tokens": chunk.completion_tokens + before.get("completion_tokens", 0),
            "total_tokens": chunk.total_tokens + before.get("total_tokens", 0),
        }
        cached = chunk.cached_tokens + before.get("cached_tokens", 0)
        if cached:  # served from the service's prompt cache
            self.usage["cached_tokens"] = cached

    def save_end(self, status: MessageStatus, error: ErrorInfo | None) -> StoredMessage:
        """Save how the reply ended. A reply deleted meanwhile, or a store that cannot
        write (disk full), still ends: the caller gets the final message, with the whole
        text, either way. A failed save sets `save_failed` and marks the reply "not_saved"
        (unless it already has an error to show), even when the stream completed."""
        self._end_thinking(time.monotonic())
        self.status, self.error = status, error
        if self.left_out:
            self.usage["left_out"] = self.left_out
        try:
            self.store.update_message(
                self.message.id,
                text=self.text,
                status=status,
                error=error,
                usage=self.usage,
                finish_reason=self.finish_reason,
                reasoning=self.reasoning,
                reasoning_ms=self.reasoning_ms,
                tools=self.tool_steps if self.tool_steps else None,
            )
        except (KeyError, StoreError) as failure:
            log.warning("could not save the end of reply %s: %s", self.message.id, failure)
            if isinstance(failure, StoreError):
                self.save_failed = True
                if error is None:
                    self.error = error = ErrorInfo("not_saved", provider=self.label)
        else:
            self.save_failed = False
            with contextlib.suppress(KeyError, StoreError):
                return self.store.get_message(self.message.id)
        return dataclasses.replace(
            self.message,
            text=self.text,
            status=status,
            error=error,
            usage=self.usage,
            finish_reason=self.finish_reason,
            reasoning=self.reasoning,
            reasoning_ms=self.reasoning_ms,
            tools=tuple(self.tool_steps),
        )
