"""Chat files someone else made, and files that are not files (issue #21, items 13 and 14).

An export to a pipe used to hold the window until something read it, and one to a device
wrote there; an import could carry a date no clock can show (then every export of that
chat failed), text JSON can hold but UTF-8 cannot, or hundreds of megabytes. Real files,
real FIFOs, a real history.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core import chat_files
from gui.core.store import MessageStatus, Store, StoreError, json_import
from gui.values import ErrorInfo


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "history.sqlite3") as opened:
        yield opened


@pytest.fixture
def chat_id(store: Store) -> int:
    chat = store.create_conversation(title="Экспорт")
    store.add_message(chat.id, "user", "Привет")
    store.add_message(chat.id, "assistant", "Здравствуйте")
    return chat.id


def _export_within(store: Store, chat_id: int, path: Path, seconds: float = 10.0) -> BaseException:
    """Export in a thread (a pipe would hold it forever); the error it ended with."""
    outcome: list[BaseException] = []

    def export() -> None:
        try:
            chat_files.export_file(store, chat_id, path, "md", label_of=str)
        except BaseException as error:  # handed to the test
            outcome.append(error)

    worker = threading.Thread(target=export, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "the export is stuck"
    assert outcome, "the export did not refuse"
    return outcome[0]


def test_an_export_to_a_pipe_is_refused_at_once(store: Store, chat_id: int, tmp_path: Path) -> None:
    pipe = tmp_path / "chat.md"
    os.mkfifo(pipe)
    error = _export_within(store, chat_id, pipe)
    assert isinstance(error, OSError) and error.errno == errno.EINVAL
    assert "pipe" in str(error) and str(pipe) in str(error)
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # left as it was


def test_an_export_to_a_device_is_refused(store: Store, chat_id: int) -> None:
    error = _export_within(store, chat_id, Path("/dev/null"))
    assert isinstance(error, OSError) and "not a regular file" in str(error)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_an_export_replaces_a_file_in_one_step_keeping_its_mode_and_links(
    store: Store, chat_id: int, tmp_path: Path
) -> None:
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "link.md"
    link.symlink_to(real)
    chat_files.export_file(store, chat_id, link, "md", label_of=str)
    assert link.is_symlink()  # written through, not replaced
    assert "Здравствуйте" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".md", ".tmp")) == [
        "link.md",
        "real.md",
    ]


def test_a_folder_as_export_target_is_refused(store: Store, chat_id: int, tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        chat_files.export_file(store, chat_id, tmp_path, "md", label_of=str)


# -- imports ----------------------------------------------------------------------------


def _export(**changes: Any) -> dict[str, Any]:
    message = {"role": "user", "text": "hi", "created_at": 1_700_000_000.0}
    message.update(changes.pop("message", {}))
    data: dict[str, Any] = {
        "format": "besedka-conversation",
        "version": 4,
        "conversation": {"title": "чат", "created_at": 1_700_000_000.0},
        "messages": [message],
    }
    data["conversation"].update(changes.pop("conversation", {}))
    return data


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"message": {"created_at": 1e300}}, "messages[0].created_at"),
        ({"message": {"created_at": -1.0}}, "messages[0].created_at"),
        ({"message": {"created_at": 253_402_300_800.0}}, "messages[0].created_at"),
        ({"conversation": {"created_at": 1e300}}, "conversation.created_at"),
        ({"conversation": {"updated_at": 1e20}}, "conversation.updated_at"),
        ({"message": {"reasoning_ms": -5}}, "messages[0].reasoning_ms"),
        ({"message": {"reasoning": 7}}, "messages[0].reasoning"),
    ],
)
def test_a_date_no_clock_can_show_is_refused_on_import(
    store: Store, changes: dict[str, Any], where: str
) -> None:
    with pytest.raises(StoreError) as caught:
        store.import_json(json.dumps(_export(**changes)))
    assert where in str(caught.value)
    assert store.list_conversations() == []  # nothing half imported


def test_the_last_day_of_9999_still_imports_and_exports(store: Store) -> None:
    imported = store.import_json(json.dumps(_export(message={"created_at": 253_402_300_799.0})))
    assert store.export_markdown(imported.id).startswith("# чат")
    assert "<!DOCTYPE html>" in store.export_html(imported.id)


def test_a_date_an_older_import_let_in_does_not_break_exports(store: Store) -> None:
    chat = store.create_conversation(title="старый импорт")
    store.add_message(chat.id, "user", "текст")
    conn = store._conn
    assert conn is not None
    conn.execute("UPDATE conversations SET created_at = 1e300 WHERE id = ?", (chat.id,))
    assert "unknown date" in store.export_markdown(chat.id)
    assert "unknown date" in store.export_html(chat.id)


def test_lone_surrogates_in_an_import_become_replacement_characters(
    store: Store, tmp_path: Path
) -> None:
    text = (
        '{"format": "besedka-conversation", "version": 4,'
        ' "conversation": {"title": "a\\ud800b", "system_prompt": "\\udfff"},'
        ' "messages": [{"role": "assistant", "text": "x\\ud83d\\ude00y\\udc00",'
        ' "reasoning": "\\ud800", "model": "m\\ud800",'
        ' "error": {"kind": "failed", "detail": "d\\udfff", "params": {"k\\ud800": "v\\ud800"}},'
        ' "status": "failed"}]}'
    )
    source = tmp_path / "surrogates.json"
    source.write_text(text, encoding="ascii")
    imported = chat_files.import_file(store, source)
    assert (imported.title, imported.system_prompt) == ("a\ufffdb", "\ufffd")
    (message,) = store.messages(imported.id)
    assert message.text == "x😀y\ufffd"  # a pair is its character, a lone half U+FFFD
    assert (message.reasoning, message.model) == ("\ufffd", "m\ufffd")
    assert message.error is not None and message.error.detail == "d\ufffd"
    assert message.error.params == {"k\ufffd": "v\ufffd"}
    exported = tmp_path / "again.json"
    chat_files.export_file(store, imported.id, exported, "json", label_of=str)
    assert "\ufffd" in exported.read_text(encoding="utf-8")


def test_a_file_over_the_limit_is_refused_before_it_is_read(store: Store, tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as file:  # sparse: the size is real, the disk is not filled
        file.truncate(json_import.MAX_IMPORT_BYTES + 1)
    started = time.monotonic()
    with pytest.raises(StoreError, match="100 MB"):
        chat_files.import_file(store, big)
    assert time.monotonic() - started < 1.0
    assert store.list_conversations() == []


def test_text_over_the_limit_is_refused_before_it_is_parsed(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_import, "MAX_IMPORT_BYTES", 1_000)
    with pytest.raises(StoreError, match="imports chats of up to"):
        store.import_json(json.dumps(_export(message={"text": "слово " * 500})))


def test_an_import_from_a_pipe_is_refused(store: Store, tmp_path: Path) -> None:
    pipe = tmp_path / "chat.json"
    os.mkfifo(pipe)
    with pytest.raises(OSError, match="pipe"):
        chat_files.import_file(store, pipe)


# -- lone surrogates anywhere the store saves ---------------------------------------------


def test_the_store_never_raises_unicode_errors_for_lone_surrogates(store: Store) -> None:
    chat = store.create_conversation(
        title="t\ud800", provider="p\udfff", model="m\ud800", system_prompt="s\udc00"
    )
    assert (chat.title, chat.provider, chat.model, chat.system_prompt) == (
        "t\ufffd",
        "p\ufffd",
        "m\ufffd",
        "s\ufffd",
    )
    chat = store.update_conversation(chat.id, title="u\ud800", system_prompt="\udfff")
    assert (chat.title, chat.system_prompt) == ("u\ufffd", "\ufffd")
    message = store.add_message(
        chat.id, "assistant", "a\ud800", status=MessageStatus.STREAMING, provider="\udfff"
    )
    assert message.text == "a\ufffd"
    store.update_message(
        message.id,
        text="b\ud800c",
        reasoning="r\udfff",
        error=ErrorInfo("failed", detail="e\ud800", params={"k": "v\udfff"}),
        usage={"tokens\ud800": 3},
        finish_reason="f\ud800",
        status=MessageStatus.FAILED,
    )
    saved = store.get_message(message.id)
    assert (saved.text, saved.reasoning, saved.finish_reason) == ("b\ufffdc", "r\ufffd", "f\ufffd")
    assert saved.error == ErrorInfo("failed", detail="e\ufffd", params={"k": "v\ufffd"})
    assert saved.usage == {"tokens\ufffd": 3}
    assert store.turns(chat.id) == [("assistant", "b\ufffdc")]
