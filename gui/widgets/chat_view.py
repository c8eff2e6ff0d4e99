"""The conversation view: one QTextDocument, one frame per message (rendered by
gui/widgets/message_document.py: streaming, pieces per loop turn, long lines).

It shows a page of the conversation's active path and asks for more at either end
(older_requested at the top, newer_requested at the bottom).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QTimer, QUrl, Signal
from PySide6.QtGui import QResizeEvent, QTextCursor, QWheelEvent
from PySide6.QtWidgets import QToolButton, QWidget

from gui.widgets import thinking
from gui.widgets.end_following import EndFollowing
from gui.widgets.message_document import MessageDocument
from gui.widgets.message_fill import RENDER_PIECE_CHARS
from gui.widgets.message_html import (
    MAX_MARKDOWN_CHARS,
    MUTED,
    MessageLike,
    find_arrow,
    follow_link,
    parse_action,
    parse_icon_url,
    with_versions_at,
)

if TYPE_CHECKING:
    from gui.widgets.message_hover import MessageHover

__all__ = ["MAX_MARKDOWN_CHARS", "RENDER_PIECE_CHARS", "ChatView", "MessageLike", "parse_action"]

#: The widest the text column gets (with the document's margins), as chat apps do.
READING_WIDTH = 840

#: Links the view follows itself: a Thinking block, a cut message, its text window.
OWN_ACTIONS = frozenset({"thinking", "show_all", "open_text", "thinking_text"})


class ChatView(EndFollowing, MessageDocument):
    """Shows a conversation and emits what the person asks of a message."""

    #: (action, message_id) — "regenerate", "retry", "continue", "edit", "fork", "delete",
    #: "delete_branch", "previous", "next" (versions); "copy" is done here
    action_requested = Signal(str, int)
    #: (message_id, call id, "once" | "always" | "deny"): a tool card's answer
    tool_answered = Signal(int, str, str)
    #: (message_id, index): the person opened one of a question's files (#19)
    attachment_requested = Signal(int, int)
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
        self.has_older = False
        self.has_newer = False
        #: the version arrow followed last: selected again in the version shown next
        self._switched_by: str | None = None
        self._rerender_pending = False
        #: a message shown after a version switch, whose arrow is still to be rendered
        self._arrow_wanted: tuple[int, str] | None = None
        #: the last "Open as text" window (it deletes itself when closed)
        self.text_dialog: QWidget | None = None
        #: the round "↓" over the bottom edge while the view does not follow the end
        self._to_end_button: QToolButton | None = None
        self._margining = False
        self.anchorClicked.connect(self.on_anchor_clicked)
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._on_scrolled)
        bar.rangeChanged.connect(self._on_range_changed)
        self._hover: MessageHover | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Conversation"))
        if self._to_end_button is not None:
            self._to_end_button.setToolTip(self.tr("Scroll to the newest message (End)"))
            self._to_end_button.setAccessibleName(self.tr("Scroll to the newest message"))
        self.setAccessibleDescription(
            self.tr(
                "Messages of the open conversation. Tab moves through each message's actions"
                " (Copy, Regenerate, Edit, Delete), shown as buttons under the message the"
                " mouse or keyboard is on; Enter does the one selected. A message with other"
                " versions starts that line with ‹ and ›, which switch versions. A reply the"
                " model thought over first starts with a Thinking link, which shows or hides"
                " its reasoning."
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

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """The providers' labels as the picker shows them (again after Settings)."""
        if labels != self.labels:
            self.labels = dict(labels)
            if self._frames:
                self.schedule_rerender()

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
            self._shown[ident]._replace(
                text=self._texts.get(ident, ""),
                reasoning=self.reasoning(ident) or self._shown[ident].reasoning,
            )
            for ident in self.message_ids()
            if ident in self._shown
        ]
        streaming, kept = set(self._streaming), (dict(self._thinking), set(self._expanded))
        self.clear_messages()
        self._thinking, self._expanded = kept  # open or not, shown whole or not
        for message in shown:
            self._insert_message(message, at_start=False)
        self._streaming = streaming & set(self._frames)
        bar.setValue(bar.maximum() - from_bottom)

    def createMimeDataFromSelection(self) -> QMimeData:
        """Copied text holds each formula as its LaTeX ($…$), and no U+FFFC for the
        view's own pictures (a provider's badge, an action's place)."""
        if self.document().findChild(QObject, "mathImages") is None:
            text = self.textCursor().selection().toPlainText()
        else:
            from gui.widgets.markdown_math_images import selection_text

            text = selection_text(self.textCursor())
        data = QMimeData()  # Qt's own rebuilds its text on every read: setText is lost
        data.setText(text.replace("\ufffc", "").replace("\u2028", "\n").replace("\xa0", " "))
        return data

    # -- resources: nothing is ever loaded -------------------------------------------
    def loadResource(self, type_: int, name: QUrl | str) -> Any:
        """Model output may reference remote or local files: load none of them. The only
        images shown are the view's own icons, drawn here."""
        wanted = parse_icon_url(name.toString() if isinstance(name, QUrl) else name)
        if wanted is None:
            return None
        from gui.widgets import icons  # the first message shown draws them

        if wanted[0].startswith("badge-"):  # a reply's provider: badge-<letter, hex>-<name>
            code, _, provider = wanted[0][6:].partition("-")
            letter = chr(int(code, 16)) if code.isalnum() and len(code) <= 6 else "?"
            colour = icons.badge_colour(provider)
            return icons.badge(letter, colour, 18, self.devicePixelRatioF())
        if wanted[0] not in icons.SHAPES:
            return None
        return icons.image(wanted[0], MUTED[wanted[1]], 14, self.devicePixelRatioF())

    # -- whole conversation ----------------------------------------------------------
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
        self._arrow_wanted = None
        self.has_older = has_older
        self.has_newer = has_newer
        self.following = anchor is None and not has_newer
        for message in messages:
            self.append_message(message)
        switched_by, self._switched_by = self._switched_by, None
        if anchor is not None and anchor in self._frames:
            self.bring_to_top(anchor)
            frame = self._frames[anchor]
            arrow = find_arrow(frame, anchor, switched_by) if switched_by else None
            if arrow is not None:  # the arrow followed (or the other, at an end): Enter goes on
                self.setTextCursor(arrow)
            elif switched_by and self.is_expanding(anchor):  # its footer comes later
                self._arrow_wanted = (anchor, switched_by)
        else:
            self.scroll_to_bottom()
        self._want_newer_if_short()

    @property
    def hover(self) -> MessageHover:
        """A message's action buttons (#17): made with the first message shown, not for
        the window's first frame."""
        if self._hover is None:
            from gui.widgets.message_hover import MessageHover

            self._hover = MessageHover(self)
        return self._hover

    def append_message(self, message: MessageLike) -> None:
        _ = self.hover
        super().append_message(message)

    def begin_reply(self, message: MessageLike) -> None:
        _ = self.hover
        super().begin_reply(message)

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

    def last_reply_text(self) -> str | None:
        """The text of the newest assistant message shown, if any."""
        for ident in reversed(self.message_ids()):
            if ident in self._shown and self._shown[ident].role == "assistant":
                return self._texts.get(ident, "")
        return None

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

    # -- links -----------------------------------------------------------------------
    def on_anchor_clicked(self, url: QUrl) -> None:
        from gui.widgets.attachment_view import parse_file_link  # #19: a sent file's link

        if (file := parse_file_link(url.toString())) is not None:
            self.attachment_requested.emit(*file)
            return
        action = follow_link(url, self.code_block, self.message_text)
        if action is not None and action[0] in OWN_ACTIONS:
            self._follow_own(*action)
        elif action is not None:
            name, message_id = action
            self._switched_by = name if name in ("previous", "next") else None
            self.action_requested.emit(name, message_id)

    def _follow_own(self, action: str, message_id: int) -> None:
        if action == "thinking":
            self.toggle_thinking(message_id)
        elif action == "show_all":
            self.show_all(message_id)
        elif action in ("open_text", "thinking_text"):
            self.open_text(message_id, reasoning=action == "thinking_text")

    def toggle_thinking(self, message_id: int) -> None:
        """Open or close a reply's Thinking block; its link keeps the keyboard."""
        state = self._thinking.get(message_id)
        if state is None or state.frame is None or state.live:
            return
        at = self.textCursor().position()
        on_link = state.frame.firstPosition() <= at <= state.frame.lastPosition()
        state.open = not state.open
        if state.open:
            thinking.relabel(message_id, state, dark=self.dark)
            thinking.show(message_id, state, dark=self.dark)
        else:
            thinking.hide(message_id, state, dark=self.dark)
        if on_link:  # Tab had selected it: Enter toggles it again
            link = state.frame.firstCursorPosition()
            link.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(link)

    def open_text(self, message_id: int, *, reasoning: bool = False) -> None:
        """A message's whole text (or its thinking) in a plain read-only window."""
        from gui.widgets.text_dialog import TextDialog  # loads with the first one opened

        if reasoning:
            title, text = self.tr("Thinking"), self.reasoning(message_id)
        else:
            title, text = self.tr("Message text"), self.message_text(message_id)
        self.text_dialog = TextDialog(title, text, self.window())
        self.text_dialog.show()

    def _footer_shown(self, message_id: int) -> None:
        wanted = self._arrow_wanted
        frame = self._frames.get(message_id)
        if wanted is not None and wanted[0] == message_id and frame is not None:
            self._arrow_wanted = None
            arrow = find_arrow(frame, message_id, wanted[1])
            if arrow is not None:
                self.setTextCursor(arrow)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A view at the end stays at the end when it shrinks (a bar above the composer).
        Text keeps a readable width: a wider view gets margins, not longer lines (and its
        text is not laid out again while the window is resized)."""
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        # The whole widget's width: the event's is the viewport's, less the old margins.
        width = self.width() - 2 * self.frameWidth() - bar.sizeHint().width()
        side = max(0, (width - READING_WIDTH) // 2)
        if side != self.viewportMargins().left() and not self._margining:
            self._margining = True  # the margins resize the viewport: no second round
            try:
                self.setViewportMargins(side, 0, side, 0)
            finally:
                self._margining = False
        super().resizeEvent(event)
        if at_end or self.following:
            bar.setValue(bar.maximum())
        self._place_to_end_button()

    def event(self, event: QEvent) -> bool:
        """The wheel scrolls over the margins beside the text too (they are not the
        viewport, which alone gets its events)."""
        if event.type() == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
            self.wheelEvent(event)
            return True
        return super().event(event)

    def _on_scrolled(self, value: int) -> None:
        maximum = self.verticalScrollBar().maximum()
        # Scrolled up: stop following; back at the end (of the whole path): again.
        self.following = value >= maximum - 4 and not self.has_newer
        self._place_to_end_button()
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
