"""A reply the window shows while it streams, and the line that sums it up at its end."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from gui.core.session import ReplyRecorder
from gui.core.store import MessageStatus, Store, StoredMessage

__all__ = ["MAX_PIECE_CHARS", "LiveReply", "shown_live", "speed_line", "summary"]

#: The most text handed to the view in one piece: it lays out about 5 characters a
#: microsecond, so more would hold the event loop longer than a frame. A faster stream
#: is shown a piece at a time and catches up at the end.
MAX_PIECE_CHARS = 12_000


def summary(message: StoredMessage, label: str) -> str:
    """The status line when a reply ends: who answered, how it ended, its token counts."""
    who = f"{label} / {message.model}" if message.model else label
    if message.status == MessageStatus.FAILED:
        return QCoreApplication.translate("ChatController", "{0}: failed").format(who)
    if message.status == MessageStatus.STOPPED:
        return QCoreApplication.translate("ChatController", "{0}: stopped").format(who)
    if message.error is not None and message.error.kind == "not_saved":
        return QCoreApplication.translate("ChatController", "{0}: not saved").format(who)
    if total := message.usage.get("total_tokens"):
        prompt, reply = (message.usage.get(k, 0) for k in ("prompt_tokens", "completion_tokens"))
        said = QCoreApplication.translate(
            "ChatController", "{0}: {1} tokens ({2} prompt + {3} reply)"
        ).format(who, total, prompt, reply)
        if cached := message.usage.get("cached_tokens"):
            said += " " + QCoreApplication.translate(
                "ChatController", "{0} of the prompt from the cache."
            ).format(cached)
        return said
    return QCoreApplication.translate("ChatController", "{0}: done").format(who)


def speed_line(reply: ReplyRecorder, label: str) -> str:
    """The live status line while a reply streams: waiting, or its speed."""
    if reply.first_token_at is None:
        return QCoreApplication.translate("ChatController", "Waiting for {0}…").format(label)
    elapsed = max(time.monotonic() - reply.first_token_at, 1e-3)
    # A token is about four characters of text; good enough for a live figure.
    speed = reply.chars / 4 / elapsed
    return QCoreApplication.translate("ChatController", "Streaming: ~{0:.0f} tokens/s").format(
        speed
    )


class LiveReply(ReplyRecorder):
    """A reply the window shows: its task and the text not yet handed to the view."""

    def __init__(self, store: Store, message: StoredMessage) -> None:
        super().__init__(store, message)
        self.conversation_id = message.conversation_id
        self.pending: list[str] = []
        #: thinking not yet handed to the view
        self.pending_reasoning: list[str] = []
        #: a retry's wait ends then (time.monotonic): the status line says so until then
        self.retry_until = 0.0
        self.task: asyncio.Task[None] | None = None
        self.finished = False
        #: when a piece of it was last handed to the view (time.monotonic)
        self.shown_at = 0.0
        #: the messages shown with it when it starts (the question), and whether it was
        self.before: tuple[StoredMessage, ...] = ()
        self.started_shown = False
        #: a reply being continued: the text it had (the view shows it, then the rest)
        self.resumed_from: str | None = None
        #: the status line while a tool call waits or runs (instead of the speed)
        self.tool_note = ""

    def take_reasoning(self) -> str:
        """The pending thinking, at most MAX_PIECE_CHARS of it."""
        text = "".join(self.pending_reasoning)
        self.pending_reasoning.clear()
        if len(text) > MAX_PIECE_CHARS:
            self.pending_reasoning.append(text[MAX_PIECE_CHARS:])
            text = text[:MAX_PIECE_CHARS]
        return text

    def take_piece(self) -> str:
        """The pending text, or its first MAX_PIECE_CHARS when there is more."""
        text = "".join(self.pending)
        self.pending.clear()
        if len(text) > MAX_PIECE_CHARS:
            self.pending.append(text[MAX_PIECE_CHARS:])
            text = text[:MAX_PIECE_CHARS]
        return text


def shown_live(messages: list[StoredMessage], replies: Iterable[LiveReply]) -> list[StoredMessage]:
    """A page as the view should show it: a message still streaming with its text so far,
    not the last saved one; a reply not shown yet left out (it appears when it starts)."""
    live = {reply.message.id: reply for reply in replies}
    shown = []
    for message in messages:
        reply = live.get(message.id)
        if reply is None:
            shown.append(message)
        elif reply.resumed_from is not None:  # a reply being continued: its old text
            shown.append(dataclasses.replace(message, text=reply.resumed_from))
        elif reply.started_shown:
            reply.pending.clear()  # already part of the text shown now
            shown.append(dataclasses.replace(message, text=reply.text))
    return shown
