"""The formula worker takes the interpreter's settings (garbage collection off, a short
switch interval: gui/pacing.py) only while it computes: not while its jobs are held
back because a reply floods in, and never after the last formula is drawn."""

from __future__ import annotations

import gc
import time
from typing import Any

from PySide6.QtWidgets import QApplication

from gui.widgets import markdown_math_worker as worker
from gui.widgets.markdown_math_worker import MathKey


class Owner:
    def __init__(self) -> None:
        self.done: list[MathKey] = []

    def finish(self, key: MathKey, result: Any) -> None:
        self.done.append(key)


def _turns_until(condition: Any, seconds: float = 20.0) -> None:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.005)


def test_collection_stays_on_while_formulas_are_held(qtbot: Any) -> None:
    assert gc.isenabled()
    owner = Owner()
    worker.hold(0.3)  # a reply floods in
    worker.submit(owner, MathKey("x^2 + 1", False, "#000000", 14.0, 1.0))
    _turns_until(lambda: False, 0.1)  # pump ticks while the hold lasts
    assert gc.isenabled() and not owner.done  # held: nothing computes, nothing is off
    _turns_until(lambda: bool(owner.done))
    assert owner.done  # typeset once the hold ended
    _turns_until(gc.isenabled, 2.0)
    assert gc.isenabled()  # and everything is back as it was
