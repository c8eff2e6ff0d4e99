"""The conversation view: one QTextDocument, one frame per message.

Earlier messages are never re-laid out: a streaming reply only appends plain text at
the end of its own frame (in per-frame batches from the controller), and its Markdown
is rendered once when it finishes. Nothing is ever fetched while rendering.

It shows a page of the conversation's active path and asks for more at either end
(older_requested at the top, newer_requested at the bottom).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QTimer, QUrl, Signal
from PySide6.QtGui import QResizeEvent, QTextCharFormat, QTextCursor, QTextFrame
from PySide6.QtWidgets import QTextBrowser, QWidget

from gui.widgets import markdown
from gui.widgets.message_html import (
    MAX_MARKDOWN_CHARS,
    MessageLike,
    Progress,
    Shown,
    find_arrow,
    follow_link,
    footer,
    frame_format,
    heading,
    parse_action,
    streaming_format,
    wants_markdown,
    with_versions_at,
)

__all__ = ["MAX_MARKDOWN_CHARS", "RENDER_PIECE_CHARS", "ChatView", "MessageLike", "parse_action"]

#: A reply that ends longer than this is rendered a piece of about this size per loop
#: turn (Markdown to HTML and its layout cost ~5 µs a character), each piece replacing
#: its own streamed text, so the end of a long reply never holds the GUI for long.
RENDER_PIECE_CHARS = 1_500


class ChatView(QTextBrowser):
    """Shows a conversation and emits what the person asks of a message."""

    #: (action, message_id) — "regenerate", "retry", "continue", "edit", "fork", "delete",
    #: "delete_branch", "previous", "next" (versions); "copy" is done here
    action_requested = Signal(str, int)
    #: the person scrolled to the top and older messages exist
    older_requested = Signal()
    #: the person scrolled to the bottom and the page does not end the path
    newer_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setUndoRedoEnabled(False)
        self.document().setUndoRedoEnabled(False)
        self.document().setDocumentMargin(12)
        self.setObjectName("chatView")
        self._frames: dict[int, QTextFrame] = {}
        self._shown: dict[int, Shown] = {}
        self._code_blocks: dict[int, tuple[str, ...]] = {}
        self._texts: dict[int, str] = {}
        self._streaming: set[int] = set()
        self.has_older = False
        self.has_newer = False
        #: the version arrow followed last: selected again in the version shown next
        self._switched_by: str | None = None
        self.dark = False
        self._rerender_pending = False
        self._progress: dict[int, Progress] = {}
        self.anchorClicked.connect(self.on_anchor_clicked)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Conversation"))
        self.setAccessibleDescription(
            self.tr(
                "Messages of the open conversation. Tab moves through the links under each"
                " message (Copy, Regenerate, Edit, Delete); Enter follows a link. A message"
                " with other versions starts its links with ‹ and ›, which switch versions."
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
        self._code_blocks.clear()
        self._texts.clear()
        self._streaming.clear()
        self._progress.clear()

    def set_messages(
        self,
        messages: Iterable[MessageLike],
        *,
        has_older: bool = False,
        has_newer: bool = False,
        anchor: int | None = None,
    ) -> None:
        """Show a page of the path: at its end, or with `anchor` near the top."""
        self.clear_messages()
        self.has_older = has_older
        self.has_newer = has_newer
        for message in messages:
            self.append_message(message)
        switched_by, self._switched_by = self._switched_by, None
        if anchor is not None and anchor in self._frames:
            self.bring_to_top(anchor)
            frame = self._frames[anchor]
            arrow = find_arrow(frame, anchor, switched_by) if switched_by else None
            if arrow is not None:  # the arrow followed (or the other, at an end): Enter goes on
                self.setTextCursor(arrow)
        else:
            self.scroll_to_bottom()
        self._want_newer_if_short()

    def append_page(self, messages: Iterable[MessageLike], *, has_newer: bool) -> None:
        """Add the next page of the path at the end; what is on screen stays put."""
        self.has_newer = has_newer
        bar = self.verticalScrollBar()
        value = bar.value()
        for message in messages:
            self._insert_message(message, at_start=False)
        bar.setValue(value)
        self._want_newer_if_short()

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
            if ident in self._shown and self._shown[ident].role == "assistant":
                return self._texts.get(ident, "")
        return None

    def has_message(self, message_id: int) -> bool:
        return message_id in self._frames

    def scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def bring_to_top(self, message_id: int) -> None:
        """Scroll so the message starts near the top of the view; the text cursor goes
        there too, so Tab continues from it."""
        frame = self._frames.get(message_id)
        if frame is None:
            return
        cursor = QTextCursor(frame.firstCursorPosition())
        self.setTextCursor(cursor)
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.cursorRect(cursor).top() - 18)

    def message_versions(self, message_id: int) -> tuple[int, int]:
        """(version, versions) of a shown message; (1, 1) when it has no siblings."""
        shown = self._shown.get(message_id)
        return (shown.version, shown.versions) if shown is not None else (1, 1)

    def version_target(self) -> int | None:
        """The message the version commands act on: the one holding the focused link, or
        else the lowest one with other versions that starts above the view's bottom."""
        focused = self.textCursor().position() if self.hasFocus() else None
        bottom = self.cursorForPosition(QPoint(0, self.viewport().height() - 1)).position()
        frames = [(ident, self._frames[ident]) for ident in self.message_ids()]
        return with_versions_at(frames, self._shown, focused, bottom)

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
            if not wants_markdown(message):
                # The streamed plain text is what should stay: add the footer only,
                # rather than re-inserting a reply that may be hundreds of KB.
                self._remember(message)
                frame.lastCursorPosition().insertHtml(self._footer(message))
                return
            pieces = markdown.split_blocks(message.text, RENDER_PIECE_CHARS)
            if len(pieces) > 1:
                self._remember(message)
                self._code_blocks[message.id] = ()
                self._progress[message.id] = Progress(self._shown[message.id], pieces)
                self._render_next_piece(message.id)
                return
        cursor = frame.firstCursorPosition()
        cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._fill(cursor, message)

    def _render_next_piece(self, message_id: int) -> None:
        """Render the next piece of a finished reply; the footer (and its actions) comes
        with the last. Anything unexpected renders the rest at once, as a reply that was
        not streamed would be."""
        progress = self._progress.get(message_id)
        frame = self._frames.get(message_id)
        if progress is None or frame is None:
            return
        last = progress.last
        bar = self.verticalScrollBar()
        follow = bar.value() >= bar.maximum() - 4
        blocks = progress.render_next(
            frame,
            dark=self.dark,
            copy_label=self.tr("Copy"),
            first_code_block=len(self._code_blocks[message_id]),
            footer_html=self._footer(progress.message) if last else "",
        )
        if blocks is None:
            del self._progress[message_id]
            self.update_message(progress.message)
            return
        self._code_blocks[message_id] += blocks
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
        cursor.insertText(text, streaming_format())
        self._texts[message_id] = self._texts.get(message_id, "") + text
        if follow:
            bar.setValue(bar.maximum())

    def is_streaming(self, message_id: int) -> bool:
        return message_id in self._streaming

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
        self._texts[message.id] = message.text
        self._shown[message.id] = Shown.of(message)

    def _fill(self, cursor: QTextCursor, message: MessageLike) -> None:
        self._remember(message)
        html = [heading(message)]
        streaming = message.status == "streaming"
        if not streaming and wants_markdown(message):
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
        return footer(message, dark=self.dark)

    # -- links -----------------------------------------------------------------------
    def on_anchor_clicked(self, url: QUrl) -> None:
        action = follow_link(url, self.code_block, self.message_text)
        if action is not None:
            name, message_id = action
            self._switched_by = name if name in ("previous", "next") else None
            self.action_requested.emit(name, message_id)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A view at the end stays at the end when it shrinks (a bar above the composer)."""
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        super().resizeEvent(event)
        if at_end:
            bar.setValue(bar.maximum())

    def _on_scrolled(self, value: int) -> None:
        maximum = self.verticalScrollBar().maximum()
        if value == 0 and self.has_older and maximum > 0:
            self.older_requested.emit()
        elif value == maximum and self.has_newer and maximum > 0:
            self.newer_requested.emit()

    def _want_newer_if_short(self) -> None:
        """A page that does not fill the view cannot be scrolled to its end: ask at once
        (after this loop turn, once the page is laid out)."""
        if self.has_newer:
            QTimer.singleShot(0, self, self._newer_if_short)

    def _newer_if_short(self) -> None:
        if self.has_newer and self.verticalScrollBar().maximum() == 0:
            self.newer_requested.emit()
