"""The part of the conversation view's document that renders a streaming reply's
Markdown live (the rendering itself is live_markdown.py): when a step runs, and how a
reply rendered live ends. A mixin of MessageDocument."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QTextFrame

from gui.widgets import live_markdown
from gui.widgets.live_markdown import LiveState
from gui.widgets.long_text import SHOWN_CHARS
from gui.widgets.message_fill import Fill
from gui.widgets.message_html import Shown, streaming_format

translate = QCoreApplication.translate
T = TypeVar("T")


class LiveView:
    """Live Markdown for MessageDocument's streaming frames."""

    _frames: dict[int, QTextFrame]
    _texts: dict[int, str]
    _backlog: dict[int, list[str]]
    _code_blocks: dict[int, tuple[str, ...]]
    _fills: dict[int, Fill]
    _live: dict[int, LiveState]
    #: a reply with tool cards: where the text after its last card starts (tool_cards)
    _card_base: dict[int, int]
    dark: bool

    def _grow(self, position: int, change: Callable[[], T]) -> T:
        raise NotImplementedError

    def _turn(self, ident: int) -> None:
        raise NotImplementedError

    def _live_due(self, ident: int, live: LiveState) -> None:
        if not live.due:
            live.due = True
            context = cast(QObject, self)  # a QTextBrowser: the timer goes with the view
            QTimer.singleShot(live.delay_ms(), context, lambda: self._live_step(ident))

    def _live_step(self, ident: int) -> None:
        live, frame = self._live.get(ident), self._frames.get(ident)
        if live is None or frame is None:
            return
        live.due = False
        text = self._texts.get(ident, "")[self._card_base.get(ident, 0) :]
        if ident in self._backlog or live.seen == len(text):
            return  # the backlog's turn appends (and asks again); or nothing new
        if live_markdown.flooding(live, len(text)):
            self._live_due(ident, live)  # faster than a person reads: render later
            return
        step = lambda: live_markdown.step(  # noqa: E731
            frame,
            live,
            text,
            dark=self.dark,
            message_id=ident,
            copy_label=translate("ChatView", "Copy"),
            plain_format=streaming_format(),
            max_chars=SHOWN_CHARS,
        )
        self._code_blocks[ident] = self._grow(frame.lastPosition() - live.tail_len, step)
        if live.seen != len(text) and not live.off:  # more to render: another step
            self._live_due(ident, live)

    def _finish_live(self, frame: QTextFrame, shown: Shown, live: LiveState) -> None:
        """A reply rendered live ended: what is not rendered for good yet (the tail, and
        any text still waiting to enter the frame) renders as a body's last pieces, the
        first now and the rest a piece per loop turn, then the footer."""
        live_markdown.remove_tail(frame, live)
        self._code_blocks[shown.id] = live.code_blocks
        rest = shown._replace(text=shown.text[live.committed :])
        self._fills[shown.id] = Fill(rest, as_markdown=True, expanded=True)
        self._turn(shown.id)
