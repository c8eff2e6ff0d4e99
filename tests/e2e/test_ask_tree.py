"""`besedka ask --continue` on a chat with versions sends the active path only and adds
the new turn at its end, where the window will show it."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gui.core.paths import AppPaths
from gui.core.store import Store
from tests.gui.cli.test_ask import _ask, _env
from tests.servers.gigachat import GigaChatEmulator, run_gigachat


@pytest.fixture
async def gigachat(server_ssl: ssl.SSLContext) -> AsyncIterator[GigaChatEmulator]:
    async with run_gigachat(server_ssl) as emulator:
        yield emulator


async def test_ask_continue_follows_the_version_shown(
    gigachat: GigaChatEmulator, test_ca_file: Path, tmp_path: Path
) -> None:
    base = tmp_path / "profile"
    store = Store.open(AppPaths.under(base).history_db)
    try:
        chat = store.create_conversation(provider="gigachat")
        question = store.add_message(chat.id, "user", "Старый вопрос")
        store.add_message(chat.id, "assistant", "Старый ответ")
        store.add_message(chat.id, "user", "Новый вопрос", parent_id=None)
        store.add_message(chat.id, "assistant", "Новый ответ")
        store.switch_version(question.id, +1)  # the window shows the new version
    finally:
        store.close()

    gigachat.reply = "Третий ответ."
    code, out, err = await _ask(
        ["--basedir", str(base), "ask", "--continue", str(chat.id), "И что дальше?"],
        _env(gigachat, test_ca_file, tmp_path),
    )
    assert code == 0, err
    assert out == "Третий ответ.\n"
    sent = [m["content"] for m in gigachat.chat_requests[-1].json()["messages"]]
    assert sent == ["Новый вопрос", "Новый ответ", "И что дальше?"]
    store = Store.open(AppPaths.under(base).history_db)
    try:
        path = [m.text for m in store.messages_by_id(store.path_ids(chat.id))]
        assert path == ["Новый вопрос", "Новый ответ", "И что дальше?", "Третий ответ."]
        assert len(store.messages(chat.id)) == 6  # the old version is kept
    finally:
        store.close()
