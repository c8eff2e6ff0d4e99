"""7. The PyInstaller bundle, when one has been built (`packaging/build.sh`): its size,
and how long it takes from spawn to `besedka: window ready` (stdout, stamped here)."""

from __future__ import annotations

import os
import select
import subprocess
import time
from pathlib import Path

from bench.common import ROOT, WORK, Figure, child_env, error_figure, median, stop

ONEDIR = ROOT / "dist" / "besedka"
ONEFILE = ROOT / "dist" / "onefile" / "besedka"
READY = "besedka: window ready"
RUNS = 3


def _tree_bytes(folder: Path) -> tuple[int, int]:
    total = count = 0
    for directory, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(directory, name)
            if not path.is_symlink():
                total += path.stat().st_size
                count += 1
    return total, count


def _time_to_ready(executable: Path, basedir: Path) -> float | str:
    env = child_env(WORK / "home-bundle")
    started = time.time()
    process = subprocess.Popen(
        [str(executable), "--basedir", str(basedir), "--quit-when-ready"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([process.stdout], [], [], 0.2)
            if ready:
                line = process.stdout.readline()
                if READY in line:
                    return time.time() - started
                if not line:
                    break
        return f"no '{READY}' line (exit {process.poll()})"
    finally:
        stop(process)


def measure(basedir: Path) -> list[Figure]:
    figures: list[Figure] = []
    executable = ONEDIR / "besedka"
    if not executable.exists():
        return [
            error_figure(
                "7", "Bundle size (one-dir)", "MB", "no bundle: run packaging/build.sh", "SKIP"
            )
        ]
    size, files = _tree_bytes(ONEDIR)
    built = time.strftime("%Y-%m-%d %H:%M", time.localtime(executable.stat().st_mtime))
    figures.append(
        Figure(
            "7",
            "Bundle size (one-dir dist/besedka)",
            size / 1_000_000,
            "MB",
            note=f"{files} files, built {built}",
            details={"bytes": size, "files": files},
        )
    )
    if ONEFILE.exists():
        figures.append(
            Figure("7", "  one-file dist/onefile/besedka", ONEFILE.stat().st_size / 1_000_000, "MB")
        )
    times = [_time_to_ready(executable, basedir) for _ in range(RUNS)]
    failures = [t for t in times if isinstance(t, str)]
    if failures:
        figures.append(error_figure("7", "  bundle: spawn → window ready", "ms", failures[0]))
    else:
        seconds = [t for t in times if isinstance(t, float)]
        figures.append(Figure("7", "  bundle: spawn → window ready", median(seconds) * 1000, "ms"))
    return figures
