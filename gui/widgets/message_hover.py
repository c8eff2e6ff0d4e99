"""A message's actions as icon buttons, shown over the message under the mouse and over
the one whose action Tab selected (issue #17: not links under every message).

Every message's footer line keeps a blank place for each action (message_footer: a link
with a blank picture and the action's name too small to see), so nothing moves when the
buttons show, and Tab and Enter reach every action by name as before. An ActionBar lays
real buttons on those places: icons with tooltips and accessible names; a click follows
the place's link. Showing and hiding change nothing in the document (a format change
re-lays out the text after it: milliseconds in a long chat), and the message under the
mouse is found by a binary search over the frames' positions. Nothing runs while nothing
happens.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QTimer

from gui.widgets.message_footer import ACTION_ICONS, ACTION_SIZE, action_texts
from gui.widgets.message_hover_bar import ActionBar, Place
from gui.widgets.message_html import parse_action

if TYPE_CHECKING:
    from PySide6.QtGui import QColor, QMouseEvent, QTextBlock, QTextFrame, QTextLine

    from gui.widgets.chat_view import ChatView


def places_in(block: QTextBlock, message_id: int) -> list[tuple[str, int, int]]:
    """(action, first, end) of each action place of the message in a footer block."""
    found: list[tuple[str, int, int]] = []
    it = block.begin()
    while not it.atEnd():
        fragment = it.fragment()
        fmt = fragment.charFormat()
        it += 1
        action = parse_action(fmt.anchorHref()) if fmt.isAnchor() else None
        if action is None or action[1] != message_id or action[0] not in ACTION_ICONS:
            continue
        end = fragment.position() + fragment.length()
        if found and found[-1][0] == action[0]:  # the name after the picture
            found[-1] = (action[0], found[-1][1], end)
        else:
            found.append((action[0], fragment.position(), end))
    return found


def _x(line: QTextLine, position: int) -> float:
    """Where `position` is on the line (PySide gives the x with the position moved to)."""
    found: Any = line.cursorToX(position)
    return float(found[0] if isinstance(found, tuple) else found)


class MessageHover(QObject):
    """Which message shows its actions: the one under the mouse, and the one whose
    action place Tab selected while the view has the keyboard."""

    def __init__(self, view: ChatView) -> None:
        super().__init__(view)
        self.hovered: int | None = None
        self.focused: int | None = None
        #: the action whose place Tab selected ("" for none)
        self.current = ""
        self._mouse: QPoint | None = None
        self._order: list[tuple[int, QTextFrame]] = []
        self._order_key: tuple[int, int | None, int] = (0, None, 0)
        self._bars: dict[str, ActionBar] = {}
        self._due = False
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)
        view.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        view.cursorPositionChanged.connect(self.on_cursor)
        #: following the document's changes, only while a message shows its buttons
        self._watching = False

    @property
    def _view(self) -> ChatView:
        """The view (this object's parent), not held: no cycle keeps it alive."""
        return self.parent()  # type: ignore[return-value]

    def _alive(self) -> bool:
        """False while the view is being destroyed (its events still come here)."""
        return getattr(self.parent(), "hover", None) is self

    def bar(self, kind: str) -> ActionBar:
        """The "hover" or "focus" bar, made when first needed."""
        bar = self._bars.get(kind)
        if bar is None:
            bar = self._bars[kind] = ActionBar(self._view)
        return bar

    def shown(self) -> dict[int, ActionBar]:
        """The bars on screen, by the message they act on."""
        return {
            bar.message_id: bar
            for bar in self._bars.values()
            if bar.isVisible() and bar.message_id is not None
        }

    # -- events --------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._alive():
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseMove:
            if watched is self._view.viewport():
                self._mouse = cast("QMouseEvent", event).position().toPoint()
                self._hover(self._message_at(self._mouse.y()))
        elif kind == QEvent.Type.Leave and watched is self._view.viewport():
            self._mouse = None
            self._hover(None)
        elif kind in (QEvent.Type.FocusIn, QEvent.Type.FocusOut) and watched is self._view:
            self.on_cursor()
        elif kind == QEvent.Type.KeyPress and watched is self._view:
            # Tab moves link by link and Qt says nothing of it: look once it has.
            QTimer.singleShot(0, self, self._after_key)
        elif kind == QEvent.Type.Resize and watched is self._view.viewport():
            self._later()
        return False

    def _hover(self, message_id: int | None) -> None:
        if message_id != self.hovered:
            self.hovered = message_id
            self.place()

    def _on_scrolled(self, _value: int) -> None:
        """The text moved under a still mouse: the bars moved with it (a viewport scroll
        moves its children); which message is under the mouse now is seen next turn."""
        if self._mouse is not None or self.focused is not None:
            self._later()

    def on_cursor(self) -> None:
        """Tab selected a link: the message holding an action place shows its bar."""
        if not self._alive():
            return
        view = self._view
        focused, current = None, ""
        cursor = view.textCursor()
        if view.hasFocus() and cursor.hasSelection():
            action = parse_action(cursor.charFormat().anchorHref())
            if action is not None and action[0] in ACTION_ICONS:
                focused, current = action[1], action[0]
        if (focused, current) != (self.focused, self.current):
            self.focused, self.current = focused, current
            self._later()  # the document may be mid-change (a clear moves the cursor)

    def _after_key(self) -> None:
        self.on_cursor()
        if self._due:  # at once, not a turn later: the document is whole between events
            self._place_due()

    def _on_changed(self, _position: int, _removed: int, _added: int) -> None:
        if self._alive():
            self._later()

    def _watch(self) -> None:
        """Follow the document's changes (a reply ending, a re-render) while a message is
        under the mouse or holds the keyboard; a stream costs nothing otherwise."""
        wanted = self.hovered is not None or self.focused is not None
        if wanted != self._watching:
            self._watching = wanted
            document = self._view.document()
            if wanted:
                document.contentsChange.connect(self._on_changed)
            else:
                document.contentsChange.disconnect(self._on_changed)

    def _later(self) -> None:
        """Place the bars again once the change is laid out (one pass per loop turn)."""
        if not self._due:
            self._due = True
            QTimer.singleShot(0, self, self._place_due)

    def _place_due(self) -> None:
        self._due = False
        if not self._alive():
            return
        if self._mouse is not None:
            self.hovered = self._message_at(self._mouse.y())
        self.place()

    # -- where ---------------------------------------------------------------------------
    def _frames(self) -> list[tuple[int, QTextFrame]]:
        """The messages' frames in document order, sorted again only when messages come
        or go (messages are only added at either end)."""
        frames = self._view._frames
        last = next(reversed(frames), None)
        key = (len(frames), last, id(frames[last]) if last is not None else 0)
        if key != self._order_key or any(frames.get(i) is not f for i, f in self._order[:1]):
            self._order = sorted(frames.items(), key=lambda item: item[1].firstPosition())
            self._order_key = key
        return self._order

    def _message_at(self, y: int) -> int | None:
        """The message at viewport height `y`: a binary search over the frames' tops."""
        order = self._frames()
        if not order:
            return None
        layout = self._view.document().documentLayout()
        at = float(y + self._view.verticalScrollBar().value())
        top = lambda item: layout.frameBoundingRect(item[1]).top()  # noqa: E731
        index = bisect.bisect_right(order, at, key=top) - 1
        if index < 0:
            return None
        ident, frame = order[index]
        if self._view._frames.get(ident) is not frame:  # stale: a message was replaced
            self._order_key = (-1, None, 0)
            return self._message_at(y)
        if index < len(order) - 1:
            return ident  # the gap under a message is still its own
        bottom = layout.frameBoundingRect(frame).bottom()
        return ident if at <= bottom + 8 else None  # below the last message: none

    def places(self, message_id: int) -> tuple[list[Place], QColor] | None:
        """A message's action places in viewport coordinates, and its background."""
        view = self._view
        frame = view._frames.get(message_id)
        if frame is None:
            return None
        document = view.document()
        block = document.findBlock(frame.lastPosition())
        found: list[tuple[str, int, int]] = []
        for _ in range(3):  # the footer's line is the frame's last paragraph
            if not block.isValid() or block.position() < frame.firstPosition():
                return None
            found = places_in(block, message_id)
            if found:
                break
            block = block.previous()
        if not found or block.layout() is None or block.layout().lineCount() == 0:
            return None
        origin = document.documentLayout().blockBoundingRect(block).topLeft()
        dx = origin.x() - view.horizontalScrollBar().value()
        dy = origin.y() - view.verticalScrollBar().value()
        layout, start = block.layout(), block.position()
        result: list[Place] = []
        for action, first, end in found:
            line = layout.lineForTextPosition(first - start)
            if not line.isValid():
                continue
            left = _x(line, first - start)
            last = layout.lineForTextPosition(end - start - 1)
            same = last.isValid() and last.lineNumber() == line.lineNumber()
            right = _x(line, end - start) if same else left + ACTION_SIZE
            width = max(ACTION_SIZE, round(right - left))
            rect = QRect(round(dx + left), round(dy + line.y()), width, round(line.height()))
            result.append(Place(action, *action_texts(action), rect))
        if not result:
            return None
        brush = frame.frameFormat().background()
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QColor

        if brush.style() == Qt.BrushStyle.NoBrush:
            from gui.widgets.style_sheet import colours

            return result, QColor(colours(view.dark).window)
        return result, brush.color()

    def place(self) -> None:
        """Show the bars where they belong now (or hide them)."""
        self._watch()
        wanted = {"focus": self.focused, "hover": self.hovered}
        if self.hovered == self.focused:
            wanted["hover"] = None  # one bar, with Tab's mark
        for kind, ident in wanted.items():
            found = self.places(ident) if ident is not None else None
            if found is None or ident is None:
                if kind in self._bars:
                    self._bars[kind].hide()
                continue
            places, background = found
            current = self.current if kind == "focus" else ""
            self.bar(kind).show_places(ident, places, background, current)
