"""Auto failover across real loopback emulators and a refused port."""

from __future__ import annotations

import contextlib
import socket

import aiohttp
import pytest

from providers.auto import AllProvidersFailedError, AutoProvider
from providers.base import Chunk, FinishReason, Message, Provider
from providers.errors import AuthError, BadRequestError, NetworkError, ProtocolError
from providers.gprochat import GPROChat
from providers.openai_compat import OpenAICompatible
from tests.servers.gprochat import run_gprochat
from tests.servers.openai import OpenAIEmulator, run_openai

HELLO: list[Message] = [{"role": "user", "content": "Привет!"}]


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def collect(provider: Provider, **options: object) -> list[Chunk]:
    return [chunk async for chunk in provider.stream(None, HELLO, options=options)]


async def drain(provider: Provider, shown: list[str]) -> None:
    async for chunk in provider.stream(None, HELLO):
        if isinstance(chunk, str):
            shown.append(chunk)


def text(chunks: list[Chunk]) -> str:
    return "".join(c for c in chunks if isinstance(c, str))


async def test_falls_through_a_refused_port_to_a_live_provider(
    session: aiohttp.ClientSession, closed_port: int
) -> None:
    dead = OpenAICompatible(session=session, base_url=f"http://127.0.0.1:{closed_port}/v1")
    async with run_openai() as emulator:
        live = OpenAICompatible(session=session, base_url=emulator.base_url)
        auto = AutoProvider([(dead, None), (live, "qwen2.5:7b")])
        chunks = await collect(auto)
    assert text(chunks) == emulator.reply
    assert FinishReason("stop") in chunks
    assert emulator.requests[0].body["model"] == "qwen2.5:7b"
    assert auto.last_provider is live


async def test_does_not_switch_after_text_has_started(session: aiohttp.ClientSession) -> None:
    async with (
        run_openai(OpenAIEmulator(cut_after=2)) as first,
        run_gprochat() as second,
    ):
        auto = AutoProvider(
            [
                (OpenAICompatible(session=session, base_url=first.base_url), None),
                (GPROChat(session=session, base_url=second.base_url), None),
            ]
        )
        shown: list[str] = []
        with pytest.raises(ProtocolError) as caught:
            await drain(auto, shown)
    assert "".join(shown) == first.reply[:8]
    assert caught.value.provider == "OpenAI-compatible"
    assert second.requests == []


async def test_an_empty_answer_moves_on(session: aiohttp.ClientSession) -> None:
    async with run_openai(OpenAIEmulator(reply="")) as empty, run_gprochat() as live:
        auto = AutoProvider(
            [
                (OpenAICompatible(session=session, base_url=empty.base_url), None),
                (GPROChat(session=session, base_url=live.base_url), None),
            ]
        )
        chunks = await collect(auto)
    assert text(chunks) == live.reply
    assert all(isinstance(c, str) for c in chunks)  # the empty answer's finish/usage are dropped
    assert len(empty.requests) == 1


async def test_every_failure_is_named(session: aiohttp.ClientSession, closed_port: int) -> None:
    async with run_openai(OpenAIEmulator(api_key="sk-needed")) as locked:
        auto = AutoProvider(
            [
                (GPROChat(session=session, base_url=f"http://127.0.0.1:{closed_port}"), None),
                (OpenAICompatible(session=session, base_url=locked.base_url), None),
            ]
        )
        with pytest.raises(AllProvidersFailedError) as caught:
            await collect(auto)
    error = caught.value
    assert [type(e) for e in error.errors] == [NetworkError, AuthError]
    assert "GPROChat" in str(error)
    assert "OpenAI-compatible: Incorrect API key" in str(error)
    assert error.hint == AuthError.hint


async def test_a_single_failure_is_raised_as_is(
    session: aiohttp.ClientSession, closed_port: int
) -> None:
    dead = GPROChat(session=session, base_url=f"http://127.0.0.1:{closed_port}")
    with pytest.raises(NetworkError, match="GPROChat"):
        await collect(AutoProvider([(dead, None)]))


async def test_options_go_only_where_they_are_taken(session: aiohttp.ClientSession) -> None:
    async with run_gprochat() as gpro, run_openai() as openai:
        auto = AutoProvider(
            [
                (GPROChat(session=session, base_url=gpro.base_url), None),
                (OpenAICompatible(session=session, base_url=openai.base_url), None),
            ]
        )
        assert text(await collect(auto, temperature=0.4)) == gpro.reply
        with pytest.raises(BadRequestError, match="repetition_penalty"):
            await collect(auto, repetition_penalty=1.2)
    assert len(gpro.requests) == 1
    assert openai.requests == []


async def test_stopping_early_is_clean(session: aiohttp.ClientSession) -> None:
    async with run_openai(OpenAIEmulator(chunk_chars=1)) as emulator:
        auto = AutoProvider([(OpenAICompatible(session=session, base_url=emulator.base_url), None)])
        replies = auto.stream(None, HELLO)
        # Provider.stream is typed AsyncIterator although it is an async generator.
        async with contextlib.aclosing(replies):  # type: ignore[type-var]
            first = await anext(aiter(replies))
    assert first and emulator.reply.startswith(first)  # deltas of one read come as one


def test_needs_a_candidate() -> None:
    with pytest.raises(ValueError, match="at least one"):
        AutoProvider([])
