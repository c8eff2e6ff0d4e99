"""Conversation trees on the real widgets alone (no controller): what the window shows of
versions, what it asks for when a link or a key is used, editing with a banner, the undo
bar, the trash and the paging of a path in both directions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDateTime, QLocale, Qt, QUrl
from PySide6.QtTest import QTest

from gui.widgets.chat_view import ChatView
from gui.widgets.main_window import MainWindow
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
    finish_reason: str = ""


@dataclass(frozen=True)
class Deleted:
    id: int
    title: str
    deleted_at: float


def _window(qtbot: Any) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.set_ready()
    return window


def _hrefs(view: ChatView) -> list[str]:
    """Every link in the view's document, in order."""
    found: list[str] = []
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            href = it.fragment().charFormat().anchorHref()
            if href and (not found or found[-1] != href):
                found.append(href)
            it += 1
        block = block.next()
    return found


def _click(view: ChatView, action: str, message_id: int) -> None:
    view.anchorClicked.emit(QUrl(action_url(action, message_id)))


def _active(qtbot: Any, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.composer.setFocus()
    qtbot.waitUntil(window.composer.hasFocus)


def test_footers_offer_the_actions_of_each_kind_of_message(qtbot: Any) -> None:
    view = ChatView()
    qtbot.addWidget(view)
    view.set_messages(
        [
            Msg(1, "user", "Вопрос", version=2, versions=3),
            Msg(2, "assistant", "first reply"),
            Msg(3, "user", "again"),
            Msg(4, "assistant", "cut", status="stopped"),
            Msg(5, "assistant", "long", finish_reason="length"),
            Msg(6, "assistant", "failed", status="failed"),
        ]
    )
    hrefs = _hrefs(view)
    # The switcher comes first; both arrows are links in the middle of three versions.
    assert hrefs[:2] == [action_url("previous", 1), action_url("next", 1)]
    for action in ("copy", "edit", "fork", "delete", "delete_branch"):
        assert action_url(action, 1) in hrefs, action
    assert action_url("regenerate", 1) not in hrefs
    assert "‹ 2/3 ›" in view.toPlainText()
    # Regenerate on every reply, not only the last; Continue where a reply was cut short.
    for reply in (2, 4, 5, 6):
        assert action_url("regenerate", reply) in hrefs
        assert action_url("fork", reply) in hrefs
    assert action_url("continue", 2) not in hrefs
    for reply in (4, 5, 6):
        assert action_url("continue", reply) in hrefs
    assert "Cut off at the reply length limit." in view.toPlainText()
    # No switcher and no Delete branch on a message without versions.
    assert action_url("delete_branch", 2) not in hrefs
    assert action_url("previous", 3) not in hrefs


def test_at_the_ends_of_the_versions_an_arrow_is_plain_text(qtbot: Any) -> None:
    view = ChatView()
    qtbot.addWidget(view)
    view.set_messages([Msg(1, "user", "q", version=1, versions=2), Msg(2, "assistant", "a")])
    hrefs = _hrefs(view)
    assert action_url("previous", 1) not in hrefs and action_url("next", 1) in hrefs
    assert "‹ 1/2 ›" in view.toPlainText()
    view.set_messages([Msg(7, "user", "q", version=2, versions=2)])
    hrefs = _hrefs(view)
    assert action_url("previous", 7) in hrefs and action_url("next", 7) not in hrefs
    # The arrows say what they do (tooltip), and the view tells screen readers about them.
    cursor = view.document().find("‹")
    assert cursor.charFormat().toolTip() == "Previous version"
    assert "‹ and ›" in view.accessibleDescription()


def test_the_links_under_a_message_become_the_windows_intents(qtbot: Any) -> None:
    window = _window(qtbot)
    asked: list[tuple[object, ...]] = []
    window.version_requested.connect(lambda ident, step: asked.append(("version", ident, step)))
    window.retry_requested.connect(lambda ident: asked.append(("retry", ident)))
    window.continue_requested.connect(lambda ident: asked.append(("continue", ident)))
    window.fork_requested.connect(lambda ident: asked.append(("fork", ident)))
    window.branch_delete_requested.connect(lambda ident: asked.append(("branch", ident)))
    window.message_delete_requested.connect(lambda ident: asked.append(("delete", ident)))
    window.show_conversation(
        "scripted",
        "echo-1",
        [
            Msg(1, "user", "q", version=2, versions=3),
            Msg(2, "assistant", "older reply"),
            Msg(3, "user", "q2"),
            Msg(4, "assistant", "cut", status="stopped"),
        ],
        False,
    )
    view = window.view
    for action, ident in (
        ("next", 1),
        ("previous", 1),
        ("regenerate", 2),
        ("retry", 4),
        ("continue", 4),
        ("fork", 3),
        ("delete_branch", 1),
        ("delete", 2),
    ):
        _click(view, action, ident)
    assert asked == [
        ("version", 1, 1),
        ("version", 1, -1),
        ("retry", 2),
        ("retry", 4),
        ("continue", 4),
        ("fork", 3),
        ("branch", 1),
        ("delete", 2),
    ]


def test_after_a_switch_by_arrow_the_arrow_is_selected_again(qtbot: Any) -> None:
    """Enter on "›" again goes on switching: the new version has its arrow selected."""
    view = ChatView()
    qtbot.addWidget(view)
    view.set_messages([Msg(1, "user", "q", version=1, versions=3), Msg(2, "assistant", "a")])
    _click(view, "next", 1)
    view.set_messages(
        [Msg(5, "user", "q'", version=2, versions=3), Msg(6, "assistant", "b")], anchor=5
    )
    cursor = view.textCursor()
    assert cursor.selectedText() == "›"
    assert cursor.charFormat().anchorHref() == action_url("next", 5)
    # At the last version the other arrow is selected.
    _click(view, "next", 5)
    view.set_messages([Msg(8, "user", "q''", version=3, versions=3)], anchor=8)
    assert view.textCursor().charFormat().anchorHref() == action_url("previous", 8)


def test_edit_shows_a_banner_and_esc_gives_the_draft_back(qtbot: Any) -> None:
    window = _window(qtbot)
    stops: list[bool] = []
    window.stop_requested.connect(lambda: stops.append(True))
    text = "Первая строка вопроса\nи вторая"
    window.show_conversation("scripted", "echo-1", [Msg(1, "user", text)], False)
    window.show_status("7 tokens")
    _active(qtbot, window)
    window.composer.setPlainText("my draft")
    _click(window.view, "edit", 1)
    banner = window.edit_banner
    assert banner is not None and banner.isVisible()
    assert banner.accessibleName() == "Editing: Первая строка вопроса"
    assert window.composer.toPlainText() == text
    assert window.composer.editing_message_id == 1
    qtbot.waitUntil(window.composer.hasFocus)
    QTest.keyClick(window.composer, Qt.Key.Key_Escape)
    assert not banner.isVisible()
    editing: int | None = window.composer.editing_message_id
    assert editing is None
    assert window.composer.toPlainText() == "my draft"
    assert window.status_label.text() == "7 tokens"  # untouched
    assert stops == []  # Esc cancelled the edit, it did not stop anything
    QTest.keyClick(window.composer, Qt.Key.Key_Escape)
    assert stops == [True]  # not editing: Esc is Stop again


def test_cancel_and_sending_an_edit(qtbot: Any) -> None:
    window = _window(qtbot)
    edits: list[tuple[int, str]] = []
    sent: list[str] = []
    window.edit_submitted.connect(lambda ident, text: edits.append((ident, text)))
    window.message_submitted.connect(sent.append)
    window.show_conversation("scripted", "echo-1", [Msg(1, "user", "old")], False)
    window.composer.setPlainText("draft")
    _click(window.view, "edit", 1)
    banner = window.edit_banner
    assert banner is not None
    assert banner.button.accessibleName() == "Cancel editing"
    banner.button.click()
    assert not banner.isVisible() and window.composer.toPlainText() == "draft"
    _click(window.view, "edit", 1)
    window.composer.setPlainText("new")
    window.composer.submit()
    assert edits == [(1, "new")] and sent == []
    window.message_sent()
    assert not banner.isVisible()
    assert window.composer.editing_message_id is None
    assert window.composer.toPlainText() == "draft"
    # Opening another chat while editing ends the edit.
    _click(window.view, "edit", 1)
    window.show_conversation("scripted", "echo-1", [Msg(9, "user", "other chat")], False)
    assert not banner.isVisible() and window.composer.toPlainText() == "draft"


def test_the_undo_bar_offers_undo_for_a_while(qtbot: Any) -> None:
    window = _window(qtbot)
    undone: list[bool] = []
    window.undo_requested.connect(lambda: undone.append(True))
    window.show_undo("Chat deleted.")
    bar = window.undo_bar
    assert bar is not None and bar.isVisible()
    assert bar.label.text() == "Chat deleted."
    assert bar.button.accessibleName() == "Undo"
    assert "Chat deleted." in bar.button.accessibleDescription()
    assert bar.y() > window.view.y()  # under the conversation, above the message box
    assert (
        bar.mapTo(window, bar.rect().bottomLeft()).y()
        < window.composer.mapTo(window, window.composer.rect().topLeft()).y()
    )
    _active(qtbot, window)
    QTest.keyClick(window.composer, Qt.Key.Key_Escape)
    assert bar.isVisible()  # Esc leaves it alone
    bar.button.click()
    assert undone == [True] and not bar.isVisible()
    # It goes by itself after its time; a new message starts the time again.
    bar.timer.setInterval(30)
    window.show_undo("Message deleted.")
    assert bar.isVisible() and bar.label.text() == "Message deleted."
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=2000)
    window.show_undo("Branch deleted.")
    window.hide_undo()
    assert not bar.isVisible() and undone == [True]


def test_bars_join_the_tab_chain_between_the_conversation_and_the_message_box(
    qtbot: Any,
) -> None:
    window = _window(qtbot)
    window.show_conversation("scripted", "echo-1", [Msg(1, "user", "q")], False)
    window.show_undo("Message deleted.")
    _click(window.view, "edit", 1)
    assert window.undo_bar is not None and window.edit_banner is not None
    window.view.setFocus()
    chain = []
    for _ in range(3):
        window.focusNextChild()
        chain.append(window.focusWidget())
    assert chain == [window.undo_bar.button, window.edit_banner.button, window.composer]


def test_the_trash_lists_deleted_chats_and_its_buttons_ask(qtbot: Any) -> None:
    window = _window(qtbot)
    asked: list[tuple[str, int]] = []
    window.trash_restore_requested.connect(lambda ident: asked.append(("restore", ident)))
    window.trash_purge_requested.connect(lambda ident: asked.append(("purge", ident)))
    window.trash_empty_requested.connect(lambda: asked.append(("empty", 0)))
    requested: list[bool] = []
    window.trash_requested.connect(lambda: requested.append(True))
    window.commands.trash_action.trigger()
    assert requested == [True]
    assert window.commands.trash_action in window.commands.file_menu.actions()
    older = Deleted(3, "Старый чат", 1_700_000_000.0)
    newer = Deleted(4, "Recent chat", 1_700_090_000.0)
    assert not window.trash_shown()
    window.show_trash([older, newer])
    dialog = window.trash_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    assert window.trash_shown()
    assert "30 day" in dialog.intro.text()  # "30 days" once the English plurals are built
    items = [dialog.list.topLevelItem(i) for i in range(dialog.list.topLevelItemCount())]
    rows = [(item.text(0), item.text(1)) for item in items if item is not None]
    moment = QDateTime.fromSecsSinceEpoch(1_700_090_000)
    assert rows[0] == ("Recent chat", QLocale().toString(moment, QLocale.FormatType.ShortFormat))
    assert rows[1][0] == "Старый чат"
    assert items[1] is not None
    dialog.list.setCurrentItem(items[1])
    dialog.restore_button.click()
    dialog.purge_button.click()
    assert asked == [("restore", 3), ("purge", 3)]
    # Empty Trash asks once more, inline; Keep them leaves everything.
    dialog.empty_button.click()
    assert dialog.confirm.isVisible() and "2 chat" in dialog.confirm_label.text()
    dialog.keep_button.click()
    assert not dialog.confirm.isVisible() and asked[-1] == ("purge", 3)
    dialog.empty_button.click()
    dialog.confirm_button.click()
    assert asked[-1] == ("empty", 0)
    # Shown again: the same window, refreshed.
    window.show_trash([newer])
    assert window.trash_dialog is dialog and dialog.ids() == [4]
    window.show_trash([])
    assert dialog.empty_note.isVisible() and not dialog.empty_button.isEnabled()
    dialog.close()
    assert not window.trash_shown()


def _long_path(count: int, *, first: int = 1) -> list[Msg]:
    return [
        Msg(first + i, "user" if i % 2 == 0 else "assistant", f"message number {first + i}")
        for i in range(count)
    ]


def test_an_anchor_opens_the_path_at_that_message(qtbot: Any) -> None:
    window = _window(qtbot)
    messages = _long_path(120)
    window.show_conversation("scripted", "echo-1", messages, False, anchor=41)
    view = window.view
    bar = view.verticalScrollBar()
    assert 0 < bar.value() < bar.maximum()
    top = view.cursorRect().top()  # the cursor is at the anchor's start
    assert 0 <= top < view.viewport().height() // 3
    assert view.textCursor().block().text() == "You"  # the heading of the anchor
    assert window.focusWidget() is window.composer


def test_scrolling_to_the_bottom_of_a_page_asks_for_the_newer_ones(qtbot: Any) -> None:
    window = _window(qtbot)
    newer: list[int] = []
    window.newer_requested.connect(newer.append)
    window.show_conversation("scripted", "echo-1", _long_path(60), False, has_newer=True, anchor=1)
    view = window.view
    bar = view.verticalScrollBar()
    assert newer == []
    bar.setValue(bar.maximum())
    assert newer == [60]
    value = bar.value()
    window.show_newer(_long_path(60, first=61), has_newer=False)
    assert bar.value() == value  # what is on screen stays
    assert view.message_ids()[-1] == 120
    bar.setValue(0)
    bar.setValue(bar.maximum())
    assert newer == [60]  # the path's end is shown: nothing more to ask


def test_a_short_page_that_does_not_end_the_path_asks_at_once(qtbot: Any) -> None:
    window = _window(qtbot)
    newer: list[int] = []
    window.newer_requested.connect(newer.append)
    window.show_conversation("scripted", "echo-1", _long_path(2), False, has_newer=True, anchor=1)
    qtbot.waitUntil(lambda: newer == [2])


def test_version_keys_act_on_the_message_on_screen(qtbot: Any) -> None:
    window = _window(qtbot)
    asked: list[tuple[int, int]] = []
    window.version_requested.connect(lambda ident, step: asked.append((ident, step)))
    window.commands.next_version_action.trigger()
    assert asked == [] and window.status_label.text() == "No message here has other versions."
    window.show_conversation(
        "scripted",
        "echo-1",
        [
            Msg(1, "user", "q", version=1, versions=2),
            Msg(2, "assistant", "a"),
            Msg(3, "user", "q2"),
            Msg(4, "assistant", "b", version=3, versions=3),
        ],
        False,
    )
    window.commands.previous_version_action.trigger()
    assert asked == [(4, -1)]  # the lowest message with versions
    window.commands.next_version_action.trigger()
    assert asked == [(4, -1)] and window.status_label.text() == "This is the last version."
    # The message holding the focused link comes first.
    view = window.view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    view.setTextCursor(view.document().find("›"))
    window.commands.next_version_action.trigger()
    assert asked == [(4, -1), (1, 1)]
    keys = {a.shortcut().toString() for a in window.shortcut_actions()}
    assert {"Alt+Left", "Alt+Right"} <= keys


def test_versions_survive_a_re_render_and_clear_empties_the_view(qtbot: Any) -> None:
    window = _window(qtbot)
    window.show_conversation(
        "scripted", "echo-1", [Msg(1, "user", "q", version=2, versions=3)], False
    )
    window.set_dark(not window.view.dark)
    assert "‹ 2/3 ›" in window.view.toPlainText()
    window.clear_conversation()
    assert window.view.message_ids() == [] and window.view.toPlainText().strip() == ""
