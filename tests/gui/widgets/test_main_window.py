"""The chat window on real widgets, a real store and a scripted model."""

from __future__ import annotations

import itertools
import re
from typing import Any

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication

from gui.controller import ChatController
from gui.core.store import MessageStatus, Store
from gui.history_actions import HistoryActions
from gui.widgets.chat_view import parse_action
from gui.widgets.main_window import MainWindow
from providers.errors import RateLimitError
from tests.gui.conftest import Script, wait_for


def _press_enter(qtbot: Any, window: MainWindow, modifiers: Any = None) -> None:
    modifier = modifiers if modifiers is not None else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(window.composer, Qt.Key.Key_Return, modifier)


def _path(store: Store, conversation_id: int) -> list[Any]:
    """The conversation's active path: what the view shows."""
    return store.messages_by_id(store.path_ids(conversation_id))


def _assistant(store: Store, conversation_id: int) -> Any:
    return [m for m in _path(store, conversation_id) if m.role == "assistant"][-1]


async def test_composer_has_focus_and_enter_sends_a_streamed_reply(
    qtbot: Any, window: MainWindow, store: Store, script: Script
) -> None:
    await wait_for(window.composer.hasFocus)
    script.pieces = ["Привет", ", ", "мир", "! 👋"]
    window.composer.setPlainText("Say hello")
    _press_enter(qtbot, window)

    await wait_for(lambda: "Привет, мир! 👋" in window.view.toPlainText())
    await wait_for(lambda: not window.stop_button.isEnabled())
    assert window.composer.toPlainText() == ""
    assert "Say hello" in window.view.toPlainText()
    conversation = store.list_conversations()[0]
    assert conversation.title == "Say hello"
    reply = _assistant(store, conversation.id)
    assert reply.text == "Привет, мир! 👋"
    assert reply.status == MessageStatus.COMPLETE
    assert reply.usage["total_tokens"] == 7
    assert "7 tokens" in window.status_label.text()
    assert script.received[-1] == [{"role": "user", "content": "Say hello"}]
    await wait_for(window.composer.hasFocus)


async def test_shift_enter_breaks_the_line_instead_of_sending(
    qtbot: Any, window: MainWindow, store: Store
) -> None:
    window.composer.setPlainText("first line")
    window.composer.moveCursor(window.composer.textCursor().MoveOperation.End)
    _press_enter(qtbot, window, Qt.KeyboardModifier.ShiftModifier)
    assert window.composer.toPlainText() == "first line\n"
    assert store.list_conversations() == []


async def test_stop_keeps_the_partial_text_and_marks_it_stopped(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = [f"word{i} " for i in range(200)]
    script.delay = 0.02
    window.composer.setPlainText("long answer please")
    window.composer.submit()
    await wait_for(lambda: "word3" in window.view.toPlainText())
    assert window.stop_button.isEnabled()
    window.stop_button.click()
    await wait_for(lambda: not window.stop_button.isEnabled())

    reply = _assistant(store, store.list_conversations()[0].id)
    assert reply.status == MessageStatus.STOPPED
    assert reply.text.startswith("word0 word1 word2 word3")
    assert "word199" not in reply.text
    shown = window.view.toPlainText()
    assert reply.text.strip() in shown
    assert "Stopped." in shown


async def test_failure_shows_the_message_inline_keeps_text_and_retry_works(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["partial ", "answer"]
    script.error = RateLimitError("Too many requests", retry_after=7)
    window.composer.setPlainText("question")
    window.composer.submit()
    await wait_for(lambda: "Retry in 7 s" in window.view.toPlainText())
    conversation_id = store.list_conversations()[0].id
    failed = _assistant(store, conversation_id)
    assert failed.status == MessageStatus.FAILED
    assert failed.text == "partial answer"
    assert failed.error is not None and failed.error.provider == "Scripted"
    assert failed.error.kind == "rate_limit"
    assert "partial answer" in window.view.toPlainText()

    script.error = None
    script.pieces = ["fixed"]
    window.view.action_requested.emit("retry", failed.id)
    await wait_for(lambda: _assistant(store, conversation_id).text == "fixed")
    await wait_for(lambda: "fixed" in window.view.toPlainText())
    assert "partial answer" not in window.view.toPlainText()
    assert [m.role for m in _path(store, conversation_id)] == ["user", "assistant"]
    # The failed reply is kept as the first version of the answer.
    assert (failed.id, "partial answer") in [
        (m.id, m.text) for m in store.messages(conversation_id)
    ]
    assert "‹ 2/2 ›" in window.view.toPlainText()


async def test_regenerate_adds_a_version_of_the_last_reply(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["one"]
    window.composer.setPlainText("q")
    window.composer.submit()
    conversation_id = None
    await wait_for(lambda: bool(store.list_conversations()))
    conversation_id = store.list_conversations()[0].id
    await wait_for(lambda: _assistant(store, conversation_id).status == MessageStatus.COMPLETE)
    await wait_for(lambda: not window.stop_button.isEnabled())  # shown, too
    script.pieces = ["two"]
    window.commands.regenerate_action.trigger()
    await wait_for(lambda: _assistant(store, conversation_id).text == "two")
    await wait_for(lambda: _assistant(store, conversation_id).status == MessageStatus.COMPLETE)
    await wait_for(lambda: not window.stop_button.isEnabled())  # shown, too
    assert [m.text for m in _path(store, conversation_id)] == ["q", "two"]
    assert [m.text for m in store.messages(conversation_id)] == ["q", "one", "two"]
    assert "one" not in window.view.toPlainText().split()
    assert "‹ 2/2 ›" in window.view.toPlainText()
    window.view.action_requested.emit("previous", _assistant(store, conversation_id).id)
    await wait_for(lambda: "one" in window.view.toPlainText().split())
    assert "two" not in window.view.toPlainText().split()
    assert "‹ 1/2 ›" in window.view.toPlainText()


async def test_edit_and_resend_adds_a_version_and_keeps_the_first(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["first reply"]
    window.composer.setPlainText("first question")
    window.composer.submit()
    await wait_for(lambda: bool(store.list_conversations()))
    conversation_id = store.list_conversations()[0].id
    await wait_for(lambda: _assistant(store, conversation_id).status == MessageStatus.COMPLETE)
    await wait_for(lambda: not window.stop_button.isEnabled())  # shown, too
    user = store.messages(conversation_id)[0]
    window.composer.setPlainText("a draft")
    window.view.action_requested.emit("edit", user.id)
    assert window.composer.toPlainText() == "first question"
    assert window.edit_banner is not None and window.edit_banner.isVisible()
    script.pieces = ["second reply"]
    window.composer.setPlainText("edited question")
    window.composer.submit()
    await wait_for(lambda: _assistant(store, conversation_id).text == "second reply")
    assert [m.text for m in _path(store, conversation_id)] == ["edited question", "second reply"]
    assert len(store.messages(conversation_id)) == 4  # the first question and reply stay
    await wait_for(lambda: "edited question" in window.view.toPlainText())
    assert "first reply" not in window.view.toPlainText()
    assert not window.edit_banner.isVisible()
    assert window.composer.toPlainText() == "a draft"  # the draft was never sent
    await wait_for(lambda: not window.stop_button.isEnabled())
    edited = _path(store, conversation_id)[0]
    window.view.action_requested.emit("previous", edited.id)
    await wait_for(lambda: "first reply" in window.view.toPlainText())
    assert "edited question" not in window.view.toPlainText()


async def test_code_block_has_a_copy_link_that_copies_the_code(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["Here:\n\n```python\n", "print('привет')\n", "```\n"]
    window.composer.setPlainText("code please")
    window.composer.submit()
    await wait_for(lambda: bool(store.list_conversations()))
    conversation_id = store.list_conversations()[0].id
    await wait_for(lambda: _assistant(store, conversation_id).status == MessageStatus.COMPLETE)
    await wait_for(lambda: not window.stop_button.isEnabled())  # shown, too
    reply = _assistant(store, conversation_id)
    await wait_for(lambda: window.view.code_block(reply.id, 0) is not None)
    window.view.on_anchor_clicked(QUrl(f"besedka:copy/{reply.id}/0"))
    assert QGuiApplication.clipboard().text() == "print('привет')"
    assert "```" not in window.view.toPlainText()  # rendered, not raw Markdown


class _UrlCatcher(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


async def test_links_open_in_the_browser_only_on_click_and_only_http(
    window: MainWindow, store: Store, script: Script
) -> None:
    catcher = _UrlCatcher()
    for scheme in ("http", "https", "file", "javascript"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    try:
        script.pieces = [
            "[site](https://example.org/page) ![img](https://example.org/x.png) "
            "[bad](javascript:alert(1)) [local](file:///etc/passwd)"
        ]
        window.composer.setPlainText("links")
        window.composer.submit()
        await wait_for(lambda: bool(store.list_conversations()))
        conversation_id = store.list_conversations()[0].id
        await wait_for(lambda: _assistant(store, conversation_id).status == MessageStatus.COMPLETE)
        await wait_for(lambda: not window.stop_button.isEnabled())  # shown, too
        assert catcher.urls == []  # rendering opened or fetched nothing
        html = window.view.toHtml()
        assert 'href="javascript:' not in html
        assert 'href="file:' not in html
        # No picture from the reply: the only images are the view's own action icons.
        assert re.findall(r'<img src="(?!besedka-icon:)', html) == []
        assert 'href="https://example.org/page"' in html
        window.view.on_anchor_clicked(QUrl("https://example.org/page"))
        window.view.on_anchor_clicked(QUrl("file:///etc/passwd"))
        assert catcher.urls == ["https://example.org/page"]
    finally:
        for scheme in ("http", "https", "file", "javascript"):
            QDesktopServices.unsetUrlHandler(scheme)


async def test_sidebar_lists_newest_first_and_switches_conversations(
    window: MainWindow, store: Store, script: Script
) -> None:
    for question in ("alpha question", "beta question"):
        window.commands.new_action.trigger()
        window.composer.setPlainText(question)
        window.composer.submit()
        await wait_for(
            lambda: (
                not window.stop_button.isEnabled() and window.view.toPlainText().count("world") == 1
            )
        )
    titles = [row.text() for row in window.sidebar.chat_rows()]
    assert titles == ["beta question", "alpha question"]
    window.sidebar.list.setCurrentItem(window.sidebar.chat_rows()[1])
    await wait_for(lambda: "alpha question" in window.view.toPlainText())
    assert "beta question" not in window.view.toPlainText()


async def test_rename_pin_and_delete_conversation(window: MainWindow, store: Store) -> None:
    window.composer.setPlainText("to be renamed")
    window.composer.submit()
    await wait_for(lambda: len(window.sidebar.chat_rows()) == 1)
    conversation_id = store.list_conversations()[0].id
    window.sidebar.rename_requested.emit(conversation_id, "Renamed chat")
    assert window.sidebar.chat_rows()[0].text() == "Renamed chat"
    window.sidebar.pin_requested.emit(conversation_id, True)
    assert window.sidebar.chat_rows()[0].text().endswith("Renamed chat")
    assert store.get_conversation(conversation_id).pinned
    await wait_for(lambda: not window.stop_button.isEnabled())
    window.sidebar.delete_requested.emit(conversation_id)
    assert len(window.sidebar.chat_rows()) == 0
    assert store.list_conversations() == []


async def test_long_conversation_opens_newest_page_and_loads_older_on_scroll(
    window: MainWindow, controller: ChatController, store: Store
) -> None:
    conversation = store.create_conversation(title="long", provider="scripted", model="echo-1")
    for i in range(150):
        store.add_message(
            conversation.id, "user" if i % 2 == 0 else "assistant", f"message number {i}"
        )
    controller.conversations_changed.emit()
    controller.open_conversation(conversation.id)
    text = window.view.toPlainText()
    assert "message number 149" in text
    assert "message number 0\n" not in text and "message number 10\n" not in text
    shown_before = len(window.view.message_ids())
    assert shown_before < 150
    window.view.verticalScrollBar().setValue(0)
    await wait_for(lambda: len(window.view.message_ids()) > shown_before)
    while window.view.has_older:
        window.view.verticalScrollBar().setValue(1)
        window.view.verticalScrollBar().setValue(0)
        await wait_for(lambda: True)
    assert len(window.view.message_ids()) == 150
    assert "message number 0" in window.view.toPlainText()


async def test_parameters_reach_the_provider(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    window.composer.setPlainText("hi")
    window.composer.submit()
    await wait_for(lambda: not window.stop_button.isEnabled() and bool(script.received))
    conversation_id = store.list_conversations()[0].id
    controller.set_parameters(
        conversation_id, system_prompt="Be brief.", params={"temperature": 0.2, "max_tokens": 50}
    )
    window.commands.regenerate_action.trigger()
    await wait_for(lambda: len(script.received) == 2)
    assert script.received[-1][0] == {"role": "system", "content": "Be brief."}
    assert script.options[-1] == {"temperature": 0.2, "max_tokens": 50}


def test_action_links_parse() -> None:
    assert parse_action("besedka:msg/regenerate/12") == ("regenerate", 12)
    assert parse_action("https://example.org") is None


async def test_search_hit_opens_the_conversation_at_that_message(
    window: MainWindow, controller: ChatController, store: Store
) -> None:
    old = store.create_conversation(title="Старый разговор", provider="scripted", model="echo-1")
    for i in range(200):
        text = "Рецепт борща со сметаной" if i == 7 else f"filler message {i}"
        store.add_message(old.id, "user" if i % 2 == 0 else "assistant", text)
    store.create_conversation(title="Newer", provider="scripted", model="echo-1")
    controller.conversations_changed.emit()
    window.sidebar.search.setText("борщ")
    assert len(window.sidebar.chat_rows()) == 1
    item = window.sidebar.chat_rows()[0]
    assert "Старый разговор" in item.text()
    assert "борщ" in item.text().lower()
    window.sidebar.list.setCurrentItem(window.sidebar.chat_rows()[0])
    await wait_for(lambda: "Рецепт борща" in window.view.toPlainText())
    target = store.messages(old.id)[7].id
    assert window.view.has_message(target)
    # The hit is on screen although the conversation opens at its newest page.
    top = window.view.cursorRect().top()
    assert 0 <= top < window.view.viewport().height()
    assert window.view.verticalScrollBar().value() < window.view.verticalScrollBar().maximum()
    window.sidebar.search.clear()
    assert len(window.sidebar.chat_rows()) == 2


async def test_a_huge_reply_stays_plain_text_once_with_its_actions(
    window: MainWindow, store: Store, script: Script
) -> None:
    from gui.widgets.chat_view import MAX_MARKDOWN_CHARS

    line = "**не жирный** `код` строка ответа\n"
    script.pieces = [line] * (MAX_MARKDOWN_CHARS // len(line) + 50)
    window.composer.setPlainText("a very long answer")
    window.composer.submit()
    await wait_for(lambda: bool(store.list_conversations()))
    conversation_id = store.list_conversations()[0].id
    await wait_for(lambda: _assistant(store, conversation_id).status == MessageStatus.COMPLETE)
    await wait_for(lambda: not window.stop_button.isEnabled())  # shown, too
    await wait_for(lambda: "Regenerate" in window.view.toPlainText())
    shown = window.view.toPlainText()
    assert shown.count("**не жирный** `код` строка ответа") == len(script.pieces)
    assert shown.count("Regenerate") == 1
    assert _assistant(store, conversation_id).text == line * len(script.pieces)


async def test_parameters_dialog_saves_the_conversation_settings(
    window: MainWindow, store: Store, script: Script
) -> None:
    window.composer.setPlainText("hi")
    window.composer.submit()
    await wait_for(lambda: not window.stop_button.isEnabled() and bool(script.received))
    window.parameters_button.click()
    dialog = window.parameters_dialog
    assert dialog is not None
    assert dialog.isVisible()
    dialog.prompt.setPlainText("Отвечай кратко.")
    dialog.use_temperature.setChecked(True)
    dialog.temperature.setValue(0.4)
    dialog.max_tokens.setValue(64)
    dialog.accept()
    conversation = store.list_conversations()[0]
    assert conversation.system_prompt == "Отвечай кратко."
    assert conversation.params == {"temperature": 0.4, "max_tokens": 64}


async def test_an_exported_json_chat_imports_back_and_opens(
    window: MainWindow, controller: ChatController, store: Store, script: Script, tmp_path: Any
) -> None:
    script.pieces = ["Ответ с **разметкой**"]
    window.composer.setPlainText("Вопрос")
    window.composer.submit()
    await wait_for(lambda: not window.stop_button.isEnabled() and bool(script.received))
    original = store.list_conversations()[0]
    path = tmp_path / "chat.json"
    HistoryActions(controller).export(original.id, str(path), "json")
    message = await HistoryActions(controller).import_chat(str(path))
    assert message == "Imported “Вопрос”"
    conversations = store.list_conversations()
    assert len(conversations) == 2
    imported = next(c for c in conversations if c.id != original.id)
    assert controller.current_id == imported.id
    assert [m.text for m in store.messages(imported.id)] == ["Вопрос", "Ответ с **разметкой**"]
    assert "Ответ с разметкой" in window.view.toPlainText()

    broken = tmp_path / "broken.json"
    broken.write_text('{"not": "ours"}', encoding="utf-8")
    refused = await HistoryActions(controller).import_chat(str(broken))
    assert refused.startswith(f"Cannot import {broken}")
    assert len(store.list_conversations()) == 2


async def test_deleting_a_streaming_reply_ends_it_and_frees_the_chat(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    script.pieces = [f"part{i} " for i in range(300)]
    script.delay = 0.01
    window.composer.setPlainText("stream then delete")
    window.composer.submit()
    await wait_for(lambda: "part2" in window.view.toPlainText())
    conversation_id = store.list_conversations()[0].id
    streaming = _assistant(store, conversation_id)
    window.view.action_requested.emit("delete", streaming.id)
    await wait_for(lambda: not window.stop_button.isEnabled())
    assert not controller.is_busy(conversation_id)
    assert [m.role for m in store.messages(conversation_id)] == ["user"]
    assert "part2" not in window.view.toPlainText()
    script.delay = 0.0
    script.pieces = ["next reply"]
    window.composer.setPlainText("again")
    window.composer.submit()
    await wait_for(lambda: _assistant(store, conversation_id).text == "next reply")


async def test_regenerate_on_an_older_reply_starts_a_branch_and_keeps_the_old_one(
    window: MainWindow, store: Store, script: Script
) -> None:
    for question in ("first", "second"):
        script.pieces = [f"answer to {question}"]
        window.composer.setPlainText(question)
        window.composer.submit()
        await wait_for(
            lambda: not window.stop_button.isEnabled() and bool(store.list_conversations())
        )
        chat = store.list_conversations()[0].id
        await wait_for(lambda q=question, c=chat: _assistant(store, c).text == f"answer to {q}")
    conversation_id = store.list_conversations()[0].id
    older = next(m for m in store.messages(conversation_id) if m.role == "assistant")
    script.pieces = ["another answer"]
    window.view.action_requested.emit("regenerate", older.id)
    await wait_for(lambda: _assistant(store, conversation_id).text == "another answer")
    await wait_for(lambda: not window.stop_button.isEnabled())
    assert [m.text for m in _path(store, conversation_id)] == ["first", "another answer"]
    await wait_for(lambda: "another answer" in window.view.toPlainText())
    assert "second" not in window.view.toPlainText()
    window.view.action_requested.emit("previous", _assistant(store, conversation_id).id)
    await wait_for(lambda: "answer to second" in window.view.toPlainText())
    assert [m.text for m in _path(store, conversation_id)] == [
        "first",
        "answer to first",
        "second",
        "answer to second",
    ]


async def test_parameters_a_provider_does_not_take_are_left_out(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    window.composer.setPlainText("hi")
    window.composer.submit()
    await wait_for(lambda: not window.stop_button.isEnabled() and bool(script.received))
    conversation_id = store.list_conversations()[0].id
    # top_p was set while the chat used another provider; the scripted one does not take it.
    controller.set_parameters(
        conversation_id, system_prompt="", params={"top_p": 0.5, "temperature": 0.3}
    )
    window.commands.regenerate_action.trigger()
    await wait_for(lambda: len(script.received) == 2)
    await wait_for(lambda: _assistant(store, conversation_id).status == MessageStatus.COMPLETE)
    await wait_for(lambda: not window.stop_button.isEnabled())  # shown, too
    assert script.options[-1] == {"temperature": 0.3}


async def test_export_to_an_unwritable_place_says_so(
    window: MainWindow, controller: ChatController, store: Store, script: Script, tmp_path: Any
) -> None:
    window.composer.setPlainText("hi")
    window.composer.submit()
    await wait_for(lambda: not window.stop_button.isEnabled() and bool(script.received))
    conversation_id = store.list_conversations()[0].id
    target = tmp_path / "missing-folder" / "chat.md"
    message = HistoryActions(controller).export(conversation_id, str(target), "md")
    assert message.startswith(f"Cannot export to {target}")
    ok = HistoryActions(controller).export(conversation_id, str(tmp_path / "chat.md"), "md")
    assert ok == f"Exported to {tmp_path / 'chat.md'}"
    assert "hi" in (tmp_path / "chat.md").read_text(encoding="utf-8")


async def test_a_firehose_reply_is_shown_a_frame_sized_piece_at_a_time(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    """A local server replaying text sends far more per frame than a frame can lay out:
    the view gets pieces no larger than MAX_PIECE_CHARS, all of them, in order, and the
    chat is busy (Stop lit) until the last one is shown."""
    from gui.live_reply import MAX_PIECE_CHARS

    script.pieces = [f"строка {i:05d} быстрого ответа\n" for i in range(4000)]  # ~130k chars
    pieces: list[str] = []
    busy_at_each: list[bool] = []

    def on_delta(_message_id: int, text: str) -> None:
        pieces.append(text)
        busy_at_each.append(window.stop_button.isEnabled())

    controller.reply_delta.connect(on_delta)
    window.composer.setPlainText("replay")
    window.composer.submit()
    await wait_for(lambda: bool(pieces))
    await wait_for(lambda: not window.stop_button.isEnabled(), timeout=20)
    text = "".join(script.pieces)
    assert "".join(pieces) == text
    assert max(map(len, pieces)) <= MAX_PIECE_CHARS
    assert len(pieces) >= len(text) // MAX_PIECE_CHARS
    assert all(busy_at_each)
    conversation_id = store.list_conversations()[0].id
    reply = _assistant(store, conversation_id)
    assert reply.status == MessageStatus.COMPLETE
    assert window.view.message_text(reply.id) == text


async def test_streamed_text_is_laid_out_unshaped_and_rendered_shaped_at_the_end(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    """Unshaped layout is what keeps a fast stream cheap (bench/run item 3); scripts that
    need shaping still get it from Qt, and the finished reply is rendered normally."""
    from PySide6.QtGui import QFont, QTextCursor

    script.pieces = ["Ёжики ", "мирные 🦔 ", "مرحبا ", "AV To"]
    script.delay = 0.05
    strategies: list[object] = []

    def on_delta(message_id: int, _text: str) -> None:
        cursor = QTextCursor(window.view.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.movePosition(QTextCursor.MoveOperation.PreviousCharacter)
        strategies.append(cursor.charFormat().fontStyleStrategy())

    controller.reply_delta.connect(on_delta)
    window.composer.setPlainText("hedgehogs")
    window.composer.submit()
    await wait_for(lambda: bool(strategies))
    await wait_for(lambda: not window.stop_button.isEnabled())
    assert QFont.StyleStrategy.PreferNoShaping in strategies
    reply = _assistant(store, store.list_conversations()[0].id)
    assert window.view.message_text(reply.id) == "".join(script.pieces)
    assert "Ёжики мирные 🦔 مرحبا AV To" in window.view.toPlainText()
    found = window.view.document().find("AV To")
    assert not found.isNull()
    assert found.charFormat().fontStyleStrategy() != QFont.StyleStrategy.PreferNoShaping


async def test_a_firehose_feeds_the_view_at_most_every_firehose_frame(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    """Every piece costs a layout pass and a repaint: a stream far faster than anyone
    reads is shown a piece per FIREHOSE_FRAME_S while it streams, not one per frame."""
    import time

    from gui.controller import FIREHOSE_CHARS, FIREHOSE_FRAME_S

    # Every piece alone is more than a frame's worth of a readable stream.
    script.pieces = [f"{i:04d} " + "ж" * FIREHOSE_CHARS for i in range(40)]
    script.delay = 0.004
    while_streaming: list[float] = []

    def on_delta(message_id: int, _text: str) -> None:
        if store.get_message(message_id).status == MessageStatus.STREAMING:
            while_streaming.append(time.monotonic())

    controller.reply_delta.connect(on_delta)
    window.composer.setPlainText("firehose")
    window.composer.submit()
    await wait_for(lambda: bool(store.list_conversations()))
    conversation_id = store.list_conversations()[0].id
    await wait_for(lambda: not controller.is_busy(conversation_id), timeout=20)
    reply = _assistant(store, conversation_id)
    assert window.view.message_text(reply.id) == "".join(script.pieces)
    assert len(while_streaming) >= 2, while_streaming
    gaps = [b - a for a, b in itertools.pairwise(while_streaming)]
    assert min(gaps) >= FIREHOSE_FRAME_S * 0.9, gaps


async def test_a_long_markdown_reply_is_rendered_a_piece_per_loop_turn(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    """Rendering 20,000 characters of Markdown at once holds the GUI ~80 ms: the view
    renders a long reply in pieces over several loop turns, and ends up showing exactly
    what rendering it whole shows, code blocks and their Copy links included."""
    from gui.widgets.chat_view import RENDER_PIECE_CHARS, ChatView

    blocks = []
    for i in range(120):
        blocks.append(f"Абзац {i} 🦔: **жирный** текст и `код`, [ссылка](https://example.com).")
        blocks.append(f"- пункт {i}\n- ещё пункт" if i % 2 else f"```python\nprint({i})\n```")
    text = "\n\n".join(blocks)
    assert len(text) > 3 * RENDER_PIECE_CHARS
    script.pieces = [text[i : i + 500] for i in range(0, len(text), 500)]
    footer_at_the_end: list[bool] = []
    controller.reply_finished.connect(
        lambda _m: footer_at_the_end.append("Regenerate" in window.view.toPlainText())
    )
    window.composer.setPlainText("long")
    window.composer.submit()
    await wait_for(lambda: bool(footer_at_the_end))
    # Rendered live as it streamed (issue #17): what is left at the end is the open
    # block, rendered as its last piece; either way the end is what the whole gives.
    await wait_for(lambda: "Regenerate" in window.view.toPlainText())
    reply = _assistant(store, store.list_conversations()[0].id)
    assert reply.text == text
    whole = ChatView()
    whole.set_labels(window.view.labels)  # the providers' labels, as the window has them
    whole.set_messages([reply])
    await wait_for(lambda: not whole.is_expanding(reply.id))
    shown, alone = window.view.toPlainText(), whole.toPlainText()
    model = reply.model or "echo-1"
    assert shown[shown.index(model) :] == alone[alone.index(model) :]
    assert window.view.code_block(reply.id, 59) == "print(118)"
    whole.deleteLater()


def test_the_window_alone_only_emits_intents(qtbot: Any) -> None:
    """No controller: the window says what the person asked for and changes nothing it
    was not told to (the composer keeps the text until the message is taken)."""
    main = MainWindow()
    qtbot.addWidget(main)
    sent: list[object] = []
    main.message_submitted.connect(lambda text: sent.append(("send", text)))
    main.edit_submitted.connect(lambda ident, text: sent.append(("edit", ident, text)))
    main.stop_requested.connect(lambda: sent.append("stop"))
    main.new_chat_requested.connect(lambda: sent.append("new"))
    main.composer.setPlainText("  hello  ")
    main.composer.submit()
    assert sent == [("send", "hello")]
    assert main.composer.toPlainText() == "  hello  "
    main.message_sent()
    assert main.composer.toPlainText() == ""
    main.commands.stop_action.trigger()
    main.commands.new_action.trigger()
    assert sent[1:] == ["stop", "new"]
    assert not main.send_button.isEnabled() and not main.ready
    main.set_ready()
    assert main.send_button.isEnabled() and main.status_label.text() == "Ready"


async def test_a_new_chat_takes_the_provider_and_model_picked(
    window: MainWindow, controller: ChatController, store: Store, script: Script
) -> None:
    window.picker.model_box.setCurrentText("echo-2")
    window.commands.new_action.trigger()
    conversation = store.list_conversations()[0]
    assert (conversation.provider, conversation.model) == ("scripted", "echo-2")
    assert controller.choice() == ("scripted", "echo-2")
    window.composer.setPlainText("hi")
    window.composer.submit()
    await wait_for(lambda: not window.stop_button.isEnabled() and bool(script.received))
    assert _assistant(store, conversation.id).model == "echo-2"
