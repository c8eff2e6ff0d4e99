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
from typing import TYPE_CHECKING, Any

import orjson

from providers.base import Chunk, FinishReason, Usage
from providers.errors import ProtocolError, ProviderError
from providers.http import iter_sse_batches, parse_json

if TYPE_CHECKING:
    import aiohttp

__all__ = ["EventReader", "read_deltas"]

#: One event's parsed JSON and its text (for messages) → its text (maybe ""), finish
#: reason and usage; raises ProviderError.
EventReader = Callable[[Any, str], tuple[str, str | None, Usage | None]]

_ONE_BY_ONE = object()


async def read_deltas(
    response: aiohttp.ClientResponse,
    read_event: EventReader,
    *,
    cut: str,
    malformed: str = "malformed_stream",
) -> AsyncGenerator[Chunk, None]:
    """Text, then the finish reason and usage; `cut` is the reason code of the error when
    neither `[DONE]` nor a finish reason came before the body ended, `malformed` the one
    for an event that is not JSON. The provider's label is stamped by `Provider.stream`."""
    finish: str | None = None
    usage: Usage | None = None
    done = False
    batches = iter_sse_batches(response)
    async with contextlib.aclosing(batches):
        async for events in batches:
            datas: list[str] = []
            for event in events:
                if event.is_done:
                    done = True
                    break
                datas.append(event.data)
            try:  # the whole read in one C loop; `parse_json` finds the bad one below
                values: list[Any] = list(map(orjson.loads, datas))
            except orjson.JSONDecodeError:
                values = [_ONE_BY_ONE] * len(datas)
            texts: list[str] = []
            failure: ProviderError | None = None
            for value, data in zip(values, datas, strict=True):
                try:
                    if value is _ONE_BY_ONE:
                        value = parse_json(data, reason=malformed)
                    text, reason, event_usage = read_event(value, data)
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
        raise ProtocolError(reason=cut)
    if finish:
        yield FinishReason(finish)
    if usage is not None:
        yield usage
