"""A message's body rendered a piece per loop turn, so no loop turn is long (issue #21).

Two ways a body grows in its frame:

- `Progress`: a reply that streamed as plain text is rendered as Markdown when it ends,
  each piece replacing its own streamed text;
- `Fill`: a message shown from the history (or a finished reply re-rendered) is
  appended a piece at a time: Markdown a few paragraphs, plain text PLAIN_PIECE_CHARS.
  A text longer than SHOWN_CHARS stops after about HEAD_CHARS, with a note whose links
  show all of it (a piece per loop turn again) or open it as text.

The footer (and its links) comes with the last piece of a run, as one insertHtml.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import (
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFrame,
)

from gui.widgets import markdown, view_markdown
from gui.widgets.long_text import display, head_end, is_cut, plain_pieces
from gui.widgets.message_html import (
    MAX_PIECE_CHARS,
    PIECE_CHARS,
    Shown,
    _link,
    action_url,
    find_link,
    utf16_len,
)

translate = QCoreApplication.translate

#: Markdown longer than this is rendered in pieces of about RENDER_PIECE_CHARS (its
#: parsing and layout cost ~5 µs a character); shorter, at once, as it always was.
SYNC_MARKDOWN_CHARS = 3_000
RENDER_PIECE_CHARS = PIECE_CHARS


class Progress:
    """A finished reply being rendered a piece per loop turn over its streamed text."""

    def __init__(self, message: Shown, pieces: list[str]) -> None:
        self.message = message
        self.pieces = pieces
        self.done = 0  # pieces rendered
        self.offset = 0  # characters of the text they cover

    @property
    def last(self) -> bool:
        return self.done == len(self.pieces) - 1

    def render_next(
        self,
        frame: QTextFrame,
        *,
        dark: bool,
        copy_label: str,
        first_code_block: int,
        footer_html: str,
    ) -> tuple[str, ...] | None:
        """Replace the streamed text of the next piece in `frame` with its rendering (and
        `footer_html` after the last); its code blocks, or None when the frame no longer
        ends with that text. The streamed text holds display breaks (long_text.display);
        each piece starts a line, so its own display is what streamed. Positions count
        UTF-16 units."""
        piece = self.pieces[self.done]
        shown = display(piece)
        start = frame.lastPosition() - utf16_len(display(self.message.text[self.offset :]))
        cursor = QTextCursor(frame.document())
        cursor.setPosition(start)
        cursor.setPosition(start + utf16_len(shown), QTextCursor.MoveMode.KeepAnchor)
        if cursor.selectedText() != shown.replace("\n", "\u2029"):
            return None
        if not self.last:  # keep the line break before the next piece: its own block stays
            cursor.setPosition(cursor.position() - 1, QTextCursor.MoveMode.KeepAnchor)
        rendered = view_markdown.render(
            frame.document(),
            piece,
            dark=dark,
            message_id=self.message.id,
            copy_label=copy_label,
            first_code_block=first_code_block,
        )
        cursor.removeSelectedText()
        # Stripped: a trailing newline would become a space at the end of the last block.
        insert_html(cursor, rendered.html.rstrip() + footer_html)
        self.done += 1
        self.offset += len(piece)
        return rendered.code_blocks


class Fill:
    """A message body shown a piece per loop turn at the end of its frame."""

    def __init__(self, message: Shown, *, as_markdown: bool, expanded: bool) -> None:
        self.message = message
        self.markdown = as_markdown
        text = message.text
        self.shown_chars = len(text)  # of a cut text: the part before "Show all"
        if as_markdown:
            long = len(text) > SYNC_MARKDOWN_CHARS
            self.pieces = markdown.split_blocks(text, RENDER_PIECE_CHARS) if long else [text]
            if long and max(map(len, self.pieces)) > MAX_PIECE_CHARS:
                # One block (a huge table, a list with no break) would be laid out in one
                # long step: plain text instead, a piece a turn, never a freeze.
                self.markdown = False
                self.pieces = plain_pieces(text)
            self.stop = len(self.pieces)
        elif is_cut(text):
            end = head_end(text)
            self.pieces = plain_pieces(text[:end])
            self.stop = len(self.pieces)
            self.pieces += plain_pieces(text[end:])
            self.shown_chars = end
        else:
            self.pieces = plain_pieces(text)
            self.stop = len(self.pieces)
        if expanded:
            self.stop = len(self.pieces)
        self.done = 0  # pieces in the frame

    @property
    def finished(self) -> bool:
        return self.done == len(self.pieces)

    def running(self) -> bool:
        """Pieces are still to come on the next loop turns (a method: its answer changes
        with each piece)."""
        return not self.finished and not self.paused

    @property
    def paused(self) -> bool:
        """Stopped at the note: the rest waits for "Show all"."""
        return self.done == self.stop < len(self.pieces)

    def next_html(
        self,
        document: QTextDocument,
        *,
        dark: bool,
        copy_label: str,
        first_code_block: int,
        footer: Callable[[], str],
    ) -> tuple[str, tuple[str, ...]]:
        """The next piece's HTML, with the note and the footer after the last piece of
        this run; and its code blocks."""
        index = self.done
        piece = self.pieces[index]
        if self.markdown:
            rendered = view_markdown.render(
                document,
                piece,
                dark=dark,
                message_id=self.message.id,
                copy_label=copy_label,
                first_code_block=first_code_block,
            )
            html, blocks = rendered.html.rstrip(), rendered.code_blocks
        else:
            html, blocks = plain_html(piece, index, len(self.pieces)), ()
        self.done += 1
        if self.finished:
            html += footer()
        elif self.paused:
            html += note_html(self.message, self.shown_chars) + footer()
        return html, blocks

    @classmethod
    def cut_streamed(cls, frame: QTextFrame, message: Shown, footer_html: str) -> Fill:
        """Cut a reply that streamed whole (in display blocks) to its head, add the note
        and the footer, and return the fill that "Show all" goes on with."""
        fill = cls(message, as_markdown=False, expanded=False)
        fill.done = fill.stop
        text = message.text
        start = frame.lastPosition() - utf16_len(display(text))
        cursor = QTextCursor(frame.document())
        cursor.setPosition(start + utf16_len(display(text[: fill.shown_chars])))
        cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        append_html(frame, note_html(message, fill.shown_chars) + footer_html)
        return fill

    def show_all(self, frame: QTextFrame) -> bool:
        """Take the note and the footer away and go on to the end; False when not paused."""
        if not self.paused:
            return False
        note = find_link(frame, action_url("show_all", self.message.id))
        if note is None:
            return False
        cursor = QTextCursor(frame.document())
        cursor.setPosition(note.block().position() - 1)
        cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self.stop = len(self.pieces)
        return True


def append_html(frame: QTextFrame, html: str) -> None:
    """Add blocks at the end of a frame: in a block of their own, or the first would
    join the frame's last line. After a table, not in the block Qt keeps after it: the
    HTML of a table and what follows, inserted at once, leaves that block empty too, so
    a reply looks the same whatever pieces it was rendered in."""
    cursor = frame.lastCursorPosition()
    if cursor.block().length() > 1 or _after_table(cursor.block()):
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
    insert_html(cursor, html)


def _after_table(block: QTextBlock) -> bool:
    """Whether `block` is the one a table (or a quote, a one-cell table) ends before."""
    previous = block.previous()
    if not previous.isValid():
        return False
    table = QTextCursor(previous).currentTable()
    return table is not None and QTextCursor(block).currentTable() is not table


_FIRST_P_RE = re.compile(r"<p(?: style=\"([^\"]*)\")?>")
_MARGIN_RE = re.compile(r"margin-(top|bottom):(\d+)px")
_HEADING_RE = re.compile(r"<h([1-6])>")
#: Qt's margins (top, bottom) for <h1>…<h6>, which a block the HTML goes into keeps not
_HEADING_MARGINS = {1: (18, 12), 2: (16, 12), 3: (14, 12), 4: (12, 12), 5: (12, 4), 6: (0, 0)}


def insert_html(cursor: QTextCursor, html: str) -> None:
    """insertHtml into the (empty) block at `cursor`, which keeps that block's format: a
    paragraph that opens the HTML gets its own margins, as it would rendered whole."""
    block = cursor.block()
    if block.length() == 1:  # an empty block left by a list or a table: a clean one
        if (owner := block.textList()) is not None:
            owner.remove(block)
        cursor.setBlockFormat(QTextBlockFormat())
    cursor.insertHtml(html)
    if html.startswith(("<ol", "<ul")) and block.isValid() and block.length() == 1:
        _drop_empty(block)  # a list goes after the block it is inserted in: not a gap
        return
    if (heading := _HEADING_RE.match(html)) is not None and block.isValid():
        level = int(heading.group(1))  # a heading that opens the HTML: Qt's own margins
        fmt = block.blockFormat()
        fmt.setTopMargin(_HEADING_MARGINS[level][0])
        fmt.setBottomMargin(_HEADING_MARGINS[level][1])
        fmt.setHeadingLevel(level)
        QTextCursor(block).setBlockFormat(fmt)
        return
    opening = _FIRST_P_RE.match(html)
    if opening is None or not block.isValid():
        return
    margins = {"top": 12, "bottom": 12}  # Qt's for <p>
    for side, pixels in _MARGIN_RE.findall(opening.group(1) or ""):
        margins[side] = int(pixels)
    fmt = block.blockFormat()
    fmt.setTopMargin(margins["top"])
    fmt.setBottomMargin(margins["bottom"])
    QTextCursor(block).setBlockFormat(fmt)


def _drop_empty(block: QTextBlock) -> None:
    """Take an empty block out of sight (a list inserted into it goes after it): no
    height, no margins. Its place stays, so no frame or list is joined to another."""
    fmt = QTextBlockFormat()
    fmt.setLineHeight(0.0, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
    fmt.setTopMargin(0)
    fmt.setBottomMargin(0)
    QTextCursor(block).setBlockFormat(fmt)


def plain_html(piece: str, index: int, count: int) -> str:
    """One piece of a plain body as a paragraph; pieces join without a gap between."""
    if index < count - 1 and piece.endswith("\n"):
        piece = piece[:-1]  # the paragraph's end is that line break
    style = "margin-top:0px;" if index else ""
    if index < count - 1:
        style += "margin-bottom:0px"
    return (f'<p style="{style}">' if style else "<p>") + markdown.render_plain(piece) + "</p>"


def note_html(message: Shown, shown_chars: int) -> str:
    """ "Showing the first 20,000 of 1,234,567 characters. Show all (1.2 MB) · Open as text"."""
    locale = QLocale()  # the interface language's digits and units
    text = message.text
    said = translate("ChatView", "Showing the first {0} of {1} characters.").format(
        locale.toString(shown_chars), locale.toString(len(text))
    )
    size = locale.formattedDataSize(
        len(text.encode("utf-8", "surrogatepass")), 1, QLocale.DataSizeFormat.DataSizeSIFormat
    )
    show_all = _link(
        "show_all",
        message.id,
        translate("ChatView", "Show all ({0})").format(size),
        translate("ChatView", "Show the rest of this message here"),
    )
    open_text = _link(
        "open_text",
        message.id,
        translate("ChatView", "Open as text"),
        translate("ChatView", "Read the whole message in a plain text window"),
    )
    return f"<p><i>{markdown.escape(said)}</i> {show_all} · {open_text}</p>"
