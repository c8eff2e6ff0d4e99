"""5. Opening a 5,000-message conversation: a click in the sidebar to its last message painted;
and switching its first message's version: a click on ‹ › to the other branch painted.

The real window (MainWindow + ChatController + Store on a qasync loop, offscreen) shows a
small chat first. Each run clicks the small chat, lets the window go idle, then clicks the
big one with a real mouse event on its sidebar row. The clock starts just before the click
and stops on the first loop turn after the chat view's viewport has painted with the
conversation's last message in view (scroll bar at the bottom).

Child: `python -m bench.open_conversation --db PATH --big ID --small ID`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import (
    PYTHON,
    WORK,
    Figure,
    child_env,
    emit,
    error_figure,
    first,
    median,
    run_child,
    spread,
)

RUNS = 15


async def _runs(db: Path, big: int, small: int, runs: int) -> dict[str, Any]:
    import aiohttp
    from PySide6.QtCore import QEvent, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from gui.controller import ChatController
    from gui.core.provider_factory import ProviderFactory
    from gui.core.store import Store
    from gui.widgets.conversation_list import ID_ROLE
    from gui.widgets.main_window import MainWindow

    store = Store.open(db)
    path = store.path_ids(big)
    last_id, first_id = path[-1], path[0]
    total = store.count_messages(big)
    window = MainWindow()
    loop = asyncio.get_running_loop()

    class PaintProbe(QObject):
        """Resolves `waiting` on the loop turn after the viewport's next paint."""

        def __init__(self) -> None:
            super().__init__()
            self.waiting: asyncio.Future[float] | None = None

        def eventFilter(self, watched: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint and self.waiting is not None:
                waiting, self.waiting = self.waiting, None

                def painted() -> None:
                    if not waiting.done():
                        waiting.set_result(time.perf_counter())

                QTimer.singleShot(0, painted)
            return False

    def click(conversation_id: int) -> None:
        sidebar = window.sidebar.list
        for row in range(sidebar.count()):
            item = sidebar.item(row)
            if item.data(ID_ROLE) == conversation_id:
                point = sidebar.visualItemRect(item).center()
                QTest.mouseClick(
                    sidebar.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), point
                )
                return
        raise RuntimeError(f"conversation {conversation_id} is not in the sidebar")

    try:
        async with aiohttp.ClientSession() as session:

            async def no_config(_info: Any) -> dict[str, str]:
                return {}

            controller = ChatController(store, ProviderFactory(session, no_config))
            window.show()
            from gui.wiring import Wiring

            Wiring(window, controller, provider="openai", model="bench-model")
            probe = PaintProbe()
            window.view.viewport().installEventFilter(probe)
            await asyncio.sleep(0.3)
            samples: list[float] = []
            sync_part: list[float] = []
            for _ in range(runs):
                click(small)
                await asyncio.sleep(0.15)
                assert controller.current_id == small
                probe.waiting = loop.create_future()
                started = time.perf_counter()
                click(big)
                clicked = time.perf_counter()
                painted = await asyncio.wait_for(probe.waiting, timeout=10)
                bar = window.view.verticalScrollBar()
                ids = window.view.message_ids()
                if controller.current_id != big or not ids or ids[-1] != last_id:
                    raise RuntimeError("the big conversation did not open on the click")
                if bar.value() != bar.maximum():
                    raise RuntimeError("the view was not scrolled to the last message")
                samples.append(painted - started)
                sync_part.append(clicked - started)
            shown = len(window.view.message_ids())
            switches = await _switches(window, controller, probe, big, first_id, runs)
            await controller.shutdown()
        QApplication.processEvents()
    finally:
        window.close()
        store.close()
    return {
        "samples": samples,
        "sync": sync_part,
        "total": total,
        "shown": shown,
        "switches": switches,
    }


async def _switches(
    window: Any, controller: Any, probe: Any, big: int, first_id: int, runs: int
) -> list[float]:
    """Click the first message's version switcher (‹ ›), there and back: click → painted."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    from gui.widgets.message_html import action_url

    loop = asyncio.get_running_loop()
    view = window.view

    def link(href: str) -> int | None:
        block = view.document().begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                if fragment.isValid() and fragment.charFormat().anchorHref() == href:
                    return int(fragment.position()) + 1
                fragments += 1
            block = block.next()
        return None

    controller.open_conversation(big, scroll_to=first_id)
    await asyncio.sleep(0.2)
    samples: list[float] = []
    for index in range(runs * 2):
        top = view.message_ids()[0]
        action = "next" if index % 2 == 0 else "previous"
        position = link(action_url(action, top))
        if position is None:
            raise RuntimeError(f"no {action} link on the first message")
        cursor = QTextCursor(view.document())
        cursor.setPosition(position)
        view.setTextCursor(cursor)
        view.ensureCursorVisible()
        await asyncio.sleep(0.1)  # idle, scrolled there: only the click is timed
        rect = view.cursorRect(cursor)
        probe.waiting = loop.create_future()
        started = time.perf_counter()
        QTest.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier(0),
            QPoint(rect.center().x(), rect.center().y()),
        )
        painted = await asyncio.wait_for(probe.waiting, timeout=10)
        if view.message_ids()[0] == top:
            raise RuntimeError("the click did not switch the version")
        samples.append(painted - started)
    return samples


def child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--big", type=int, required=True)
    parser.add_argument("--small", type=int, required=True)
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        result = runner.run(_runs(args.db, args.big, args.small, args.runs))
    emit("result", **result)


def measure(history: Path, big: int, small: int) -> list[Figure]:
    from bench.corpus import copy_history

    title = "Open a 5,000-message chat: click → last message painted"
    db = WORK / "open" / "history.sqlite3"
    copy_history(history, db)
    result = run_child(
        [
            PYTHON,
            "-m",
            "bench.open_conversation",
            "--db",
            str(db),
            "--big",
            str(big),
            "--small",
            str(small),
        ],
        env=child_env(WORK / "home-open"),
        timeout=120,
    )
    outcome = first(result.events, "result")
    if outcome is None:
        return [error_figure("5", title, "ms", result.stderr.strip()[-400:] or "no result")]
    samples = [s * 1000 for s in outcome["samples"]]
    sync = [s * 1000 for s in outcome["sync"]]
    switches = [s * 1000 for s in outcome["switches"]]
    return [
        Figure(
            "5",
            title,
            median(samples),
            "ms",
            budget=150.0,
            note=f"median of {len(samples)} clicks; the view loads the newest "
            f"{outcome['shown']} of {outcome['total']} messages, older ones on scrolling up; "
            f"the click's own handling takes {median(sync):.1f} ms of it",
            details={"click_to_paint_ms": spread(samples), "click_handler_ms": spread(sync)},
        ).judge(),
        Figure(
            "5",
            "Switch the first message's version in it: click → painted",
            median(switches),
            "ms",
            budget=50.0,
            note=f"median of {len(switches)} clicks on ‹ › of the first message, there and "
            "back: to a short version, and back to the 5,000-message path (shown from its top)",
            details={"click_to_paint_ms": spread(switches)},
        ).judge(),
    ]


if __name__ == "__main__":
    child(sys.argv[1:])
