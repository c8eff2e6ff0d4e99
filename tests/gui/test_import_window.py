"""File → Import in the real window: a ChatGPT export opens on the branch the person saw
last, the status line counts what came in, and Cancel leaves the history as it was."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from gui.controller import ChatController
from gui.core.store import Store
from gui.history_actions import HistoryActions
from gui.widgets.main_window import MainWindow
from tests.gui.conftest import wait_for
from tests.gui.core.exports import branched_chat, chatbox_export, simple_chat, write_chatgpt


def _actions(controller: ChatController) -> HistoryActions:
    found = controller.findChild(HistoryActions)
    assert isinstance(found, HistoryActions)
    return found


async def test_a_chatgpt_export_imports_from_the_file_menu_and_opens(
    window: MainWindow, controller: ChatController, store: Store, tmp_path: Path
) -> None:
    export = write_chatgpt(tmp_path / "conversations.json", [branched_chat()])
    window.import_requested.emit(str(export))
    await wait_for(lambda: window.status_label.text().startswith("Imported from"))
    status = window.status_label.text()
    assert "conversations.json: 1 chat" in status and "6 message" in status
    assert "left out 3 system, tool or non-text message" in status and "1 image" in status
    (conversation,) = store.list_conversations()
    assert controller.current_id == conversation.id
    shown = window.view.toPlainText()
    assert "Колобок повесился." in shown and "Расскажи анекдот" in shown
    assert "Покажи картинку" not in shown  # the other branch is a version, not shown

    chatbox = tmp_path / "chatbox.json"
    chatbox.write_text(json.dumps(chatbox_export(), ensure_ascii=False), encoding="utf-8")
    message = await _actions(controller).import_chat(str(chatbox))
    # English plural forms, or the source's "(s)" when no translator is loaded
    assert re.match(r"Imported from chatbox.json: 2 chat(s|\(s\)), 5 message(s|\(s\))", message)
    again = await _actions(controller).import_chat(str(export))
    plural = r"(s|\(s\))"
    assert re.match(rf"Imported from conversations.json: 0 chat{plural}, 0 message{plural}", again)
    assert re.search(r"; 1 chat(\(s\) were| was) already here", again)
    assert len(store.list_conversations()) == 3

    foreign = tmp_path / "foreign.json"
    foreign.write_text("[1, 2]", encoding="utf-8")
    refused = await _actions(controller).import_chat(str(foreign))
    assert refused == f"Cannot import {foreign}: this is not a Besedka, ChatGPT or Chatbox export"


async def test_cancelling_a_running_import_leaves_the_history_unchanged(
    window: MainWindow, controller: ChatController, store: Store, tmp_path: Path, qtbot: Any
) -> None:
    window.composer.setPlainText("Мой вопрос")
    window.composer.submit()
    await wait_for(lambda: not window.stop_button.isEnabled() and bool(store.list_conversations()))
    before = [(c.id, c.title) for c in store.list_conversations()]
    export = write_chatgpt(
        tmp_path / "conversations.json", [simple_chat(f"c{n}", 40) for n in range(400)]
    )
    actions = _actions(controller)
    window.import_requested.emit(str(export))
    await wait_for(lambda: actions.progress is not None and actions.progress.isVisible())
    progress = actions.progress
    assert progress is not None
    # Some batches are in the history already when the person cancels.
    await wait_for(lambda: len(store.list_conversations()) > len(before), timeout=20)
    progress.cancel_button.click()
    await wait_for(lambda: "cancelled" in window.status_label.text(), timeout=30)
    assert window.status_label.text() == "Import cancelled: nothing was added"
    assert [(c.id, c.title) for c in store.list_conversations()] == before
    assert actions.progress is None
    assert not any(w.isVisible() for w in window.findChildren(type(progress)))


async def test_quitting_during_an_import_waits_for_it_to_take_its_writes_back(
    window: MainWindow, controller: ChatController, store: Store, tmp_path: Path
) -> None:
    export = write_chatgpt(
        tmp_path / "conversations.json", [simple_chat(f"c{n}", 40) for n in range(400)]
    )
    actions = _actions(controller)
    actions.import_later(str(export))
    await wait_for(lambda: bool(store.list_conversations()), timeout=20)
    await actions.finish_imports()  # what shutdown calls before the store closes
    assert store.list_conversations() == []
    assert window.status_label.text() == "Import cancelled: nothing was added"


async def test_file_back_up_writes_every_chat_and_file_import_restores_it(
    window: MainWindow, controller: ChatController, store: Store, tmp_path: Path
) -> None:
    """#22: File → Back up everything… writes the .zip off the GUI thread; File → Import
    of it into another history brings the chats back (and only once)."""
    from gui.core.backup import manifest_of
    from gui.wiring import Wiring

    wiring = window.findChildren(Wiring)[0]
    wiring.history.config_dir = tmp_path / "config"
    export = write_chatgpt(tmp_path / "conversations.json", [branched_chat()])
    window.import_requested.emit(str(export))
    await wait_for(lambda: window.status_label.text().startswith("Imported from"))
    target = tmp_path / "backup.zip"
    window.backup_requested.emit(str(target))
    await wait_for(lambda: window.status_label.text().startswith("Backed up"))
    assert re.fullmatch(
        rf"Backed up 1 chat(\(s\))? to {re.escape(str(target))}", window.status_label.text()
    )
    manifest = manifest_of(target)
    assert manifest is not None and manifest["conversations"] == 1

    other = Store.open(tmp_path / "other.sqlite3")
    try:
        from gui.core.imports import import_path

        assert import_path(other, target).conversations == 1
        assert import_path(other, target).conversations == 0  # no duplicates
        (chat,) = other.list_conversations()
        assert len(other.messages(chat.id)) == len(store.messages(store.list_conversations()[0].id))
    finally:
        other.close()
