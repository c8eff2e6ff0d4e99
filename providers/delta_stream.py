"""OpenAI-style delta streams: `data: {json}` events carrying text, `data: [DONE]` last.

GigaChat and OpenAI-compatible servers both speak it. The text of all the events that
one network read completed is yielded as one string: a fast server sends thousands of
events a second, and every step through the async generators above (provider, door,
recorder) costs more than parsing the event (bench/run item 3). A fault in the middle
of a read raises after the text before it has been yielded.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Callable, Sequence
from typing import TYPE_CHECKING, Any

import orjson

from providers.base import Chunk, FinishReason, Reasoning, Usage
from providers.errors import ProtocolError, ProviderError
from providers.http import iter_sse_batches, parse_json
from providers.surrogates import SurrogateJoiner
from providers.think import ThinkSplitter

if TYPE_CHECKING:
    import aiohttp

__all__ = ["EventReader", "read_deltas"]

#: One event's parsed JSON and its text (for messages) → its answer text (maybe ""), its
#: thinking (maybe ""), finish reason and usage; raises ProviderError.
EventReader = Callable[[Any, str], tuple[str, str, str | None, Usage | None]]

_ONE_BY_ONE = object()


class _Pieces:
    """One read's text and thinking, merged into runs in the order they came; the
    surrogate and `<think>` handling run only where they can matter."""

    def __init__(self, think: ThinkSplitter | None) -> None:
        self.think = think
        self.text_halves = SurrogateJoiner()
        self.thought_halves = SurrogateJoiner()
        self.mend = False  # this read went through the standard library's JSON

    def text(self, pieces: list[str], out: list[Chunk]) -> None:
        text = "".join(pieces)
        if self.mend or self.text_halves.holding:
            text = self.text_halves.feed(text)
        self._content(text, out)

    def thought(self, pieces: list[str], out: list[Chunk]) -> None:
        text = "".join(pieces)
        if self.mend or self.thought_halves.holding:
            text = self.thought_halves.feed(text)
        if text:
            out.append(Reasoning(text))

    def _content(self, text: str, out: list[Chunk]) -> None:
        if self.think is None or self.think.passing:
            if text:
                out.append(text)
        elif text:
            out.extend(self.think.feed(text))

    def close(self) -> list[Chunk]:
        out: list[Chunk] = []
        self._content(self.text_halves.close(), out)
        if self.think is not None:
            out.extend(self.think.close())
        self.thought([self.thought_halves.close()], out)
        return out


async def read_deltas(
    response: aiohttp.ClientResponse,
    read_event: EventReader,
    *,
    cut: str,
    malformed: str = "malformed_stream",
    split_think: bool = False,
    stall_after: float | None = None,
    tail: Callable[[], Sequence[Chunk]] | None = None,
) -> AsyncGenerator[Chunk, None]:
    """Text (and Reasoning), then the finish reason and usage; `cut` is the reason code
    of the error when neither `[DONE]` nor a finish reason came before the body ended,
    `malformed` the one for an event that is not JSON. `split_think` turns a leading
    `<think>…</think>` of the content into Reasoning; `stall_after` is the longest time
    without a complete line (iter_sse_batches). `tail` gives what goes after the text
    and before the finish reason (the tool calls `read_event` gathered). The provider's
    label is stamped by `Provider.stream`."""
    finish: str | None = None
    usage: Usage | None = None
    done = False
    pieces = _Pieces(ThinkSplitter() if split_think else None)
    batches = iter_sse_batches(response, stall_after=stall_after)
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
                pieces.mend = False
            except orjson.JSONDecodeError:
                values = [_ONE_BY_ONE] * len(datas)
                pieces.mend = True
            out: list[Chunk] = []
            texts: list[str] = []
            thoughts: list[str] = []
            failure: ProviderError | None = None
            for value, data in zip(values, datas, strict=True):
                try:
                    if value is _ONE_BY_ONE:
                        value = parse_json(data, reason=malformed)
                    text, thought, reason, event_usage = read_event(value, data)
                except ProviderError as error:
                    failure = error
                    break
                if thought:
                    if texts:
                        pieces.text(texts, out)
                        texts = []
                    thoughts.append(thought)
                if text:
                    if thoughts:
                        pieces.thought(thoughts, out)
                        thoughts = []
                    texts.append(text)
                finish = reason or finish
                usage = event_usage or usage
            if thoughts:
                pieces.thought(thoughts, out)
            if texts:
                pieces.text(texts, out)
            for chunk in out:
                yield chunk
            if failure is not None:
                raise failure
            if done:
                break
    for chunk in pieces.close():
        yield chunk
    if not done and not finish:
        raise ProtocolError(reason=cut)
    if tail is not None:
        for chunk in tail():
            yield chunk
    if finish:
        yield FinishReason(finish)
    if usage is not None:
        yield usage
