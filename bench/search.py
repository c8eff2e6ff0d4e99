"""6. Full-text search over 100,000 Russian and English messages through `Store.search`.

The history is built through the real Store (1,000 conversations of 100 messages). A
child opens it, runs every query of `bench.corpus.QUERIES` once to warm the page cache,
then three timed passes; a query's time is its median over the passes, and the figure is
the median over the queries (with p90 and the slowest next to it).

Child: `python -m bench.search --db PATH`.
"""

from __future__ import annotations

import argparse
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
    percentile,
    run_child,
    spread,
)

CONVERSATIONS = 1_000
PER_CONVERSATION = 100
PASSES = 3


def child(argv: list[str]) -> None:
    from bench.corpus import QUERIES
    from gui.core.store import Store

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args(argv)
    store = Store.open(args.db)
    try:
        hits = {query: len(store.search(query)) for query in QUERIES}  # warm-up pass
        timings: dict[str, list[float]] = {query: [] for query in QUERIES}
        for _ in range(PASSES):
            for query in QUERIES:
                started = time.perf_counter()
                store.search(query)
                timings[query].append(time.perf_counter() - started)
    finally:
        store.close()
    emit("result", hits=hits, timings=timings)


def measure(history: Path, built: dict[str, Any]) -> list[Figure]:
    title = "Search 100,000 messages (RU+EN): median query"
    result = run_child(
        [PYTHON, "-m", "bench.search", "--db", str(history)],
        env=child_env(WORK / "home-search"),
        timeout=180,
    )
    outcome = first(result.events, "result")
    if outcome is None:
        return [error_figure("6", title, "ms", result.stderr.strip()[-400:] or "no result")]
    per_query = {q: median(t) * 1000 for q, t in outcome["timings"].items()}
    values = list(per_query.values())
    slowest = max(per_query, key=lambda q: per_query[q])
    return [
        Figure(
            "6",
            title,
            median(values),
            "ms",
            budget=30.0,
            note=f"{len(values)} queries over {built['messages']:,} messages; p90 "
            f"{percentile(values, 0.9):.1f} ms, slowest {per_query[slowest]:.1f} ms "
            f"({slowest!r}, {outcome['hits'][slowest]} hits shown)",
            details={
                "per_query_ms": {q: round(v, 3) for q, v in per_query.items()},
                "hits": outcome["hits"],
                "spread_ms": spread(values),
                "database": built,
            },
        ).judge()
    ]


if __name__ == "__main__":
    child(sys.argv[1:])
