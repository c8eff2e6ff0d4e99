"""A message's actions show as icon buttons over the message under the mouse, or over
the one whose action Tab selected, and nowhere else; showing them moves no text (#17)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QMouseEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolButton

from gui.widgets.chat_view import ChatView
from gui.widgets.main_window import MainWindow
from gui.widgets.message_hover_bar import ActionBar
from gui.widgets.message_html import action_url


@dataclass(frozen=True)
class Msg:
    id: int
    role: str
    text: str
    status: str = "complete"
    error: Any = None
    provider: str = "scripted"
    model: str = "echo-1"
    version: int = 1
    versions: int = 1


CHAT = [
    Msg(1, "user", "What is a monad?"),
    Msg(2, "assistant", "A monad is a **way** to chain steps."),
    Msg(3, "user", "Shorter, please."),
    Msg(4, "assistant", "Chained steps."),
]


def _window(qtbot: Any, messages: list[Msg] = CHAT) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1100, 720)
    window.show()
    window.set_ready()
    window.show_conversation("scripted", "echo-1", messages, False)
    qtbot.waitExposed(window)
    return window


def _point_in(view: ChatView, message_id: int) -> QPoint:
    """A point over the message's text, in the viewport."""
    frame = view._frames[message_id]
    rect = view.document().documentLayout().frameBoundingRect(frame)
    return QPoint(int(rect.left() + 40), int(rect.top() + 12) - view.verticalScrollBar().value())


def _hover(view: ChatView, message_id: int) -> None:
    QTest.mouseMove(view.viewport(), _point_in(view, message_id))
    QApplication.processEvents()


def _bars(view: ChatView) -> dict[int, ActionBar]:
    return view.hover.shown()


def _names(bar: ActionBar) -> list[str]:
    buttons = [b for b in bar.findChildren(QToolButton) if b.isVisibleTo(bar)]
    return [b.accessibleName() for b in sorted(buttons, key=lambda b: b.x())]


def _layout(view: ChatView) -> list[tuple[float, float]]:
    """Where every paragraph of the document is."""
    layout, found = view.document().documentLayout(), []
    block = view.document().begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        found.append((rect.top(), rect.height()))
        block = block.next()
    return found


def test_the_message_under_the_mouse_shows_its_actions_and_no_other(qtbot: Any) -> None:
    window = _window(qtbot)
    view = window.view
    assert _bars(view) == {}  # nothing under the mouse: no actions anywhere

    _hover(view, 2)
    bars = _bars(view)
    assert list(bars) == [2]
    assert _names(bars[2]) == ["Copy", "Regenerate", "New chat from here", "Delete"]
    tips = {b.accessibleName(): b.toolTip() for b in bars[2].findChildren(QToolButton)}
    assert tips["Regenerate"] == "Ask again: the new reply becomes another version"
    # On the reply's footer line, under its text.
    frame_rect = view.document().documentLayout().frameBoundingRect(view._frames[2])
    top = frame_rect.top() - view.verticalScrollBar().value()
    assert top + 20 < bars[2].geometry().top() < top + frame_rect.height()

    _hover(view, 3)  # a question: Edit instead of Regenerate
    assert list(_bars(view)) == [3]
    assert _names(_bars(view)[3]) == ["Copy", "Edit", "New chat from here", "Delete"]

    QTest.mouseMove(window.composer, QPoint(20, 10))  # the mouse leaves the conversation
    QApplication.processEvents()
    assert _bars(view) == {}


def test_showing_the_actions_moves_no_text_and_changes_no_document(qtbot: Any) -> None:
    window = _window(qtbot)
    view = window.view
    before, revision = _layout(view), view.document().revision()
    for message_id in (1, 2, 3, 4, 2):
        _hover(view, message_id)
        assert view.hover.shown()
        assert _layout(view) == before
    assert view.document().revision() == revision


def test_copy_and_regenerate_do_what_they_say(qtbot: Any) -> None:
    window = _window(qtbot)
    view = window.view
    _hover(view, 2)
    bar = _bars(view)[2]
    qtbot.mouseClick(bar.buttons["copy"], Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "A monad is a **way** to chain steps."

    with qtbot.waitSignal(window.retry_requested) as asked:
        qtbot.mouseClick(bar.buttons["regenerate"], Qt.MouseButton.LeftButton)
    assert asked.args == [2]


def test_tab_reaches_each_action_by_name_and_enter_follows_it(qtbot: Any) -> None:
    window = _window(qtbot)
    view = window.view
    window.activateWindow()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    view.moveCursor(view.textCursor().MoveOperation.Start)
    reached: list[str] = []
    for _ in range(40):
        QTest.keyClick(view, Qt.Key.Key_Tab)
        QApplication.processEvents()
        assert view.hasFocus()
        cursor = view.textCursor()
        reached.append(cursor.charFormat().anchorHref())
        if reached[-1] == action_url("copy", 4):
            break
    for action in ("copy", "edit", "fork", "delete"):
        assert action_url(action, 1) in reached
    assert action_url("regenerate", 2) in reached
    # The selected place reads as its name (what a screen reader says), and its
    # message's buttons show, that one marked.
    assert view.textCursor().selectedText().strip("\ufffc") == "Copy"
    bars = _bars(view)
    assert list(bars) == [4]
    assert bars[4].buttons["copy"].property("current") is True
    assert bars[4].buttons["regenerate"].property("current") is not True

    QTest.keyClick(view, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text() == "Chained steps."

    window.composer.setFocus()  # the keyboard leaves: its buttons go
    qtbot.waitUntil(lambda: not _bars(view))


def test_the_actions_follow_scrolling(qtbot: Any) -> None:
    chat = [Msg(i, "user" if i % 2 else "assistant", f"message number {i}") for i in range(1, 41)]
    window = _window(qtbot, chat)
    view = window.view
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0
    point = QPoint(60, view.viewport().height() // 2)
    QTest.mouseMove(view.viewport(), point)
    QApplication.processEvents()
    ((first, bar_before),) = _bars(view).items()
    before = bar_before.geometry()
    bar.setValue(bar.value() - 40)  # the wheel, say: the text moves under a still mouse
    QApplication.processEvents()
    shown = _bars(view)
    ((ident, bar_after),) = shown.items()
    assert ident == view.hover._message_at(point.y())  # the message under the mouse now
    places = view.hover.places(ident)
    assert places is not None
    assert bar_after.geometry().contains(places[0][0].rect)  # on its footer's places
    if ident == first:
        assert bar_after.geometry().top() == before.top() + 40
    for _ in range(8):  # further, until another message comes under the mouse
        bar.setValue(bar.value() - 40)
        QApplication.processEvents()
    assert list(_bars(view)) not in ([], [first])


def test_the_wheel_over_the_buttons_scrolls_the_conversation(qtbot: Any) -> None:
    chat = [Msg(i, "user" if i % 2 else "assistant", f"message number {i}") for i in range(1, 41)]
    view = _window(qtbot, chat).view
    QTest.mouseMove(view.viewport(), QPoint(60, view.viewport().height() // 2 + 5))
    QApplication.processEvents()
    (bar,) = _bars(view).values()
    before = view.verticalScrollBar().value()
    wheel = QWheelEvent(
        QPointF(5, 5),
        QPointF(bar.mapToGlobal(QPoint(5, 5))),
        QPoint(0, 0),
        QPoint(0, 120),  # one notch up
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(bar, wheel)  # what a button under the mouse passes on
    assert view.verticalScrollBar().value() < before


def test_a_reply_ending_under_the_mouse_gets_its_buttons(qtbot: Any) -> None:
    window = _window(qtbot, CHAT[:3])
    view = window.view
    view.begin_reply(Msg(4, "assistant", "", status="streaming"))
    view.append_delta(4, "Chained")
    QApplication.processEvents()
    _hover(view, 4)
    assert 4 not in _bars(view)  # still streaming: no actions yet
    view.update_message(Msg(4, "assistant", "Chained"))
    qtbot.waitUntil(lambda: 4 in _bars(view))


def test_the_buttons_sit_on_the_messages_own_background(qtbot: Any) -> None:
    window = _window(qtbot)
    view = window.view
    for dark in (False, True):
        window.set_dark(dark)
        QApplication.processEvents()
        _hover(view, 3)  # a question's tinted card
        bar = _bars(view)[3]
        card = view._frames[3].frameFormat().background().color()
        image = bar.grab().toImage()
        assert image.pixelColor(image.width() - 1, 0) == card
        _hover(view, 2)  # a reply, on the view's own background
        image = _bars(view)[2].grab().toImage()
        assert image.pixelColor(image.width() - 1, 0) == QColor("#1e1f22" if dark else "#ffffff")


def test_the_mouse_finds_its_message_quickly_in_a_long_view(qtbot: Any) -> None:
    view = ChatView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    # Ten pages, as scrolling up through a long chat gathers them (bench item 5 opens
    # 5,000 messages a page at a time); the search looks at ~10 frames of them.
    chat = [Msg(i, "user" if i % 2 else "assistant", f"message {i}") for i in range(1, 601)]
    view.set_messages(chat)
    qtbot.waitExposed(view)
    viewport = view.viewport()
    steps: list[float] = []
    seen: set[int] = set()
    for y in range(0, viewport.height(), 7):
        event = QMouseEvent(
            QEvent.Type.MouseMove,
            QPointF(60, y),
            QPointF(viewport.mapToGlobal(QPoint(60, y))),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        start = time.perf_counter()
        view.hover.eventFilter(viewport, event)
        steps.append(time.perf_counter() - start)
        seen.update(view.hover.shown())
    assert len(seen) > 3  # the buttons went from message to message
    assert max(steps[1:]) < 0.008  # the first sorts the frames once
