"""Issue #22, assistants: presets of a system prompt, provider, model and parameters that
a new chat starts from; the chat keeps a copy. Real window, controller, store and files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gui.assistant_actions import AssistantActions
from gui.controller import ChatController
from gui.core.assistants import AssistantBook, checked
from gui.core.store import Store
from gui.widgets.assistants_dialog import AssistantsDialog
from gui.widgets.main_window import MainWindow

EDITOR = {
    "id": "",
    "name": "Редактор",
    "icon": "✍️",
    "system_prompt": "Ты внимательный русский редактор.",
    "provider": "scripted",
    "model": "echo-2",
    "params": {"temperature": 0.3, "max_tokens": 800},
}


def menu_entries(window: MainWindow) -> list[str]:
    return [action.text() for action in window.commands.assistants_menu.actions()]


def test_a_new_profile_starts_with_assistants_in_its_language(tmp_path: Path) -> None:
    russian = AssistantBook(tmp_path, "ru").load()
    english = AssistantBook(tmp_path, "en").load()
    assert "Переводчик" in [a.name for a in russian]
    assert "Translator" in [a.name for a in english]
    assert all(a.system_prompt for a in russian)


def test_assistants_are_saved_whole_and_read_back(tmp_path: Path) -> None:
    book = AssistantBook(tmp_path)
    made = checked(EDITOR)
    assert made is not None
    book.save([made, made.duplicate("Копия")])
    again = AssistantBook(tmp_path).load()
    assert [a.name for a in again] == ["Редактор", "Копия"]
    assert again[0].params == {"temperature": 0.3, "max_tokens": 800}
    assert again[0].id != again[1].id
    assert [p.name for p in tmp_path.iterdir()] == ["assistants.json"]  # no temporary left
    (tmp_path / "assistants.json").write_text("{broken", encoding="utf-8")
    assert AssistantBook(tmp_path, "en").load()[0].name == "Careful editor"  # shipped ones


def test_odd_values_in_the_file_are_left_out() -> None:
    odd = checked({"name": " X ", "params": {"temperature": 9, "max_tokens": 5.0, "top_p": True}})
    assert odd is not None and odd.name == "X" and odd.params == {"max_tokens": 5}
    assert checked({"name": "  "}) is None


async def test_a_chat_from_an_assistant_keeps_its_copy_when_the_assistant_changes(
    window: MainWindow, controller: ChatController, store: Store, tmp_path: Path
) -> None:
    actions = AssistantActions(window, controller, AssistantBook(tmp_path, "en"))
    actions.save([EDITOR])  # what the dialog's OK says
    assert menu_entries(window) == ["✍️  Редактор"]
    window.commands.assistants_menu.actions()[0].trigger()  # File → New chat with ▸ Редактор
    first = controller.current_id
    assert first is not None
    chat = store.get_conversation(first)
    assert chat.system_prompt == EDITOR["system_prompt"]
    assert (chat.provider, chat.model) == ("scripted", "echo-2")
    assert chat.params == {"temperature": 0.3, "max_tokens": 800}
    assert window.picker.model() == "echo-2"

    window.composer.setPlainText("Проверь текст")  # the chat is not empty: a new one next
    window.composer.submit()
    changed = dict(EDITOR, id=actions.assistants[0].id, system_prompt="Ты строгий редактор.")
    actions.save([changed])
    assert store.get_conversation(first).system_prompt == EDITOR["system_prompt"]  # kept
    second = actions.start_chat(changed["id"])
    assert second is not None and second != first
    assert store.get_conversation(second).system_prompt == "Ты строгий редактор."
    saved = json.loads((tmp_path / "assistants.json").read_text(encoding="utf-8"))
    assert saved["assistants"][0]["system_prompt"] == "Ты строгий редактор."


def test_the_dialog_makes_duplicates_reorders_and_deletes(qtbot: Any) -> None:
    dialog = AssistantsDialog([EDITOR], [("scripted", "Scripted")])
    qtbot.addWidget(dialog)
    said: list[list[dict[str, Any]]] = []
    dialog.saved.connect(said.append)
    dialog.add()
    dialog.name.setText("Summarizer")
    dialog.name.textEdited.emit("Summarizer")
    dialog.prompt.setPlainText("Summarize in three points.")
    dialog.temperature.setValue(0.5)
    dialog.move_current(-1)  # above the editor
    dialog.list.setCurrentRow(1)
    dialog.duplicate()
    assert dialog.list.item(2).text() == "✍️ Редактор (copy)"
    dialog.delete()
    dialog.buttons.accepted.emit()
    (items,) = said
    assert [item["name"] for item in items] == ["Summarizer", "Редактор"]
    assert items[0]["system_prompt"] == "Summarize in three points."
    assert items[0]["params"] == {"temperature": 0.5}
    assert items[1]["provider"] == "scripted"
