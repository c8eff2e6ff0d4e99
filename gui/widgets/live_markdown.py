"""A streaming reply's Markdown rendered as it arrives (issue #17), a bounded step at a time.

The frame of a streaming reply holds, after its heading (and Thinking block): the blocks
that are complete, rendered once and never touched again; then the open last block as
last rendered, followed by the text streamed since, appended as plain text. At most once
a frame (and less often when a step costs more, or text floods in), a step renders up to
STEP_CHARS of what became complete in place of its streamed text, or else the open block
again; the plain text after it is never inserted again, so the work per character is
bounded. An open block longer than TAIL_CHARS (CODE_TAIL_CHARS for code, which is
highlighted as it comes) stays as it is until a block ends in it. When the reply ends,
steps render the rest in place, about PIECE_CHARS a loop turn, then the footer. A reply
too large (or with a line or block too long) for Markdown stops being rendered live and
is shown as a finished one is: plain text.

Where a block is complete follows markdown.split_blocks' rule (the pieces render as the
whole does), plus the cuts a stream needs: before and after a code fence at the margin
and before a heading.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from collections.abc import Iterator

from PySide6.QtGui import QTextBlockFormat, QTextCharFormat, QTextCursor, QTextFrame

from gui.widgets import markdown_code, view_markdown
from gui.widgets.long_text import display, has_long_line
from gui.widgets.message_fill import append_html, insert_html
from gui.widgets.message_html import MAX_PIECE_CHARS, PIECE_CHARS, utf16_len

#: The open block is rendered anew while it is at most this long (about 5–9 ms of
#: parsing and layout for code or a table); longer, it waits as plain text.
TAIL_CHARS = 1_000
#: An open code block is rendered anew while it is at most this long (~4 ms: the lines
#: highlighted before are reused): code is read as it comes, worth more than emphasis.
CODE_TAIL_CHARS = 4_000
#: A step renders at most about this much of what became complete (a block longer than
#: this, whole); the rest waits for the next steps.
STEP_CHARS = 1_000
#: Steps run at least this far apart (one frame) and at least STEP_SPACING times their
#: own cost apart, so rendering takes at most a fraction of the GUI thread's time.
FRAME_MS = 16
STEP_SPACING = 5
#: What a step should cost: the next renders about as much as this one did in this time
#: (layout costs more as the reply grows, and when other threads share the interpreter).
STEP_MS = 5
MIN_STEP_CHARS = 200
#: A step runs at least this long after text went into the frame: in a loop turn of its own.
APART_MS = 4

_FENCE_RE = re.compile(r"(`{3,}|~{3,})")
_HEADING_RE = re.compile(r"#{1,6}( |$)")
#: A paragraph at the margin that no list, quote, table or code block could claim.
_PARAGRAPH_RE = re.compile(r"[^\W\d_]|[«\"'(¿¡]|\*\*(?!\*)|__(?!_)")
_REFERENCE_RE = re.compile(r" {0,3}\[[^\]]+\]:")
_ITEM_RE = re.compile(r"([-*+]|\d{1,9}[.)]) ")


#: A stream that brings more than this many characters between two steps is a flood
#: (a local server on a fast machine, hundreds of times a person's reading speed): the
#: next step waits FLOOD_WAIT_S, so the stream runs at full speed, the view still renders
#: a bounded piece ten times a second, and the end renders the rest a piece per turn.
FLOOD_CHARS = 4 * 1_000
FLOOD_WAIT_S = 0.1
#: complete_prefix looks at most this far into the text not rendered yet: a block longer
#: than MAX_PIECE_CHARS could not be rendered in one step anyway.
WINDOW_CHARS = MAX_PIECE_CHARS + 1
#: the formula worker, once the first formula loaded it (never loaded for it here)
_MATH_WORKER = "gui.widgets.markdown_math_worker"


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
    first frame its import).

    The frame ends with the reply's uncommitted part, `tail_len` positions: first the
    open block as last rendered (`rendered_len` positions for the first `rendered_chars`
    characters after the committed ones), then the text streamed since, plain."""

    __slots__ = (
        "appended_at",
        "code_blocks",
        "committed",
        "detached",
        "due",
        "final",
        "flood",
        "last_at",
        "last_cost",
        "most",
        "off",
        "open_blocks",
        "rendered_chars",
        "rendered_len",
        "scanned",
        "seen",
        "stepped",
        "tail_len",
        "ticket",
    )

    def __init__(self, *, last_at: float = 0.0, last_cost: float = 0.0) -> None:
        #: characters of the text rendered as complete blocks
        self.committed = 0
        #: document positions the uncommitted part takes at the end of the frame
        self.tail_len = 0
        #: the open block as rendered: the characters it covers, the positions it takes,
        #: and its code blocks
        self.rendered_chars = 0
        self.rendered_len = 0
        self.open_blocks: tuple[str, ...] = ()
        #: the code blocks of the complete part (their Copy links are numbered after these)
        self.code_blocks: tuple[str, ...] = ()
        #: rendering live stopped (too large, or a line too long): plain text from here on
        self.off = False
        #: the uncommitted text is not in the frame (it ended with text still waiting to
        #: go in): each piece is added at the frame's end
        self.detached = False
        #: a step is due (its timer runs); the number of the timer that counts
        self.due = False
        self.ticket = 0
        #: the reply ended: steps render what is left, a bounded piece each, not anew
        self.final = False
        #: text came faster than FLOOD_CHARS a step: the next step waits FLOOD_WAIT_S
        self.flood = False
        #: the text's length at the last step; how far its lines were checked for length
        self.stepped = 0
        self.scanned = 0
        #: about how many characters a step renders (sized by what steps cost)
        self.most = STEP_CHARS
        #: when text last went into the frame (time.monotonic)
        self.appended_at = 0.0
        #: when the last step ran and what it cost (time.monotonic seconds)
        self.last_at = last_at
        self.last_cost = last_cost
        #: the text length the last step saw: no new text, no step
        self.seen = 0

    @property
    def tail_rendered(self) -> bool:
        return self.rendered_chars > 0

    def delay_ms(self) -> int:
        """How long to wait before the next step (at the end: the next loop turn)."""
        if self.final:
            return 1
        now = time.monotonic()
        spacing = max(FRAME_MS / 1000, STEP_SPACING * self.last_cost)
        if self.flood:
            spacing = max(spacing, FLOOD_WAIT_S)
        least = APART_MS if self.busy() else 1
        return max(least, round((self.last_at + spacing - now) * 1000))

    def piece(self) -> int:
        """About how much a step may render: STEP_CHARS while the reply streams (the
        stream has the rest of the frame), at the end as much as STEP_MS allows."""
        return self.most if self.final else min(self.most, STEP_CHARS)

    def busy(self) -> bool:
        """Text went into the frame a moment ago, in this loop turn most likely: a step
        now would make the turn as long as both (and the layout the text costs)."""
        return not self.final and time.monotonic() - self.appended_at < APART_MS / 2000

    def touched(self) -> bool:
        """True when anything but plain text went into the frame (the end must render it
        differently from a reply that streamed as plain text)."""
        return self.committed > 0 or self.tail_rendered

    def blocks(self) -> tuple[str, ...]:
        """The code blocks shown so far, the open block's included (Copy links)."""
        return self.code_blocks + self.open_blocks


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
    complete (the rest stays plain for the next steps), or else the open block again;
    once the reply ended, as much as STEP_MS allows. Returns the code blocks shown so
    far (for the Copy links). The work is bounded by the piece, never by the reply."""
    started = time.monotonic()
    state.flood = len(text) - state.stepped > FLOOD_CHARS
    state.stepped = len(text)
    if len(text) > max_chars or _long_line(state, text):
        state.off = True  # plain from here: the end renders the reply as it always did
    tail = text[state.committed : state.committed + WINDOW_CHARS]
    whole = len(text) - state.committed <= WINDOW_CHARS
    cut = 0 if state.off else complete_prefix(tail, state.piece())
    if not cut and not whole:
        state.off = True  # the open block is too big to lay out in a step
    elif state.final and not state.off and not cut:
        cut = len(tail)  # the reply ended: its last block is complete too
    if cut > MAX_PIECE_CHARS:  # one block too big to lay out in a step (a huge table)
        state.off, cut = True, 0
    # After a commit the rest (more complete blocks, or the open one) wants a step of
    # its own; otherwise the step is done until more text comes.
    more = cut and state.committed + cut < len(text)
    state.seen = -1 if more else len(text)
    if cut:
        with _edit(frame) as cursor:
            _commit(cursor, frame, state, text, cut, dark, message_id, copy_label, plain_format)
    elif not state.off and whole and 0 < len(tail) <= _open_limit(tail):
        with _edit(frame) as cursor:
            _render_open(cursor, frame, state, tail, dark, message_id, copy_label)
    # While text floods in, and while the end renders, formulas wait to be typeset: on the
    # worker's thread (pure Python) that would take half the interpreter from the stream.
    if (state.flood or state.final) and (math := sys.modules.get(_MATH_WORKER)) is not None:
        math.hold(2 * FLOOD_WAIT_S)
    state.last_at, state.last_cost = started, time.monotonic() - started
    if cut:  # the next piece sized by what this one cost: a step stays about STEP_MS
        rate = cut / max(state.last_cost * 1000, 0.5)
        state.most = min(max(round(rate * STEP_MS), MIN_STEP_CHARS), PIECE_CHARS)
    return state.blocks()


def _open_limit(tail: str) -> int:
    """How long the open block may be to render anew: longer for a code block."""
    return CODE_TAIL_CHARS if _FENCE_RE.match(tail.lstrip(" ")) else TAIL_CHARS


@contextlib.contextmanager
def _edit(frame: QTextFrame) -> Iterator[QTextCursor]:
    """A cursor whose edits are laid out once, together (each edit alone would lay out
    the whole frame again)."""
    cursor = QTextCursor(frame.document())
    cursor.beginEditBlock()
    try:
        yield cursor
    finally:
        cursor.endEditBlock()


def _long_line(state: LiveState, text: str) -> bool:
    """Whether a line too long for Markdown came since the last step (a line is looked
    at again from its start only while it grows: the work follows the new text)."""
    start = text.rfind("\n", 0, state.scanned) + 1
    state.scanned = len(text)
    return has_long_line(text[start:])


def plain_len(text: str, start: int, end: int) -> int:
    """The document positions `text[start:end]` took as it streamed: with its display
    breaks, which count from the start of its line."""
    if start >= end:
        return 0
    line = text.rfind("\n", 0, start) + 1
    before = utf16_len(display(text[line:start])) if line < start else 0
    return utf16_len(display(text[line:end])) - before


def _render_open(
    cursor: QTextCursor,
    frame: QTextFrame,
    state: LiveState,
    tail: str,
    dark: bool,
    message_id: int,
    copy_label: str,
) -> None:
    """The open block (all of the text not committed, at most TAIL_CHARS) rendered anew
    in place of what showed it."""
    with markdown_code.reusing():  # an open code block: only its new lines highlighted
        shown = view_markdown.render(
            frame.document(),
            tail,
            dark=dark,
            message_id=message_id,
            copy_label=copy_label,
            first_code_block=len(state.code_blocks),
        )
    start = frame.lastPosition() - state.tail_len
    cursor.setPosition(start)
    cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    insert_html(cursor, shown.html.rstrip())
    spaces = len(tail) - len(tail.rstrip(" "))
    if spaces and not tail.endswith("\n" + " " * spaces) and not _FENCE_RE.match(tail):
        # The paragraph's last word is done, the next comes as plain text: the space
        # between them, which Markdown drops at a paragraph's end, stays.
        frame.lastCursorPosition().insertText(" ")
    state.rendered_chars, state.open_blocks = len(tail), shown.code_blocks
    state.rendered_len = state.tail_len = frame.lastPosition() - start


def detach(frame: QTextFrame, state: LiveState) -> None:
    """The uncommitted part taken out of the frame: its pieces will be added at the end."""
    cursor = QTextCursor(frame.document())
    cursor.setPosition(frame.lastPosition() - state.tail_len)
    cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    state.tail_len = state.rendered_chars = state.rendered_len = 0
    state.open_blocks, state.detached = (), True


def _commit(
    cursor: QTextCursor,
    frame: QTextFrame,
    state: LiveState,
    text: str,
    cut: int,
    dark: bool,
    message_id: int,
    copy_label: str,
    plain_format: QTextCharFormat,
) -> None:
    """The next `cut` characters rendered for good in place of what showed them (the
    open block as rendered, and the plain text after it up to the cut); the rest stays
    as it streamed, in a block of its own. Costs the cut and the open block, never the
    rest: a flood of plain text after the open block is not inserted again."""
    begin = state.committed
    done = view_markdown.render(
        frame.document(),
        text[begin : begin + cut],
        dark=dark,
        message_id=message_id,
        copy_label=copy_label,
        first_code_block=len(state.code_blocks),
    )
    state.committed += cut
    state.code_blocks += done.code_blocks
    if state.detached:
        append_html(frame, done.html.rstrip())
        return
    shown = state.rendered_chars
    middle = ""
    if cut >= shown:  # the open block as rendered, and plain text up to the cut
        removed = state.rendered_len + plain_len(text, begin + shown, begin + cut)
    else:  # the open block was rendered further than the cut: its rest goes back plain
        removed = state.rendered_len
        middle = display(text[begin + cut : begin + shown])
    rest = state.tail_len - removed + utf16_len(middle)
    start = frame.lastPosition() - state.tail_len
    # The cut's own last line break, streamed, is kept: the rest keeps its block.
    keep = cut > shown and (rest > 0 or not state.final)
    cursor.setPosition(start)
    cursor.setPosition(start + removed - keep, QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    if not keep and (rest > 0 or not state.final):  # the rest in a block of its own
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        if middle:
            cursor.insertText(middle, plain_format)
        cursor.setPosition(start)
    insert_html(cursor, done.html.rstrip())
    state.rendered_chars = state.rendered_len = 0
    state.open_blocks = ()
    state.tail_len = rest
