"""Long text shown without freezing the window (issue #21); plain Python, no Qt.

Qt lays out a text block whole: every change to a block lays all of it out again, and a
line with no break opportunity (hex, base64 without "+" or "/", a run of one letter)
costs the square of its length. A 1 MB reply on one line froze the window for minutes.
So the view never holds a block much longer than BLOCK_CHARS: a long line is shown in
blocks (display only; the stored and copied text stays as it came), and a message
longer than SHOWN_CHARS shows its first HEAD_CHARS with "Show all" and "Open as text".
"""

from __future__ import annotations

import re

#: The longest block a line is shown in while it streams (and in the text window).
BLOCK_CHARS = 2_000
#: From this many characters on a block ends after the next space, so words stay whole.
SOFT_BLOCK_CHARS = 1_600
#: Longer messages are shown cut to about their first HEAD_CHARS, with a "Show all" link:
#: a view holding megabytes re-lays all of it out on every resize (200 ms at 1 MB).
SHOWN_CHARS = 100_000
HEAD_CHARS = 20_000
#: Plain text rendered a piece per loop turn: about 6 ms of layout each (0.7 µs a
#: character; a line with no break opportunity in a piece this size costs 3 ms more).
PLAIN_PIECE_CHARS = 6_000
#: Text with a line longer than this is not rendered as Markdown: a paragraph is one
#: block, and a 60,000-character one would take 200 ms to lay out.
MARKDOWN_LINE_CHARS = 10_000

_SPACE_RE = re.compile(r"[ \t]")


class LineBreaker:
    """Where the display-only block breaks go in text that comes in pieces: at the same
    places whatever the pieces, so a streamed reply matches the same text shown whole
    (a line breaks after the first space past SOFT_BLOCK_CHARS, or at BLOCK_CHARS)."""

    def __init__(self) -> None:
        self.run = 0  # characters since the last break in the current line
        self.cr = False  # the last piece ended with "\r" (of a "\r\n" split in two)

    def line_ends(self, text: str) -> str:
        """`text` with "\r\n" and "\r" as "\n", even when a pair is split between
        pieces: the document makes each a block end, and counts must match the text."""
        if self.cr and text.startswith("\n"):
            text = text[1:]  # its "\r" already became the line end
        self.cr = text.endswith("\r")
        return lf(text)

    def feed(self, text: str) -> str:
        """`text` with a newline added at each display break."""
        lines = text.split("\n")
        if len(lines) == 1:
            return self._line(text)
        out = [self._line(lines[0])]
        for line in lines[1:]:
            self.run = 0
            out.append(self._line(line))
        return "\n".join(out)

    def _line(self, text: str) -> str:
        if self.run + len(text) < SOFT_BLOCK_CHARS:
            self.run += len(text)
            return text
        out: list[str] = []
        start = 0  # of the current block in `text` (the block began `run` characters before)
        while self.run + len(text) - start >= SOFT_BLOCK_CHARS:
            hard = start + BLOCK_CHARS - self.run  # the block is full before this index
            soft = start + max(0, SOFT_BLOCK_CHARS - 1 - self.run)
            space = _SPACE_RE.search(text, soft, hard)
            if space is not None:
                cut = space.end()
            elif len(text) > hard:
                cut = hard
            else:
                break  # no break yet: the next piece decides
            out += (text[start:cut], "\n")
            start, self.run = cut, 0
        out.append(text[start:])
        self.run += len(text) - start
        return "".join(out)


def lf(text: str) -> str:
    """Line ends as "\n" (a document counts "\r\n" as one position, the text as two)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def display(text: str) -> str:
    """`text` as the view shows it streamed: with its display-only block breaks."""
    return LineBreaker().feed(text)


def is_cut(text: str) -> bool:
    """Whether a message is shown cut (the rest behind "Show all")."""
    return len(text) > SHOWN_CHARS


def head_end(text: str, size: int = HEAD_CHARS) -> int:
    """Where the part shown of a cut text ends: at a line break, or else a space, in the
    last tenth before `size`; at `size` when there is neither."""
    window = text[size - size // 10 : size]
    for mark in ("\n", " "):
        at = window.rfind(mark)
        if at >= 0:
            return size - len(window) + at + 1
    return size


def plain_pieces(text: str, size: int = PLAIN_PIECE_CHARS) -> list[str]:
    """`text` in consecutive pieces of at most about `size` characters, each ending at a
    line break or a space where there is one near its end."""
    pieces = []
    start = 0
    while len(text) - start > size:
        cut = start + head_end(text[start : start + size], size)
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def has_long_line(text: str, limit: int = MARKDOWN_LINE_CHARS) -> bool:
    """Whether some line of `text` is longer than `limit` (without splitting a big text)."""
    if len(text) <= limit:
        return False
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            return len(text) - start > limit
        if end - start > limit:
            return True
        start = end + 1
