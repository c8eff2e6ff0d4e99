"""Conversations and messages as the window uses them: titles, pins, deletes, errors, paging."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gui.core.store import MessageStatus, Store, StoreError, title_from_text
from gui.values import ErrorInfo


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "data" / "history.sqlite3") as opened:
        yield opened


def test_open_creates_the_folder_and_a_wal_database(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "history.sqlite3"
    with Store.open(path) as store:
        assert store.path == path
        assert store.interrupted_on_open == 0
        assert store.list_conversations() == []
    assert path.read_bytes()[18:20] == b"\x02\x02"  # the header's WAL flags


def test_conversation_fields_round_trip(store: Store) -> None:
    created = store.create_conversation(
        title="  План  ",
        provider="gigachat",
        model="GigaChat-Pro",
        system_prompt="Отвечай кратко.",
        params={"temperature": 0.3, "max_tokens": 512},
    )
    assert created.title == "План"
    assert store.get_conversation(created.id) == created
    assert created.params == {"max_tokens": 512, "temperature": 0.3}
    assert isinstance(created.params["max_tokens"], int)
    assert not created.pinned

    updated = store.update_conversation(
        created.id, title="Новый план", model="GigaChat-Max", params={}, pinned=True
    )
    assert (updated.title, updated.model, updated.params, updated.pinned) == (
        "Новый план",
        "GigaChat-Max",
        {},
        True,
    )
    assert updated.provider == "gigachat"
    assert updated.system_prompt == "Отвечай кратко."
    assert store.get_conversation(created.id) == updated


def test_params_must_be_numbers_so_no_secret_can_hide_there(store: Store) -> None:
    with pytest.raises(ValueError, match="api_key"):
        store.create_conversation(params={"api_key": "sk-secret"})  # type: ignore[dict-item]
    conversation = store.create_conversation()
    with pytest.raises(ValueError, match="temperature"):
        store.update_conversation(conversation.id, params={"temperature": float("nan")})


def test_missing_conversations_raise_key_error(store: Store) -> None:
    with pytest.raises(KeyError):
        store.get_conversation(404)
    with pytest.raises(KeyError):
        store.update_conversation(404, title="x")
    with pytest.raises(KeyError):
        store.add_message(404, "user", "hello")
    with pytest.raises(KeyError):
        store.delete_conversation(404)


def test_list_shows_pinned_first_then_the_most_recently_active(store: Store) -> None:
    old = store.create_conversation(title="old")
    middle = store.create_conversation(title="middle")
    new = store.create_conversation(title="new")
    store.add_message(middle.id, "user", "bump")  # now the most recently active
    assert [c.title for c in store.list_conversations()] == ["middle", "new", "old"]

    store.update_conversation(old.id, pinned=True)
    assert [c.title for c in store.list_conversations()] == ["old", "middle", "new"]
    store.update_conversation(new.id, pinned=True)
    store.add_message(old.id, "user", "bump again")
    assert [c.title for c in store.list_conversations()] == ["old", "new", "middle"]
    store.update_conversation(old.id, pinned=False)
    assert [c.title for c in store.list_conversations()] == ["new", "old", "middle"]


def test_first_user_message_titles_an_untitled_conversation(store: Store) -> None:
    conversation = store.create_conversation()
    store.add_message(conversation.id, "system", "You are helpful.")
    assert store.get_conversation(conversation.id).title == ""

    question = (
        "\n  # Как настроить GigaChat в приложении Беседка на Linux и не потерять "
        "историю переписки?\nПодробности ниже."
    )
    store.add_message(conversation.id, "user", question)
    title = store.get_conversation(conversation.id).title
    assert title == "Как настроить GigaChat в приложении Беседка на Linux и не…"

    store.add_message(conversation.id, "user", "Второй вопрос")
    assert store.get_conversation(conversation.id).title == title

    named = store.create_conversation(title="Своё имя")
    store.add_message(named.id, "user", "Вопрос")
    assert store.get_conversation(named.id).title == "Своё имя"

    store.update_conversation(conversation.id, title="Переименовано")
    assert store.get_conversation(conversation.id).title == "Переименовано"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Hello there", "Hello there"),
        ("   \n\n  first   line  \nsecond", "first line"),
        ("", ""),
        ("\n \n", ""),
        ("> quoted question", "quoted question"),
        ("x" * 100, "x" * 60 + "…"),
        ("word " * 30, ("word " * 12).strip() + "…"),
    ],
)
def test_title_from_text(text: str, title: str) -> None:
    assert title_from_text(text) == title
    assert len(title_from_text(text)) <= 61


def test_add_and_update_messages(store: Store) -> None:
    conversation = store.create_conversation()
    question = store.add_message(conversation.id, "user", "Сколько будет 2+2?")
    reply = store.add_message(
        conversation.id,
        "assistant",
        "",
        status=MessageStatus.STREAMING,
        provider="gigachat",
        model="GigaChat",
        parent_id=question.id,
    )
    assert store.get_message(reply.id) == reply

    store.update_message(reply.id, text="Четыре")
    store.update_message(
        reply.id,
        text="Четыре.",
        status=MessageStatus.COMPLETE,
        usage={"prompt_tokens": 12, "completion_tokens": 3},
    )
    saved = store.get_message(reply.id)
    assert saved.text == "Четыре."
    assert saved.status is MessageStatus.COMPLETE
    assert saved.usage == {"completion_tokens": 3, "prompt_tokens": 12}
    assert (saved.provider, saved.model, saved.parent_id) == ("gigachat", "GigaChat", question.id)

    assert saved.error is None
    assert store.count_messages(conversation.id) == 2


def test_an_error_is_saved_as_data_until_cleared(store: Store) -> None:
    conversation = store.create_conversation()
    limited = ErrorInfo(
        kind="rate_limit",
        reason="too_many_requests",
        provider="GigaChat",
        status=429,
        detail="Слишком много запросов",
        params={"retry_after": 7},
    )
    reply = store.add_message(
        conversation.id, "assistant", "Четы", status=MessageStatus.STREAMING, provider="gigachat"
    )
    store.update_message(reply.id, status=MessageStatus.FAILED, error=limited)
    failed = store.get_message(reply.id)
    assert (failed.status, failed.error, failed.text) == (MessageStatus.FAILED, limited, "Четы")
    assert failed.provider == "gigachat"  # the internal name; exports show the label

    store.update_message(reply.id, text="Четыре")  # an update without `error` keeps it
    assert store.get_message(reply.id).error == limited
    store.update_message(reply.id, status=MessageStatus.COMPLETE, error=None)
    assert store.get_message(reply.id).error is None

    cut = ErrorInfo(kind="protocol", provider="GPTalk", detail="the stream ended early")
    added = store.add_message(conversation.id, "assistant", "Пол", error=cut)
    assert added.error == cut
    assert [m.error for m in store.messages(conversation.id)] == [None, cut]


def test_message_errors(store: Store) -> None:
    conversation = store.create_conversation()
    other = store.create_conversation()
    foreign = store.add_message(other.id, "user", "elsewhere")
    with pytest.raises(ValueError, match="role"):
        store.add_message(conversation.id, "tool", "x")
    with pytest.raises(ValueError, match="not in conversation"):
        store.add_message(conversation.id, "assistant", "x", parent_id=foreign.id)
    with pytest.raises(KeyError):
        store.update_message(404, text="x")
    with pytest.raises(KeyError):
        store.get_message(404)
    with pytest.raises(KeyError):
        store.delete_message(404)
    assert store.count_messages(conversation.id) == 0


def test_deleting_a_message_keeps_its_replies(store: Store) -> None:
    conversation = store.create_conversation()
    question = store.add_message(conversation.id, "user", "q")
    answer = store.add_message(conversation.id, "assistant", "a", parent_id=question.id)
    store.delete_message(question.id)
    assert [m.id for m in store.messages(conversation.id)] == [answer.id]
    assert store.get_message(answer.id).parent_id is None


def test_lazy_paging_newest_first_without_gaps_or_repeats(store: Store) -> None:
    conversation = store.create_conversation()
    other = store.create_conversation()
    ids = []
    for n in range(23):
        ids.append(store.add_message(conversation.id, "user", f"message {n}").id)
        store.add_message(other.id, "user", f"noise {n}")  # interleaved ids from another chat

    assert [m.id for m in store.messages(conversation.id)] == ids
    first = store.messages(conversation.id, limit=5)
    assert [m.id for m in first] == ids[-5:]

    pages = [first]
    while True:
        page = store.messages(conversation.id, limit=5, before_id=pages[-1][0].id)
        if not page:
            break
        assert [m.id for m in page] == sorted(m.id for m in page)
        pages.append(page)
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    loaded = [m.id for page in reversed(pages) for m in page]
    assert loaded == ids

    # Below a search hit: the page ending at the hit, then newer messages after it.
    hit = ids[10]
    around = store.messages(conversation.id, limit=4, before_id=hit + 1)
    assert [m.id for m in around] == ids[7:11]
    below = store.messages(conversation.id, limit=4, after_id=hit)
    assert [m.id for m in below] == ids[11:15]
    assert store.messages(conversation.id, limit=0) == []
    assert store.messages(9999, limit=5) == []


def test_delete_hides_at_once_and_the_purge_removes_for_good(store: Store) -> None:
    keep = store.create_conversation(title="keep")
    doomed = store.create_conversation(title="doomed")
    message = store.add_message(doomed.id, "user", "уникальноеслово")

    store.delete_conversation(doomed.id)
    assert [c.title for c in store.list_conversations()] == ["keep"]
    with pytest.raises(KeyError):
        store.get_conversation(doomed.id)
    with pytest.raises(KeyError):
        store.delete_conversation(doomed.id)
    assert store.search("уникальноеслово") == []
    assert store.get_message(message.id).text == "уникальноеслово"  # kept until the purge

    assert store.purge_deleted() == 1
    with pytest.raises(KeyError):
        store.get_message(message.id)
    assert store.purge_deleted() == 0
    assert [c.id for c in store.list_conversations()] == [keep.id]


def test_a_deleted_chat_waits_in_the_trash_and_is_emptied_after_30_days(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path) as store:
        recent = store.create_conversation(title="recent")
        store.add_message(recent.id, "user", "text")
        old = store.create_conversation(title="old")
        message = store.add_message(old.id, "user", "old text")
        store.delete_conversation(recent.id)
        store.delete_conversation(old.id)
    conn = sqlite3.connect(path)
    with conn:  # deleted 31 days ago
        conn.execute(
            "UPDATE conversations SET deleted_at = deleted_at - 31 * 86400 WHERE id = ?", (old.id,)
        )
    conn.close()
    with Store.open(path) as store:
        assert [c.title for c in store.trash()] == ["recent"]
        with pytest.raises(KeyError):
            store.get_message(message.id)
        restored = store.restore_conversation(recent.id)
        assert restored.title == "recent" and restored.deleted_at is None
        assert [c.title for c in store.list_conversations()] == ["recent"]
        assert store.trash() == []
        store.delete_conversation(recent.id)
        store.purge_conversation(recent.id)
        assert store.trash() == []
        with pytest.raises(KeyError):
            store.restore_conversation(recent.id)


def test_streaming_reply_found_at_open_becomes_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    with Store.open(path) as store:
        conversation = store.create_conversation()
        reply = store.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
        store.update_message(reply.id, text="Половина отве")
        done = store.add_message(conversation.id, "assistant", "Готово")
    with Store.open(path) as store:
        assert store.interrupted_on_open == 1
        recovered = store.get_message(reply.id)
        assert recovered.status is MessageStatus.INTERRUPTED
        assert recovered.text == "Половина отве"
        assert store.get_message(done.id).status is MessageStatus.COMPLETE
    with Store.open(path) as store:
        assert store.interrupted_on_open == 0


def test_a_second_process_leaves_live_streams_and_deleted_chats_alone(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    window = Store.open(path)
    try:
        conversation = window.create_conversation()
        reply = window.add_message(conversation.id, "assistant", "", status=MessageStatus.STREAMING)
        deleted = window.create_conversation(title="deleted in this session")
        kept = window.add_message(deleted.id, "user", "kept until the window's session ends")
        window.delete_conversation(deleted.id)

        with Store.open(path) as cli:  # e.g. `besedka ask` while the window streams
            assert cli.interrupted_on_open == 0
            assert cli.get_message(reply.id).status is MessageStatus.STREAMING
            cli.add_message(conversation.id, "user", "from the command line")

        window.update_message(reply.id, text="still streaming")
        assert window.get_message(kept.id).conversation_id == deleted.id  # not purged
        assert window.count_messages(conversation.id) == 2
    finally:
        window.close()
    with Store.open(path) as later:
        assert later.interrupted_on_open == 1


def test_usable_from_another_thread(store: Store) -> None:
    # Collect the Qt objects earlier tests left behind now, on this (the GUI) thread: a
    # collection that happens to run on a worker would delete them there (a Qt warning).
    gc.collect()
    conversation = store.create_conversation(title="threads")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(store.add_message, conversation.id, "user", f"m{n}") for n in range(20)
        ]
        for future in futures:
            future.result()
        titles = pool.submit(store.list_conversations).result()
    assert [c.title for c in titles] == ["threads"]
    assert store.count_messages(conversation.id) == 20


def test_closed_store_refuses_calls(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "history.sqlite3")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.list_conversations()
    with pytest.raises(StoreError, match="closed"):
        store.create_conversation()
