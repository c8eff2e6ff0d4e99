"""The window's start-up when the profile is unlucky: read-only, a full disk, a history it
cannot open. The real app runs as a subprocess (offscreen); it never shows a traceback,
and its start-up error dialog ends on SIGTERM and SIGINT like the window does.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gui.app import READY_MARKER
from gui.core.paths import AppPaths
from tests.gui.cli.readonly import ReadOnly, read_only

pytestmark = pytest.mark.slow


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"))
    env.pop("GIGACHAT_CREDENTIALS", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    return env


def _window(
    args: list[str], env: dict[str, str], guard: ReadOnly | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "gui", *args, "--quit-when-ready"]
    return subprocess.run(
        guard.wrap(command) if guard else command,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def _log_notices(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "cannot write the log file" in line]


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    """A profile with a history in it, as a first run leaves it."""
    base = tmp_path / "profile"
    first = _window(["--basedir", str(base)], _env(tmp_path))
    assert first.returncode == 0, first.stderr
    return base


@pytest.fixture
def read_only_profile(profile: Path) -> Iterator[ReadOnly]:
    yield from read_only(profile)


@pytest.fixture
def read_only_logs(profile: Path) -> Iterator[ReadOnly]:
    yield from read_only(profile / "logs")


def test_a_read_only_profile_says_so_in_lines_not_a_traceback(
    profile: Path, read_only_profile: ReadOnly, tmp_path: Path
) -> None:
    result = _window(["--basedir", str(profile)], _env(tmp_path), read_only_profile)
    assert "Traceback" not in result.stderr and "Logging error" not in result.stderr
    assert len(_log_notices(result.stderr)) == 1, result.stderr
    assert result.returncode == 1  # the history cannot be opened: the dialog said so
    assert "history" in result.stderr


def test_a_read_only_logs_folder_still_opens_the_window(
    profile: Path, read_only_logs: ReadOnly, tmp_path: Path
) -> None:
    result = _window(["--basedir", str(profile)], _env(tmp_path), read_only_logs)
    assert result.returncode == 0, result.stderr
    assert READY_MARKER in result.stdout
    assert "Traceback" not in result.stderr
    assert len(_log_notices(result.stderr)) == 1, result.stderr


def test_a_full_disk_under_the_log_still_opens_the_window(tmp_path: Path) -> None:
    """The log opens but every write fails (/dev/full): one line, then stderr."""
    base = tmp_path / "profile"
    AppPaths.under(base).ensure().log_file.symlink_to("/dev/full")
    result = _window(["--basedir", str(base)], _env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert READY_MARKER in result.stdout
    assert "Traceback" not in result.stderr and "Logging error" not in result.stderr
    (notice,) = _log_notices(result.stderr)
    assert "No space left" in notice


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_start_up_error_dialog_ends_on_a_signal(sig: signal.Signals, tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path / "profile").ensure()
    with sqlite3.connect(paths.history_db) as conn:  # a history from a newer Besedka
        conn.execute("CREATE TABLE future (x)")
        conn.execute("PRAGMA user_version = 999")
    process = subprocess.Popen(
        [sys.executable, "-m", "gui", "--basedir", str(paths.config_dir.parent)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )
    try:
        deadline = time.monotonic() + 60
        while "cannot open the history" not in _read(paths.log_file):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the dialog did not come up"
            time.sleep(0.05)
        time.sleep(0.5)  # the dialog is open and the app idles in it
        process.send_signal(sig)
        _out, err = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 1, err
    assert "Traceback" not in err


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
