"""The one retry loop: a request that failed before any text is made again, a few times.

A busy service (429, 502, 503, 504) or a connection reset before the reply is usually
gone a second later; the person should not have to press Retry for it. Once any text or
thinking has been shown, nothing is repeated: the reply would start over on screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING

from providers.errors import ProviderError

if TYPE_CHECKING:
    from providers.base import Chunk

__all__ = ["RETRY_STATUSES", "RetryPolicy", "with_retries"]

#: Statuses that mean "busy, come back soon" rather than "this request is wrong".
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    """At most `retries` repeats; the wait is the server's `Retry-After` (capped at `cap`
    seconds) or else `backoff[n]` for repeat n (the last entry for later ones)."""

    retries: int = 2
    backoff: tuple[float, ...] = (1.0, 2.0)
    cap: float = 30.0

    def delay(self, error: ProviderError, attempt: int) -> float | None:
        """Seconds to wait before repeat number `attempt` (1-based), or None: give up."""
        if attempt > self.retries or not retryable(error):
            return None
        after = error.retry_after
        if after is not None and math.isfinite(after) and after >= 0:
            return min(after, self.cap)
        if not self.backoff:
            return 0.0
        return min(self.backoff[min(attempt, len(self.backoff)) - 1], self.cap)


def retryable(error: ProviderError) -> bool:
    """A busy status, or the connection reset before any byte of the reply came."""
    return error.status in RETRY_STATUSES or error.reason == "reset"


async def with_retries(
    start: Callable[[], AsyncGenerator[Chunk, None]], policy: RetryPolicy
) -> AsyncGenerator[Chunk, None]:
    """The chunks of `start()`; a retryable failure before any text or thinking was
    yielded yields `Retrying` and, after the wait, the chunks of a fresh `start()`.
    Cancelling the consumer during the wait ends it at once (the sleep is cancelled)."""
    from providers.base import Reasoning, Retrying  # base imports this module

    attempt = 0
    while True:
        shown = False
        chunks = start()
        try:
            async with contextlib.aclosing(chunks):
                async for chunk in chunks:
                    if not shown and isinstance(chunk, str | Reasoning):
                        shown = True
                    yield chunk
            return
        except ProviderError as error:
            attempt += 1
            delay = None if shown else policy.delay(error, attempt)
            if delay is None:
                raise
            status = error.status
        yield Retrying(delay, attempt, status)
        await asyncio.sleep(delay)
