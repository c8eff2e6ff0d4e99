"""3 (long lines). A 1 MB reply with no line break: the longest event-loop stall.

Issue #21: one long line froze the window roughly quadratically (a 400k-character reply
9 s at a time, a stored 1,000,000-character line 79 s at start-up). Each scenario runs
in its own child with a real MainWindow, offscreen, and a 5 ms PreciseTimer whose
longest gap between ticks is the stall (as in the streaming figure):

- live: a reply streams 1,000,000 characters with no newline into the window, the
  controller's largest piece (MAX_PIECE_CHARS) every frame (16 ms), then ends;
- open: a chat holding such a reply is shown (what start-up does), the loop runs on
  until it is idle, then its "Show all" link is followed until the whole text is shown,
  then "Open as text" opens it in a plain text window;
- send: a 499,000-character line is pasted into the composer and sent, the window
  shows it as the person's message.

Two texts: words (spaces, no newline) and hex digits (no break opportunity at all).
Child: `python -m bench.long_lines SCENARIO KIND CHARS` prints one `result` marker.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass
from typing import Any

from bench.common import PYTHON, WORK, Figure, child_env, emit, error_figure, first, run_child

SIZE = 1_000_000
PASTE = 499_000
SCENARIOS = ("live", "open", "send")
KINDS = ("words", "hex")
#: a child that has not finished by then is reported as a stall of at least this long
TIMEOUT_S = 120.0


@dataclass
class _Message:
    id: int
    role: str
    text: str
    status: str = "complete"
    error: Any = None
    provider: str = "openai"
    model: str = "bench-model"
    usage: Any = None


def make_text(kind: str, size: int) -> str:
    """`size` characters without a newline: Russian and English words, or hex digits."""
    if kind == "hex":  # no break opportunity anywhere: the worst case for line breaking
        return random.Random(21).randbytes(size // 2 + 1).hex()[:size]
    words = "Это длинная строка без переводов, some words of English too, и ещё "
    return (words * (size // len(words) + 1))[:size]


class _Heartbeat:
    """A 5 ms precise timer: the longest gap between its ticks is the longest stall."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.tick)
        self.last = time.perf_counter()
        self.gaps: list[float] = []

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self.last) * 1000)
        self.last = now


def _run_until(app: Any, done: Any, limit_s: float) -> bool:
    """Run the loop (with its heartbeat) until `done()` or the limit; whether it was done."""
    deadline = time.monotonic() + limit_s
    while not done():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.0005)
    return True


def child(scenario: str, kind: str, size: int) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from gui.live_reply import MAX_PIECE_CHARS
    from gui.widgets.main_window import MainWindow

    window = MainWindow()
    window.resize(1000, 720)
    window.show()
    window.set_ready()
    text = make_text(kind, size)
    question = _Message(1, "user", "Пришли длинную строку")
    window.show_conversation("openai", "bench-model", [question], False)
    for _ in range(5):
        app.processEvents()
    heartbeat = _Heartbeat()
    view = window.view
    started = time.perf_counter()
    details: dict[str, Any] = {}
    heartbeat.start()
    if scenario == "live":
        window.begin_reply(_Message(2, "assistant", "", status="streaming"))
        fed = 0
        next_at = time.perf_counter()
        while fed < size:  # one piece a frame, as the controller's flush does
            if time.perf_counter() >= next_at:
                window.append_delta(2, text[fed : fed + MAX_PIECE_CHARS])
                fed += MAX_PIECE_CHARS
                next_at += 0.016
            app.processEvents()
            time.sleep(0.0005)
        details["streamed_s"] = time.perf_counter() - started
        window.finish_reply(_Message(2, "assistant", text))
        ok = _run_until(app, lambda: "Regenerate" in view.toPlainText()[-400:], 60)
        idle_until = time.monotonic() + 0.5
        _run_until(app, lambda: time.monotonic() > idle_until, 5)
    elif scenario == "open":
        window.show_conversation(
            "openai", "bench-model", [question, _Message(2, "assistant", text)], False
        )
        idle_until = time.monotonic() + 0.5
        ok = _run_until(app, lambda: time.monotonic() > idle_until, 5)
        details["open_max_ms"] = max(heartbeat.gaps, default=0.0)
        details["open_s"] = time.perf_counter() - started
        show_all = getattr(view, "show_all", None)
        if show_all is not None:  # follow the message's "Show all" link
            shown_from = time.perf_counter()
            show_all(2)
            ok = _run_until(app, lambda: not view.is_expanding(2), 60)
            details["show_all_s"] = time.perf_counter() - shown_from
            idle_until = time.monotonic() + 0.3
            _run_until(app, lambda: time.monotonic() > idle_until, 5)
            before = len(heartbeat.gaps)
            view.open_text(2)  # "Open as text": the whole reply in a plain text window
            idle_until = time.monotonic() + 0.5
            _run_until(app, lambda: time.monotonic() > idle_until, 5)
            details["open_text_max_ms"] = max(heartbeat.gaps[before:], default=0.0)
    else:  # send: a pasted line, sent; the window shows it as the person's message
        from PySide6.QtCore import QMimeData

        mime = QMimeData()
        mime.setText(text)
        window.composer.insertFromMimeData(mime)
        app.processEvents()
        pasted = time.perf_counter()
        details["paste_s"] = pasted - started

        def shown(sent: str) -> None:
            view.append_message(_Message(3, "user", sent))
            window.message_sent()

        window.message_submitted.connect(shown)
        window.composer.submit()
        details["send_s"] = time.perf_counter() - pasted
        idle_until = time.monotonic() + 0.5
        ok = _run_until(app, lambda: time.monotonic() > idle_until, 5)
    heartbeat.tick()
    emit(
        "result",
        ok=ok,
        max_ms=max(heartbeat.gaps, default=0.0),
        over_16ms=sum(1 for gap in heartbeat.gaps if gap > 16),
        total_s=time.perf_counter() - started,
        **details,
    )


def measure(size: int = SIZE) -> list[Figure]:
    figures = []
    for scenario in SCENARIOS:
        chars = PASTE if scenario == "send" else size
        runs: dict[str, dict[str, Any]] = {}
        for kind in KINDS:
            result = run_child(
                [PYTHON, "-m", "bench.long_lines", scenario, kind, str(chars)],
                env=child_env(WORK / "home-long-lines"),
                timeout=TIMEOUT_S,
            )
            outcome = first(result.events, "result")
            runs[kind] = outcome or {"max_ms": TIMEOUT_S * 1000, "ok": False, "killed": True}
        title = {
            "live": f"  {size:,}-char single-line reply streamed: longest stall",
            "open": f"  chat with a {size:,}-char single-line reply opened: longest stall",
            "send": f"  {PASTE:,}-char pasted line sent: longest stall",
        }[scenario]
        if all(run.get("killed") for run in runs.values()):
            figures.append(error_figure("3", title, "ms", f"no child finished in {TIMEOUT_S} s"))
            continue
        worst = max(run["max_ms"] for run in runs.values())
        figures.append(
            Figure(
                "3",
                title,
                worst,
                "ms",
                budget=16.0,
                note="5 ms precise QTimer, longest gap, the worse of words and hex digits "
                "(real MainWindow, offscreen); "
                + ", ".join(f"{k} {v['max_ms']:.1f} ms" for k, v in runs.items()),
                details=runs,
            ).judge()
        )
    return figures


if __name__ == "__main__":
    child(sys.argv[1], sys.argv[2], int(sys.argv[3]))
