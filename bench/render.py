"""3 (diagnostic). A Markdown reply streamed and ended: how long the GUI thread is blocked.

A reply's Markdown renders live as it streams (gui/widgets/live_markdown.py); what the
live steps have not rendered when it ends renders in place, a piece per loop turn. This
child streams 5,000 and 20,000 characters of Markdown into a real ChatView, a frame's
worth (400 characters) every 16 ms, ends the reply, and runs the loop until the footer
(the last piece) is shown, timing each loop turn (a delta with the live step after it,
or a piece at the end): the longest is what the GUI was blocked for. No budget of its
own; it should stay under a frame. bench/long_lines.py adds the 1 MB single-line figures.

Child: `python -m bench.render` prints one `result` marker.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any

from bench.common import PYTHON, WORK, Figure, child_env, emit, error_figure, first, run_child

SIZES = (5_000, 20_000)
REPEATS = 5
FRAME_CHARS = 400
PARAGRAPH = (
    "Это **жирный** текст и `код`, а также [ссылка](https://example.com). "
    "Hello world, some more words here.\n\n"
)
LIST = "- пункт списка\n- ещё один пункт\n\n"
CODE = "```python\nfor i in range(10):\n    print(i)\n```\n\n"


@dataclass
class _Message:
    id: int
    role: str
    text: str
    status: str = "complete"
    error: Any = None  # an ErrorInfo when it failed; none here
    provider: str = "openai"
    model: str = "bench-model"
    usage: dict[str, int] = field(default_factory=dict)


def _reply(size: int) -> str:
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts += [PARAGRAPH, LIST if len(parts) % 3 else CODE]
    return "".join(parts)[:size]


def child() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    from gui.widgets.chat_view import ChatView

    results: dict[str, list[float]] = {}
    for size in SIZES:
        text = _reply(size)
        samples = []
        for repeat in range(REPEATS + 1):  # the first one loads markdown-it and Pygments
            view = ChatView()
            view.resize(900, 700)
            view.show()
            app.processEvents()
            view.begin_reply(_Message(1, "assistant", "", status="streaming"))
            longest = 0.0  # the longest loop turn, live steps and the end's pieces alike
            for start in range(0, len(text), FRAME_CHARS):  # as a stream comes in
                turn = time.perf_counter()
                view.append_delta(1, text[start : start + FRAME_CHARS])
                until = time.perf_counter() + 0.016
                while time.perf_counter() < until:
                    app.processEvents()
                    longest = max(longest, time.perf_counter() - turn)
                    time.sleep(0.001)
                    turn = time.perf_counter()
            started = time.perf_counter()
            view.update_message(_Message(1, "assistant", text))
            longest = max(longest, time.perf_counter() - started)
            while "Regenerate" not in view.toPlainText():  # the footer comes last
                time.sleep(0.002)  # the next piece's timer is due
                step = time.perf_counter()
                app.processEvents()  # a piece, and the paint after it
                longest = max(longest, time.perf_counter() - step)
            if repeat:
                samples.append(longest * 1000)
            view.deleteLater()
            app.processEvents()
        results[str(size)] = samples
    emit("result", blocked_ms=results)


def measure() -> list[Figure]:
    title = "  Markdown reply streamed live and ended: GUI thread blocked"
    result = run_child(
        [PYTHON, "-m", "bench.render"], env=child_env(WORK / "home-render"), timeout=120
    )
    from bench import long_lines  # issue #21: a 1 MB line, live, at open, pasted

    outcome = first(result.events, "result")
    if outcome is None:
        return [error_figure("3", title, "ms", result.stderr.strip()[-300:]), *long_lines.measure()]
    figures = []
    for size, samples in outcome["blocked_ms"].items():
        samples = sorted(samples)
        figures.append(
            Figure(
                "3",
                f"  {int(size):,}-char Markdown reply, live and its end: longest GUI block",
                samples[len(samples) // 2],
                "ms",
                note=f"the longest loop turn (a live step, a piece, or a paint) while a "
                f"{int(size):,}-character Markdown reply streams in at 400 characters a "
                f"frame and until it is all rendered, median of {len(samples)}",
                details={"samples_ms": samples},
            )
        )
    return figures + long_lines.measure()


if __name__ == "__main__":
    child()
