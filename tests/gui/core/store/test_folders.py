"""#22: folders for chats. A chat is in one folder or none; deleting a folder keeps its
chats; a search can keep to one folder; a history from before folders opens with every
chat at the top level; a full backup carries the folders and a second restore adds none."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gui.core.backup import restore_extras, write_backup
from gui.core.imports import import_path
from gui.core.store import Store
from gui.core.store.schema import MIGRATIONS


def _chat(store: Store, title: str, text: str) -> int:
    chat = store.create_conversation(title=title)
    store.add_message(chat.id, "user", text)
    return chat.id


def test_folders_hold_chats_and_deleting_one_keeps_them(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path) as store:
        work = store.create_folder("  Работа  ")
        home = store.create_folder("Дом")
        first, second = _chat(store, "План", "борщ"), _chat(store, "Рецепт", "щи")
        store.move_to_folder(first, work.id)
        store.move_to_folder(second, work.id)
        store.move_to_folder(second, home.id)  # a chat is in one folder at a time
        store.rename_folder(home.id, "Кухня")
        store.set_folder_collapsed(work.id, True)
        with pytest.raises(ValueError, match="needs a name"):
            store.create_folder("   ")
        with pytest.raises(KeyError):
            store.move_to_folder(first, 999)
    with Store.open(path) as store:  # all of it kept
        folders = store.list_folders()
        assert [(f.name, f.chats, f.collapsed) for f in folders] == [
            ("Работа", 1, True),
            ("Кухня", 1, False),
        ]
        assert store.get_conversation(first).folder_id == folders[0].id
        store.delete_folder(folders[0].id)
        assert [f.name for f in store.list_folders()] == ["Кухня"]
        assert store.get_conversation(first).folder_id is None  # back at the top level
        assert len(store.list_conversations()) == 2  # no chat went with it
        store.delete_conversation(second)  # the Trash keeps its folder
        assert store.list_folders()[0].chats == 0
        store.restore_conversation(second)
        assert store.list_folders()[0].chats == 1


def test_a_search_can_keep_to_one_folder(tmp_path: Path) -> None:
    with Store.open(tmp_path / "history.sqlite3") as store:
        inside = _chat(store, "В папке", "рецепт борща со сметаной")
        outside = _chat(store, "Снаружи", "борщ без сметаны")
        folder = store.create_folder("Кухня")
        store.move_to_folder(inside, folder.id)
        assert {hit.conversation_id for hit in store.search("борщ")} == {inside, outside}
        assert [hit.conversation_id for hit in store.search("борщ", folder=folder.id)] == [inside]
        empty = store.create_folder("Пусто")
        assert store.search("борщ", folder=empty.id) == []


def test_a_history_from_before_folders_opens_with_every_chat_at_the_top(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:8]:
        migration(conn)
    conn.execute("PRAGMA user_version = 8")
    conn.execute(
        "INSERT INTO conversations (title, created_at, updated_at) VALUES ('Старый', 1, 1)"
    )
    conn.close()
    with Store.open(path) as store:
        (old,) = store.list_conversations()
        assert old.title == "Старый" and old.folder_id is None
        assert store.list_folders() == []
        folder = store.create_folder("Новая")
        store.move_to_folder(old.id, folder.id)
        assert store.folder_of(old.id) == folder.id


def test_a_backup_restores_its_folders_once(tmp_path: Path) -> None:
    """Backup → a fresh profile → restore: the folders and who is in them come back; a
    second restore (and a restore into the profile it came from) adds no folder."""
    config = tmp_path / "config"
    config.mkdir()
    backup = tmp_path / "backup.zip"
    with Store.open(tmp_path / "history.sqlite3") as store:
        work = store.create_folder("Работа")
        store.create_folder("Пустая")
        planned = _chat(store, "План", "квартальный план")
        _chat(store, "Вне папок", "просто так")
        store.move_to_folder(planned, work.id)
        store.set_folder_collapsed(work.id, True)
        write_backup(store, config, backup)
        restore_extras(backup, config, store)  # into the profile it came from
        assert [f.name for f in store.list_folders()] == ["Работа", "Пустая"]

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    with Store.open(fresh / "history.sqlite3") as other:
        for round_ in (1, 2):
            import_path(other, backup)
            taken = restore_extras(backup, fresh, other)
            assert taken["folders"] == (2 if round_ == 1 else 0)
            folders = other.list_folders()
            assert [(f.name, f.chats, f.collapsed) for f in folders] == [
                ("Работа", 1, True),
                ("Пустая", 0, False),
            ]
            assert len(other.list_conversations()) == 2
            by_title = {c.title: c.folder_id for c in other.list_conversations()}
            assert by_title == {"План": folders[0].id, "Вне папок": None}


def test_a_library_export_carries_each_chats_folder(tmp_path: Path) -> None:
    """`besedka export --all` names each chat's folder; importing the library puts the
    chats in folders of those names (made when missing), once."""
    from gui.core.imports import export_library

    library = tmp_path / "library.json"
    with Store.open(tmp_path / "history.sqlite3") as store:
        inside = _chat(store, "В папке", "текст")
        _chat(store, "Снаружи", "другой текст")
        store.move_to_folder(inside, store.create_folder("Работа").id)
        export_library(store, library)
    with Store.open(tmp_path / "other.sqlite3") as other:
        other.create_folder("Работа")  # already here: used, not doubled
        for _round in range(2):
            import_path(other, library)
            assert [(f.name, f.chats) for f in other.list_folders()] == [("Работа", 1)]
        by_title = {c.title: c.folder_id for c in other.list_conversations()}
        assert by_title == {"В папке": other.list_folders()[0].id, "Снаружи": None}
