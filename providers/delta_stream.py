"""OpenAI-style delta streams: `data: {json}` events carrying text, `data: [DONE]` last.

GigaChat and OpenAI-compatible servers both speak it. The text of all the events that
one network read completed is yielded as one string: a fast server sends thousands of
events a second, and every step through the async generators above (provider, door,
recorder) costs more than parsing the event (bench/run item 3). A fault in the middle
of a read raises after the text before it has been yielded.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING

from providers.base import Chunk, FinishReason, Usage
from providers.errors import ProtocolError, ProviderError
from providers.http import iter_sse_batches

if TYPE_CHECKING:
    import aiohttp

__all__ = ["EventReader", "read_deltas"]

#: One event's data → its text (maybe ""), finish reason and usage; raises ProviderError.
EventReader = Callable[[str], tuple[str, str | None, Usage | None]]


async def read_deltas(
    response: aiohttp.ClientResponse, read_event: EventReader, *, provider: str, cut: str
) -> AsyncGenerator[Chunk, None]:
    """Text, then the finish reason and usage; `cut` is the error when neither `[DONE]`
    nor a finish reason came before the body ended."""
    finish: str | None = None
    usage: Usage | None = None
    done = False
    batches = iter_sse_batches(response)
    async with contextlib.aclosing(batches):
        async for events in batches:
            texts: list[str] = []
            failure: ProviderError | None = None
            for event in events:
                if event.is_done:
                    done = True
                    break
                try:
                    text, reason, event_usage = read_event(event.data)
                except ProviderError as error:
                    failure = error
                    break
                if text:
                    texts.append(text)
                finish = reason or finish
                usage = event_usage or usage
            if texts:
                yield "".join(texts)
            if failure is not None:
                raise failure
            if done:
                break
    if not done and not finish:
        raise ProtocolError(cut, provider=provider)
    if finish:
        yield FinishReason(finish)
    if usage is not None:
        yield usage
