"""A failed reply says why in a tinted card under its heading, with Retry in it (#17),
and its actions still show on hover."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui.values import ErrorInfo
from gui.widgets.chat_view import ChatView
from gui.widgets.message_footer import ERROR_COLOURS
from gui.widgets.message_html import action_url
from tests.gui.test_message_hover import Msg, _bars, _hover, _names, _window

FAILED = [
    Msg(1, "user", "Hello?"),
    Msg(
        2,
        "assistant",
        "",
        status="failed",
        error=ErrorInfo("rate_limit", provider="GigaChat", status=429, detail="Too Many"),
    ),
]


def _link_point(view: ChatView, href: str) -> QPoint:
    """The middle of the link to `href`, in the viewport, as a mouse would find it."""
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref() == href:
                cursor = QTextCursor(view.document())
                cursor.setPosition(fragment.position() + fragment.length() // 2 + 1)
                return view.cursorRect(cursor).center()
            it += 1
        block = block.next()
    raise AssertionError(f"no link to {href}")


def test_a_failed_reply_shows_a_tinted_card_with_retry(qtbot: Any) -> None:
    window = _window(qtbot, FAILED)
    view = window.view
    for dark in (False, True):
        window.set_dark(dark)
        QApplication.processEvents()
        text = view.toPlainText()
        assert "too many requests" in text.lower() and "Too Many" in text
        point = _link_point(view, action_url("retry", 2))
        # The card's tint around the words (the viewport as painted).
        image = view.viewport().grab().toImage()
        tint = QColor(ERROR_COLOURS[dark][0])
        right = view.viewport().width() - 40  # past the words, inside the card
        assert image.pixelColor(right, point.y()) == tint
        assert image.pixelColor(right, point.y() - 20) == tint

    with qtbot.waitSignal(window.retry_requested) as asked:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert asked.args == [2]


def test_a_failed_reply_keeps_its_actions_on_hover(qtbot: Any) -> None:
    window = _window(qtbot, FAILED)
    view = window.view
    _hover(view, 2)
    assert _names(_bars(view)[2]) == [
        "Copy",
        "Regenerate",
        "Continue",
        "New chat from here",
        "Delete",
    ]


def test_the_buttons_and_the_card_speak_russian(qtbot: Any) -> None:
    from PySide6.QtCore import QCoreApplication

    from gui.core.paths import resources_dir
    from gui.widgets.i18n import Translations

    translations = Translations(QCoreApplication.instance(), resources_dir() / "translations")
    translations.apply("ru")
    try:
        window = _window(qtbot, [*FAILED, Msg(3, "user", "Ещё раз"), Msg(4, "assistant", "Да")])
        view = window.view
        assert "слишком много запросов" in view.toPlainText()
        _hover(view, 4)
        bar = _bars(view)[4]
        assert _names(bar)[:2] == ["Копировать", "Сгенерировать заново"]
        assert bar.buttons["copy"].toolTip() == "Скопировать сообщение"
    finally:
        translations.apply("en")
