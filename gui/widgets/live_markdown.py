"""A streaming reply's Markdown rendered as it arrives (issue #17), a bounded step at a time.

The frame of a streaming reply holds, after its heading (and Thinking block): the blocks
that are complete, rendered once and never touched again; then its "tail" — the open last
block rendered anew, followed by the text streamed since, appended as plain text. At most
once a frame (and less often when rendering the tail costs more), a step renders what
became complete and the tail again. A tail longer than TAIL_CHARS stays plain until a
block ends in it, so no step lays out more than a few thousand characters; a reply too
large (or with a line too long) for Markdown stops being rendered live and is shown as
plain text, as it always was.

Where a block is complete follows markdown.split_blocks' rule (the pieces render as the
whole does), plus the cuts a stream needs: before and after a code fence at the margin
and before a heading.
"""

from __future__ import annotations

import re
import time

from PySide6.QtGui import QTextBlockFormat, QTextCharFormat, QTextCursor, QTextFrame

from gui.widgets import view_markdown
from gui.widgets.long_text import display, has_long_line
from gui.widgets.message_fill import insert_html
from gui.widgets.message_html import MAX_PIECE_CHARS, utf16_len

#: The open block is rendered anew while it is at most this long (about 5–9 ms of
#: parsing and layout for code or a table); longer, it waits as plain text.
TAIL_CHARS = 1_000
#: A step renders at most about this much of what became complete (a block longer than
#: this, whole); the rest waits for the next steps.
STEP_CHARS = 1_000
#: Steps run at least this far apart (one frame) and at least STEP_SPACING times their
#: own cost apart, so rendering takes at most a fraction of the GUI thread's time.
FRAME_MS = 16
STEP_SPACING = 5

_FENCE_RE = re.compile(r"(`{3,}|~{3,})")
_HEADING_RE = re.compile(r"#{1,6}( |$)")
#: A paragraph at the margin that no list, quote, table or code block could claim.
_PARAGRAPH_RE = re.compile(r"[^\W\d_]|[«\"'(¿¡]|\*\*(?!\*)|__(?!_)")
_REFERENCE_RE = re.compile(r" {0,3}\[[^\]]+\]:")
_ITEM_RE = re.compile(r"([-*+]|\d{1,9}[.)]) ")


#: A stream that brings more than this many characters between two steps is a flood
#: (a local server on a fast machine, hundreds of times a person's reading speed):
#: steps wait FLOOD_WAIT_S, so the stream runs at full speed and the end renders it.
FLOOD_CHARS = 4 * 1_000
FLOOD_WAIT_S = 0.1


def flooding(state: LiveState, length: int) -> bool:
    """Whether to skip this step (and note where the text was): text floods in."""
    now = time.monotonic()
    grew = length - state.flood_mark
    if state.final or grew <= FLOOD_CHARS or now - state.flood_at > FLOOD_WAIT_S * 5:
        state.flood_mark, state.flood_at = length, now
        return False
    state.flood_mark, state.flood_at = length, now
    return True


def complete_prefix(text: str, most: int | None = None) -> int:
    """How many leading characters of `text` (which starts a block) are complete blocks:
    the end of the last line before which a new block surely starts (the last such end
    within `most` characters, when one is; else the first). 0 when none is. A link
    reference definition may be used anywhere: then nothing is complete."""
    cut = item = 0
    position = 0
    fence = ""
    previous_blank = True
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if most is not None and cut and position > most:
            break  # enough for one step
        start, position = position, position + len(line)
        partial = index == len(lines) - 1 and not line.endswith(("\n", "\r"))
        if fence:
            indent = len(line) - len(line.lstrip(" "))
            closing = re.escape(fence[0]) + "{" + str(len(fence)) + ",}"
            if not partial and indent <= 3 and re.fullmatch(closing, line.strip()):
                fence = ""
                cut = position  # a fence closed: whatever follows is a new block
            previous_blank = False
            continue
        if _REFERENCE_RE.match(line):
            return 0
        if _ITEM_RE.match(line) and start:
            item = start  # a list item at the margin: a cut of last resort (below)
        if opening := _FENCE_RE.match(line):
            fence = opening.group(1)
            cut = start
        elif (_HEADING_RE.match(line) and not (partial and line.rstrip("#") == "")) or (
            previous_blank and _PARAGRAPH_RE.match(line)
        ):
            cut = start  # the line (complete or still coming) starts a new block
        previous_blank = not line.strip()
    if not cut and item and len(text) > TAIL_CHARS:
        # A list too long to render anew each frame: cut before one of its items (the
        # next piece's numbering goes on from its own first number).
        return item
    return cut


class LiveState:
    """One streaming reply's live rendering (a plain class: dataclasses would cost the
    first frame its import)."""

    __slots__ = (
        "code_blocks",
        "committed",
        "due",
        "final",
        "flood_at",
        "flood_mark",
        "last_at",
        "last_cost",
        "off",
        "seen",
        "tail_len",
        "tail_rendered",
    )

    def __init__(self, *, last_at: float = 0.0, last_cost: float = 0.0) -> None:
        #: characters of the text rendered as complete blocks
        self.committed = 0
        #: document positions the tail takes at the end of the frame
        self.tail_len = 0
        #: the tail is rendered Markdown (not only plain text)
        self.tail_rendered = False
        #: the code blocks of the complete part (their Copy links are numbered after these)
        self.code_blocks: tuple[str, ...] = ()
        #: rendering live stopped (too large, or a line too long): plain text from here on
        self.off = False
        #: a step is due (its timer runs)
        self.due = False
        #: the reply ended: steps render what is left, a bounded piece each, not anew
        self.final = False
        #: the text's length and the time at the last step or skipped step (flooding)
        self.flood_mark = 0
        self.flood_at = 0.0
        #: when the last step ran and what it cost (time.monotonic seconds)
        self.last_at = last_at
        self.last_cost = last_cost
        #: the text length the last step saw: no new text, no step
        self.seen = 0

    def delay_ms(self) -> int:
        """How long to wait before the next step (at the end: the next loop turn)."""
        if self.final:
            return 1
        now = time.monotonic()
        spacing = max(FRAME_MS / 1000, STEP_SPACING * self.last_cost)
        return max(1, round((self.last_at + spacing - now) * 1000))

    def touched(self) -> bool:
        """True when anything but plain text went into the frame (the end must render it
        differently from a reply that streamed as plain text)."""
        return self.committed > 0 or self.tail_rendered


def step(
    frame: QTextFrame,
    state: LiveState,
    text: str,
    *,
    dark: bool,
    message_id: int,
    copy_label: str,
    plain_format: QTextCharFormat,
    max_chars: int,
) -> tuple[str, ...]:
    """One bounded step at the end of `frame`: render up to STEP_CHARS of what became
    complete (the rest stays plain for the next step), or else the open block again;
    returns the reply's code blocks so far (for the Copy links)."""
    started = time.monotonic()
    tail = text[state.committed :]
    if len(text) > max_chars or has_long_line(tail):
        state.off = True  # plain from here: the end renders the reply as it always did
    cut = 0 if state.off else complete_prefix(tail, STEP_CHARS)
    if state.final and not state.off and not cut:
        cut = len(tail)  # the reply ended: its last block is complete too
    if cut > MAX_PIECE_CHARS:  # one block too big to lay out in a step (a huge table)
        state.off, cut = True, 0
    # After a commit the rest (more complete blocks, or the open one) wants a step of
    # its own; otherwise the step is done until more text comes.
    state.seen = -1 if cut and cut < len(tail) else len(text)
    blocks = state.code_blocks
    if cut:
        _commit(frame, state, tail, cut, dark, message_id, copy_label, plain_format)
        blocks = state.code_blocks
    else:
        open_part = tail
        live_tail = not state.off and 0 < len(open_part) <= TAIL_CHARS
        if live_tail or state.tail_rendered:
            cursor = remove_tail(frame, state)
            start = cursor.position()
            if live_tail:
                shown = view_markdown.render(
                    frame.document(),
                    open_part,
                    dark=dark,
                    message_id=message_id,
                    copy_label=copy_label,
                    first_code_block=len(state.code_blocks),
                )
                insert_html(cursor, shown.html.rstrip())
                blocks += shown.code_blocks
            else:
                cursor.insertText(display(open_part), plain_format)
            state.tail_rendered = live_tail
            state.tail_len = frame.lastPosition() - start
    state.last_at, state.last_cost = started, time.monotonic() - started
    return blocks


def remove_tail(frame: QTextFrame, state: LiveState) -> QTextCursor:
    """The tail removed: a cursor where it began."""
    cursor = QTextCursor(frame.document())
    cursor.setPosition(frame.lastPosition() - state.tail_len)
    cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    return cursor


def _commit(
    frame: QTextFrame,
    state: LiveState,
    tail: str,
    cut: int,
    dark: bool,
    message_id: int,
    copy_label: str,
    plain_format: QTextCharFormat,
) -> None:
    """The first `cut` characters of the tail rendered for good; the rest plain, in a
    block of its own (left as it streamed when the tail was plain)."""
    done = view_markdown.render(
        frame.document(),
        tail[:cut],
        dark=dark,
        message_id=message_id,
        copy_label=copy_label,
        first_code_block=len(state.code_blocks),
    )
    html = done.html.rstrip()
    rest = tail[cut:]
    if state.tail_rendered:
        # The rest first, in a block of its own; then the blocks rendered before it.
        cursor = remove_tail(frame, state)
        at = cursor.position()
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        if rest:
            cursor.insertText(display(rest), plain_format)
        cursor.setPosition(at)
        insert_html(cursor, html)
    else:
        # The prefix's streamed text, its last line break kept: the rest keeps its block.
        cursor = QTextCursor(frame.document())
        begin = frame.lastPosition() - state.tail_len
        cursor.setPosition(begin)
        cursor.setPosition(
            begin + utf16_len(display(tail[:cut])) - 1, QTextCursor.MoveMode.KeepAnchor
        )
        cursor.removeSelectedText()
        insert_html(cursor, html)
    state.committed += cut
    state.code_blocks += done.code_blocks
    state.tail_rendered = False
    # Counted from the end: after a table or a list the cursor is not where the rest is.
    state.tail_len = utf16_len(display(rest))
