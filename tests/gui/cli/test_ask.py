"""`besedka ask` streams a reply to stdout and keeps both messages in the shared history."""

from __future__ import annotations

import asyncio
import os
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from gui.core.paths import AppPaths
from gui.core.store import MessageStatus, Store
from tests.servers.gigachat import GigaChatEmulator, run_gigachat

REPLY = "Всё хорошо, спасибо! 👍 And you?"


@pytest.fixture
async def gigachat(server_ssl: ssl.SSLContext) -> AsyncIterator[GigaChatEmulator]:
    async with run_gigachat(server_ssl) as emulator:
        emulator.reply = REPLY
        emulator.split_utf8 = True
        yield emulator


def _env(emulator: GigaChatEmulator, ca_file: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIGACHAT_")}
    env.update(
        GIGACHAT_CREDENTIALS=emulator.valid_key,
        GIGACHAT_BASE_URL=emulator.base_url,
        GIGACHAT_AUTH_URL=emulator.auth_url,
        GIGACHAT_CA_BUNDLE_FILE=str(ca_file),
        HOME=str(home),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return env


async def _ask(
    args: list[str], env: dict[str, str], stdin: bytes | None = None
) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gui",
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), timeout=90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_ask_streams_to_stdout_and_stores_both_messages(
    gigachat: GigaChatEmulator, test_ca_file: Path, tmp_path: Path
) -> None:
    env = _env(gigachat, test_ca_file, tmp_path)
    base = tmp_path / "profile"
    code, out, err = await _ask(
        ["--basedir", str(base), "ask", "--provider", "gigachat", "Как дела?"], env
    )
    assert code == 0, err
    assert out == REPLY + "\n"
    store = Store.open(AppPaths.under(base).history_db)
    try:
        conversation = store.list_conversations()[0]
        messages = store.messages(conversation.id)
        assert [(m.role, m.text) for m in messages] == [("user", "Как дела?"), ("assistant", REPLY)]
        assert messages[1].status == MessageStatus.COMPLETE
        assert conversation.provider == "gigachat"
        assert conversation.title == "Как дела?"
        first_id = conversation.id
    finally:
        store.close()

    # Continue the same conversation, the question read from stdin.
    gigachat.reply = "Второй ответ."
    code, out, err = await _ask(
        ["--basedir", str(base), "ask", "--continue", str(first_id)],
        env,
        stdin="А ещё?\n".encode(),
    )
    assert code == 0, err
    assert out == "Второй ответ.\n"
    sent = gigachat.chat_requests[-1].json()["messages"]
    assert [m["content"] for m in sent] == ["Как дела?", REPLY, "А ещё?"]
    store = Store.open(AppPaths.under(base).history_db)
    try:
        assert len(store.list_conversations()) == 1
        assert [m.text for m in store.messages(first_id)][-1] == "Второй ответ."
    finally:
        store.close()


async def test_ask_failure_exits_nonzero_with_the_typed_message_and_keeps_partial_text(
    gigachat: GigaChatEmulator, test_ca_file: Path, tmp_path: Path
) -> None:
    env = _env(gigachat, test_ca_file, tmp_path)
    base = tmp_path / "profile"
    gigachat.reply = "Начало ответа, потом обрыв связи и больше ничего"
    gigachat.chunk_size = 6
    gigachat.split_utf8 = False
    gigachat.cut_after = 2
    code, out, err = await _ask(["--basedir", str(base), "ask", "hello"], env)
    assert code == 1
    assert out.startswith("Начало")
    assert "GigaChat:" in err
    assert "Retry" in err
    assert "Traceback" not in err
    store = Store.open(AppPaths.under(base).history_db)
    try:
        reply = store.messages(store.list_conversations()[0].id)[-1]
        assert reply.status == MessageStatus.FAILED
        assert reply.text == out.rstrip("\n")
    finally:
        store.close()


async def test_ask_wrong_key_and_unknown_provider(
    gigachat: GigaChatEmulator, test_ca_file: Path, tmp_path: Path
) -> None:
    env = _env(gigachat, test_ca_file, tmp_path)
    env["GIGACHAT_CREDENTIALS"] = "bm90OnRoZWtleQ=="
    code, out, err = await _ask(["--basedir", str(tmp_path / "p"), "ask", "hi"], env)
    assert code == 1
    assert out == ""
    assert "credentials doesn't match" in err
    assert "bm90OnRoZWtleQ==" not in err

    code, _out, err = await _ask(
        ["--basedir", str(tmp_path / "p"), "ask", "--provider", "nope", "hi"], env
    )
    assert code == 2
    assert "unknown provider 'nope'" in err


async def test_ask_with_nothing_to_ask_is_a_usage_error(tmp_path: Path) -> None:
    code, _out, err = await _ask(
        ["--basedir", str(tmp_path / "p"), "ask"], dict(os.environ), stdin=b""
    )
    assert code == 2
    assert "nothing to ask" in err


async def test_sigkill_mid_stream_leaves_a_consistent_history_with_the_partial_reply(
    gigachat: GigaChatEmulator, test_ca_file: Path, tmp_path: Path
) -> None:
    import signal
    import sqlite3

    gigachat.reply = " ".join(f"слово{i}" for i in range(3000))
    gigachat.chunk_size = 8
    gigachat.chunk_delay = 0.005
    gigachat.split_utf8 = False
    base = tmp_path / "profile"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gui",
        "--basedir",
        str(base),
        "ask",
        "Расскажи длинную историю",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_env(gigachat, test_ca_file, tmp_path),
    )
    assert process.stdout is not None
    printed = b""
    loop = asyncio.get_running_loop()
    started = None
    # Past the first save (at least a second of streaming), well before the end.
    while started is None or loop.time() - started < 1.6:
        piece = await asyncio.wait_for(process.stdout.read(4096), timeout=30)
        assert piece, "the reply ended before the process could be killed"
        printed += piece
        if started is None:
            started = loop.time()
    process.send_signal(signal.SIGKILL)
    await process.wait()

    db = AppPaths.under(base).history_db
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = Store.open(db)
    try:
        assert store.interrupted_on_open == 1
        conversation = store.list_conversations()[0]
        question, reply = store.messages(conversation.id)
        assert question.text == "Расскажи длинную историю"
        assert reply.status == MessageStatus.INTERRUPTED
        shown = printed.decode("utf-8", errors="ignore")
        assert reply.text, "nothing of the reply was saved"
        assert shown.startswith(reply.text)
        assert len(reply.text) < len(gigachat.reply)
    finally:
        store.close()
