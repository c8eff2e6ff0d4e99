"""Attaching a 20 MB photo in the real window and sending it (issue #19).

The child runs MainWindow + ChatController + Store + ProviderFactory on a qasync loop,
offscreen; a loopback OpenAI-style server (its own thread and loop, so its reading is
not counted) takes the request. The photo (random pixels, a 20 MB PNG) is attached the
way a drop does it, then sent with a question to a vision model: it is hashed, copied,
thumbnailed, read and base64-encoded on the way. A 5 ms precise timer (stream.StallMeter)
shows the longest the GUI loop was blocked; VmRSS before attaching and after the reply
(and a collection) shows what the send kept.

Budgets: no event-loop step over 16 ms; memory after within 30 MB of before.
Child: `python -m bench.attach child --dir DIR`; parent: `python -m bench.attach`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import PYTHON, WORK, Figure, child_env, emit, error_figure, first, run_child

PHOTO_BYTES = 20 * 1024 * 1024


def make_photo(path: Path) -> int:
    """A PNG of random pixels (incompressible) of about PHOTO_BYTES."""
    from PySide6.QtGui import QImage

    width = 2896
    height = PHOTO_BYTES // (width * 3)
    data = os.urandom(width * height * 3)
    image = QImage(data, width, height, width * 3, QImage.Format.Format_RGB888)
    image.save(str(path))
    return path.stat().st_size


def serve_in_thread() -> tuple[str, threading.Event, list[int]]:
    """An OpenAI-style `/v1/chat/completions` on its own loop; the sizes it was sent."""
    from aiohttp import web

    received: list[int] = []
    ready = threading.Event()
    where: list[str] = []

    async def chat(request: web.Request) -> web.StreamResponse:
        size = 0
        async for piece in request.content.iter_chunked(1 << 20):  # counted, not kept
            size += len(piece)
        received.append(size)
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for data in (
            '{"choices":[{"index":0,"delta":{"role":"assistant","content":"A photo."}}]}',
            '{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
            "[DONE]",
        ):
            await response.write(f"data: {data}\n\n".encode())
        return response

    def run() -> None:
        async def main() -> None:
            app = web.Application(client_max_size=256 * 1024 * 1024)
            app.router.add_post("/v1/chat/completions", chat)
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            where.append(f"http://127.0.0.1:{port}/v1")
            ready.set()
            await asyncio.Event().wait()

        asyncio.run(main())

    threading.Thread(target=run, daemon=True, name="bench-server").start()
    ready.wait(10)
    return where[0], ready, received


def rss_kb() -> int:
    from bench.common import read_status_kb

    return read_status_kb(os.getpid(), "VmRSS") or 0


async def _app(directory: Path) -> dict[str, Any]:
    from bench.stream import StallMeter
    from gui.controller import ChatController
    from gui.core.provider_factory import ProviderFactory, client_session
    from gui.core.store import MessageStatus, Store
    from gui.widgets.main_window import MainWindow
    from gui.wiring import Wiring

    photo = directory / "photo.png"
    size = make_photo(photo)
    url, _ready, received = serve_in_thread()
    store = Store.open(directory / "history.sqlite3")
    window = MainWindow()
    try:
        async with client_session() as session:

            async def config(info: Any) -> dict[str, str]:
                return {"base_url": url} if info.name == "openai" else {}

            factory = ProviderFactory(session, config)
            controller = ChatController(store, factory, choice=("openai", "gpt-4o"))
            window.show()
            wiring = Wiring(window, controller, provider="openai", model="gpt-4o")
            await asyncio.sleep(0.3)  # first paint, idle
            finished: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

            def on_finished(message: Any) -> None:
                if not finished.done():
                    finished.set_result(message)

            controller.reply_finished.connect(on_finished)
            # A chat in use: one question first (the first render imports the Markdown
            # parser, which is not what is measured here).
            window.composer.setPlainText("Hello")
            window.composer.submit()
            await asyncio.wait_for(finished, timeout=60)
            finished = asyncio.get_running_loop().create_future()
            await asyncio.sleep(0.3)
            gc.collect()
            before = rss_kb()
            meter = StallMeter()
            meter.start()
            started = time.perf_counter()
            await wiring.attach.add_files([str(photo)])
            attached = time.perf_counter()
            window.composer.setPlainText("What is in this photo?")
            window.composer.submit()
            message = await asyncio.wait_for(finished, timeout=120)
            done = time.perf_counter()
            await asyncio.sleep(0.1)
            stalls = meter.stop()
            gc.collect()
            await asyncio.sleep(0.2)
            after = rss_kb()
            await controller.shutdown()
            return {
                "photo_bytes": size,
                "request_bytes": received[-1] if received else 0,
                "complete": message.status == MessageStatus.COMPLETE,
                "attach_s": attached - started,
                "send_s": done - attached,
                "rss_before_kb": before,
                "rss_after_kb": after,
                "stall": stalls,
            }
    finally:
        window.close()
        store.close()


def child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args(argv)
    import qasync
    from PySide6.QtWidgets import QApplication

    args.dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        result = runner.run(_app(args.dir))
    emit("result", **result)


def measure() -> list[Figure]:
    title_stall = "Attaching and sending a 20 MB photo: longest event-loop stall"
    title_rss = "Attaching and sending a 20 MB photo: memory kept after sending"
    directory = WORK / "attach"
    args = [PYTHON, "-m", "bench.attach", "child", "--dir", str(directory)]
    result = run_child(args, env=child_env(directory / "home"), timeout=300)
    outcome = first(result.events, "result")
    if outcome is None or not outcome.get("complete"):
        reason = f"exit {result.returncode}; {result.stderr.strip()[-300:]}"
        return [
            error_figure("10", title_stall, "ms", reason),
            error_figure("10", title_rss, "MB", reason),
        ]
    kept_mb = (outcome["rss_after_kb"] - outcome["rss_before_kb"]) / 1024
    return [
        Figure(
            "10",
            title_stall,
            outcome["stall"]["max_ms"],
            "ms",
            budget=16,
            note=f"attach {outcome['attach_s']:.2f} s, send {outcome['send_s']:.2f} s",
            details=outcome,
        ).judge(),
        Figure("10", title_rss, kept_mb, "MB", budget=30, details=outcome).judge(),
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(sys.argv[2:])
    else:
        for figure in measure():
            print(f"{figure.title}: {figure.value_text()} ({figure.status}) {figure.note}")
