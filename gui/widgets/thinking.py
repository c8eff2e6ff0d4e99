"""A reply's Thinking block: the model's reasoning above its answer (issue #18).

It streams open (dimmed, italic plain text) while the model thinks, and collapses to one
line, "▸ Thinking · 4 s", when the answer starts or the reply ends. That line is a link
(Tab reaches it, Enter or a click follows it) that opens and closes the block. The block
is a frame of its own inside the message's frame, so opening, closing and streaming
touch only it. The texts keep the view's translation context, "ChatView".
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import (
    QColor,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextFrame,
    QTextFrameFormat,
)

from gui.widgets import markdown
from gui.widgets.long_text import PLAIN_PIECE_CHARS, LineBreaker, head_end
from gui.widgets.message_html import action_url

translate = QCoreApplication.translate

#: An opened block shows at most this much (about 6 ms of layout); the rest is one
#: "Open as text" away. While it streams, all of it is shown.
SHOWN_CHARS = PLAIN_PIECE_CHARS
_MUTED = {False: "#6e7781", True: "#9198a1"}


class Thinking:
    """One reply's reasoning as the view holds it, and the frame showing it."""

    def __init__(self, text: str = "", ms: int = 0) -> None:
        self.parts = [text] if text else []
        self.ms = ms
        #: streaming open, before the answer (time.monotonic() when it began)
        self.live = False
        self.started = 0.0
        #: opened by the person
        self.open = False
        #: streamed text not in the open block yet (a piece goes in a loop turn)
        self.waiting = ""
        self.frame: QTextFrame | None = None
        self._breaker = LineBreaker()
        self._shown = 0  # characters of it in the frame
        self._cut = False  # the frame shows its first SHOWN_CHARS and "Open as text"

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def start_live(self) -> None:
        self.live, self.started = True, time.monotonic()

    def end_live(self) -> None:
        """The answer began (or the reply ended): how long it thought."""
        if self.live:
            self.live = False
            self.ms = self.ms or max(1, round((time.monotonic() - self.started) * 1000))


def duration(ms: int) -> str:
    seconds = max(1, round(ms / 1000))
    if seconds < 60:
        return translate("ChatView", "{0} s").format(seconds)
    return translate("ChatView", "{0} min {1} s").format(seconds // 60, seconds % 60)


def toggle_html(message_id: int, state: Thinking, *, dark: bool) -> str:
    """The block's first line: a link that opens or closes it."""
    if state.live:
        label, tip = "▾ " + translate("ChatView", "Thinking…"), ""
    else:
        name = (
            translate("ChatView", "Thinking · {0}").format(duration(state.ms))
            if state.ms
            else translate("ChatView", "Thinking")
        )
        opened = state.open
        label = ("▾ " if opened else "▸ ") + name
        tip = (
            translate("ChatView", "Hide the model's reasoning")
            if opened
            else translate("ChatView", "Show the model's reasoning")
        )
    title = f' title="{markdown.escape(tip)}"' if tip else ""
    style = f"color:{_MUTED[dark]}; text-decoration:none"
    href = action_url("thinking", message_id)
    return f'<a href="{href}"{title} style="{style}">{markdown.escape(label)}</a>'


def _text_format(dark: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setFontItalic(True)
    fmt.setForeground(QColor(_MUTED[dark]))
    return fmt


def insert(cursor: QTextCursor, message_id: int, state: Thinking, *, dark: bool) -> None:
    """Put the block at `cursor` (the start of the answer's first block)."""
    fmt = QTextFrameFormat()
    fmt.setBottomMargin(4)
    state.frame = cursor.insertFrame(fmt)
    state._breaker, state._shown, state._cut = LineBreaker(), 0, False
    state.frame.firstCursorPosition().insertHtml(toggle_html(message_id, state, dark=dark))
    if state.live or state.open:
        show(message_id, state, dark=dark)


def show(message_id: int, state: Thinking, *, dark: bool, more: str = "") -> None:
    """Add the text not shown yet: `more` of it while it streams, else at most the first
    SHOWN_CHARS (and an "Open as text" link for the rest)."""
    frame = state.frame
    if frame is None or state._cut:
        return
    text = more or state.text[state._shown :]
    cut = ""
    if (not state.live or not more) and state._shown + len(text) > SHOWN_CHARS:
        room = SHOWN_CHARS - state._shown
        text = text[: head_end(text, room)] if room > 0 else ""
        state._cut = True
        rest = len(state.text) - state._shown - len(text)
        more_label = translate("ChatView", "{0} more characters").format(QLocale().toString(rest))
        link = translate("ChatView", "Open as text")
        cut = (
            f"<i>… {markdown.escape(more_label)}</i> · "
            f'<a href="{action_url("thinking_text", message_id)}">{markdown.escape(link)}</a>'
        )
    cursor = frame.lastCursorPosition()
    fmt = _text_format(dark)
    if text and state._shown == 0:
        block = QTextBlockFormat()
        block.setLeftMargin(12)
        cursor.insertBlock(block, fmt)
    if text:
        cursor.insertText(state._breaker.feed(text), fmt)
    state._shown += len(text)
    if cut:
        cursor.insertBlock()
        cursor.insertHtml(cut)


def hide(message_id: int, state: Thinking, *, dark: bool) -> None:
    """Leave only the first line (the link), said as the state now is."""
    frame = state.frame
    if frame is None:
        return
    cursor = frame.firstCursorPosition()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
    cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    state._breaker, state._shown, state._cut, state.waiting = LineBreaker(), 0, False, ""
    relabel(message_id, state, dark=dark)


def relabel(message_id: int, state: Thinking, *, dark: bool) -> None:
    frame = state.frame
    if frame is None:
        return
    cursor = frame.firstCursorPosition()
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertHtml(toggle_html(message_id, state, dark=dark))
