"""Every test FAULTS.md names for a #21 case exists (a rename must update the list)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.faults.cases import CASES

ROOT = Path(__file__).resolve().parents[2]


def test_every_listed_test_exists() -> None:
    missing = []
    for _number, _what, tests, _left in CASES:
        for test in tests:
            path, _, name = test.partition("::")
            tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
            names = {
                node.name
                for node in tree.body
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            }
            if name not in names:
                missing.append(test)
    assert missing == []


def test_the_cases_are_the_issues_seventeen_in_order() -> None:
    assert [case[0] for case in CASES] == list(range(1, 18))
