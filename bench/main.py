"""`bench/run`: build the histories, run every benchmark, print the table, write JSON.

    bench/run                 everything (about 2 minutes here; the first run also
                              creates bench/.venv-g4f for gpt4free and the gigachat SDK)
    bench/run --only 3,5      some of them

Exit status: 0 when every figure was measured (a missed budget is a finding, not a
failure), 1 when a benchmark could not run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import shutil
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT, WORK, Figure, error_figure, notes, table

ALL = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "10")


def log(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


class Histories:
    """The databases the benchmarks open, built once per run through the real Store."""

    def __init__(self) -> None:
        self.built: dict[str, dict[str, Any]] = {}

    def _build(
        self, name: str, conversations: list[tuple[str, int]], seed: int, branches: int = 0
    ) -> Path:
        from bench.corpus import build_history

        path = WORK / "histories" / name / "history.sqlite3"
        if name not in self.built:
            log(f"building history {name} ({sum(c for _, c in conversations):,} messages)")
            self.built[name] = build_history(path, conversations, seed=seed, branches=branches)
        return path

    def thousand(self) -> Path:
        """A small chat and, newest (opened at start), a 1,000-message one."""
        return self._build("h1000", [("Small chat", 10), ("Тысяча сообщений", 1000)], seed=1)

    def profile(self) -> Path:
        """A `--basedir` whose history is `thousand()`."""
        from bench.corpus import copy_history

        basedir = WORK / "profile-1000"
        if basedir.exists():
            shutil.rmtree(basedir)
        copy_history(self.thousand(), basedir / "data" / "history.sqlite3")
        return basedir

    def five_thousand(self) -> tuple[Path, int, int]:
        path = self._build(
            "h5000", [("Пять тысяч сообщений", 5000), ("Small chat", 10)], seed=3, branches=300
        )
        big, small = self.built["h5000"]["conversation_ids"]
        return path, int(big), int(small)

    def hundred_thousand(self) -> tuple[Path, dict[str, Any]]:
        from bench.search import CONVERSATIONS, PER_CONVERSATION

        chats = [(f"Chat {i}", PER_CONVERSATION) for i in range(CONVERSATIONS)]
        path = self._build("h100k", chats, seed=2)
        return path, self.built["h100k"]


def _sections(histories: Histories) -> dict[str, tuple[str, Callable[[], list[Figure]]]]:
    from bench import (
        attach,
        bundle,
        import_chatgpt,
        open_conversation,
        render,
        search,
        startup,
        stream,
        tool_round,
        ttft,
    )

    return {
        "1": ("cold start", lambda: startup.measure_start(histories.profile())),
        "2": ("idle memory", lambda: startup.measure_rss(histories.profile())),
        "3": (
            "streaming",
            lambda: (
                stream.measure(histories.thousand())
                + stream.measure_markdown(histories.thousand())
                + render.measure()
            ),
        ),
        "4": ("time to first token", ttft.measure),
        "5": ("opening a long chat", lambda: open_conversation.measure(*histories.five_thousand())),
        "6": ("search", lambda: search.measure(*histories.hundred_thousand())),
        "7": ("bundle", lambda: bundle.measure(histories.profile())),
        "8": ("importing a ChatGPT export", import_chatgpt.measure),
        "9": ("one tool round", tool_round.measure),
        "10": ("attaching a photo", attach.measure),
    }


def _environment() -> dict[str, Any]:
    def version(package: str) -> str:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as installed

        try:
            return installed(package)
        except PackageNotFoundError:
            return "-"

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    import os

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "commit": commit or "-",
        "packages": {p: version(p) for p in ("PySide6-Essentials", "qasync", "aiohttp")},
        "qt_platform": "offscreen",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(ALL), help="comma-separated numbers, 1-7")
    args = parser.parse_args(argv)
    wanted = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = sorted(set(wanted) - set(ALL))
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}")
    started = time.monotonic()
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    histories = Histories()
    sections = _sections(histories)
    figures: list[Figure] = []
    for number in ALL:
        if number not in wanted:
            continue
        name, run = sections[number]
        log(f"{number}. {name}")
        section_started = time.monotonic()
        try:
            figures.extend(run())
        except Exception as error:
            trace = traceback.format_exc(limit=3).strip().splitlines()[-1]
            figures.append(error_figure(number, name, "", f"{type(error).__name__}: {trace}"))
        log(f"{number}. {name}: {time.monotonic() - section_started:.0f} s")
    elapsed = time.monotonic() - started
    print(table(figures))
    lines = list(notes(figures))
    if lines:
        print("\nHow each figure was measured:")
        print("\n".join(lines))
    print(f"\n{len(figures)} figures in {elapsed:.0f} s; JSON in {RESULTS / 'latest.json'}")
    report = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(elapsed, 1),
        "environment": _environment(),
        "histories": histories.built,
        "figures": [dataclasses.asdict(f) for f in figures],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
    (RESULTS / "latest.json").write_text(text + "\n", encoding="utf-8")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"run-{stamp}.json").write_text(text + "\n", encoding="utf-8")
    return 1 if any(f.status == "ERROR" for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
