"""1. Cold start to the first painted main window, against a bare PySide6 QMainWindow.
2. Idle memory with a 1,000-message conversation open.

Both programs start the same way (`python -m bench.launch MODE`, offscreen, same
environment), in alternating runs; the clock starts in this process just before the
spawn and stops at the child's `painted` marker, when the first whole frame has been
flushed (wall clock, same machine; see bench/launch.py). "Cold" means a new process
each time; the page cache and Python's bytecode cache are warm, as they are for a
person who starts the app a second time.
"""

from __future__ import annotations

import select
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.common import (
    PYTHON,
    ROOT,
    WORK,
    Figure,
    child_env,
    error_figure,
    first,
    markers,
    median,
    read_status_kb,
    run_child,
    spread,
    stop,
)

RUNS = 11
WARMUP = 1
RSS_RUNS = 3
IDLE_SECONDS = 1.0


def _launch_args(mode: str, basedir: Path | None, hold: float) -> list[str]:
    args = [PYTHON, "-m", "bench.launch", mode, "--hold", str(hold)]
    if mode == "app" and basedir is not None:
        args += ["--", "--basedir", str(basedir)]
    return args


def _start_once(mode: str, basedir: Path, env: dict[str, str]) -> dict[str, float] | str:
    result = run_child(_launch_args(mode, basedir, 0.0), env=env, timeout=60)
    painted = first(result.events, "painted")
    if painted is None or result.returncode != 0:
        return f"{mode}: exit {result.returncode}, no paint marker; {result.stderr.strip()[-300:]}"
    times = {"painted": painted["t"] - result.started}
    responsive = first(result.events, "responsive")
    if responsive is not None:
        times["responsive"] = responsive["t"] - result.started
    attached = first(result.events, "attached")
    if attached is not None:
        times["attached"] = attached["t"] - result.started
        times["messages_shown"] = attached.get("messages_shown", 0)
    return times


def measure_start(basedir: Path) -> list[Figure]:
    title = "Cold start to first paint: app / bare QMainWindow"
    env = child_env(WORK / "home-startup")
    runs: dict[str, list[dict[str, float]]] = {"bare": [], "app": []}
    for index in range(WARMUP + RUNS):
        for mode in ("bare", "app") if index % 2 == 0 else ("app", "bare"):
            outcome = _start_once(mode, basedir, env)
            if isinstance(outcome, str):
                return [error_figure("1", title, "×", outcome)]
            if index >= WARMUP:
                runs[mode].append(outcome)
    bare = median([r["painted"] for r in runs["bare"]]) * 1000
    app = median([r["painted"] for r in runs["app"]]) * 1000
    attached = [r["attached"] * 1000 for r in runs["app"] if "attached" in r]
    responsive = [r["responsive"] * 1000 for r in runs["app"] if "responsive" in r]
    details: dict[str, Any] = {
        "bare_painted_ms": spread([r["painted"] * 1000 for r in runs["bare"]]),
        "app_painted_ms": spread([r["painted"] * 1000 for r in runs["app"]]),
        "app_responsive_ms": spread(responsive),
        "app_history_open_ms": spread(attached),
        "messages_shown": [r.get("messages_shown") for r in runs["app"]],
    }
    figures = [
        Figure(
            "1",
            title,
            app / bare,
            "×",
            budget=1.5,
            note=f"medians of {RUNS} alternating runs: app {app:.0f} ms, bare {bare:.0f} ms "
            "from spawn to the window's first frame painted and flushed",
            details=details,
        ).judge(),
        Figure("1", "  app: spawn → first paint", app, "ms"),
        Figure("1", "  bare QMainWindow: spawn → first paint", bare, "ms"),
    ]
    if responsive:
        figures.append(Figure("1", "  app: spawn → event loop turning", median(responsive), "ms"))
    if attached:
        figures.append(Figure("1", "  app: spawn → history open, ready", median(attached), "ms"))
    return figures


def _idle_rss(mode: str, basedir: Path, env: dict[str, str]) -> dict[str, Any] | str:
    """Start, wait for the window (and the open conversation), idle, read /proc."""
    process = subprocess.Popen(
        _launch_args(mode, basedir, 30.0),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    wanted = "attached" if mode == "app" else "painted"
    seen: dict[str, Any] | None = None
    deadline = time.monotonic() + 60
    try:
        while seen is None and time.monotonic() < deadline and process.poll() is None:
            ready, _, _ = select.select([process.stdout], [], [], 0.2)
            if ready:
                events = markers(process.stdout.readline())
                seen = first(events, wanted)
        if seen is None:
            return f"{mode}: no {wanted} marker within 60 s"
        time.sleep(IDLE_SECONDS)
        rss = read_status_kb(process.pid, "VmRSS")
        peak = read_status_kb(process.pid, "VmHWM")
    finally:
        stop(process)
    if rss is None:
        return f"{mode}: exited before its memory could be read"
    return {"rss_mb": rss / 1024, "peak_mb": (peak or 0) / 1024, **seen}


def measure_rss(basedir: Path) -> list[Figure]:
    title = "Idle RSS, 1,000-message conversation open"
    env = child_env(WORK / "home-rss")
    app: list[dict[str, Any]] = []
    bare: list[dict[str, Any]] = []
    for _ in range(RSS_RUNS):
        for mode, into in (("app", app), ("bare", bare)):
            outcome = _idle_rss(mode, basedir, env)
            if isinstance(outcome, str):
                return [error_figure("2", title, "MB", outcome)]
            into.append(outcome)
    app_rss = median([r["rss_mb"] for r in app])
    bare_rss = median([r["rss_mb"] for r in bare])
    return [
        Figure(
            "2",
            title,
            app_rss,
            "MB",
            budget=150.0,
            note=f"VmRSS {IDLE_SECONDS:.0f} s after the history opened, median of {RSS_RUNS}; "
            f"a bare QMainWindow idles at {bare_rss:.0f} MB",
            details={
                "app_rss_mb": spread([r["rss_mb"] for r in app]),
                "app_peak_mb": spread([r["peak_mb"] for r in app]),
                "bare_rss_mb": spread([r["rss_mb"] for r in bare]),
                "messages_shown": [r.get("messages_shown") for r in app],
            },
        ).judge(),
        Figure("2", "  bare QMainWindow idle RSS", bare_rss, "MB"),
    ]
