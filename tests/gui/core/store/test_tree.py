"""Conversations as trees in the store: versions, the active path, deleting with Undo, forks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui.core.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "history.sqlite3") as opened:
        yield opened


def shown(store: Store, conversation_id: int) -> list[str]:
    return [m.text for m in store.messages_by_id(store.path_ids(conversation_id))]


def test_messages_follow_the_end_of_the_path(store: Store) -> None:
    chat = store.create_conversation()
    question = store.add_message(chat.id, "user", "Вопрос")
    reply = store.add_message(chat.id, "assistant", "Ответ")
    assert reply.parent_id == question.id
    assert store.leaf(chat.id) == reply.id
    assert store.turns(chat.id) == [("user", "Вопрос"), ("assistant", "Ответ")]


def test_an_edit_and_a_regeneration_are_versions_and_delete_nothing(store: Store) -> None:
    chat = store.create_conversation()
    first = store.add_message(chat.id, "user", "Сколько будет 2+2?")
    store.add_message(chat.id, "assistant", "4")
    again = store.add_message(chat.id, "assistant", "Четыре", parent_id=first.id)
    assert shown(store, chat.id) == ["Сколько будет 2+2?", "Четыре"]
    edited = store.add_message(chat.id, "user", "Сколько будет 3+3?", parent_id=None)
    store.add_message(chat.id, "assistant", "6")
    assert shown(store, chat.id) == ["Сколько будет 3+3?", "6"]
    assert len(store.messages(chat.id)) == 5  # everything is still there

    top = store.messages_by_id([edited.id])[0]
    assert (top.version, top.versions) == (2, 2)
    assert store.switch_version(edited.id, -1) == first.id
    assert shown(store, chat.id) == ["Сколько будет 2+2?", "Четыре"]  # its newest reply
    [reply] = store.messages_by_id([again.id])
    assert (reply.version, reply.versions) == (2, 2)
    assert store.switch_version(again.id, +1) is None  # already the last version
    assert store.switch_version(first.id, -1) is None


def test_the_active_path_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path) as store:
        chat = store.create_conversation()
        first = store.add_message(chat.id, "user", "A")
        store.add_message(chat.id, "assistant", "A1")
        store.add_message(chat.id, "user", "B", parent_id=None)
        store.switch_version(first.id, 0)  # no move: still B
        store.switch_version(store.siblings(first.id)[1], -1)
    with Store.open(path) as store:
        assert shown(store, chat.id) == ["A", "A1"]


def test_deleting_a_message_keeps_the_rest_of_the_path_and_undo_restores_it(
    store: Store,
) -> None:
    chat = store.create_conversation()
    store.add_message(chat.id, "user", "Один")
    middle = store.add_message(chat.id, "assistant", "Два")
    store.add_message(chat.id, "user", "Три")
    deletion = store.delete_message(middle.id)
    assert shown(store, chat.id) == ["Один", "Три"]
    assert store.search("Два") == []
    store.undo_deletion(deletion)
    assert shown(store, chat.id) == ["Один", "Два", "Три"]
    assert [h.message_id for h in store.search("Два")] == [middle.id]
    with pytest.raises(KeyError):
        store.delete_message(10_000)


def test_deleting_a_branch_shows_another_version_and_undo_brings_it_back(store: Store) -> None:
    chat = store.create_conversation()
    question = store.add_message(chat.id, "user", "Вопрос")
    store.add_message(chat.id, "assistant", "Первый ответ")
    second = store.add_message(chat.id, "assistant", "Второй ответ", parent_id=question.id)
    store.add_message(chat.id, "user", "Продолжение")
    deletion = store.delete_branch(second.id)
    assert shown(store, chat.id) == ["Вопрос", "Первый ответ"]
    assert store.messages_by_id([question.id])[0].versions == 1
    store.undo_deletion(deletion)
    assert shown(store, chat.id) == ["Вопрос", "Второй ответ", "Продолжение"]


def test_deleted_messages_are_removed_for_good_at_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path) as store:
        chat = store.create_conversation()
        doomed = store.add_message(chat.id, "user", "Удалить")
        store.add_message(chat.id, "assistant", "Оставить")
        store.delete_message(doomed.id)
    with Store.open(path) as store:
        with pytest.raises(KeyError):
            store.get_message(doomed.id)
        assert shown(store, chat.id) == ["Оставить"]


def test_a_fork_copies_the_path_up_to_a_message(store: Store) -> None:
    chat = store.create_conversation(title="Исходный", provider="gigachat", model="GigaChat")
    store.update_conversation(chat.id, system_prompt="Кратко.", params={"temperature": 0.2})
    store.add_message(chat.id, "user", "Один")
    two = store.add_message(chat.id, "assistant", "Два")
    store.add_message(chat.id, "user", "Три")
    fork = store.fork(two.id)
    assert fork.id != chat.id
    assert (fork.title, fork.provider, fork.model) == ("Исходный", "gigachat", "GigaChat")
    assert (fork.system_prompt, fork.params) == ("Кратко.", {"temperature": 0.2})
    assert shown(store, fork.id) == ["Один", "Два"]
    assert shown(store, chat.id) == ["Один", "Два", "Три"]


def test_show_branch_opens_the_path_through_a_message(store: Store) -> None:
    chat = store.create_conversation()
    old = store.add_message(chat.id, "user", "Старый вопрос")
    store.add_message(chat.id, "user", "Новый вопрос", parent_id=None)
    assert store.show_branch(old.id)
    assert shown(store, chat.id) == ["Старый вопрос"]
    assert not store.show_branch(old.id)


def test_the_kept_history_follows_saves_and_other_writers(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path) as store:
        chat = store.create_conversation()
        store.add_message(chat.id, "user", "Вопрос")
        reply = store.add_message(chat.id, "assistant", "")
        assert store.turns(chat.id) == [("user", "Вопрос"), ("assistant", "")]
        store.update_message(reply.id, text="Ответ")
        assert store.turns(chat.id) == [("user", "Вопрос"), ("assistant", "Ответ")]
        store.add_message(chat.id, "user", "Ещё")
        assert store.turns(chat.id)[-1] == ("user", "Ещё")
        other = sqlite3.connect(path)  # another process, say `besedka ask`
        with other:
            other.execute("UPDATE messages SET text = 'Изменён' WHERE id = ?", (reply.id,))
        other.close()
        assert store.turns(chat.id)[1] == ("assistant", "Изменён")
        deletion = store.delete_message(reply.id)
        assert store.turns(chat.id) == [("user", "Вопрос"), ("user", "Ещё")]
        store.undo_deletion(deletion)
        assert len(store.turns(chat.id)) == 3
