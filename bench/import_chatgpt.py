"""8. Importing a ChatGPT export of 2,000 conversations / 100,000 messages in the window.

The parent writes a `conversations.json` as ChatGPT's data export does (a hidden system
message at each root, Russian and English text, every fifth conversation with a
regenerated answer and an edited question, so a fifth are trees), streamed to disk. A
child process runs the real window (MainWindow + ChatController + Wiring + Store, on a
qasync loop, offscreen) and imports it through `HistoryActions.import_chat`, the path
File → Import takes: read, checked and written on a worker thread, the progress window
shown, the first chat opened at the end. A 5 ms precise QTimer (`bench.stream.StallMeter`)
records the gaps between its ticks from the click to the status line: the longest gap is
the longest the event loop was blocked. Total time is click → status line; peak memory is
the child's `VmHWM` at the end (the whole process: Qt, the window, the import).

    .venv/bin/python -m bench.import_chatgpt          generate, run the child, print figures
    python -m bench.import_chatgpt --child EXPORT DIR the child (DIR: a fresh --basedir)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import time
from pathlib import Path
from typing import IO, Any

from bench.common import (
    PYTHON,
    WORK,
    Figure,
    child_env,
    emit,
    error_figure,
    first,
    read_status_kb,
    run_child,
    table,
)

CONVERSATIONS = 2_000
MESSAGES = 100_000
PER_CONVERSATION = MESSAGES // CONVERSATIONS
BRANCHED_EVERY = 5
TIME_BUDGET_S = 60.0
STALL_BUDGET_MS = 16.0
MEMORY_BUDGET_MB = 300.0
T0 = 1_650_000_000.0

_WORDS = (
    "история",
    "память",
    "дерево",
    "ветка",
    "ответ",
    "вопрос",
    "модель",
    "импорт",
    "контекст",
    "пример",
    "the",
    "export",
    "history",
    "branch",
    "answer",
    "question",
    "model",
    "import",
    "context",
    "example",
    "сообщение",
    "разговор",
    "настройка",
    "проверка",
    "tree",
    "message",
    "conversation",
    "setting",
    "check",
)


def _node(
    ident: str, parent: str | None, role: str | None, text: str, when: float, **meta: Any
) -> dict[str, Any]:
    message = None
    if role is not None:
        message = {
            "id": ident,
            "author": {"role": role, "name": None, "metadata": {}},
            "create_time": when,
            "update_time": None,
            "content": {"content_type": "text", "parts": [text]},
            "status": "finished_successfully",
            "end_turn": role == "assistant",
            "weight": 1.0,
            "metadata": {"message_type": None, "model_slug": "gpt-4o", **meta},
            "recipient": "all",
            "channel": None,
        }
    return {"id": ident, "message": message, "parent": parent, "children": []}


def _conversation(number: int, rng: random.Random) -> dict[str, Any]:
    """PER_CONVERSATION messages: a branch of questions and answers; in every fifth, one
    answer regenerated and one question edited (with its answer) beside the path."""
    ident = f"6a1b{number:08x}-0000-4000-8000-{number:012x}"
    started = T0 + number * 3_600.0
    mapping: dict[str, Any] = {}

    def add(name: str, parent: str | None, role: str | None, text: str, **meta: Any) -> str:
        key = f"{ident}-{name}"
        mapping[key] = _node(key, parent, role, text, started + len(mapping), **meta)
        if parent is not None:
            mapping[parent]["children"].append(key)
        return key

    def words() -> str:
        return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 70)))

    parent = add("root", None, None, "")
    parent = add("system", parent, "system", "", is_visually_hidden_from_conversation=True)
    branched = number % BRANCHED_EVERY == 0
    main = PER_CONVERSATION - (3 if branched else 0)
    fork_at = main // 2 if main % 4 == 0 else main // 2 - 1  # at an answer: odd position
    for position in range(main):
        role = "user" if position % 2 == 0 else "assistant"
        here = add(f"m{position}", parent, role, words())
        if branched and position == fork_at:
            add("regenerated", parent, "assistant", words())
            edited = add("edited", here, "user", words())
            add("edited-answer", edited, "assistant", words())
        parent = here
    return {
        "title": f"Разговор {number}: {rng.choice(_WORDS)}",
        "create_time": started,
        "update_time": started + len(mapping),
        "mapping": mapping,
        "moderation_results": [],
        "current_node": parent,
        "plugin_ids": None,
        "conversation_id": ident,
        "conversation_template_id": None,
        "gizmo_id": None,
        "is_archived": False,
        "safe_urls": [],
        "default_model_slug": "gpt-4o",
        "id": ident,
    }


def generate(path: Path, conversations: int = CONVERSATIONS, seed: int = 8) -> dict[str, int]:
    """Write the export a conversation at a time; returns what it holds."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as file:
        _write(file, conversations, rng)
    return {
        "conversations": conversations,
        "messages": conversations * PER_CONVERSATION,
        "bytes": path.stat().st_size,
    }


def _write(file: IO[str], conversations: int, rng: random.Random) -> None:
    file.write("[")
    for number in range(conversations):
        if number:
            file.write(", ")
        file.write(json.dumps(_conversation(number, rng), ensure_ascii=False))
    file.write("]")


async def _import(export: Path, basedir: Path) -> dict[str, Any]:
    from bench.stream import StallMeter
    from gui.controller import ChatController
    from gui.core.provider_factory import ProviderFactory, client_session
    from gui.core.store import Store
    from gui.widgets.main_window import MainWindow
    from gui.wiring import Wiring

    store = Store.open(basedir / "history.sqlite3")
    window = MainWindow()
    try:
        async with client_session() as session:

            async def config(_info: Any) -> dict[str, str]:
                return {}

            factory = ProviderFactory(session, config)
            controller = ChatController(store, factory, choice=("openai", "bench-model"))
            window.show()
            wiring = Wiring(window, controller, provider="openai", model="bench-model")
            await asyncio.sleep(0.3)  # first paint, idle
            meter = StallMeter()
            written: list[int] = []  # ticks before the list of chats is refreshed

            def listed() -> None:
                if not written:
                    written.append(len(meter.gaps))

            controller.conversations_changed.connect(listed)
            meter.start()
            started = time.monotonic()
            status = await wiring.history.import_chat(str(export))
            total = time.monotonic() - started
            await asyncio.sleep(0.05)  # the paint of the chat opened at the end
            stalls = meter.stop()
            before = [g * 1000 for g in meter.gaps[: written[0] if written else None]]
            stalls["import_max_ms"] = max(before, default=0.0)
            conversations = len(store.list_conversations())
            with store._reading() as conn:
                messages = int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
            await controller.shutdown()
            return {
                "total_s": total,
                "stall": stalls,
                "status": status,
                "conversations": conversations,
                "messages": messages,
                "peak_rss_mb": (read_status_kb(_pid(), "VmHWM") or 0) / 1024,
            }
    finally:
        window.close()
        store.close()


def _pid() -> int:
    import os

    return os.getpid()


def child(export: Path, basedir: Path) -> None:
    import qasync
    from PySide6.QtWidgets import QApplication

    basedir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        result = runner.run(_import(export, basedir))
    emit("result", **result)


def measure() -> list[Figure]:
    """Generate the export, import it in a child, and return the figures."""
    title = "Import of a ChatGPT export (2,000 chats, 100,000 messages)"
    export = WORK / "chatgpt-export" / "conversations.json"
    held = generate(export)
    basedir = WORK / "chatgpt-import"
    if basedir.exists():
        shutil.rmtree(basedir)
    run = run_child(
        [PYTHON, "-m", "bench.import_chatgpt", "--child", str(export), str(basedir)],
        env=child_env(WORK / "home-import"),
        timeout=300,
    )
    result = first(run.events, "result")
    if run.returncode != 0 or result is None:
        reason = run.stderr.strip().splitlines()[-1:] or [f"exit {run.returncode}"]
        return [error_figure("8", title, "s", reason[0])]
    complete = result["messages"] >= held["messages"] * 0.9
    note = (
        f"{held['bytes'] / 1_048_576:.0f} MB file; {result['conversations']:,} chats and"
        f" {result['messages']:,} messages stored (system messages left out);"
        f" status: {result['status']}"
    )
    details = {"export": held, **{k: v for k, v in result.items() if k not in ("event", "t")}}
    figures = [
        Figure(
            "8",
            f"{title}: total",
            result["total_s"],
            "s",
            TIME_BUDGET_S,
            note=note,
            details=details,
        ),
        Figure(
            "8",
            f"{title}: longest event-loop stall",
            result["stall"]["max_ms"],
            "ms",
            STALL_BUDGET_MS,
            note=f"p99 {result['stall']['p99_ms']:.1f} ms,"
            f" {result['stall']['over_16ms']} gaps over 16 ms",
        ),
        Figure(
            "8",
            f"{title}: longest stall while reading and writing (before the list refresh)",
            result["stall"]["import_max_ms"],
            "ms",
            note="the figure above also holds the sidebar's rebuild with 2,000 chats",
        ),
        Figure("8", f"{title}: peak memory", result["peak_rss_mb"], "MB", MEMORY_BUDGET_MB),
    ]
    for figure in figures:
        figure.judge()
        if not complete:
            figure.status = "ERROR"
            figure.note = f"import incomplete: {note}"
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_chatgpt")
    parser.add_argument("--child", nargs=2, metavar=("EXPORT", "BASEDIR"), type=Path)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    figures = measure()
    print(table(figures))
    for figure in figures:
        if figure.note:
            print(f"- {figure.title}: {figure.note}")
    return 1 if any(f.status == "ERROR" for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
