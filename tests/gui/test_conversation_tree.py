"""Conversations as trees, driven through the window as a person would: the links under a
message are clicked with the mouse, keys are pressed; each test checks what the window
shows and what the history file holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest

from gui.controller import ChatController
from gui.core.provider_factory import ProviderFactory
from gui.core.store import MessageStatus, Store
from gui.widgets.chat_view import ChatView
from gui.widgets.main_window import MainWindow
from gui.widgets.message_html import action_url
from gui.wiring import Wiring
from tests.gui.conftest import Script, scripted_provider, wait_for


def _anchor_position(view: ChatView, href: str) -> int | None:
    """Where a link with this address starts in the view's document."""
    block = view.document().begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            fragment = fragments.fragment()
            if fragment.isValid() and fragment.charFormat().anchorHref() == href:
                return fragment.position() + 1
            fragments += 1
        block = block.next()
    return None


def click_link(view: ChatView, action: str, message_id: int) -> None:
    """Scroll the link into sight and click it with the mouse."""
    href = action_url(action, message_id)
    position = _anchor_position(view, href)
    assert position is not None, f"no {action} link on message {message_id}"
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    rect = view.cursorRect(cursor)
    point = QPoint(rect.center().x(), rect.center().y())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), point)


def has_link(view: ChatView, action: str, message_id: int) -> bool:
    return _anchor_position(view, action_url(action, message_id)) is not None


async def send(window: MainWindow, store: Store, text: str) -> int:
    window.composer.setPlainText(text)
    window.composer.submit()
    await wait_for(lambda: bool(store.list_conversations()))
    conversation_id = store.list_conversations()[0].id
    await wait_for(lambda: _idle(window, store, conversation_id))
    return conversation_id


def _idle(window: MainWindow, store: Store, conversation_id: int) -> bool:
    path = store.path_ids(conversation_id)
    if not path:
        return False
    last = store.get_message(path[-1])
    return last.status != MessageStatus.STREAMING and not window.stop_button.isEnabled()


def path_texts(store: Store, conversation_id: int) -> list[str]:
    return [m.text for m in store.messages_by_id(store.path_ids(conversation_id))]


def shown(window: MainWindow) -> str:
    return window.view.toPlainText()


async def test_edit_is_cancellable_and_makes_a_version_that_can_be_switched(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["Paris."]
    chat = await send(window, store, "Capital of France?")
    question = store.path_ids(chat)[0]

    window.composer.setPlainText("a draft")
    click_link(window.view, "edit", question)
    assert window.composer.toPlainText() == "Capital of France?"
    assert window.edit_banner is not None and window.edit_banner.isVisible()
    QTest.keyClick(window.composer, Qt.Key.Key_Escape)
    assert not window.edit_banner.isVisible()
    assert window.composer.toPlainText() == "a draft"  # the draft is back
    assert path_texts(store, chat) == ["Capital of France?", "Paris."]

    click_link(window.view, "edit", question)
    window.composer.setPlainText("Capital of Italy?")
    script.pieces = ["Rome."]
    QTest.keyClick(window.composer, Qt.Key.Key_Return)
    await wait_for(lambda: "Rome." in shown(window) and _idle(window, store, chat))
    assert "Paris." not in shown(window)
    assert path_texts(store, chat) == ["Capital of Italy?", "Rome."]
    assert len(store.messages(chat)) == 4  # the first question and answer are kept
    edited = store.path_ids(chat)[0]
    assert "2/2" in shown(window)

    click_link(window.view, "previous", edited)
    await wait_for(lambda: "Paris." in shown(window))
    assert "Rome." not in shown(window) and "1/2" in shown(window)
    assert path_texts(store, chat) == ["Capital of France?", "Paris."]


async def test_the_version_shown_survives_a_restart(
    tmp_path: Path, qtbot: Any, window: MainWindow, store: Store, script: Script
) -> None:
    chat = await send(window, store, "Question")
    question = store.path_ids(chat)[0]
    click_link(window.view, "edit", question)
    window.composer.setPlainText("Other question")
    window.composer.submit()
    await wait_for(lambda: _idle(window, store, chat) and "Other question" in shown(window))
    click_link(window.view, "previous", store.path_ids(chat)[0])
    await wait_for(lambda: "Other question" not in shown(window))

    # A second start on the same history file: the window shows the same version.
    again = Store.open(store.path)
    try:
        async with aiohttp.ClientSession() as session:

            async def no_config(info: object) -> dict[str, str]:
                return {}

            factory = ProviderFactory(
                session, no_config, classes={"scripted": scripted_provider(script)}
            )
            controller = ChatController(again, factory, choice=("scripted", "echo-1"))
            second = MainWindow()
            qtbot.addWidget(second)
            second.show()
            Wiring(second, controller, provider="scripted", model="echo-1")
            assert "Question" in shown(second) and "Other question" not in shown(second)
            assert "1/2" in shown(second)
            await controller.shutdown()
    finally:
        again.close()


async def test_regenerating_an_older_reply_keeps_the_later_messages_in_their_branch(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["answer one"]
    chat = await send(window, store, "one")
    script.pieces = ["answer two"]
    await send(window, store, "two")
    older = store.path_ids(chat)[1]
    assert has_link(window.view, "regenerate", older)  # every reply offers it

    script.pieces = ["another answer one"]
    click_link(window.view, "regenerate", older)
    await wait_for(lambda: "another answer one" in shown(window) and _idle(window, store, chat))
    assert script.received[-1] == [{"role": "user", "content": "one"}]
    assert path_texts(store, chat) == ["one", "another answer one"]
    assert "two" not in shown(window).split()
    assert len(store.messages(chat)) == 5  # nothing deleted

    click_link(window.view, "previous", store.path_ids(chat)[1])
    await wait_for(lambda: "answer two" in shown(window))
    assert path_texts(store, chat) == ["one", "answer one", "two", "answer two"]


async def test_continue_appends_to_a_stopped_reply(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["The story begins", " and goes on"]
    script.delay = 0.2
    window.composer.setPlainText("Tell a story")
    window.composer.submit()
    await wait_for(lambda: "The story begins" in shown(window))
    window.stop_button.click()
    chat = store.list_conversations()[0].id
    await wait_for(lambda: _idle(window, store, chat))
    reply = store.path_ids(chat)[1]
    assert store.get_message(reply).status == MessageStatus.STOPPED

    script.pieces, script.delay = [", and ends."], 0.0
    click_link(window.view, "continue", reply)
    await wait_for(lambda: store.get_message(reply).status == MessageStatus.COMPLETE)
    await wait_for(lambda: _idle(window, store, chat))
    assert store.get_message(reply).text == "The story begins, and ends."
    assert script.received[-1][-1] == {"role": "assistant", "content": "The story begins"}
    assert path_texts(store, chat) == ["Tell a story", "The story begins, and ends."]
    assert shown(window).count("The story begins") == 1
    assert not has_link(window.view, "continue", reply)


async def test_new_chat_from_here_copies_the_path(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["A1"]
    chat = await send(window, store, "Q1")
    script.pieces = ["A2"]
    await send(window, store, "Q2")
    first_reply = store.path_ids(chat)[1]
    click_link(window.view, "fork", first_reply)
    await wait_for(lambda: len(store.list_conversations()) == 2)
    fork = next(c for c in store.list_conversations() if c.id != chat)
    await wait_for(lambda: "Q2" not in shown(window).split())
    assert path_texts(store, fork.id) == ["Q1", "A1"]
    assert path_texts(store, chat) == ["Q1", "A1", "Q2", "A2"]


async def test_delete_acts_at_once_and_undo_brings_it_back(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["Reply to keep"]
    chat = await send(window, store, "Doomed question")
    question = store.path_ids(chat)[0]
    click_link(window.view, "delete", question)
    await wait_for(lambda: "Doomed question" not in shown(window))
    assert window.undo_bar is not None and window.undo_bar.isVisible()
    assert path_texts(store, chat) == ["Reply to keep"]
    window.undo_bar.button.click()
    await wait_for(lambda: "Doomed question" in shown(window))
    assert path_texts(store, chat) == ["Doomed question", "Reply to keep"]


async def test_deleting_the_open_chat_opens_the_next_and_the_trash_restores_it(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["first answer"]
    first = await send(window, store, "first chat")
    window.new_chat_requested.emit()
    script.pieces = ["second answer"]
    window.composer.setPlainText("second chat")
    window.composer.submit()
    await wait_for(lambda: len(store.list_conversations()) == 2)
    second = next(c.id for c in store.list_conversations() if c.id != first)
    await wait_for(lambda: _idle(window, store, second))

    window.sidebar.delete_requested.emit(second)
    await wait_for(lambda: "first answer" in shown(window))  # the next chat opened
    assert "second chat" not in shown(window)
    assert [c.id for c in store.list_conversations()] == [first]
    assert window.undo_bar is not None and window.undo_bar.isVisible()

    window.commands.trash_action.trigger()
    dialog = window.trash_dialog
    assert dialog is not None and dialog.isVisible()
    item = dialog.list.topLevelItem(0)
    assert item is not None and "second chat" in item.text(0)
    dialog.list.setCurrentItem(item)
    dialog.restore_button.click()
    await wait_for(lambda: len(store.list_conversations()) == 2)
    await wait_for(lambda: "second answer" in shown(window))
    assert store.trash() == []


async def test_a_search_hit_in_another_branch_opens_that_branch(
    window: MainWindow, store: Store, script: Script
) -> None:
    script.pieces = ["уникальныйответ"]
    chat = await send(window, store, "Question")
    click_link(window.view, "edit", store.path_ids(chat)[0])
    script.pieces = ["ordinary"]
    window.composer.setPlainText("Other")
    window.composer.submit()
    await wait_for(lambda: "ordinary" in shown(window) and _idle(window, store, chat))

    [hit] = store.search("уникальныйответ")
    window.sidebar.hit_selected.emit(hit.conversation_id, hit.message_id)
    await wait_for(lambda: "уникальныйответ" in shown(window))
    assert path_texts(store, chat) == ["Question", "уникальныйответ"]
