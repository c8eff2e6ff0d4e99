"""A key given in the environment never reaches a child process of the app.

Opening a link runs `xdg-open` (through QDesktopServices), which inherits the app's
environment; so would anything it starts. The app moves secret variables
(GIGACHAT_CREDENTIALS) into memory at start-up. Here the real app starts with the key set;
then a link is opened exactly as the chat view opens one, on a real X server (Xvfb, where
Qt runs `xdg-open`; the offscreen platform opens nothing), with an `xdg-open` of ours on
PATH that saves its own /proc/<pid>/environ. `besedka ask` is checked the same way, and
its reply shows the key was still used.
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import ssl
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.gui.cli.test_ask import _env
from tests.servers.gigachat import GigaChatEmulator, run_gigachat

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
KEY = "Q2FuYXJ5LWNsaWVudDpDYW5hcnktc2VjcmV0LWluLXRoZS1lbnZpcm9ubWVudA=="

#: Starts the real app, then opens a link as gui/widgets/chat_view.py does.
GUI_DRIVER = """
import sys
from gui.app import main
code = main(sys.argv[1:])
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
opened = QDesktopServices.openUrl(QUrl("https://example.org/a-link-in-a-reply"))
print("exit", code, "opened", opened, flush=True)
"""

#: Runs `besedka ask` in this process, then starts a child as any spawn would.
ASK_DRIVER = """
import subprocess, sys
from gui.app import main
code = main(sys.argv[1:])
child = subprocess.run(
    ["sh", "-c", "cat /proc/$$/environ"], capture_output=True, check=True
).stdout
print("exit", code, "child", child.hex(), flush=True)
"""

FAKE_XDG_OPEN = """#!/bin/sh
cat /proc/$$/environ > "$BESEDKA_TEST_ENVIRON.tmp"
mv "$BESEDKA_TEST_ENVIRON.tmp" "$BESEDKA_TEST_ENVIRON"
"""


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread() -> None:
    """Earlier tests' Qt objects are collected here, not in asyncio's child watcher
    thread (Qt warns when one is deleted on another thread)."""
    gc.collect()


def _environ(data: bytes) -> dict[str, str]:
    pairs = (item.split(b"=", 1) for item in data.split(b"\0") if b"=" in item)
    return {name.decode(): value.decode(errors="replace") for name, value in pairs}


async def test_a_link_opened_by_the_window_does_not_inherit_the_key(tmp_path: Path) -> None:
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        pytest.skip("xvfb-run is not installed (apt-get install xvfb)")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "xdg-open"
    fake.write_text(FAKE_XDG_OPEN)
    fake.chmod(0o755)
    saved = tmp_path / "xdg-open.environ"
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(
        GIGACHAT_CREDENTIALS=KEY,
        BESEDKA_TEST_ENVIRON=str(saved),  # not a secret: it must reach the child
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        HOME=str(tmp_path / "home"),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    env.pop("XDG_CURRENT_DESKTOP", None)  # Qt's generic desktop: it runs xdg-open
    process = await asyncio.create_subprocess_exec(
        xvfb_run,
        "-a",
        sys.executable,
        "-c",
        GUI_DRIVER,
        "--basedir",
        str(tmp_path / "profile"),
        "--quit-when-ready",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert "exit 0 opened True" in out.decode(), err.decode()
    for _ in range(200):  # xdg-open is started detached: it may finish after the app
        if saved.exists():
            break
        await asyncio.sleep(0.05)
    child = _environ(saved.read_bytes())
    assert child["BESEDKA_TEST_ENVIRON"] == str(saved)  # the environment did get through
    assert "GIGACHAT_CREDENTIALS" not in child
    assert KEY not in saved.read_text(errors="replace")


@pytest.fixture
async def gigachat(server_ssl: ssl.SSLContext) -> AsyncIterator[GigaChatEmulator]:
    async with run_gigachat(server_ssl) as emulator:
        emulator.reply = "Ключ из окружения работает."
        yield emulator


async def test_ask_uses_the_key_but_its_children_never_see_it(
    gigachat: GigaChatEmulator, test_ca_file: Path, tmp_path: Path
) -> None:
    env = _env(gigachat, test_ca_file, tmp_path)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        ASK_DRIVER,
        "--basedir",
        str(tmp_path / "profile"),
        "ask",
        "--provider",
        "gigachat",
        "Привет",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    text = out.decode()
    assert text.startswith("Ключ из окружения работает.\n"), err.decode()  # the key worked
    last = text.splitlines()[-1].split()
    assert last[:2] == ["exit", "0"]
    child = _environ(bytes.fromhex(last[3]))
    assert child["GIGACHAT_BASE_URL"] == gigachat.base_url  # settings still get through
    assert "GIGACHAT_CREDENTIALS" not in child
    assert gigachat.valid_key not in bytes.fromhex(last[3]).decode(errors="replace")
