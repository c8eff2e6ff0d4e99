"""Background tasks of the window's controllers: held in the caller's set until they end
(the event loop keeps only weak references to tasks), and a failure logged, never lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

__all__ = ["spawn"]

log = logging.getLogger(__name__)


def spawn(
    held: set[asyncio.Task[Any]], coroutine: Coroutine[Any, Any, Any], name: str
) -> asyncio.Task[Any]:
    """Run `coroutine` as a task named `name`, in `held` until it ends."""
    task: asyncio.Task[Any] = asyncio.get_running_loop().create_task(coroutine, name=name)
    held.add(task)

    def done(ended: asyncio.Task[Any]) -> None:
        held.discard(ended)
        if not ended.cancelled() and (error := ended.exception()) is not None:
            log.error("task %s failed", ended.get_name(), exc_info=error)

    task.add_done_callback(done)
    return task
