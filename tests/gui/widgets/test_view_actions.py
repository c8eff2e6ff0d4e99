"""Issue #17: find in the open chat, zoom, the sidebar's date groups and search snippets,
on the real window offscreen (no controller: the window renders what it is given)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest

from gui.core.settings import Settings
from gui.widgets.conversation_list import date_group
from gui.widgets.main_window import MainWindow


@dataclass(frozen=True)
class Msg:
    id: int
    role: str
    text: str
    status: str = "complete"
    error: Any = None
    provider: str = "scripted"
    model: str = "echo-1"


@dataclass(frozen=True)
class Chat:
    id: int
    title: str
    pinned: bool = False
    updated_at: float = 0.0


@dataclass(frozen=True)
class Hit:
    conversation_id: int
    message_id: int
    title: str
    snippet: str


def window_for(qtbot: Any) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1100, 720)
    window.show()
    return window


def test_find_in_the_chat_marks_the_matches_and_steps_through_them(qtbot: Any) -> None:
    window = window_for(qtbot)
    messages = [
        Msg(i, "user" if i % 2 else "assistant", f"строка {i} с кошкой") for i in range(1, 9)
    ]
    window.show_conversation("scripted", "echo-1", messages, False)
    window.view_commands.find_action.trigger()
    bar = window.view_commands.find_bar
    assert bar is not None and bar.isVisible() and window.focusWidget() is bar.field
    bar.field.setText("кошкой")
    qtbot.waitUntil(lambda: bool(window.view.extraSelections()), timeout=2000)  # a pause
    assert len(window.view.extraSelections()) == 8
    first = int(bar.count.text().split()[0])  # the first match from the view's top
    assert bar.count.text() == f"{first} of 8"
    for _ in range(8 - first):
        bar.step(1)
    assert bar.count.text() == "8 of 8"
    assert window.view.textCursor().block().text().startswith("строка 8")
    bar.step(1)
    assert bar.count.text() == "1 of 8"  # round at the ends
    bar.step(-1)
    assert bar.count.text() == "8 of 8"
    bar.field.setText("собака")
    qtbot.waitUntil(lambda: not window.view.extraSelections(), timeout=2000)
    assert bar.count.text() == "No matches"
    bar.field.setText("Copy")  # only the actions' hidden names say it: not the chat's text
    bar.step(1)  # Enter right after typing: it searches at once
    assert bar.count.text() == "No matches" and not window.view.extraSelections()
    window.activateWindow()  # the window's own Esc (Stop) is live: the field still wins
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    stopped: list[bool] = []
    window.stop_requested.connect(lambda: stopped.append(True))
    QTest.keyClick(bar.field, Qt.Key.Key_Escape)
    assert stopped == []
    assert not bar.isVisible()
    assert window.view.extraSelections() == []


def test_find_and_search_have_their_own_shortcuts(qtbot: Any) -> None:
    window = window_for(qtbot)
    assert QKeySequence("Ctrl+F") in window.view_commands.find_action.shortcuts()
    assert QKeySequence("Ctrl+F") not in window.commands.search_action.shortcuts()
    assert QKeySequence("Ctrl+K") in window.commands.search_action.shortcuts()


def test_zoom_scales_the_conversation_text_and_is_remembered(qtbot: Any, tmp_path: Path) -> None:
    window = window_for(qtbot)
    settings = Settings(tmp_path / "besedka.ini")
    window.zoom_changed.connect(lambda percent: setattr(settings, "zoom", percent))
    window.show_conversation("scripted", "echo-1", [Msg(1, "user", "Привет")], False)
    before = window.view.font().pointSizeF()
    window.view_commands.zoom_in_action.trigger()
    window.view_commands.zoom_in_action.trigger()
    assert window.view.font().pointSizeF() > before
    assert settings.zoom == 125
    settings.save()
    window.view_commands.zoom_reset_action.trigger()
    assert abs(window.view.font().pointSizeF() - before) < 0.01
    again = window_for(qtbot)
    again.set_zoom(Settings(tmp_path / "besedka.ini").zoom)
    assert again.view.font().pointSizeF() > before  # the zoom saved comes back


def test_chats_are_grouped_by_date_with_pinned_first(qtbot: Any) -> None:
    window = window_for(qtbot)
    now = time.time()
    chats = [
        Chat(1, "Закреплённый", pinned=True, updated_at=now - 90 * 86_400),
        Chat(2, "Сегодняшний", updated_at=now),
        Chat(3, "Вчерашний", updated_at=now - 86_400 - 60),
        Chat(4, "Старый", updated_at=now - 400 * 86_400),
    ]
    window.set_conversations(chats, 2)
    rows = [window.sidebar.list.item(i).text() for i in range(window.sidebar.list.count())]
    assert rows[:5] == ["Pinned", "Закреплённый", "Today", "Сегодняшний", "Yesterday"]
    assert rows[5] == "Вчерашний" and rows[-1] == "Старый"
    month = time.localtime(now - 400 * 86_400)
    english = QLocale(QLocale.Language.English).standaloneMonthName(month.tm_mon)
    assert rows[-2] == f"{english} {month.tm_year}"  # the old chat's month, as a title
    assert window.sidebar.current_id() == 2
    window.sidebar.select_relative(1)  # past the "Yesterday" title
    assert window.sidebar.current_id() == 3
    assert date_group(now - 3 * 86_400, now) == "week"


def test_search_snippets_show_text_not_html_escapes(qtbot: Any) -> None:
    window = window_for(qtbot)
    window.sidebar.search.setText("arrow")
    hit = Hit(1, 5, "Код", "use <b>arrow</b> -&gt; here &amp; &lt;there&gt;")
    window.sidebar.set_search_results([hit], None)
    text = window.sidebar.list.item(0).text()
    assert "-> here & <there>" in text and "&gt;" not in text
    assert window.sidebar.list.item(0).sizeHint() is not None
    window.sidebar.list.viewport().grab()  # the highlighted snippet paints


def test_a_search_hit_title_is_readable_on_the_dark_theme(qtbot: Any) -> None:
    """Its title was painted black on the dark sidebar."""
    window = window_for(qtbot)
    window.set_dark(True)
    window.sidebar.search.setText("arrow")
    window.sidebar.set_search_results([Hit(1, 5, "ЗАГОЛОВОК", "an <b>arrow</b>")], None)
    image = window.sidebar.list.viewport().grab().toImage()
    rect = window.sidebar.list.visualItemRect(window.sidebar.list.item(0))
    line = [
        image.pixelColor(x, y).lightnessF()
        for y in range(rect.top() + 2, rect.top() + rect.height() // 2)
        for x in range(rect.left() + 4, rect.left() + 80)
    ]
    background = image.pixelColor(rect.right() - 2, rect.bottom() - 2).lightnessF()
    assert background < 0.3  # a dark row
    assert max(line) > 0.7  # its title is drawn light on it


def test_thousands_of_chats_fill_the_list_a_chunk_per_loop_turn(qtbot: Any) -> None:
    from gui.widgets.conversation_list import FILL_ROWS

    window = window_for(qtbot)
    now = time.time()
    chats = [Chat(i, f"Чат {i}", updated_at=now - i * 60) for i in range(1, 2_001)]
    window.set_conversations(chats, 1_500)
    assert len(window.sidebar.chat_rows()) == FILL_ROWS  # what shows comes at once
    qtbot.waitUntil(lambda: len(window.sidebar.chat_rows()) == 2_000, timeout=5000)
    assert window.sidebar.current_id() == 1_500  # chosen when its chunk came
    window.set_conversations(chats[:10], 3)  # a newer list stops the chunks of the old
    qtbot.wait(20)
    assert len(window.sidebar.chat_rows()) == 10


def test_the_row_under_the_mouse_shows_a_menu_button(qtbot: Any) -> None:
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    window = window_for(qtbot)
    window.set_conversations([Chat(1, "Первый", updated_at=time.time())], 1)
    rows = window.sidebar.list
    item = window.sidebar.chat_rows()[0]
    centre = QPointF(rows.visualItemRect(item).center())
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        centre,
        rows.viewport().mapToGlobal(centre),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(rows.viewport(), move)
    button = window.sidebar.row_menu.button
    assert button is not None and button.isVisible() and button.accessibleName() == "More"
    opened: list[object] = []
    window.sidebar.row_menu.open_menu = opened.append  # the menu itself grabs the keyboard
    button.click()
    assert len(opened) == 1 and rows.itemAt(opened[0]) is item  # that row's menu (offscreen
    # Qt cannot grab the keyboard for a real popup, so the menu is not opened here)


def test_the_text_column_keeps_a_reading_width_through_resizes(qtbot: Any) -> None:
    """Wider than the column, the view gets margins, the same for the same width however
    it got there (the margins once flipped between centred and full width)."""
    from gui.widgets.chat_view import READING_WIDTH, ChatView

    view = ChatView()
    qtbot.addWidget(view)
    view.show()
    seen: dict[int, list[int]] = {}
    for width in (1700, 1650, 1900, 1000, 1700, 1900, 600):
        view.resize(width, 600)
        qtbot.wait(5)
        seen.setdefault(width, []).append(view.viewport().width())
    assert seen[1700][0] == seen[1700][1] and seen[1900][0] == seen[1900][1]
    assert all(abs(w - READING_WIDTH) <= 20 for w in seen[1700] + seen[1900] + seen[1650])
    assert seen[600][0] < 600  # a narrow view: the text takes what there is
