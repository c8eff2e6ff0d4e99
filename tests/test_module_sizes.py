"""The house rule "no module over 400 lines" (DEVELOPERS.md): one module, one job. A
module that grows past it is split by what it does, not trimmed of its docstrings."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 400


def test_no_module_of_the_app_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for folder in ("gui", "providers")
        for path in (ROOT / folder).rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert not long, f"over {LIMIT} lines: {long}"
