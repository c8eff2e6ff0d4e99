"""The conversation view's document: one QTextFrame per message, and what fills it.

A streaming reply appends plain text at the end of its frame, its Markdown rendered over
it live (live_view.py). No loop turn lays out more than a piece (issue #21): long lines go
in display blocks (long_text), streamed text beyond a piece waits in a backlog, bodies
render a piece a turn (message_fill), a huge text is cut with "Show all" and "Open as
text". Thinking blocks: thinking.py. Nothing is fetched. Translation context: "ChatView".
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QTextCursor, QTextFrame
from PySide6.QtWidgets import QTextBrowser, QWidget

from gui.widgets import markdown, thinking
from gui.widgets.live_markdown import LiveState
from gui.widgets.live_view import LiveView
from gui.widgets.long_text import PLAIN_PIECE_CHARS, LineBreaker, is_cut, lf
from gui.widgets.message_fill import RENDER_PIECE_CHARS, Fill, Progress, append_html
from gui.widgets.message_footer import footer
from gui.widgets.message_html import (
    MAX_PIECE_CHARS,
    MessageLike,
    Shown,
    frame_format,
    heading,
    streaming_format,
    typed_markdown,
    utf16_len,
    wants_markdown,
)
from gui.widgets.reasoning_blocks import ReasoningBlocks
from gui.widgets.thinking import Thinking
from gui.widgets.tool_cards import ToolCardsView

translate = QCoreApplication.translate
T = TypeVar("T")


class MessageDocument(ToolCardsView, LiveView, ReasoningBlocks, QTextBrowser):
    """Renders messages into frames; ChatView adds paging, links and versions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frames: dict[int, QTextFrame] = {}
        self._shown: dict[int, Shown] = {}
        self._code_blocks: dict[int, tuple[str, ...]] = {}
        self._texts: dict[int, str] = {}
        self._streaming: set[int] = set()
        self.dark = False
        self._progress: dict[int, Progress] = {}
        self._fills: dict[int, Fill] = {}
        #: "Show all" was followed: shown whole when rendered again (theme, language)
        self._expanded: set[int] = set()
        self._thinking: dict[int, Thinking] = {}
        #: a streaming reply's display breaks, and its text not in the frame yet
        self._breakers: dict[int, LineBreaker] = {}
        self._backlog: dict[int, list[str]] = {}
        self._turn_due: set[int] = set()
        #: streaming replies whose Markdown renders as it arrives (live_markdown)
        self._live: dict[int, LiveState] = {}
        #: the view stays at the end as the text grows (ChatView: until scrolled up)
        self.following = True
        self._init_cards()  # tool calls (tool_cards.py)

    # -- what is shown ------------------------------------------------------------------
    def clear_messages(self) -> None:
        self.clear()
        for held in (self._frames, self._shown, self._code_blocks, self._texts, self._progress):
            held.clear()
        for state in (self._fills, self._thinking, self._breakers, self._backlog, self._live):
            state.clear()
        self._streaming.clear()
        self._expanded.clear()

    def message_ids(self) -> list[int]:
        return sorted(self._frames, key=lambda ident: self._frames[ident].firstPosition())

    def message_text(self, message_id: int) -> str:
        return self._texts.get(message_id, "")

    def code_block(self, message_id: int, index: int) -> str | None:
        blocks = self._code_blocks.get(message_id, ())
        return blocks[index] if 0 <= index < len(blocks) else None

    def has_message(self, message_id: int) -> bool:
        return message_id in self._frames

    def is_streaming(self, message_id: int) -> bool:
        return message_id in self._streaming

    def is_expanding(self, message_id: int) -> bool:
        """Still rendering its body a piece per loop turn (not stopped at "Show all")."""
        fill = self._fills.get(message_id)
        busy = message_id in self._backlog or self._finishing(message_id)
        return busy or (fill is not None and fill.running())

    def is_cut(self, message_id: int) -> bool:
        """Shown up to its "Show all" link."""
        return (fill := self._fills.get(message_id)) is not None and fill.paused

    # -- single messages ---------------------------------------------------------------
    def append_message(self, message: MessageLike) -> None:
        self._insert_message(message, at_start=False)

    def begin_reply(self, message: MessageLike) -> None:
        """Open the frame a streaming reply will grow in."""
        self._insert_message(message, at_start=False)
        self._streaming.add(message.id)

    def update_message(self, message: MessageLike) -> None:
        """Re-render one message (finished reply, edit): only its own frame changes."""
        ident = message.id
        frame = self._frames.get(ident)
        if frame is None:
            self.append_message(message)
            return
        if self._cards.get(ident) or getattr(message, "tools", None):  # tool_cards renders
            self._end_stream(ident)
            self._progress.pop(ident, None)
            self._refill(frame, message)
            return
        streamed = ident in self._streaming and self._texts.get(ident) == lf(message.text)
        was_streaming = streamed and ident not in self._backlog
        live = self._live.get(ident)
        self._end_stream(ident)
        self._progress.pop(ident, None)
        if streamed:
            self._remember(message)
            shown = self._shown[ident]
            if (state := self._thinking_for(shown)) is not None:
                self._ensure_block(ident, state)
        if streamed and live is not None and live.touched():
            if live.off or not wants_markdown(message):
                self._refill(frame, message)  # plain after all: as if it never was live
            else:
                self._finish_live(frame, shown, live, detach=not was_streaming)
            return
        if was_streaming:
            if is_cut(message.text):  # a view holding megabytes re-lays them out at a resize:
                footer_html = self._footer(shown)  # keep what streamed of its head, note
                cut = lambda: Fill.cut_streamed(frame, shown, footer_html)  # noqa: E731
                self._fills[ident] = self._grow(frame.lastPosition(), cut)
                return
            if not wants_markdown(message):
                # The streamed plain text is what should stay: add the footer only,
                # rather than re-inserting a reply that may be hundreds of KB.
                self._grow(frame.lastPosition(), lambda: append_html(frame, self._footer(shown)))
                return
            pieces = markdown.split_blocks(message.text, RENDER_PIECE_CHARS)
            if max(map(len, pieces)) > MAX_PIECE_CHARS:  # a block too big for one step:
                append = lambda: append_html(frame, self._footer(shown))  # noqa: E731
                self._grow(frame.lastPosition(), append)  # it stays the text it streamed
                return
            if len(pieces) > 1:
                self._code_blocks[ident] = ()
                self._progress[ident] = Progress(shown, pieces)
                self._render_next_piece(ident)
                return
        self._refill(frame, message)

    def _refill(self, frame: QTextFrame, message: MessageLike) -> None:
        cursor = frame.firstCursorPosition()
        cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._fill(cursor, message)

    def remove_message(self, message_id: int) -> None:
        frame = self._frames.pop(message_id, None)
        if frame is None:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(frame.firstPosition() - 1)
        cursor.setPosition(frame.lastPosition() + 1, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        for held in (self._shown, self._code_blocks, self._texts, self._progress, self._fills):
            held.pop(message_id, None)
        self._thinking.pop(message_id, None)
        self._cards.pop(message_id, None)
        self._end_stream(message_id)
        self._expanded.discard(message_id)

    def append_delta(self, message_id: int, text: str) -> None:
        """Append streamed text as plain text at the end of the reply's frame."""
        if message_id not in self._frames or not text:
            return
        state = self._thinking.get(message_id)
        if state is not None and state.live:  # the answer began: the thinking folds away
            state.end_live()
            thinking.hide(message_id, state, dark=self.dark)
        text = self._breakers.setdefault(message_id, LineBreaker()).line_ends(text)
        self._texts[message_id] = self._texts.get(message_id, "") + text
        self._stream_in(message_id, text)

    def show_all(self, message_id: int) -> None:
        """Render the rest of a message shown cut, a piece per loop turn."""
        fill, frame = self._fills.get(message_id), self._frames.get(message_id)
        if fill is not None and frame is not None and fill.show_all(frame):
            self._expanded.add(message_id)
            self._next_turn(message_id)

    # -- rendering -------------------------------------------------------------------
    def _insert_message(self, message: MessageLike, *, at_start: bool) -> None:
        cursor = QTextCursor(self.document())
        if at_start:
            cursor.movePosition(QTextCursor.MoveOperation.Start)
        else:
            cursor.movePosition(QTextCursor.MoveOperation.End)
        frame = cursor.insertFrame(frame_format(message.role, dark=self.dark))
        self._frames[message.id] = frame
        self._fill(frame.firstCursorPosition(), message)

    def _remember(self, message: MessageLike) -> None:
        self._shown[message.id] = Shown.of(message)  # its line ends as "\n" (long_text.lf)
        self._texts[message.id] = self._shown[message.id].text

    def _fill(self, cursor: QTextCursor, message: MessageLike) -> None:
        self._remember(message)
        ident, shown = message.id, self._shown[message.id]
        for state in (self._fills, self._progress):
            state.pop(ident, None)
        self._end_stream(ident)
        frame = self._frames[ident]
        if ident in self._thinking:  # its block went with the frame's old content
            self._thinking[ident].frame = None
        think = self._thinking_for(shown)
        self._remember_cards(message)
        if self._fill_cards(cursor, shown, think):
            return
        if message.status == "streaming":
            cursor.insertHtml(heading(message, dark=self.dark, labels=self.labels))
            cursor.insertBlock()
            if think is not None:
                if not message.text and not think.live:  # still thinking (a chat opened)
                    think.start_live()
                thinking.insert(cursor, ident, think, dark=self.dark)
            self._streaming.add(ident)
            if message.role == "assistant":
                self._live[ident] = LiveState()
            self._stream_in(ident, message.text)
            return
        as_markdown = wants_markdown(message)
        if as_markdown and message.role == "user":  # its lines and indents as typed
            shown = shown._replace(text=typed_markdown(shown.text))
        fill = Fill(shown, as_markdown=as_markdown, expanded=ident in self._expanded)
        html, self._code_blocks[ident] = fill.next_html(
            self.document(),
            dark=self.dark,
            copy_label=translate("ChatView", "Copy"),
            first_code_block=0,
            footer=lambda: self._footer(shown),
        )
        # #19: files above the text (loaded with the first; kept for re-renders without)
        if getattr(message, "attachments", ()) or "gui.widgets.attachment_view" in sys.modules:
            from gui.widgets import attachment_view

            if files := attachment_view.files_of(self.document(), message):
                html = attachment_view.files_html(self.document(), files, self.dark) + html
        if think is None:
            cursor.insertHtml(heading(message, dark=self.dark, labels=self.labels) + html)
        else:
            cursor.insertHtml(heading(message, dark=self.dark, labels=self.labels))
            cursor.insertBlock()
            thinking.insert(cursor, ident, think, dark=self.dark)
            append_html(frame, html)
        if not fill.finished:
            self._fills[ident] = fill
        if fill.running():
            self._next_turn(ident)

    def _footer(self, message: MessageLike) -> str:
        return footer(message, dark=self.dark)

    def _stream_in(self, ident: int, text: str) -> None:
        """Streamed text to the frame's end in display blocks; past a piece, to the backlog."""
        shown = self._breakers.setdefault(ident, LineBreaker()).feed(text)
        backlog = self._backlog.get(ident)
        if backlog is not None:
            backlog.append(shown)
            return
        if len(shown) > PLAIN_PIECE_CHARS:
            self._backlog[ident] = [shown[PLAIN_PIECE_CHARS:]]
            shown = shown[:PLAIN_PIECE_CHARS]
            self._next_turn(ident)
        self._append_plain(ident, self._frames[ident], shown)

    def _append_plain(self, ident: int, frame: QTextFrame, text: str) -> None:
        """Streamed text at the end of the frame, as plain text; a live step follows."""
        insert = lambda: frame.lastCursorPosition().insertText(text, streaming_format())  # noqa: E731
        self._grow(frame.lastPosition(), insert)
        live = self._live.get(ident)
        if live is not None and not live.off:
            live.tail_len += utf16_len(text)
            self._live_due(ident, live)

    def _end_stream(self, ident: int) -> None:
        self._streaming.discard(ident)
        self._live.pop(ident, None)
        self._breakers.pop(ident, None)
        self._backlog.pop(ident, None)
        self._card_base.pop(ident, None)

    def _next_turn(self, ident: int) -> None:
        """The next piece of this message, on a timer, so input and paint run between."""
        if ident not in self._turn_due:
            self._turn_due.add(ident)
            QTimer.singleShot(1, self, lambda: self._turn(ident))

    def _turn(self, ident: int) -> None:
        self._turn_due.discard(ident)
        frame = self._frames.get(ident)
        if frame is None:
            return
        state = self._thinking.get(ident)
        if state is not None and state.waiting:  # thinking first, the rest next turn
            self._show_reasoning(ident, state, state.waiting)
            if ident in self._backlog or ident in self._fills:
                self._next_turn(ident)
            return
        if ident in self._backlog:
            text = "".join(self._backlog.pop(ident))
            piece, rest = text[:PLAIN_PIECE_CHARS], text[PLAIN_PIECE_CHARS:]
            self._append_plain(ident, frame, piece)
            if rest:
                self._backlog[ident] = [rest]
                self._next_turn(ident)
            return
        fill = self._fills.get(ident)
        if fill is None or not fill.running():
            return
        html, blocks = fill.next_html(
            self.document(),
            dark=self.dark,
            copy_label=translate("ChatView", "Copy"),
            first_code_block=len(self._code_blocks.get(ident, ())),
            footer=lambda: self._footer(fill.message),
        )
        self._grow(frame.lastPosition(), lambda: append_html(frame, html))
        self._code_blocks[ident] = self._code_blocks.get(ident, ()) + blocks
        if fill.finished:
            del self._fills[ident]
        if fill.running():
            self._next_turn(ident)
        else:
            self._footer_shown(ident)

    def _footer_shown(self, message_id: int) -> None:
        """A body rendered in pieces now has its footer (ChatView finds links in it)."""

    def _render_next_piece(self, message_id: int) -> None:
        """Render the next piece of a finished reply; the footer (and its actions) comes
        with the last. Anything unexpected renders the rest at once, as a reply that was
        not streamed would be."""
        progress = self._progress.get(message_id)
        frame = self._frames.get(message_id)
        if progress is None or frame is None:
            return
        last = progress.last
        blocks = self._grow(
            frame.lastPosition(),
            lambda: progress.render_next(
                frame,
                dark=self.dark,
                copy_label=translate("ChatView", "Copy"),
                first_code_block=len(self._code_blocks[message_id]),
                footer_html=self._footer(progress.message) if last else "",
            ),
        )
        if blocks is None:
            del self._progress[message_id]
            self.update_message(progress.message)
            return
        self._code_blocks[message_id] += blocks
        if last:
            del self._progress[message_id]
        else:  # a timer, so input and paint run between pieces
            QTimer.singleShot(1, self, lambda: self._render_next_piece(message_id))

    def _grow(self, position: int, change: Callable[[], T]) -> T:
        """Make a change at `position`; a view at the end stays at the end, and one whose
        top is below `position` keeps showing the same text."""
        bar = self.verticalScrollBar()
        at_end = self.following or bar.value() >= bar.maximum() - 4
        above = False
        if not at_end:
            cursor = QTextCursor(self.document())
            cursor.setPosition(min(position, self.document().characterCount() - 1))
            above = self.cursorRect(cursor).bottom() < 0
        before = bar.maximum()
        result = change()
        if at_end:
            bar.setValue(bar.maximum())
        elif above:
            bar.setValue(bar.value() + bar.maximum() - before)
        return result
