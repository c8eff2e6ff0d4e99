"""Sharing the interpreter with the GUI thread while worker threads compute (imports,
math typesetting): one place holds the process-wide settings, counted, so workers that
overlap never undo one another.

While any worker runs, a thread hands the interpreter lock over after the smallest
interval asked for (the GUI thread waits at most that long to handle an event), and the
garbage collector is off: a collection started on a worker would delete Qt objects the
GUI thread owns, on the wrong thread, and hold the lock for tens of milliseconds. Both
come back as they were when the last worker ends.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_asked: list[float] = []
_saved_interval = [0.005]
_saved_gc = [True]


def begin(interval_s: float) -> None:
    """A worker starts: switch at most every `interval_s`, no garbage collection."""
    with _lock:
        if not _asked:
            _saved_interval[0] = sys.getswitchinterval()
            _saved_gc[0] = gc.isenabled()
            gc.disable()
        _asked.append(interval_s)
        sys.setswitchinterval(min(*_asked, _saved_interval[0]))


def end(interval_s: float) -> None:
    """That worker ended; the last one puts everything back."""
    with _lock:
        with contextlib.suppress(ValueError):
            _asked.remove(interval_s)
        if _asked:
            sys.setswitchinterval(min(*_asked, _saved_interval[0]))
            return
        sys.setswitchinterval(_saved_interval[0])
        if _saved_gc[0]:
            gc.enable()


@contextlib.contextmanager
def sharing(interval_s: float) -> Iterator[None]:
    begin(interval_s)
    try:
        yield
    finally:
        end(interval_s)
