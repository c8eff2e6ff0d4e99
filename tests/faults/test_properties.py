"""Property tests that complete the existing ones.

Already in place and real (checked): the SSE decoder against generated streams cut at every
byte and at random points (tests/providers/test_sse.py), the GPTalk cumulative diff as a pure
function and the GPROChat signer against SHA-256 (tests/providers/). Added here: the GPTalk
stream reader as a whole (lines split anywhere by the network, with or without blank lines
or CRs, text that only grows), the GPROChat signature checked by the emulator's independent
verifier for any conversation, and key redaction in error text.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Sequence
from typing import Any, cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.auth import redact
from providers.errors import ProviderError
from providers.gprochat import SECRET, generate_signature, request_body
from providers.gptalk import GPTalk
from providers.prompt import format_prompt
from tests.servers.gprochat import GPROChatEmulator

PROPERTY = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)


class _Body:
    """What the reader uses of `response.content`: the chunks as the network cut them."""

    def __init__(self, chunks: Sequence[bytes]) -> None:
        self._chunks = chunks

    async def iter_any(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


class _Response:
    def __init__(self, chunks: Sequence[bytes]) -> None:
        self.content = _Body(chunks)


def _gptalk_reply(chunks: Sequence[bytes]) -> list[str]:
    provider = GPTalk(session=cast(Any, None))

    async def read() -> list[str]:
        return [delta async for delta in provider._read_stream(cast(Any, _Response(chunks)))]

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(read())
    finally:
        loop.close()


@PROPERTY
@given(
    pieces=st.lists(TEXT, min_size=1, max_size=8),
    blank_lines=st.booleans(),
    crlf=st.booleans(),
    data=st.data(),
)
def test_gptalk_stream_rebuilds_the_growing_text_however_it_is_cut(
    pieces: list[str], blank_lines: bool, crlf: bool, data: st.DataObject
) -> None:
    snapshots = list(itertools.accumulate(pieces))
    eol = "\r\n" if crlf else "\n"
    separator = eol * 2 if blank_lines else eol
    lines = [f"data: {json.dumps({'content': text}, ensure_ascii=False)}" for text in snapshots]
    body = (separator.join([*lines, "data: [DONE]"]) + separator).encode("utf-8")
    cuts = sorted(data.draw(st.lists(st.integers(0, len(body)), max_size=10)))
    chunks = [body[a:b] for a, b in itertools.pairwise([0, *cuts, len(body)])]
    deltas = _gptalk_reply(chunks)
    assert "".join(deltas) == snapshots[-1]
    assert all(deltas)  # no empty deltas reach the view
    shown = list(itertools.accumulate(deltas))
    assert set(shown) <= set(snapshots)  # every moment on screen is a real snapshot


@PROPERTY
@given(
    turns=st.lists(
        st.tuples(st.sampled_from(["system", "user", "assistant"]), TEXT), min_size=1, max_size=5
    ),
    timestamp=st.integers(min_value=0, max_value=2**53),
)
def test_gprochat_signature_passes_the_emulators_own_check(
    turns: list[tuple[str, str]], timestamp: int
) -> None:
    messages = cast(Any, [{"role": role, "content": text} for role, text in turns])
    sent = json.loads(json.dumps(request_body(format_prompt(messages), timestamp)))
    text = sent["messages"][0]["parts"][0]["text"]
    assert sent["sign"] == GPROChatEmulator.signature(sent["time"], text, SECRET)
    assert sent["sign"] == generate_signature(timestamp, text)


SECRET_CHARS = st.characters(min_codepoint=33, max_codepoint=126)


@PROPERTY
@given(
    before=st.text(max_size=400),
    secret=st.text(SECRET_CHARS, min_size=8, max_size=80),
    after=st.text(max_size=100),
)
def test_redaction_leaves_no_usable_part_of_the_key(before: str, secret: str, after: str) -> None:
    error = redact(ProviderError(before + secret + after, provider="P"), secret)
    assert secret not in error.message and secret not in str(error)
    assert secret not in repr(error) and all(secret not in str(a) for a in error.args)
    if error.message.endswith("…"):
        kept = error.message[:-1]
        assert not any(kept.endswith(secret[:size]) for size in range(8, len(secret) + 1))
