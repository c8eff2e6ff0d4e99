"""The real entry points start the real app, show its window and exit cleanly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from gui.app import READY_MARKER


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"))
    env.pop("GIGACHAT_CREDENTIALS", None)
    return env


def _besedka() -> str:
    found = shutil.which("besedka", path=str(Path(sys.executable).parent))
    assert found, "the console script `besedka` is not installed in this environment"
    return found


def test_help_prints_usage() -> None:
    result = subprocess.run(
        [_besedka(), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    assert "usage: besedka" in result.stdout
    assert "--basedir" in result.stdout and "ask" in result.stdout


def test_console_script_opens_the_window_and_exits_zero(tmp_path: Path) -> None:
    result = subprocess.run(
        [_besedka(), "--basedir", str(tmp_path / "profile"), "--quit-when-ready"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(tmp_path),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert READY_MARKER in result.stdout
    assert (tmp_path / "profile" / "data" / "history.sqlite3").exists()
    assert "Traceback" not in result.stderr


def test_python_dash_m_gui_quits_cleanly_on_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "gui", "--basedir", str(tmp_path / "profile")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )
    try:
        log = tmp_path / "profile" / "logs" / "besedka.log"
        deadline = time.monotonic() + 60
        while not (tmp_path / "profile" / "data" / "history.sqlite3").exists():
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.05)
        time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "clean exit" in log.read_text(encoding="utf-8")


def test_version_prints_on_stdout() -> None:
    result = subprocess.run(
        [_besedka(), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("besedka ")
    assert result.stdout.split()[1][0].isdigit() or result.stdout.split()[1] == "dev"


def test_a_history_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    import sqlite3

    profile = tmp_path / "profile"
    db = profile / "data" / "history.sqlite3"
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute("PRAGMA user_version = 999")
    before = db.read_bytes()
    result = subprocess.run(
        [_besedka(), "--basedir", str(profile), "--quit-when-ready"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(tmp_path),
        check=False,
    )
    assert result.returncode == 1
    assert "newer" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


FIRST_FRAME = """
import builtins, sys
from pathlib import Path
from gui.app import show_main_window
from gui.core.paths import AppPaths
paths = AppPaths.under(Path(sys.argv[1]))
paths.ensure()
shown = show_main_window(paths)
import PySide6.QtCore
print("visible", shown.window.isVisible())
print("Qt namespace built", "Qt" in vars(PySide6.QtCore))
print("import wrapped", builtins.__import__ is getattr(builtins, "__feature_import__", None))
"""


def test_the_first_frame_costs_no_more_than_it_needs(tmp_path: Path) -> None:
    """Two start-up costs stay out of the first paint (bench/run item 1 times the rest):
    PySide's `Qt` namespace, whose ~130 Python enums take 13 ms to build, and PySide's
    `__import__` wrapper, which reads the source of every module imported after Qt."""
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(tmp_path / "profile")],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(tmp_path),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == [
        "visible True",
        "Qt namespace built False",
        "import wrapped False",
    ]
