"""Issue #17, scrolling: the view follows the conversation as a person expects.

The real window, controller and store on a qasync loop, with a chat taller than the
window: sending shows the question and follows the reply to its last line; scrolling up
stops following and shows "↓"; End (or "↓") goes back; a reply ending never moves the
view; opening a chat shows its end."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from gui.controller import ChatController
from gui.core.store import Store
from gui.widgets.main_window import MainWindow
from tests.gui.conftest import Script, wait_for


def tall_chat(store: Store, count: int = 40) -> int:
    chat = store.create_conversation(provider="scripted", model="echo-1")
    for index in range(count):
        role = "user" if index % 2 == 0 else "assistant"
        store.add_message(chat.id, role, f"Сообщение {index}: " + "слово " * 40)
    return chat.id


def visible(window: MainWindow, text: str) -> bool:
    """Whether `text` (its last occurrence) lies inside the view's viewport."""
    view = window.view
    found = view.document().find(text, view.document().characterCount(), backward_flag())
    if found.isNull():
        return False
    rect = view.cursorRect(found)
    return rect.top() >= 0 and rect.bottom() <= view.viewport().height()


def backward_flag() -> Any:
    from PySide6.QtGui import QTextDocument

    return QTextDocument.FindFlag.FindBackward


def at_end(window: MainWindow) -> bool:
    bar = window.view.verticalScrollBar()
    return bar.maximum() > 0 and bar.value() >= bar.maximum() - 4


async def open_tall(window: MainWindow, controller: ChatController, store: Store) -> int:
    chat = tall_chat(store)
    controller.open_conversation(chat)
    await wait_for(lambda: "Сообщение 39" in window.view.toPlainText())
    return chat


async def test_opening_a_chat_shows_its_end(
    window: MainWindow, controller: ChatController, store: Store
) -> None:
    await open_tall(window, controller, store)
    await wait_for(lambda: at_end(window))
    assert visible(window, "Сообщение 39")
    assert not window.view.to_end_button.isVisible()


async def test_sending_follows_the_reply_to_its_last_line(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    await open_tall(window, controller, store)
    window.view.verticalScrollBar().setValue(0)  # the person reads the start of the chat
    script.delay = 0.01
    script.pieces = [f"строка {n} ответа\n\n" for n in range(30)] + ["последняя строка."]
    window.composer.setPlainText("Новый вопрос в длинном чате")
    window.composer.submit()
    await wait_for(lambda: visible(window, "Новый вопрос в длинном чате"))
    await wait_for(lambda: "строка 10 ответа" in window.view.toPlainText())
    assert visible(window, "строка 10 ответа")  # followed mid-stream
    await wait_for(lambda: not controller.is_busy(controller.current_id), timeout=10)
    await wait_for(lambda: "Regenerate" in window.view.toPlainText()[-200:])
    assert visible(window, "последняя строка.")  # the reply's last line is in view
    assert at_end(window)


async def test_scrolling_up_stops_following_and_the_end_of_a_reply_does_not_move_the_view(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    await open_tall(window, controller, store)
    script.delay = 0.02
    script.pieces = [f"кусок {n}\n\n" for n in range(40)]
    window.composer.setPlainText("Вопрос")
    window.composer.submit()
    await wait_for(lambda: "кусок 3" in window.view.toPlainText())
    bar = window.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)  # the person scrolls up to read
    await wait_for(lambda: window.view.to_end_button.isVisible())
    top = window.view.cursorForPosition(QPoint(0, 0)).position()
    await wait_for(lambda: not controller.is_busy(controller.current_id), timeout=10)
    await wait_for(lambda: "Regenerate" in window.view.toPlainText()[-200:])
    # The same text is at the top of the view: the reply grew and ended below it.
    assert abs(window.view.cursorForPosition(QPoint(0, 0)).position() - top) < 80
    assert not at_end(window)
    # End goes back to the newest message and follows again; "↓" goes.
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_End)
    assert at_end(window)
    await wait_for(lambda: not window.view.to_end_button.isVisible())
    assert window.view.following


async def test_the_down_button_returns_to_the_end(
    window: MainWindow, controller: ChatController, store: Store
) -> None:
    await open_tall(window, controller, store)
    window.view.verticalScrollBar().setValue(0)
    await wait_for(lambda: window.view.to_end_button.isVisible())
    button = window.view.to_end_button
    assert button.accessibleName()
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert at_end(window)
    assert not button.isVisible()
