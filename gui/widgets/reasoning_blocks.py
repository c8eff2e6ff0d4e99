"""A reply's Thinking blocks in the conversation view: the model's reasoning streamed into
a block above the answer (open while it streams, folded once the answer starts), kept
open or not across renders. The block itself is drawn by thinking.py; this is the part
of the view's document that feeds it (a mixin of MessageDocument)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtGui import QTextCursor, QTextFrame

from gui.widgets import thinking
from gui.widgets.long_text import PLAIN_PIECE_CHARS
from gui.widgets.message_html import Shown
from gui.widgets.thinking import Thinking

T = TypeVar("T")


class ReasoningBlocks:
    """The Thinking blocks of MessageDocument's frames."""

    _frames: dict[int, QTextFrame]
    _streaming: set[int]
    _texts: dict[int, str]
    _thinking: dict[int, Thinking]
    dark: bool

    def _grow(self, position: int, change: Callable[[], T]) -> T:
        raise NotImplementedError

    def _next_turn(self, ident: int) -> None:
        raise NotImplementedError

    def reasoning(self, message_id: int) -> str:
        state = self._thinking.get(message_id)
        return state.text if state is not None else ""

    def append_reasoning(self, message_id: int, text: str) -> None:
        """Stream thinking into the reply's Thinking block (open until the answer starts)."""
        if message_id not in self._frames or not text:
            return
        state = self._thinking.get(message_id)
        if state is None:
            state = self._thinking[message_id] = Thinking()
            if message_id in self._streaming and not self._texts.get(message_id):
                state.start_live()
        self._ensure_block(message_id, state)
        state.parts.append(text)
        if state.waiting:
            state.waiting += text
        elif state.frame is not None and (state.live or state.open):
            self._show_reasoning(message_id, state, text)

    def _show_reasoning(self, message_id: int, state: Thinking, text: str) -> None:
        """Streamed thinking into its open block, a piece a loop turn, like the answer."""
        piece, state.waiting = text[:PLAIN_PIECE_CHARS], text[PLAIN_PIECE_CHARS:]
        if state.frame is not None:
            show = lambda: thinking.show(message_id, state, dark=self.dark, more=piece)  # noqa: E731
            self._grow(state.frame.lastPosition(), show)
        if state.waiting:
            self._next_turn(message_id)

    def _ensure_block(self, message_id: int, state: Thinking) -> None:
        """A Thinking block for a reply shown without one, at the start of its answer."""
        frame = self._frames.get(message_id)
        if state.frame is not None or frame is None:
            return
        cursor = QTextCursor(frame.firstCursorPosition())
        cursor.movePosition(QTextCursor.MoveOperation.NextBlock)  # past the heading
        insert = lambda: thinking.insert(cursor, message_id, state, dark=self.dark)  # noqa: E731
        self._grow(cursor.position(), insert)

    def _thinking_for(self, shown: Shown) -> Thinking | None:
        """The message's Thinking state (kept across renders: open or not), if it has one;
        a block already shown is folded (the reply ended) or said again (its duration)."""
        state = self._thinking.get(shown.id)
        if state is None and shown.reasoning:
            state = self._thinking[shown.id] = Thinking(shown.reasoning, shown.reasoning_ms)
        elif state is not None:
            if shown.reasoning and shown.reasoning != state.text:
                state.parts = [shown.reasoning]
            state.ms = shown.reasoning_ms or state.ms
        if state is not None and shown.status != "streaming" and state.live:
            state.end_live()
            if state.frame is not None:
                thinking.hide(shown.id, state, dark=self.dark)
        elif state is not None and state.frame is not None and not state.live:
            thinking.relabel(shown.id, state, dark=self.dark)
        return state
