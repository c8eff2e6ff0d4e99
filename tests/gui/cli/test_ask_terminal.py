"""`besedka ask` on a real terminal: a model's control sequences never reach it.

The reply comes from the GigaChat emulator as separate deltas (a clipboard write split
across two of them, a title change, a screen clear, C1 CSI, NUL, backspace, CR, bell);
`besedka ask` runs as a real process whose stdout and stderr are pseudo-terminals, so
`isatty()` is really true. The history keeps the reply as the model sent it.
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
import sys
import tty
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from gui.core.paths import AppPaths
from gui.core.store import MessageStatus, Store
from tests.gui.cli.test_ask import _env
from tests.servers.gigachat import GigaChatEmulator, run_gigachat

#: Deltas as the model sends them; the clipboard write is split across the first two.
DELTAS = (
    "Ответ: \x1b]52;c;",
    "cm0gLXJmIH4=\x07готово.",
    "\x1b]0;pwned\x07 \x1b[2J\x1b[H",
    "\x9b31mкрасный\x1b[0m",
    " pa\x00ss\x08\x08\rwo\x07rd\n\tend",
)
SHOWN = "Ответ: готово. красный password\n\tend\n"
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


class ScriptedGigaChat(GigaChatEmulator):
    """Streams exactly the given deltas, one SSE event each."""

    def __init__(self, deltas: Sequence[str]) -> None:
        super().__init__()
        self.deltas = list(deltas)
        self.reply = "".join(deltas)
        self.chunk_delay = 0.05  # separate network reads: separate deltas for the client

    def chunks(self, max_tokens: int | None = None) -> list[str]:
        return self.deltas[:max_tokens] if max_tokens is not None else list(self.deltas)


@pytest.fixture
async def hostile(server_ssl: ssl.SSLContext) -> AsyncIterator[ScriptedGigaChat]:
    async with run_gigachat(server_ssl, emulator=ScriptedGigaChat(DELTAS)) as emulator:
        yield emulator


class Pty:
    """A pseudo-terminal in raw mode: the child sees a tty, we read its bytes unchanged
    (no newline translation)."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)

    async def drain(self) -> bytes:
        """Everything written, until the last writer closes its side. Read on the loop,
        not in a thread (a collection there could delete Qt objects)."""
        return await read_until_closed(self.master)


async def read_until_closed(fd: int, limit: int | None = None) -> bytes:
    """Read `fd` on the event loop until its writers are gone (or `limit` bytes came),
    then close it."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    chunks: list[bytes] = []
    os.set_blocking(fd, False)

    def readable() -> None:
        try:
            piece = os.read(fd, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: a terminal with no writer left
            piece = b""
        chunks.append(piece)
        if not piece or (limit is not None and sum(map(len, chunks)) >= limit):
            loop.remove_reader(fd)
            if not done.done():
                done.set_result(None)

    loop.add_reader(fd, readable)
    try:
        await done
    finally:
        loop.remove_reader(fd)
        os.close(fd)
    return b"".join(chunks)


async def run_on_terminal(
    args: list[str], env: dict[str, str], *, stdout_tty: bool = True
) -> tuple[int, bytes, bytes]:
    """Run `python -m gui ARGS` with stderr (and stdout, unless told) on a terminal."""
    out, err = Pty(), Pty()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gui",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=out.slave if stdout_tty else asyncio.subprocess.PIPE,
        stderr=err.slave,
        env=env,
    )
    os.close(out.slave)
    os.close(err.slave)
    reading = asyncio.gather(out.drain(), err.drain())
    if stdout_tty:
        await asyncio.wait_for(process.wait(), timeout=90)
        printed, errors = await asyncio.wait_for(reading, timeout=30)
    else:
        assert process.stdout is not None
        printed = await asyncio.wait_for(process.stdout.read(), timeout=90)
        await asyncio.wait_for(process.wait(), timeout=30)
        _unused, errors = await asyncio.wait_for(reading, timeout=30)
    assert process.returncode is not None
    return process.returncode, printed, errors


async def test_the_reply_on_a_terminal_has_no_control_sequences(
    hostile: ScriptedGigaChat, test_ca_file: Path, tmp_path: Path
) -> None:
    base = tmp_path / "profile"
    code, printed, errors = await run_on_terminal(
        ["--basedir", str(base), "ask", "--provider", "gigachat", "Привет"],
        _env(hostile, test_ca_file, tmp_path),
    )
    assert code == 0, errors
    assert printed.decode() == SHOWN
    assert not CONTROL.search(printed.replace(b"\n", b"").replace(b"\t", b""))
    store = Store.open(AppPaths.under(base).history_db)
    try:
        reply = store.messages(store.list_conversations()[0].id)[-1]
        assert reply.status == MessageStatus.COMPLETE
        assert reply.text == "".join(DELTAS)  # the history keeps what the model said
    finally:
        store.close()


async def test_raw_passes_the_bytes_through(
    hostile: ScriptedGigaChat, test_ca_file: Path, tmp_path: Path
) -> None:
    code, printed, errors = await run_on_terminal(
        ["--basedir", str(tmp_path / "p"), "ask", "--raw", "--provider", "gigachat", "Привет"],
        _env(hostile, test_ca_file, tmp_path),
    )
    assert code == 0, errors
    assert printed.decode() == "".join(DELTAS) + "\n"


async def test_a_pipe_gets_the_reply_as_it_came(
    hostile: ScriptedGigaChat, test_ca_file: Path, tmp_path: Path
) -> None:
    """Not a terminal: nothing interprets the bytes, so nothing is taken out."""
    code, printed, errors = await run_on_terminal(
        ["--basedir", str(tmp_path / "p"), "ask", "--provider", "gigachat", "Привет"],
        _env(hostile, test_ca_file, tmp_path),
        stdout_tty=False,
    )
    assert code == 0, errors
    assert printed.decode() == "".join(DELTAS) + "\n"


async def test_server_error_text_on_a_terminal_is_one_clean_line(
    hostile: ScriptedGigaChat, test_ca_file: Path, tmp_path: Path
) -> None:
    hostile.fail_next(500, message="\x1b]52;c;cm0gLXJmIH4=\x07Сервер\x1b[2J упал\x07\r\nсовсем")
    code, printed, errors = await run_on_terminal(
        ["--basedir", str(tmp_path / "p"), "ask", "--provider", "gigachat", "Привет"],
        _env(hostile, test_ca_file, tmp_path),
    )
    assert code == 1
    assert printed == b""
    text = errors.decode()
    assert text.endswith("\n") and text.count("\n") == 1, text
    assert "Сервер упал совсем" in text
    assert "GigaChat:" in text
    assert not CONTROL.search(errors.rstrip(b"\n"))
    assert "Traceback" not in text
