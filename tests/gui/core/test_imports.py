"""Importing other clients' exports into a real history: the trees, the texts, the path
shown, what was left out, no duplicates, and nothing left behind by a cancel or a fault."""

from __future__ import annotations

import json
import threading
import zipfile
from pathlib import Path

import pytest

from gui.core.imports import ImportRefused, Report, detect, export_library, import_path, writer
from gui.core.store import Store, StoreError
from tests.gui.core.exports import (
    T0,
    branched_chat,
    chatbox_export,
    node,
    simple_chat,
    write_chatgpt,
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "history.sqlite3")
    yield opened  # type: ignore[misc]
    opened.close()


def _texts(store: Store, conversation_id: int) -> list[str]:
    return [m.text for m in store.messages_by_id(store.path_ids(conversation_id))]


def _everything(store: Store) -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (c.title, [(m.role, m.text) for m in store.messages(c.id)])
        for c in store.list_conversations()
    ]


def test_a_chatgpt_export_with_branches_becomes_a_tree_with_the_current_branch_shown(
    store: Store, tmp_path: Path
) -> None:
    export = write_chatgpt(tmp_path / "conversations.json", [branched_chat()])
    report = import_path(store, export)
    assert (report.format, report.conversations, report.messages) == ("chatgpt", 1, 6)
    # The empty hidden system message every chat starts with is no loss: not counted.
    assert dict(report.skipped) == {"tool": 2, "non_text": 1, "non_text_parts": 1}
    (conversation,) = store.list_conversations()
    assert conversation.title == "Ветки"
    assert conversation.created_at == T0
    # The path the person saw last: the second answer, the edited question, its answer.
    assert _texts(store, conversation.id) == [
        "Как дела?",
        "Отлично!",
        "Расскажи анекдот",
        "Колобок повесился.",
    ]
    by_text = {m.text: m for m in store.messages(conversation.id)}
    assert by_text["Хорошо."].parent_id == by_text["Отлично!"].parent_id == by_text["Как дела?"].id
    assert by_text["Покажи картинку"].parent_id == by_text["Отлично!"].id
    assert by_text["Расскажи анекдот"].parent_id == by_text["Отлично!"].id
    assert by_text["Хорошо."].model == "gpt-4o"
    assert by_text["Как дела?"].created_at == T0 + 1
    # Versions are switchable as ones made here.
    shown = store.messages_by_id([by_text["Расскажи анекдот"].id])[0]
    assert (shown.version, shown.versions) == (2, 2)
    assert store.switch_version(by_text["Расскажи анекдот"].id, -1) is not None
    assert _texts(store, conversation.id) == ["Как дела?", "Отлично!", "Покажи картинку"]


def test_a_second_import_of_the_same_export_adds_nothing(store: Store, tmp_path: Path) -> None:
    export = write_chatgpt(tmp_path / "conversations.json", [branched_chat(), simple_chat("c2", 3)])
    first = import_path(store, export)
    before = _everything(store)
    again = import_path(store, export)
    assert (first.conversations, again.conversations, again.duplicates) == (2, 0, 2)
    assert _everything(store) == before
    # A chat deleted for good is imported anew.
    store.delete_conversation(first.ids[0])
    assert import_path(store, export).duplicates == 2  # in the Trash: still here
    store.purge_deleted()
    assert import_path(store, export).conversations == 1


def test_the_export_zip_is_read_like_its_conversations_json(store: Store, tmp_path: Path) -> None:
    archive = tmp_path / "chatgpt-export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("chat.html", "<html></html>")
        zipped.writestr("conversations.json", json.dumps([simple_chat("z", 2)]))
    assert detect(archive) == "chatgpt"
    report = import_path(store, archive)
    assert (report.conversations, report.messages) == (1, 4)
    empty = tmp_path / "other.zip"
    with zipfile.ZipFile(empty, "w") as zipped:
        zipped.writestr("notes.txt", "nothing")
    with pytest.raises(ImportRefused) as refused:
        import_path(store, empty)
    assert refused.value.reason == "no_conversations_json"


def test_a_chatbox_export_imports_sessions_forks_threads_and_no_settings(
    store: Store, tmp_path: Path
) -> None:
    export = tmp_path / "chatbox-exported-data-2024-5-1.json"
    export.write_text(json.dumps(chatbox_export(), ensure_ascii=False), encoding="utf-8")
    assert detect(export) == "chatbox"
    report = import_path(store, export)
    assert (report.format, report.conversations, report.messages) == ("chatbox", 2, 5)
    assert dict(report.skipped) == {"non_text_parts": 1, "empty": 1}
    chats = {c.title: c for c in store.list_conversations()}
    assert set(chats) == {"Рецепты", "Рецепты — Раньше"}
    recipes = chats["Рецепты"]
    assert recipes.system_prompt == "Ты повар."
    assert _texts(store, recipes.id) == ["Как сварить борщ?", "Свёкла, капуста…"]
    answers = [m for m in store.messages(recipes.id) if m.role == "assistant"]
    assert {m.text for m in answers} == {"Первый ответ", "Свёкла, капуста…"}
    assert len({m.parent_id for m in answers}) == 1  # versions of one answer
    shown = next(m for m in answers if m.text == "Свёкла, капуста…")
    assert (shown.reasoning, shown.model) == ("Подумаем.", "deepseek-chat")
    assert _texts(store, chats["Рецепты — Раньше"].id) == ["Старый вопрос", "Старый ответ"]
    assert "sk-secret" not in (tmp_path / "history.sqlite3").read_bytes().decode("latin-1")
    assert import_path(store, export).duplicates == 2


def test_the_format_is_found_from_the_content(store: Store, tmp_path: Path) -> None:
    chat = store.create_conversation(title="своя")
    store.add_message(chat.id, "user", "вопрос")
    own = tmp_path / "own.txt"
    own.write_text(store.export_json(chat.id), encoding="utf-8")
    chatgpt = write_chatgpt(tmp_path / "renamed.dat", [simple_chat("a", 1)])
    assert (detect(own), detect(chatgpt)) == ("besedka", "chatgpt")
    assert import_path(store, own).first_title == "своя"  # a chat file: a copy each time
    assert import_path(store, own).conversations == 1
    for name, text in {
        "list.json": "[1, 2, 3]",
        "object.json": '{"something": "else"}',
        "future.json": '{"format": "besedka-backup-9"}',
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(ImportRefused) as refused:
            import_path(store, tmp_path / name)
        assert refused.value.reason == "unknown_format"
    (tmp_path / "cut.json").write_text(json.dumps([simple_chat("a", 1)])[:-20], encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        import_path(store, tmp_path / "cut.json")
    assert refused.value.reason == "not_json"


def test_dates_and_text_are_checked_as_a_chat_file_is(store: Store, tmp_path: Path) -> None:
    chat = simple_chat("odd", 1)
    chat["title"] = "a\ud800b"
    chat["create_time"] = 1e300
    first = chat["mapping"]["odd-m0"]["message"]
    first["content"]["parts"] = ["x\ud83d\ude00y\udc00"]
    first["create_time"] = float("inf")
    text = json.dumps([chat])
    export = tmp_path / "conversations.json"
    export.write_text(text, encoding="ascii")
    import_path(store, export)
    (conversation,) = store.list_conversations()
    assert conversation.title == "a\ufffdb"
    assert 0 < conversation.created_at < 253_402_300_799
    assert _texts(store, conversation.id)[0] == "x😀y\ufffd"
    assert "unknown date" not in store.export_markdown(conversation.id)


def test_a_file_broken_half_way_adds_nothing(store: Store, tmp_path: Path) -> None:
    store.create_conversation(title="было")
    good = [simple_chat(f"c{n}", 20) for n in range(60)]  # several batches committed
    text = json.dumps(good)[:-1] + ', {"mapping": {"x": ]'
    export = tmp_path / "conversations.json"
    export.write_text(text, encoding="utf-8")
    before = _everything(store)
    with pytest.raises(StoreError):
        import_path(store, export)
    assert _everything(store) == before
    assert import_path(store, write_chatgpt(export, good)).conversations == 60


def test_cancelling_takes_back_what_was_written(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "PROGRESS_EVERY_S", 0.0)  # told after every chat
    store.create_conversation(title="было")
    export = write_chatgpt(
        tmp_path / "conversations.json", [simple_chat(f"c{n}", 20) for n in range(100)]
    )
    before = _everything(store)
    cancel = threading.Event()
    seen: list[int] = []

    def progress(report: Report) -> None:
        seen.append(report.conversations)
        if report.conversations >= 30:  # batches are in the history by now
            cancel.set()

    report = import_path(store, export, cancel=cancel, progress=progress)
    assert report.cancelled and report.conversations == 0
    assert max(seen) >= 30
    assert _everything(store) == before
    assert import_path(store, export).conversations == 100  # and no key was left behind


def test_a_library_round_trip_keeps_trees_and_adds_no_duplicates(
    store: Store, tmp_path: Path
) -> None:
    import_path(store, write_chatgpt(tmp_path / "conversations.json", [branched_chat()]))
    made = store.create_conversation(title="здесь")
    question = store.add_message(made.id, "user", "вопрос")
    store.add_message(made.id, "assistant", "ответ", parent_id=question.id)
    library = tmp_path / "library.json"
    written = export_library(store, library)
    assert (written.conversations, written.messages) == (2, 8)
    assert import_path(store, library).duplicates == 2  # into the profile it came from

    other = Store.open(tmp_path / "other.sqlite3")
    try:
        assert import_path(other, library).conversations == 2
        assert import_path(other, library).duplicates == 2
        assert sorted(_everything(other)) == sorted(_everything(store))
        imported = {c.title: c.id for c in other.list_conversations()}
        shown = ["Как дела?", "Отлично!", "Расскажи анекдот", "Колобок повесился."]
        assert _texts(other, imported["Ветки"]) == shown
        assert _texts(other, imported["здесь"]) == ["вопрос", "ответ"]
        # Exported again from the copy, it is still the same library.
        again = tmp_path / "again.json"
        export_library(other, again)
        assert import_path(store, again).duplicates == 2
    finally:
        other.close()


def test_a_reasoning_models_thoughts_become_the_replys_thinking(
    store: Store, tmp_path: Path
) -> None:
    chat = simple_chat("think", 1)
    question, answer = "think-m0", "think-m1"
    thoughts = node("thoughts", question, ["recap"], "assistant", kind="thoughts")
    thoughts["message"]["content"] = {
        "content_type": "thoughts",
        "thoughts": [{"summary": "Считаю", "content": "Два и два: четыре."}],
    }
    recap = node("recap", "thoughts", [answer], "assistant", kind="reasoning_recap")
    chat["mapping"].update(thoughts=thoughts, recap=recap)
    chat["mapping"][question]["children"] = ["thoughts"]
    chat["mapping"][answer]["parent"] = "recap"
    report = import_path(store, write_chatgpt(tmp_path / "conversations.json", [chat]))
    assert (report.messages, dict(report.skipped)) == (2, {})
    (conversation,) = store.list_conversations()
    reply = store.messages(conversation.id)[1]
    assert reply.reasoning == "Считаю\n\nДва и два: четыре."
    assert reply.parent_id == store.messages(conversation.id)[0].id


def test_ctrl_c_during_an_import_takes_back_what_was_written(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "PROGRESS_EVERY_S", 0.0)
    export = write_chatgpt(
        tmp_path / "conversations.json", [simple_chat(f"c{n}", 20) for n in range(60)]
    )

    def interrupt(report: Report) -> None:
        if report.conversations >= 20:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_path(store, export, progress=interrupt)
    assert store.list_conversations() == []


def test_a_damaged_zip_is_refused_and_adds_nothing(store: Store, tmp_path: Path) -> None:
    """A ChatGPT .zip whose member breaks while read: refused with a reason, not a crash
    (the window's status line said "Importing…" for ever before)."""
    good = [simple_chat(f"c{n}", 20) for n in range(40)]
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("conversations.json", json.dumps(good, ensure_ascii=False))
    data = bytearray(archive.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)  # bytes of the compressed member overwritten
    archive.write_bytes(bytes(data))
    before = _everything(store)
    with pytest.raises(ImportRefused) as refused:
        import_path(store, archive)
    assert refused.value.reason in ("damaged", "not_json", "invalid")
    assert _everything(store) == before
