"""Command-line test plumbing: earlier tests' garbage is collected on the GUI thread."""

from __future__ import annotations

import gc

import pytest


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread() -> None:
    """Collect garbage now, on the thread that owns Qt objects. A subprocess's watcher
    thread (asyncio waits for children in one) may otherwise run a collection that
    deletes an earlier test's Qt objects there, and Qt warns about it."""
    gc.collect()
