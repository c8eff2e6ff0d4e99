"""Attachments end to end below the window: a real history file, the real providers and
the loopback emulators of GigaChat (Files API) and an OpenAI-compatible server."""

from __future__ import annotations

import base64
import os
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from gui.core import attachments
from gui.core.attachments import Picked
from gui.core.provider_factory import ProviderFactory
from gui.core.session import ChatSession
from gui.core.store import MessageStatus, Store, StoreError
from gui.values import ErrorInfo
from providers.gigachat import GigaChat
from providers.openai_compat import OpenAICompatible
from tests.servers.gigachat import run_gigachat
from tests.servers.openai import OpenAIEmulator, run_openai

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def picture(tmp_path: Path, name: str = "cat.png", data: bytes = PNG) -> Path:
    path = tmp_path / "files" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


async def attached(store: Store, path: Path) -> Picked:
    picked = await attachments.attach(path, store.attachments_dir)
    assert isinstance(picked, Picked), picked
    return picked


async def ask(session: ChatSession, store: Store, chat: int, text: str, *files: Picked) -> Any:
    session.next_attachments = files
    question, turn = session.ask(chat, text)
    reply = await session.run(turn)
    return question, reply


async def test_gigachat_uploads_once_and_again_when_the_service_forgot(
    http: aiohttp.ClientSession, server_ssl: ssl.SSLContext, test_ca_file: Path, tmp_path: Path
) -> None:
    async with run_gigachat(server_ssl) as emulator:
        config = {
            "api_key": emulator.valid_key,
            "base_url": emulator.base_url,
            "auth_url": emulator.auth_url,
            "ca_bundle": str(test_ca_file),
        }

        async def settings(info: object) -> dict[str, str]:
            return config

        store = Store.open(tmp_path / "data" / "history.sqlite3")
        session = ChatSession(
            store, ProviderFactory(http, settings, classes={"gigachat": GigaChat})
        )
        chat = store.create_conversation(provider="gigachat", model="GigaChat-2-Max").id
        photo = await attached(store, picture(tmp_path))
        question, reply = await ask(session, store, chat, "Что на фото?", photo)
        assert reply.status == MessageStatus.COMPLETE, reply.error
        assert [u.filename for u in emulator.file_store.uploads] == ["cat.png"]
        upload = emulator.file_store.uploads[0]
        assert (upload.content_type, upload.purpose, upload.data) == ("image/png", "general", PNG)
        sent = emulator.chat_requests[-1].json()["messages"]
        assert sent[-1] == {"role": "user", "content": "Что на фото?", "attachments": [upload.id]}

        # The same file again: not uploaded again, named by the same id.
        again = await attached(store, picture(tmp_path, "copy.png"))
        _q, reply = await ask(session, store, chat, "А это?", again)
        assert reply.status == MessageStatus.COMPLETE, reply.error
        assert len(emulator.file_store.uploads) == 1
        assert emulator.chat_requests[-1].json()["messages"][-1]["attachments"] == [upload.id]

        # The service lost its files: uploaded once more, and the reply comes.
        emulator.file_store.forget()
        _q, reply = await ask(session, store, chat, "Ещё раз")
        assert reply.status == MessageStatus.COMPLETE, reply.error
        assert len(emulator.file_store.uploads) == 2
        store.close()

        # Restart: the question still carries its file.
        store = Store.open(tmp_path / "data" / "history.sqlite3")
        shown = store.messages_by_id([question.id])[0]
        assert [(f.name, f.mime, f.size) for f in shown.attachments] == [
            ("cat.png", "image/png", len(PNG))
        ]
        kept = shown.attachments[0].path
        assert Path(kept).read_bytes() == PNG  # noqa: ASYNC240
        # Deleted for good: the file goes with its last chat.
        store.delete_conversation(chat)
        store.purge_conversation(chat)
        assert not os.path.exists(kept)  # noqa: ASYNC240
        store.close()


async def test_openai_gets_content_parts_and_a_refusal_is_plain(
    http: aiohttp.ClientSession, tmp_path: Path
) -> None:
    emulator = OpenAIEmulator(vision_models=frozenset({"vision-1"}))
    emulator.models = ["vision-1", "text-1"]
    async with run_openai(emulator) as server:

        async def settings(info: object) -> dict[str, str]:
            return {"base_url": server.base_url}

        store = Store.open(tmp_path / "history.sqlite3")
        factory = ProviderFactory(http, settings, classes={"openai": OpenAICompatible})
        session = ChatSession(store, factory)
        chat = store.create_conversation(provider="openai", model="vision-1").id
        notes = picture(tmp_path, "notes.md", "# Заметки\n\n- ёж".encode())
        files = [await attached(store, picture(tmp_path)), await attached(store, notes)]
        _q, reply = await ask(session, store, chat, "Посмотри", *files)
        assert reply.status == MessageStatus.COMPLETE, reply.error
        content = server.requests[-1].body["messages"][-1]["content"]
        encoded = base64.b64encode(PNG).decode()
        assert content == [
            {"type": "text", "text": "Посмотри"},
            {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{encoded}"}},
            {"type": "text", "text": "File: notes.md\n\n# Заметки\n\n- ёж"},
        ]
        blind = store.create_conversation(provider="openai", model="text-1").id
        _q, reply = await ask(session, store, blind, "Что тут?", files[0])
        assert reply.status == MessageStatus.FAILED
        assert reply.error is not None and "image_url is only supported" in reply.error.detail
        store.close()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: d, "directory"),
        (lambda d: picture(d, "empty.txt", b""), "empty"),
        (lambda d: picture(d, "tool.exe", b"MZ"), "unknown_type"),
        (lambda d: d / "missing.txt", "unreadable"),
    ],
)
async def test_bad_files_are_refused_with_a_reason(tmp_path: Path, make: Any, reason: str) -> None:
    result = await attachments.attach(make(tmp_path), tmp_path / "store")
    assert isinstance(result, ErrorInfo)
    assert (result.kind, result.reason) == ("attachment", reason)


async def test_too_big_and_changed_while_attached(tmp_path: Path) -> None:
    big = picture(tmp_path, "big.txt", b"x" * (attachments.MAX_DOCUMENT_BYTES + 1))
    result = await attachments.attach(big, tmp_path / "store")
    assert isinstance(result, ErrorInfo) and result.reason == "too_big"
    path = picture(tmp_path, "draft.txt", b"first")
    picked = await attachments.attach(path, tmp_path / "store")
    assert isinstance(picked, Picked)
    assert await attachments.changed([picked]) is None
    path.write_bytes(b"second")
    problem = await attachments.changed([picked])
    assert problem is not None and problem.reason == "changed"


async def test_json_export_carries_the_files_and_import_restores_them(tmp_path: Path) -> None:
    source = Store.open(tmp_path / "one" / "history.sqlite3")
    chat = source.create_conversation(provider="gigachat").id
    question = source.add_message(chat, "user", "Смотри")
    photo = await attached(source, picture(tmp_path))
    source.link_attachments(question, [photo.stored])
    source.add_message(chat, "assistant", "Вижу.")
    exported = source.export_json(chat)
    page = source.export_html(chat)
    source.close()
    assert f"data:image/png;base64,{base64.b64encode(PNG).decode()}" in page
    assert "http" not in page.split("<body", 1)[-1].split("data:image", 1)[0]

    target = Store.open(tmp_path / "two" / "history.sqlite3")
    try:
        restored = target.import_json(exported)
        first = target.messages(restored.id)[0]
        assert [(f.name, f.mime, f.size) for f in first.attachments] == [
            ("cat.png", "image/png", len(PNG))
        ]
        assert Path(first.attachments[0].path).read_bytes() == PNG  # noqa: ASYNC240
        assert str(tmp_path / "two") in first.attachments[0].path
        broken = exported.replace(photo.stored.sha256, "0" * 64)
        with pytest.raises(StoreError, match="does not match its hash"):
            target.import_json(broken)
    finally:
        target.close()
