"""The conversation view: one QTextDocument, one frame per message.

Earlier messages are never re-laid out: a streaming reply only appends plain text at
the end of its own frame (in per-frame batches from the controller), and its Markdown
is rendered once when it finishes. Nothing is ever fetched while rendering.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any, NamedTuple, Protocol

from PySide6.QtCore import QEvent, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QTextCharFormat,
    QTextCursor,
    QTextFrame,
    QTextFrameFormat,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from gui.widgets import markdown
from gui.widgets.i18n import localize_message

ACTION_SCHEME = "besedka"

#: Longer replies stay plain text: parsing and laying out Markdown that large would
#: hold the GUI thread for a noticeable time (hundreds of ms at 200 KB).
MAX_MARKDOWN_CHARS = 60_000
#: A reply that ends longer than this is rendered a piece of about this size per loop
#: turn (Markdown to HTML and its layout cost ~5 µs a character), each piece replacing
#: its own streamed text, so the end of a long reply never holds the GUI for long.
RENDER_PIECE_CHARS = 1_500


class MessageLike(Protocol):
    """What the view needs of a message (the store's StoredMessage fits)."""

    @property
    def id(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def error(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def model(self) -> str: ...


class _Shown(NamedTuple):
    """What a frame was last rendered from, to render it again (theme, language)."""

    id: int
    role: str
    text: str
    status: str
    error: str
    provider: str
    model: str


def _action_url(action: str, message_id: int) -> str:
    return f"{ACTION_SCHEME}:msg/{action}/{message_id}"


@functools.cache
def _streaming_format() -> QTextCharFormat:
    """Text as it streams in: laid out without shaping where the script does not need it
    (Cyrillic, Latin; Arabic and the like are still shaped), which halves the layout
    cost of a fast stream (bench/run item 3) at the price of kerning and ligatures until
    the reply is rendered when it ends."""
    from PySide6.QtGui import QFont

    fmt = QTextCharFormat()
    fmt.setFontStyleStrategy(QFont.StyleStrategy.PreferNoShaping)
    return fmt


def parse_action(url: str) -> tuple[str, int] | None:
    prefix = f"{ACTION_SCHEME}:msg/"
    if not url.startswith(prefix):
        return None
    action, _, ident = url[len(prefix) :].partition("/")
    return (action, int(ident)) if ident.isdigit() else None


def _wants_markdown(message: MessageLike) -> bool:
    """Finished replies are shown as Markdown, unless too large to lay out quickly."""
    return message.role == "assistant" and len(message.text) <= MAX_MARKDOWN_CHARS


def _utf16_len(text: str) -> int:
    """How many positions `text` takes in a QTextDocument (characters past U+FFFF, such
    as most emoji, take two)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class _Progress:
    """A finished reply being rendered a piece per loop turn."""

    def __init__(self, message: _Shown, pieces: list[str]) -> None:
        self.message = message
        self.pieces = pieces
        self.done = 0  # pieces rendered
        self.offset = 0  # characters of the text they cover


class ChatView(QTextBrowser):
    """Shows a conversation and emits what the person asks of a message."""

    #: (action, message_id) — "copy", "regenerate", "edit", "delete", "retry"
    action_requested = Signal(str, int)
    #: the person scrolled to the top and older messages exist
    older_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.document().setUndoRedoEnabled(False)
        self.document().setDocumentMargin(12)
        self.setObjectName("chatView")
        self._frames: dict[int, QTextFrame] = {}
        self._shown: dict[int, _Shown] = {}
        self._roles: dict[int, str] = {}
        self._code_blocks: dict[int, tuple[str, ...]] = {}
        self._texts: dict[int, str] = {}
        self._streaming: set[int] = set()
        self.has_older = False
        self.dark = False
        self._rerender_pending = False
        self._progress: dict[int, _Progress] = {}
        self.anchorClicked.connect(self.on_anchor_clicked)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Conversation"))
        self.setAccessibleDescription(
            self.tr(
                "Messages of the open conversation. Tab moves through the links under each"
                " message (Copy, Regenerate, Edit, Delete); Enter follows a link."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.schedule_rerender()
        super().changeEvent(event)

    # -- theme and language ----------------------------------------------------------
    def set_dark(self, dark: bool) -> None:
        """Use dark (or light) colours for frames and code; re-renders when it changes."""
        if dark != self.dark:
            self.dark = dark
            self.rerender()

    def schedule_rerender(self) -> None:
        """Re-render once after the current burst of events (two translators → one pass)."""
        if not self._rerender_pending:
            self._rerender_pending = True
            QTimer.singleShot(0, self, self.rerender)  # dropped if the view is deleted

    def rerender(self) -> None:
        """Render every shown message again (headings, links, colours), keeping the scroll."""
        self._rerender_pending = False
        bar = self.verticalScrollBar()
        from_bottom = bar.maximum() - bar.value()
        shown = [
            self._shown[ident]._replace(text=self._texts.get(ident, ""))
            for ident in self.message_ids()
            if ident in self._shown
        ]
        streaming = set(self._streaming)
        self.clear_messages()
        for message in shown:
            self._insert_message(message, at_start=False)
        self._streaming = streaming & set(self._frames)
        bar.setValue(bar.maximum() - from_bottom)

    # -- resources: nothing is ever loaded -------------------------------------------
    def loadResource(self, type_: int, name: QUrl | str) -> Any:
        """Model output may reference remote or local files: load none of them."""
        return None

    # -- whole conversation ----------------------------------------------------------
    def clear_messages(self) -> None:
        self.clear()
        self._frames.clear()
        self._shown.clear()
        self._roles.clear()
        self._code_blocks.clear()
        self._texts.clear()
        self._streaming.clear()
        self._progress.clear()

    def set_messages(self, messages: Iterable[MessageLike], *, has_older: bool = False) -> None:
        self.clear_messages()
        self.has_older = has_older
        for message in messages:
            self.append_message(message)
        self.scroll_to_bottom()

    def prepend_messages(self, messages: list[MessageLike], *, has_older: bool) -> None:
        """Insert older messages at the top, keeping the visible text where it was."""
        self.has_older = has_older
        bar = self.verticalScrollBar()
        from_bottom = bar.maximum() - bar.value()
        for message in reversed(messages):
            self._insert_message(message, at_start=True)
        bar.setValue(bar.maximum() - from_bottom)

    def message_ids(self) -> list[int]:
        return sorted(self._frames, key=lambda ident: self._frames[ident].firstPosition())

    def message_text(self, message_id: int) -> str:
        return self._texts.get(message_id, "")

    def code_block(self, message_id: int, index: int) -> str | None:
        blocks = self._code_blocks.get(message_id, ())
        return blocks[index] if 0 <= index < len(blocks) else None

    def last_reply_text(self) -> str | None:
        """The text of the newest assistant message shown, if any."""
        for ident in reversed(self.message_ids()):
            if self._roles.get(ident) == "assistant":
                return self._texts.get(ident, "")
        return None

    def has_message(self, message_id: int) -> bool:
        return message_id in self._frames

    def scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def scroll_to_message(self, message_id: int) -> None:
        frame = self._frames.get(message_id)
        if frame is None:
            return
        cursor = QTextCursor(frame.firstCursorPosition())
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # -- single messages ---------------------------------------------------------------
    def append_message(self, message: MessageLike) -> None:
        self._insert_message(message, at_start=False)

    def update_message(self, message: MessageLike) -> None:
        """Re-render one message (finished reply, edit): only its own frame changes."""
        frame = self._frames.get(message.id)
        if frame is None:
            self.append_message(message)
            return
        was_streaming = message.id in self._streaming
        self._streaming.discard(message.id)
        self._progress.pop(message.id, None)
        if was_streaming and self._texts.get(message.id) == message.text:
            if not _wants_markdown(message):
                # The streamed plain text is what should stay: add the footer only,
                # rather than re-inserting a reply that may be hundreds of KB.
                self._remember(message)
                frame.lastCursorPosition().insertHtml(self._footer(message))
                return
            pieces = markdown.split_blocks(message.text, RENDER_PIECE_CHARS)
            if len(pieces) > 1:
                self._remember(message)
                self._code_blocks[message.id] = ()
                self._progress[message.id] = _Progress(self._shown[message.id], pieces)
                self._render_next_piece(message.id)
                return
        cursor = frame.firstCursorPosition()
        cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._fill(cursor, message)

    def _render_next_piece(self, message_id: int) -> None:
        """Replace the streamed text of the next piece with its rendering; the footer (and
        its actions) comes with the last piece. Anything unexpected renders the rest at
        once, as a reply that was not streamed would be."""
        progress = self._progress.get(message_id)
        frame = self._frames.get(message_id)
        if progress is None or frame is None:
            return
        message = progress.message
        piece = progress.pieces[progress.done]
        last = progress.done == len(progress.pieces) - 1
        # The text not rendered yet is the end of the frame. Positions count UTF-16 units.
        start = frame.lastPosition() - _utf16_len(message.text[progress.offset :])
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(start + _utf16_len(piece), QTextCursor.MoveMode.KeepAnchor)
        if cursor.selectedText() != piece.replace("\n", "\u2029"):
            del self._progress[message_id]
            self.update_message(message)
            return
        if not last:  # keep the line break before the next piece: its own block stays
            cursor.setPosition(cursor.position() - 1, QTextCursor.MoveMode.KeepAnchor)
        rendered = markdown.render_markdown(
            piece,
            dark=self.dark,
            message_id=message_id,
            copy_label=self.tr("Copy"),
            first_code_block=len(self._code_blocks[message_id]),
        )
        bar = self.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 4
        cursor.removeSelectedText()
        # Stripped: a trailing newline would become a space at the end of the last block.
        cursor.insertHtml(rendered.html.rstrip() + (self._footer(message) if last else ""))
        self._code_blocks[message_id] += rendered.code_blocks
        progress.done += 1
        progress.offset += len(piece)
        if follow:
            bar.setValue(bar.maximum())
        if last:
            del self._progress[message_id]
        else:  # a timer, so input and paint run between pieces
            QTimer.singleShot(1, self, lambda: self._render_next_piece(message_id))

    def remove_message(self, message_id: int) -> None:
        frame = self._frames.pop(message_id, None)
        if frame is None:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(frame.firstPosition() - 1)
        cursor.setPosition(frame.lastPosition() + 1, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._roles.pop(message_id, None)
        self._shown.pop(message_id, None)
        self._code_blocks.pop(message_id, None)
        self._texts.pop(message_id, None)
        self._streaming.discard(message_id)
        self._progress.pop(message_id, None)

    def begin_reply(self, message: MessageLike) -> None:
        """Open the frame a streaming reply will grow in."""
        self._insert_message(message, at_start=False)
        self._streaming.add(message.id)

    def append_delta(self, message_id: int, text: str) -> None:
        """Append streamed text as plain text at the end of the reply's frame."""
        frame = self._frames.get(message_id)
        if frame is None or not text:
            return
        bar = self.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 4
        cursor = frame.lastCursorPosition()
        cursor.insertText(text, _streaming_format())
        self._texts[message_id] = self._texts.get(message_id, "") + text
        if follow:
            bar.setValue(bar.maximum())

    def is_streaming(self, message_id: int) -> bool:
        return message_id in self._streaming

    # -- rendering -------------------------------------------------------------------
    def _frame_format(self, role: str) -> QTextFrameFormat:
        fmt = QTextFrameFormat()
        fmt.setPadding(8)
        fmt.setTopMargin(6)
        fmt.setBottomMargin(6)
        if role == "user":
            fmt.setBackground(QColor("#2b3a4a") if self.dark else QColor("#eef3fb"))
        elif role == "system":
            fmt.setBackground(QColor("#3a3a2b") if self.dark else QColor("#fbf8e8"))
        return fmt

    def _insert_message(self, message: MessageLike, *, at_start: bool) -> None:
        cursor = QTextCursor(self.document())
        if at_start:
            cursor.movePosition(QTextCursor.MoveOperation.Start)
        else:
            cursor.movePosition(QTextCursor.MoveOperation.End)
        frame = cursor.insertFrame(self._frame_format(message.role))
        self._frames[message.id] = frame
        self._roles[message.id] = message.role
        self._fill(frame.firstCursorPosition(), message)

    def _heading(self, message: MessageLike) -> str:
        who = {"user": self.tr("You"), "system": self.tr("System prompt")}.get(message.role)
        if who is None:
            who = message.model or message.provider or self.tr("Assistant")
        return f"<p><b>{markdown.escape(who)}</b></p>"

    def _remember(self, message: MessageLike) -> None:
        self._texts[message.id] = message.text
        self._shown[message.id] = _Shown(
            message.id,
            message.role,
            message.text,
            message.status,
            message.error,
            message.provider,
            message.model,
        )

    def _fill(self, cursor: QTextCursor, message: MessageLike) -> None:
        self._remember(message)
        html = [self._heading(message)]
        streaming = message.status == "streaming"
        if not streaming and _wants_markdown(message):
            rendered = markdown.render_markdown(
                message.text, dark=self.dark, message_id=message.id, copy_label=self.tr("Copy")
            )
            self._code_blocks[message.id] = rendered.code_blocks
            html.append(rendered.html)
        elif not streaming:
            html.append(f"<p>{markdown.render_plain(message.text)}</p>")
        if not streaming:
            html.append(self._footer(message))
        cursor.insertHtml("".join(html))
        if streaming:
            cursor.insertBlock()
            cursor.insertText(message.text, QTextCharFormat())

    def _footer(self, message: MessageLike) -> str:
        # Texts are translated outside the f-strings: lupdate does not look inside them.
        parts: list[str] = []
        if message.status == "stopped":
            stopped = self.tr("Stopped.")
            parts.append(f"<i>{markdown.escape(stopped)}</i>")
        elif message.status == "interrupted":
            interrupted = self.tr("Interrupted: the app closed while this reply streamed.")
            parts.append(f"<i>{markdown.escape(interrupted)}</i>")
        if message.status == "failed" and message.error:
            colour = "#ff8a80" if self.dark else "#b3261e"
            error = localize_message(message.error)
            retry = self.tr("Retry")
            parts.append(
                f'<span style="color:{colour}">{markdown.escape(error)}</span>'
                f' <a href="{_action_url("retry", message.id)}">{markdown.escape(retry)}</a>'
            )
        actions = [("copy", self.tr("Copy"))]
        if message.role == "assistant":
            actions.append(("regenerate", self.tr("Regenerate")))
        elif message.role == "user":
            actions.append(("edit", self.tr("Edit")))
        actions.append(("delete", self.tr("Delete")))
        links = " · ".join(
            f'<a href="{_action_url(action, message.id)}">{markdown.escape(label)}</a>'
            for action, label in actions
        )
        parts.append(f'<span style="font-size:small">{links}</span>')
        return "".join(f"<p>{part}</p>" for part in parts)

    # -- links -----------------------------------------------------------------------
    def on_anchor_clicked(self, url: QUrl) -> None:
        text = url.toString()
        copy = markdown.parse_copy_link(text)
        if copy is not None:
            block = self.code_block(*copy)
            if block is not None:
                QGuiApplication.clipboard().setText(block)
            return
        action = parse_action(text)
        if action is not None:
            name, message_id = action
            if name == "copy":
                QGuiApplication.clipboard().setText(self.message_text(message_id))
            else:
                self.action_requested.emit(name, message_id)
            return
        if url.scheme() in ("http", "https", "mailto"):
            from PySide6.QtGui import QDesktopServices  # the first click loads it

            QDesktopServices.openUrl(url)

    def _on_scrolled(self, value: int) -> None:
        if value == 0 and self.has_older and self.verticalScrollBar().maximum() > 0:
            self.older_requested.emit()
