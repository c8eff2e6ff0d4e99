"""Overhead of one tool round, not counting the model: the emulator's reply that asks for
a tool has ended → the local stdio MCP tool answers → the request with its result has
reached the emulator. Budget: ≤ 50 ms median, the server already running.

The OpenAI-compatible emulator (tests/servers/openai.py) serves on loopback and stamps
when it finished writing the reply with the call and when the next request arrived; the
reply runs through the real ReplyRecorder, ToolLoop and ToolBox into a real history, the
tool is `add` of tests/servers/mcp_tools.py (started once, before the timed runs).

`python -m bench.tool_round [--runs N]` prints the figure; `measure()` is for bench/main.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from bench.common import WORK, Figure, emit, median, spread

RUNS = 30
BUDGET_MS = 50.0
SERVER = Path(__file__).resolve().parents[1] / "tests" / "servers" / "mcp_tools.py"


async def _rounds(runs: int, folder: Path) -> list[float]:
    import aiohttp
    from aiohttp import web

    from gui.core.recorder import ReplyRecorder
    from gui.core.session import history_for
    from gui.core.store import MessageStatus, Store
    from gui.core.tool_loop import Approval, ToolLoop, ToolRequest
    from gui.core.tools.config import ServerConfig
    from gui.core.tools.toolbox import ToolBox
    from providers.openai_compat import OpenAICompatible
    from tests.servers.openai import OpenAIEmulator, run_openai

    class Stamped(OpenAIEmulator):
        """Stamps each chat request's arrival and the end of its answer."""

        stamps: list[tuple[float, float]]

        async def chat(self, request: web.Request) -> web.StreamResponse:
            arrived = time.perf_counter()
            response = await super().chat(request)
            self.stamps.append((arrived, time.perf_counter()))
            return response

    async def allow(_request: ToolRequest) -> Approval:
        return Approval.ONCE

    box = ToolBox([ServerConfig("local", command=sys.executable, args=(str(SERVER),))])
    store = Store.open(folder / "history.sqlite3")
    samples: list[float] = []
    try:
        offer = await box.offer(["local"])  # the server is running before the timed runs
        emulator = Stamped(reply="5.", chunk_chars=64)
        emulator.stamps = []
        async with aiohttp.ClientSession() as http, run_openai(emulator):
            provider = OpenAICompatible(session=http, base_url=emulator.base_url)
            for run in range(runs + 3):  # three warm-up rounds
                call = {"id": f"c{run}", "name": "add", "arguments": '{"a": 2, "b": 3}'}
                emulator.tool_rounds = [[call]]
                emulator.stamps.clear()
                chat = store.create_conversation(provider="openai", model="llama3.2")
                store.add_message(chat.id, "user", "2+3?")
                reply = store.add_message(chat.id, "assistant", "", status=MessageStatus.STREAMING)
                loop = ToolLoop(offer, allow)
                final = await ReplyRecorder(store, reply).run(
                    provider, "llama3.2", history_for(store, chat), {}, loop=loop
                )
                if final.status != MessageStatus.COMPLETE or final.tools[0].result != "5":
                    raise RuntimeError(f"the round did not complete: {final.error}")
                (_first, answered), (asked_again, _end) = emulator.stamps
                if run >= 3:
                    samples.append((asked_again - answered) * 1000)
    finally:
        await box.aclose()
        store.close()
    return samples


def measure(runs: int = RUNS) -> list[Figure]:
    title = "One tool round (reply with a call → stdio MCP tool → request sent back)"
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as folder:
        samples = asyncio.run(_rounds(runs, Path(folder)))
    return [
        Figure(
            "9",
            title,
            median(samples),
            "ms",
            budget=BUDGET_MS,
            note=f"median of {len(samples)} rounds, server already running; "
            f"fastest {min(samples):.1f} ms, slowest {max(samples):.1f} ms",
            details={"samples_ms": [round(s, 3) for s in samples], "spread_ms": spread(samples)},
        ).judge()
    ]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tool_round")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args(argv)
    (figure,) = measure(args.runs)
    emit("result", value_ms=figure.value, status=figure.status, note=figure.note)
    print(f"{figure.title}: {figure.value_text()} (budget {figure.budget_text()}) {figure.status}")
    print(figure.note)


if __name__ == "__main__":
    main(sys.argv[1:])
