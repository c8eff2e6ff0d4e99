"""`besedka ask` when things go wrong around it: one line on stderr, never a traceback.

A read-only profile, a log file that cannot be written, a history that cannot be opened,
a reader that goes away (`| head`), Ctrl+C, and bytes that are not UTF-8. Each runs the
real `python -m gui ask` against the GigaChat emulator.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import ssl
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from gui.cli.parser import FAILED, INTERRUPTED, NO_HISTORY, OK, PIPE_CLOSED, USAGE
from gui.core.paths import AppPaths
from gui.core.store import MessageStatus, Store
from tests.gui.cli.readonly import ReadOnly, read_only
from tests.gui.cli.test_ask import _ask, _env
from tests.gui.cli.test_ask_terminal import read_until_closed
from tests.servers.gigachat import GigaChatEmulator, run_gigachat

LONG_REPLY = " ".join(f"слово{i}" for i in range(4000))


@pytest.fixture
async def gigachat(server_ssl: ssl.SSLContext) -> AsyncIterator[GigaChatEmulator]:
    async with run_gigachat(server_ssl) as emulator:
        emulator.reply = "Короткий ответ."
        yield emulator


@pytest.fixture
def env(gigachat: GigaChatEmulator, test_ca_file: Path, tmp_path: Path) -> dict[str, str]:
    return _env(gigachat, test_ca_file, tmp_path)


def _lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line]


def _one_line_each(err: str) -> None:
    """Every line is a whole message of ours: no traceback, no logging's own report."""
    assert "Traceback" not in err and "Logging error" not in err, err
    for line in _lines(err):
        assert line.startswith("besedka"), err


def _reply(base: Path) -> tuple[str, MessageStatus]:
    store = Store.open(AppPaths.under(base).history_db)
    try:
        message = store.messages(store.list_conversations()[0].id)[-1]
        return message.text, message.status
    finally:
        store.close()


def test_help_documents_the_exit_statuses() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gui", "ask", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert "--raw" in result.stdout
    epilog = result.stdout.split("exit status:")[1]
    for code in (OK, FAILED, USAGE, NO_HISTORY, INTERRUPTED, PIPE_CLOSED):
        assert f"\n  {code} " in epilog


# -- a read-only profile ----------------------------------------------------------------


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    base = tmp_path / "profile"
    AppPaths.under(base).ensure()
    return base


@pytest.fixture
def locked(profile: Path) -> Iterator[ReadOnly]:
    yield from read_only(profile)


async def _ask_in(guard: ReadOnly, args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    command = guard.wrap([sys.executable, "-m", "gui", *args])
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_a_read_only_profile_is_one_line_each_and_no_traceback(
    gigachat: GigaChatEmulator, env: dict[str, str], profile: Path, locked: ReadOnly
) -> None:
    code, out, err = await _ask_in(locked, ["--basedir", str(profile), "ask", "hi"], env)
    assert code == NO_HISTORY
    assert out == ""
    _one_line_each(err)
    log_line, history_line = _lines(err)
    assert "cannot write the log file" in log_line and "besedka.log" in log_line
    assert "history" in history_line and "history.sqlite3" in history_line
    assert gigachat.chat_requests == []  # nothing was asked that could not be kept


async def test_a_log_file_that_cannot_be_written_does_not_stop_the_reply(
    env: dict[str, str], tmp_path: Path
) -> None:
    """A full disk: the log opens, its first write fails (/dev/full)."""
    base = tmp_path / "profile"
    paths = AppPaths.under(base).ensure()
    paths.log_file.symlink_to("/dev/full")
    code, out, err = await _ask(["--basedir", str(base), "ask", "hi"], env)
    assert code == OK, err
    assert out == "Короткий ответ.\n"
    _one_line_each(err)
    assert len(_lines(err)) == 1
    assert "cannot write the log file" in err and "No space left" in err


@pytest.mark.parametrize("damage", ["newer version", "not a database", "a folder"])
async def test_a_history_that_cannot_be_opened_is_one_line(
    damage: str, env: dict[str, str], tmp_path: Path
) -> None:
    base = tmp_path / "profile"
    db = AppPaths.under(base).ensure().history_db
    if damage == "newer version":
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE future (x)")
            conn.execute("PRAGMA user_version = 999")
    elif damage == "not a database":
        db.write_bytes(b"\x1b]52;c;aGk=\x07 this is not SQLite at all" * 100)
    else:
        db.mkdir()
    code, out, err = await _ask(["--basedir", str(base), "ask", "hi"], env)
    assert code == NO_HISTORY
    assert out == ""
    _one_line_each(err)
    assert len(_lines(err)) == 1
    assert "history" in err.lower()


async def test_a_profile_folder_that_cannot_be_created_is_one_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("not a folder")
    code, _out, err = await _ask(
        ["--basedir", str(tmp_path / "file" / "profile"), "ask", "hi"], env
    )
    assert code == NO_HISTORY
    _one_line_each(err)
    assert len(_lines(err)) == 1 and "profile folder" in err


# -- the reader goes away, Ctrl+C ------------------------------------------------------


async def test_a_closed_pipe_ends_quietly_and_keeps_the_reply_as_it_stands(
    gigachat: GigaChatEmulator, env: dict[str, str], tmp_path: Path
) -> None:
    """`besedka ask … | head -c 200`: the reader takes a little and leaves."""
    gigachat.reply = LONG_REPLY
    gigachat.chunk_size = 10
    gigachat.chunk_delay = 0.002
    base = tmp_path / "profile"
    read, write = os.pipe()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gui",
        "--basedir",
        str(base),
        "ask",
        "Расскажи длинную историю",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=write,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    os.close(write)
    head = (await read_until_closed(read, limit=200))[:200]  # and closes it, as `head` exits
    _out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert head
    assert process.returncode == PIPE_CLOSED
    assert err.decode() == ""  # quiet: no BrokenPipeError, no "Exception ignored"
    text, status = _reply(base)
    assert status == MessageStatus.STOPPED  # not failed: the reader left, nothing broke
    assert text and LONG_REPLY.startswith(text) and len(text) < len(LONG_REPLY)
    assert text.encode().startswith(head)


async def test_ctrl_c_keeps_the_reply_so_far_with_one_line(
    gigachat: GigaChatEmulator, env: dict[str, str], tmp_path: Path
) -> None:
    gigachat.reply = LONG_REPLY
    gigachat.chunk_size = 10
    gigachat.chunk_delay = 0.005
    base = tmp_path / "profile"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gui",
        "--basedir",
        str(base),
        "ask",
        "Расскажи длинную историю",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    printed = await asyncio.wait_for(process.stdout.read(100), timeout=60)
    process.send_signal(signal.SIGINT)
    rest, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert printed
    assert process.returncode == INTERRUPTED
    _one_line_each(err.decode())
    assert _lines(err.decode()) == ["besedka ask: interrupted; the reply so far is kept"]
    text, status = _reply(base)
    assert status == MessageStatus.STOPPED
    assert (printed + rest).decode().rstrip("\n") == text


# -- bytes that are not text -----------------------------------------------------------


async def test_bytes_that_are_not_utf8_are_replaced_not_a_traceback(
    gigachat: GigaChatEmulator, env: dict[str, str], tmp_path: Path
) -> None:
    base = tmp_path / "profile"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gui",
        "--basedir",
        str(base),
        "ask",
        os.fsdecode(b"caf\xe9"),  # Latin-1 bytes in a UTF-8 argument
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    _out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode == OK, err.decode()
    code, _out2, err2 = await _ask(["--basedir", str(base), "ask"], env, stdin=b"na\xefve \xff\n")
    assert code == OK, err2
    store = Store.open(AppPaths.under(base).history_db)
    try:
        questions = [
            m.text
            for c in store.list_conversations()
            for m in store.messages(c.id)
            if m.role == "user"
        ]
    finally:
        store.close()
    assert sorted(questions) == sorted(["caf\ufffd", "na\ufffdve \ufffd"])
    sent = [r.json()["messages"][-1]["content"] for r in gigachat.chat_requests]
    assert sorted(sent) == sorted(questions)
