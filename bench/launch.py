"""Child process for start-up and memory: the real app, or a bare QMainWindow, with a
paint hook that lives only here (no hook in the product).

    python -m bench.launch bare [--hold S]
    python -m bench.launch app [--hold S] -- --basedir DIR

Both modes start the same way: this module creates the QApplication (the app's
`run_gui` reuses an existing instance) and wraps `QMainWindow.show`, so that once the
window is shown two event filters watch it and its native window, and nothing else
(an application-wide filter or `notify` override would cost ~20 µs per event, ~25 ms
across the app's 1,200 start-up events, and measure itself). Qt paints a top-level
window and its children and flushes the frame while it handles the native window's
Expose event; the filter delivers that event itself, so `painted` is stamped when it
returns, i.e. when the first whole frame is out. `responsive` follows on the next turn
of the event loop: from then on input is handled. In app mode a 2 ms timer also
reports `attached` once the window is wired to its controller (history open). After
`--hold` seconds (0: right away) the process leaves through the app's own exit path
(SIGTERM), or `app.quit()` for the bare window.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from typing import Any


def emit(event: str, **fields: Any) -> None:
    """As bench.common.emit, without importing it: this process is what is timed."""
    print("BENCH " + json.dumps({"event": event, "t": time.time(), **fields}), flush=True)


def main(argv: list[str]) -> int:
    emit("python_ready")  # interpreter and site are up
    mode = argv[0]
    hold = 0.0
    if len(argv) > 2 and argv[1] == "--hold":
        hold = float(argv[2])
    app_args = argv[argv.index("--") + 1 :] if "--" in argv else []

    # Only what both modes need: importing `Qt` alone costs ~12 ms, which would pad
    # the bare baseline.
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    def on_painted() -> None:
        emit("painted", rss_kb=_rss_kb())
        QTimer.singleShot(0, on_responsive)

    def on_responsive() -> None:
        emit("responsive")
        if mode == "bare":
            QTimer.singleShot(int(hold * 1000), leave)

    class FrameWatcher(QObject):
        """Calls `on_painted` once the Expose that painted the main window returns."""

        def __init__(self, window: QMainWindow) -> None:
            super().__init__()
            self.window = window
            self.native = window.windowHandle()
            self.delivering = False
            self.window_painted = False
            window.installEventFilter(self)
            self.native.installEventFilter(self)

        def eventFilter(self, watched: Any, event: Any) -> bool:
            kind = event.type()
            if watched is self.window:
                if kind == QEvent.Type.Paint and not self.window_painted:
                    self.window_painted = True
                    emit("paint_begin")
                return False
            if kind != QEvent.Type.Expose or self.delivering:
                return False
            self.delivering = True
            try:
                QCoreApplication.sendEvent(watched, event)  # paints and flushes
            finally:
                self.delivering = False
            if self.window_painted:
                self.window.removeEventFilter(self)
                self.native.removeEventFilter(self)
                on_painted()
            return True  # delivered above

    watchers: list[FrameWatcher] = []
    plain_show = QMainWindow.show

    def show_and_watch(window: QMainWindow) -> None:
        plain_show(window)
        if not watchers:
            watchers.append(FrameWatcher(window))

    QMainWindow.show = show_and_watch  # type: ignore[method-assign]
    app = QApplication(sys.argv[:1])
    emit("qapplication")

    def leave() -> None:
        emit("leaving")
        if mode == "bare":
            app.quit()
        else:
            os.kill(os.getpid(), signal.SIGTERM)  # the app's one exit path

    if mode == "bare":
        window = QMainWindow()
        window.resize(1100, 720)  # the app's size
        window.show()
        return app.exec()

    poll = QTimer()
    poll.setInterval(2)

    def check_attached() -> None:
        for widget in app.topLevelWidgets():
            if getattr(widget, "ready", False):
                poll.stop()
                view = getattr(widget, "view", None)
                shown = len(view.message_ids()) if view is not None else 0
                emit("attached", messages_shown=shown, rss_kb=_rss_kb())
                QTimer.singleShot(int(hold * 1000), leave)
                return

    poll.timeout.connect(check_attached)
    poll.start()
    from gui.app import main as app_main

    return app_main(app_args)


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        lines = status.read().splitlines()
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
