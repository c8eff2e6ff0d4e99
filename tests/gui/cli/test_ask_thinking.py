"""`besedka ask` and a reasoning model: stdout carries the answer only; `--thinking` writes
the thinking to stderr, before the answer; the history keeps it either way."""

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


THOUGHT = "Сначала сложу два и два."
ANSWER = "Четыре."


async def test_thinking_stays_off_stdout_and_goes_to_stderr_when_asked(
    gigachat: GigaChatEmulator, test_ca_file: Path, tmp_path: Path
) -> None:
    gigachat.reply, gigachat.reasoning = ANSWER, THOUGHT
    env = _env(gigachat, test_ca_file, tmp_path)
    base = tmp_path / "profile"

    code, out, err = await _ask(["--basedir", str(base), "ask", "2+2?"], env)
    assert code == 0, err
    assert out == ANSWER + "\n"
    assert THOUGHT not in out + err

    code, out, err = await _ask(["--basedir", str(base), "ask", "--thinking", "2+2?"], env)
    assert code == 0, err
    assert out == ANSWER + "\n"
    assert err == THOUGHT + "\n"

    store = Store.open(AppPaths.under(base).history_db)
    try:
        replies = [
            m
            for c in store.list_conversations()
            for m in store.messages(c.id)
            if m.role == "assistant"
        ]
        assert [m.reasoning for m in replies] == [THOUGHT, THOUGHT]
        assert all(m.text == ANSWER for m in replies)
    finally:
        store.close()
