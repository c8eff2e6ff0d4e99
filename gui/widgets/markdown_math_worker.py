"""The math worker: one thread for the whole app that typesets LaTeX with ziamath (pure
Python, 1–20 ms a formula, 160 ms for the first), so the GUI thread never waits for it.
Split from gui/widgets/markdown_math_images.py, which paints the results.

The thread runs pure Python that owns no Qt object. While it works, automatic garbage
collection is paused (and resumed from the GUI thread), so a collection its allocations
start can never delete a Qt object on the wrong thread; and the interpreter switches
threads every 0.2 ms instead of 5 ms, so the GUI thread never waits long for the lock.
Jobs are handed over on the next timer tick, not at once: a layout asks for many formulas
in a row, and each of its calls into Python would wait for a busy thread.
"""

from __future__ import annotations

import collections
import contextlib
import queue
import threading
import time
import weakref
from typing import NamedTuple, Protocol

from PySide6.QtCore import QByteArray, QCoreApplication, QElapsedTimer, QRectF, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from gui import pacing
from gui.widgets.markdown_math import MathError, Typeset, typeset

__all__ = ["MathKey", "Owner", "hold", "submit", "svg_image"]

#: GUI time per pump tick for handing results over; the rest waits a tick.
_PUMP_BUDGET_MS = 4
_PUMP_INTERVAL_MS = 15
#: The interpreter's thread switch interval while the worker computes (see submit).
_SWITCH_INTERVAL_S = 0.0002


class MathKey(NamedTuple):
    """One formula as drawn: its source, kind, colour, size (px) and device pixel ratio."""

    latex: str
    display: bool
    colour: str
    size: float
    dpr: float


class Owner(Protocol):
    """Who asked for a formula: told on the GUI thread when it is done (None: it failed)."""

    def finish(self, key: MathKey, result: Typeset | None) -> None: ...


def svg_image(svg: str, dpr: float) -> QImage | None:
    """The SVG painted at `dpr` (on the GUI thread: ~1 ms), None if QtSvg cannot read it."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        return None
    box = renderer.viewBoxF()
    width, height = max(1, round(box.width() * dpr)), max(1, round(box.height() * dpr))
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, width, height))
    painter.end()
    image.setDevicePixelRatio(dpr)
    return image


class _Worker:
    """One thread for the whole app, fed from the GUI thread; results go back through a
    timer on the GUI thread, to the MathImages that asked if it still exists."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[weakref.ref[Owner], MathKey] | None]
        self._jobs = queue.SimpleQueue()
        self._results: collections.deque[tuple[weakref.ref[Owner], MathKey, Typeset | None]]
        self._results = collections.deque()
        self._thread: threading.Thread | None = None
        self._timer: QTimer | None = None
        self._outstanding = 0
        #: of those, the jobs handed to the thread and not back yet
        self._computing = 0
        self._queued: list[tuple[weakref.ref[Owner], MathKey]] = []
        #: no job goes to the thread before this (time.monotonic): a reply floods in
        self.hold_until = 0.0

    def submit(self, owner: Owner, key: MathKey) -> None:
        self._outstanding += 1
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="math", daemon=True)
            self._thread.start()
        if self._timer is None:
            self._timer = QTimer(QCoreApplication.instance())
            self._timer.setInterval(_PUMP_INTERVAL_MS)
            self._timer.timeout.connect(self._pump)
        if not self._timer.isActive():
            self._timer.start()
        # Handed to the thread on the next tick, not now: a layout asks for many formulas
        # in a row, and each of its calls into Python would wait for the busy thread.
        self._queued.append((weakref.ref(owner), key))

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            owner, key = job
            try:
                result: Typeset | None = typeset(key.latex, key.display, key.size, key.colour)
            except MathError:
                result = None
            except Exception:  # a bug in a dependency must not stop the thread
                result = None
            self._results.append((owner, key, result))

    def _pump(self) -> None:
        if self._queued and time.monotonic() >= self.hold_until:
            if self._computing == 0:
                # The GUI thread's Python (every event it handles) waits for the
                # interpreter lock up to the switch interval while this thread computes:
                # 5 ms by default; and no collection may run meanwhile (gui/pacing.py,
                # shared with other workers). Only while it computes: not while held.
                pacing.begin(_SWITCH_INTERVAL_S)
            self._computing += len(self._queued)
            for job in self._queued:
                self._jobs.put(job)
            self._queued.clear()
        clock = QElapsedTimer()
        clock.start()
        while self._results and clock.elapsed() < _PUMP_BUDGET_MS:
            owner, key, result = self._results.popleft()
            self._outstanding -= 1
            self._computing -= 1
            if self._computing == 0:
                pacing.end(_SWITCH_INTERVAL_S)
            target = owner()
            if target is not None:
                with contextlib.suppress(RuntimeError):  # its document is gone
                    target.finish(key, result)
        if self._outstanding == 0 and self._timer is not None:
            self._timer.stop()


_WORKER = _Worker()
submit = _WORKER.submit


def hold(seconds: float) -> None:
    """Hand the thread no new job for `seconds`: a reply floods in, and typesetting (pure
    Python) would take half the interpreter from it; each formula's source shows until."""
    _WORKER.hold_until = max(_WORKER.hold_until, time.monotonic() + seconds)
