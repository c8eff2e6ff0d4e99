"""Token counts: asked for where the service wants it asked, cached prompt tokens too."""

from __future__ import annotations

import aiohttp
import pytest

from providers.base import Chunk, FinishReason, Message, Provider, Usage
from providers.errors import BadRequestError
from providers.gigachat import GigaChat
from providers.openai_compat import OpenAICompatible
from tests.servers.gigachat import GigaChatEmulator
from tests.servers.openai import OpenAIEmulator, run_openai

HELLO: list[Message] = [{"role": "user", "content": "Привет, как дела?"}]
ASKED = {"include_usage": True}


async def collect(provider: Provider, *, stream: bool = True) -> list[Chunk]:
    return [c async for c in provider.stream(None, HELLO, stream=stream)]


def usage_of(chunks: list[Chunk]) -> Usage | None:
    return next((c for c in chunks if isinstance(c, Usage)), None)


def chats(emulator: OpenAIEmulator) -> list[dict[str, object]]:
    return [r.body for r in emulator.requests if r.path.endswith("/chat/completions")]


async def test_usage_is_asked_for_and_arrives(session: aiohttp.ClientSession) -> None:
    async with run_openai(OpenAIEmulator(cached_tokens=2)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        chunks = await collect(provider)
    assert chats(emulator)[0]["stream_options"] == ASKED
    assert chunks[-2:] == [FinishReason("stop"), Usage(3, 5, 8, cached_tokens=2)]


async def test_the_emulator_sends_usage_only_when_asked(session: aiohttp.ClientSession) -> None:
    async with run_openai() as emulator:
        body = {"model": "llama3.2", "messages": HELLO, "stream": True}
        async with session.post(f"{emulator.base_url}/chat/completions", json=body) as response:
            raw = await response.read()
    assert b'"usage"' not in raw
    assert raw.endswith(b"data: [DONE]\n\n")


@pytest.mark.parametrize(
    "refusal",
    [
        "Unrecognized request argument supplied: stream_options",
        "Extra inputs are not permitted: include_usage",
    ],
)
async def test_a_server_refusing_stream_options_is_asked_again_without(
    session: aiohttp.ClientSession, refusal: str
) -> None:
    async with run_openai(OpenAIEmulator(refuse_stream_options=refusal)) as emulator:
        notes: dict[str, bool] = {}  # the app's factory shares one for its run
        provider = OpenAICompatible(session=session, base_url=emulator.base_url, server_notes=notes)
        chunks = await collect(provider)
        assert "".join(c for c in chunks if isinstance(c, str)) == emulator.reply
        assert usage_of(chunks) is None  # the server has none to give
        first, second = chats(emulator)
        assert first["stream_options"] == ASKED
        assert "stream_options" not in second
        # Remembered for this endpoint: the new instance a settings change makes asks
        # once, not twice.
        again = OpenAICompatible(
            session=session, base_url=emulator.base_url + "/", server_notes=notes
        )
        await collect(again)
        assert len(chats(emulator)) == 3
        assert "stream_options" not in chats(emulator)[2]


async def test_an_unexplained_400_is_tried_once_without_stream_options(
    session: aiohttp.ClientSession,
) -> None:
    """A server whose 400 does not say why: the request without `stream_options` went
    through, so that was it; remembered."""
    async with run_openai(OpenAIEmulator(refuse_stream_options="Bad Request")) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        await collect(provider)
        await collect(provider)
    assert [("stream_options" in body) for body in chats(emulator)] == [True, False, False]


async def test_a_400_about_something_else_is_the_answer(
    session: aiohttp.ClientSession,
) -> None:
    """Asked once more without `stream_options` (it could have been that), it fails the
    same way: the person sees the server's error, and nothing is remembered."""
    emulator = OpenAIEmulator(status=400, error_body={"detail": "context too long"})
    async with run_openai(emulator):
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        with pytest.raises(BadRequestError, match="context too long"):
            await collect(provider)
        assert [("stream_options" in body) for body in chats(emulator)] == [True, False]
        emulator.status = None
        await collect(provider)  # the endpoint is still asked for usage
        assert chats(emulator)[-1]["stream_options"] == ASKED
        # Known to take it now: a later 400 is not asked twice.
        emulator.status = 400
        with pytest.raises(BadRequestError):
            await collect(provider)
    assert len(chats(emulator)) == 4


async def test_whole_answers_never_carry_stream_options(session: aiohttp.ClientSession) -> None:
    async with run_openai(OpenAIEmulator(cached_tokens=1)) as emulator:
        provider = OpenAICompatible(session=session, base_url=emulator.base_url)
        chunks = await collect(provider, stream=False)
    assert "stream_options" not in chats(emulator)[0]
    assert usage_of(chunks) == Usage(3, 5, 8, cached_tokens=1)


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_gigachat_precached_tokens_are_cached_tokens(
    giga: GigaChat, emulator: GigaChatEmulator, stream: bool
) -> None:
    emulator.precached_tokens = 4
    usage = usage_of(await collect(giga, stream=stream))
    assert usage is not None
    assert usage.cached_tokens == 4
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens


def test_usage_from_json_reads_both_services() -> None:
    assert Usage.from_json({"prompt_tokens": 10, "prompt_tokens_details": {"cached_tokens": 6}})
    assert Usage.from_json({"prompt_tokens_details": {"cached_tokens": 6}}) == Usage(
        cached_tokens=6
    )
    assert Usage.from_json({"precached_prompt_tokens": 3, "total_tokens": 9}) == Usage(
        total_tokens=9, cached_tokens=3
    )
    assert Usage.from_json({"prompt_tokens_details": None, "prompt_tokens": 1}) == Usage(1)
    assert Usage.from_json({"precached_prompt_tokens": True}) is None
    assert Usage.from_json([]) is None
