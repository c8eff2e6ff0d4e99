"""What every benchmark shares: paths, child processes, markers, figures and budgets.

Children print one line per event, `BENCH {json}`, so a parent can read them among
whatever else a program writes to stdout.
"""

from __future__ import annotations

import dataclasses
import json
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
#: Scratch space (databases, profiles, CA files); under results/, so git ignores it.
WORK = RESULTS / "work"
PYTHON = sys.executable
MARKER = "BENCH "

Status = Literal["PASS", "MISS", "INFO", "SKIP", "ERROR"]


def emit(event: str, **fields: Any) -> None:
    """A child's report line: `BENCH {"event": ..., "t": wall clock, ...}`."""
    print(MARKER + json.dumps({"event": event, "t": time.time(), **fields}), flush=True)


def markers(text: str) -> list[dict[str, Any]]:
    return [
        json.loads(line[len(MARKER) :]) for line in text.splitlines() if line.startswith(MARKER)
    ]


def first(events: Sequence[Mapping[str, Any]], name: str) -> dict[str, Any] | None:
    return next((dict(e) for e in events if e.get("event") == name), None)


def child_env(home: Path, **extra: str) -> dict[str, str]:
    """An isolated, headless environment: throwaway HOME, offscreen Qt, no keychain."""
    home.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
        and key != "PYTHONDONTWRITEBYTECODE"
        and not key.startswith(("GIGACHAT_", "QT_"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        QT_QPA_PLATFORM="offscreen",
        # A desktop would have a Secret Service; D-Bus timeouts here would measure nothing.
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        PYTHONPATH=str(ROOT),
        # Bytecode is cached, as after a person's first start, but outside the checkout.
        PYTHONPYCACHEPREFIX=str(WORK / "pycache"),
    )
    env.update(extra)
    return env


@dataclasses.dataclass
class ChildResult:
    returncode: int
    stdout: str
    stderr: str
    events: list[dict[str, Any]]
    started: float


def run_child(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    timeout: float,
    cwd: Path = ROOT,
) -> ChildResult:
    """Run a child to its end (killed at `timeout`); `started` is the wall clock just
    before the spawn, which children compare with their own `time.time()` markers."""
    started = time.time()
    process = subprocess.Popen(
        list(args),
        cwd=cwd,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(process)
        stdout, stderr = process.communicate()
        stderr += f"\n[bench] killed after {timeout:.0f} s"
    return ChildResult(process.returncode, stdout, stderr, markers(stdout), started)


def start_server(
    args: Sequence[str], *, env: Mapping[str, str], timeout: float = 30.0
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Start a server process that prints one JSON line when it listens; return both.

    Its stderr goes to a file (a pipe nobody reads could fill and block the server)."""
    WORK.mkdir(parents=True, exist_ok=True)
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the child owns it from here
        "w+", dir=WORK, prefix="server-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        list(args),
        cwd=ROOT,
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
    )
    log.close()
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if line.strip().startswith("{"):
                return process, json.loads(line)
            if not line:
                break
        if process.poll() is not None:
            break
    stop(process)
    stderr = Path(log.name).read_text(errors="replace")
    raise RuntimeError(f"server {' '.join(args[:3])} did not start: {stderr.strip()[-400:]}")


def stop(process: subprocess.Popen[Any], grace: float = 5.0) -> None:
    """SIGTERM (the app's clean exit path), then SIGKILL if it does not go in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def read_status_kb(pid: int, field: str) -> int | None:
    """A `/proc/PID/status` line in kB (VmRSS, VmHWM)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def spread(values: Sequence[float]) -> dict[str, float | int]:
    """Median, min, max and count: enough to see whether a figure is noise."""
    if not values:
        return {"n": 0}
    return {
        "median": round(median(values), 6),
        "min": round(min(values), 6),
        "max": round(max(values), 6),
        "n": len(values),
    }


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


@dataclasses.dataclass
class Figure:
    """One line of the table: a measured value next to its budget."""

    key: str
    title: str
    value: float | None
    unit: str
    budget: float | None = None
    #: "le": the value must be at most the budget; "ge": at least
    compare: Literal["le", "ge"] = "le"
    status: Status = "INFO"
    note: str = ""
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    def judge(self) -> Figure:
        if self.value is None:
            if self.status == "INFO":
                self.status = "ERROR"
            return self
        if self.budget is None:
            self.status = "INFO"
        elif self.compare == "le":
            self.status = "PASS" if self.value <= self.budget else "MISS"
        else:
            self.status = "PASS" if self.value >= self.budget else "MISS"
        return self

    def budget_text(self) -> str:
        if self.budget is None:
            return "—"
        sign = "≤" if self.compare == "le" else "≥"
        return f"{sign} {format_value(self.budget, self.unit)}"

    def value_text(self) -> str:
        return "—" if self.value is None else format_value(self.value, self.unit)


def format_value(value: float, unit: str) -> str:
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "MB":
        return f"{value:.0f} MB" if value >= 100 else f"{value:.1f} MB"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "tok/s":
        return f"{value:,.0f} tok/s"
    return f"{value:g} {unit}".strip()


def error_figure(key: str, title: str, unit: str, reason: str, status: Status = "ERROR") -> Figure:
    return Figure(key, title, None, unit, status=status, note=reason)


def table(figures: Sequence[Figure]) -> str:
    rows = [("#", "benchmark", "measured", "budget", "result")]
    for figure in figures:
        rows.append(
            (
                figure.key,
                figure.title,
                figure.value_text(),
                figure.budget_text(),
                figure.status,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def notes(figures: Sequence[Figure]) -> Iterator[str]:
    for figure in figures:
        if figure.note:
            yield f"- {figure.title}: {figure.note}"
