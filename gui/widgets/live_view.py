"""The part of the conversation view's document that renders a streaming reply's
Markdown live (the rendering itself is live_markdown.py): when a step runs, and how a
reply rendered live ends. A mixin of MessageDocument."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar, cast

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QTextFrame

from gui.widgets import live_markdown
from gui.widgets.live_markdown import TAIL_CHARS, LiveState
from gui.widgets.long_text import SHOWN_CHARS
from gui.widgets.message_fill import append_html
from gui.widgets.message_html import Shown, streaming_format

translate = QCoreApplication.translate
T = TypeVar("T")
#: A link reference definition at a line's start (markdown.split_blocks' rule).
_REFERENCE_RE = re.compile(r"(?m)^ {0,3}\[[^\]]+\]:")


class LiveView:
    """Live Markdown for MessageDocument's streaming frames."""

    _frames: dict[int, QTextFrame]
    _texts: dict[int, str]
    _backlog: dict[int, list[str]]
    _code_blocks: dict[int, tuple[str, ...]]
    _shown: dict[int, Shown]
    _live: dict[int, LiveState]
    #: a reply with tool cards: where the text after its last card starts (tool_cards)
    _card_base: dict[int, int]
    dark: bool

    def _grow(self, position: int, change: Callable[[], T]) -> T:
        raise NotImplementedError

    def _refill(self, frame: QTextFrame, message: Shown) -> None:
        raise NotImplementedError

    def _footer(self, message: Shown) -> str:
        raise NotImplementedError

    def _footer_shown(self, message_id: int) -> None:
        raise NotImplementedError

    def _live_due(
        self, ident: int, live: LiveState, *, anew: bool = False, appended: bool = True
    ) -> None:
        """A step on a timer (`anew`: sooner than the one due, which then does nothing);
        `appended`: text just went into the frame (MessageDocument's call)."""
        if appended:
            live.appended_at = time.monotonic()
        if not live.due or anew:
            live.due = True
            live.ticket += 1
            ticket = live.ticket
            context = cast(QObject, self)  # a QTextBrowser: the timer goes with the view
            QTimer.singleShot(live.delay_ms(), context, lambda: self._live_step(ident, ticket))

    def _live_step(self, ident: int, ticket: int) -> None:
        live, frame = self._live.get(ident), self._frames.get(ident)
        if live is None or frame is None or ticket != live.ticket:
            return
        live.due = False
        text = self._texts.get(ident, "")[self._card_base.get(ident, 0) :]
        if ident in self._backlog or live.seen == len(text):
            return  # the backlog's turn appends (and asks again); or nothing new
        if live.busy():  # text went in this loop turn: the step gets a turn of its own
            self._live_due(ident, live, appended=False)
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
        if live.final and (live.off or live.committed >= len(text)):
            self._end_live(ident, frame, live)
        elif live.seen != len(text) and not live.off:  # more to render: another step
            self._live_due(ident, live, appended=False)

    def _finish_live(
        self, frame: QTextFrame, shown: Shown, live: LiveState, *, detach: bool
    ) -> None:
        """A reply rendered live ended: what is not rendered for good yet renders in
        place, a bounded piece per loop turn, then the footer: the open block at once
        (as little as a step renders), more from the next turn on. With text that never
        reached the frame (`detach`), the pieces go after what is rendered."""
        if live.committed and _REFERENCE_RE.search(shown.text):
            self._refill(frame, shown)  # a link reference may be used above it: whole
            return
        if detach:
            live_markdown.detach(frame, live)
        self._live[shown.id] = live
        live.final, live.seen = True, -1
        self._live_due(shown.id, live, anew=True, appended=False)
        if len(shown.text) - self._card_base.get(shown.id, 0) - live.committed <= TAIL_CHARS:
            self._live_step(shown.id, live.ticket)

    def _end_live(self, ident: int, frame: QTextFrame, live: LiveState) -> None:
        """The last piece is in: the footer; or, when a block turned out too big to
        render in a step, the reply shown again as a finished one is (plain)."""
        del self._live[ident]
        shown = self._shown[ident]
        if live.off:
            self._refill(frame, shown)
            return
        self._grow(frame.lastPosition(), lambda: append_html(frame, self._footer(shown)))
        self._footer_shown(ident)

    def _finishing(self, ident: int) -> bool:
        """The reply ended and its last pieces are still rendering."""
        live = self._live.get(ident)
        return live is not None and live.final
